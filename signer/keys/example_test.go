package keys_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"time"

	"github.com/vanthu/vanthu/signer/keys"
)

// A signer's USB token: the PIN is asked for every signature, through the
// prompt the application shows, and the prompt is cancelled with the
// request.
func ExampleOpenPKCS11() {
	ctx := context.Background()
	askPIN := func(ctx context.Context) (string, error) {
		// In the application: wait for the PIN typed in the signing dialog.
		return os.Getenv("TOKEN_PIN"), nil
	}
	s, err := keys.OpenPKCS11(ctx, keys.PKCS11Config{
		Module:     "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
		TokenLabel: "Nguyen Van A",
		KeyLabel:   "Signature key",
		PIN:        askPIN,
		Policy:     keys.PINPerUse,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	digest := sha256.Sum256([]byte("the PDF's signed byte ranges"))
	sig, err := keys.Bind(ctx, s.Key()).Sign(rand.Reader, digest[:], crypto.SHA256)
	fmt.Println(len(sig), err)
}

// Remote signing: the document label is shown on the signer's phone, and
// the request's context ends the wait if the user leaves.
func ExampleNewRemote() {
	client, err := keys.NewHTTPRemote(keys.HTTPRemoteConfig{
		URL:     "https://ky-so.example.gov.vn/api/sign",
		Token:   os.Getenv("SIGNING_SERVICE_TOKEN"),
		Timeout: 90 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	key := keys.NewRemote(client, nil /* the signer's chain, leaf first */)

	ctx := keys.ContextWithDocumentLabel(context.Background(), "Quyết định số 12/QĐ-UBND")
	signer := keys.Bind(ctx, key) // hand this to the PAdES code as a crypto.Signer
	_ = signer
}
