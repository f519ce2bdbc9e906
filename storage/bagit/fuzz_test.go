package bagit

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

var manifestSeeds = []string{
	"3cca1444017997b567bf0213dfb78fbc4d405b2d5f71709dfcd438c7c4c748a9  data/Quyết định số 15.pdf\n",
	"3cca1444017997b567bf0213dfb78fbc4d405b2d5f71709dfcd438c7c4c748a9 data/a%25b%0Ac\r\n",
	"3CCA1444017997B567BF0213DFB78FBC4D405B2D5F71709DFCD438C7C4C748A9\t\tdata/x \r",
	"aa  data/../../etc/passwd\n",
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /etc/passwd",
	"\n\n  \nzz data/%zz\n",
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  data/x\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  data/x\n",
}

// FuzzParseManifest checks that no input panics and that every entry the parser accepts
// is safe to follow: a well-formed digest and a path that stays in its area.
func FuzzParseManifest(f *testing.F) {
	for _, s := range manifestSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, input string, payload bool) {
		m, _ := parseManifest(strings.NewReader(input), "manifest-sha256.txt", "sha256", payload)
		for _, e := range m.Entries {
			if len(e.Digest) != 64 || !isHex(e.Digest) || strings.ToLower(e.Digest) != e.Digest {
				t.Errorf("accepted digest %q", e.Digest)
			}
			if reason := entryPathProblem(e.Path, payload); reason != "" || strings.Contains(e.Path, "/../") {
				t.Errorf("accepted path %q: %s", e.Path, reason)
			}
			if !utf8.ValidString(e.Path) {
				t.Errorf("accepted non-UTF-8 path %q", e.Path)
			}
		}
	})
}

// FuzzPathEncoding checks that any name survives the manifest's percent-encoding and
// that an encoded name is always a single line.
func FuzzPathEncoding(f *testing.F) {
	for _, s := range []string{"data/a%b", "data/line\nbreak", "data/%0A literal", "data/100%25", "data/\r\n%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		enc := encodePath(p)
		if strings.ContainsAny(enc, "\r\n") {
			t.Errorf("encodePath(%q) = %q spans lines", p, enc)
		}
		if dec, err := decodePath(enc); err != nil || dec != p {
			t.Errorf("decodePath(encodePath(%q)) = %q, %v", p, dec, err)
		}
	})
}

// FuzzParseTags checks that bag-info parsing never panics, and that any field the Writer
// accepts is folded so it reads back unchanged.
func FuzzParseTags(f *testing.F) {
	f.Add("Payload-Oxum: 51.3\nBagging-Date: 2026-01-05\n", "External-Description", "Hồ sơ "+strings.Repeat("quyết định ", 20))
	f.Add(" continuation first\nno colon\r\nA:\tb\r  c\n", "A", strings.Repeat("x", 200))
	f.Add("\ufeffBagIt-Version: 1.0\n", "Label", "a  b   c\td "+strings.Repeat("đ ", 60))
	f.Fuzz(func(t *testing.T, input, label, value string) {
		parseTags(strings.NewReader(input), "bag-info.txt")
		if checkField(label, value) != "" {
			return
		}
		var b strings.Builder
		formatField(&b, Field{Label: label, Value: value})
		got, problems := parseTags(strings.NewReader(b.String()), "bag-info.txt")
		if len(problems) > 0 || len(got) != 1 || got[0] != (Field{Label: label, Value: value}) {
			t.Errorf("field %q: %q written as %q read back as %q (problems %v)", label, value, b.String(), got, problems)
		}
	})
}

// endless yields the same bytes forever, to prove parsers stop on their own.
type endless struct{ b byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	return len(p), nil
}

// TestParsersUseBoundedMemory is not parallel: it reads the process-wide allocation
// counter, which other tests running at the same time would inflate.
func TestParsersUseBoundedMemory(t *testing.T) {
	measure := func(fn func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fn()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}

	t.Run("a manifest line that never ends stops at the line limit", func(t *testing.T) {
		var problems []Problem
		alloc := measure(func() {
			_, problems = parseManifest(endless{'a'}, "manifest-sha256.txt", "sha256", true)
		})
		if len(problems) != 1 || problems[0].Kind != KindMalformedLine {
			t.Errorf("problems = %v, want one malformed-line", problems)
		}
		if alloc > 4*maxLine {
			t.Errorf("allocated %d bytes for an endless line", alloc)
		}
	})

	t.Run("an endless bag-info stops at the file limit", func(t *testing.T) {
		var problems []Problem
		alloc := measure(func() {
			_, problems = parseTags(endless{'\n'}, "bag-info.txt")
		})
		if len(problems) != 1 || !strings.Contains(problems[0].Detail, "larger than") {
			t.Errorf("problems = %v, want one about size", problems)
		}
		if alloc > 4*maxTagFile {
			t.Errorf("allocated %d bytes", alloc)
		}
	})

	t.Run("an endless continuation line stops too", func(t *testing.T) {
		fields, problems := parseTags(io.MultiReader(strings.NewReader("A: b\n"), endless{' '}), "bag-info.txt")
		if len(problems) != 1 || len(fields) != 1 {
			t.Errorf("fields %v, problems %v", fields, problems)
		}
	})
}

func TestScanTagLinesSplitsEveryLineEnding(t *testing.T) {
	t.Parallel()
	// A CR at a buffer boundary must still pair with the LF after it, so the reader is
	// fed one byte at a time.
	in := "a\nb\r\nc\rd\r\n\re"
	s := newLineScanner(io.LimitReader(&oneByte{r: bytes.NewReader([]byte(in))}, int64(len(in))))
	var got []string
	for s.Scan() {
		got = append(got, s.Text())
	}
	want := []string{"a", "b", "c", "d", "", "e"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}
