package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Reserve sizes for /Contents when Options.ContentsSize is zero. A token
// from a TSA usually carries its certificate chain; 12 KiB leaves room for
// that and a retry covers the rest.
const (
	cmsOverhead    = 2048
	timestampSpace = 12 << 10
)

// Sign adds one PAdES signature to the PDF in as an incremental update and, for
// B-LT and B-LTA, the further updates that carry validation data and a
// document timestamp. The input bytes are never modified; the result is
// allocated once, at its final size.
func Sign(ctx context.Context, in []byte, opts Options) ([]byte, error) {
	s, err := opts.start(ctx, in)
	if err != nil {
		return nil, err
	}
	out, err := s.bytes(ctx, in)
	if err != nil || opts.Level < LevelBLT {
		return out, err
	}
	return opts.extend(ctx, out)
}

// SignTo is Sign writing the signed file to w: the original bytes are hashed
// as they are written, the update follows once the CMS is made, and nothing
// of the file's size is allocated for B-B and B-T. B-LT signs in memory once
// (the validation data names the signature) and writes that file and its
// /DSS update through (ExtendTo); B-LTA extends in memory, then writes.
// Everything that can be checked before writing is; on a later error w holds
// a partial file to discard. It returns the number of bytes written.
func SignTo(ctx context.Context, w io.Writer, in []byte, opts Options) (int64, error) {
	s, err := opts.start(ctx, in)
	if err != nil {
		return 0, err
	}
	if opts.Level < LevelBLT {
		return s.run(ctx, w, in)
	}
	out, err := s.bytes(ctx, in)
	if err != nil {
		return 0, err
	}
	return ExtendTo(ctx, w, out, opts.Level, opts.extendOptions())
}

// start checks the options and the document and returns the signing to run.
func (o *Options) start(ctx context.Context, in []byte) (*signing, error) {
	cs, err := o.cmsSigner()
	if err != nil {
		return nil, err
	}
	if o.Level >= LevelBT && o.Timestamper == nil {
		return nil, fmt.Errorf("pades: level %v needs a Timestamper", o.Level)
	}
	if o.Level >= LevelBLT && o.Revocation == nil {
		return nil, fmt.Errorf("pades: level %v needs a RevocationSource", o.Level)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pades: sign: %w", err)
	}
	doc, err := openDocument(in)
	if err != nil {
		return nil, err
	}
	return o.signing(doc, cs), nil
}

// extend raises a fresh signature to B-LT or B-LTA.
func (o *Options) extend(ctx context.Context, signed []byte) ([]byte, error) {
	return Extend(ctx, signed, o.Level, o.extendOptions())
}

func (o *Options) extendOptions() ExtendOptions {
	return ExtendOptions{Timestamper: o.Timestamper, Revocation: o.Revocation, Hash: o.Hash,
		Certificates: append(append([]*x509.Certificate{}, o.Chain...), o.ExtraCertificates...)}
}

func (o *Options) cmsSigner() (*cmsSigner, error) {
	if o.Signer == nil || o.Certificate == nil {
		return nil, errors.New("pades: Options.Signer and Options.Certificate are required")
	}
	if o.Hash == 0 {
		o.Hash = crypto.SHA256
	}
	if _, err := hashOID(o.Hash); err != nil {
		return nil, err
	}
	if !o.Hash.Available() {
		return nil, fmt.Errorf("pades: digest %v is not linked into the binary", o.Hash)
	}
	if o.Level < LevelBB || o.Level > LevelBLTA {
		return nil, fmt.Errorf("pades: unknown level %d", o.Level)
	}
	if o.SigningTime.IsZero() {
		o.SigningTime = time.Now()
	}
	cs := &cmsSigner{signer: o.Signer, cert: o.Certificate, chain: o.Chain, hash: o.Hash, pss: o.RSAPSS}
	if !publicKeysEqual(o.Signer.Public(), o.Certificate.PublicKey) {
		return nil, errors.New("pades: the signer's public key does not match the certificate")
	}
	if o.LegacyPKCS7 {
		cs.signingTime = o.SigningTime
	}
	if _, err := cs.parts(); err != nil {
		return nil, err
	}
	return cs, nil
}

