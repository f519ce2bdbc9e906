package pades

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestPDFDateCarriesTheOffset(t *testing.T) {
	t.Parallel()
	ict := time.FixedZone("ICT", 7*3600)
	if got := pdfDate(time.Date(2026, 1, 5, 9, 30, 0, 0, ict)); got != "D:20260105093000+07'00'" {
		t.Fatalf("pdfDate = %q", got)
	}
}

// TestSignUpdatesOnlyWhatItMust signs a document whose AcroForm and page
// /Annots are indirect objects: those get new versions, the catalog and
// the page keep theirs.
func TestSignUpdatesOnlyWhatItMust(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	in := buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 5 0 R >>",
		"<< /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) >>",
		"[6 0 R]",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Signature1) /Rect [10 10 100 30] /P 3 0 R >>",
	})
	out, err := Sign(context.Background(), in, p.leaderOptions(LevelBB))
	if err != nil {
		t.Fatal(err)
	}
	update := out[len(in)-1:] // from the input's final newline
	for _, want := range []string{"\n4 0 obj", "\n5 0 obj"} {
		if !bytes.Contains(update, []byte(want)) {
			t.Errorf("update lacks a new version of%s", want)
		}
	}
	for _, unwanted := range []string{"\n1 0 obj", "\n3 0 obj", "\n6 0 obj"} {
		if bytes.Contains(update, []byte(unwanted)) {
			t.Errorf("update needlessly rewrites%s", unwanted)
		}
	}
	if !bytes.Contains(update, []byte("/DA (/Helv 0 Tf 0 g)")) {
		t.Error("the new AcroForm version lost its /DA")
	}
	names := fieldNames(t, out)
	if len(names) != 2 {
		t.Fatalf("field names = %v, want the text field and a new, distinct signature field", names)
	}
	requireAllValid(t, out, 1)
}

// TestSignFillsTemplateFields signs into the empty signature fields a
// template prepared for the leader (ô 7c) and the agency seal (ô 8): no new
// fields appear and both signatures verify.
func TestSignFillsTemplateFields(t *testing.T) {
	t.Parallel()
	p := newTestPKI(t)
	in := buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 5 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R 6 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /FT /Sig /T (LanhDao) /Rect [350 150 500 210] /P 3 0 R /F 4 >>",
		"<< /FT /Sig /T (CoQuan) /Kids [6 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [300 140 400 240] /P 3 0 R /F 4 >>",
	})
	ctx := context.Background()
	leaderOpts := p.leaderOptions(LevelBB)
	leaderOpts.FieldName = "LanhDao"
	leaderOpts.Appearance = boxAppearance{rect: [4]float64{0, 0, 150, 60}}
	leader, err := Sign(ctx, in, leaderOpts)
	if err != nil {
		t.Fatal(err)
	}
	agencyOpts := p.agencyOptions(LevelBB)
	agencyOpts.FieldName = "CoQuan"
	agencyOpts.Appearance = boxAppearance{rect: [4]float64{0, 0, 100, 100}}
	agency, err := Sign(ctx, leader, agencyOpts)
	if err != nil {
		t.Fatal(err)
	}
	requireAllValid(t, agency, 2)
	if names := fieldNames(t, agency); len(names) != 2 {
		t.Fatalf("fields = %v, want only the two template fields", names)
	}
	if !bytes.Contains(agency[len(leader):], []byte("/T (CoQuan) /Type /Annot")) || !bytes.Contains(agency[len(leader):], []byte("/AP <</N")) {
		t.Fatal("the agency field was not merged with its widget and given the appearance")
	}
}
