package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// ecdsaRawToASN1 turns the r||s that CKM_ECDSA returns into the DER
// SEQUENCE{r, s} that crypto.Signer callers expect.
func ecdsaRawToASN1(raw []byte) ([]byte, error) {
	if len(raw) == 0 || len(raw)%2 != 0 {
		return nil, fmt.Errorf("keys: ECDSA signature of odd length %d", len(raw))
	}
	n := len(raw) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{
		new(big.Int).SetBytes(raw[:n]), new(big.Int).SetBytes(raw[n:]),
	})
}

// verifyDigest checks sig over digest with pub, as the signing options say.
func verifyDigest(pub crypto.PublicKey, digest, sig []byte, opts crypto.SignerOpts) error {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			// Verify with "auto" so any salt length the signer chose passes.
			return rsa.VerifyPSS(pub, opts.HashFunc(), digest, sig, &rsa.PSSOptions{Hash: pss.Hash})
		}
		return rsa.VerifyPKCS1v15(pub, opts.HashFunc(), digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return errors.New("ecdsa: invalid signature")
		}
		return nil
	default:
		return fmt.Errorf("unsupported public key type %T", pub)
	}
}
