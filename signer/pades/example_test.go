package pades_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"log"

	"github.com/vanthu/vanthu/signer/pades"
)

// The leader signs first, the văn thư then adds the agency signature at
// B-LT; a later job raises the document to B-LTA before archiving.
func Example() {
	var (
		ctx                 = context.Background()
		draft               []byte // the approved PDF
		leaderKey, sealKey  crypto.Signer
		leaderCert, sealCrt *x509.Certificate
		chain               []*x509.Certificate
		tsa                 pades.Timestamper      // e.g. from signer/pki
		revocation          pades.RevocationSource // e.g. from signer/pki
	)
	signed, err := pades.Sign(ctx, draft, pades.Options{
		Signer: leaderKey, Certificate: leaderCert, Chain: chain,
		Level: pades.LevelBT, Timestamper: tsa, Reason: "Ký ban hành",
	})
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := pades.Sign(ctx, signed, pades.Options{
		Signer: sealKey, Certificate: sealCrt, Chain: chain,
		Level: pades.LevelBLT, Timestamper: tsa, Revocation: revocation,
	})
	if err != nil {
		log.Fatal(err)
	}
	archived, err := pades.Extend(ctx, sealed, pades.LevelBLTA, pades.ExtendOptions{Timestamper: tsa, Revocation: revocation})
	if err != nil {
		log.Fatal(err)
	}
	_ = archived
}
