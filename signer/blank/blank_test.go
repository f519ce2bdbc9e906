package blank_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/blank"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/font"
	"github.com/vanthu/vanthu/signer/signertest"
	"golang.org/x/text/unicode/norm"
)

// header is the top of a Decree 30 first page as a Word export draws it, with the given
// number and date lines at baseline 745, and a body citing a printed date.
func header(number, date signertest.TextLine) []signertest.TextLine {
	number.Y, date.Y = 745, 745
	return []signertest.TextLine{
		signertest.Line(95, 790, 13, "ỦY BAN NHÂN DÂN"),
		signertest.Line(100, 775, 13, "TỈNH HÒA BÌNH"),
		signertest.Line(300, 790, 13, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
		signertest.Line(330, 775, 14, "Độc lập - Tự do - Hạnh phúc"),
		number, date,
		signertest.Line(250, 700, 14, "QUYẾT ĐỊNH"),
		signertest.Line(85, 500, 14, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
	}
}

func find(t *testing.T, pdf []byte) blank.Header {
	t.Helper()
	h, err := blank.Find(context.Background(), pdf)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	return h
}

// near checks a gap's position and size.
func near(t *testing.T, what string, g *blank.Gap, x, size float64) {
	t.Helper()
	if g == nil {
		t.Fatalf("%s: no blank found", what)
	}
	if math.Abs(g.X-x) > 1 || g.Y != 745 || g.Size != size {
		t.Fatalf("%s: blank at x=%.1f y=%.1f size %g, want x≈%.1f y=745 size %g", what, g.X, g.Y, g.Size, x, size)
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	face, err := font.Regular()
	if err != nil {
		t.Fatal(err)
	}
	width := func(s string, size float64) float64 {
		w, err := face.Width(s, size)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	label, place := width("Số:", 13), width("Hòa Bình, ngày", 14)
	t.Run("FindsTheBlanksOfAWordExport", func(t *testing.T) {
		t.Parallel()
		h := find(t, signertest.TextPDF(t, header(signertest.Line(100, 0, 13, "Số:      /QĐ-UBND"),
			signertest.Line(320, 0, 14, "Hòa Bình, ngày     tháng 12 năm 2026"))...))
		near(t, "number", h.Number, 100+label+3.25, 13)
		if h.Number.Width < 10 {
			t.Fatalf("number blank %.1f pt wide, want the spaces up to the slash", h.Number.Width)
		}
		if h.Date == nil {
			t.Fatal("no date line found")
		}
		near(t, "day", h.Date.Day, 320+place+3.5, 14)
		if h.Date.Month != nil || h.Date.Year != nil {
			t.Fatalf("printed month or year taken for blanks: %+v %+v", h.Date.Month, h.Date.Year)
		}
	})
	t.Run("ReadsDecomposedTextSplitAcrossOperators", func(t *testing.T) {
		t.Parallel()
		number := signertest.TextLine{X: 100, Size: 13, Parts: []string{norm.NFD.String("SỐ"), " :", "/QĐ-UBND"}, Moves: []float64{0, 0, -3000}}
		date := signertest.TextLine{X: 320, Size: 14, Parts: []string{norm.NFD.String("Hòa Bình, ng"), norm.NFD.String("ày"), norm.NFD.String("tháng"), "", norm.NFD.String("năm")},
			Moves: []float64{0, 0, -2500, 0, -2500}}
		h := find(t, signertest.TextPDF(t, header(number, date)...))
		if h.Number == nil || h.Number.Width < 30 {
			t.Fatalf("number blank: %+v", h.Number)
		}
		if h.Date == nil || h.Date.Day == nil || h.Date.Month == nil || h.Date.Year == nil {
			t.Fatalf("date blanks: %+v", h.Date)
		}
		if h.Date.Year.Width != 0 || h.Date.Day.Size != 14 {
			t.Fatalf("year blank %+v, day %+v", h.Date.Year, h.Date.Day)
		}
	})
	t.Run("TakesDotsAndUnderscoresForBlanks", func(t *testing.T) {
		t.Parallel()
		h := find(t, signertest.TextPDF(t, header(signertest.Line(100, 0, 13, "Số: ......./QĐ-UBND"),
			signertest.Line(320, 0, 14, "Hòa Bình, ngày ... tháng ___ năm 2026"))...))
		near(t, "number", h.Number, 100+label+3.25, 13)
		if h.Date == nil || h.Date.Day == nil || h.Date.Month == nil || h.Date.Year != nil {
			t.Fatalf("date blanks: %+v", h.Date)
		}
		if h.Date.Month.X <= h.Date.Day.X+h.Date.Day.Width {
			t.Fatalf("month blank at %.1f before the day's end %.1f", h.Date.Month.X, h.Date.Day.X+h.Date.Day.Width)
		}
	})
	t.Run("FindsNothingWhereThereIsNoBlank", func(t *testing.T) {
		t.Parallel()
		h := find(t, signertest.TextPDF(t, header(signertest.Line(100, 0, 13, "Kính gửi: Sở Nội vụ"),
			signertest.Line(320, 0, 14, "Hòa Bình, tháng 12/2026"))...))
		if h.Number != nil || h.Date != nil {
			t.Fatalf("found %+v %+v on a page without blanks (the body's cited date is not the header's)", h.Number, h.Date)
		}
	})
	t.Run("TakesAFullyPrintedHeaderDateAsPrinted", func(t *testing.T) {
		t.Parallel()
		h := find(t, signertest.TextPDF(t, header(signertest.Line(100, 0, 13, "Số:    /QĐ-UBND"),
			signertest.Line(320, 0, 14, "Hòa Bình, ngày 05 tháng 3 năm 2026"))...))
		if h.Number == nil || h.Date == nil || h.Date.Day != nil || h.Date.Month != nil || h.Date.Year != nil ||
			h.Date.Printed != [3]int{5, 3, 2026} {
			t.Fatalf("number %+v date %+v", h.Number, h.Date)
		}
	})
	t.Run("AgreesWithTheBlanksVanthuRendersItself", func(t *testing.T) {
		t.Parallel()
		pdf, _, want, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND",
			Place: "Hòa Bình", Type: "Quyết định", Summary: "Về việc thành lập Tổ công tác",
			Body:   docpdf.Text("Thành lập Tổ công tác theo Luật ngày 19 tháng 6 năm 2015."),
			Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
		if err != nil {
			t.Fatal(err)
		}
		h := find(t, pdf)
		if h.Number == nil || h.Date == nil || h.Date.Day == nil || h.Date.Month == nil || h.Date.Year == nil {
			t.Fatalf("found %+v %+v", h.Number, h.Date)
		}
		for _, c := range []struct {
			what string
			got  *blank.Gap
			want docpdf.Blank
		}{{"number", h.Number, want.Number}, {"day", h.Date.Day, want.Day}, {"month", h.Date.Month, want.Month}, {"year", h.Date.Year, want.Year}} {
			if math.Abs(c.got.X-c.want.X) > 1 || math.Abs(c.got.Y-c.want.Y) > 0.5 || c.got.Size != c.want.Size {
				t.Errorf("%s: found %+v, rendered at %+v", c.what, *c.got, c.want)
			}
		}
	})
	t.Run("RefusesWhatIsNoPDF", func(t *testing.T) {
		t.Parallel()
		if _, err := blank.Find(context.Background(), []byte("not a PDF")); err == nil {
			t.Fatal("no error for a file that is not a PDF")
		}
	})
}

func FuzzFind(f *testing.F) {
	f.Add(signertest.OnePagePDF())
	f.Add([]byte("%PDF-1.7\n%%EOF"))
	var tb testing.T
	f.Add(signertest.TextPDF(&tb, header(signertest.Line(100, 0, 13, "Số:      /QĐ-UBND"),
		signertest.Line(320, 0, 14, "Hòa Bình, ngày     tháng 12 năm 2026"))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		h, err := blank.Find(context.Background(), data)
		if err == nil && h.Number != nil && (math.IsNaN(h.Number.X) || h.Number.Size <= 0) {
			t.Fatalf("number blank %+v", h.Number)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Find took %v on %d bytes", d, len(data))
		}
	})
}
