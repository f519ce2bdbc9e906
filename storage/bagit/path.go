package bagit

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// payloadDir is the payload directory every bag has.
const payloadDir = "data"

// cleanRelPath normalises a caller's relative path to NFC, so the manifest and the name
// on disk use the same bytes for Vietnamese letters whichever form the caller had, and
// rejects anything that could land outside the bag or would not survive a copy to
// another system.
func cleanRelPath(p string) (string, error) {
	if !utf8.ValidString(p) {
		return "", fmt.Errorf("%w: %q is not UTF-8", ErrUnsafePath, p)
	}
	p = norm.NFC.String(p)
	if strings.ContainsAny(p, "\\\x00") {
		return "", fmt.Errorf("%w: %q has a backslash or NUL", ErrUnsafePath, p)
	}
	if reason := unsafeSegments(p); reason != "" {
		return "", fmt.Errorf("%w: %q %s", ErrUnsafePath, p, reason)
	}
	// Trailing spaces are lost by Windows and by bagit-python, which strips manifest
	// lines: such a bag would be complete here and incomplete there.
	for seg := range strings.SplitSeq(p, "/") {
		if strings.TrimRight(seg, " \t") != seg {
			return "", fmt.Errorf("%w: %q has a segment ending in white space", ErrUnsafePath, p)
		}
	}
	return p, nil
}

// unsafeSegments says why a slash-separated relative path could escape or alias another
// path ("" when it cannot): absolute, empty, "." or ".." segments.
func unsafeSegments(p string) string {
	if p == "" {
		return "is empty"
	}
	if strings.HasPrefix(p, "/") {
		return "is absolute"
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "":
			return "has an empty segment"
		case ".", "..":
			return "has a " + seg + " segment"
		}
	}
	return ""
}

var pathEncoder = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// encodePath applies RFC 8493 §2.1.3: in a manifest, CR, LF and % are written as %0D,
// %0A and %25 so a path is always one line.
func encodePath(p string) string { return pathEncoder.Replace(p) }

// percentRun matches every percent sign with what follows it, to decode only the three
// escapes the RFC defines and to catch a bare % (which the RFC requires to be encoded).
var percentRun = regexp.MustCompile(`%(..)?`)

// decodePath reverses encodePath. A % not starting one of the three escapes is an
// error: the path was written by a tool that did not encode it, so what it names is
// ambiguous.
func decodePath(p string) (string, error) {
	if !strings.Contains(p, "%") {
		return p, nil
	}
	var bad string
	out := percentRun.ReplaceAllStringFunc(p, func(m string) string {
		switch strings.ToUpper(m) {
		case "%25":
			return "%"
		case "%0D":
			return "\r"
		case "%0A":
			return "\n"
		}
		if bad == "" {
			bad = m
		}
		return m
	})
	if bad != "" {
		return "", fmt.Errorf("%q is not one of %%25, %%0D, %%0A", bad)
	}
	return out, nil
}

// isReservedTagName reports whether a bag-relative path is a tag file the Writer
// generates itself, or fetch.txt which it never writes.
func isReservedTagName(p string) bool {
	switch p {
	case "bagit.txt", "bag-info.txt", "fetch.txt":
		return true
	}
	_, ok := manifestAlgorithm(p, "manifest-")
	if !ok {
		_, ok = manifestAlgorithm(p, "tagmanifest-")
	}
	return ok
}

// manifestAlg matches a manifest file name's algorithm part: RFC 8493 §2.4 names are
// lowercase letters and digits.
var manifestAlg = regexp.MustCompile(`^[a-z0-9]+$`)

// manifestAlgorithm returns the algorithm of a root-level file named prefix<alg>.txt.
func manifestAlgorithm(name, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return "", false
	}
	alg, ok := strings.CutSuffix(rest, ".txt")
	if !ok || !manifestAlg.MatchString(alg) {
		return "", false
	}
	return alg, true
}
