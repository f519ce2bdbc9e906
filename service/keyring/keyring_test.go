package keyring_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

const pin = "mã-PIN-123"

type bundle struct {
	store                     *sqlstore.Store
	eng                       *engine.Engine
	blobs                     blob.Store
	ca                        *pkidemo.CA
	kr                        *keyring.Keyring
	agency                    engine.Agency
	leader, clerk, specialist engine.Actor
	leaderUser                engine.User
	layouts                   sync.Map // document id → keyring.Layout
	caURL                     string
}

var openSQLite, openPostgres = dbtest.MigratedSQLite, dbtest.Postgres

func forEachStore(t *testing.T, test func(t *testing.T, b *bundle)) {
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); test(t, setup(t, openSQLite(t))) })
	t.Run("PostgreSQL", func(t *testing.T) { t.Parallel(); test(t, setup(t, openPostgres(t))) })
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func setup(t *testing.T, s *sqlstore.Store) *bundle {
	t.Helper()
	ctx := context.Background()
	_, err := s.Migrate(ctx)
	must(t, err)
	blobs, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	must(t, err)
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	ca, err := pkidemo.New(filepath.Join(t.TempDir(), "ca"), pkidemo.WithBaseURL(srv.URL))
	must(t, err)
	handler = ca.Handler()

	b := &bundle{store: s, eng: engine.New(s), blobs: blobs, ca: ca, caURL: srv.URL}
	b.agency, err = b.eng.CreateAgency(ctx, engine.System, engine.Agency{Code: "H23", Name: "Ủy ban nhân dân tỉnh Hòa Bình",
		ShortName: "UBND", Tier: engine.TierProvince})
	must(t, err)
	unit, err := b.eng.CreateUnit(ctx, engine.System, engine.Unit{AgencyID: b.agency.ID, Name: "Văn phòng", ShortName: "VP"})
	must(t, err)
	person := func(name string, role engine.Role) (engine.User, engine.Actor) {
		u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: string(role) + ".tinh", FullName: name}, "x")
		must(t, err)
		must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: b.agency.ID, UnitID: unit.ID, Role: role,
			Title: "Chủ tịch"}))
		return u, engine.Actor{UserID: u.ID, AgencyID: b.agency.ID, Role: role}
	}
	b.leaderUser, b.leader = person("Bùi Văn Khánh", engine.RoleLeader)
	_, b.clerk = person("Nguyễn Thị Thư", engine.RoleClerk)
	_, b.specialist = person("Trần Văn Chuyên", engine.RoleSpecialist)
	b.kr = keyring.New(keyring.Config{Engine: b.eng, Store: s, Blobs: blobs, Location: "Hòa Bình",
		Timestamper: &pki.TSAClient{URL: srv.URL + "/tsa"}, Revocation: pki.NewRevocation(http.DefaultClient, ca.Issuers()),
		ExtraCertificates: []*x509.Certificate{ca.TSACertificate()},
		Placer: func(ctx context.Context, doc engine.Document, draft []byte) (keyring.Layout, error) {
			if l, ok := b.layouts.Load(doc.ID); ok {
				return l.(keyring.Layout), nil
			}
			return keyring.DefaultPlacer(ctx, doc, draft)
		}})
	_, err = b.kr.IssueDemoPerson(ctx, ca, b.leaderUser, pin, nil)
	must(t, err)
	_, err = b.kr.IssueDemoAgency(ctx, ca, b.agency, pin, nil)
	must(t, err)
	return b
}

