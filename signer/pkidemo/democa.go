package pkidemo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vanthu/vanthu/signer/pki"
)

// Marker is in every DEMO certificate subject so that no one can
// mistake a demo signature for a real one.
const Marker = "DEMO — NOT FOR PRODUCTION"

// Subjects of the DEMO authorities.
const (
	demoRootCN    = "vanthu DEMO Root CA — NOT FOR PRODUCTION"
	demoIssuingCN = "vanthu DEMO CA — NOT FOR PRODUCTION"
	demoTSACN     = "vanthu DEMO TSA — NOT FOR PRODUCTION"
	demoOrg       = "vanthu DEMO — NOT FOR PRODUCTION"
)

// TSAPolicy is the policy of the DEMO TSA. It lives under the IANA
// enterprise number reserved for documentation (RFC 5612), so it can never
// collide with a real TSA's policy.
var TSAPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 32473, 3161, 1}

// oidExtKeyUsage marks the TSA certificate's key usage, which RFC 3161 wants critical
// and crypto/x509 would write non-critical.
var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// Files in the DEMO CA's directory.
const (
	fileRootKey    = "root.key.pem"
	fileRootCert   = "root.crt.pem"
	fileIssuingKey = "ca.key.pem"
	fileIssuingCrt = "ca.crt.pem"
	fileTSAKey     = "tsa.key.pem"
	fileTSACert    = "tsa.crt.pem"
	fileState      = "state.json"
)

// CA is a DEMO certificate authority for demo mode and tests only: a
// root, an issuing CA and a TSA, with keys kept as PEM files in one
// directory together with the issued serials and revocations. Its
// Handler serves OCSP, CRLs, the CA certificates and RFC 3161 timestamps.
// It is safe for concurrent use.
type CA struct {
	dir string
	cfg demoConfig

	mu      sync.Mutex
	baseURL string
	root    authority
	issuing authority
	tsa     authority
	state   demoState
	crls    map[string]cachedCRL
}

// authority is a certificate with its private key.
type authority struct {
	name string // "root" or "ca": the key of its CRL and its records
	cert *x509.Certificate
	key  crypto.Signer
}

// demoState is persisted as state.json after every change.
type demoState struct {
	NextSerial int64        `json:"next_serial"`
	Certs      []certRecord `json:"certificates"`
}

type certRecord struct {
	Serial    string     `json:"serial"` // lower-case hex
	Issuer    string     `json:"issuer"` // authority name
	Subject   string     `json:"subject"`
	NotAfter  time.Time  `json:"not_after"`
	RevokedAt time.Time  `json:"revoked_at,omitzero"`
	Reason    pki.Reason `json:"reason,omitempty"`
}

type demoConfig struct {
	baseURL string
	rsaBits int // 0: ECDSA P-256
	now     func() time.Time
}

// Option configures New.
type Option func(*demoConfig)

// WithBaseURL sets the URL where Handler is reachable (without a trailing
// slash); certificates point their OCSP, CRL and CA-issuer URLs there.
func WithBaseURL(u string) Option {
	return func(c *demoConfig) { c.baseURL = strings.TrimRight(u, "/") }
}

// WithRSA makes new keys RSA-3072 instead of ECDSA P-256, for relying
// parties that accept only RSA.
func WithRSA() Option { return WithRSABits(3072) }

// WithRSABits makes new keys RSA of the given size instead of ECDSA P-256: RSA-2048 is
// what most Vietnamese signing tokens hold.
func WithRSABits(bits int) Option { return func(c *demoConfig) { c.rsaBits = bits } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(c *demoConfig) { c.now = now } }

