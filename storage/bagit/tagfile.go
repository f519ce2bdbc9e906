package bagit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits that keep parsing a hostile bag within bounded memory: a line longer than
// maxLine stops the parse of its file, and bagit.txt / bag-info.txt are read only up to
// maxTagFile. Manifests are not size-limited (a large hồ sơ has many files) but are
// read line by line.
const (
	maxLine    = 64 << 10
	maxTagFile = 1 << 20
)

// foldWidth is the line length RFC 8493 §2.2.2 recommends for bag-info.txt.
const foldWidth = 79

// Field is one "Label: Value" line of bag-info.txt (after unfolding).
type Field struct {
	Label string
	Value string
}

// newLineScanner splits r into lines ended by LF, CRLF or CR, as RFC 8493 §2.1 allows.
func newLineScanner(r io.Reader) *bufio.Scanner {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 4096), maxLine)
	s.Split(scanTagLines)
	return s
}

func scanTagLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	i := bytes.IndexAny(data, "\r\n")
	switch {
	case i < 0 && atEOF:
		return len(data), data, nil
	case i < 0:
		return 0, nil, nil
	case data[i] == '\n':
		return i + 1, data[:i], nil
	case i+1 < len(data) && data[i+1] == '\n':
		return i + 2, data[:i], nil
	case i+1 < len(data) || atEOF:
		return i + 1, data[:i], nil
	}
	// A CR at the end of the buffer may be the first half of CRLF: read more.
	return 0, nil, nil
}

// scanError turns a scanner failure into a problem about the file being parsed.
func scanError(source string, line int, err error) Problem {
	detail := err.Error()
	if errors.Is(err, bufio.ErrTooLong) {
		detail = fmt.Sprintf("line longer than %d bytes; rest of file not read", maxLine)
	}
	return Problem{Kind: KindMalformedLine, Path: source, Source: source, Line: line + 1, Detail: detail}
}

// manifestEntry is one parsed manifest line.
type manifestEntry struct {
	Path   string // bag-relative, decoded
	Digest string // lowercase hex
	Line   int
}

// manifest is a parsed manifest-<alg>.txt or tagmanifest-<alg>.txt.
type manifest struct {
	Name    string
	Alg     string
	Entries []manifestEntry
	byPath  map[string]int // index into Entries
}

// parseManifest reads "<digest> <path>" lines. Every malformed line becomes a problem and
// is skipped, so one bad line does not hide the rest of the manifest. payload says which
// area the paths must stay in: payload manifests list only data/…, tag manifests never do.
func parseManifest(r io.Reader, name, alg string, payload bool) (*manifest, []Problem) {
	m := &manifest{Name: name, Alg: alg, byPath: map[string]int{}}
	want := digestLen(alg)
	var problems []Problem
	bad := func(k Kind, line int, path, format string, args ...any) {
		problems = append(problems, Problem{Kind: k, Path: path, Source: name, Line: line, Detail: fmt.Sprintf(format, args...)})
	}
	s := newLineScanner(r)
	n := 0
	for s.Scan() {
		n++
		line := s.Text()
		if line == "" {
			continue
		}
		if !utf8.ValidString(line) {
			bad(KindMalformedLine, n, "", "not UTF-8")
			continue
		}
		// The RFC separates digest and path by one or more spaces or tabs; the path is
		// everything after them, trailing spaces included (they are part of a name).
		digest, rawPath := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			digest, rawPath = line[:i], strings.TrimLeft(line[i:], " \t")
		}
		if digest == "" || rawPath == "" {
			bad(KindMalformedLine, n, "", "want \"<digest> <path>\", got %q", truncate(line))
			continue
		}
		if !isHex(digest) {
			bad(KindMalformedLine, n, "", "digest %q is not hexadecimal", truncate(digest))
			continue
		}
		if want > 0 && len(digest) != want {
			bad(KindMalformedLine, n, "", "digest %q is not the %d hex digits of %s", truncate(digest), want, alg)
			continue
		}
		p, err := decodePath(rawPath)
		if err != nil {
			bad(KindMalformedLine, n, rawPath, "path: %v", err)
			continue
		}
		if reason := entryPathProblem(p, payload); reason != "" {
			bad(KindUnsafePath, n, p, "%s", reason)
			continue
		}
		if first, dup := m.byPath[p]; dup {
			bad(KindDuplicateEntry, n, p, "already listed on line %d", m.Entries[first].Line)
			continue
		}
		m.byPath[p] = len(m.Entries)
		m.Entries = append(m.Entries, manifestEntry{Path: p, Digest: strings.ToLower(digest), Line: n})
	}
	if err := s.Err(); err != nil {
		problems = append(problems, scanError(name, n, err))
	}
	return m, problems
}

