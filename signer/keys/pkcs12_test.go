package keys_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/keys"
)

// p12File is a PKCS#12 file made by OpenSSL, with the key it holds.
type p12File struct {
	data     []byte
	password string
	key      crypto.Signer // parsed from OpenSSL's PEM, to check fmt output
	cert     *x509.Certificate
}

// makeP12 has OpenSSL generate a key and self-signed certificate and export
// them, with OpenSSL 3's default encryption or -legacy. It also checks that
// the file really uses the encoding the test claims to cover.
func makeP12(t *testing.T, keyAlg string, legacy bool) p12File {
	t.Helper()
	openssl := needTool(t, "openssl")
	dir := t.TempDir()
	keyPEM, certPEM, p12 := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "signer.p12")
	newkey := []string{"-newkey", "rsa:2048"}
	if keyAlg == "EC" {
		newkey = []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
	}
	args := append([]string{"req", "-x509"}, newkey...)
	args = append(args, "-keyout", keyPEM, "-out", certPEM, "-nodes", "-days", "1", "-subj", "/C=VN/O=UBND Test/CN=Nguyen Van A")
	run(t, nil, openssl, args...)

	const password = "mật-khẩu-p12"
	export := []string{"pkcs12", "-export", "-inkey", keyPEM, "-in", certPEM, "-out", p12, "-passout", "pass:" + password}
	info := []string{"pkcs12", "-info", "-noout", "-in", p12, "-passin", "pass:" + password}
	want := "AES-256-CBC"
	if legacy {
		export, info, want = append(export, "-legacy"), append(info, "-legacy"), "pbeWithSHA1And40BitRC2-CBC"
	}
	run(t, nil, openssl, export...)
	if out := run(t, nil, openssl, info...); !strings.Contains(out, want) {
		t.Fatalf("openssl did not write a %s file:\n%s", want, out)
	}
	return p12File{
		data: readFile(t, p12), password: password,
		key: parsePEMKey(t, readFile(t, keyPEM)), cert: parsePEMCert(t, readFile(t, certPEM)),
	}
}

func TestLoadPKCS12(t *testing.T) {
	t.Parallel()
	for _, keyAlg := range []string{"RSA", "EC"} {
		for _, legacy := range []bool{false, true} {
			name := fmt.Sprintf("%s key in %s encoding signs and verifies", keyAlg, map[bool]string{false: "default AES", true: "legacy 3DES/RC2"}[legacy])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := makeP12(t, keyAlg, legacy)
				k, err := keys.LoadPKCS12(f.data, f.password)
				if err != nil {
					t.Fatalf("LoadPKCS12: %v", err)
				}
				if !k.Certificate().Equal(f.cert) || len(k.Chain()) != 1 {
					t.Fatalf("got certificate %q and chain of %d, want OpenSSL's certificate alone", k.Certificate().Subject, len(k.Chain()))
				}
				digest := digestOf("Quyết định số 12/QĐ-UBND")
				sig, err := k.Sign(rand.Reader, digest, crypto.SHA256)
				if err != nil {
					t.Fatalf("Sign: %v", err)
				}
				verifySig(t, k.Certificate(), digest, sig, crypto.SHA256)
				if keyAlg == "RSA" {
					pss := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}
					sig, err := k.Sign(rand.Reader, digest, pss)
					if err != nil {
						t.Fatalf("Sign PSS: %v", err)
					}
					verifySig(t, k.Certificate(), digest, sig, pss)
				}
			})
		}
	}

	t.Run("wrong password is ErrBadPassword and is not echoed", func(t *testing.T) {
		t.Parallel()
		f := makeP12(t, "EC", false)
		const wrong = "sai-mat-khau-42"
		_, err := keys.LoadPKCS12(f.data, wrong)
		if !errors.Is(err, keys.ErrBadPassword) {
			t.Fatalf("got %v, want ErrBadPassword", err)
		}
		if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, wrong) || strings.Contains(msg, f.password) {
			t.Fatalf("error text reveals a password: %s", msg)
		}
	})

	t.Run("the leaf comes first and its issuer follows", func(t *testing.T) {
		t.Parallel()
		data, leaf, ca := makeP12WithCA(t)
		k, err := keys.LoadPKCS12(data, "pw")
		if err != nil {
			t.Fatalf("LoadPKCS12: %v", err)
		}
		chain := k.Chain()
		if len(chain) != 2 || !chain[0].Equal(leaf) || !chain[1].Equal(ca) || !k.Certificate().Equal(leaf) {
			t.Fatalf("chain = %v, want leaf %q then CA %q", subjects(chain), leaf.Subject, ca.Subject)
		}
	})

	t.Run("fmt output never shows the private key", func(t *testing.T) {
		t.Parallel()
		f := makeP12(t, "RSA", false)
		k, err := keys.LoadPKCS12(f.data, f.password)
		if err != nil {
			t.Fatalf("LoadPKCS12: %v", err)
		}
		out := fmt.Sprintf("%v %+v %#v %s %x %q", k, k, k, k, k, k)
		d := f.key.(*rsa.PrivateKey).D
		for _, secret := range []string{d.String(), d.Text(16), f.password} {
			if strings.Contains(out, secret) {
				t.Fatalf("fmt output contains a secret: %s", out)
			}
		}
		if !strings.Contains(out, "Nguyen Van A") {
			t.Fatalf("fmt output %q should name the certificate subject", out)
		}
	})
}

// makeP12WithCA exports a leaf issued by a CA, with the CA certificate
// placed before the leaf on OpenSSL's command line.
func makeP12WithCA(t *testing.T) (data []byte, leaf, ca *x509.Certificate) {
	t.Helper()
	openssl := needTool(t, "openssl")
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	ec := []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"}
	run(t, nil, openssl, append([]string{"req", "-x509", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "1", "-subj", "/CN=Test CA",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"}, ec...)...)
	run(t, nil, openssl, append([]string{"req", "-keyout", p("leaf.key"), "-out", p("leaf.csr"), "-subj", "/CN=Tran Thi B"}, ec...)...)
	run(t, nil, openssl, "x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-out", p("leaf.pem"), "-days", "1")
	run(t, nil, openssl, "pkcs12", "-export", "-inkey", p("leaf.key"), "-in", p("leaf.pem"), "-certfile", p("ca.pem"), "-out", p("f.p12"), "-passout", "pass:pw")
	return readFile(t, p("f.p12")), parsePEMCert(t, readFile(t, p("leaf.pem"))), parsePEMCert(t, readFile(t, p("ca.pem")))
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parsePEMCert(t testing.TB, data []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func parsePEMKey(t testing.TB, data []byte) crypto.Signer {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k
	case *ecdsa.PrivateKey:
		return k
	}
	t.Fatalf("unexpected key type %T", key)
	return nil
}

func subjects(chain []*x509.Certificate) []string {
	var out []string
	for _, c := range chain {
		out = append(out, c.Subject.String())
	}
	return out
}
