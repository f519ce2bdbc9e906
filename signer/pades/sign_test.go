package pades

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/pdf"
)

// objectStreamPDF converts a generated PDF to object streams and an xref
// stream with qpdf, the layout most modern producers write.
func objectStreamPDF(t testing.TB, pages int) []byte {
	t.Helper()
	qpdf := requireTool(t, "qpdf")
	in := writeTemp(t, "in.pdf", makePDF(pages))
	outPath := in + ".objstm.pdf"
	if out, err := exec.Command(qpdf, "--object-streams=generate", in, outPath).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --object-streams=generate: %v\n%s", err, out)
	}
	return readFile(t, outPath)
}

func TestSign(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	ctx := context.Background()

	t.Run("SignsClassicXrefInputAtLevelBB", func(t *testing.T) {
		t.Parallel()
		in := makePDF(3)
		out, err := Sign(ctx, in, p.leaderOptions(LevelBB))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(out, in) {
			t.Fatal("the original bytes were not kept as a prefix of the signed document")
		}
		if bytes.Contains(out[len(in):], []byte("/Type /XRef")) {
			t.Fatal("a classic-xref input got an xref stream in its update")
		}
		requireAllValid(t, out, 1)
		if got := runPdfsig(t, out).subFilters; len(got) != 1 || got[0] != "ETSI.CAdES.detached" {
			t.Fatalf("signature type = %v, want ETSI.CAdES.detached", got)
		}
	})

	t.Run("SignsObjectStreamInputWithAnXrefStream", func(t *testing.T) {
		t.Parallel()
		in := objectStreamPDF(t, 4)
		if !bytes.Contains(in, []byte("/ObjStm")) {
			t.Fatal("qpdf did not produce object streams")
		}
		out, err := Sign(ctx, in, p.leaderOptions(LevelBB))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out[len(in):], []byte("/Type /XRef")) {
			t.Fatal("update of an xref-stream input should end with an xref stream")
		}
		requireAllValid(t, out, 1)
	})

	t.Run("SignsALinearizedInput", func(t *testing.T) {
		t.Parallel()
		qpdf := requireTool(t, "qpdf")
		in := writeTemp(t, "in.pdf", makePDF(3))
		if out, err := exec.Command(qpdf, "--linearize", in, in+".lin.pdf").CombinedOutput(); err != nil {
			t.Fatalf("qpdf --linearize: %v\n%s", err, out)
		}
		out, err := Sign(ctx, readFile(t, in+".lin.pdf"), p.leaderOptions(LevelBB))
		if err != nil {
			t.Fatal(err)
		}
		requireAllValid(t, out, 1)
	})

	t.Run("StopsWhenTheContextIsCancelled", func(t *testing.T) {
		t.Parallel()
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Sign(cancelled, makePDF(1), p.leaderOptions(LevelBB)); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})

	t.Run("KeepsTheLeaderSignatureValidWhenTheAgencySigns", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			in   []byte
		}{{"classic", makePDF(2)}, {"object streams", objectStreamPDF(t, 2)}} {
			leader, err := Sign(ctx, tc.in, p.leaderOptions(LevelBT))
			if err != nil {
				t.Fatal(err)
			}
			agency, err := Sign(ctx, leader, p.agencyOptions(LevelBT))
			if err != nil {
				t.Fatal(err)
			}
			requireAllValid(t, agency, 2)
			fields := fieldNames(t, agency)
			if len(fields) != 2 || fields[0] == fields[1] {
				t.Fatalf("%s: field names = %v, want two distinct names", tc.name, fields)
			}
		}
	})

	for _, level := range []Level{LevelBT, LevelBLT, LevelBLTA} {
		t.Run("ProducesLevel"+strings.ReplaceAll(level.String(), "-", ""), func(t *testing.T) {
			t.Parallel()
			out, err := Sign(ctx, makePDF(2), p.leaderOptions(level))
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if level == LevelBLTA {
				want = 2 // the signature and the document timestamp
			}
			requireAllValid(t, out, want)
			cms := signatureCMS(t, out, 0)
			if !hasAttribute(cms, oidAttrTimeStampToken) {
				t.Fatal("signature has no signature-time-stamp attribute")
			}
			dss := bytes.Contains(out, []byte("/Type /DSS"))
			if dss != (level >= LevelBLT) {
				t.Fatalf("DSS present = %v at level %v", dss, level)
			}
			if level >= LevelBLT {
				requireVRI(t, out, 0)
			}
			if level == LevelBLTA {
				ts := signatureDicts(t, out)[1]
				if ts.Get("Type") != pdf.Name("DocTimeStamp") || ts.Get("SubFilter") != pdf.Name("ETSI.RFC3161") {
					t.Fatalf("second signature is %v, want a DocTimeStamp with ETSI.RFC3161", ts)
				}
			}
		})
	}

	t.Run("ExtendsAnExistingBBFileToBLTA", func(t *testing.T) {
		t.Parallel()
		signed, err := Sign(ctx, objectStreamPDF(t, 2), p.leaderOptions(LevelBB))
		if err != nil {
			t.Fatal(err)
		}
		lta, err := Extend(ctx, signed, LevelBLTA, ExtendOptions{Timestamper: p, Revocation: p})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(lta, signed) {
			t.Fatal("Extend rewrote earlier bytes")
		}
		requireAllValid(t, lta, 2)
		requireVRI(t, lta, 0)
		again, err := Extend(ctx, lta, LevelBLTA, ExtendOptions{Timestamper: p, Revocation: p})
		if err != nil {
			t.Fatal(err)
		}
		requireAllValid(t, again, 3)
		requireVRI(t, again, 1) // the first document timestamp now has its data
	})

	t.Run("FallsBackToCRLWhenOCSPFails", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBLT)
		opts.Revocation = crlOnly{p}
		out, err := Sign(ctx, makePDF(1), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("/CRLs")) || bytes.Contains(out, []byte("/OCSPs")) {
			t.Fatal("DSS should hold CRLs and no OCSP responses")
		}
		requireAllValid(t, out, 1)
	})

	t.Run("CertifiesTheFirstSignatureWithDocMDP", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.DocMDP = 2
		out, err := Sign(ctx, makePDF(1), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("/TransformMethod /DocMDP")) || !bytes.Contains(out, []byte("/Perms <</DocMDP")) {
			t.Fatal("certification signature lacks /Reference or catalog /Perms")
		}
		requireAllValid(t, out, 1)
		if _, err := Sign(ctx, out, opts); err == nil || !strings.Contains(err.Error(), "first signature") {
			t.Fatalf("second certification signature: err = %v, want refusal", err)
		}
		agency, err := Sign(ctx, out, p.agencyOptions(LevelBB))
		if err != nil {
			t.Fatal(err)
		}
		requireAllValid(t, agency, 2)
	})

	t.Run("RefusesToSignButExtendsADocumentCertifiedWithNoChanges", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.DocMDP = 1
		out, err := Sign(ctx, makePDF(1), opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Sign(ctx, out, p.agencyOptions(LevelBB)); err == nil {
			t.Fatal("signing a P=1 certified document succeeded")
		}
		// Validation data and document timestamps stay allowed (ISO 32000-2 12.8.2.2.2).
		lta, err := Extend(ctx, out, LevelBLTA, ExtendOptions{Timestamper: p, Revocation: p})
		if err != nil {
			t.Fatalf("extending a P=1 certified document: %v", err)
		}
		requireAllValid(t, lta, 2)
	})

	t.Run("SupportsEveryKeyAndDigest", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			edit func(*Options)
		}{
			{"RSA PKCS#1 v1.5 SHA-384", func(o *Options) { o.Hash = crypto.SHA384 }},
			{"RSA-PSS SHA-256", func(o *Options) { o.RSAPSS = true }},
			{"RSA-PSS SHA-512", func(o *Options) { o.RSAPSS, o.Hash = true, crypto.SHA512 }},
			{"ECDSA P-256 SHA-512", func(o *Options) {
				a := p.agencyOptions(LevelBB)
				o.Signer, o.Certificate, o.Hash = a.Signer, a.Certificate, crypto.SHA512
			}},
		} {
			opts := p.leaderOptions(LevelBB)
			tc.edit(&opts)
			out, err := Sign(ctx, makePDF(1), opts)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			qpdfCheck(t, out)
			verifyWithOpenSSL(t, p, out, 0)
			requireAllValid(t, out, 1)
		}
	})

	t.Run("WritesLegacyAdbePKCS7WhenAsked", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.LegacyPKCS7 = true
		out, err := Sign(ctx, makePDF(1), opts)
		if err != nil {
			t.Fatal(err)
		}
		requireAllValid(t, out, 1)
		if got := runPdfsig(t, out).subFilters; got[0] != "adbe.pkcs7.detached" {
			t.Fatalf("signature type = %q", got[0])
		}
		if !hasAttribute(signatureCMS(t, out, 0), oidAttrSigningTime) {
			t.Fatal("legacy signature lacks signing-time")
		}
	})

	t.Run("DrawsAVisibleAppearanceOnTheChosenPage", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.Appearance = boxAppearance{page: 1, rect: [4]float64{300, 100, 500, 160}}
		out, err := Sign(ctx, makePDF(3), opts)
		if err != nil {
			t.Fatal(err)
		}
		requireAllValid(t, out, 1)
		doc, err := openDocument(out)
		if err != nil {
			t.Fatal(err)
		}
		page, err := doc.Page(1)
		if err != nil {
			t.Fatal(err)
		}
		annots, _ := page.Dict.Get("Annots").(pdf.Array)
		if len(annots) != 1 {
			t.Fatalf("page 2 has %d annotations, want the signature widget", len(annots))
		}
		widget, _ := resolveDict(doc, annots[0], "widget")
		if widget.Get("P") != page.Ref {
			t.Fatal("widget /P does not point at page 2")
		}
		ap, _ := widget.Get("AP").(pdf.Dict)
		xobj, err := resolveDict(doc, ap.Get("N"), "appearance")
		if err != nil || xobj.Get("Subtype") != pdf.Name("Form") {
			t.Fatalf("widget /AP /N is not a Form XObject: %v", err)
		}
	})

	t.Run("RejectsABadPageIndex", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.Appearance = boxAppearance{page: 5, rect: [4]float64{0, 0, 10, 10}}
		if _, err := Sign(ctx, makePDF(2), opts); err == nil {
			t.Fatal("signing on page 6 of a 2-page document succeeded")
		}
	})

	t.Run("RejectsAKeyThatDoesNotMatchTheCertificate", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBB)
		opts.Certificate = p.agency
		if _, err := Sign(ctx, makePDF(1), opts); err == nil {
			t.Fatal("signing with a mismatched key succeeded")
		}
	})

	t.Run("NeedsATimestamperForBT", func(t *testing.T) {
		t.Parallel()
		opts := p.leaderOptions(LevelBT)
		opts.Timestamper = nil
		if _, err := Sign(ctx, makePDF(1), opts); err == nil {
			t.Fatal("B-T without a Timestamper succeeded")
		}
	})
}

