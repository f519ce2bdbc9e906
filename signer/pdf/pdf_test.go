package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestScannerReadsObjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`<< /A 1 0 R /B [1 -2.50 (x\)y\101) <4142>] /C#20D true /N null >>`, `<</A 1 0 R /B [1 -2.5 (x\)yA) (AB)] /C#20D true>>`},
		{`[ /Name 12 0 obj ]`, `[/Name 12 0 obj]`},
		{"(a\\\nb(c)d)", `(ab\(c\)d)`},
		{`<4 1 F>`, `<41F0>`},
		{`<41 4 2 43>`, `(ABC)`},
		{`<41424>`, `(AB@)`},
		{"<4142\n4344>", `(ABCD)`},
		{`[--5 1.2.3 +7 .5 4.]`, `[0 0 7 0.5 4]`},
		{`/J#61vaScript`, `/JavaScript`},
		{`/Bad#zz`, `/Bad#23zz`},
	} {
		v, err := NewScanner([]byte(tc.in), 0).Object()
		if err != nil {
			t.Fatalf("read %q: %v", tc.in, err)
		}
		var buf bytes.Buffer
		Write(&buf, v)
		if buf.String() != tc.want {
			t.Errorf("read %q: written back as %q, want %q", tc.in, buf.String(), tc.want)
		}
	}

	t.Run("NameEscapesDecode", func(t *testing.T) {
		t.Parallel()
		v, _ := NewScanner([]byte("/J#61vaScript"), 0).Object()
		if v != Name("JavaScript") {
			t.Fatalf("/J#61vaScript read as %#v, want /JavaScript", v)
		}
	})
	t.Run("RepeatedKeyCountsWithItsLastValue", func(t *testing.T) {
		t.Parallel()
		v, _ := NewScanner([]byte("<< /S /A /S /JavaScript >>"), 0).Object()
		if got := v.(Dict).Get("S"); got != Name("JavaScript") {
			t.Fatalf("/S = %v, want the last value /JavaScript", got)
		}
	})
	t.Run("RejectsNestingDeeperThanTheLimit", func(t *testing.T) {
		t.Parallel()
		for _, deep := range []string{strings.Repeat("[", MaxDepth+5), strings.Repeat("<</A ", MaxDepth+5)} {
			if _, err := NewScanner([]byte(deep), 0).Object(); !errors.Is(err, ErrSyntax) {
				t.Fatalf("%.10q…: err = %v, want ErrSyntax", deep, err)
			}
		}
	})
	t.Run("ContentStreamsHaveNoReferences", func(t *testing.T) {
		t.Parallel()
		s := NewContentScanner([]byte("1 0 R"))
		var got []any
		for !s.AtEOF() {
			v, err := s.Object()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if len(got) != 3 || got[2] != Keyword("R") {
			t.Fatalf("content tokens %v, want 1, 0 and the operator R", got)
		}
	})
}

func TestTextStringEncodesVietnameseAsUTF16(t *testing.T) {
	t.Parallel()
	s := TextString("Hà Nội")
	if !strings.HasPrefix(string(s), "\xfe\xff") || len(s) != 2+2*6 {
		t.Fatalf("TextString = %x, want UTF-16BE with BOM", s)
	}
	if s.Text() != "Hà Nội" {
		t.Fatalf("Text() = %q, want the string back", s.Text())
	}
	var buf bytes.Buffer
	Write(&buf, s)
	if !strings.HasPrefix(buf.String(), "<FEFF") {
		t.Fatalf("written as %s, want a hex string", buf.String())
	}
	if ascii := TextString("Ha Noi"); string(ascii) != "Ha Noi" {
		t.Fatalf("ASCII text should stay as it is, got %q", ascii)
	}
}

func TestOpenClassicXref(t *testing.T) {
	t.Parallel()
	doc := mustOpen(t, classic())
	if doc.Repaired || doc.XRefStream {
		t.Fatalf("Repaired %v, XRefStream %v; want an intact classic table", doc.Repaired, doc.XRefStream)
	}
	if doc.AcroForm() == nil {
		t.Fatal("no AcroForm")
	}
	t.Run("IndirectLengthWinsOverTheSearch", func(t *testing.T) {
		t.Parallel()
		s, ok := doc.Get(Ref{Num: 5}).(Stream)
		if !ok || string(s.Raw) != "BT (endstream) Tj ET" {
			t.Fatalf("stream data %q, want the 20 bytes /Length names", s.Raw)
		}
	})
	t.Run("PagesInheritAttributes", func(t *testing.T) {
		t.Parallel()
		pages := doc.Pages(10)
		if len(pages) != 2 || doc.PageCount() != 2 {
			t.Fatalf("%d pages, count %d; want 2", len(pages), doc.PageCount())
		}
		first, second := pages[0], pages[1]
		if fmt.Sprint(first.Attr("MediaBox")) != "[0 0 595 842]" || first.Attr("Resources") == nil {
			t.Errorf("page 1 MediaBox %v Resources %v, want both from the parent", first.Attr("MediaBox"), first.Attr("Resources"))
		}
		if fmt.Sprint(second.Attr("MediaBox")) != "[0 0 842 595]" {
			t.Errorf("page 2 MediaBox %v, want its own", second.Attr("MediaBox"))
		}
		if eff := second.Effective(); eff.Has("Parent") || !eff.Has("Resources") {
			t.Errorf("effective page %v, want inherited /Resources and no /Parent", eff)
		}
		p, err := doc.Page(1)
		if err != nil || p.Ref != (Ref{Num: 4}) || p.Inherited.Get("Resources") == nil {
			t.Errorf("Page(1) = %+v, %v; want object 4 with inherited resources", p, err)
		}
		if _, err := doc.Page(2); !errors.Is(err, ErrNoPage) {
			t.Errorf("Page(2) err = %v, want ErrNoPage", err)
		}
	})
}

