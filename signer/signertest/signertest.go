// Package signertest holds what tests across vanthu need to exercise signing: the
// external checkers (pdfsig, qpdf, SoftHSM2), a minimal PDF and the shared corpus.
package signertest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"testing"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Tool finds an external program; CI must have it (make test installs it), elsewhere the
// test is skipped without it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// OnePagePDF is a minimal valid A4 PDF with a classic xref table and one drawn rectangle.
func OnePagePDF() []byte {
	content := "0 0 1 rg 72 700 200 50 re f"
	return classicPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R /Resources << >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
}

// classicPDF writes objects 1…n (object 1 the catalogue) with a classic xref table.
func classicPDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// CorpusFile reads a file of the EU DSS corpus in the shared folder beside the repository.
func CorpusFile(t testing.TB, name string) []byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(here), "..", "..", "..", "shared", "corpus", "pades-dss", name)
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared corpus is required in CI: %v", err)
		}
		t.Skipf("shared corpus not found: %v", err)
	}
	return b
}

// ScanOf turns the first page of a PDF into what a scanner gives: one grey image, no
// text layer (rendered by poppler's pdftoppm at 200 dpi, Decree 30's minimum for copies).
func ScanOf(t testing.TB, pdf []byte) []byte {
	t.Helper()
	pdftoppm := Tool(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "200", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bounds := img.Bounds()
	gray := make([]byte, 0, bounds.Dx()*bounds.Dy())
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			gray = append(gray, color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(gray)
	zw.Close()
	pageW := 595.28
	pageH := pageW * float64(bounds.Dy()) / float64(bounds.Dx())
	content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q", pageW, pageH)
	return classicPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>", pageW, pageH),
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream",
			bounds.Dx(), bounds.Dy(), z.Len(), z.String()),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
}

var startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)

// AppendUpdate adds an incremental update redefining or adding the given
// objects, with a classic xref table chained by /Prev to the last one.
func AppendUpdate(t testing.TB, doc []byte, objs map[int]string) []byte {
	t.Helper()
	m := startxrefRe.FindSubmatch(doc)
	if m == nil {
		t.Fatal("document does not end with startxref and EOF marker")
	}
	prev, _ := strconv.Atoi(string(m[1]))
	v, err := pdf.NewFile(doc).Open(len(doc))
	if err != nil {
		t.Fatalf("read document: %v", err)
	}
	size := 0
	for num := range v.XRef {
		size = max(size, num+1)
	}
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
		size = max(size, n+1)
	}
	sort.Ints(nums)
	out := bytes.NewBuffer(append([]byte{}, doc...))
	if !bytes.HasSuffix(doc, []byte("\n")) {
		out.WriteString("\n")
	}
	offs := map[int]int{}
	for _, n := range nums {
		offs[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := out.Len()
	out.WriteString("xref\n")
	for _, n := range nums {
		fmt.Fprintf(out, "%d 1\n%010d 00000 n \n", n, offs[n])
	}
	root := v.Trailer.Get("Root").(pdf.Ref)
	fmt.Fprintf(out, "trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size, root.Num, prev, xref)
	return out.Bytes()
}
