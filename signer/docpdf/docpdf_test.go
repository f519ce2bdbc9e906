package docpdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/font"
)

func mustRender(t testing.TB, doc Document) ([]byte, Placement) {
	t.Helper()
	out, sig, err := Render(doc)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out, sig
}

func TestRenderDirective(t *testing.T) {
	t.Parallel()
	doc := longDirective()
	out, sig := mustRender(t, doc)
	path := writePDF(t, out)

	t.Run("IsAValidA4PDFOfThreePagesWithEmbeddedSubsetFonts", func(t *testing.T) {
		t.Parallel()
		checkFile(t, path, 3, false)
	})

	t.Run("GivesBackEveryTextElementThroughPdftotext", func(t *testing.T) {
		t.Parallel()
		text := extractText(t, path)
		wantText(t, text, "ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", nationalTitle, nationalMotto, "Số: 15/CT-UBND",
			"Hòa Bình, ngày 05 tháng 3 năm 2025", "CHỈ THỊ", doc.Summary, "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
			"Nguyễn Văn Chiến", "Nơi nhận:", "- Văn phòng Chính phủ;", "- Lưu: VT, NC.")
		wantText(t, text, texts(doc.Body)...)
	})

	t.Run("NumbersPagesFromTheSecondInTheTopMargin", func(t *testing.T) {
		t.Parallel()
		for page, want := range map[int]string{1: "2", 2: "3"} {
			words := pageWords(t, path, page)
			if len(words) == 0 || words[0].text != want || words[0].yMax > mm(20) {
				t.Errorf("page %d: first word %v, want %q in the top margin", page+1, words[0], want)
			}
		}
		if first := pageWords(t, path, 0); first[0].text == "1" {
			t.Error("page 1 is numbered; Decree 30 leaves the first page unnumbered")
		}
	})

	t.Run("LeavesTheSignatureSpaceBlankBetweenAuthorityAndName", func(t *testing.T) {
		t.Parallel()
		checkSignatureSpace(t, path, sig, "TỊCH", "Chiến")
	})

	t.Run("KeepsTheSignatureWithTheLastLinesOfTheBody", func(t *testing.T) {
		t.Parallel()
		words := pageWords(t, path, sig.Page)
		last := findWord(t, words, "tỉnh.")
		if last.yMax > findWord(t, words, "KT.").yMin {
			t.Error("the body's last line is not above the signature block on its page")
		}
	})

	t.Run("WritesTheSameBytesEveryTime", func(t *testing.T) {
		t.Parallel()
		again, _ := mustRender(t, longDirective())
		if !bytes.Equal(out, again) {
			t.Error("two renderings of the same document differ")
		}
	})
}

// checkSignatureSpace asserts that sig is white on the rendered page and lies below the word
// above (last authority line) and above the word below (the name), overlapping it sideways.
func checkSignatureSpace(t *testing.T, path string, sig Placement, above, below string) {
	t.Helper()
	r := sig.Rect
	if r[2]-r[0] < mm(40) || r[3]-r[1] < mm(15) {
		t.Errorf("signature space %.0f × %.0f pt is too small for a signature", r[2]-r[0], r[3]-r[1])
	}
	words := pageWords(t, path, sig.Page)
	top, bottom := pageHeight-r[3], pageHeight-r[1] // from the page's top, as pdftotext measures
	if a := findWord(t, words, above); a.yMax > top {
		t.Errorf("authority line ends at %.1f pt from the top, below the space's top %.1f", a.yMax, top)
	}
	n := findWord(t, words, below)
	if n.yMin < bottom {
		t.Errorf("name starts at %.1f pt from the top, above the space's bottom %.1f", n.yMin, bottom)
	}
	if n.xMax < r[0] || n.xMin > r[2] {
		t.Errorf("name [%.0f, %.0f] is not under the space [%.0f, %.0f]", n.xMin, n.xMax, r[0], r[2])
	}

	const dpi = 80
	img := renderPage(t, path, sig.Page, dpi)
	px := func(v float64) int { return int(v * dpi / 72) }
	inner := image.Rect(px(r[0])+1, px(top)+1, px(r[2])-1, px(bottom)-1)
	if ink := inkIn(img, inner); ink > 0 {
		t.Errorf("signature space has %d non-white pixels, want none", ink)
	}
	if inkIn(img, img.Bounds()) == 0 {
		t.Fatal("the rendered page is blank; the check above proves nothing")
	}
}

func inkIn(img image.Image, r image.Rectangle) int {
	ink := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 250 {
				ink++
			}
		}
	}
	return ink
}