// objStmFile keeps the catalog and pages in an object stream, indexed by an
// xref stream, as qpdf --object-streams=generate writes.
func objStmFile() []byte {
	b := newBuilder()
	b.objStm(5, map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>",
	}, []int{1, 2, 3})
	b.obj(4, "<< /Length 3 >>\nstream\nq Q\nendstream")
	xref := b.xrefStream(6, []xrefRow{
		{num: 1, typ: 2, stm: 5, idx: 0}, {num: 2, typ: 2, stm: 5, idx: 1}, {num: 3, typ: 2, stm: 5, idx: 2},
		{num: 4, typ: 1}, {num: 5, typ: 1},
	}, "/Size 7 /Root 1 0 R")
	return b.end(xref)
}

func TestOpenXrefStreamWithObjectStream(t *testing.T) {
	t.Parallel()
	doc := mustOpen(t, objStmFile())
	if doc.Repaired || !doc.XRefStream {
		t.Fatalf("Repaired %v, XRefStream %v; want an intact xref stream", doc.Repaired, doc.XRefStream)
	}
	if e := doc.XRef[3]; e.Type != 2 || e.Stream != 5 || e.Index != 2 {
		t.Fatalf("xref entry of object 3 = %+v, want index 2 of object stream 5", e)
	}
	pages := doc.Pages(10)
	if len(pages) != 1 || fmt.Sprint(pages[0].Dict.Get("MediaBox")) != "[0 0 10 10]" {
		t.Fatalf("pages %+v, want the one page from the object stream", pages)
	}
	if s, ok := doc.Get(pages[0].Dict.Get("Contents")).(Stream); !ok || string(s.Raw) != "q Q" {
		t.Fatalf("page contents %v, want the plain stream", s)
	}
}

// hybrid is a classic table whose trailer's /XRefStm names a stream with
// the objects only newer readers see (ISO 32000 7.5.8.4).
func hybrid() []byte {
	b := newBuilder()
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.objStm(4, map[int]string{3: "<< /Type /Page /Parent 2 0 R /Rotate 90 >>"}, []int{3})
	stm := b.xrefStream(5, []xrefRow{{num: 3, typ: 2, stm: 4, idx: 0}}, "/Size 6")
	b.last = -1
	return b.end(b.table([]int{1, 2, 4}, fmt.Sprintf("/Size 6 /Root 1 0 R /XRefStm %d", stm)))
}

func TestOpenHybridFile(t *testing.T) {
	t.Parallel()
	doc := mustOpen(t, hybrid())
	if doc.Repaired {
		t.Fatal("hybrid file needed repair")
	}
	p, err := doc.Page(0)
	if err != nil || p.Dict.Get("Rotate") != int64(90) {
		t.Fatalf("Page(0) = %v, %v; want the page from the /XRefStm stream", p.Dict, err)
	}
}

func TestOpenRepairsABrokenXref(t *testing.T) {
	t.Parallel()
	good := classic()
	for name, broken := range map[string][]byte{
		"WrongStartxref": bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1),
		"NoXref":         good[:bytes.Index(good, []byte("xref\n"))],
		"ShiftedObjects": append([]byte("%PDF-1.7\n% a comment added before every object\n"), good[9:]...),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := Open(broken)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !doc.Repaired {
				t.Fatal("Repaired = false, want the xref rebuilt")
			}
			if n := len(doc.Pages(10)); n != 2 {
				t.Fatalf("%d pages after repair, want 2", n)
			}
		})
	}
	t.Run("NoCatalogIsAnError", func(t *testing.T) {
		t.Parallel()
		if _, err := Open([]byte("%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n")); err == nil {
			t.Fatal("Open succeeded without a catalog")
		}
	})
	t.Run("NotAPDF", func(t *testing.T) {
		t.Parallel()
		if _, err := Open([]byte("hello")); !errors.Is(err, ErrSyntax) {
			t.Fatalf("err = %v, want ErrSyntax", err)
		}
	})
}

