package appearance

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// These tests write each appearance into a one-page A4 PDF and check it the way a user would:
// qpdf finds the file clean, pdftotext gives back the Vietnamese text, pdffonts shows an embedded
// subset, and the page rendered by pdftoppm has ink only where the appearance's Rect says, red
// where the seal is and blue where the signature is. Set APPEARANCE_KEEP_DIR to keep the PDFs
// and PNGs for a look.

var a4 = [4]float64{0, 0, 595.28, 841.89}

// signedAt is 14:32:05 in Hanoi, given in UTC to show the conversion.
var signedAt = time.Date(2025, 3, 5, 7, 32, 5, 0, time.UTC)

func TestRenderedAppearances(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"qpdf", "pdftotext", "pdffonts", "pdftoppm"} {
		requireTool(t, tool)
	}
	dir := outputDir(t)

	t.Run("LeaderBlockShowsTitlesBlueSignatureAndName", func(t *testing.T) {
		t.Parallel()
		// The name is typed with combining marks (NFD) as some keyboards do; it must come out
		// composed, as the precomposed letters the font draws.
		titles := []string{"KT. CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ", "PHÓ CHỦ TỊCH THƯỜNG TRỰC"}
		name := norm.NFD.String("Nguyễn Văn Chiến")
		leader := mustLeader(t, titles, name)
		page := render(t, dir, "leader", leader)

		page.wantText(t, strings.Join(titles, " ")+" Nguyễn Văn Chiến")
		page.wantFonts(t, "LiberationSerif-Bold")
		page.wantInkOnlyIn(t, leader.Rect())
		if n := page.count(leader.ImageRect(), isBlue); n < 200 {
			t.Errorf("signature image rect has %d blue pixels, want a visible blue signature", n)
		}
		if n := page.count(leader.Rect(), isDark); n < 500 {
			t.Errorf("leader block has %d dark pixels, want black title and name text", n)
		}
	})

	t.Run("AgencySealCoversTheLeftThirdOfTheSignature", func(t *testing.T) {
		t.Parallel()
		leader := mustLeader(t, []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}, "Trần Thị Hương Giang")
		agency, err := Agency(AgencyOptions{Seal: sealPNG(t, 400), SignatureRect: leader.ImageRect()})
		if err != nil {
			t.Fatalf("Agency: %v", err)
		}
		page := render(t, dir, "agency", leader, agency)

		page.wantText(t, "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Trần Thị Hương Giang")
		page.wantInkOnlyIn(t, leader.Rect(), agency.Rect())
		seal, sig := agency.ImageRect(), leader.ImageRect()
		if n := page.count(seal, isRed); n < 1000 {
			t.Errorf("seal rect has %d red pixels, want the red seal", n)
		}
		third := (sig[2] - sig[0]) / 3
		leftThird := [4]float64{sig[0], sig[1], sig[0] + third, sig[3]}
		rightPart := [4]float64{sig[0] + third + 2, sig[1], sig[2], sig[3]}
		if n := page.count(leftThird, isRed); n < 50 {
			t.Errorf("left third of the signature has %d red pixels, want the seal over it", n)
		}
		if n := page.count(rightPart, isRed); n > 0 {
			t.Errorf("right two thirds of the signature have %d red pixels, want none", n)
		}
		if n := page.count(rightPart, isBlue); n < 100 {
			t.Errorf("right part of the signature has %d blue pixels, want it visible", n)
		}
		if d := seal[2] - seal[0]; d < mm(36)-0.01 || d > mm(36)+0.01 {
			t.Errorf("seal is %.2f pt wide, want the real 36 mm = %.2f pt", d, mm(36))
		}
	})

	t.Run("AttachmentShowsNumberAndTimeInTheTopRightCorner", func(t *testing.T) {
		t.Parallel()
		att, err := Attachment(AttachmentOptions{
			CornerPlacement: CornerPlacement{PageBox: a4},
			Number:          "2468/QĐ-SNNPTNT-ĐTƯ",
			SignedAt:        signedAt,
		})
		if err != nil {
			t.Fatalf("Attachment: %v", err)
		}
		page := render(t, dir, "attachment", att)

		page.wantText(t, "Số: 2468/QĐ-SNNPTNT-ĐTƯ 2025-03-05T14:32:05+07:00")
		page.wantFonts(t, "LiberationSerif")
		page.wantInkOnlyIn(t, att.Rect())
		wantTopRight(t, att.Rect())
		if n := page.count(att.Rect(), isDark); n < 100 {
			t.Errorf("attachment block has %d dark pixels, want black text", n)
		}
	})

	t.Run("CopyShowsFormAgencyAndTimeInTheTopRightCorner", func(t *testing.T) {
		t.Parallel()
		agencyName := "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH BÀ RỊA - VŨNG TÀU, CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI HUYỆN XUYÊN MỘC"
		cp, err := Copy(CopyOptions{CornerPlacement: CornerPlacement{PageBox: a4}, Form: CopyFromCopy, Agency: agencyName, SignedAt: signedAt})
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
		page := render(t, dir, "copy", cp)

		page.wantText(t, "SAO LỤC "+agencyName+" 2025-03-05T14:32:05+07:00")
		page.wantFonts(t, "LiberationSerif")
		page.wantInkOnlyIn(t, cp.Rect())
		wantTopRight(t, cp.Rect())
		if w := cp.Rect()[2] - cp.Rect()[0]; w > DefaultCornerMaxWidth+2*blockPad {
			t.Errorf("copy block is %.1f pt wide, want the long agency name wrapped to %.0f pt", w, DefaultCornerMaxWidth)
		}
	})

	t.Run("EveryVietnameseLetterRendersAndExtracts", func(t *testing.T) {
		t.Parallel()
		letters := "aàảãáạ ăằẳẵắặ âầẩẫấậ đ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ"
		text := letters + " " + strings.ToUpper(letters)
		cp, err := Copy(CopyOptions{CornerPlacement: CornerPlacement{PageBox: a4, MaxWidth: 400}, Form: CopyExtract, Agency: text, SignedAt: signedAt})
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
		page := render(t, dir, "alphabet", cp)
		page.wantText(t, "TRÍCH SAO "+text+" 2025-03-05T14:32:05+07:00")
		// Stacked marks on capitals (Ẫ, Ỗ) rise highest; ink outside Rect would be clipped by BBox.
		page.wantInkOnlyIn(t, cp.Rect())
	})
}

