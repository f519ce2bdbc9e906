package verify

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/signer/signertest"
)

// signedWithAnnots is basePDF with the annotations objs (numbered from 200) added to
// page 1 before it is signed: they are part of what the signer signed.
func signedWithAnnots(t *testing.T, f *fixture, objs map[int]string) []byte {
	t.Helper()
	base := basePDF()
	list := pdf.Array{pdf.Ref{Num: 8}}
	for n := 200; objs[n] != ""; n++ {
		list = append(list, pdf.Ref{Num: n})
	}
	objs[3] = serialize(finalObject(t, base, 3).With("Annots", list))
	doc := signertest.AppendUpdate(t, base, objs)
	return f.pki.signPDF(t, doc, signOpts{ocsp: f.pki.ocspFor(t, time.Time{})})
}

// verifyReportJSON is the whole report as `vanthu verify --json` prints it, read back.
func verifyReportJSON(t *testing.T, doc []byte, opts Options) Report {
	t.Helper()
	raw, err := json.Marshal(verifyBytes(t, doc, opts))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"annotation_overlaps":`) {
		t.Fatalf("report has no annotation_overlaps: %s", raw)
	}
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAnnotationOverlaps(t *testing.T) {
	t.Parallel()
	f := getFixture(t)
	opts := trusted(f.pki)
	opts.Revocation = &fakeSource{ocsp: f.pki.ocspFor(t, time.Time{})}
	link := func(rect string) string {
		return "<< /Type /Annot /Subtype /Link /Rect " + rect + " /Border [0 0 0] /P 3 0 R >>"
	}

	t.Run("OverlappingLinksAreAWarningNotAModification", func(t *testing.T) {
		t.Parallel()
		doc := signedWithAnnots(t, f, map[int]string{200: link("[72 700 300 720]"), 201: link("[250 710 400 730]")})
		rep := verifyReportJSON(t, doc, opts)
		want := []AnnotationOverlap{{Page: 1, Objects: [2]string{"200 0 R", "201 0 R"}}}
		if !reflect.DeepEqual(rep.AnnotationOverlaps, want) {
			t.Fatalf("annotation_overlaps %+v, want %+v", rep.AnnotationOverlaps, want)
		}
		s := rep.Signatures[0]
		if s.Indication != TotalPassed || s.ModifiedAfterSigning {
			t.Fatalf("%s/%s modified=%v, want TOTAL_PASSED and unmodified: the overlapping links were signed; errors %v",
				s.Indication, s.SubIndication, s.ModifiedAfterSigning, s.Errors)
		}
		if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "chồng lên nhau ở trang 1") || !strings.Contains(s.Warnings[0], "overlap on page 1") {
			t.Errorf("warnings %q, want one line in Vietnamese and English naming page 1", s.Warnings)
		}
	})

	notFlagged := []struct {
		name string
		make func(t *testing.T) []byte
	}{
		{"LinksTouchingOnlyAtTheirBorders", func(t *testing.T) []byte {
			return signedWithAnnots(t, f, map[int]string{
				200: link("[72 700 300 720]"),
				201: link("[300 700 400 720]"), // shares the right edge
				202: link("[72 720 300 740]"),  // shares the top edge
				203: link("[300 720 400 760]"), // shares one corner
			})
		}},
		{"SealOverTheLeadersSignature", func(t *testing.T) []byte {
			leader := f.pki.signPDF(t, basePDF(), signOpts{visible: true, ocsp: f.pki.ocspFor(t, time.Time{})})
			return f.pki.signPDF(t, leader, signOpts{visible: true, name: "UBND tinh", ocsp: f.pki.ocspFor(t, time.Time{})})
		}},
		{"LinkOverlappingOnlyAPopup", func(t *testing.T) []byte {
			return signedWithAnnots(t, f, map[int]string{
				200: "<< /Type /Annot /Subtype /Text /Rect [72 700 92 720] /Contents (ghi chu) /Popup 201 0 R /P 3 0 R >>",
				201: "<< /Type /Annot /Subtype /Popup /Rect [80 650 300 740] /Parent 200 0 R /P 3 0 R >>",
				202: link("[250 700 350 720]"),
			})
		}},
	}
	for _, tc := range notFlagged {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := verifyReportJSON(t, tc.make(t), opts)
			if len(rep.AnnotationOverlaps) != 0 {
				t.Fatalf("annotation_overlaps %+v, want none", rep.AnnotationOverlaps)
			}
			for _, s := range rep.Signatures {
				if len(s.Warnings) != 0 || s.Indication != TotalPassed {
					t.Errorf("%s: %s/%s warnings %q, want TOTAL_PASSED without warnings", s.Field, s.Indication, s.SubIndication, s.Warnings)
				}
			}
		})
	}
}

// TestCorpusAnnotationOverlaps: the DSS files made for this check are judged as DSS
// judges them, page by page.
func TestCorpusAnnotationOverlaps(t *testing.T) {
	t.Parallel()
	for file, want := range map[string][]int{
		"pades-multiple-pages-annots-overlap.pdf": {8, 12, 13, 16},
		"pades-same-border-annotations.pdf":       nil,
	} {
		rep := verifyBytes(t, signertest.CorpusFile(t, file), Options{})
		var pages []int
		for _, o := range rep.AnnotationOverlaps {
			if len(pages) == 0 || pages[len(pages)-1] != o.Page {
				pages = append(pages, o.Page)
			}
		}
		if !reflect.DeepEqual(pages, want) {
			t.Errorf("%s: overlaps on pages %v, want %v (%+v)", file, pages, want, rep.AnnotationOverlaps)
		}
	}
}
