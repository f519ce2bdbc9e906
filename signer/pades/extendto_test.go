package pades

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

func TestExtendToWritesWhatExtendReturns(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	ctx := context.Background()
	opts := p.leaderOptions(LevelBT)
	opts.SigningTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	signed, err := Sign(ctx, makePDF(2), opts)
	if err != nil {
		t.Fatal(err)
	}
	ext := ExtendOptions{Timestamper: p, Revocation: p}
	want, err := Extend(ctx, signed, LevelBLT, ext)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	n, err := ExtendTo(ctx, &got, signed, LevelBLT, ext)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(got.Len()) || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("ExtendTo wrote %d bytes (said %d), not the %d bytes Extend returns", got.Len(), n, len(want))
	}
	requireAllValid(t, got.Bytes(), 1)

	t.Run("WritesNothingWithoutValidationData", func(t *testing.T) {
		var out bytes.Buffer
		n, err := ExtendTo(ctx, &out, signed, LevelBLT, ExtendOptions{Revocation: failingRevocation{}})
		if err == nil || n != 0 || out.Len() != 0 {
			t.Fatalf("ExtendTo with no revocation data: wrote %d (said %d), err %v; want nothing written and an error", out.Len(), n, err)
		}
	})
	t.Run("SignToAtBLTWritesAValidExtendedFile", func(t *testing.T) {
		// The timestamp and revocation answers differ between runs, so the file is
		// checked rather than compared with Sign's.
		in := makePDF(1)
		var got bytes.Buffer
		n, err := SignTo(ctx, &got, in, p.leaderOptions(LevelBLT))
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(got.Len()) || !bytes.HasPrefix(got.Bytes(), in) || !bytes.Contains(got.Bytes(), []byte("/DSS")) {
			t.Fatalf("SignTo at B-LT wrote %d bytes (said %d); want the original extended with a /DSS", got.Len(), n)
		}
		requireAllValid(t, got.Bytes(), 1)
	})
}

type failingRevocation struct{}

var errNoResponder = errors.New("no responder")

func (failingRevocation) OCSP(context.Context, *x509.Certificate, *x509.Certificate) ([]byte, error) {
	return nil, errNoResponder
}

func (failingRevocation) CRL(context.Context, *x509.Certificate) ([]byte, error) {
	return nil, errNoResponder
}