func TestRenderOfficialLetter(t *testing.T) {
	t.Parallel()
	doc := officialLetter()
	out, sig := mustRender(t, doc)
	path := writePDF(t, out)
	checkFile(t, path, 1, false)

	t.Run("PrintsTheDraftNumberBlankAndTheSummaryAsVv", func(t *testing.T) {
		t.Parallel()
		text := extractText(t, path)
		wantText(t, text, "UBND TỈNH HÒA BÌNH", "SỞ NỘI VỤ", "/SNV-VP", "Hòa Bình, ngày 07 tháng 01 năm 2025",
			"V/v "+doc.Summary, "Kính gửi:", "- Các sở, ban, ngành;", "- Ủy ban nhân dân các huyện, thành phố.",
			"KHẨN", "GIÁM ĐỐC", "Trần Thị Hằng", "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.")
		wantText(t, text, texts(doc.Body)...)
		if strings.Contains(text, "CÔNG VĂN") {
			t.Error("a Công văn shows a type name; it has none (ô 5b)")
		}
	})

	t.Run("PutsTheNumberLeftAndTheDateRightOnOneLine", func(t *testing.T) {
		t.Parallel()
		words := pageWords(t, path, 0)
		num, date := findWord(t, words, "Số:"), findWord(t, words, "ngày")
		if num.xMax > date.xMin || abs(num.yMax-date.yMax) > 3 {
			t.Errorf("number %+v and date %+v are not side by side", num, date)
		}
		if qh := findWord(t, words, "CỘNG"); qh.xMin < pageWidth/2-mm(20) || qh.yMax > num.yMin {
			t.Errorf("Quốc hiệu %+v is not top right", qh)
		}
	})

	t.Run("LeavesTheSignatureSpaceBlankBetweenAuthorityAndName", func(t *testing.T) {
		t.Parallel()
		checkSignatureSpace(t, path, sig, "ĐỐC", "Hằng")
	})
}

func TestRenderDecision(t *testing.T) {
	t.Parallel()
	doc := decision()
	out, sig := mustRender(t, doc)
	path := writePDF(t, out)
	checkFile(t, path, 1, false)
	text := extractText(t, path)
	wantText(t, text, "Số: 07/QĐ-UBND", "Hòa Bình, ngày 14 tháng 02 năm 2025", "QUYẾT ĐỊNH", doc.Summary, "MẬT", "HỎA TỐC")
	wantText(t, text, texts(doc.Body)...)
	checkSignatureSpace(t, path, sig, "CHỦ", "Khánh")
}

func abs(v float64) float64 { return max(v, -v) }

func TestRenderAttachment(t *testing.T) {
	t.Parallel()
	a := phuLuc()
	out, corner, err := RenderAttachment(a)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, out)
	checkFile(t, path, 2, false)
	wantText(t, extractText(t, path), append([]string{"PHỤ LỤC I", a.Heading}, texts(a.Body)...)...)

	t.Run("LeavesTheTopRightCornerFreeForTheAgencySignature", func(t *testing.T) {
		t.Parallel()
		r := corner.Rect
		if corner.Page != 0 || r[2]-r[0] < mm(60)-0.01 || r[3]-r[1] < mm(20)-0.01 || r[2] > pageWidth-mm(15)+0.01 {
			t.Fatalf("reserved corner %+v, want 60 × 20 mm inside the right margin of page 1", corner)
		}
		img := renderPage(t, path, 0, 80)
		px := func(v float64) int { return int(v * 80 / 72) }
		if ink := inkIn(img, image.Rect(px(r[0]), px(pageHeight-r[3]), px(r[2]), px(pageHeight-r[1]))); ink > 0 {
			t.Errorf("reserved corner has %d non-white pixels", ink)
		}
	})
}

func TestRenderRegister(t *testing.T) {
	t.Parallel()
	r := incomingRegister(200)
	out, err := RenderRegister(r)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, out)
	info := run(t, "pdfinfo", path)
	pages := 0
	for _, line := range strings.Split(info, "\n") {
		if rest, ok := strings.CutPrefix(line, "Pages:"); ok {
			pages = atoi(strings.TrimSpace(rest))
		}
	}
	if pages < 10 {
		t.Fatalf("200 rows on %d pages, want them spread over many", pages)
	}
	checkFile(t, path, pages, true)
	text := extractText(t, path)
	wantText(t, text, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Năm 2025", "Sở Tài chính", "300/STC-VP", "Tên loại và trích yếu nội dung")
	for _, row := range []int{0, 98, 198} { // rows that fit on one line read back whole
		wantText(t, text, r.Rows[row][5])
	}

	t.Run("RepeatsTheColumnHeadingsOnEveryPage", func(t *testing.T) {
		t.Parallel()
		for _, page := range []int{1, pages - 1} {
			words := pageWords(t, path, page)
			if findWord(t, words, "Ghi").yMax > mm(30) {
				t.Errorf("page %d: headings are not at the top", page+1)
			}
		}
	})
}

