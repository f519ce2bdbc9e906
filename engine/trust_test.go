package engine_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// testCA makes a self-signed certificate; isCA false makes an end entity's.
func testCA(t *testing.T, name string, isCA bool, notAfter time.Time) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name, Country: []string{"VN"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter, BasicConstraintsValid: true, IsCA: isCA,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	c, err := x509.ParseCertificate(der)
	must(t, err)
	return c
}

func TestTrustAnchors(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		provinceAdmin, districtAdmin := admins(t, b)
		root := testCA(t, "Root CA Chính phủ thử", true, time.Now().AddDate(5, 0, 0))
		pemRoot := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})
		pool := engine.NewTrustPool(b.store, nil)

		t.Run("OnlyAProvinceAdminManagesThem", func(t *testing.T) {
			for _, actor := range []engine.Actor{districtAdmin, b.province.clerk} {
				if _, err := b.eng.AddTrustAnchor(ctx, actor, pemRoot); !errors.Is(err, engine.ErrForbidden) {
					t.Fatalf("%s adds an anchor: %v, want forbidden", actor.Role, err)
				}
				if _, err := b.eng.ListTrustAnchors(ctx, actor, "", 10); !errors.Is(err, engine.ErrForbidden) {
					t.Fatalf("%s lists anchors: %v, want forbidden", actor.Role, err)
				}
			}
		})

		t.Run("RefusesWhatIsNoCAOrExpired", func(t *testing.T) {
			leaf := testCA(t, "Nguyễn Văn A", false, time.Now().AddDate(1, 0, 0))
			expired := testCA(t, "CA cũ", true, time.Now().Add(-time.Minute))
			for name, data := range map[string][]byte{"leaf": leaf.Raw, "expired": expired.Raw, "garbage": []byte("not a cert"),
				"two": append(append([]byte{}, pemRoot...), pemRoot...)} {
				if _, err := b.eng.AddTrustAnchor(ctx, provinceAdmin, data); !errors.Is(err, engine.ErrInvalid) {
					t.Fatalf("%s: %v, want invalid", name, err)
				}
			}
		})

		var added engine.TrustAnchor
		t.Run("AnAddedAnchorIsTrustedAtOnceAndAudited", func(t *testing.T) {
			before, err := pool.Roots(ctx)
			must(t, err)
			if _, err := root.Verify(x509.VerifyOptions{Roots: before}); err == nil {
				t.Fatal("the root is trusted before it was added")
			}
			added, err = b.eng.AddTrustAnchor(ctx, provinceAdmin, pemRoot)
			must(t, err)
			if added.Subject != root.Subject.String() || len(added.SHA256) != 64 {
				t.Fatalf("added: %+v", added)
			}
			after, err := pool.Roots(ctx)
			must(t, err)
			if _, err := root.Verify(x509.VerifyOptions{Roots: after}); err != nil {
				t.Fatalf("the added root is not trusted: %v", err)
			}
			if _, err := b.eng.AddTrustAnchor(ctx, provinceAdmin, root.Raw); !errors.Is(err, engine.ErrConflict) {
				t.Fatalf("the same root again (DER): %v, want conflict", err)
			}
			page, err := b.eng.ListTrustAnchors(ctx, provinceAdmin, "", 10)
			if err != nil || page.Total != 1 || len(page.Anchors) != 1 || page.Anchors[0].ID != added.ID {
				t.Fatalf("list: %+v, %v", page, err)
			}
			events, err := b.store.AuditListByAgency(ctx, b.province.agency.ID, 0, 1000)
			must(t, err)
			if !hasTrustEvent(events, engine.ActionAddTrustAnchor, added.ID, root.Subject.CommonName) {
				t.Fatal("the addition is not in the province's audit chain")
			}
		})

		t.Run("PagesNewestFirst", func(t *testing.T) {
			second, err := b.eng.AddTrustAnchor(ctx, provinceAdmin, testCA(t, "CA Bộ Nội vụ", true, time.Now().AddDate(3, 0, 0)).Raw)
			must(t, err)
			first, err := b.eng.ListTrustAnchors(ctx, provinceAdmin, "", 1)
			if err != nil || len(first.Anchors) != 1 || first.Anchors[0].ID != second.ID || first.Next == "" || first.Total != 2 {
				t.Fatalf("first page: %+v, %v", first, err)
			}
			next, err := b.eng.ListTrustAnchors(ctx, provinceAdmin, first.Next, 1)
			if err != nil || len(next.Anchors) != 1 || next.Anchors[0].ID != added.ID || next.Next != "" {
				t.Fatalf("second page: %+v, %v", next, err)
			}
			must(t, b.eng.RemoveTrustAnchor(ctx, provinceAdmin, second.ID))
		})

		t.Run("ARemovedAnchorIsNoLongerTrustedAndMayComeBack", func(t *testing.T) {
			if err := b.eng.RemoveTrustAnchor(ctx, districtAdmin, added.ID); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("a district admin removes: %v", err)
			}
			must(t, b.eng.RemoveTrustAnchor(ctx, provinceAdmin, added.ID))
			if err := b.eng.RemoveTrustAnchor(ctx, provinceAdmin, added.ID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("removed twice: %v, want not found", err)
			}
			now, err := pool.Roots(ctx)
			must(t, err)
			if _, err := root.Verify(x509.VerifyOptions{Roots: now}); err == nil {
				t.Fatal("the removed root is still trusted")
			}
			events, err := b.store.AuditListByAgency(ctx, b.province.agency.ID, 0, 1000)
			must(t, err)
			if !hasTrustEvent(events, engine.ActionRemoveTrustAnchor, added.ID, root.Subject.CommonName) {
				t.Fatal("the removal is not in the province's audit chain")
			}
			again, err := b.eng.AddTrustAnchor(ctx, provinceAdmin, pemRoot)
			must(t, err)
			if again.ID == added.ID {
				t.Fatal("re-adding revived the old row")
			}
			now, err = pool.Roots(ctx)
			must(t, err)
			if _, err := root.Verify(x509.VerifyOptions{Roots: now}); err != nil {
				t.Fatalf("the root added again is not trusted: %v", err)
			}
		})
	})
}

func hasTrustEvent(events []engine.Event, action engine.Action, id, subject string) bool {
	for _, e := range events {
		if e.Action == string(action) && e.ObjectType == "trust_anchor" && e.ObjectID == id && strings.Contains(e.After, subject) {
			return true
		}
	}
	return false
}
