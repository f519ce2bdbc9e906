package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"
)

// DigestRequest is everything that leaves the process for a remote
// signature: the digest, how it was made and how to sign it, and a label
// the signer sees on the phone before confirming. Never the document.
type DigestRequest struct {
	Digest []byte
	Hash   crypto.Hash
	// PSS asks for RSA-PSS with a salt of SaltLength bytes instead of
	// PKCS#1 v1.5; ignored for ECDSA keys.
	PSS        bool
	SaltLength int
	// DocumentLabel describes the document ("Quyết định số 12/QĐ-UBND"),
	// from ContextWithDocumentLabel.
	DocumentLabel string
}

// RemoteSigner signs digests elsewhere: a signing service, a cloud HSM, a
// phone app holding the signer's key.
type RemoteSigner interface {
	SignDigest(ctx context.Context, req DigestRequest) ([]byte, error)
}

// DefaultRemoteTimeout bounds one remote signature. It is long because the
// service may wait for a person to confirm on a phone.
const DefaultRemoteTimeout = 2 * time.Minute

// RemoteKey is a Key whose private half is held by a RemoteSigner.
//
// crypto.Signer.Sign takes no context, yet a remote signature blocks on the
// network and on a person. So the key carries both: a context bound with
// WithContext, which ties cancellation to the request or job that wants
// the signature (the user closes the page, the server shuts down), and a
// timeout, which still bounds Sign when it is called through code that
// never heard of contexts — the PDF signing library, say — so that nothing
// can hang forever. Whichever ends first wins.
type RemoteKey struct {
	rs      RemoteSigner
	chain   []*x509.Certificate
	ctx     context.Context
	timeout time.Duration
}

// NewRemote returns a Key that signs through rs; chain is the signer's
// certificate chain, leaf first, whose leaf checks every signature that
// comes back.
func NewRemote(rs RemoteSigner, chain []*x509.Certificate) *RemoteKey {
	return &RemoteKey{rs: rs, chain: chain, ctx: context.Background(), timeout: DefaultRemoteTimeout}
}

// WithContext returns the key bound to ctx; its DocumentLabel goes to the
// signer's confirmation prompt.
func (k *RemoteKey) WithContext(ctx context.Context) Key {
	c := *k
	c.ctx = ctx
	return &c
}

// WithTimeout returns the key with a different bound on each signature.
func (k *RemoteKey) WithTimeout(d time.Duration) *RemoteKey {
	c := *k
	c.timeout = d
	return &c
}

// Public returns the leaf certificate's public key, or nil without one.
func (k *RemoteKey) Public() crypto.PublicKey {
	if len(k.chain) == 0 {
		return nil
	}
	return k.chain[0].PublicKey
}

// Certificate returns the leaf certificate, or nil without one.
func (k *RemoteKey) Certificate() *x509.Certificate {
	if len(k.chain) == 0 {
		return nil
	}
	return k.chain[0]
}

// Chain returns the chain, leaf first.
func (k *RemoteKey) Chain() []*x509.Certificate { return k.chain }

// Sign sends the digest to the remote signer and returns the signature
// once it verifies with the certificate. ECDSA signatures are returned
// ASN.1-encoded even if the service answers with raw r||s.
func (k *RemoteKey) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	pub := k.Public()
	if pub == nil {
		return nil, errors.New("keys: remote: no certificate for the key")
	}
	if opts == nil {
		return nil, errors.New("keys: remote: no signer options")
	}
	h := opts.HashFunc()
	if h == 0 || len(digest) != h.Size() {
		return nil, fmt.Errorf("keys: remote: digest of %d bytes does not match hash %v", len(digest), h)
	}
	req := DigestRequest{Digest: digest, Hash: h, DocumentLabel: DocumentLabel(k.ctx)}
	if pss, ok := opts.(*rsa.PSSOptions); ok {
		req.PSS = true
		req.SaltLength = pss.SaltLength
		if req.SaltLength <= 0 {
			req.SaltLength = h.Size()
		}
	}
	ctx, cancel := context.WithTimeout(k.ctx, k.timeout)
	defer cancel()
	sig, err := k.rs.SignDigest(ctx, req)
	if err != nil {
		if ctx.Err() != nil && k.ctx.Err() == nil {
			return nil, fmt.Errorf("keys: remote signature for %q: none within %v: %w", certSubject(k.Certificate()), k.timeout, err)
		}
		return nil, fmt.Errorf("keys: remote signature for %q: %w", certSubject(k.Certificate()), err)
	}
	err = verifyDigest(pub, digest, sig, opts)
	if ec, ok := pub.(*ecdsa.PublicKey); ok && err != nil {
		if der, ok := ecdsaFromRaw(ec, sig); ok {
			sig, err = der, verifyDigest(pub, digest, der, opts)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("keys: remote: signature does not verify with certificate %q: %w", certSubject(k.Certificate()), err)
	}
	return sig, nil
}

// String describes the key by its certificate.
func (k *RemoteKey) String() string {
	return fmt.Sprintf("keys.RemoteKey{%s via %T}", certSubject(k.Certificate()), k.rs)
}

// GoString is the same description, for %#v.
func (k *RemoteKey) GoString() string { return k.String() }

// Format prints the description for every verb: the remote signer may
// hold a bearer token.
func (k *RemoteKey) Format(f fmt.State, verb rune) { writeSafe(f, verb, k.String()) }

// ecdsaFromRaw converts a raw r||s signature, as many HSM and cloud APIs
// return, to ASN.1 when sig has the raw length for pub's curve. It is tried
// only after sig failed to verify as ASN.1, since a DER signature can, rarely,
// have that length too.
func ecdsaFromRaw(pub *ecdsa.PublicKey, sig []byte) ([]byte, bool) {
	size := (pub.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return nil, false
	}
	der, err := ecdsaRawToASN1(sig)
	return der, err == nil
}
