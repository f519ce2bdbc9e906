package keyring_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/verify"
)

func TestCertifiedCopy(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite(t))
	ctx := context.Background()
	doc := b.approvedDraft(t, true)
	_, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, pin, "")
	must(t, err)
	_, err = b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "")
	must(t, err)
	archivist, rec := b.archive(t)
	must(t, b.eng.FileDocument(ctx, archivist, rec.ID, doc.ID))

	t.Run("OnlyTheArchivistIssuesIt", func(t *testing.T) {
		_, err := b.kr.CertifiedCopy(ctx, b.clerk, doc.ID, pin, "")
		if !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("clerk: %v, want forbidden", err)
		}
	})
	t.Run("WrongPINIsRefusedBeforeNumbering", func(t *testing.T) {
		if _, err := b.kr.CertifiedCopy(ctx, archivist, doc.ID, "sai", ""); !errors.Is(err, keyring.ErrWrongPIN) {
			t.Fatalf("wrong PIN: %v", err)
		}
	})
	t.Run("TheCopyIsSignedByTheAgencyAndStored", func(t *testing.T) {
		cp, err := b.kr.CertifiedCopy(ctx, archivist, doc.ID, pin, "")
		must(t, err)
		// The refused attempts above took no number: this is the first copy of the year.
		if cp.Number != 1 || cp.Form != "SY" || cp.SourceID != doc.ID {
			t.Fatalf("copy = %+v", cp.Copy)
		}
		if key := keyring.CopyKey(b.agency.ID, cp.ID, cp.Blob.SHA256); key != cp.Blob.Key {
			t.Fatalf("stored under %q, CopyKey says %q", cp.Blob.Key, key)
		}
		data := b.blob(t, cp.Blob.Key)
		if int64(len(data)) != cp.Blob.Size || cp.Signed.SHA256 != cp.Blob.SHA256 || cp.Signed.Size != cp.Blob.Size {
			t.Fatalf("stored %d bytes; the copy records %+v, the store %+v", len(data), cp.Signed, cp.Blob)
		}
		sigs := b.verify(t, data)
		// leader, agency, and the copy's signature
		if len(sigs) != 3 {
			t.Fatalf("%d signatures, want 3", len(sigs))
		}
		for _, s := range sigs {
			if s.Indication != verify.TotalPassed {
				t.Fatalf("signature of %s: %s %v", s.Signer, s.Indication, s.Errors)
			}
		}
		if !dssAfter(sigs[2]) {
			t.Fatalf("nothing follows the copy's signature: %+v; want its validation data (B-LT) with the CA reachable", sigs[2].Changes)
		}
	})
	t.Run("StaysBTWhenNoRevocationDataCanBeHad", func(t *testing.T) {
		down := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, errors.New("the CA's network is down")
		})}
		kr := keyring.New(keyring.Config{Engine: b.eng, Store: b.store, Blobs: b.blobs,
			Timestamper: &pki.TSAClient{URL: b.caURL + "/tsa"}, Revocation: pki.NewRevocation(down, b.ca.Issuers()),
			ExtraCertificates: []*x509.Certificate{b.ca.TSACertificate()}})
		cp, err := kr.CertifiedCopy(ctx, archivist, doc.ID, pin, "")
		if err != nil {
			t.Fatalf("a copy with the CA unreachable: %v", err)
		}
		sigs := b.verify(t, b.blob(t, cp.Blob.Key))
		if n := len(sigs); n != 3 || !sigs[2].Intact || sigs[2].Timestamp == nil || dssAfter(sigs[2]) {
			t.Fatalf("signatures: %+v; want the copy's intact and timestamped (B-T), no validation data added after it", sigs)
		}
	})
	t.Run("KeysOutsideTheLayoutAreRefused", func(t *testing.T) {
		for _, bad := range [][3]string{{b.agency.ID, "../x", "ab"}, {"a/b", "c", "00"}, {b.agency.ID, "c", "not-a-digest"}} {
			if k := keyring.CopyKey(bad[0], bad[1], bad[2]); k != "" {
				t.Fatalf("CopyKey%v = %q", bad, k)
			}
		}
	})
}

// dssAfter reports whether validation data (a /DSS update) was added after the signature.
func dssAfter(s verify.Signature) bool {
	return slices.ContainsFunc(s.Changes, func(c verify.Change) bool { return c.Kind == "dss" })
}

// FuzzCopyKey checks that whatever a request puts in the path, a copy's key stays under
// the named agency's copies or is refused.
func FuzzCopyKey(f *testing.F) {
	f.Add("01a2", "01b3", strings.Repeat("ab", 32))
	f.Add("../x", "c", strings.Repeat("0", 64))
	f.Add("a", "b/../../c", strings.Repeat("f", 64))
	f.Fuzz(func(t *testing.T, agency, copyID, digest string) {
		k := keyring.CopyKey(agency, copyID, digest)
		if k == "" {
			return
		}
		if k != "certified-copies/"+agency+"/"+copyID+"/"+digest[:2]+"/"+digest || strings.Contains(k, "..") {
			t.Fatalf("CopyKey(%q, %q, %q) = %q", agency, copyID, digest, k)
		}
	})
}

// archive gives the agency an archivist and a record of theirs, open for 2026.
func (b *bundle) archive(t *testing.T) (engine.Actor, engine.Record) {
	t.Helper()
	ctx := context.Background()
	u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: "luutru.tinh", FullName: "Lê Thị Lưu"}, "x")
	must(t, err)
	must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: b.agency.ID, Role: engine.RoleArchivist}))
	archivist := engine.Actor{UserID: u.ID, AgencyID: b.agency.ID, Role: engine.RoleArchivist}
	rec, err := b.eng.OpenRecord(ctx, archivist, 2026, engine.RecordSpec{Code: "01.VP", Title: "Hồ sơ quyết định",
		Retention: engine.Retention{Years: 10}, OwnerID: u.ID})
	must(t, err)
	return archivist, rec
}
