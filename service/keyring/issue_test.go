package keyring_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/pdftext"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/signer/verify"
	"golang.org/x/text/unicode/norm"
)

var ict = time.FixedZone("ICT", 7*3600)

// uploadedDraft is the first page of a Quyết định as Word exports it, with the given number
// and date lines at the Decree 30 places: plain text, no fields.
func uploadedDraft(t *testing.T, number, date signertest.TextLine) []byte {
	number.Y, date.Y = 745, 745
	return signertest.TextPDF(t,
		signertest.Line(95, 790, 13, "ỦY BAN NHÂN DÂN"),
		signertest.Line(100, 775, 13, "TỈNH HÒA BÌNH"),
		signertest.Line(300, 790, 13, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
		signertest.Line(330, 775, 14, "Độc lập - Tự do - Hạnh phúc"),
		number, date,
		signertest.Line(250, 700, 14, "QUYẾT ĐỊNH"),
		signertest.Line(150, 680, 14, "Về việc thành lập Tổ công tác"),
		signertest.Line(85, 640, 14, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
		signertest.Line(400, 300, 14, "CHỦ TỊCH"),
		signertest.Line(390, 180, 14, "Bùi Văn Khánh"))
}

// approvedUpload stores pdf as a draft made outside vanthu, takes it to approval and has
// the leader sign it.
func (b *bundle) approvedUpload(t *testing.T, pdf []byte) engine.Document {
	t.Helper()
	doc := b.approvedDraftOf(t, pdf)
	_, err := b.kr.SignAsLeader(context.Background(), b.leader, doc.ID, pin, "")
	must(t, err)
	return doc
}

// popplerLines is the first page's text as poppler lays it out, spaces squeezed: an
// independent reader, which places the signature's stamps where they are drawn.
func popplerLines(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issued.pdf")
	must(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(signertest.Tool(t, "pdftotext"), "-layout", "-f", "1", "-l", "1", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return norm.NFC.String(regexp.MustCompile(`[ \t]+`).ReplaceAllString(string(out), " "))
}

// word is a word of poppler's -bbox output: its text and box (origin top left).
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// popplerWords are the first page's words with their boxes, as poppler reads them.
func popplerWords(t *testing.T, pdf []byte) []word {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issued.pdf")
	must(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(signertest.Tool(t, "pdftotext"), "-bbox", "-f", "1", "-l", "1", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	var words []word
	for _, m := range wordRE.FindAllStringSubmatch(string(out), -1) {
		var w word
		fmt.Sscan(m[1]+" "+m[2]+" "+m[3]+" "+m[4], &w.xMin, &w.yMin, &w.xMax, &w.yMax)
		w.text = norm.NFC.String(html.UnescapeString(m[5]))
		words = append(words, w)
	}
	return words
}

// between checks that the word text stands on the baseline of the word after and before
// the one before (the first of each with that text), in the gap between them, and returns it.
func between(t *testing.T, words []word, text, after, before string) word {
	t.Helper()
	find := func(s string, from float64) (word, bool) {
		for _, w := range words {
			if w.text == s && w.xMin >= from {
				return w, true
			}
		}
		return word{}, false
	}
	a, ok1 := find(after, 0)
	w, ok2 := find(text, a.xMax-0.5)
	b, ok3 := find(before, w.xMax-0.5)
	if !ok1 || !ok2 || !ok3 || math.Abs(w.yMax-a.yMax) > 2 || math.Abs(b.yMax-a.yMax) > 2 {
		t.Fatalf("%q is not between %q and %q on one line: %+v %+v %+v\n%+v", text, after, before, a, w, b, words)
	}
	return w
}

// pdfsigValid checks with poppler that every signature of pdf is valid.
func pdfsigValid(t *testing.T, pdf []byte, want int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issued.pdf")
	must(t, os.WriteFile(path, pdf, 0o600))
	out, _ := exec.Command(signertest.Tool(t, "pdfsig"), "-nocert", path).CombinedOutput()
	if got := strings.Count(string(out), "Signature is Valid"); got != want || strings.Contains(string(out), "Invalid") {
		t.Fatalf("pdfsig: %d valid signatures, want %d:\n%s", got, want, out)
	}
}

// dateText is the date line's words for an issue at t, as Decree 30 writes them.
func dateText(at time.Time) string {
	return strings.TrimPrefix(docpdf.DateLine("", at), ", ")
}

func TestIssueWritesTheNumberAndDateOnUploadedDrafts(t *testing.T) {
	t.Parallel()
	forEachStore(t, testUploadedDrafts)
}

func testUploadedDrafts(t *testing.T, b *bundle) {
	ctx := context.Background()
	now := time.Now().In(ict)
	month, year := fmt.Sprint(int(now.Month())), fmt.Sprint(now.Year())
	if now.Month() <= time.February {
		month = fmt.Sprintf("%02d", int(now.Month()))
	}

	t.Run("RefusesADraftWithoutBlanksBeforeNumbering", func(t *testing.T) {
		doc := b.approvedUpload(t, uploadedDraft(t, signertest.Line(100, 0, 13, "Kính gửi: Sở Nội vụ"),
			signertest.Line(320, 0, 14, "Hòa Bình, tháng "+month+"/"+year)))
		_, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "issue-none")
		if !errors.Is(err, keyring.ErrNoBlanks) || !errors.Is(err, engine.ErrInvalid) ||
			!strings.Contains(err.Error(), "không tìm thấy chỗ ghi số") || !strings.Contains(err.Error(), "the clerk must place") {
			t.Fatalf("err = %v, want ErrNoBlanks in Vietnamese and English", err)
		}
		got, err := b.store.DocumentGetByID(ctx, doc.ID)
		must(t, err)
		if got.Number != 0 || got.State != engine.StateSigned {
			t.Fatalf("a refused issue took number %d (%s)", got.Number, got.State)
		}

		t.Run("IssuesWhereTheClerkPlacesThem", func(t *testing.T) {
			opts := keyring.IssueOptions{Placement: keyring.Placement{NumberAt: &keyring.Point{X: 100, Y: 725},
				DateAt: &keyring.Point{X: 320, Y: 725}}}
			got, err := b.kr.IssueAndSealWith(ctx, b.clerk, doc.ID, pin, "issue-placed", opts)
			must(t, err)
			if got.Number != 1 {
				t.Fatalf("the first issue after a refusal took number %d: the refusal used one", got.Number)
			}
			pdf := b.newestSigned(t, doc.ID)
			text := popplerLines(t, pdf)
			if !strings.Contains(text, "Số: "+got.Notation) || !strings.Contains(text, "Hòa Bình, "+dateText(*got.IssuedAt)) {
				t.Fatalf("placed lines missing from the issued page:\n%s", text)
			}
			pdfsigValid(t, pdf, 2)
		})
		t.Run("RefusesAPlacementOffThePage", func(t *testing.T) {
			other := b.approvedUpload(t, uploadedDraft(t, signertest.Line(100, 0, 13, "Kính gửi: Sở Nội vụ"),
				signertest.Line(320, 0, 14, "")))
			_, err := b.kr.IssueAndSealWith(ctx, b.clerk, other.ID, pin, "", keyring.IssueOptions{Placement: keyring.Placement{
				NumberAt: &keyring.Point{X: 100, Y: 2000}, DateAt: &keyring.Point{X: 320, Y: 725}}})
			if !errors.Is(err, engine.ErrInvalid) || errors.Is(err, keyring.ErrNoBlanks) {
				t.Fatalf("err = %v, want a placement off the page refused", err)
			}
		})
	})

	t.Run("RefusesToCompleteADateOfAnotherMonth", func(t *testing.T) {
		wrong := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, ict).AddDate(0, 0, -1) // last month
		doc := b.approvedUpload(t, uploadedDraft(t, signertest.Line(100, 0, 13, "Số:      /QĐ-UBND"),
			signertest.Line(320, 0, 14, fmt.Sprintf("Hòa Bình, ngày      tháng %d năm %d", int(wrong.Month()), wrong.Year()))))
		_, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "")
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || ve.Field != "date_at" || !strings.Contains(ve.Message, "dự thảo ghi sẵn tháng") {
			t.Fatalf("err = %v, want the printed month refused", err)
		}
		if got, _ := b.store.DocumentGetByID(ctx, doc.ID); got.Number != 0 || got.State != engine.StateSigned {
			t.Fatalf("a refused issue took number %d (%s)", got.Number, got.State)
		}
		// Placing the date line elsewhere is the clerk's way out.
		got, err := b.kr.IssueAndSealWith(ctx, b.clerk, doc.ID, pin, "", keyring.IssueOptions{Placement: keyring.Placement{
			DateAt: &keyring.Point{X: 320, Y: 725}}})
		must(t, err)
		words := popplerWords(t, b.newestSigned(t, doc.ID))
		between(t, words, fmt.Sprintf("%02d", got.Number), "Số:", "Hòa")
	})

	for _, c := range []struct {
		name         string
		number, date signertest.TextLine
		dots         bool // poppler cannot put text drawn over dots into one line
	}{
		{"SpacesAsInWord", signertest.Line(100, 0, 13, "Số:      /QĐ-UBND"),
			signertest.Line(320, 0, 14, "Hòa Bình, ngày      tháng "+month+" năm "+year), false},
		{"DecomposedAndSplitAcrossOperators",
			signertest.TextLine{X: 100, Size: 13, Parts: []string{norm.NFD.String("Số"), ":", "/QĐ-UBND"}, Moves: []float64{0, 0, -1500}},
			signertest.TextLine{X: 320, Size: 14, Parts: []string{norm.NFD.String("Hòa Bình, ngà"), norm.NFD.String("y"),
				norm.NFD.String("tháng"), norm.NFD.String("năm")}, Moves: []float64{0, 0, -1500, -1500}}, false},
		{"DotsAsBlanks", signertest.Line(100, 0, 13, "Số: ......../QĐ-UBND"),
			signertest.Line(320, 0, 14, "Hòa Bình, ngày ...... tháng "+month+" năm "+year), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := b.approvedUpload(t, uploadedDraft(t, c.number, c.date))
			got, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "issue-"+doc.ID)
			must(t, err)
			pdf := b.newestSigned(t, doc.ID)
			issued := got.IssuedAt.In(ict)
			words := popplerWords(t, pdf)
			number := between(t, words, fmt.Sprintf("%02d", got.Number), "Số:", "Hòa")
			if !c.dots {
				// The number ends at the notation's slash, however wide the blank.
				slash := between(t, words, "/QĐ-UBND", number.text, "Hòa")
				if gap := slash.xMin - number.xMax; gap < 0 || gap > 1.5 {
					t.Fatalf("number %.1f pt before the slash, want it touching", gap)
				}
			}
			day := between(t, words, fmt.Sprintf("%02d", issued.Day()), "ngày", "tháng")
			ngay := between(t, words, "ngày", "Hòa", "tháng")
			if gap := day.xMin - ngay.xMax; gap > 0.25*14+3 {
				t.Fatalf("day %.1f pt after “ngày”, want it one space after (left-aligned in the blank)", gap)
			}
			// Poppler keeps words drawn by different objects apart, so "01" abutting
			// "/QĐ-UBND" reads "01 /QĐ-UBND"; between checked that they touch.
			text := strings.ReplaceAll(popplerLines(t, pdf), " /", "/")
			if !c.dots && (!strings.Contains(text, "Số: "+got.Notation) || !strings.Contains(text, dateText(issued))) {
				t.Fatalf("want %q and %q on the issued page:\n%s", "Số: "+got.Notation, dateText(issued), text)
			}
			// vanthu's own reader gives the page as drafted, then the agency signature's text.
			own, err := pdftext.Extract(ctx, bytes.NewReader(pdf), int64(len(pdf)), pdftext.Options{})
			must(t, err)
			page, stamps, _ := strings.Cut(own.Pages[0], "Bùi Văn Khánh")
			if !strings.Contains(page, "QĐ-UBND") || !strings.Contains(stamps, fmt.Sprintf("%02d", got.Number)) ||
				!strings.Contains(stamps, fmt.Sprintf("%02d", issued.Day())) {
				t.Fatalf("signer/pdftext reads no number or day in the agency signature:\n%s", own.Pages[0])
			}
			pdfsigValid(t, pdf, 2)
			for _, s := range b.verifyLatest(t, doc.ID) {
				if s.Indication != verify.TotalPassed {
					t.Fatalf("signature of %s: %s %v", s.Signer, s.Indication, s.Errors)
				}
			}
		})
	}
}

func TestIssueWritesTheNumberOnTheFirstPageOfALongDraft(t *testing.T) {
	t.Parallel()
	b := setup(t, openSQLite(t))
	ctx := context.Background()
	var body []string
	for i := 1; i <= 40; i++ {
		body = append(body, fmt.Sprintf("Điều %d. Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị triển khai thực hiện Quyết định này.", i))
	}
	// vanthu's own renderer, but uploaded as a file: the keyring knows no layout for it.
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "QĐ-UBND",
		Place: "Hòa Bình", Type: "Quyết định", Summary: "Về việc thành lập Tổ công tác", Body: docpdf.Text(body...),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Bùi Văn Khánh"}, Recipients: []string{"Lưu: VT"}})
	must(t, err)
	doc := b.approvedUpload(t, pdf)
	got, err := b.kr.IssueAndSeal(ctx, b.clerk, doc.ID, pin, "issue-long")
	must(t, err)
	issued := b.newestSigned(t, doc.ID)
	words := popplerWords(t, issued)
	between(t, words, fmt.Sprintf("%02d", got.Number), "Số:", "Hòa")
	between(t, words, fmt.Sprintf("%02d", got.IssuedAt.In(ict).Day()), "ngày", "tháng")
	// The seal is on the last page with the leader's signature; the number and date on the
	// first page are signed by the agency on their own, before it.
	pdfsigValid(t, issued, 3)
	sigs := b.verifyLatest(t, doc.ID)
	if len(sigs) != 3 || sigs[1].Signer != b.agency.Name || sigs[2].Signer != b.agency.Name {
		t.Fatalf("%d signatures, want the leader's and two of the agency", len(sigs))
	}
	for _, s := range sigs {
		if s.Indication != verify.TotalPassed {
			t.Fatalf("signature of %s: %s %s %v", s.Signer, s.Indication, s.SubIndication, s.Errors)
		}
	}
}
