package intake

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// onePagePDF is a small valid PDF whose catalogue carries extra, with a classic xref table.
func onePagePDF(extra string) []byte {
	return classicPDF(
		"<< /Type /Catalog /Pages 2 0 R "+extra+" >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
}

func classicPDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objects))
	for i, o := range objects {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// objStmPDF hides obj as object 5 inside a compressed object stream (4), listed by an
// xref stream.
func objStmPDF(obj string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := map[int]int{}
	write := func(num int, body string) {
		offs[num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", num, body)
	}
	write(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")
	write(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	write(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("5 0 " + obj))
	zw.Close()
	write(4, fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	var rows bytes.Buffer
	rows.Write([]byte{0, 0, 0, 0})
	for n := 1; n <= 4; n++ {
		rows.Write([]byte{1, byte(offs[n] >> 8), byte(offs[n]), 0})
	}
	rows.Write([]byte{2, 0, 4, 0})
	xref := b.Len()
	fmt.Fprintf(&b, "6 0 obj\n<< /Type /XRef /Size 7 /Root 1 0 R /Index [0 6] /W [1 2 1] /Length %d >>\nstream\n", rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func TestCheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		pdf  []byte
		want string
	}{
		{"PlainPDF", onePagePDF(""), "[]"},
		{"OpenActionScript", onePagePDF("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), "[javascript]"},
		{"HexEscapedNames", onePagePDF("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), "[javascript]"},
		{"LaunchAction", onePagePDF("/OpenAction << /S /L#61unch /F (calc.exe) >>"), "[launch]"},
		{"LookAlikeNames", onePagePDF("/JSON 1 /JavaScriptX 2 /Info (/JavaScript)"), "[]"},
		{"ScriptInsideAnObjectStream", objStmPDF("<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), "[javascript]"},
		{"ScriptInAnObjectNoRevisionLists", append(onePagePDF(""), "9 0 obj\n<< /JS (x) >>\nendobj\n"...), "[javascript]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := Check(bytes.NewReader(c.pdf), int64(len(c.pdf)))
			if err != nil || fmt.Sprint(got) != c.want {
				t.Fatalf("%v %v, want %s", got, err, c.want)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	t.Parallel()
	for name, b := range map[string][]byte{
		"HTMLBehindAPDFHeader": []byte("%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"),
		"NoHeader":             []byte("Kính gửi: đây không phải PDF"),
		"CutShort":             onePagePDF("")[:150],
	} {
		if _, err := Check(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNotPDF) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`..\..\windows\system32\evil.pdf`: "evil.pdf",
		"../../etc/evil.pdf":              "evil.pdf",
		"/abs/path/công-văn.pdf":          "công-văn.pdf",
		"evil\x00\r\n.pdf":                "evil.pdf",
		"..":                              DefaultName,
		"dir/":                            "dir",
		"":                                DefaultName,
		"\x01\x02":                        DefaultName,
		strings.Repeat("ă", 150) + ".pdf": strings.Repeat("ă", 100),
	}
	for in, want := range cases {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(onePagePDF("/OpenAction << /S /J#61vaScript /JS (x) >>"))
	f.Add(objStmPDF("<< /S /Launch >>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		active, err := Check(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		// Active content is named in the file, plainly or #-escaped, or compressed.
		if len(active) > 0 && !bytes.ContainsAny(data, "#JL") && !bytes.Contains(data, []byte("ObjStm")) {
			t.Fatalf("%q flagged %v without any active name", data, active)
		}
	})
}
