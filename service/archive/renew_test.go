package archive_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/testenv"
)

// renewBundle is an agency with one record archived (its package in the blob store,
// the record pointing at it) and the DEMO CA that signed its PDF.
type renewBundle struct {
	store    engine.Store
	eng      *engine.Engine
	recordID string
	agencyID string
	pkg      *archive.Package
	primary  blob.Store
	replica  blob.Store
	dir      string // the primary store's root
}

// demoCA runs a DEMO CA (OCSP, CRL, TSA) on a loopback server.
func renewDemoCA(t *testing.T) (*pkidemo.CA, string) {
	t.Helper()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	ca, err := pkidemo.New(t.TempDir(), pkidemo.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	handler = ca.Handler()
	return ca, srv.URL
}

// signedPDF is a one-page PDF signed at B-T by a leader whose certificate ends after
// validity: the signature carries a timestamp but no revocation data.
func renewSignedPDF(t *testing.T, ca *pkidemo.CA, caURL string, validity time.Duration) []byte {
	t.Helper()
	issued, err := ca.IssuePerson("Bùi Văn Khánh", "khanh@hoabinh.gov.vn", pkidemo.WithValidity(validity))
	if err != nil {
		t.Fatal(err)
	}
	p12, err := issued.PKCS12("matkhau")
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.LoadPKCS12(p12, "matkhau")
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	if _, err := signer.Sign(context.Background(), &signed, signertest.OnePagePDF(), signer.Request{Key: key, Level: pades.LevelBT,
		Timestamper: &pki.TSAClient{URL: caURL + "/tsa"}, Reason: "Ký ban hành"}); err != nil {
		t.Fatal(err)
	}
	return signed.Bytes()
}

// archivedRecord files pdf as the signed original of an issued document into a closed
// record, archives the record with a replica and points the record at its package.
func renewArchived(t *testing.T, pdf []byte) *renewBundle {
	t.Helper()
	dir := t.TempDir()
	primary, err := blob.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := renewArchivedIn(t, pdf, primary, replica)
	b.dir = dir
	return b
}

// renewArchivedIn is renewArchived on the given stores.
func renewArchivedIn(t *testing.T, pdf []byte, primary, replica blob.Store) *renewBundle {
	t.Helper()
	ctx := context.Background()
	in := sqliteInstance(t, primary)
	rec, actors := in.issuedRecordOf(t, pdf)
	b := &renewBundle{store: in.store, eng: in.eng, recordID: rec.ID, agencyID: rec.AgencyID, primary: primary, replica: replica}
	var err error
	if b.pkg, err = archive.Store(ctx, in.store, primary, rec.ID, replica); err != nil {
		t.Fatal(err)
	}
	if _, err := in.eng.RecordArchived(ctx, actors[engine.RoleArchivist], rec.ID, b.pkg.Manifest); err != nil {
		t.Fatal(err)
	}
	return b
}

// snapshot reads every file under the archive/ folder of a store's root.
func renewSnapshot(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(root, "archive"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func renewTestOptions(ca *pkidemo.CA, caURL string) archive.RenewOptions {
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(ca.Root())
	inter.AddCert(ca.Issuing())
	return archive.RenewOptions{
		Extend: pades.ExtendOptions{Timestamper: &pki.TSAClient{URL: caURL + "/tsa"},
			Revocation: pki.NewRevocation(http.DefaultClient, ca.Issuers()), Certificates: append(ca.Issuers(), ca.TSACertificate())},
		Verify: verify.Options{Roots: roots, Intermediates: inter},
	}
}

func TestRenewalAddsANewVersionAndLeavesTheOldOneAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ca, caURL := renewDemoCA(t)
	b := renewArchived(t, renewSignedPDF(t, ca, caURL, 60*24*time.Hour)) // the leader's certificate ends in two months
	before := renewSnapshot(t, b.dir)
	opts := renewTestOptions(ca, caURL)

	t.Run("DryRunListsWithoutWriting", func(t *testing.T) {
		dry := opts
		dry.DryRun = true
		r, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: b.primary, Options: dry})
		if err != nil {
			t.Fatal(err)
		}
		due, err := r.RunOnce(ctx)
		if err != nil || len(due) != 1 || len(due[0].Files) != 1 || due[0].Manifest != "" {
			t.Fatalf("dry run: %+v, %v", due, err)
		}
		if until := due[0].Files[0].EvidenceUntil; until.After(time.Now().Add(61*24*time.Hour)) || until.Before(time.Now().Add(59*24*time.Hour)) {
			t.Fatalf("evidence until %v, want the signer's certificate end in 60 days", until)
		}
		if len(renewSnapshot(t, b.dir)) != len(before) {
			t.Fatal("a dry run wrote objects")
		}
	})

	r, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: b.primary,
		Replicas: []blob.Store{b.replica}, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	renewals, err := r.RunOnce(ctx)
	if err != nil || len(renewals) != 1 {
		t.Fatalf("renewals %+v, %v", renewals, err)
	}
	ren := renewals[0]
	if ren.Manifest == "" || ren.Version != 2 || len(ren.Versions) != 1 || ren.Versions[0] != b.pkg.Manifest {
		t.Fatalf("renewal %+v", ren)
	}
	if f := ren.Files[0]; f.Skipped != "" || f.NewKey == "" || !f.RenewedUntil.After(time.Now().AddDate(1, 0, 0)) {
		t.Fatalf("renewed file %+v", f)
	}

	t.Run("OldVersionUntouchedAndLocked", func(t *testing.T) {
		after := renewSnapshot(t, b.dir)
		for p, data := range before {
			if !bytes.Equal(after[p], data) {
				t.Fatalf("%s changed", p)
			}
		}
		for _, o := range b.pkg.Objects {
			if err := b.primary.Delete(ctx, o.Key); !errors.Is(err, blob.ErrLocked) {
				t.Fatalf("old object %s: %v, want ErrLocked", o.Key, err)
			}
		}
	})

	t.Run("RecordPointsAtTheNewVersionAndTheChangeIsAudited", func(t *testing.T) {
		rec, err := b.store.RecordGetByID(ctx, b.recordID)
		if err != nil || rec.PackageKey != ren.Manifest {
			t.Fatalf("record package %q, %v; want %q", rec.PackageKey, err, ren.Manifest)
		}
		versions, err := archive.LoadVersions(ctx, b.primary, rec.PackageKey)
		if err != nil || len(versions) != 2 || versions[1].Manifest != b.pkg.Manifest {
			t.Fatalf("versions %v, %v", versions, err)
		}
		next := versions[0]
		if !strings.HasPrefix(next.Prefix, b.pkg.Prefix+"/v2") || next.RetainUntil != b.pkg.RetainUntil {
			t.Fatalf("new version at %s locked until %v; old at %s until %v", next.Prefix, next.RetainUntil, b.pkg.Prefix, b.pkg.RetainUntil)
		}
		for _, o := range next.Objects {
			st, err := b.primary.Stat(ctx, o.Key)
			if err != nil || !st.RetainUntil.Equal(b.pkg.RetainUntil) {
				t.Fatalf("new object %s locked until %v, %v", o.Key, st.RetainUntil, err)
			}
			if _, err := b.replica.Stat(ctx, o.Key); err != nil {
				t.Fatalf("new object %s not in the replica: %v", o.Key, err)
			}
		}
		events, err := b.store.AuditListByAgency(ctx, b.agencyID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			if e.Action == string(engine.ActionRenewPackage) && e.ObjectID == b.recordID && strings.Contains(e.After, ren.Manifest) {
				found = true
			}
		}
		if !found {
			t.Fatal("no renew_package event on the record")
		}
	})

	t.Run("RenewedPDFValidatesWithTheOldSignatureIntact", func(t *testing.T) {
		oldPDF := renewReadObject(t, b.primary, ren.Files[0].Key)
		newPDF := renewReadObject(t, b.primary, ren.Files[0].NewKey)
		if !bytes.HasPrefix(newPDF, oldPDF) {
			t.Fatal("the renewed PDF does not begin with the original bytes")
		}
		rep, err := verify.Verify(ctx, bytes.NewReader(newPDF), int64(len(newPDF)), opts.Verify)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Signatures) != 2 {
			t.Fatalf("%d signatures, want the leader's and a document timestamp", len(rep.Signatures))
		}
		for _, s := range rep.Signatures {
			if s.Indication != verify.TotalPassed || !s.Intact {
				t.Fatalf("%s (%s): %s %s %v", s.Field, s.Type, s.Indication, s.SubIndication, s.Errors)
			}
			if s.Type == "signature" && s.Level != "PAdES-BASELINE-LTA" {
				t.Fatalf("level %s, want PAdES-BASELINE-LTA", s.Level)
			}
		}
		// From now on the document timestamp vouches for everything before it: the
		// evidence lasts as long as the TSA's certificate, not the leader's.
		until, signed, err := archive.EvidenceUntil(ctx, newPDF, opts.Verify)
		if err != nil || !signed || !until.Equal(ca.TSACertificate().NotAfter.UTC()) || !until.Equal(ren.Files[0].RenewedUntil) {
			t.Fatalf("evidence until %v (%v, %v), want the TSA certificate's end %v", until, signed, err, ca.TSACertificate().NotAfter)
		}
		pdfsig := signertest.Tool(t, "pdfsig")
		path := filepath.Join(t.TempDir(), "renewed.pdf")
		if err := os.WriteFile(path, newPDF, 0o600); err != nil {
			t.Fatal(err)
		}
		// pdfsig checks the leader's signature (poppler does not validate document
		// timestamps, it only lists them): still valid, now over part of the file.
		out, _ := exec.Command(pdfsig, "-nocert", path).CombinedOutput()
		first, second, ok := strings.Cut(string(out), "Signature #2:")
		if !ok || !strings.Contains(first, "Bùi Văn Khánh") || !strings.Contains(first, "Signature is Valid") ||
			!strings.Contains(second, "DocTimeStamp") || !strings.Contains(second, "Total document signed") ||
			strings.Contains(second, "Signature is Invalid") {
			t.Fatalf("pdfsig:\n%s", out)
		}
	})

	t.Run("SecondRunRenewsNothing", func(t *testing.T) {
		again, err := r.RunOnce(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second run: %+v, %v", again, err)
		}
		rec, _ := b.store.RecordGetByID(ctx, b.recordID)
		if rec.PackageKey != ren.Manifest {
			t.Fatalf("record moved to %s", rec.PackageKey)
		}
	})

	t.Run("FixityChecksEveryVersion", func(t *testing.T) {
		f, err := archive.NewFixity(archive.FixityConfig{Store: b.store, Blobs: b.primary})
		if err != nil {
			t.Fatal(err)
		}
		run, err := f.RunPass(ctx)
		if err != nil || run.Packages != 2 || run.Damaged != 0 || run.Objects != 2*len(b.pkg.Objects)+3 { // two manifests, the objects twice, the renewal report
			t.Fatalf("fixity over both versions: %+v, %v", run, err)
		}
	})
}

