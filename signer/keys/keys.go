// Package keys puts every place a signer's private key can live behind one
// crypto.Signer, so that the PAdES code never has to know where the key is:
//
//   - LoadPKCS12: a .p12/.pfx file (a USB-token-less "chữ ký số" exported by
//     a CA, or a server's seal), held in memory;
//   - OpenPKCS11: a USB token or HSM through its PKCS#11 module, with the PIN
//     asked once per session or once per signature;
//   - NewRemote: a remote signing service (signing on the phone), to which
//     only the digest and a label for the confirmation prompt are sent.
//
// crypto.Signer.Sign takes no context, but a PIN prompt or a phone
// confirmation can wait on a person. Keys that block therefore implement
// ContextBinder: bind the request's context with Bind before handing the key
// to the signing library. See RemoteKey for why a timeout backs it up.
//
// A PKCS#12 key is checked against its certificate when loaded; token and
// remote keys check every signature against the certificate before
// returning it, so a key/certificate mix-up or a faulty token fails loudly
// here rather than in a verifier's report.
//
// Secrets (private keys, PINs, passwords, bearer tokens) never appear in an
// error, a log line or fmt output: every type here that holds one formats
// itself as a short description without it.
package keys

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
)

// Key is a signing key together with the certificate that vouches for it.
type Key interface {
	crypto.Signer
	// Certificate is the signer's own (leaf) certificate.
	Certificate() *x509.Certificate
	// Chain is the leaf followed by the intermediate certificates, leaf
	// first, as they go into the CMS SignedData.
	Chain() []*x509.Certificate
}

// ContextBinder is implemented by keys whose Sign blocks on something that
// must be cancellable: a PIN prompt, a token, a phone waiting for the
// signer's confirmation. crypto.Signer.Sign takes no context, so the caller
// binds one before handing the key to code that only knows crypto.Signer.
type ContextBinder interface {
	WithContext(ctx context.Context) Key
}

// The backends, checked against the interfaces they promise.
var (
	_ Key           = (*fileKey)(nil)
	_ Key           = (*RemoteKey)(nil)
	_ ContextBinder = (*RemoteKey)(nil)
	_ RemoteSigner  = (*HTTPRemote)(nil)
)

// Bind returns k bound to ctx when k supports it, and k itself otherwise
// (a PKCS#12 key signs in memory and has nothing to cancel).
func Bind(ctx context.Context, k Key) Key {
	if b, ok := k.(ContextBinder); ok {
		return b.WithContext(ctx)
	}
	return k
}

// documentLabelKey is the context key for ContextWithDocumentLabel.
type documentLabelKey struct{}

// ContextWithDocumentLabel attaches a human-readable description of the
// document being signed ("Quyết định số 12/QĐ-UBND"), shown to the signer on
// the confirmation prompt of a remote signing service. It travels in the
// context because crypto.Signer.Sign sees only a digest.
func ContextWithDocumentLabel(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, documentLabelKey{}, label)
}

// DocumentLabel returns the label set by ContextWithDocumentLabel, or "".
func DocumentLabel(ctx context.Context) string {
	label, _ := ctx.Value(documentLabelKey{}).(string)
	return label
}

// ErrKeyCertMismatch means the certificate offered with a key was issued
// for a different key.
var ErrKeyCertMismatch = errors.New("keys: certificate does not match the private key")

// checkCertMatches reports ErrKeyCertMismatch when cert does not certify pub.
// Signing with a mismatched pair yields signatures that every verifier
// rejects, so it is caught when the key is loaded, not at the first document.
func checkCertMatches(pub crypto.PublicKey, cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("keys: no certificate for the key")
	}
	want, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		return fmt.Errorf("keys: certificate public key: %w", err)
	}
	got, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return fmt.Errorf("keys: private key's public half: %w", err)
	}
	if !bytes.Equal(want, got) {
		return ErrKeyCertMismatch
	}
	return nil
}

// certSubject is how a key describes itself in fmt output: the certificate
// subject is public and is what an operator recognises.
func certSubject(cert *x509.Certificate) string {
	if cert == nil {
		return "no certificate"
	}
	return cert.Subject.String()
}
