package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine/search"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// decision is a Quyết định long enough for several pages, with every Vietnamese vowel form,
// both tone placements and identifiers the index must find.
func decision(paragraphs int) docpdf.Document {
	body := []string{
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
		"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV, mã định danh H23.10.01.",
		"QUYẾT ĐỊNH:",
		"Điều 1. Phê duyệt Đề án 06 về ứng dụng dữ liệu dân cư, định danh và xác thực điện tử; khoẻ mạnh, thuý, Hoà Bình, Hòa Bình.",
		"Các chữ: à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ đ Đ.",
	}
	for i := 1; i <= paragraphs; i++ {
		body = append(body, fmt.Sprintf("Khoản %d. Sở Thông tin và Truyền thông chủ trì, phối hợp với các cơ quan, đơn vị rà soát, chuẩn hóa quy trình tiếp nhận, xử lý văn bản đến, văn bản đi; bảo đảm 100%% văn bản được ký số và lưu trữ điện tử theo quy định.", i))
	}
	return docpdf.Document{
		Agency:     "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH",
		Number:     15,
		Notation:   "QĐ-UBND",
		Place:      "Hòa Bình",
		Date:       time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC),
		Type:       "Quyết định",
		Summary:    "Về việc phê duyệt Đề án 06 của tỉnh Hòa Bình",
		Body:       docpdf.Text(body...),
		Signer:     docpdf.Signer{Authority: []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}, Name: "Nguyễn Văn Chiến"},
		Recipients: []string{"Như Điều 3", "Lưu: VT, NC"},
	}
}

func render(t testing.TB, doc docpdf.Document) []byte {
	t.Helper()
	data, _, err := docpdf.Render(doc)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return data
}

func extract(t testing.TB, data []byte) Text {
	t.Helper()
	text, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return text
}

// needTool finds an external program: missing, it fails the test in CI and skips it elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

func TestExtractDocpdfText(t *testing.T) {
	t.Parallel()
	doc := decision(40)
	text := extract(t, render(t, doc))
	if len(text.Pages) < 2 {
		t.Fatalf("got %d pages, want the long decision to run over several", len(text.Pages))
	}
	if text.NeedsOCR() {
		t.Errorf("a PDF with a text layer needs OCR: empty pages %v", text.EmptyPages())
	}
	all := text.String()
	folded := search.Fold(strings.Join(withoutPageNumbers(text.Pages), "\n"))
	for _, p := range doc.Body {
		if want := search.Fold(p.Text); !strings.Contains(folded, want) {
			t.Errorf("extracted text lacks paragraph %q", want)
		}
	}
	t.Run("KeepsDiacriticsExactly", func(t *testing.T) {
		for _, want := range []string{"Điều 1. Phê duyệt Đề án 06", "khoẻ mạnh, thuý, Hoà Bình, Hòa Bình",
			"ỳ ý ỷ ỹ ỵ đ Đ", "QUYẾT ĐỊNH", "Nguyễn Văn Chiến", "Số: 15/QĐ-UBND"} {
			if !strings.Contains(all, want) {
				t.Errorf("extracted text lacks %q", want)
			}
		}
	})
	t.Run("IdentifiersBecomeTokens", func(t *testing.T) {
		tokens := search.Tokens(all)
		for _, want := range []string{"15/qd-ubnd", "30/2020/nd-cp", "h23.10.01", "15/ttr-snv"} {
			if !slices.Contains(tokens, want) {
				t.Errorf("tokens lack %q", want)
			}
		}
	})
}

func TestExtractAgreesWithPdftotext(t *testing.T) {
	t.Parallel()
	pdftotext := needTool(t, "pdftotext")
	data := render(t, decision(25))
	path := filepath.Join(t.TempDir(), "decision.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ours := extract(t, data)
	theirPages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	if len(theirPages) != len(ours.Pages) {
		t.Fatalf("we read %d pages, pdftotext %d", len(ours.Pages), len(theirPages))
	}
	for i := range theirPages {
		got, want := sortedWords(ours.Pages[i]), sortedWords(theirPages[i])
		if !slices.Equal(got, want) {
			t.Errorf("page %d: our words differ from pdftotext's:\n ours   %q\n theirs %q", i+1, got, want)
		}
	}
}

// sortedWords are the exact (unfolded) words of a page, in an order that does not depend on
// how the two columns of the header are read.
func sortedWords(s string) []string {
	w := strings.Fields(s)
	slices.Sort(w)
	return w
}

func TestExtractReportsScannedPages(t *testing.T) {
	t.Parallel()
	data := imagePDF(t, []byte{0x80, 0x40, 0xff, 0x00}, 2, 2)
	text := extract(t, data)
	if len(text.Pages) != 1 || !text.NeedsOCR() || !slices.Equal(text.EmptyPages(), []int{0}) {
		t.Errorf("image-only page: got %d pages, NeedsOCR %v, empty pages %v; want 1 page, true, [0]",
			len(text.Pages), text.NeedsOCR(), text.EmptyPages())
	}
}

func TestExtractRejects(t *testing.T) {
	t.Parallel()
	valid := render(t, decision(1))
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"NotAPDF", []byte("hello, this is not a PDF"), nil},
		{"TruncatedFile", valid[:len(valid)/2], nil},
		{"EmptyFile", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Extract(context.Background(), bytes.NewReader(tc.data), int64(len(tc.data)), Options{})
			if err == nil {
				t.Fatal("Extract succeeded, want an error")
			}
		})
	}
	t.Run("TooManyOperators", func(t *testing.T) {
		t.Parallel()
		_, err := Extract(context.Background(), bytes.NewReader(valid), int64(len(valid)), Options{MaxOps: 10})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("TooManyBytes", func(t *testing.T) {
		t.Parallel()
		_, err := Extract(context.Background(), bytes.NewReader(valid), int64(len(valid)), Options{MaxBytes: 100})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Extract(ctx, bytes.NewReader(valid), int64(len(valid)), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

// withoutPageNumbers drops the page number that Decree 30 prints atop every page after the
// first, which would otherwise split a paragraph running over the page break.
func withoutPageNumbers(pages []string) []string {
	out := slices.Clone(pages)
	for i := 1; i < len(out); i++ {
		out[i] = strings.TrimPrefix(out[i], fmt.Sprintf("%d\n", i+1))
	}
	return out
}