func TestRenewalLeavesLongLivedEvidenceAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ca, caURL := renewDemoCA(t)
	b := renewArchived(t, renewSignedPDF(t, ca, caURL, 3*365*24*time.Hour))
	r, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: b.primary, Options: renewTestOptions(ca, caURL)})
	if err != nil {
		t.Fatal(err)
	}
	if due, err := r.RunOnce(ctx); err != nil || len(due) != 0 {
		t.Fatalf("a certificate valid three more years was renewed: %+v, %v", due, err)
	}
}

// A new timestamp only helps when its own certificates outlast the evidence it renews;
// otherwise nothing is written, and the archivist is told why.
func TestRenewalThatWouldNotHelpWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ca, caURL := renewDemoCA(t)
	b := renewArchived(t, renewSignedPDF(t, ca, caURL, 9*365*24*time.Hour)) // outlives the TSA's eight years
	before := renewSnapshot(t, b.dir)
	opts := renewTestOptions(ca, caURL)
	opts.Within = 10 * 365 * 24 * time.Hour
	r, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: b.primary, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	due, err := r.RunOnce(ctx)
	if err != nil || len(due) != 1 || due[0].Manifest != "" || len(due[0].Files) != 1 {
		t.Fatalf("renewals %+v, %v", due, err)
	}
	if f := due[0].Files[0]; f.NewKey != "" || !strings.Contains(f.Skipped, "no later than the evidence") {
		t.Fatalf("file %+v", f)
	}
	if after := renewSnapshot(t, b.dir); len(after) != len(before) {
		t.Fatalf("%d files in the archive after, %d before", len(after), len(before))
	}
	if rec, _ := b.store.RecordGetByID(ctx, b.recordID); rec.PackageKey != b.pkg.Manifest {
		t.Fatalf("record moved to %s", rec.PackageKey)
	}
}