func TestRenderRegisterSplitsARowTallerThanAPage(t *testing.T) {
	t.Parallel()
	r := incomingRegister(3)
	r.Rows[1][5] = strings.Repeat("Trích yếu rất dài của một văn bản đến. ", 400)
	out, err := RenderRegister(r)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, out)
	words := strings.Fields(r.Rows[1][5])
	text := extractText(t, path)
	if got := strings.Count(text, "Trích"); got != 400 {
		t.Errorf("pdftotext has %d of the %d sentences of the long cell", got, 400)
	}
	wantText(t, text, r.Rows[2][5], words[len(words)-1])
	if _, err := RenderRegister(Register{Columns: []Column{{"Số", -1}}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative column width: err = %v, want ErrInvalid", err)
	}
}

func TestRenderRunsALongRecipientListOnToTheNextPage(t *testing.T) {
	t.Parallel()
	doc := officialLetter()
	doc.Recipients = nil
	for i := 1; i <= 80; i++ {
		doc.Recipients = append(doc.Recipients, "Ủy ban nhân dân xã số "+itoa(i))
	}
	out, sig := mustRender(t, doc)
	path := writePDF(t, out)
	checkFile(t, path, 2, false)
	if sig.Page != 0 {
		t.Errorf("signature space on page %d, want 1 with the body", sig.Page+1)
	}
	wantText(t, extractText(t, path), "- Ủy ban nhân dân xã số 1;", "- Ủy ban nhân dân xã số 80.")
}

func TestLinesOfTheHeader(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		number   int
		notation string
		want     string
	}{
		{15, "CT-UBND", "Số: 15/CT-UBND"},
		{5, "QĐ-UBND", "Số: 05/QĐ-UBND"},
		{0, "UBND-VX", "Số:      /UBND-VX"},
	} {
		if got := NumberLine(c.number, c.notation); got != c.want {
			t.Errorf("NumberLine(%d, %q) = %q, want %q", c.number, c.notation, got, c.want)
		}
	}
	for _, c := range []struct {
		date time.Time
		want string
	}{
		{time.Date(2025, 3, 5, 0, 0, 0, 0, vietnam), "Hòa Bình, ngày 05 tháng 3 năm 2025"},
		{time.Date(2020, 1, 5, 0, 0, 0, 0, vietnam), "Hòa Bình, ngày 05 tháng 01 năm 2020"},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, vietnam), "Hòa Bình, ngày 29 tháng 02 năm 2024"},
		{time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), "Hòa Bình, ngày 01 tháng 01 năm 2026"}, // 03:00 in Vietnam
	} {
		if got := DateLine("Hòa Bình", c.date); got != c.want {
			t.Errorf("DateLine(%v) = %q, want %q", c.date, got, c.want)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	t.Parallel()
	t.Run("ACharacterTheFontCannotDrawNamingItAndWhere", func(t *testing.T) {
		t.Parallel()
		doc := officialLetter()
		doc.Body = append(doc.Body, Paragraph{Text: "Xem tài liệu 中文 kèm theo."})
		_, _, err := Render(doc)
		var missing *font.MissingGlyphError
		if !errors.As(err, &missing) || missing.Rune != '中' {
			t.Fatalf("err = %v, want a MissingGlyphError for 中", err)
		}
		if !strings.Contains(err.Error(), "body paragraph 3") {
			t.Errorf("error %q does not say which paragraph", err)
		}
	})
	t.Run("ADocumentWithoutItsRequiredElements", func(t *testing.T) {
		t.Parallel()
		for name, edit := range map[string]func(*Document){
			"agency":   func(d *Document) { d.Agency = " " },
			"notation": func(d *Document) { d.Notation = "" },
			"signer":   func(d *Document) { d.Signer.Name = "" },
			"utf8":     func(d *Document) { d.Summary = "V\xff" },
		} {
			doc := officialLetter()
			edit(&doc)
			if _, _, err := Render(doc); !errors.Is(err, ErrInvalid) {
				t.Errorf("without %s: err = %v, want ErrInvalid", name, err)
			}
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func texts(ps []Paragraph) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.TrimSpace(p.Lead + " " + p.Text)
	}
	return out
}
