package pki_test

import (
	"bufio"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pki"
)

// needTool finds an external tool, which CI must have and a developer
// may lack.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

// countingTransport counts the requests that reach the network.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// opensslResponder is an `openssl ocsp` responder for one CA with one
// good and one revoked certificate.
type opensslResponder struct {
	url              string
	ca               *miniCA
	good, revoked    *x509.Certificate
	revokedAt        time.Time
	revokedReasonTxt string
	stop             func() // kills the responder
}

// startOpenSSLResponder runs the responder on a free loopback port; it
// tries three ports because another process may take the one picked
// before openssl binds it.
func startOpenSSLResponder(t *testing.T) *opensslResponder {
	t.Helper()
	openssl := needTool(t, "openssl")
	var errs []error
	for range 3 {
		r, err := tryOpenSSLResponder(t, openssl, t.TempDir())
		if err == nil {
			return r
		}
		errs = append(errs, err)
	}
	t.Fatalf("openssl ocsp would not start: %v", errors.Join(errs...))
	return nil
}

func tryOpenSSLResponder(t *testing.T, openssl, dir string) (*opensslResponder, error) {
	t.Helper()
	port := freePort(t)
	r := &opensslResponder{
		url: fmt.Sprintf("http://127.0.0.1:%d", port), ca: newMiniCA(t, "OpenSSL test CA"),
		revokedAt: time.Now().Add(-time.Hour).UTC().Truncate(time.Second), revokedReasonTxt: "keyCompromise",
	}
	rsigner, rkey := r.ca.issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "OCSP responder"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		KeyUsage: x509.KeyUsageDigitalSignature,
	})
	r.good, _ = r.ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Nguyễn Văn An"}, OCSPServer: []string{r.url}})
	r.revoked, _ = r.ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Trần Thị Bình"}, OCSPServer: []string{r.url}})

	index := indexLine(r.good, time.Time{}, "") + indexLine(r.revoked, r.revokedAt, r.revokedReasonTxt)
	writeTestFile(t, dir, "index.txt", []byte(index))
	writeTestFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.ca.cert.Raw}))
	writeTestFile(t, dir, "rsigner.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rsigner.Raw}))
	keyDER, err := x509.MarshalPKCS8PrivateKey(rkey)
	if err != nil {
		t.Fatalf("encode responder key: %v", err)
	}
	writeTestFile(t, dir, "rkey.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))

	// OpenSSL 3.0's -port takes only a number; the responder listens on
	// every interface, but the test sends to 127.0.0.1 only.
	cmd := exec.Command(openssl, "ocsp", "-index", "index.txt", "-port", fmt.Sprint(port),
		"-rsigner", "rsigner.pem", "-rkey", "rkey.pem", "-CA", "ca.pem", "-nmin", "5", "-ignore_err")
	cmd.Dir = dir
	out, err := cmd.StderrPipe()
	if err != nil {
		t.Fatalf("openssl ocsp stderr: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start openssl ocsp: %v", err)
	}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(r.stop)
	if err := waitReady(out); err != nil {
		r.stop()
		return nil, err
	}
	return r, nil
}

// indexLine writes one line of an `openssl ca` index.txt.
func indexLine(c *x509.Certificate, revokedAt time.Time, reason string) string {
	const layout = "060102150405Z"
	state, rev := "V", ""
	if !revokedAt.IsZero() {
		state, rev = "R", revokedAt.UTC().Format(layout)+","+reason
	}
	serial := strings.ToUpper(c.SerialNumber.Text(16))
	if len(serial)%2 == 1 {
		serial = "0" + serial
	}
	return strings.Join([]string{state, c.NotAfter.UTC().Format(layout), rev, serial, "unknown", "/CN=" + c.Subject.CommonName}, "\t") + "\n"
}

func writeTestFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
}

