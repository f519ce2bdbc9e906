package pkidemo

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pki"
)

// TestTwoProcessesShareTheCADirectory: a certificate issued by a second instance of the
// CA (`vanthu demo` next to a running `vanthu serve`) is known to the first one's OCSP
// responder, and the first one's next serial does not undo the second's.
func TestTwoProcessesShareTheCADirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	serving, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(serving.Handler())
	t.Cleanup(srv.Close)
	other, err := New(dir, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	p, err := other.IssuePerson("Hà Văn Thắng", "")
	if err != nil {
		t.Fatal(err)
	}
	der, err := (&pki.OCSPClient{}).OCSP(context.Background(), p.Certificate, other.Issuing())
	if err != nil {
		t.Fatalf("OCSP: %v", err)
	}
	if st, err := pki.CheckOCSP(der, p.Certificate, other.Issuing(), time.Now()); err != nil || st.State != pki.Good {
		t.Fatalf("the serving CA says %+v, %v for a certificate the other issued; want good", st, err)
	}
	q, err := serving.IssuePerson("Bùi Thị Hoa", "")
	if err != nil {
		t.Fatal(err)
	}
	reread, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	reread.mu.Lock()
	defer reread.mu.Unlock()
	if reread.record(p.Certificate.SerialNumber.Text(16)) == nil || reread.record(q.Certificate.SerialNumber.Text(16)) == nil {
		t.Fatal("the CA's register lost a certificate one of the two instances issued")
	}
}
