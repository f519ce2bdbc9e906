package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/sign"
)

// fixture signs the base document once per test binary; every test derives
// its own tampered copy from it.
type fixture struct {
	pki      *testPKI
	signed   []byte // approval signature with an embedded "good" OCSP response
	bare     []byte // approval signature without revocation data
	certP1   []byte // certification signature, no changes allowed (P=1)
	certP2   []byte // certification signature, form filling allowed (P=2)
	setupErr error
}

var (
	fixtureOnce sync.Once
	fix         fixture
)

func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		ft := &fatalRecorder{TB: t}
		func() {
			defer func() {
				if r := recover(); r != nil && r != errFatal {
					panic(r)
				}
			}()
			p := newTestPKI(ft)
			base := basePDF()
			fix = fixture{pki: p,
				signed: p.signPDF(ft, base, signOpts{ocsp: p.ocspFor(ft, time.Time{})}),
				bare:   p.signPDF(ft, base, signOpts{}),
				certP1: p.signPDF(ft, base, signOpts{certType: sign.CertificationSignature, perm: sign.DoNotAllowAnyChangesPerms}),
				certP2: p.signPDF(ft, base, signOpts{certType: sign.CertificationSignature, perm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms}),
			}
		}()
		fix.setupErr = ft.err
	})
	if fix.setupErr != nil {
		t.Fatalf("fixture: %v", fix.setupErr)
	}
	return &fix
}

var errFatal = errors.New("fatal")

// fatalRecorder lets the shared fixture be built inside sync.Once without
// calling FailNow on whichever test happened to trigger it.
type fatalRecorder struct {
	testing.TB
	err error
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.err = errors.New(strings.TrimSpace(fmt.Sprintf(format, args...)))
	panic(errFatal)
}

func (f *fatalRecorder) Fatal(args ...any) {
	f.err = errors.New(fmt.Sprint(args...))
	panic(errFatal)
}

func (f *fatalRecorder) Helper() {}

func verifyBytes(t *testing.T, doc []byte, opts Options) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := Verify(ctx, bytes.NewReader(doc), int64(len(doc)), opts)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if len(rep.Signatures) == 0 {
		t.Fatal("Verify found no signature")
	}
	return rep
}

func trusted(p *testPKI) Options { return Options{Roots: p.roots} }

func TestFreshSignatureValidates(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	s := verifyBytes(t, f.signed, trusted(f.pki)).Signatures[0]
	if !s.Intact || s.ModifiedAfterSigning {
		t.Fatalf("intact=%v modified=%v, want intact and unmodified; errors %v", s.Intact, s.ModifiedAfterSigning, s.Errors)
	}
	if s.Indication != TotalPassed {
		t.Fatalf("indication %s/%s, want TOTAL_PASSED; errors %v", s.Indication, s.SubIndication, s.Errors)
	}
	if s.Signer != "Nguyen Van A" || s.SubFilter != "adbe.pkcs7.detached" || s.Level != "PKCS7-B" {
		t.Errorf("signer %q subfilter %q level %q", s.Signer, s.SubFilter, s.Level)
	}
	if len(s.Chain) != 2 || s.Revocation.Status != "good" || len(s.Revocation.Sources) != 1 || s.Revocation.Sources[0] != "OCSP (cms)" {
		t.Errorf("chain %d certs, revocation %+v; want 2 certs and good from the CMS revocation archive", len(s.Chain), s.Revocation)
	}
}

func TestUnknownRootGivesNoChain(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	other := newTestPKI(t)
	s := verifyBytes(t, f.signed, Options{Roots: other.roots}).Signatures[0]
	if s.Indication != Indeterminate || s.SubIndication != "NO_CERTIFICATE_CHAIN_FOUND" {
		t.Fatalf("got %s/%s, want INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND", s.Indication, s.SubIndication)
	}
	if !s.Intact {
		t.Error("an untrusted signer must not make the bytes look tampered")
	}
}

