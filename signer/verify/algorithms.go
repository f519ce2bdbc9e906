package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	// Register the hash implementations looked up through crypto.Hash.
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha3"
	_ "crypto/sha512"
)

var errUnsupportedAlgorithm = errors.New("unsupported algorithm")

var digestOIDs = map[string]crypto.Hash{
	"1.3.14.3.2.26":           crypto.SHA1,
	"2.16.840.1.101.3.4.2.4":  crypto.SHA224,
	"2.16.840.1.101.3.4.2.1":  crypto.SHA256,
	"2.16.840.1.101.3.4.2.2":  crypto.SHA384,
	"2.16.840.1.101.3.4.2.3":  crypto.SHA512,
	"2.16.840.1.101.3.4.2.5":  crypto.SHA512_224,
	"2.16.840.1.101.3.4.2.6":  crypto.SHA512_256,
	"2.16.840.1.101.3.4.2.7":  crypto.SHA3_224,
	"2.16.840.1.101.3.4.2.8":  crypto.SHA3_256,
	"2.16.840.1.101.3.4.2.9":  crypto.SHA3_384,
	"2.16.840.1.101.3.4.2.10": crypto.SHA3_512,
}

type sigKind int

const (
	sigRSA sigKind = iota + 1
	sigPSS
	sigECDSA
	sigPlainECDSA // BSI TR-03111: r||s instead of a DER sequence
)

type sigAlg struct {
	kind sigKind
	hash crypto.Hash // 0 when the digest algorithm of the SignerInfo applies
}

var signatureOIDs = map[string]sigAlg{
	"1.2.840.113549.1.1.1":    {sigRSA, 0},
	"1.2.840.113549.1.1.5":    {sigRSA, crypto.SHA1},
	"1.2.840.113549.1.1.14":   {sigRSA, crypto.SHA224},
	"1.2.840.113549.1.1.11":   {sigRSA, crypto.SHA256},
	"1.2.840.113549.1.1.12":   {sigRSA, crypto.SHA384},
	"1.2.840.113549.1.1.13":   {sigRSA, crypto.SHA512},
	"1.2.840.113549.1.1.15":   {sigRSA, crypto.SHA512_224},
	"1.2.840.113549.1.1.16":   {sigRSA, crypto.SHA512_256},
	"2.16.840.1.101.3.4.3.13": {sigRSA, crypto.SHA3_224},
	"2.16.840.1.101.3.4.3.14": {sigRSA, crypto.SHA3_256},
	"2.16.840.1.101.3.4.3.15": {sigRSA, crypto.SHA3_384},
	"2.16.840.1.101.3.4.3.16": {sigRSA, crypto.SHA3_512},
	"1.2.840.113549.1.1.10":   {sigPSS, 0},
	"1.2.840.10045.2.1":       {sigECDSA, 0},
	"1.2.840.10045.4.1":       {sigECDSA, crypto.SHA1},
	"1.2.840.10045.4.3.1":     {sigECDSA, crypto.SHA224},
	"1.2.840.10045.4.3.2":     {sigECDSA, crypto.SHA256},
	"1.2.840.10045.4.3.3":     {sigECDSA, crypto.SHA384},
	"1.2.840.10045.4.3.4":     {sigECDSA, crypto.SHA512},
	"2.16.840.1.101.3.4.3.9":  {sigECDSA, crypto.SHA3_224},
	"2.16.840.1.101.3.4.3.10": {sigECDSA, crypto.SHA3_256},
	"2.16.840.1.101.3.4.3.11": {sigECDSA, crypto.SHA3_384},
	"2.16.840.1.101.3.4.3.12": {sigECDSA, crypto.SHA3_512},
	"0.4.0.127.0.7.1.1.4.1.1": {sigPlainECDSA, crypto.SHA1},
	"0.4.0.127.0.7.1.1.4.1.2": {sigPlainECDSA, crypto.SHA224},
	"0.4.0.127.0.7.1.1.4.1.3": {sigPlainECDSA, crypto.SHA256},
	"0.4.0.127.0.7.1.1.4.1.4": {sigPlainECDSA, crypto.SHA384},
	"0.4.0.127.0.7.1.1.4.1.5": {sigPlainECDSA, crypto.SHA512},
}

