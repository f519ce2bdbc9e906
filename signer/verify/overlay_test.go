package verify

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// The body text of basePDF's first page, "Cong van so 12/UBND: cap 500 trieu dong" in
// 18 pt Helvetica at (72, 760), spans about x 72…477 and y 755.5…778.
const overBody = "[60 740 500 790]"

// withAnnots appends an update that adds the annotations objs (numbered from 200) to page
// 1 (object 3) and defines every other object of objs as given.
func withAnnots(t *testing.T, doc []byte, objs map[int]string, annots ...int) []byte {
	t.Helper()
	page := finalObject(t, doc, 3)
	list, _ := page.Get("Annots").(pdf.Array)
	list = append(pdf.Array{}, list...)
	for _, n := range annots {
		list = append(list, pdf.Ref{Num: n})
	}
	objs[3] = serialize(page.With("Annots", list))
	return signertest.AppendUpdate(t, doc, objs)
}

// withFields appends an update that adds the field widgets (numbered from 200) to page 1
// and to the interactive form, with /NeedAppearances when needApp.
func withFields(t *testing.T, doc []byte, objs map[int]string, needApp bool, fields ...int) []byte {
	t.Helper()
	cat := catalogNum(t, doc)
	root := finalObject(t, doc, cat)
	v, err := pdf.NewFile(doc).Open(len(doc))
	if err != nil {
		t.Fatal(err)
	}
	form := v.Dict(root.Get("AcroForm"))
	list := append(pdf.Array{}, v.Array(form.Get("Fields"))...)
	for _, n := range fields {
		list = append(list, pdf.Ref{Num: n})
	}
	form = form.With("Fields", list)
	if needApp {
		form = form.With("NeedAppearances", true)
	}
	if r, ok := root.Get("AcroForm").(pdf.Ref); ok {
		objs[r.Num] = serialize(form)
	} else {
		objs[cat] = serialize(root.With("AcroForm", form))
	}
	return withAnnots(t, doc, objs, fields...)
}

// textField is a text field merged with its widget on page 1.
func textField(name, rect, extra string) string {
	return "<< /Type /Annot /Subtype /Widget /FT /Tx /T (" + name + ") /Rect " + rect +
		" /P 3 0 R /F 4 /DA (/Helv 12 Tf 0 g) " + extra + " >>"
}

// signedWithEmptyFields is basePDF signed while it had two empty text fields over its
// body text: 200, a field merged with its widget, and 202, a field whose widget is kid 203.
func signedWithEmptyFields(t *testing.T, f *fixture) []byte {
	t.Helper()
	base := basePDF()
	cat := catalogNum(t, base)
	emptyAP := "<< /N 201 0 R >>"
	doc := signertest.AppendUpdate(t, base, map[int]string{
		cat: serialize(finalObject(t, base, cat).With("AcroForm", pdf.Dict{{Key: "Fields", Value: pdf.Array{pdf.Ref{Num: 200}, pdf.Ref{Num: 202}}}})),
		3:   serialize(finalObject(t, base, 3).With("Annots", pdf.Array{pdf.Ref{Num: 8}, pdf.Ref{Num: 200}, pdf.Ref{Num: 203}})),
		200: textField("so_tien", "[300 755 480 780]", "/AP "+emptyAP),
		201: "<< /Type /XObject /Subtype /Form /BBox [0 0 180 25] /Length 13 >>\nstream\n/Tx BMC EMC\n\nendstream",
		202: "<< /FT /Tx /T (ghi_chu) /DA (/Helv 12 Tf 0 g) /Kids [203 0 R] >>",
		203: "<< /Type /Annot /Subtype /Widget /Parent 202 0 R /Rect [72 755 250 780] /P 3 0 R /F 4 /AP " + emptyAP + " >>",
	})
	// vanthu's own signer keeps the fields of the form it signs.
	signed, err := pades.Sign(context.Background(), doc, pades.Options{Signer: f.pki.key, Certificate: f.pki.leaf,
		Chain: []*x509.Certificate{f.pki.ca}, Name: "Nguyen Van A"})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return signed
}