// freePort asks the kernel for a loopback port that is free right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// waitReady waits for the responder's "waiting for OCSP client
// connections" line, printed once it listens. Probing the port instead
// would hang OpenSSL 3.0, which blocks on a connection that sends nothing.
func waitReady(stderr io.Reader) error {
	ready := make(chan string, 1)
	go func() {
		var seen strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			seen.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "waiting for OCSP client connections") {
				ready <- ""
				_, _ = io.Copy(io.Discard, stderr)
				return
			}
		}
		ready <- seen.String()
	}()
	select {
	case log := <-ready:
		if log != "" {
			return fmt.Errorf("openssl ocsp exited before listening: %s", log)
		}
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("openssl ocsp did not listen within 10s")
	}
}

func TestOCSPClientAgainstOpenSSLResponder(t *testing.T) {
	t.Parallel()
	r := startOpenSSLResponder(t)
	counter := &countingTransport{}
	client := &pki.OCSPClient{HTTPClient: &http.Client{Transport: counter}}
	ctx := context.Background()

	// The responder is single-threaded, so the subtests run in order.
	t.Run("SaysAGoodCertificateIsGood", func(t *testing.T) {
		der, err := client.OCSP(ctx, r.good, r.ca.cert)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		st, err := pki.CheckOCSP(der, r.good, r.ca.cert, time.Now())
		if err != nil {
			t.Fatalf("CheckOCSP: %v", err)
		}
		if st.State != pki.Good || !st.RevokedAt.IsZero() {
			t.Errorf("status = %+v, want good", st)
		}
		if d := time.Until(st.NextUpdate); d < 4*time.Minute || d > 6*time.Minute {
			t.Errorf("NextUpdate in %v, want about 5 minutes (-nmin 5)", d)
		}
	})

	t.Run("SaysARevokedCertificateIsRevokedWithTimeAndReason", func(t *testing.T) {
		der, err := client.OCSP(ctx, r.revoked, r.ca.cert)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		st, err := pki.CheckOCSP(der, r.revoked, r.ca.cert, time.Now())
		if err != nil {
			t.Fatalf("CheckOCSP: %v", err)
		}
		if st.State != pki.Revoked || !st.RevokedAt.Equal(r.revokedAt) || st.Reason != pki.ReasonKeyCompromise {
			t.Errorf("status = %v at %v for %v, want revoked at %v for keyCompromise", st.State, st.RevokedAt, st.Reason, r.revokedAt)
		}
		before, err := pki.CheckOCSP(der, r.revoked, r.ca.cert, r.revokedAt.Add(-time.Minute))
		if err != nil || before.State != pki.Good {
			t.Errorf("status a minute before revocation = %v, %v; want good", before.State, err)
		}
	})

	t.Run("AnswersARepeatedQuestionFromTheCache", func(t *testing.T) {
		sent := counter.n.Load()
		if _, err := client.OCSP(ctx, r.good, r.ca.cert); err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if _, err := client.OCSP(ctx, r.revoked, r.ca.cert); err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if got := counter.n.Load() - sent; got != 0 {
			t.Errorf("repeated questions sent %d requests, want 0", got)
		}
		if sent != 2 {
			t.Errorf("first questions sent %d requests, want 2", sent)
		}
	})

	t.Run("RejectsTheResponseForAnotherCertificate", func(t *testing.T) {
		der, err := client.OCSP(ctx, r.good, r.ca.cert)
		if err != nil {
			t.Fatalf("OCSP: %v", err)
		}
		if _, err := pki.CheckOCSP(der, r.revoked, r.ca.cert, time.Now()); !errors.Is(err, pki.ErrInvalidResponse) {
			t.Errorf("CheckOCSP of the good answer for the revoked certificate: %v, want pki.ErrInvalidResponse", err)
		}
	})

	t.Run("ReportsADeadResponderAsUnreachable", func(t *testing.T) {
		r.stop()
		fresh := &pki.OCSPClient{Timeout: 2 * time.Second}
		_, err := fresh.OCSP(ctx, r.good, r.ca.cert)
		if !errors.Is(err, pki.ErrUnreachable) {
			t.Fatalf("OCSP to a dead responder: %v, want pki.ErrUnreachable", err)
		}
		if !strings.Contains(err.Error(), r.url) {
			t.Errorf("error %q does not name the responder %s", err, r.url)
		}
	})
}
