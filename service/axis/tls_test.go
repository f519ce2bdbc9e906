package axis_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/emulator"
)

// clientCert issues a TLS client certificate for cn from a new CA; it returns the
// certificate and the CA's pool.
func clientCert(t *testing.T, cn string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Axis test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestClientCertificateAuthenticates(t *testing.T) {
	t.Parallel()
	emu, err := emulator.New(context.Background(), t.TempDir(), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	cert, pool := clientCert(t, "bo")
	srv := httptest.NewUnstartedServer(emu)
	srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	t.Cleanup(srv.Close)

	withCert := func(system string, certs ...tls.Certificate) *axis.Client {
		tr := srv.Client().Transport.(*http.Transport).Clone()
		tr.TLSClientConfig.Certificates = certs
		c, err := axis.NewClient(srv.URL, system, "", axis.WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := withCert("bo", cert).Received(context.Background()); err != nil {
		t.Fatalf("with the system's certificate: %v", err)
	}
	// The certificate is the system's only: claiming another system with it fails, and so
	// does no certificate and no secret.
	if _, err := withCert("tinh", cert).Received(context.Background()); !errors.Is(err, axis.ErrUnauthorized) {
		t.Fatalf("the bo certificate claiming tinh: %v, want ErrUnauthorized", err)
	}
	if _, err := withCert("bo").Received(context.Background()); !errors.Is(err, axis.ErrUnauthorized) {
		t.Fatalf("no certificate, no secret: %v, want ErrUnauthorized", err)
	}
	other, _ := clientCert(t, "bo") // same name, a CA the axis does not trust
	if _, err := withCert("bo", other).Received(context.Background()); !errors.Is(err, axis.ErrUnauthorized) {
		t.Fatalf("a certificate from an untrusted CA: %v, want ErrUnauthorized", err)
	}
}
