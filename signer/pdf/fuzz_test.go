package pdf

import (
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