// On S3 the new version is locked in COMPLIANCE mode like the first, and the server
// itself still refuses to delete the old one.
func TestRenewalOnS3WithObjectLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.S3Server(t)
	primary, err := blob.NewS3(blob.S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey, SecretKey: env.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	replica, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ca, caURL := renewDemoCA(t)
	b := renewArchivedIn(t, renewSignedPDF(t, ca, caURL, 30*24*time.Hour), primary, replica)
	old := map[string][]byte{}
	for _, o := range b.pkg.Objects {
		old[o.Key] = renewReadObject(t, primary, o.Key)
	}
	r, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: primary,
		Replicas: []blob.Store{replica}, Options: renewTestOptions(ca, caURL)})
	if err != nil {
		t.Fatal(err)
	}
	due, err := r.RunOnce(ctx)
	if err != nil || len(due) != 1 || due[0].Manifest == "" {
		t.Fatalf("renewals %+v, %v", due, err)
	}
	for key, data := range old {
		if !bytes.Equal(renewReadObject(t, primary, key), data) {
			t.Fatalf("old object %s changed", key)
		}
		if err := primary.Delete(ctx, key); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("old object %s: %v, want ErrLocked", key, err)
		}
	}
	next, err := archive.Load(ctx, primary, due[0].Manifest)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range append(next.Objects, archive.PackageObject{Key: due[0].Manifest}) {
		st, err := primary.Stat(ctx, o.Key)
		if err != nil || !st.RetainUntil.After(time.Now().AddDate(10, 0, 0)) {
			t.Fatalf("new object %s locked until %v, %v", o.Key, st.RetainUntil, err)
		}
		if err := primary.Delete(ctx, o.Key); !errors.Is(err, blob.ErrLocked) {
			t.Fatalf("new object %s: %v, want ErrLocked", o.Key, err)
		}
	}
}

func TestRenewerRefusesAnIncompleteConfiguration(t *testing.T) {
	t.Parallel()
	if _, err := archive.NewRenewer(archive.RenewerConfig{}); err == nil {
		t.Fatal("no stores accepted")
	}
	b := renewArchived(t, signertest.OnePagePDF())
	if _, err := archive.NewRenewer(archive.RenewerConfig{Engine: b.eng, Store: b.store, Blobs: b.primary}); err == nil {
		t.Fatal("a renewal without a TSA accepted")
	}
}

func renewReadObject(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