func digestAlgorithm(ai pkix.AlgorithmIdentifier) (crypto.Hash, error) {
	h, ok := digestOIDs[ai.Algorithm.String()]
	if !ok || !h.Available() {
		return 0, fmt.Errorf("%w: digest %s", errUnsupportedAlgorithm, ai.Algorithm)
	}
	return h, nil
}

func digest(h crypto.Hash, parts ...[]byte) []byte {
	w := h.New()
	for _, p := range parts {
		w.Write(p)
	}
	return w.Sum(nil)
}

type pssParams struct {
	Hash       pkix.AlgorithmIdentifier `asn1:"optional,explicit,tag:0"`
	MGF        pkix.AlgorithmIdentifier `asn1:"optional,explicit,tag:1"`
	SaltLength int                      `asn1:"optional,explicit,tag:2,default:20"`
}

// checkSignature verifies sig over msg (given in parts) with the public key pub. digestAlg is
// the SignerInfo digest algorithm; a signature algorithm naming a different
// hash is refused, as mixing them weakens the binding (and DSS refuses too).
func checkSignature(pub crypto.PublicKey, sa pkix.AlgorithmIdentifier, digestAlg crypto.Hash, msg [][]byte, sig []byte) error {
	alg, ok := signatureOIDs[sa.Algorithm.String()]
	if !ok {
		return fmt.Errorf("%w: signature %s", errUnsupportedAlgorithm, sa.Algorithm)
	}
	h := digestAlg
	if alg.hash != 0 {
		if alg.hash != digestAlg {
			return fmt.Errorf("%w: signature algorithm hash %v differs from digest algorithm %v", errUnsupportedAlgorithm, alg.hash, digestAlg)
		}
	}
	if !h.Available() {
		return fmt.Errorf("%w: hash %v", errUnsupportedAlgorithm, h)
	}
	sum := digest(h, msg...)
	switch alg.kind {
	case sigRSA:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errors.New("RSA signature with a non-RSA key")
		}
		if err := rsa.VerifyPKCS1v15(k, h, sum, sig); err != nil {
			return verifyPKCS1Raw(k, h, sum, sig)
		}
		return nil
	case sigPSS:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errors.New("RSASSA-PSS signature with a non-RSA key")
		}
		var p pssParams
		p.SaltLength = 20
		if len(sa.Parameters.FullBytes) > 0 {
			if _, err := asn1.Unmarshal(sa.Parameters.FullBytes, &p); err != nil {
				return fmt.Errorf("RSASSA-PSS parameters: %w", err)
			}
		}
		ph := crypto.SHA1
		if len(p.Hash.Algorithm) > 0 {
			var err error
			if ph, err = digestAlgorithm(p.Hash); err != nil {
				return err
			}
		}
		if ph != h {
			sum = digest(ph, msg...)
		}
		if err := rsa.VerifyPSS(k, ph, sum, sig, &rsa.PSSOptions{SaltLength: p.SaltLength, Hash: ph}); err != nil {
			return verifyPSSRaw(k, ph, sum, sig, p.SaltLength)
		}
		return nil
	case sigECDSA, sigPlainECDSA:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return errors.New("ECDSA signature with a non-EC key")
		}
		if alg.kind == sigPlainECDSA {
			if len(sig)%2 != 0 || len(sig) == 0 {
				return errors.New("plain ECDSA signature has odd length")
			}
			r := new(big.Int).SetBytes(sig[:len(sig)/2])
			s := new(big.Int).SetBytes(sig[len(sig)/2:])
			if !ecdsa.Verify(k, sum, r, s) {
				return errors.New("ECDSA verification failed")
			}
			return nil
		}
		if !ecdsa.VerifyASN1(k, sum, sig) {
			return errors.New("ECDSA verification failed")
		}
		return nil
	}
	return errUnsupportedAlgorithm
}
