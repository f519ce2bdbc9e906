package keys

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrBadPassword means a PKCS#12 file could not be opened with the password
// given. Its text never contains the password.
var ErrBadPassword = errors.New("keys: pkcs12: wrong password")

// fileKey is a private key held in memory, loaded from a PKCS#12 file.
type fileKey struct {
	signer crypto.Signer
	chain  []*x509.Certificate // leaf first
}

// LoadPKCS12 opens a PKCS#12 (.p12/.pfx) file holding one private key and
// its certificate chain. It reads both the encodings OpenSSL 3 writes by
// default (PBES2 with AES-256-CBC, PBKDF2/HMAC-SHA-256) and the legacy ones
// (-legacy: 3DES for the key, RC2-40 for the certificates, SHA-1 MAC).
//
// The leaf is found by matching the private key rather than trusted to come
// first, since exporters do not agree on the order.
func LoadPKCS12(data []byte, password string) (Key, error) {
	priv, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		// A wrong password shows up either as a MAC mismatch or, in files
		// without a MAC, as bad padding after decryption.
		if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
			return nil, ErrBadPassword
		}
		return nil, fmt.Errorf("keys: pkcs12: decode: %w", err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("keys: pkcs12: private key of type %T cannot sign", priv)
	}
	chain, err := orderChain(signer.Public(), append([]*x509.Certificate{leaf}, cas...))
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs12: %w", err)
	}
	return &fileKey{signer: signer, chain: chain}, nil
}

// Public returns the public half of the key.
func (k *fileKey) Public() crypto.PublicKey { return k.signer.Public() }

// Sign signs digest in memory; opts chooses the hash and, for RSA, PSS.
func (k *fileKey) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		// The standard library's keys would panic on nil options.
		return nil, errors.New("keys: pkcs12: no signer options")
	}
	if r == nil {
		r = rand.Reader
	}
	sig, err := k.signer.Sign(r, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("keys: pkcs12: sign: %w", err)
	}
	return sig, nil
}

// Certificate returns the leaf certificate.
func (k *fileKey) Certificate() *x509.Certificate { return k.chain[0] }

// Chain returns the leaf followed by the CA certificates found in the file.
func (k *fileKey) Chain() []*x509.Certificate { return k.chain }

// String describes the key by its certificate, never its private half.
func (k *fileKey) String() string {
	return fmt.Sprintf("keys.PKCS12Key{%s}", certSubject(k.Certificate()))
}

// GoString is the same safe description, for %#v.
func (k *fileKey) GoString() string { return k.String() }

// Format makes every verb, including %+v and %x, print only the
// description: the default struct formatting would dump the private key.
func (k *fileKey) Format(f fmt.State, verb rune) { writeSafe(f, verb, k.String()) }

// orderChain returns certs with the one certifying pub first, followed by
// its issuers in order, followed by any certificate not on that path.
func orderChain(pub crypto.PublicKey, certs []*x509.Certificate) ([]*x509.Certificate, error) {
	leafAt := -1
	for i, c := range certs {
		if c != nil && checkCertMatches(pub, c) == nil {
			leafAt = i
			break
		}
	}
	if leafAt < 0 {
		return nil, ErrKeyCertMismatch
	}
	rest := make([]*x509.Certificate, 0, len(certs)-1)
	for i, c := range certs {
		if i != leafAt && c != nil {
			rest = append(rest, c)
		}
	}
	chain := []*x509.Certificate{certs[leafAt]}
	for len(rest) > 0 {
		next := issuerIndex(chain[len(chain)-1], rest)
		if next < 0 {
			break
		}
		chain = append(chain, rest[next])
		rest = append(rest[:next], rest[next+1:]...)
	}
	return append(chain, rest...), nil
}

// issuerIndex finds the certificate in cands that signed c, or -1.
func issuerIndex(c *x509.Certificate, cands []*x509.Certificate) int {
	for i, cand := range cands {
		if c.CheckSignatureFrom(cand) == nil {
			return i
		}
	}
	return -1
}

// writeSafe prints s for any verb, quoted for %q, so that types holding
// secrets can implement fmt.Formatter in one line.
func writeSafe(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	_, _ = io.WriteString(f, s)
}