// entryPathProblem says why a decoded manifest path may not be followed ("" when it may).
func entryPathProblem(p string, payload bool) string {
	if strings.ContainsRune(p, 0) {
		return "path contains NUL"
	}
	if reason := unsafeSegments(p); reason != "" {
		return "path " + reason
	}
	inData := strings.HasPrefix(p, payloadDir+"/")
	switch {
	case payload && !inData:
		return "payload manifest lists a path outside data/"
	case !payload && inData:
		return "tag manifest lists a payload file"
	case !payload && strings.HasPrefix(p, "tagmanifest-") && !strings.Contains(p, "/"):
		return "tag manifest lists a tag manifest"
	}
	return ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// truncate keeps hostile input from making problem messages huge.
func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// parseTags reads a "Label: Value" tag file (bagit.txt, bag-info.txt). A line starting
// with a space or tab continues the previous value (RFC 8493 §2.2.2); the line break and
// the indentation fold into a single space, which is how Writer folds long values.
func parseTags(r io.Reader, source string) ([]Field, []Problem) {
	var fields []Field
	var problems []Problem
	bad := func(line int, format string, args ...any) {
		problems = append(problems, Problem{Kind: KindBagInfo, Path: source, Source: source, Line: line, Detail: fmt.Sprintf(format, args...)})
	}
	// The value being read is built in a Builder: appending continuation lines to a
	// string would make a file of many short continuations quadratic.
	var value strings.Builder
	flush := func() {
		if len(fields) > 0 {
			fields[len(fields)-1].Value = value.String()
		}
		value.Reset()
	}
	s := newLineScanner(io.LimitReader(r, maxTagFile+1))
	n, size := 0, 0
	for s.Scan() {
		n++
		line := s.Text()
		size += len(line) + 1
		if !utf8.ValidString(line) {
			bad(n, "not UTF-8")
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if isLWSP(line[0]) {
			if len(fields) == 0 {
				bad(n, "continuation line before any label")
				continue
			}
			value.WriteByte(' ')
			value.WriteString(strings.TrimSpace(line))
			continue
		}
		label, rest, ok := strings.Cut(line, ":")
		label = strings.TrimSpace(label)
		if !ok || label == "" {
			bad(n, "want \"Label: Value\", got %q", truncate(line))
			continue
		}
		flush()
		fields = append(fields, Field{Label: label})
		value.WriteString(strings.TrimSpace(rest))
	}
	flush()
	if err := s.Err(); err != nil {
		p := scanError(source, n, err)
		p.Kind = KindBagInfo
		problems = append(problems, p)
	} else if size > maxTagFile {
		bad(n, "larger than %d bytes; rest of file not read", maxTagFile)
	}
	return fields, problems
}

// formatField writes one bag-info line, folding values longer than foldWidth characters
// at single spaces: the line break goes just before the space, so the space becomes the
// continuation's indentation and unfolding restores the value exactly.
func formatField(b *strings.Builder, f Field) {
	line := f.Label + ": " + f.Value
	minCut := len(f.Label) + 2 // never fold between the label and the start of the value
	for utf8.RuneCountInString(line) > foldWidth {
		cut := foldPoint(line, minCut)
		if cut < 0 {
			break
		}
		b.WriteString(line[:cut])
		b.WriteByte('\n')
		line = line[cut:]
		minCut = 1
	}
	b.WriteString(line)
	b.WriteByte('\n')
}

// foldPoint is the byte index of the last single space within foldWidth characters at or
// after minCut, or the first one after the width when there is none before it; -1 when
// the line has no single space to fold at.
func foldPoint(line string, minCut int) int {
	best, runes := -1, 0
	for i, r := range line {
		if runes > foldWidth && best >= 0 {
			break
		}
		runes++
		if r != ' ' || i <= minCut || i+1 >= len(line) {
			continue
		}
		if !isLWSP(line[i-1]) && !isLWSP(line[i+1]) {
			best = i
		}
	}
	return best
}

// checkField says why a label or value cannot be written to bag-info.txt and read back
// unchanged ("" when it can).
func checkField(label, value string) string {
	switch {
	case label == "" || strings.TrimSpace(label) != label:
		return "label is empty or has surrounding space"
	case strings.Contains(label, ":"):
		return "label contains ':'"
	case !utf8.ValidString(label) || !utf8.ValidString(value):
		return "not UTF-8"
	case hasControl(label) || hasControl(value):
		return "contains a control character (line breaks are not allowed; long values are folded by the writer)"
	case strings.TrimSpace(value) != value:
		return "value has leading or trailing space"
	}
	return ""
}

func isLWSP(c byte) bool { return c == ' ' || c == '\t' }

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return true
		}
	}
	return false
}