func mustLeader(t *testing.T, titles []string, name string) *Appearance {
	t.Helper()
	a, err := Leader(LeaderOptions{X: 300, Y: 300, Titles: titles, Name: name, Signature: scribblePNG(t, 360, 150)})
	if err != nil {
		t.Fatalf("Leader: %v", err)
	}
	return a
}

func wantTopRight(t *testing.T, r [4]float64) {
	t.Helper()
	if !near(r[2], a4[2]-DefaultMarginRight) || !near(r[3], a4[3]-DefaultMarginTop) {
		t.Errorf("block %v: want its top-right corner at the page's top-right margins (%.2f, %.2f)",
			r, a4[2]-DefaultMarginRight, a4[3]-DefaultMarginTop)
	}
}

// renderedPage is a PDF written and checked by the tools, with its 100 dpi rendering.
type renderedPage struct {
	pdf string
	img *image.RGBA
}

// render writes apps into dir/name.pdf, requires qpdf --check to pass and renders it.
func render(t *testing.T, dir, name string, apps ...*Appearance) renderedPage {
	t.Helper()
	pdf := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(pdf, new(onePagePDF).finish(t, a4, apps...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := runTool(t, "qpdf", "--check", pdf); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check %s:\n%s", pdf, out)
	}
	runTool(t, "pdftoppm", "-png", "-r", "100", "-singlefile", pdf, strings.TrimSuffix(pdf, ".pdf"))
	f, err := os.Open(strings.TrimSuffix(pdf, ".pdf") + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	decoded, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode rendering: %v", err)
	}
	img := image.NewRGBA(decoded.Bounds())
	draw.Draw(img, img.Bounds(), decoded, decoded.Bounds().Min, draw.Src)
	return renderedPage{pdf: pdf, img: img}
}

// wantText compares pdftotext's output with want, ignoring how lines were broken.
func (p renderedPage) wantText(t *testing.T, want string) {
	t.Helper()
	got := strings.Join(strings.Fields(runTool(t, "pdftotext", "-enc", "UTF-8", p.pdf, "-")), " ")
	if want = strings.Join(strings.Fields(want), " "); got != want {
		t.Errorf("pdftotext %s:\n got %q\nwant %q", p.pdf, got, want)
	}
}

var subsetName = regexp.MustCompile(`^[A-Z]{6}\+(.+)$`)

// wantFonts requires exactly the named fonts, each embedded, subset and with a ToUnicode map.
func (p renderedPage) wantFonts(t *testing.T, names ...string) {
	t.Helper()
	out := runTool(t, "pdffonts", p.pdf)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2+len(names) {
		t.Fatalf("pdffonts %s lists %d fonts, want %v:\n%s", p.pdf, len(lines)-2, names, out)
	}
	for i, line := range lines[2:] {
		f := strings.Fields(line)
		m := subsetName.FindStringSubmatch(f[0])
		if m == nil || m[1] != names[i] {
			t.Errorf("font %q: want a subset of %s named with a six-letter tag", f[0], names[i])
		}
		if !strings.Contains(line, "CID TrueType") {
			t.Errorf("font %q: want type CID TrueType, line %q", f[0], line)
		}
		if emb, sub, uni := f[len(f)-5], f[len(f)-4], f[len(f)-3]; emb != "yes" || sub != "yes" || uni != "yes" {
			t.Errorf("font %q: emb=%s sub=%s uni=%s, want all yes", f[0], emb, sub, uni)
		}
	}
}

const pixelsPerPoint = 100.0 / 72

// pdfPoint is the page coordinate of the centre of pixel (x, y) at 100 dpi.
func pdfPoint(x, y int) (float64, float64) {
	return a4[0] + (float64(x)+0.5)/pixelsPerPoint, a4[3] - (float64(y)+0.5)/pixelsPerPoint
}

// count is the number of pixels whose centre lies inside r (page coordinates) matching want.
func (p renderedPage) count(r [4]float64, want func(color.RGBA) bool) int {
	// Only the pixels around r are visited: scanning the whole page for every check is slow
	// under -race.
	area := image.Rect(
		int((r[0]-a4[0])*pixelsPerPoint)-1, int((a4[3]-r[3])*pixelsPerPoint)-1,
		int((r[2]-a4[0])*pixelsPerPoint)+2, int((a4[3]-r[1])*pixelsPerPoint)+2,
	).Intersect(p.img.Bounds())
	n := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			px, py := pdfPoint(x, y)
			if px >= r[0] && px <= r[2] && py >= r[1] && py <= r[3] && want(p.img.RGBAAt(x, y)) {
				n++
			}
		}
	}
	return n
}

