package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// corpusDir holds real signed PDFs from EU DSS: many producers, xref streams, object streams,
// hybrid files, incremental updates and some broken on purpose.
const corpusDir = "/work/shared/corpus/pades-dss"

// addCorpus seeds f with the small corpus files and the test builders' files.
func addCorpus(f *testing.F) {
	f.Add(classic())
	f.Add(objStmFile())
	f.Add(hybrid())
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	sort.Strings(paths)
	for _, p := range paths {
		if info, err := os.Stat(p); err != nil || info.Size() > 128<<10 {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzOpen reads arbitrary files the way the signer, the validator and text extraction
// do: every revision, every object, every stream, the page tree. Nothing may panic, and the
// limits keep each input's time and memory bounded.
func FuzzOpen(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		file := NewFile(b)
		ends := []int{len(b)}
		for _, r := range file.Revisions() {
			ends = append(ends, r.End)
		}
		for _, end := range ends {
			doc, err := file.Open(end)
			if err != nil {
				continue
			}
			for num := range doc.XRef {
				if s, ok := doc.Get(Ref{Num: num}).(Stream); ok {
					_, _ = doc.Decode(s)
				}
			}
			for _, p := range doc.Pages(100) {
				_ = p.Effective()
			}
			_, _ = doc.Page(doc.PageCount() - 1)
			_ = doc.AcroForm()
		}
	})
}

// FuzzScanner reads arbitrary bytes as a file body and as a content stream.
func FuzzScanner(f *testing.F) {
	f.Add([]byte(`<< /A 1 0 R /B [1 -2.50 (x\)y\101) <4142>] /C#20D true >>`))
	f.Add([]byte("BT /F1 12 Tf [(a) -300 <0007>] TJ << /MCID 0 >> BDC BI /W 1 ID x EI"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = NewScanner(b, 0).Object()
		s := NewContentScanner(b)
		for n := 0; !s.AtEOF(); n++ {
			if n > len(b) {
				t.Fatal("content scanner does not advance")
			}
			if _, err := s.Object(); err != nil {
				s.Skip()
			}
		}
	})
}

// FuzzDecode runs arbitrary data through every filter and predictor.
func FuzzDecode(f *testing.F) {
	f.Add("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 >>", flate(pngUp([]byte{1, 2, 3, 4, 5, 6}, 3)))
	f.Add("/Filter [/ASCII85Decode /RunLengthDecode]", []byte("z~>"))
	f.Add("/Filter /ASCIIHexDecode /DecodeParms << /Predictor 2 /Colors 3 /BitsPerComponent 8 /Columns 2 >>", []byte("0102030405060708090a0b0c>"))
	f.Fuzz(func(t *testing.T, dict string, raw []byte) {
		v, err := NewScanner([]byte("<<"+dict+">>"), 0).Object()
		d, ok := v.(Dict)
		if err != nil || !ok {
			return
		}
		const limit = 1 << 20
		if out, err := Decode(Stream{Dict: d, Raw: raw}, limit); err == nil && len(out) > limit {
			t.Fatalf("decoded %d bytes, more than the limit %d", len(out), limit)
		}
	})
}

// FuzzRevisions compares Revisions with the plain two-scan definition it
// must keep: a %%EOF counts where the last "startxref" before it comes after
// the previous revision's end.
func FuzzRevisions(f *testing.F) {
	addCorpus(f)
	f.Add([]byte("startxref\n9\n%%EOF\n%%EOF\r\nxx startxref 12 %%EOFstartxref\r%%EOF"))
	f.Add([]byte("%%EOF startxref %%EOF\n\nstartxrefstartxref 3\n%%EOF\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := NewFile(b).Revisions(), revisionsByTwoScans(b)
		if len(got) != len(want) {
			t.Fatalf("%d revisions, want %d: %+v, want %+v", len(got), len(want), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("revision %d is %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

// revisionsByTwoScans is the definition of Revisions: every "startxref" and
// every %%EOF found by a forward scan each.
func revisionsByTwoScans(b []byte) []Revision {
	var sx []int
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("startxref"))
		if j < 0 {
			break
		}
		sx = append(sx, i+j)
		i += j + 1
	}
	var out []Revision
	prev := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("%%EOF"))
		if j < 0 {
			return out
		}
		e := i + j + len("%%EOF")
		if e < len(b) && b[e] == '\r' {
			e++
		}
		if e < len(b) && b[e] == '\n' {
			e++
		}
		i = e
		last := -1
		for _, p := range sx {
			if p < e {
				last = p
			}
		}
		if last >= prev {
			off, _ := NewScanner(b[:e], last+len("startxref")).integer()
			out = append(out, Revision{End: e, StartXRef: off})
			prev = e
		}
	}
}