// New loads the DEMO CA kept in dir, or creates it there on first
// use (dir is created with mode 0700, key files with 0600).
func New(dir string, opts ...Option) (*CA, error) {
	cfg := demoConfig{baseURL: "http://localhost:8080/pki", now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	ca := &CA{dir: dir, cfg: cfg, baseURL: cfg.baseURL, crls: map[string]cachedCRL{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pkidemo: create %s: %w", dir, err)
	}
	_, err := os.Stat(filepath.Join(dir, fileRootKey))
	switch {
	case err == nil:
		err = ca.load()
	case errors.Is(err, os.ErrNotExist):
		err = ca.create()
	}
	if err != nil {
		return nil, fmt.Errorf("pkidemo: CA in %s: %w", dir, err)
	}
	return ca, nil
}

// SetBaseURL changes the URL written into certificates issued from now on;
// useful when the server's address is known only after it started.
func (ca *CA) SetBaseURL(u string) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.baseURL = strings.TrimRight(u, "/")
}

// Root returns the DEMO root certificate, the trust anchor of demo mode.
func (ca *CA) Root() *x509.Certificate { return ca.root.cert }

// Issuing returns the DEMO issuing CA certificate.
func (ca *CA) Issuing() *x509.Certificate { return ca.issuing.cert }

// TSACertificate returns the DEMO TSA's signing certificate.
func (ca *CA) TSACertificate() *x509.Certificate { return ca.tsa.cert }

// Issuers returns the CA certificates, as a pool for CRLClient.Issuers.
func (ca *CA) Issuers() []*x509.Certificate {
	return []*x509.Certificate{ca.issuing.cert, ca.root.cert}
}

// caKeyUsage lets the CAs sign certificates and CRLs, and also OCSP
// responses directly (digitalSignature), which some validators insist on.
const caKeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature

func (ca *CA) create() error {
	now := ca.cfg.now()
	rootKey, err := ca.newKey()
	if err != nil {
		return err
	}
	subject, err := utf8Name("VN", nameAttr{oidOrg, demoOrg}, nameAttr{oidCommonName, demoRootCN})
	if err != nil {
		return err
	}
	rootTmpl := &x509.Certificate{
		RawSubject: subject, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(20, 0, 0),
		KeyUsage:              caKeyUsage,
		BasicConstraintsValid: true, IsCA: true, MaxPathLen: 1,
	}
	ca.root = authority{name: "root", key: rootKey}
	if ca.root.cert, err = ca.sign(rootTmpl, rootKey.Public(), ca.root); err != nil {
		return fmt.Errorf("self-sign root: %w", err)
	}
	if err := ca.createIssuing(now); err != nil {
		return err
	}
	if err := ca.createTSA(now); err != nil {
		return err
	}
	return ca.saveAll()
}

func (ca *CA) createIssuing(now time.Time) error {
	key, err := ca.newKey()
	if err != nil {
		return err
	}
	subject, err := utf8Name("VN", nameAttr{oidOrg, demoOrg}, nameAttr{oidCommonName, demoIssuingCN})
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		RawSubject: subject, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0),
		KeyUsage:              caKeyUsage,
		BasicConstraintsValid: true, IsCA: true, MaxPathLen: 0, MaxPathLenZero: true,
	}
	ca.issuing = authority{name: "ca", key: key}
	ca.issuing.cert, err = ca.sign(tmpl, key.Public(), ca.root)
	if err != nil {
		return fmt.Errorf("issue the issuing CA: %w", err)
	}
	return nil
}

// createTSA issues the TSA certificate; RFC 3161 §2.3 wants its extended
// key usage to be timeStamping only, in a critical extension, which
// crypto/x509 never marks critical by itself.
func (ca *CA) createTSA(now time.Time) error {
	key, err := ca.newKey()
	if err != nil {
		return err
	}
	subject, err := utf8Name("VN", nameAttr{oidOrg, demoOrg}, nameAttr{oidCommonName, demoTSACN})
	if err != nil {
		return err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	if err != nil {
		return fmt.Errorf("encode TSA key usage: %w", err)
	}
	tmpl := &x509.Certificate{
		RawSubject: subject, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(8, 0, 0),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}},
	}
	ca.tsa = authority{name: "tsa", key: key}
	ca.tsa.cert, err = ca.sign(tmpl, key.Public(), ca.issuing)
	if err != nil {
		return fmt.Errorf("issue the TSA certificate: %w", err)
	}
	return nil
}

