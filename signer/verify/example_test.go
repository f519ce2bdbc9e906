package verify_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/vanthu/vanthu/signer/verify"
)

// Verifying an incoming document (văn bản đến) against the agency's trust
// anchors: each signature is reported with a DSS-style indication.
func ExampleVerify() {
	doc, err := os.ReadFile("../../../shared/corpus/pades-dss/pades-bes.pdf")
	if err != nil {
		fmt.Println("corpus not available")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := verify.Verify(ctx, bytes.NewReader(doc), int64(len(doc)), verify.Options{Roots: x509.NewCertPool()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Signatures {
		// For this corpus file: "signature true false INDETERMINATE
		// NO_CERTIFICATE_CHAIN_FOUND" (the example pool trusts no root).
		fmt.Println(s.Type, s.Intact, s.ModifiedAfterSigning, s.Indication, s.SubIndication)
	}
}
