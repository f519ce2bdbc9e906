package verify

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"math/big"
)

// Go's crypto/rsa refuses some public exponents that real (older) signing
// certificates use. For verification only the public operation s^e mod n is
// needed, so these keys are checked here with math/big. Key size limits
// still apply.

var errRSARaw = errors.New("crypto/rsa: verification error")

func rsaPublic(pub *rsa.PublicKey, sig []byte) ([]byte, error) {
	k := (pub.N.BitLen() + 7) / 8
	if pub.N.BitLen() < 1024 || pub.N.BitLen() > 8192 || len(sig) != k || pub.E < 2 {
		return nil, errRSARaw
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return nil, errRSARaw
	}
	m := new(big.Int).Exp(s, big.NewInt(int64(pub.E)), pub.N)
	return m.FillBytes(make([]byte, k)), nil
}

var pkcs1Prefix = map[crypto.Hash][]byte{
	crypto.SHA1:       {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224:     {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256:     {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384:     {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512:     {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
	crypto.SHA3_256:   {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x08, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA3_384:   {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x09, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA3_512:   {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x0a, 0x05, 0x00, 0x04, 0x40},
	crypto.SHA512_256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x06, 0x05, 0x00, 0x04, 0x20},
}

func verifyPKCS1Raw(pub *rsa.PublicKey, h crypto.Hash, sum, sig []byte) error {
	em, err := rsaPublic(pub, sig)
	if err != nil {
		return err
	}
	prefix, ok := pkcs1Prefix[h]
	if !ok {
		return errUnsupportedAlgorithm
	}
	t := append(append([]byte{}, prefix...), sum...)
	if len(em) < len(t)+11 {
		return errRSARaw
	}
	want := make([]byte, len(em))
	want[1] = 1
	for i := 2; i < len(em)-len(t)-1; i++ {
		want[i] = 0xff
	}
	copy(want[len(em)-len(t):], t)
	if subtle.ConstantTimeCompare(em, want) != 1 {
		return errRSARaw
	}
	return nil
}

// verifyPSSRaw implements EMSA-PSS-VERIFY (RFC 8017 section 9.1.2) with
// MGF1 over the same hash.
func verifyPSSRaw(pub *rsa.PublicKey, h crypto.Hash, sum, sig []byte, saltLen int) error {
	em, err := rsaPublic(pub, sig)
	if err != nil {
		return err
	}
	emBits := pub.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	em = em[len(em)-emLen:]
	hLen := h.Size()
	if emLen < hLen+saltLen+2 || em[emLen-1] != 0xbc {
		return errRSARaw
	}
	db := append([]byte{}, em[:emLen-hLen-1]...)
	hh := em[emLen-hLen-1 : emLen-1]
	mask := mgf1(h, hh, len(db))
	for i := range db {
		db[i] ^= mask[i]
	}
	db[0] &= 0xff >> (8*emLen - emBits)
	ps := emLen - hLen - saltLen - 2
	for i := 0; i < ps; i++ {
		if db[i] != 0 {
			return errRSARaw
		}
	}
	if db[ps] != 1 {
		return errRSARaw
	}
	salt := db[len(db)-saltLen:]
	w := h.New()
	w.Write(make([]byte, 8))
	w.Write(sum)
	w.Write(salt)
	if !bytes.Equal(w.Sum(nil), hh) {
		return errRSARaw
	}
	return nil
}

func mgf1(h crypto.Hash, seed []byte, n int) []byte {
	var out []byte
	for c := uint32(0); len(out) < n; c++ {
		w := h.New()
		w.Write(seed)
		w.Write([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
		out = w.Sum(out)
	}
	return out[:n]
}
