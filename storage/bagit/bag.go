package bagit

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Bag is a bag on disk as Open parsed it. Open records what it could not parse instead of
// failing, so Validate can report all of it; a Bag is read-only and safe for concurrent
// use.
type Bag struct {
	dir      string
	version  string
	encoding string
	info     []Field
	payload  []*manifest // sorted by algorithm
	tags     []*manifest
	hasFetch bool
	// problems found while parsing, reported again by every Validate.
	problems []Problem
}

// Open reads a bag's declaration, bag-info and manifests. It fails only when dir is not a
// readable directory or has no bagit.txt; everything else wrong is left for Validate.
func Open(dir string) (*Bag, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("bagit: open: %w", err)
	}
	defer root.Close()
	b := &Bag{dir: dir}
	declaration, err := readSmall(root, "bagit.txt")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bagit: open %s: %w: no bagit.txt", dir, ErrNotBag)
	}
	if err != nil {
		return nil, fmt.Errorf("bagit: open %s: %w", dir, err)
	}
	b.parseDeclaration(declaration)
	if info, err := readSmall(root, "bag-info.txt"); err == nil {
		var problems []Problem
		b.info, problems = parseTags(bytes.NewReader(info), "bag-info.txt")
		b.problems = append(b.problems, problems...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		b.problems = append(b.problems, unreadable("bag-info.txt", err))
	}
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("bagit: open %s: %w", dir, err)
	}
	for _, e := range entries {
		b.openManifest(root, e.Name())
	}
	return b, nil
}

// parseDeclaration checks bagit.txt against RFC 8493 §2.1.1: exactly two lines,
// BagIt-Version then Tag-File-Character-Encoding, no byte-order mark.
func (b *Bag) parseDeclaration(content []byte) {
	bad := func(format string, args ...any) {
		b.problems = append(b.problems, Problem{Kind: KindDeclaration, Path: "bagit.txt", Source: "bagit.txt", Detail: fmt.Sprintf(format, args...)})
	}
	if bytes.HasPrefix(content, []byte("\uFEFF")) {
		bad("starts with a byte-order mark")
		content = content[3:]
	}
	fields, problems := parseTags(bytes.NewReader(content), "bagit.txt")
	for _, p := range problems {
		p.Kind = KindDeclaration
		b.problems = append(b.problems, p)
	}
	if len(fields) != 2 || fields[0].Label != "BagIt-Version" || fields[1].Label != "Tag-File-Character-Encoding" {
		bad("want exactly \"BagIt-Version\" then \"Tag-File-Character-Encoding\", got %d fields", len(fields))
	}
	for _, f := range fields {
		switch f.Label {
		case "BagIt-Version":
			b.version = f.Value
		case "Tag-File-Character-Encoding":
			b.encoding = f.Value
		}
	}
	// 0.97 differs from 1.0 only in details this reader already tolerates; bagit-python
	// and most archives' older bags use it.
	if b.version != "1.0" && b.version != "0.97" {
		bad("BagIt-Version %q is not 1.0 or 0.97", truncate(b.version))
	}
	if !strings.EqualFold(b.encoding, "UTF-8") {
		bad("Tag-File-Character-Encoding %q is not UTF-8", truncate(b.encoding))
	}
}

// openManifest parses name if it is a manifest or tag manifest, and notes fetch.txt.
func (b *Bag) openManifest(root *os.Root, name string) {
	if name == "fetch.txt" {
		b.hasFetch = true
		return
	}
	alg, payload := manifestAlgorithm(name, "manifest-")
	if !payload {
		var tag bool
		if alg, tag = manifestAlgorithm(name, "tagmanifest-"); !tag {
			return
		}
	}
	f, err := root.Open(name)
	if err != nil {
		b.problems = append(b.problems, unreadable(name, err))
		return
	}
	defer f.Close()
	m, problems := parseManifest(f, name, alg, payload)
	b.problems = append(b.problems, problems...)
	if payload {
		b.payload = append(b.payload, m)
	} else {
		b.tags = append(b.tags, m)
	}
}

// Version is the BagIt-Version bagit.txt declares.
func (b *Bag) Version() string { return b.version }

// Info returns bag-info.txt's fields in file order, folded values joined.
func (b *Bag) Info() []Field { return slices.Clone(b.info) }

