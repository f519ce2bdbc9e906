//go:build !cgo

package keys_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vanthu/vanthu/signer/keys"
)

func TestPKCS11WithoutCgo(t *testing.T) {
	t.Parallel()
	_, err := keys.OpenPKCS11(context.Background(), keys.PKCS11Config{Module: "any.so", TokenLabel: "t", PIN: keys.StaticPIN("x")})
	if !errors.Is(err, keys.ErrNoPKCS11) {
		t.Fatalf("got %v, want ErrNoPKCS11", err)
	}
}

// benchPKCS11 has nothing to measure without cgo.
func benchPKCS11(b *testing.B, _ []byte) {
	b.Run("PKCS11", func(b *testing.B) { b.Skip("PKCS#11 needs cgo") })
}
