//go:build cgo

package keys_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/miekg/pkcs11"
)

// SoftHSM reads SOFTHSM2_CONF once, when the module is initialised, and
// does not notice tokens created by another process afterwards. So the test
// binary builds one token directory, with one token per test, before any
// test touches the module; tests then run in parallel, each on its own
// token, whose login state no other test can disturb.

// hsmToken is one SoftHSM token prepared for one test.
type hsmToken struct {
	Label    string
	PIN      string
	KeyLabel string
	KeyID    []byte
	Cert     *x509.Certificate
	// CertOnToken says whether Cert was stored on the token; otherwise
	// the test must supply it.
	CertOnToken bool
	// Slot is the token's slot number as SoftHSM assigned it.
	Slot uint
}

// tokenSpecs lists the tokens. Tests share one only where they cannot
// disturb each other's login state.
var tokenSpecs = []struct {
	label       string
	keyAlg      string
	certOnToken bool
}{
	{"rsa-session", "RSA", true},
	{"ec-session", "EC", true},
	{"rsa-peruse", "RSA", false},
	{"ec-peruse", "EC", true},
	{"relogin", "EC", true},
	{"close", "EC", true},
	{"badpin", "EC", true},
	{"shared", "EC", true},
	{"bench-session", "RSA", true},
	{"bench-peruse", "RSA", true},
}

type softHSM struct {
	Module string
	dir    string
	tokens map[string]*hsmToken
}

var (
	hsmOnce  sync.Once
	hsmSetup *softHSM
	hsmErr   error
)

// softHSMToken returns the token prepared under label, building all tokens
// on first use.
func softHSMToken(t testing.TB, label string) (module string, tok *hsmToken) {
	t.Helper()
	module = findSoftHSMModule()
	if module == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("SoftHSM2 module not found; install softhsm2")
		}
		t.Skip("SoftHSM2 module not found")
	}
	util := needTool(t, "softhsm2-util")
	hsmOnce.Do(func() { hsmSetup, hsmErr = buildSoftHSM(module, util) })
	if hsmErr != nil {
		t.Fatalf("set up SoftHSM: %v", hsmErr)
	}
	tok = hsmSetup.tokens[label]
	if tok == nil {
		t.Fatalf("no SoftHSM token %q prepared", label)
	}
	return module, tok
}

// findSoftHSMModule looks where Debian and Ubuntu put libsofthsm2.so, after
// SOFTHSM2_MODULE if set.
func findSoftHSMModule() string {
	candidates := []string{
		os.Getenv("SOFTHSM2_MODULE"),
		"/usr/lib/softhsm/libsofthsm2.so",
		"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/local/lib/softhsm/libsofthsm2.so",
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}

// buildSoftHSM creates the configuration, the tokens and their keys with
// softhsm2-util, then stores certificates on the tokens in process.
func buildSoftHSM(module, util string) (*softHSM, error) {
	dir, err := os.MkdirTemp("", "vanthu-softhsm-")
	if err != nil {
		return nil, err
	}
	afterTests = append(afterTests, func() { _ = os.RemoveAll(dir) })
	h := &softHSM{Module: module, dir: dir, tokens: map[string]*hsmToken{}}
	conf := filepath.Join(dir, "softhsm2.conf")
	tokenDir := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokenDir, 0o700); err != nil {
		return h, err
	}
	cfg := fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", tokenDir)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return h, err
	}
	// The module in this process reads the variable when it is first
	// initialised, which is after this function returns.
	if err := os.Setenv("SOFTHSM2_CONF", conf); err != nil {
		return h, err
	}
	// One RSA and one EC key serve all tokens: RSA key generation under
	// the race detector takes seconds, and each token still gets its own
	// certificate, which is what tells the tokens apart.
	testKeys, err := newTestKeys()
	if err != nil {
		return h, err
	}
	// One by one: --free picks the first uninitialised slot, and parallel
	// imports were found to contend on the token store and run slower.
	for i, spec := range tokenSpecs {
		tok, err := initToken(util, i, spec.label)
		if err == nil {
			err = importKey(util, dir, tok, testKeys[spec.keyAlg])
		}
		if err != nil {
			return h, fmt.Errorf("token %s: %w", spec.label, err)
		}
		tok.CertOnToken = spec.certOnToken
		h.tokens[spec.label] = tok
	}
	return h, storeCertificates(module, h.tokens)
}

// initToken initialises an empty token with its own PIN.
func initToken(util string, i int, label string) (*hsmToken, error) {
	tok := &hsmToken{Label: label, PIN: fmt.Sprintf("pin-%04d", 1000+i), KeyLabel: "signing key", KeyID: []byte{0x4b, byte(i)}}
	err := runTool(util, "--init-token", "--free", "--label", label, "--so-pin", "so-"+tok.PIN, "--pin", tok.PIN)
	return tok, err
}

// newTestKeys makes one RSA-2048 and one P-256 key, by algorithm name.
func newTestKeys() (map[string]crypto.Signer, error) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return map[string]crypto.Signer{"RSA": rsaKey, "EC": ecKey}, nil
}

// importKey imports key from a PKCS#8 file as an operator would, and makes
// the certificate that goes with it.
func importKey(util, dir string, tok *hsmToken, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	keyFile := filepath.Join(dir, tok.Label+".pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	defer os.Remove(keyFile)
	if err := runTool(util, "--import", keyFile, "--token", tok.Label, "--label", tok.KeyLabel,
		"--id", fmt.Sprintf("%x", tok.KeyID), "--pin", tok.PIN); err != nil {
		return err
	}
	tok.Cert, err = newSelfSigned(key, "Token "+tok.Label)
	return err
}

// storeCertificates notes each token's slot and writes its certificate as a public token
// object with the key's ID, as a CA's enrolment software would, then
// finalises the module so the code under test initialises it afresh.
func storeCertificates(module string, tokens map[string]*hsmToken) error {
	p := pkcs11.New(module)
	if p == nil {
		return fmt.Errorf("load %s", module)
	}
	defer p.Destroy()
	if err := p.Initialize(); err != nil {
		return err
	}
	defer p.Finalize()
	slots, err := p.GetSlotList(true)
	if err != nil {
		return err
	}
	for _, slot := range slots {
		info, err := p.GetTokenInfo(slot)
		if err != nil {
			return err
		}
		tok := tokens[info.Label]
		if tok == nil {
			continue
		}
		tok.Slot = slot
		if !tok.CertOnToken {
			continue
		}
		if err := storeCertificate(p, slot, tok); err != nil {
			return fmt.Errorf("token %s: %w", tok.Label, err)
		}
	}
	return nil
}

func storeCertificate(p *pkcs11.Ctx, slot uint, tok *hsmToken) error {
	s, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return err
	}
	defer p.CloseSession(s)
	if err := p.Login(s, pkcs11.CKU_USER, tok.PIN); err != nil {
		return err
	}
	defer p.Logout(s)
	_, err = p.CreateObject(s, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE),
		pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, false),
		pkcs11.NewAttribute(pkcs11.CKA_ID, tok.KeyID),
		// Labelled differently from the key on purpose: the code must
		// pair them by ID.
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "certificate"),
		pkcs11.NewAttribute(pkcs11.CKA_SUBJECT, tok.Cert.RawSubject),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, tok.Cert.Raw),
	})
	return err
}

func runTool(name string, args ...string) error {
	cmdOut, err := execCombined(name, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, args[0], err, cmdOut)
	}
	return nil
}

// execCombined runs a tool outside any test (fixtures built once).
func execCombined(name string, args ...string) ([]byte, error) {
	return exec.Command(name, args...).CombinedOutput()
}