func TestCMSWithOpenSSL(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	for _, level := range []Level{LevelBB, LevelBT} {
		t.Run("HasSigningCertificateV2AndNoSigningTimeAt"+strings.ReplaceAll(level.String(), "-", ""), func(t *testing.T) {
			t.Parallel()
			out, err := Sign(context.Background(), makePDF(2), p.leaderOptions(level))
			if err != nil {
				t.Fatal(err)
			}
			openssl := requireTool(t, "openssl")
			cms := signatureCMS(t, out, 0)
			printed, err := exec.Command(openssl, "cms", "-cmsout", "-print", "-inform", "DER", "-in", writeTemp(t, "sig.der", cms)).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl cms -print: %v\n%s", err, printed)
			}
			// Only our SignerInfo's signed attributes count: the TSA's
			// token nested in unsignedAttrs may carry its own signing-time.
			text, _, _ := strings.Cut(string(printed), "unsignedAttrs:")
			_, text, _ = strings.Cut(text, "signedAttrs:")
			if !strings.Contains(text, "id-smime-aa-signingCertificateV2") {
				t.Fatalf("no signing-certificate-v2 attribute:\n%s", text)
			}
			if strings.Contains(text, "signingTime") {
				t.Fatalf("CAdES signature carries a signing-time attribute:\n%s", text)
			}
			if level == LevelBT && !strings.Contains(string(printed), "id-smime-aa-timeStampToken") {
				t.Fatalf("B-T signature has no timestamp token:\n%s", printed)
			}
			verifyWithOpenSSL(t, p, out, 0)
		})
	}
}

