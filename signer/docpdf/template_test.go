package docpdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/signer/font"
)

// provinceTemplate is a draft of the provincial People's Committee of the given kind.
func provinceTemplate(kind string) Template {
	return Template{
		Kind: kind, Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: kind + "-UBND", Place: "Hòa Bình",
		Summary: "Về việc triển khai ký số văn bản điện tử năm 2026",
		Body: "Thực hiện Nghị định số 30/2020/NĐ-CP của Chính phủ,\nỦy ban nhân dân tỉnh triển khai ký số văn bản.\n\n" +
			"Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc.",
		Recipients: []string{"- Các sở, ban, ngành;", "- Lưu: VT, NC."},
		Signing:    Signing{Form: OnBehalf, For: "Chủ tịch", Position: "Phó Chủ tịch", Name: "Nguyễn Văn Chiến"},
	}
}

// TestTemplatesRenderTheirPartsInDecree30Order renders each of the seven models and reads
// it back with pdftotext: every part where the model puts it, the number and date left blank.
func TestTemplatesRenderTheirPartsInDecree30Order(t *testing.T) {
	t.Parallel()
	// pdftotext reads the left column (agency, number, a Công văn's summary) before the
	// right one, and "Nơi nhận" before the signature beside it.
	order := func(number, summary string, middle ...string) []string {
		out := []string{"ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", number}
		if summary != "" {
			out = append(out, summary)
		}
		return append(append(out, nationalTitle, nationalMotto, "Hòa Bình, ngày tháng năm"), middle...)
	}
	body := []string{"Thực hiện Nghị định số 30/2020/NĐ-CP của Chính phủ, Ủy ban nhân dân tỉnh triển khai ký số văn bản.",
		"Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc./."}
	signature := []string{"Nơi nhận:", "- Các sở, ban, ngành;", "- Lưu: VT, NC.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chiến"}
	typed := func(kind, title string) []string {
		middle := append(append([]string{title, "Về việc triển khai ký số văn bản điện tử năm 2026"}, body...), signature...)
		return order("Số: /"+kind+"-UBND", "", middle...)
	}
	cases := []struct {
		name string
		tpl  func() Template
		want []string
	}{
		{"QuyetDinh", func() Template {
			tpl := provinceTemplate("QĐ")
			tpl.Body = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;\n" +
				"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\nTheo đề nghị của Giám đốc Sở Nội vụ.\n" +
				"Điều 1. Ban hành Quy chế ký số văn bản điện tử.\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.\n" +
				"Điều 3. Giám đốc Sở Nội vụ chịu trách nhiệm thi hành Quyết định này."
			tpl.Recipients = []string{"Như Điều 3", "Các sở, ban, ngành", "Lưu: VT, NC"}
			return tpl
		}, order("Số: /QĐ-UBND", "", "QUYẾT ĐỊNH", "Về việc triển khai ký số văn bản điện tử năm 2026",
			"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
			"Theo đề nghị của Giám đốc Sở Nội vụ.", "QUYẾT ĐỊNH:", "Điều 1. Ban hành Quy chế ký số văn bản điện tử.",
			"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", "Điều 3. Giám đốc Sở Nội vụ chịu trách nhiệm thi hành Quyết định này./.",
			"Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, NC.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chiến")},
		{"CongVan", func() Template {
			tpl := provinceTemplate("")
			tpl.Notation, tpl.Summary = "UBND-NC", "V/v triển khai ký số văn bản điện tử"
			tpl.Addressees = []string{"Các sở, ban, ngành", "UBND các huyện, thành phố"}
			return tpl
		}, order("Số: /UBND-NC", "V/v triển khai ký số văn bản điện tử", append(append([]string{"Kính gửi:", "- Các sở, ban, ngành;",
			"- UBND các huyện, thành phố."}, body...), signature...)...)},
		{"ToTrinh", func() Template { return provinceTemplate("TTr") }, typed("TTr", "TỜ TRÌNH")},
		{"BaoCao", func() Template { return provinceTemplate("BC") }, typed("BC", "BÁO CÁO")},
		{"ThongBao", func() Template { return provinceTemplate("TB") }, typed("TB", "THÔNG BÁO")},
		{"KeHoach", func() Template { return provinceTemplate("KH") }, typed("KH", "KẾ HOẠCH")},
		{"GiayMoi", func() Template {
			tpl := provinceTemplate("GM")
			tpl.Summary = "Dự hội nghị triển khai ký số văn bản điện tử"
			tpl.Body = "Ủy ban nhân dân tỉnh trân trọng kính mời: Lãnh đạo các sở, ban, ngành.\n\n" +
				"Thời gian: 08 giờ 00, ngày 15 tháng 12 năm 2026.\n\nĐịa điểm: Hội trường Ủy ban nhân dân tỉnh."
			tpl.Recipients = []string{"Như trên"}
			return tpl
		}, order("Số: /GM-UBND", "", "GIẤY MỜI", "Dự hội nghị triển khai ký số văn bản điện tử",
			"trân trọng kính mời: Lãnh đạo các sở, ban, ngành.", "Thời gian: 08 giờ 00", "Hội trường Ủy ban nhân dân tỉnh./.",
			"Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Chiến")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, _, blanks, err := c.tpl().Render()
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if blanks.Number == (Blank{}) || blanks.Day == (Blank{}) || blanks.Year == (Blank{}) {
				t.Errorf("the draft has no blanks for the number and date: %+v", blanks)
			}
			path := writePDF(t, out)
			checkFile(t, path, 1, false)
			wantInOrder(t, extractText(t, path), c.want...)
		})
	}
}