// InfoValues returns every value of a bag-info label, compared case-insensitively.
func (b *Bag) InfoValues(label string) []string {
	var out []string
	for _, f := range b.info {
		if strings.EqualFold(f.Label, label) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Algorithms lists the algorithms of the payload manifests.
func (b *Bag) Algorithms() []string {
	var out []string
	for _, m := range b.payload {
		out = append(out, m.Alg)
	}
	return out
}

// Entry is a payload file as the manifests list it.
type Entry struct {
	// Path is relative to data/, as given to Writer.AddFile.
	Path string
	// Digests maps algorithm to lowercase hex digest, one per manifest listing the file.
	Digests map[string]string
}

// Files iterates over the payload files listed in any payload manifest, sorted by path.
// It lists what the manifests claim; Validate says whether the disk agrees.
func (b *Bag) Files() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		for _, p := range b.listedPayload() {
			rel := strings.TrimPrefix(p, payloadDir+"/")
			if !yield(Entry{Path: rel, Digests: b.digestsOf(p)}) {
				return
			}
		}
	}
}

// listedPayload is the sorted union of the paths in the payload manifests.
func (b *Bag) listedPayload() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range b.payload {
		for _, e := range m.Entries {
			if !seen[e.Path] {
				seen[e.Path] = true
				out = append(out, e.Path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// digestsOf collects a bag-relative path's digests from every payload manifest.
func (b *Bag) digestsOf(bagPath string) map[string]string {
	d := map[string]string{}
	for _, m := range b.payload {
		if i, ok := m.byPath[bagPath]; ok {
			d[m.Alg] = m.Entries[i].Digest
		}
	}
	return d
}

// Open opens the payload file at relPath (relative to data/, normalised to NFC) for
// reading. The reader hashes what it reads and returns an error wrapping
// ErrChecksumMismatch instead of io.EOF if any supported manifest digest differs, so a
// damaged file is never mistaken for a complete one. Open cannot escape the bag, even
// through a symbolic link.
func (b *Bag) Open(relPath string) (io.ReadCloser, error) {
	p, err := cleanRelPath(relPath)
	if err != nil {
		return nil, fmt.Errorf("bagit: open payload: %w", err)
	}
	bagPath := payloadDir + "/" + p
	want := b.digestsOf(bagPath)
	if len(want) == 0 {
		return nil, fmt.Errorf("bagit: open payload %q: %w", p, ErrNotListed)
	}
	hashes := map[string]hash.Hash{}
	for alg := range want {
		if h := newHash(alg); h != nil {
			hashes[alg] = h
		}
	}
	if len(hashes) == 0 {
		return nil, fmt.Errorf("bagit: open payload %q: no supported manifest algorithm", p)
	}
	root, err := os.OpenRoot(b.dir)
	if err != nil {
		return nil, fmt.Errorf("bagit: open payload %q: %w", p, err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(bagPath))
	if errors.Is(err, fs.ErrNotExist) {
		// Validate accepts a bag whose names were decomposed by the filesystem it was
		// copied through; reading must find those files too.
		f, err = root.Open(filepath.FromSlash(norm.NFD.String(bagPath)))
	}
	if err != nil {
		return nil, fmt.Errorf("bagit: open payload %q: %w", p, err)
	}
	return &verifyingReader{f: f, path: bagPath, hashes: hashes, want: want}, nil
}

// verifyingReader checks a payload file's digests when its end is reached.
type verifyingReader struct {
	f      *os.File
	path   string
	hashes map[string]hash.Hash
	want   map[string]string
	err    error // sticky result once EOF was seen
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.f.Read(p)
	for _, h := range v.hashes {
		h.Write(p[:n])
	}
	if err == io.EOF {
		v.err = v.verify()
		return n, v.err
	}
	return n, err
}

func (v *verifyingReader) verify() error {
	for alg, h := range v.hashes {
		if got := hex.EncodeToString(h.Sum(nil)); got != v.want[alg] {
			return fmt.Errorf("bagit: %q: %w: %s is %s, manifest says %s", v.path, ErrChecksumMismatch, alg, got, v.want[alg])
		}
	}
	return io.EOF
}

func (v *verifyingReader) Close() error { return v.f.Close() }

// readSmall reads a tag file that must be small (bagit.txt, bag-info.txt), keeping at
// most one byte more than the limit so the parser can tell it was cut.
func readSmall(root *os.Root, name string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxTagFile+1))
}

func unreadable(name string, err error) Problem {
	return Problem{Kind: KindUnreadable, Path: name, Detail: err.Error()}
}

// nfcKey is how a name is compared when the exact bytes differ: a bag copied through a
// filesystem that decomposes names (NFD) still matches its NFC manifest.
func nfcKey(p string) string { return norm.NFC.String(p) }
