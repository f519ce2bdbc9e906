package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// withKey returns a copy of object num of doc with key set to value.
func withKey(t *testing.T, doc []byte, num int, key pdf.Name, value any) string {
	return serialize(finalObject(t, doc, num).With(key, value))
}

func TestForbiddenChangesAreCaught(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	signed := f.signed
	cat := catalogNum(t, signed)
	cases := []struct {
		name string
		kind string
		make func(t *testing.T) []byte
	}{
		{"page content replaced", kindPageContent, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{5: streamObj("BT /F1 18 Tf 72 760 Td (Cong van so 12/UBND: cap 900 trieu dong) Tj ET")})
		}},
		{"page added", kindPageAdded, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{
				2:  "<< /Type /Pages /Kids [3 0 R 4 0 R 90 0 R] /Count 3 >>",
				90: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R >>",
			})
		}},
		{"page removed", kindPageRemoved, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"})
		}},
		{"pages reordered", kindPagesReordered, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{2: "<< /Type /Pages /Kids [4 0 R 3 0 R] /Count 2 >>"})
		}},
		{"page resources changed", kindPageResources, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{7: "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"})
		}},
		{"existing annotation altered", kindAnnotModified, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{8: "<< /Type /Annot /Subtype /Square /Rect [100 100 500 500] /P 3 0 R /Contents (ghi chu) >>"})
		}},
		{"existing annotation removed", kindAnnotRemoved, func(t *testing.T) []byte {
			var keep pdf.Array
			for _, a := range finalObject(t, signed, 3).Get("Annots").(pdf.Array) {
				if a.(pdf.Ref).Num != 8 {
					keep = append(keep, a)
				}
			}
			return signertest.AppendUpdate(t, signed, map[int]string{3: withKey(t, signed, 3, "Annots", keep)})
		}},
		{"existing annotation hidden", kindAnnotModified, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{8: withKey(t, signed, 8, "F", int64(2))})
		}},
		{"catalog gains a JavaScript open action", kindCatalog, func(t *testing.T) []byte {
			return signertest.AppendUpdate(t, signed, map[int]string{cat: withKey(t, signed, cat, "OpenAction",
				pdf.Dict{{Key: "S", Value: pdf.Name("JavaScript")}, {Key: "JS", Value: pdf.String("app.alert(1)")}})})
		}},
		{"bytes appended after the last EOF", kindTrailingBytes, func(t *testing.T) []byte {
			return append(append([]byte{}, signed...), []byte("\n5 0 obj\n<< /Length 3 >>\nstream\nBT\nendstream\nendobj\n")...)
		}},
		{"signature dictionary rewritten", kindSigModified, func(t *testing.T) []byte {
			sig := findSignatures(mustView(t, signed))[0]
			return signertest.AppendUpdate(t, signed, map[int]string{sig.ref.Num: withKey(t, signed, sig.ref.Num, "Reason", pdf.String("Da huy"))})
		}},
		{"appearance of the signed signature field replaced", kindSigModified, func(t *testing.T) []byte {
			visible := f.pki.signPDF(t, basePDF(), signOpts{visible: true})
			var widget int
			for _, a := range finalObject(t, visible, 3).Get("Annots").(pdf.Array) {
				if a.(pdf.Ref).Num != 8 {
					widget = a.(pdf.Ref).Num
				}
			}
			return signertest.AppendUpdate(t, visible, map[int]string{
				widget: withKey(t, visible, widget, "AP", pdf.Dict{{Key: "N", Value: pdf.Ref{Num: 98}}}),
				98:     "<< /Type /XObject /Subtype /Form /BBox [0 0 100 20] /Length 26 >>\nstream\nBT (Tran Van C) Tj ET    \nendstream",
			})
		}},
		{"new annotation on a document certified with P=2", kindAnnotAdded, func(t *testing.T) []byte {
			page := finalObject(t, f.certP2, 3)
			annots := append(pdf.Array{}, page.Get("Annots").(pdf.Array)...)
			annots = append(annots, pdf.Ref{Num: 92})
			return signertest.AppendUpdate(t, f.certP2, map[int]string{
				3:  withKey(t, f.certP2, 3, "Annots", annots),
				92: "<< /Type /Annot /Subtype /FreeText /Rect [300 300 400 320] /Contents (Da duyet) /DA (/Helv 12 Tf) >>",
			})
		}},
		{"second signature on a document certified with P=1", kindSignature, func(t *testing.T) []byte {
			return f.pki.signPDF(t, f.certP1, signOpts{name: "Tran Thi B"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := tc.make(t)
			s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
			if !s.ModifiedAfterSigning || s.Indication == TotalPassed {
				t.Fatalf("modified=%v indication=%s, want the change flagged; changes %+v", s.ModifiedAfterSigning, s.Indication, s.Changes)
			}
			if !hasChange(s.Changes, tc.kind, false) {
				t.Errorf("no forbidden %q change reported; got %+v", tc.kind, s.Changes)
			}
		})
	}
}

