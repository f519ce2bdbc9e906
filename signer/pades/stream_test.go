package pades

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// The tests in this file that measure allocation do not run in parallel:
// runtime.MemStats.TotalAlloc counts every goroutine's allocations, and
// parallel tests only start once the sequential ones are done.

func TestSignAllocatesAboutTheFile(t *testing.T) {
	p := newTestPKI(t)
	ctx := context.Background()
	opts := p.leaderOptions(LevelBB)
	// One-time allocations (the padding digits, crypto tables) are not per signature.
	if _, err := Sign(ctx, makePDF(1), opts); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{200 << 10, 5 << 20} {
		in := scanPDF(t, size)
		t.Run(fmt.Sprintf("%dKB", size>>10), func(t *testing.T) {
			var out []byte
			var err error
			got := allocated(func() { out, err = Sign(ctx, in, opts) })
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, in) || len(out) <= len(in) {
				t.Fatal("the signed file does not extend the original")
			}
			// The result itself is the file plus its update: the rest must be small.
			if ratio := float64(got) / float64(len(in)); ratio > 1.2 {
				t.Errorf("Sign allocated %d bytes for a file of %d: %.2f× the file, want ≤ 1.2×", got, len(in), ratio)
			}
			got = allocated(func() { _, err = SignTo(ctx, io.Discard, in, opts) })
			if err != nil {
				t.Fatal(err)
			}
			if got > 256<<10 {
				t.Errorf("SignTo allocated %d bytes for a file of %d, want a bound independent of the file (≤ 256 KiB)", got, len(in))
			}
		})
	}
}

func TestSignToWritesWhatSignReturns(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	ctx := context.Background()
	opts := p.leaderOptions(LevelBB)
	opts.SigningTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	in := makePDF(2)
	want, err := Sign(ctx, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	requireAllValid(t, want, 1)
	for name, newWriter := range map[string]func(*bytes.Buffer) (io.Writer, func() error){
		"Buffer":      func(b *bytes.Buffer) (io.Writer, func() error) { return b, func() error { return nil } },
		"PlainWriter": func(b *bytes.Buffer) (io.Writer, func() error) { return plainWriter{b}, func() error { return nil } },
		"SmallBufio": func(b *bytes.Buffer) (io.Writer, func() error) {
			w := bufio.NewWriterSize(b, 16)
			return w, w.Flush
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got bytes.Buffer
			w, flush := newWriter(&got)
			n, err := SignTo(ctx, w, in, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := flush(); err != nil {
				t.Fatal(err)
			}
			if n != int64(got.Len()) || !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("SignTo wrote %d bytes (said %d), not the %d bytes Sign returns", got.Len(), n, len(want))
			}
		})
	}
	t.Run("ReportsAFailingWriter", func(t *testing.T) {
		t.Parallel()
		broken := errors.New("disk full")
		_, err := SignTo(ctx, &failingWriter{left: len(in) + 100, err: broken}, in, opts)
		if !errors.Is(err, broken) {
			t.Fatalf("err = %v, want the writer's error", err)
		}
	})
	t.Run("StopsWhenCancelled", func(t *testing.T) {
		t.Parallel()
		big := scanPDF(t, 1<<20)
		ctx, cancel := context.WithCancel(ctx)
		_, err := SignTo(ctx, cancelWriter{cancel}, big, opts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// TestSignRetriesWhenTheTimestampIsLarger: a TSA whose token carries more
// certificates than the reserve allows makes Sign prepare the update again,
// hashing only the update again; the result must still validate everywhere.
func TestSignRetriesWhenTheTimestampIsLarger(t *testing.T) {
	p := newTestPKI(t)
	// A TSA under eight intermediate CAs, each certificate padded to 2 KB.
	tsa := &bulkyTSA{testPKI: p}
	issuer, issuerKey := p.root, crypto.Signer(p.rootKey)
	for i := range 8 {
		ca := makeCert(t, fmt.Sprintf("Padded CA %d", i), p.leaderKey.Public(), issuer, issuerKey, func(c *x509.Certificate) {
			c.IsCA, c.BasicConstraintsValid, c.KeyUsage = true, true, x509.KeyUsageCertSign
			c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Value: make([]byte, 2000)}}
		})
		tsa.chain = append([]*x509.Certificate{ca}, tsa.chain...)
		issuer, issuerKey = ca, p.leaderKey
	}
	tsa.chain = append(tsa.chain, p.root)
	tsa.cert = makeCert(t, "Bulky TSA", p.tsaKey.Public(), issuer, issuerKey, func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature
		eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	})
	opts := p.leaderOptions(LevelBT)
	opts.Timestamper = tsa
	in := makePDF(1)
	out, err := Sign(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if tsa.largest <= timestampSpace {
		t.Fatalf("the token has %d bytes, not more than the %d reserved: nothing was retried", tsa.largest, timestampSpace)
	}
	requireAllValid(t, out, 1)
	var streamed bytes.Buffer
	if _, err := SignTo(context.Background(), plainWriter{&streamed}, in, opts); err != nil {
		t.Fatal(err)
	}
	requireAllValid(t, streamed.Bytes(), 1)
}

// bulkyTSA stamps with a long chain of large certificates in the token.
type bulkyTSA struct {
	*testPKI
	cert    *x509.Certificate
	chain   []*x509.Certificate // issuer first
	largest int
}

func (b *bulkyTSA) Timestamp(_ context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	ts := timestamp.Timestamp{HashAlgorithm: h, HashedMessage: digest, Time: time.Now(),
		Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, AddTSACertificate: true,
		Certificates: b.chain}
	resp, err := ts.CreateResponseWithOpts(b.cert, b.tsaKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var r struct {
		Status asn1.RawValue
		Token  asn1.RawValue
	}
	if _, err := asn1.Unmarshal(resp, &r); err != nil {
		return nil, err
	}
	b.largest = max(b.largest, len(r.Token.FullBytes))
	return r.Token.FullBytes, nil
}

// plainWriter hides everything but Write (no Grow, no AvailableBuffer).
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) { return p.w.Write(b) }

type failingWriter struct {
	left int
	err  error
}

func (f *failingWriter) Write(b []byte) (int, error) {
	if len(b) > f.left {
		n := f.left
		f.left = 0
		return n, f.err
	}
	f.left -= len(b)
	return len(b), nil
}

// cancelWriter cancels the signing's context at its first write.
type cancelWriter struct{ cancel context.CancelFunc }

func (c cancelWriter) Write(b []byte) (int, error) {
	c.cancel()
	return len(b), nil
}

// scanPDF is a PDF of about size bytes: one page with an uncompressed random
// greyscale image, as a scanner makes them, which nothing compresses away.
func scanPDF(t testing.TB, size int) []byte {
	t.Helper()
	side := 1
	for (side+1)*(side+1) < size-2000 {
		side++
	}
	pixels := make([]byte, side*side)
	if _, err := rand.Read(pixels); err != nil {
		t.Fatal(err)
	}
	content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q", side, side)
	return buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>", side, side),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", side, side, len(pixels), pixels),
	})
}

// allocated returns the bytes f allocates.
// allocated is what f allocates: the least of three runs, because the counter is the
// process's and whatever else runs meanwhile (the runtime, the race detector) adds to it.
func allocated(f func()) uint64 {
	least := uint64(math.MaxUint64)
	for range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}