// approvedDraft renders a draft, stores it and takes it to the leader's approval.
func (b *bundle) approvedDraft(t *testing.T, withLayout bool) engine.Document {
	t.Helper()
	pdf, place, blanks, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND",
		Place: "Hòa Bình", Type: "Quyết định", Summary: "Về việc thành lập Tổ công tác",
		Body:   docpdf.Text("Thành lập Tổ công tác triển khai Đề án 06 của tỉnh."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
	must(t, err)
	doc := b.approvedDraftOf(t, pdf)
	if withLayout {
		b.layouts.Store(doc.ID, keyring.Layout{Signature: place, Blanks: &blanks})
	}
	return doc
}

// approvedDraftOf stores pdf as a new draft's file and takes the draft to the leader's approval.
func (b *bundle) approvedDraftOf(t *testing.T, pdf []byte) engine.Document {
	t.Helper()
	ctx := context.Background()
	doc, err := b.eng.CreateDraft(ctx, b.specialist, engine.DraftInput{TypeCode: "QĐ", Subject: "Về việc thành lập Tổ công tác"}, "")
	must(t, err)
	obj, err := b.blobs.Put(ctx, bytes.NewReader(pdf), blob.PutOptions{ContentType: "application/pdf"})
	must(t, err)
	_, err = b.eng.AddFile(ctx, b.specialist, doc.ID, engine.FileInput{Kind: "draft", Name: "du-thao.pdf", BlobKey: obj.Key,
		SHA256: obj.SHA256, Size: obj.Size}, "")
	must(t, err)
	_, err = b.eng.Submit(ctx, b.specialist, doc.ID, nil, "")
	must(t, err)
	doc, err = b.eng.Approve(ctx, b.leader, doc.ID, "")
	must(t, err)
	return doc
}

// newestSigned reads the document's newest signed PDF from the blob store.
func (b *bundle) newestSigned(t *testing.T, docID string) []byte {
	t.Helper()
	ctx := context.Background()
	files, err := b.store.FileListByDocument(ctx, docID)
	must(t, err)
	var last engine.File
	for _, f := range files {
		if f.Kind == "signed" && f.Seq > last.Seq {
			last = f
		}
	}
	return b.blob(t, last.BlobKey)
}

// blob reads a stored object whole.
func (b *bundle) blob(t *testing.T, key string) []byte {
	t.Helper()
	rc, err := b.blobs.Open(context.Background(), key)
	must(t, err)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	must(t, err)
	return data
}

// verify validates a PDF against the test CA and returns its signatures.
func (b *bundle) verify(t *testing.T, data []byte) []verify.Signature {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(b.ca.Root())
	rep, err := verify.Verify(context.Background(), bytes.NewReader(data), int64(len(data)), verify.Options{Roots: roots})
	must(t, err)
	return rep.Signatures
}

// verifyLatest validates the document's newest signed PDF and returns its signatures.
func (b *bundle) verifyLatest(t *testing.T, docID string) []verify.Signature {
	t.Helper()
	return b.verify(t, b.newestSigned(t, docID))
}

func TestSignAsLeader(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		doc := b.approvedDraft(t, true)

		t.Run("WrongPINIsRefusedAndChangesNothing", func(t *testing.T) {
			_, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, "sai-PIN", "")
			if !errors.Is(err, keyring.ErrWrongPIN) || !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("err = %v, want ErrWrongPIN", err)
			}
			got, _ := b.store.DocumentGetByID(ctx, doc.ID)
			if got.State != engine.StateApproved {
				t.Fatalf("state %s after a wrong PIN", got.State)
			}
		})
		t.Run("AnotherAgencysLeaderFindsNothing", func(t *testing.T) {
			_, err := b.kr.SignAsLeader(ctx, engine.Actor{UserID: b.leader.UserID, AgencyID: engine.NewID(), Role: engine.RoleLeader},
				doc.ID, pin, "")
			if !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("err = %v, want not found", err)
			}
		})
		t.Run("ALeaderWithoutKeyIsToldSo", func(t *testing.T) {
			_, err := b.kr.IssueAndSeal(ctx, engine.Actor{UserID: b.clerk.UserID, AgencyID: engine.NewID()}, doc.ID, pin, "")
			if !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
			_, err = b.kr.SignAsLeader(ctx, b.clerk, doc.ID, pin, "")
			if !errors.Is(err, keyring.ErrNoKey) {
				t.Fatalf("err = %v, want ErrNoKey", err)
			}
		})
		t.Run("RightPINSignsVisiblyAndRecordsTheSignature", func(t *testing.T) {
			got, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, pin, "req-sign-1")
			must(t, err)
			if got.State != engine.StateSigned || got.SignerID != b.leader.UserID || got.SignerTitle != "Chủ tịch" {
				t.Fatalf("after signing: %s by %s (%q)", got.State, got.SignerID, got.SignerTitle)
			}
			sigs := b.verifyLatest(t, doc.ID)
			if len(sigs) != 1 || sigs[0].Indication != verify.TotalPassed || sigs[0].Signer != "Bùi Văn Khánh" {
				t.Fatalf("signatures: %+v", sigs)
			}
		})
	})
}

func TestIssueAndSeal(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		for _, withLayout := range []bool{true, false} {
			doc := b.approvedDraft(t, withLayout)
			_, err := b.kr.SignAsLeader(ctx, b.leader, doc.ID, pin, "")
			must(t, err)
			if _, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, "sai", ""); !errors.Is(err, keyring.ErrWrongPIN) {
				t.Fatalf("wrong PIN: %v", err)
			}
			if got, _ := b.store.DocumentGetByID(ctx, doc.ID); got.Number != 0 || got.State != engine.StateSigned {
				t.Fatalf("a wrong PIN took number %d (%s)", got.Number, got.State)
			}
			got, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "issue-"+doc.ID)
			must(t, err)
			if got.Number == 0 || got.Notation == "" || got.State != engine.StateAgencySigned {
				t.Fatalf("after sealing: number %d %q state %s", got.Number, got.Notation, got.State)
			}
			sigs := b.verifyLatest(t, doc.ID)
			if len(sigs) != 2 {
				t.Fatalf("%d signatures, want the leader's and the agency's", len(sigs))
			}
			for _, s := range sigs {
				if s.Indication != verify.TotalPassed || s.Level != "PAdES-BASELINE-LT" {
					t.Fatalf("layout %v: signature of %s: %s %s %v", withLayout, s.Signer, s.Indication, s.Level, s.Errors)
				}
			}
			if sigs[1].Signer != b.agency.Name {
				t.Fatalf("second signature by %q, want the agency", sigs[1].Signer)
			}
		}
	})
}

func TestImportRefusesAWrongPIN(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite(t))
	issued, err := b.ca.IssuePerson("Lê Thị Hoa", "")
	must(t, err)
	p12, err := issued.PKCS12("đúng")
	must(t, err)
	_, err = b.kr.ImportPKCS12(context.Background(), engine.System, keyring.User(b.clerk.UserID), p12, "sai", nil)
	if !errors.Is(err, keyring.ErrWrongPIN) {
		t.Fatalf("err = %v", err)
	}
	_, err = b.kr.ImportPKCS12(context.Background(), engine.System, keyring.User(b.clerk.UserID), p12, "đúng", []byte("GIF89a"))
	if !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("a GIF as signature image: %v", err)
	}
	if ok, err := b.kr.HasKey(context.Background(), keyring.User(b.clerk.UserID)); err != nil || ok {
		t.Fatalf("a refused import left a key (%v)", err)
	}
}