func TestShadowObjectIsCaught(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	// The xref of the update claims object 5 lives at the offset of a
	// different object; a viewer must not show the signed page content.
	doc := signertest.AppendUpdate(t, f.signed, map[int]string{93: streamObj("BT (noi dung gia) Tj ET")})
	off := bytes.LastIndex(doc, []byte("93 0 obj"))
	doc = bytes.Replace(doc, []byte(fmt.Sprintf("93 1\n%010d", off)), []byte(fmt.Sprintf("5 1\n%010d", off)), 1)
	s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
	if !s.ModifiedAfterSigning {
		t.Fatalf("xref redirect not flagged; changes %+v", s.Changes)
	}
}

func TestPrevLoopTerminates(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	doc := signertest.AppendUpdate(t, f.signed, map[int]string{5: streamObj("BT (thay the) Tj ET")})
	// Point /Prev of the last xref at itself.
	doc = fixLastPrev(doc, bytes.LastIndex(doc, []byte("xref\n")))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	rep, err := Verify(ctx, bytes.NewReader(doc), int64(len(doc)), trusted(f.pki))
	if time.Since(start) > 4*time.Second {
		t.Fatalf("Verify took %v on a /Prev loop", time.Since(start))
	}
	if err == nil && len(rep.Signatures) > 0 && !rep.Signatures[0].ModifiedAfterSigning {
		t.Fatalf("content change behind a /Prev loop not flagged; changes %+v", rep.Signatures[0].Changes)
	}
}

// fixLastPrev makes the last trailer's /Prev equal xref.
func fixLastPrev(doc []byte, xref int) []byte {
	i := bytes.LastIndex(doc, []byte("/Prev "))
	j := i + len("/Prev ")
	k := j
	for k < len(doc) && doc[k] >= '0' && doc[k] <= '9' {
		k++
	}
	return append(append(append([]byte{}, doc[:j]...), []byte(fmt.Sprint(xref))...), doc[k:]...)
}