// wantInkOnlyIn fails when any non-white pixel lies outside all of rects (allowing a pixel of
// anti-aliasing), and when there is no ink at all.
func (p renderedPage) wantInkOnlyIn(t *testing.T, rects ...[4]float64) {
	t.Helper()
	const slack = 1.0
	inside, outside := 0, 0
	b := p.img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !isInk(p.img.RGBAAt(x, y)) {
				continue
			}
			px, py := pdfPoint(x, y)
			in := false
			for _, r := range rects {
				in = in || px >= r[0]-slack && px <= r[2]+slack && py >= r[1]-slack && py <= r[3]+slack
			}
			if in {
				inside++
			} else {
				outside++
			}
		}
	}
	if inside == 0 || outside > 0 {
		t.Errorf("%s: %d ink pixels inside %v and %d outside, want ink only inside", p.pdf, inside, rects, outside)
	}
}

func isInk(c color.RGBA) bool  { return c.R < 235 || c.G < 235 || c.B < 235 }
func isDark(c color.RGBA) bool { return c.R < 80 && c.G < 80 && c.B < 80 }
func isBlue(c color.RGBA) bool { return c.B > 150 && c.R < 100 && c.G < 120 }
func isRed(c color.RGBA) bool  { return c.R > 180 && c.G < 90 && c.B < 90 }

func near(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }

// requireTool skips when an external tool is missing, except in CI where that is a failure.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (Debian packages qpdf, poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// outputDir is APPEARANCE_KEEP_DIR when set (to look at the renderings), else a temp dir.
func outputDir(t *testing.T) string {
	dir := os.Getenv("APPEARANCE_KEEP_DIR")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("PDFs and renderings kept in %s", dir)
	return dir
}