func TestRevocation(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	p := f.pki
	t.Run("revoked before signing fails", func(t *testing.T) {
		t.Parallel()
		doc := p.signPDF(t, basePDF(), signOpts{ocsp: p.ocspFor(t, time.Now().Add(-30*time.Minute))})
		s := verifyBytes(t, doc, trusted(p)).Signatures[0]
		if s.Indication != TotalFailed || s.SubIndication != "REVOKED" {
			t.Fatalf("got %s/%s, want TOTAL_FAILED/REVOKED; %v", s.Indication, s.SubIndication, s.Errors)
		}
	})
	t.Run("revoked after the claimed signing time without timestamp is indeterminate", func(t *testing.T) {
		t.Parallel()
		revoked := time.Now().Add(time.Hour)
		doc := p.signPDF(t, basePDF(), signOpts{ocsp: p.ocspFor(t, revoked)})
		opts := trusted(p)
		opts.Now = func() time.Time { return revoked.Add(time.Hour) }
		s := verifyBytes(t, doc, opts).Signatures[0]
		if s.Indication != Indeterminate || s.SubIndication != "REVOKED_NO_POE" {
			t.Fatalf("got %s/%s, want INDETERMINATE/REVOKED_NO_POE; %v", s.Indication, s.SubIndication, s.Errors)
		}
	})
	t.Run("missing revocation data means try later", func(t *testing.T) {
		t.Parallel()
		s := verifyBytes(t, f.bare, trusted(p)).Signatures[0]
		if s.Indication != Indeterminate || s.SubIndication != "TRY_LATER" {
			t.Fatalf("got %s/%s, want INDETERMINATE/TRY_LATER", s.Indication, s.SubIndication)
		}
	})
	t.Run("online source fills missing data", func(t *testing.T) {
		t.Parallel()
		src := &fakeSource{ocsp: p.ocspFor(t, time.Time{})}
		opts := trusted(p)
		opts.Revocation = src
		s := verifyBytes(t, f.bare, opts).Signatures[0]
		if s.Indication != TotalPassed {
			t.Fatalf("got %s/%s, want TOTAL_PASSED; %v", s.Indication, s.SubIndication, s.Errors)
		}
		if len(s.Revocation.Sources) != 1 || s.Revocation.Sources[0] != "OCSP (online)" || src.calls == 0 {
			t.Errorf("revocation sources %v, calls %d", s.Revocation.Sources, src.calls)
		}
	})
	t.Run("forged OCSP response is ignored", func(t *testing.T) {
		t.Parallel()
		other := newTestPKI(t)
		forged := other.ocspFor(t, time.Time{})
		opts := trusted(p)
		opts.Revocation = &fakeSource{ocsp: forged}
		s := verifyBytes(t, f.bare, opts).Signatures[0]
		if s.SubIndication != "TRY_LATER" {
			t.Fatalf("got %s/%s, want TRY_LATER for an OCSP response from another CA", s.Indication, s.SubIndication)
		}
	})
}

func TestExpiredSignerIsOutOfBounds(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	opts := trusted(f.pki)
	opts.Now = func() time.Time { return f.pki.leaf.NotAfter.Add(24 * time.Hour) }
	s := verifyBytes(t, f.signed, opts).Signatures[0]
	if s.Indication != Indeterminate || s.SubIndication != "OUT_OF_BOUNDS_NO_POE" {
		t.Fatalf("got %s/%s, want INDETERMINATE/OUT_OF_BOUNDS_NO_POE", s.Indication, s.SubIndication)
	}
}

type fakeSource struct {
	mu    sync.Mutex
	ocsp  []byte
	calls int
}

func (f *fakeSource) OCSP(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.ocsp, nil
}

func (f *fakeSource) CRL(ctx context.Context, cert *x509.Certificate) ([]byte, error) {
	return nil, errors.New("no CRL")
}

func TestVisibleSignatureValidates(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	doc := f.pki.signPDF(t, basePDF(), signOpts{visible: true, ocsp: f.pki.ocspFor(t, time.Time{})})
	s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
	if s.Indication != TotalPassed || s.ModifiedAfterSigning {
		t.Fatalf("got %s/%s modified=%v; %v", s.Indication, s.SubIndication, s.ModifiedAfterSigning, s.Errors)
	}
}
