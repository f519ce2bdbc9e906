package pkidemo

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/vanthu/vanthu/signer/pki"
)

// Issued is a DEMO signing certificate with its key and chain.
type Issued struct {
	Certificate *x509.Certificate
	// Key is nil when the certificate was issued for a caller's public
	// key (WithPublicKey), e.g. one held in an HSM.
	Key crypto.Signer
	// Chain holds the issuing CA, then the root.
	Chain []*x509.Certificate
}

// IssueOption tunes one issuance.
type IssueOption func(*issueConfig)

type issueConfig struct {
	validity time.Duration
	pub      crypto.PublicKey
}

// WithValidity sets the certificate's lifetime (default two years).
func WithValidity(d time.Duration) IssueOption { return func(c *issueConfig) { c.validity = d } }

// WithPublicKey certifies pub instead of generating a key pair.
func WithPublicKey(pub crypto.PublicKey) IssueOption { return func(c *issueConfig) { c.pub = pub } }

// IssuePerson issues a DEMO signing certificate for a person, e.g. the
// leader who signs a document; email goes into the subject alternative
// name.
func (ca *CA) IssuePerson(name, email string, opts ...IssueOption) (*Issued, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("pkidemo: person name is required")
	}
	subject, err := utf8Name("VN", nameAttr{oidOrg, demoOrg}, nameAttr{oidOrgUnit, Marker}, nameAttr{oidCommonName, name})
	if err != nil {
		return nil, fmt.Errorf("pkidemo: %w", err)
	}
	tmpl := &x509.Certificate{RawSubject: subject}
	if email != "" {
		tmpl.EmailAddresses = []string{email}
	}
	return ca.issueLeaf(tmpl, opts)
}

// IssueAgency issues a DEMO certificate for an agency's seal key (khóa bí
// mật con dấu), which the văn thư uses to sign on the agency's behalf.
// The agency code (mã định danh, QĐ 20/2020/QĐ-TTg) is carried as the
// subject's organizationIdentifier.
func (ca *CA) IssueAgency(name, agencyCode string, opts ...IssueOption) (*Issued, error) {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(agencyCode) == "" {
		return nil, errors.New("pkidemo: agency name and code are required")
	}
	subject, err := utf8Name("VN", nameAttr{oidOrg, name}, nameAttr{oidOrgIdentity, agencyCode},
		nameAttr{oidOrgUnit, Marker}, nameAttr{oidCommonName, name})
	if err != nil {
		return nil, fmt.Errorf("pkidemo: %w", err)
	}
	return ca.issueLeaf(&x509.Certificate{RawSubject: subject}, opts)
}

func (ca *CA) issueLeaf(tmpl *x509.Certificate, opts []IssueOption) (*Issued, error) {
	cfg := issueConfig{validity: 2 * 365 * 24 * time.Hour}
	for _, o := range opts {
		o(&cfg)
	}
	var key crypto.Signer
	if cfg.pub == nil {
		k, err := ca.newKey()
		if err != nil {
			return nil, fmt.Errorf("pkidemo: generate key: %w", err)
		}
		key, cfg.pub = k, k.Public()
	}
	now := ca.cfg.now()
	tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(cfg.validity)
	// Signing certificates for documents: digitalSignature plus
	// nonRepudiation (contentCommitment), as CA certificates for legal
	// signatures carry. No extended key usage: PDF validators accept a
	// certificate without one, while a wrong one makes them refuse it.
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	tmpl.BasicConstraintsValid = true

	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.refresh()
	cert, err := ca.sign(tmpl, cfg.pub, ca.issuing)
	if err != nil {
		return nil, fmt.Errorf("pkidemo: sign certificate: %w", err)
	}
	if err := ca.saveState(); err != nil {
		return nil, fmt.Errorf("pkidemo: %w", err)
	}
	return &Issued{Certificate: cert, Key: key, Chain: []*x509.Certificate{ca.issuing.cert, ca.root.cert}}, nil
}

// Revoke marks the certificate with this serial as revoked since at; OCSP
// and CRLs report it from then on, also after a restart.
func (ca *CA) Revoke(serial *big.Int, reason pki.Reason, at time.Time) error {
	if serial == nil {
		return errors.New("pkidemo: revoke: serial is required")
	}
	if reason == pki.ReasonRemoveFromCRL || reason < 0 || reason > pki.ReasonAACompromise || reason == 7 {
		return fmt.Errorf("pkidemo: revoke %x: invalid reason %v", serial, reason)
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	rec := ca.record(serial.Text(16))
	if rec == nil {
		return fmt.Errorf("pkidemo: revoke %x: not issued by this CA", serial)
	}
	rec.RevokedAt, rec.Reason = at.UTC().Truncate(time.Second), reason
	delete(ca.crls, rec.Issuer)
	if err := ca.saveState(); err != nil {
		return fmt.Errorf("pkidemo: revoke %x: %w", serial, err)
	}
	return nil
}

// refresh takes in what another process issued from the same directory since this one
// read its state — a `vanthu demo` run next to a running `vanthu serve`, whose OCSP
// responder must then know the new serials; ca.mu must be held.
func (ca *CA) refresh() {
	data, err := os.ReadFile(filepath.Join(ca.dir, fileState))
	if err != nil {
		return
	}
	var disk demoState
	if json.Unmarshal(data, &disk) != nil || disk.NextSerial <= ca.state.NextSerial {
		return
	}
	ca.state = disk
	clear(ca.crls)
}

// record finds the register entry for a hex serial; ca.mu must be held.
func (ca *CA) record(serialHex string) *certRecord {
	for i := range ca.state.Certs {
		if ca.state.Certs[i].Serial == serialHex {
			return &ca.state.Certs[i]
		}
	}
	return nil
}

// PKCS12 encodes key, certificate and chain as a PKCS#12 file protected
// by password, with the modern (AES, PBKDF2) algorithms.
func (i *Issued) PKCS12(password string) ([]byte, error) {
	if i.Key == nil {
		return nil, errors.New("pkidemo: pkcs12: no private key to export")
	}
	der, err := pkcs12.Modern.Encode(i.Key, i.Certificate, i.Chain, password)
	if err != nil {
		return nil, fmt.Errorf("pkidemo: pkcs12: encode: %w", err)
	}
	return der, nil
}

// KeyPEM encodes the private key as a PKCS#8 PEM block.
func (i *Issued) KeyPEM() ([]byte, error) {
	if i.Key == nil {
		return nil, errors.New("pkidemo: no private key to export")
	}
	der, err := x509.MarshalPKCS8PrivateKey(i.Key)
	if err != nil {
		return nil, fmt.Errorf("pkidemo: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ChainPEM encodes the certificate followed by its chain as PEM.
func (i *Issued) ChainPEM() []byte {
	var out []byte
	for _, c := range append([]*x509.Certificate{i.Certificate}, i.Chain...) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}
