package pdftext

import (
	"bytes"
	"context"
	"testing"
)

// onePage is a page drawing content with the given font resources (object 4 on), inherited
// from the page tree node as many producers do.
func onePage(fonts, content string, more ...string) []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << " + fonts + " >> /XObject << /X1 6 0 R >> >> >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		stream("", content),
	}
	return writePDF(append(objects, more...)...)
}

// toUnicode is a CMap like LibreOffice's and docpdf's: two-byte codes, bfchar and bfrange
// (with an array of destinations), a surrogate pair and a ligature.
const toUnicode = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar <0001> <0051> <0007> <D835DC00> <0008> <00660069> endbfchar
2 beginbfrange <0002> <0004> <0075> <0005> <0006> [<1EBF> <0111>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`

func TestExtractFonts(t *testing.T) {
	t.Parallel()
	form := stream("/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Matrix [1 0 0 1 0 -100]",
		"BT /F1 12 Tf 72 500 Td (trong form) Tj ET")
	for _, tc := range []struct {
		name  string
		fonts string
		text  string
		more  []string
		want  string
	}{
		{"WinAnsiWithKerningGapAsSpace", "/F1 4 0 R",
			`BT /F1 12 Tf 72 700 Td [(Ph) -20 (\362ng) -1000 (ban)] TJ 0 -14 Td (D\340i) Tj ET`, nil,
			"Phòng ban\nDài"},
		{"SeparateShowsOnOneLineJoinByPosition", "/F1 4 0 R",
			"BT /F1 10 Tf 72 700 Td (ab) Tj (cd) Tj 40 0 Td (ef) Tj ET", nil, "abcd ef"},
		{"DifferencesWithVietnameseGlyphNames", "/F1 6 0 R",
			`BT /F1 12 Tf 72 700 Td (\200\201\202\203 a) Tj ET`,
			[]string{"<< /Type /Font /Subtype /Type1 /BaseFont /X /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [128 /ohornhookabove /dcroat /uni1EA1 /Acircumflexacute 97 /a.sc] >> >>"},
			"ởđạẤ a"},
		{"Type0WithToUnicodeRangesAndArrays", "/F1 6 0 R",
			"BT /F1 12 Tf 72 700 Td <000100020005000600070008> Tj ET",
			[]string{"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
				"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 600 /W [1 [500 500] 5 8 700] >>",
				stream("", toUnicode)},
			"Quếđ𝐀fi"},
		{"Type0WithoutToUnicodeGivesNothing", "/F1 6 0 R",
			"BT /F1 12 Tf 72 700 Td <00010002> Tj ET",
			[]string{"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [] >>"},
			""},
		{"FormXObjectText", "/F1 4 0 R", "BT /F1 12 Tf 72 700 Td (trang) Tj ET /X1 Do", []string{form},
			"trang\ntrong form"},
		{"InlineImageIsSkipped", "/F1 4 0 R",
			"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00(Tj)EI\xff EI BT /F1 12 Tf 72 700 Td (sau) Tj ET", nil, "sau"},
		{"RotatedTextStaysOnOneLine", "/F1 4 0 R",
			"q 0 1 -1 0 500 100 cm BT /F1 12 Tf 0 0 Td (xoay) Tj ( trang) Tj ET Q", nil, "xoay trang"},
		{"GarbageOperandsAreIgnored", "/F1 4 0 R",
			"BT /F1 Tf Tj 1 2 Tm [ << /A [ ) >> (x) Tj ] TJ /Nope 12 Tf (lost) Tj /F1 12 Tf [ (o) Tj (k) ] TJ ET", nil, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := onePage(tc.fonts, tc.text, tc.more...)
			text, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(text.Pages) != 1 || text.Pages[0] != tc.want {
				t.Errorf("got %q, want one page %q", text.Pages, tc.want)
			}
		})
	}
}

func TestGlyphText(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"a": "a", "Ohorn": "Ơ", "uhorntilde": "ữ", "ecircumflexdotbelow": "ệ", "uni00410042": "AB",
		"u1F600": "😀", "comma": ",", "dcroat": "đ", "nosuchglyph": "", "": "", "one.oldstyle": "1",
	} {
		if got := glyphText(name); got != want {
			t.Errorf("glyphText(%q) = %q, want %q", name, got, want)
		}
	}
}
