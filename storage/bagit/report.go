package bagit

import (
	"fmt"
	"strings"
)

// Kind classifies a Problem so callers (the import CLI, tests) can react to a kind of
// damage without parsing messages.
type Kind string

// The kinds of problem Validate reports.
const (
	KindDeclaration          Kind = "declaration"           // bagit.txt missing, wrong version or encoding
	KindMalformedLine        Kind = "malformed-line"        // a manifest line that is not "<hex digest> <path>"
	KindUnsafePath           Kind = "unsafe-path"           // a listed path that is absolute, has "..", or is outside its area
	KindDuplicateEntry       Kind = "duplicate-entry"       // a path listed twice in one manifest
	KindMissingFile          Kind = "missing-file"          // listed but not on disk
	KindExtraFile            Kind = "extra-file"            // on disk but not listed
	KindChecksumMismatch     Kind = "checksum-mismatch"     // the file's digest differs from the manifest's
	KindOxumMismatch         Kind = "oxum-mismatch"         // Payload-Oxum differs from the payload on disk
	KindBagInfo              Kind = "bag-info"              // bag-info.txt cannot be parsed or breaks a rule
	KindNoManifest           Kind = "no-manifest"           // no payload manifest at all
	KindUnsupportedAlgorithm Kind = "unsupported-algorithm" // a manifest this package cannot verify
	KindSpecialFile          Kind = "special-file"          // a symlink, device or other non-regular file
	KindUnreadable           Kind = "unreadable"            // a file that could not be read
	KindFetch                Kind = "fetch"                 // fetch.txt: remote payload is not supported
	KindNormalization        Kind = "normalization"         // a listed name matches a file on disk only after NFC (a warning)
	KindWeakAlgorithm        Kind = "weak-algorithm"        // only MD5/SHA-1 manifests (a warning)
	KindNoTagManifest        Kind = "no-tag-manifest"       // tag files are not protected (a warning)
)

// Problem is one finding. Path is the bag-relative file the finding is about; Source and
// Line say where the claim that failed was read (a manifest, bag-info.txt), when any.
type Problem struct {
	Kind   Kind
	Path   string
	Source string
	Line   int
	Detail string
}

// String formats a problem as "source:line: path: kind: detail", leaving out what is empty.
func (p Problem) String() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Path != "" && p.Path != p.Source {
		fmt.Fprintf(&b, "%q: ", p.Path)
	}
	b.WriteString(string(p.Kind))
	if p.Detail != "" {
		b.WriteString(": ")
		b.WriteString(p.Detail)
	}
	return b.String()
}

// Report is the outcome of Validate. Problems make the bag invalid; Warnings do not (they
// describe things the RFC allows but an archivist should know about).
type Report struct {
	Problems []Problem
	Warnings []Problem
	// PayloadOctets and PayloadFiles are what was found on disk under data/.
	PayloadOctets int64
	PayloadFiles  int64
}

// Valid reports whether the bag is complete and every digest was verified.
func (r *Report) Valid() bool { return len(r.Problems) == 0 }

// Has reports whether any problem of kind k was found for path (any path when path is "").
func (r *Report) Has(k Kind, path string) bool {
	for _, p := range r.Problems {
		if p.Kind == k && (path == "" || p.Path == path) {
			return true
		}
	}
	return false
}

// String lists the problems and warnings one per line.
func (r *Report) String() string {
	if r.Valid() && len(r.Warnings) == 0 {
		return "valid"
	}
	var b strings.Builder
	for _, p := range r.Problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	for _, p := range r.Warnings {
		b.WriteString("warning: ")
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func (r *Report) add(p ...Problem)  { r.Problems = append(r.Problems, p...) }
func (r *Report) warn(p ...Problem) { r.Warnings = append(r.Warnings, p...) }
