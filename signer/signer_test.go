package signer_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/signer/signertest"
)

func softHSMModule() string {
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// TestSignWithAKeyOnSoftHSM signs a PDF at B-LT with a key that never leaves a PKCS#11
// token (SoftHSM2), the way a leader's USB token or the agency's HSM is used.
func TestSignWithAKeyOnSoftHSM(t *testing.T) {
	util, pdfsig := signertest.Tool(t, "softhsm2-util"), signertest.Tool(t, "pdfsig")
	module := softHSMModule()
	if module == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SoftHSM2 module missing in CI")
		}
		t.Skip("SoftHSM2 module missing")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.MkdirAll(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)

	// The CA issues a certificate for a key generated here and then imported into the
	// token; from then on only the token signs.
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()
	ca, err := pkidemo.New(filepath.Join(dir, "ca"), pkidemo.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	handler = ca.Handler()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	issued, err := ca.IssuePerson("Đinh Quang Khánh", "khanh@hoabinh.gov.vn", pkidemo.WithPublicKey(key.Public()))
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--init-token", "--free", "--label", "lanh-dao", "--pin", "246810", "--so-pin", "13579"},
		{"--import", keyPEM, "--token", "lanh-dao", "--label", "ky-so", "--id", "01", "--pin", "246810"},
	} {
		if out, err := exec.Command(util, args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %v: %v\n%s", args, err, out)
		}
	}
	os.Remove(keyPEM)

	ctx := context.Background()
	session, err := keys.OpenPKCS11(ctx, keys.PKCS11Config{Module: module, TokenLabel: "lanh-dao", KeyLabel: "ky-so",
		Chain: append([]*x509.Certificate{issued.Certificate}, issued.Chain...), PIN: keys.StaticPIN("246810"), Policy: keys.PINPerUse})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	var buf bytes.Buffer
	_, err = signer.Sign(ctx, &buf, signertest.OnePagePDF(), signer.Request{Key: session.Key(), Level: pades.LevelBLT,
		Timestamper: &pki.TSAClient{URL: srv.URL + "/tsa"}, Revocation: pki.NewRevocation(http.DefaultClient, issued.Chain),
		ExtraCertificates: []*x509.Certificate{ca.TSACertificate()}})
	signed := buf.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(out, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	report, _ := exec.Command(pdfsig, "-nocert", out).CombinedOutput()
	if !strings.Contains(string(report), "Signature is Valid") || !strings.Contains(string(report), "Đinh Quang Khánh") {
		t.Fatalf("pdfsig:\n%s", report)
	}
	if !bytes.Contains(signed, []byte("/DSS")) {
		t.Fatal("a B-LT signature without a DSS dictionary")
	}
}
