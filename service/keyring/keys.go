package keyring

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/keys"
	"github.com/vanthu/vanthu/signer/pkidemo"
	"github.com/vanthu/vanthu/storage/blob"
)

// keyPrefix keeps key files and images apart from documents in the blob store.
const keyPrefix = "keys"

// Owner names whose key it is: a user (KeyOwnerUser) or an agency (KeyOwnerAgency).
type Owner struct {
	Kind string
	ID   string
}

// User is the owner of a person's key; Agency of an agency's.
func User(id string) Owner   { return Owner{Kind: engine.KeyOwnerUser, ID: id} }
func Agency(id string) Owner { return Owner{Kind: engine.KeyOwnerAgency, ID: id} }

// ImportPKCS12 stores a PKCS#12 file as an owner's signing key, after checking that pin
// opens it. image is the person's handwritten signature or the agency's seal (PNG);
// nil uses a generic drawing.
func (k *Keyring) ImportPKCS12(ctx context.Context, actor engine.Actor, owner Owner, p12 []byte, pin string, image []byte) (engine.SigningKey, error) {
	key, err := keys.LoadPKCS12(p12, pin)
	if errors.Is(err, keys.ErrBadPassword) {
		return engine.SigningKey{}, ErrWrongPIN
	}
	if err != nil {
		return engine.SigningKey{}, fmt.Errorf("keyring: import: %w: %w", engine.ErrInvalid, err)
	}
	cert := key.Certificate()
	obj, err := k.cfg.Blobs.Put(ctx, bytes.NewReader(p12), blob.PutOptions{Prefix: keyPrefix, ContentType: "application/x-pkcs12"})
	if err != nil {
		return engine.SigningKey{}, fmt.Errorf("keyring: store key: %w", err)
	}
	notAfter := cert.NotAfter.UTC()
	sk := engine.SigningKey{OwnerKind: owner.Kind, OwnerID: owner.ID, Kind: engine.KeyKindPKCS12, BlobKey: obj.Key,
		Subject: cert.Subject.String(), CertSHA256: certSHA256(cert), NotAfter: &notAfter}
	if sk.ImageKey, err = k.keepImage(ctx, image); err != nil {
		return engine.SigningKey{}, err
	}
	if err := k.cfg.Engine.AddSigningKey(ctx, actor, &sk); err != nil {
		return engine.SigningKey{}, err
	}
	return sk, nil
}