// sign gives tmpl the next serial, the DEMO URLs and the issuer's
// signature, and records it so OCSP and CRLs can answer for it. The
// caller holds no lock on first creation and ca.mu afterwards.
func (ca *CA) sign(tmpl *x509.Certificate, pub crypto.PublicKey, issuer authority) (*x509.Certificate, error) {
	if ca.state.NextSerial == 0 {
		ca.state.NextSerial = 0x1000
	}
	// A sequential serial keeps restarts simple to check; the random
	// part stops two demo installations from issuing look-alikes.
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, fmt.Errorf("serial: %w", err)
	}
	serial := new(big.Int).Lsh(big.NewInt(ca.state.NextSerial), 64)
	serial.Or(serial, new(big.Int).SetBytes(rnd[:]))
	tmpl.SerialNumber = serial
	parent := tmpl
	if issuer.cert != nil {
		parent = issuer.cert
		tmpl.OCSPServer = []string{ca.baseURL + "/ocsp"}
		tmpl.IssuingCertificateURL = []string{ca.baseURL + "/ca/" + issuer.name + ".crt"}
		tmpl.CRLDistributionPoints = []string{ca.baseURL + "/crl/" + issuer.name + ".crl"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, issuer.key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	ca.state.NextSerial++
	ca.state.Certs = append(ca.state.Certs, certRecord{
		Serial: serial.Text(16), Issuer: issuer.name, Subject: cert.Subject.String(), NotAfter: cert.NotAfter,
	})
	return cert, nil
}

func (ca *CA) newKey() (crypto.Signer, error) {
	if ca.cfg.rsaBits > 0 {
		return rsa.GenerateKey(rand.Reader, ca.cfg.rsaBits)
	}
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func (ca *CA) load() error {
	var err error
	if ca.root, err = loadAuthority(ca.dir, "root", fileRootCert, fileRootKey); err != nil {
		return err
	}
	if ca.issuing, err = loadAuthority(ca.dir, "ca", fileIssuingCrt, fileIssuingKey); err != nil {
		return err
	}
	if ca.tsa, err = loadAuthority(ca.dir, "tsa", fileTSACert, fileTSAKey); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(ca.dir, fileState))
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(data, &ca.state); err != nil {
		return fmt.Errorf("parse %s: %w", fileState, err)
	}
	return nil
}

func loadAuthority(dir, name, certFile, keyFile string) (authority, error) {
	cert, err := readCertPEM(filepath.Join(dir, certFile))
	if err != nil {
		return authority{}, err
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, keyFile))
	if err != nil {
		return authority{}, fmt.Errorf("read %s: %w", keyFile, err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		return authority{}, fmt.Errorf("%s holds no PKCS#8 private key", keyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return authority{}, fmt.Errorf("parse %s: %w", keyFile, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return authority{}, fmt.Errorf("%s: key type %T cannot sign", keyFile, key)
	}
	return authority{name: name, cert: cert, key: signer}, nil
}

func readCertPEM(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s holds no certificate", filepath.Base(path))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	return cert, nil
}

func (ca *CA) saveAll() error {
	for _, a := range []struct {
		auth              authority
		certFile, keyFile string
	}{{ca.root, fileRootCert, fileRootKey}, {ca.issuing, fileIssuingCrt, fileIssuingKey}, {ca.tsa, fileTSACert, fileTSAKey}} {
		keyDER, err := x509.MarshalPKCS8PrivateKey(a.auth.key)
		if err != nil {
			return fmt.Errorf("encode %s key: %w", a.auth.name, err)
		}
		if err := writeFileAtomic(filepath.Join(ca.dir, a.keyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})); err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(ca.dir, a.certFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.auth.cert.Raw})); err != nil {
			return err
		}
	}
	return ca.saveState()
}

func (ca *CA) saveState() error {
	data, err := json.MarshalIndent(ca.state, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return writeFileAtomic(filepath.Join(ca.dir, fileState), data)
}

// writeFileAtomic writes through a temporary file and a rename, so a
// crash never leaves half a key or half the serial register behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