// wantInOrder asserts that text holds each of wants, one after the other.
func wantInOrder(t *testing.T, text string, wants ...string) {
	t.Helper()
	rest := text
	for _, w := range wants {
		w = strings.Join(strings.Fields(w), " ")
		i := strings.Index(rest, w)
		if i < 0 {
			if strings.Contains(text, w) {
				t.Errorf("pdftotext has %q out of order in:\n%s", w, text)
			} else {
				t.Errorf("pdftotext lacks %q in:\n%s", w, text)
			}
			return
		}
		rest = rest[i+len(w):]
	}
}

func TestTemplateRefusesWhatMakesAWrongDocument(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		change         func(*Template)
		field, problem string
	}{
		{"UnknownKind", func(t *Template) { t.Kind = "CV" }, "kind", ProblemUnknown},
		{"NoSummary", func(t *Template) { t.Summary = "  " }, "subject", ProblemRequired},
		{"NoBody", func(t *Template) { t.Body = "\n\n" }, "body", ProblemRequired},
		{"NoSignerName", func(t *Template) { t.Signing.Name = "" }, "signer_name", ProblemRequired},
		{"SigningFormWithoutWhom", func(t *Template) { t.Signing.For = "" }, "signer_for", ProblemRequired},
		{"UnknownSigningForm", func(t *Template) { t.Signing.Form = "Q." }, "signer_form", ProblemUnknown},
		{"DecisionWithoutArticles", func(t *Template) {
			t.Kind, t.Body = "QĐ", "Căn cứ Luật Tổ chức chính quyền địa phương."
		}, "body", ProblemArticles},
		{"ArticlesOutOfSequence", func(t *Template) { t.Kind, t.Body = "QĐ", "Điều 1. Một.\nĐiều 3. Ba." }, "body", ProblemArticles},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tpl := provinceTemplate("TB")
			c.change(&tpl)
			_, err := tpl.Document()
			fe, ok := IsFieldError(err)
			if !ok || fe.Field != c.field || fe.Problem != c.problem || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want a %s error on %s", err, c.problem, c.field)
			}
		})
	}
}

func TestTemplateSignsAsTheHeadWithoutAForm(t *testing.T) {
	t.Parallel()
	tpl := provinceTemplate("QĐ")
	tpl.Signing = Signing{Position: "Chủ tịch", Name: "Bùi Văn Khánh"}
	tpl.Body = "Điều 1. Một điều."
	doc, err := tpl.Document()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(doc.Signer.Authority, "|"); got != "Chủ tịch" {
		t.Errorf("authority lines %q, want the position alone", got)
	}
	if doc.Body[0].Text != "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH" || !doc.Body[0].Centred {
		t.Errorf("competence %+v", doc.Body[0])
	}
	if doc.Body[1].Text != "QUYẾT ĐỊNH:" || doc.Body[2].Lead != "Điều 1." || doc.Body[2].Text != "Một điều./." {
		t.Errorf("body %+v", doc.Body)
	}
}

// TestDecisionArticlesLeadWithTheirNumberInBold renders a Quyết định and reads it back: each
// article starts with "Điều N." drawn with the bold face, its text follows in regular type on
// the same line, and the first line of a long article is still justified to the right margin.
func TestDecisionArticlesLeadWithTheirNumberInBold(t *testing.T) {
	t.Parallel()
	tpl := provinceTemplate("QĐ")
	tpl.Body = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\n" +
		"Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý văn bản điện tử của Ủy ban nhân dân tỉnh Hòa Bình, " +
		"áp dụng cho các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố.\n" +
		"Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
	out, _, _, err := tpl.Render()
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	path := writePDF(t, out)

	raw := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	for _, want := range []string{"Điều 1. Ban hành kèm theo", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./."} {
		found := false
		for _, ln := range strings.Split(raw, "\n") {
			found = found || strings.HasPrefix(strings.Join(strings.Fields(ln), " "), want)
		}
		if !found {
			t.Errorf("pdftotext has no line starting %q:\n%s", want, raw)
		}
	}

	words := pageWords(t, path, 0)
	number, first := findWord(t, words, "1."), findWord(t, words, "Ban")
	if abs(number.yMin-first.yMin) > 0.5 || number.xMax >= first.xMin {
		t.Errorf("“1.” at %+v and “Ban” at %+v are not in order on one line", number, first)
	}
	rightmost := 0.0
	for _, w := range words {
		if abs(w.yMin-first.yMin) < 0.5 {
			rightmost = max(rightmost, w.xMax)
		}
	}
	if edge := pageWidth - marginRight; abs(rightmost-edge) > 1 {
		t.Errorf("the first line of Điều 1 ends at %.1f pt, want it justified to the margin at %.1f pt", rightmost, edge)
	}

	bold, err := font.Bold()
	if err != nil {
		t.Fatal(err)
	}
	lead, err := font.NewUse(bold).Encode("Điều 1.")
	if err != nil {
		t.Fatal(err)
	}
	content := pageContent(t, out)
	if !regexp.MustCompile(`/F2 14 Tf [^\[]*\[` + lead + `\] TJ`).MatchString(content) {
		t.Errorf("“Điều 1.” (%s) is not drawn with the bold face /F2 in:\n%s", lead, content)
	}
}

// pageContent is the decompressed content streams of a PDF docpdf wrote, one after another.
func pageContent(t *testing.T, pdf []byte) string {
	t.Helper()
	var all strings.Builder
	for _, m := range regexp.MustCompile(`(?s)/FlateDecode /Length (\d+) >>\nstream\n`).FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		zr, err := zlib.NewReader(bytes.NewReader(pdf[m[1] : m[1]+n]))
		if err != nil {
			continue // a font file's stream
		}
		data, err := io.ReadAll(zr)
		if err == nil && bytes.Contains(data, []byte(" Tf ")) {
			all.Write(data)
		}
	}
	return all.String()
}