// signing adds the signature field and, once the byte ranges are hashed,
// embeds the CMS. If the reserve was too small it retries once with the
// size actually needed.
func (o *Options) signing(doc *pdf.Doc, cs *cmsSigner) *signing {
	reserve := o.ContentsSize
	if reserve <= 0 {
		reserve = estimateCMS(cs, o.Level >= LevelBT)
	}
	return &signing{
		hash: cs.hash, reserve: reserve, retry: o.ContentsSize <= 0,
		prepare: func(reserve int) (*preparedField, error) {
			return addSignatureField(doc, signatureField{
				fieldName: o.FieldName, sigDict: o.sigDict(), contents: reserve,
				appearance: o.Appearance, docMDP: o.DocMDP,
			})
		},
		produce: func(ctx context.Context, digest []byte) ([]byte, error) {
			return buildCMS(ctx, cs, digest, o.Timestamper, o.Level >= LevelBT)
		},
	}
}

// estimateCMS is the reserve for a CMS: its certificates and room for the
// rest. Too small costs little: the retry hashes only the update again.
func estimateCMS(cs *cmsSigner, withTimestamp bool) int {
	n := cmsOverhead + len(cs.cert.Raw)
	for _, c := range cs.chain {
		n += len(c.Raw)
	}
	if withTimestamp {
		n += timestampSpace
	}
	return n
}

func buildCMS(ctx context.Context, cs *cmsSigner, digest []byte, ts Timestamper, withTimestamp bool) ([]byte, error) {
	so, err := cs.sign(digest)
	if err != nil {
		return nil, err
	}
	var token []byte
	if withTimestamp {
		// The signature-time-stamp covers the signature value (RFC 5126 / EN 319 122-1 5.3).
		h := cs.hash.New()
		h.Write(so.signature)
		token, err = requestTimestamp(ctx, ts, h.Sum(nil), cs.hash)
		if err != nil {
			return nil, err
		}
	}
	der, err := cs.encode(so, token)
	if err != nil {
		return nil, fmt.Errorf("pades: encode CMS: %w", err)
	}
	return der, nil
}

// requestTimestamp asks the TSA and checks that the token is well formed,
// correctly signed and stamps exactly our digest.
func requestTimestamp(ctx context.Context, ts Timestamper, digest []byte, h crypto.Hash) ([]byte, error) {
	token, err := ts.Timestamp(ctx, digest, h)
	if err != nil {
		return nil, fmt.Errorf("pades: timestamp: %w", err)
	}
	t, err := timestamp.Parse(token)
	if err != nil {
		return nil, fmt.Errorf("pades: timestamp token: %w", err)
	}
	if t.HashAlgorithm != h || !bytes.Equal(t.HashedMessage, digest) {
		return nil, errors.New("pades: timestamp token does not cover the requested digest")
	}
	return token, nil
}

func (o *Options) sigDict() pdf.Dict {
	subFilter := pdf.Name("ETSI.CAdES.detached")
	if o.LegacyPKCS7 {
		subFilter = "adbe.pkcs7.detached"
	}
	d := pdf.Dict{{Key: "Type", Value: pdf.Name("Sig")}, {Key: "Filter", Value: pdf.Name("Adobe.PPKLite")}, {Key: "SubFilter", Value: subFilter},
		{Key: "M", Value: pdf.String(pdfDate(o.SigningTime))}}
	for _, kv := range []struct {
		k pdf.Name
		v string
	}{{"Name", o.Name}, {"Reason", o.Reason}, {"Location", o.Location}, {"ContactInfo", o.ContactInfo}} {
		if kv.v != "" {
			d = append(d, pdf.Entry{Key: kv.k, Value: pdf.TextString(kv.v)})
		}
	}
	if o.DocMDP != 0 {
		d = append(d, pdf.Entry{Key: "Reference", Value: pdf.Array{pdf.Dict{
			{Key: "Type", Value: pdf.Name("SigRef")}, {Key: "TransformMethod", Value: pdf.Name("DocMDP")},
			{Key: "TransformParams", Value: pdf.Dict{{Key: "Type", Value: pdf.Name("TransformParams")}, {Key: "P", Value: o.DocMDP}, {Key: "V", Value: pdf.Name("1.2")}}},
		}}})
	}
	return d
}

// pdfDate formats t as a PDF date string (ISO 32000 7.9.4).
func pdfDate(t time.Time) string {
	s := t.Format("D:20060102150405")
	_, off := t.Zone()
	if off == 0 {
		return s + "Z"
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%c%02d'%02d'", s, sign, off/3600, off%3600/60)
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
