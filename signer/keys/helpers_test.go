package keys_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"testing"
	"time"
)

// afterTests holds clean-ups of fixtures shared by the whole test binary.
// They are added from inside sync.Once, before m.Run returns.
var afterTests []func()

// TestMain runs the clean-ups of shared fixtures when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range afterTests {
		f()
	}
	os.Exit(code)
}

// needTool returns the path of an external tool. A missing tool fails the
// test on CI, where the tool is part of the setup, and skips it elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

// run runs a tool and fails the test with its output when it fails.
func run(t testing.TB, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// selfSigned makes a certificate for key, as a test stand-in for the one a
// CA would issue.
func selfSigned(t testing.TB, key crypto.Signer, cn string) *x509.Certificate {
	t.Helper()
	cert, err := newSelfSigned(key, cn)
	if err != nil {
		t.Fatalf("self-signed certificate: %v", err)
	}
	return cert
}

func newSelfSigned(key crypto.Signer, cn string) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn, Country: []string{"VN"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// digestOf is the SHA-256 of s, what a PAdES signer hands to Sign.
func digestOf(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

// verifySig checks sig with the certificate's public key, the way a PDF
// reader validating the signature would.
func verifySig(t testing.TB, cert *x509.Certificate, digest, sig []byte, opts crypto.SignerOpts) {
	t.Helper()
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		var err error
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			err = rsa.VerifyPSS(pub, opts.HashFunc(), digest, sig, pss)
		} else {
			err = rsa.VerifyPKCS1v15(pub, opts.HashFunc(), digest, sig)
		}
		if err != nil {
			t.Fatalf("RSA signature does not verify with the certificate: %v", err)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			t.Fatalf("ECDSA signature (%d bytes) does not verify with the certificate", len(sig))
		}
	default:
		t.Fatalf("unexpected public key type %T", pub)
	}
}