// update appends an incremental update to doc that gives object 3 a new
// version, with a classic table chained by /Prev.
func update(doc []byte, prev int, body string) []byte {
	out := bytes.NewBuffer(append([]byte(nil), doc...))
	off := out.Len()
	fmt.Fprintf(out, "3 0 obj\n%s\nendobj\n", body)
	xref := out.Len()
	fmt.Fprintf(out, "xref\n3 1\n%010d 00000 n\r\ntrailer\n<< /Size 7 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", off, prev, xref)
	return out.Bytes()
}

func lastXref(b []byte) int { return bytes.LastIndex(b, []byte("\nxref\n")) + 1 }

func TestRevisions(t *testing.T) {
	t.Parallel()
	base := classic()
	prev := lastXref(base)
	one := update(base, prev, "<< /Type /Page /Parent 2 0 R /Rotate 90 >>")
	// A %%EOF inside a stream is no revision.
	two := update(one, lastXref(one), "<< /Length 5 >>\nstream\n%%EOF\nendstream")
	f := NewFile(two)
	revs := f.Revisions()
	if len(revs) != 3 || revs[0].End != len(base) || revs[1].End != len(one) || revs[2].End != len(two) {
		t.Fatalf("revisions %+v, want ends %d, %d, %d", revs, len(base), len(one), len(two))
	}
	if revs[0].StartXRef != prev {
		t.Fatalf("first revision's startxref %d, want %d", revs[0].StartXRef, prev)
	}
	for i, want := range []any{nil, int64(90)} {
		doc, err := f.Open(revs[i].End)
		if err != nil {
			t.Fatal(err)
		}
		p, err := doc.Page(0)
		if err != nil || p.Dict.Get("Rotate") != want {
			t.Errorf("revision %d: page 1 /Rotate %v (%v), want %v", i+1, p.Dict.Get("Rotate"), err, want)
		}
	}
	doc, _ := f.Open(len(two))
	if _, ok := doc.Get(Ref{Num: 3}).(Stream); !ok {
		t.Error("the newest revision does not see object 3's last version")
	}
}

func TestDecodeFilters(t *testing.T) {
	t.Parallel()
	plain := []byte("BT /F1 12 Tf (Hà Nội) Tj ET\n")
	rows := []byte{1, 2, 3, 4, 5, 6, 250, 251, 252, 9, 9, 9}
	for _, tc := range []struct {
		name, dict string
		raw        []byte
		want       []byte
	}{
		{"Flate", "/Filter /FlateDecode", flate(plain), plain},
		{"FlateShortName", "/Filter /Fl", flate(plain), plain},
		{"FlateTruncated", "/Filter /FlateDecode", flate(bytes.Repeat(plain, 100))[:60], nil},
		{"PNGUp", "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 >>", flate(pngUp(rows, 3)), rows},
		{"PNGPaethAndAverage", "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 3 >>",
			flate([]byte{4, 1, 2, 3, 3, 4, 5, 6, 1, 250, 1, 1}), []byte{1, 3, 6, 4, 8, 13, 250, 251, 252}},
		{"TIFF", "/Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 1 /Columns 3 >>",
			flate([]byte{1, 1, 1, 5, 0, 251}), []byte{1, 2, 3, 5, 5, 0}},
		{"ASCIIHex", "/Filter /ASCIIHexDecode", []byte("48 61\n4e>"), []byte("HaN")},
		{"ASCII85", "/Filter /ASCII85Decode", []byte("87cURD]i,\"Ebo7~>"), []byte("Hello World")},
		{"ASCII85Zeros", "/Filter /A85", []byte("z~>"), []byte{0, 0, 0, 0}},
		{"RunLength", "/Filter /RunLengthDecode", []byte{2, 'a', 'b', 'c', 253, 'x', 128}, []byte("abcxxxx")},
		{"Chain", "/Filter [/ASCIIHexDecode /FlateDecode]", []byte(fmt.Sprintf("%x>", flate(plain))), plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := NewScanner([]byte("<<"+tc.dict+">>"), 0).Object()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(Stream{Dict: d.(Dict), Raw: tc.raw}, 1<<20)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if tc.want == nil {
				if !bytes.HasPrefix(bytes.Repeat(plain, 100), got) || len(got) == 0 {
					t.Fatalf("truncated data decoded as %q, want a prefix of the original", got)
				}
				return
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("Decode = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDecodeRefusesABomb(t *testing.T) {
	t.Parallel()
	bomb := flate(make([]byte, 64<<20)) // 64 MiB of zeros in about 64 KiB
	s := Stream{Dict: Dict{{Key: "Filter", Value: Name("FlateDecode")}}, Raw: bomb}
	if _, err := Decode(s, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	rl := Stream{Dict: Dict{{Key: "Filter", Value: Name("RunLengthDecode")}}, Raw: bytes.Repeat([]byte{129, 0}, 1<<14)}
	if _, err := Decode(rl, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("run length: err = %v, want ErrTooLarge", err)
	}
	t.Run("FileWideBudget", func(t *testing.T) {
		t.Parallel()
		f := NewFile(nil)
		if _, err := f.Decode(s); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want a stream above maxStreamBytes refused", err)
		}
	})
}