// verifyWithOpenSSL runs openssl cms -verify on the i-th signature over
// exactly the bytes its /ByteRange covers.
func verifyWithOpenSSL(t testing.TB, p *testPKI, file []byte, i int) {
	t.Helper()
	openssl := requireTool(t, "openssl")
	content := signedBytes(t, file, i)
	out, err := exec.Command(openssl, "cms", "-verify", "-binary", "-inform", "DER",
		"-in", writeTemp(t, "sig.der", signatureCMS(t, file, i)),
		"-content", writeTemp(t, "content.bin", content),
		"-CAfile", p.writeRootPEM(t), "-purpose", "any", "-out", "/dev/null").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification successful") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

// signatureDicts returns the signature dictionaries in field order.
func signatureDicts(t testing.TB, file []byte) []pdf.Dict {
	t.Helper()
	doc, err := openDocument(file)
	if err != nil {
		t.Fatal(err)
	}
	_, f, err := readCatalog(doc)
	if err != nil {
		t.Fatal(err)
	}
	return f.signatures
}

func fieldNames(t testing.TB, file []byte) []string {
	t.Helper()
	doc, err := openDocument(file)
	if err != nil {
		t.Fatal(err)
	}
	_, f, err := readCatalog(doc)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range f.names {
		names = append(names, n)
	}
	return names
}

func signatureCMS(t testing.TB, file []byte, i int) []byte {
	t.Helper()
	sigs := signatureDicts(t, file)
	if i >= len(sigs) {
		t.Fatalf("document has %d signatures, wanted #%d", len(sigs), i+1)
	}
	c, _ := sigs[i].Get("Contents").(pdf.String)
	der, err := trimDER([]byte(c))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func hasAttribute(cms []byte, oid interface{ String() string }) bool {
	der := mustMarshal(oid)
	return bytes.Contains(cms, der)
}

// requireVRI checks that /DSS /VRI has an entry for signature i, keyed by
// the upper-case SHA-1 of its /Contents.
func requireVRI(t testing.TB, file []byte, i int) {
	t.Helper()
	sig := signatureDicts(t, file)[i]
	c, _ := sig.Get("Contents").(pdf.String)
	key := vriKey([]byte(c))
	if !bytes.Contains(file, []byte("/"+string(key)+" <<")) {
		t.Fatalf("no /VRI entry %s for signature #%d", key, i+1)
	}
}

// boxAppearance draws a framed rectangle: enough to prove the contract.
type boxAppearance struct {
	page int
	rect [4]float64
}

func (b boxAppearance) Page() int        { return b.page }
func (b boxAppearance) Rect() [4]float64 { return b.rect }
func (b boxAppearance) WriteXObject(w ObjectWriter) (int, error) {
	wd, ht := b.rect[2]-b.rect[0], b.rect[3]-b.rect[1]
	content := fmt.Sprintf("q 0 0 1 RG 2 w 1 1 %g %g re S Q\n", wd-2, ht-2)
	return w.AddObject([]byte(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Length %d >>\nstream\n%s\nendstream",
		wd, ht, len(content), content))), nil
}