func TestVisibleChangesAfterSigning(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	signed := f.signed
	form := signedWithEmptyFields(t, f)
	opts := trusted(f.pki)
	opts.Revocation = &fakeSource{ocsp: f.pki.ocspFor(t, time.Time{})}
	if s := verifyBytes(t, form, opts).Signatures[0]; s.Indication != TotalPassed {
		t.Fatalf("the form as signed: %s/%s %v", s.Indication, s.SubIndication, s.Errors)
	}
	overlays := []struct {
		name string
		make func(t *testing.T) []byte
	}{
		{"OpaqueSquareOverTheBody", func(t *testing.T) []byte {
			return withAnnots(t, signed, map[int]string{
				200: "<< /Type /Annot /Subtype /Square /Rect " + overBody + " /C [1 1 1] /IC [1 1 1] /F 4 >>"}, 200)
		}},
		{"FreeTextOverTheBody", func(t *testing.T) []byte {
			return withAnnots(t, signed, map[int]string{
				200: "<< /Type /Annot /Subtype /FreeText /Rect " + overBody + " /DA (/Helv 18 Tf 0 g) /Contents (cap 900 trieu dong) /F 4 >>"}, 200)
		}},
		{"StampOverTheBody", func(t *testing.T) []byte {
			return withAnnots(t, signed, map[int]string{
				200: "<< /Type /Annot /Subtype /Stamp /Name /Approved /Rect " + overBody + " /AP << /N 201 0 R >> /F 4 >>",
				201: "<< /Type /XObject /Subtype /Form /BBox [0 0 440 50] /Length 20 >>\nstream\n1 g 0 0 440 50 re f\nendstream",
			}, 200)
		}},
		{"NewTextFieldOverTheBody", func(t *testing.T) []byte {
			return withFields(t, signed, map[int]string{200: textField("moi", overBody, "/V (cap 900 trieu dong)")}, false, 200)
		}},
		{"FilledFieldWithWhiteTextAndNeedAppearances", func(t *testing.T) []byte {
			// The value goes into the parent field; the viewer redraws the kid widget
			// from the white /DA, over the body text.
			parent := finalObject(t, form, 202).With("V", pdf.String("xxxxxxxxxxxxxxxx")).With("DA", pdf.String("/Helv 18 Tf 1 g"))
			return withFields(t, form, map[int]string{202: serialize(parent)}, true)
		}},
		{"EmptyFieldOverTheBodyFilledLater", func(t *testing.T) []byte {
			w := finalObject(t, form, 200).With("V", pdf.String("900")).With("AP", pdf.Dict{{Key: "N", Value: pdf.Ref{Num: 210}}})
			return signertest.AppendUpdate(t, form, map[int]string{
				200: serialize(w),
				210: "<< /Type /XObject /Subtype /Form /BBox [0 0 180 25] /Length 45 >>\nstream\n/Tx BMC 1 g 0 0 180 25 re f BT 0 g (900) Tj ET EMC\nendstream",
			})
		}},
	}
	for _, tc := range overlays {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := verifyJSON(t, tc.make(t), opts)
			if !s.Intact || !s.ModifiedAfterSigning || s.Indication != Indeterminate || s.SubIndication != subVisibleOverlay {
				t.Fatalf("intact=%v modified=%v %s/%s, want an intact signature, modified, INDETERMINATE/%s; changes %+v",
					s.Intact, s.ModifiedAfterSigning, s.Indication, s.SubIndication, subVisibleOverlay, s.Changes)
			}
			var overlay *Change
			for i, c := range s.Changes {
				if c.Kind == kindVisibleOverlay {
					overlay = &s.Changes[i]
				}
			}
			if overlay == nil || overlay.Permitted || overlay.Object == "" || !strings.Contains(overlay.Detail, "page 1") {
				t.Fatalf("want a forbidden visible_overlay naming page 1 and the object; changes %+v", s.Changes)
			}
			if !strings.Contains(s.Reason, "Sau khi ký") || !strings.Contains(s.Reason, "After signing") {
				t.Errorf("reason %q, want Vietnamese and English words for the reader", s.Reason)
			}
		})
	}

	permitted := []struct {
		name string
		make func(t *testing.T) []byte
	}{
		{"AnnotationBesideTheText", func(t *testing.T) []byte {
			return withAnnots(t, signed, map[int]string{
				200: "<< /Type /Annot /Subtype /Square /Rect [300 400 500 500] /IC [1 1 0] /F 4 >>"}, 200)
		}},
		{"AnnotationTouchingTheTextOnlyAtItsBorder", func(t *testing.T) []byte {
			return withAnnots(t, signed, map[int]string{
				200: "<< /Type /Annot /Subtype /FreeText /Rect [72 778 477 800] /DA (/Helv 12 Tf 0 g) /Contents (Da xem) /F 4 >>",
				201: "<< /Type /Annot /Subtype /Square /Rect [72 730 477 755.5] /IC [1 0 0] /F 4 >>",
			}, 200, 201)
		}},
		{"FieldFilledInsideItsOwnBlankArea", func(t *testing.T) []byte {
			doc := withFields(t, signed, map[int]string{200: textField("ghi_chu", "[72 400 300 430]", "")}, false, 200)
			s := verifyBytes(t, doc, opts).Signatures[0]
			if s.Indication != TotalPassed {
				t.Fatalf("adding an empty field in a blank area: %s/%s %+v", s.Indication, s.SubIndication, s.Changes)
			}
			return signertest.AppendUpdate(t, doc, map[int]string{200: textField("ghi_chu", "[72 400 300 430]", "/V (Da nhan)")})
		}},
		{"SecondSignatureWidgetOverTheFirst", func(t *testing.T) []byte {
			first := f.pki.signPDF(t, basePDF(), signOpts{visible: true, ocsp: f.pki.ocspFor(t, time.Time{})})
			return f.pki.signPDF(t, first, signOpts{visible: true, name: "Tran Thi B", ocsp: f.pki.ocspFor(t, time.Time{})})
		}},
	}
	for _, tc := range permitted {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := verifyBytes(t, tc.make(t), opts)
			for _, s := range rep.Signatures {
				if s.ModifiedAfterSigning || s.Indication != TotalPassed || hasChange(s.Changes, kindVisibleOverlay, false) {
					t.Fatalf("%s: modified=%v %s/%s, want TOTAL_PASSED; changes %+v", s.Field, s.ModifiedAfterSigning, s.Indication, s.SubIndication, s.Changes)
				}
			}
		})
	}
}