func TestPermittedChangesKeepSignatureValid(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	t.Run("a second signature is permitted", func(t *testing.T) {
		t.Parallel()
		doc := f.pki.signPDF(t, f.signed, signOpts{name: "Tran Thi B", ocsp: f.pki.ocspFor(t, time.Time{})})
		rep := verifyBytes(t, doc, trusted(f.pki))
		if len(rep.Signatures) != 2 {
			t.Fatalf("%d signatures, want 2", len(rep.Signatures))
		}
		for _, s := range rep.Signatures {
			if !s.Intact || s.ModifiedAfterSigning || s.Indication != TotalPassed {
				t.Errorf("%s: intact=%v modified=%v %s/%s %v", s.Field, s.Intact, s.ModifiedAfterSigning, s.Indication, s.SubIndication, s.Errors)
			}
		}
		if !hasChange(rep.Signatures[0].Changes, kindSignature, true) {
			t.Errorf("the later signature is not listed as a permitted change: %+v", rep.Signatures[0].Changes)
		}
	})
	t.Run("adding a DSS is permitted and supplies revocation data", func(t *testing.T) {
		t.Parallel()
		cat := catalogNum(t, f.bare)
		ocspResp := f.pki.ocspFor(t, time.Time{})
		doc := signertest.AppendUpdate(t, f.bare, map[int]string{
			cat: withKey(t, f.bare, cat, "DSS", pdf.Ref{Num: 94}),
			94:  "<< /Certs [95 0 R] /OCSPs [96 0 R] >>",
			95:  rawStream(f.pki.ca.Raw),
			96:  rawStream(ocspResp),
		})
		s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
		if s.ModifiedAfterSigning || s.Indication != TotalPassed {
			t.Fatalf("modified=%v %s/%s %v", s.ModifiedAfterSigning, s.Indication, s.SubIndication, s.Errors)
		}
		if !hasChange(s.Changes, kindDSS, true) {
			t.Errorf("DSS addition not listed as permitted: %+v", s.Changes)
		}
		if !s.Revocation.InDSS || s.Revocation.Sources[0] != "OCSP (dss)" {
			t.Errorf("revocation %+v, want the OCSP response from the DSS", s.Revocation)
		}
	})
	t.Run("locking the signed field read-only is permitted", func(t *testing.T) {
		t.Parallel()
		visible := f.pki.signPDF(t, basePDF(), signOpts{visible: true, ocsp: f.pki.ocspFor(t, time.Time{})})
		var widget int
		for _, a := range finalObject(t, visible, 3).Get("Annots").(pdf.Array) {
			if a.(pdf.Ref).Num != 8 {
				widget = a.(pdf.Ref).Num
			}
		}
		w := finalObject(t, visible, widget)
		flags, _ := w.Get("F").(int64)
		w = w.With("F", flags|128).With("Ff", int64(1))
		doc := signertest.AppendUpdate(t, visible, map[int]string{widget: serialize(w)})
		s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
		if s.ModifiedAfterSigning || !hasChange(s.Changes, kindFieldsLocked, true) {
			t.Fatalf("modified=%v changes %+v, want a permitted lock", s.ModifiedAfterSigning, s.Changes)
		}
	})
	t.Run("a new annotation is permitted without certification", func(t *testing.T) {
		t.Parallel()
		page := finalObject(t, f.signed, 3)
		annots := append(append(pdf.Array{}, page.Get("Annots").(pdf.Array)...), pdf.Ref{Num: 97})
		doc := signertest.AppendUpdate(t, f.signed, map[int]string{
			3:  withKey(t, f.signed, 3, "Annots", annots),
			97: "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /Contents (Da xem) >>",
		})
		s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
		if s.ModifiedAfterSigning {
			t.Fatalf("annotation on an uncertified document flagged: %+v", s.Changes)
		}
	})
}

func TestByteRangeTampering(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	t.Run("a flipped byte inside the signed range breaks integrity", func(t *testing.T) {
		t.Parallel()
		doc := bytes.Replace(f.signed, []byte("cap 500 trieu"), []byte("cap 900 trieu"), 1)
		s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
		if s.Intact || s.Indication != TotalFailed || s.SubIndication != "HASH_FAILURE" {
			t.Fatalf("intact=%v %s/%s, want TOTAL_FAILED/HASH_FAILURE", s.Intact, s.Indication, s.SubIndication)
		}
	})
	t.Run("a ByteRange gap that is not the Contents string is a format failure", func(t *testing.T) {
		t.Parallel()
		sig := findSignatures(mustView(t, f.signed))[0]
		br := sig.dict.Get("ByteRange").(pdf.Array)
		old := []byte(fmt.Sprintf("%d %d %d", br[0], br[1], br[2]))
		i := bytes.Index(f.signed, old)
		if i < 0 {
			t.Skip("ByteRange not written in the expected form")
		}
		// Same length, gap shifted by one byte.
		repl := []byte(fmt.Sprintf("%d %d %d", br[0], br[1].(int64)-1, br[2]))
		if len(repl) != len(old) {
			t.Skip("shifted ByteRange changes length")
		}
		doc := append([]byte{}, f.signed...)
		copy(doc[i:], repl)
		s := verifyBytes(t, doc, trusted(f.pki)).Signatures[0]
		if s.Intact || s.SubIndication != "FORMAT_FAILURE" {
			t.Fatalf("intact=%v %s/%s, want FORMAT_FAILURE", s.Intact, s.Indication, s.SubIndication)
		}
	})
}

func mustView(t *testing.T, doc []byte) *view {
	t.Helper()
	d, err := pdf.NewFile(doc).Open(len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	return &view{Doc: d, certs: map[string]*x509.Certificate{}}
}

func rawStream(b []byte) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(b), b)
}

func hasChange(cs []Change, kind string, permittedWant bool) bool {
	for _, c := range cs {
		if c.Kind == kind && c.Permitted == permittedWant {
			return true
		}
	}
	return false
}