// AddPKCS11 records a key held on a PKCS#11 token (a USB token or an HSM): the module,
// the token's label and the key's label. chain (leaf first) is kept for tokens that hold
// only the key; with nil the certificate is read from the token when it signs. Nothing is
// read from the token now.
func (k *Keyring) AddPKCS11(ctx context.Context, actor engine.Actor, owner Owner, module, token, label string,
	chain []*x509.Certificate, image []byte) (engine.SigningKey, error) {
	sk := engine.SigningKey{OwnerKind: owner.Kind, OwnerID: owner.ID, Kind: engine.KeyKindPKCS11,
		PKCS11Module: module, PKCS11Token: token, PKCS11Label: label}
	if len(chain) > 0 {
		var pemChain []byte
		for _, c := range chain {
			pemChain = append(pemChain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
		obj, err := k.cfg.Blobs.Put(ctx, bytes.NewReader(pemChain), blob.PutOptions{Prefix: keyPrefix, ContentType: "application/pem-certificate-chain"})
		if err != nil {
			return engine.SigningKey{}, fmt.Errorf("keyring: store certificate chain: %w", err)
		}
		notAfter := chain[0].NotAfter.UTC()
		sk.BlobKey, sk.Subject, sk.CertSHA256, sk.NotAfter = obj.Key, chain[0].Subject.String(), certSHA256(chain[0]), &notAfter
	}
	var err error
	if sk.ImageKey, err = k.keepImage(ctx, image); err != nil {
		return engine.SigningKey{}, err
	}
	if err := k.cfg.Engine.AddSigningKey(ctx, actor, &sk); err != nil {
		return engine.SigningKey{}, err
	}
	return sk, nil
}

// HasKey reports whether an owner has an active key.
func (k *Keyring) HasKey(ctx context.Context, owner Owner) (bool, error) {
	_, err := k.cfg.Store.SigningKeyGetActive(ctx, owner.Kind, owner.ID)
	if errors.Is(err, engine.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// IssueDemoPerson gives a user a key from the demo CA, under pin (demo data only).
func (k *Keyring) IssueDemoPerson(ctx context.Context, ca *pkidemo.CA, user engine.User, pin string, signature []byte) (engine.SigningKey, error) {
	issued, err := ca.IssuePerson(user.FullName, user.Email)
	if err != nil {
		return engine.SigningKey{}, fmt.Errorf("demo certificate: %w", err)
	}
	return k.importIssued(ctx, issued, User(user.ID), pin, signature)
}

// IssueDemoAgency gives an agency a key from the demo CA, under pin (demo data only).
func (k *Keyring) IssueDemoAgency(ctx context.Context, ca *pkidemo.CA, a engine.Agency, pin string, seal []byte) (engine.SigningKey, error) {
	issued, err := ca.IssueAgency(a.Name, a.Code)
	if err != nil {
		return engine.SigningKey{}, fmt.Errorf("demo certificate: %w", err)
	}
	return k.importIssued(ctx, issued, Agency(a.ID), pin, seal)
}

func (k *Keyring) importIssued(ctx context.Context, issued *pkidemo.Issued, owner Owner, pin string, image []byte) (engine.SigningKey, error) {
	p12, err := issued.PKCS12(pin)
	if err != nil {
		return engine.SigningKey{}, err
	}
	return k.ImportPKCS12(ctx, engine.System, owner, p12, pin, image)
}

// open unlocks an owner's active key with pin; the caller closes it after signing.
func (k *Keyring) open(ctx context.Context, ownerKind, ownerID, pin string) (keys.Key, engine.SigningKey, func(), error) {
	ref, err := k.cfg.Store.SigningKeyGetActive(ctx, ownerKind, ownerID)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, ref, nil, ErrNoKey
	}
	if err != nil {
		return nil, ref, nil, fmt.Errorf("keyring: %w", err)
	}
	if pin == "" {
		return nil, ref, nil, ErrWrongPIN
	}
	switch ref.Kind {
	case engine.KeyKindPKCS12:
		p12, err := k.readBlob(ctx, ref.BlobKey, 0)
		if err != nil {
			return nil, ref, nil, err
		}
		key, err := keys.LoadPKCS12(p12, pin)
		if errors.Is(err, keys.ErrBadPassword) {
			k.cfg.Logger.WarnContext(ctx, "signing key: wrong PIN", "key", ref.ID, "owner", ownerID)
			return nil, ref, nil, ErrWrongPIN
		}
		if err != nil {
			return nil, ref, nil, fmt.Errorf("keyring: open key %s: %w", ref.ID, err)
		}
		return key, ref, func() {}, nil
	case engine.KeyKindPKCS11:
		var chain []*x509.Certificate
		if ref.BlobKey != "" {
			if chain, err = k.readChain(ctx, ref.BlobKey); err != nil {
				return nil, ref, nil, err
			}
		}
		session, err := keys.OpenPKCS11(ctx, keys.PKCS11Config{Module: ref.PKCS11Module, TokenLabel: ref.PKCS11Token,
			KeyLabel: ref.PKCS11Label, Chain: chain, PIN: keys.StaticPIN(pin), Policy: keys.PINPerUse})
		if err != nil {
			return nil, ref, nil, pinError(fmt.Errorf("keyring: open token of key %s: %w", ref.ID, err))
		}
		return session.Key(), ref, func() { _ = session.Close() }, nil
	}
	return nil, ref, nil, fmt.Errorf("keyring: key %s has unknown kind %q", ref.ID, ref.Kind)
}

func (k *Keyring) readChain(ctx context.Context, key string) ([]*x509.Certificate, error) {
	b, err := k.readBlob(ctx, key, 0)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	for block, rest := pem.Decode(b); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("keyring: certificate chain %s: %w", key, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("keyring: certificate chain %s holds no certificate", key)
	}
	return chain, nil
}

// pinError reports a token's wrong PIN, which shows when it opens or only when it signs,
// as ErrWrongPIN.
func pinError(err error) error {
	if errors.Is(err, keys.ErrBadPIN) {
		return fmt.Errorf("%w (%w)", ErrWrongPIN, err)
	}
	return err
}

func (k *Keyring) keepImage(ctx context.Context, image []byte) (string, error) {
	if len(image) == 0 {
		return "", nil
	}
	if !bytes.HasPrefix(image, []byte("\x89PNG\r\n\x1a\n")) {
		return "", fmt.Errorf("keyring: the signature or seal image must be a PNG: %w", engine.ErrInvalid)
	}
	obj, err := k.cfg.Blobs.Put(ctx, bytes.NewReader(image), blob.PutOptions{Prefix: keyPrefix, ContentType: "image/png"})
	if err != nil {
		return "", fmt.Errorf("keyring: store image: %w", err)
	}
	return obj.Key, nil
}