// verifyJSON returns the first signature of the report as `vanthu verify --json` prints
// it, read back: what a script relying on the JSON sees.
func verifyJSON(t *testing.T, doc []byte, opts Options) Signature {
	t.Helper()
	raw, err := json.Marshal(verifyBytes(t, doc, opts))
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) == 0 {
		t.Fatalf("no signatures in %s", raw)
	}
	return rep.Signatures[0]
}

func TestSwitchingALayerAfterSigning(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	base := basePDF()
	cat := catalogNum(t, base)
	ocp := func(cfg string) string {
		return serialize(finalObject(t, base, cat).With("OCProperties", pdf.Raw("<< /OCGs [300 0 R] /D "+cfg+" >>")))
	}
	doc := signertest.AppendUpdate(t, base, map[int]string{cat: ocp("<< /ON [300 0 R] >>"), 300: "<< /Type /OCG /Name (Ghi chu) >>"})
	signed, err := pades.Sign(context.Background(), doc, pades.Options{Signer: f.pki.key, Certificate: f.pki.leaf,
		Chain: []*x509.Certificate{f.pki.ca}, Name: "Nguyen Van A"})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	signedCat := finalObject(t, signed, cat)
	off := signertest.AppendUpdate(t, signed, map[int]string{
		cat: serialize(signedCat.With("OCProperties", pdf.Raw("<< /OCGs [300 0 R] /D << /OFF [300 0 R] >> >>")))})
	opts := trusted(f.pki)
	opts.Revocation = &fakeSource{ocsp: f.pki.ocspFor(t, time.Time{})}
	s := verifyJSON(t, off, opts)
	if !s.ModifiedAfterSigning || s.Indication != Indeterminate || s.SubIndication != subVisibleOverlay ||
		!hasChange(s.Changes, kindVisibleOverlay, false) {
		t.Fatalf("modified=%v %s/%s, want the switched layer reported; changes %+v", s.ModifiedAfterSigning, s.Indication, s.SubIndication, s.Changes)
	}
}
