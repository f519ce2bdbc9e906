package bagit

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrTagNotProtected is returned by ReadTagFile for a tag file no tag manifest lists:
// its content could have been edited without anything noticing.
var ErrTagNotProtected = errors.New("bagit: tag file not listed in any tag manifest")

// ReadTagFile reads a tag file such as "metadata/record.json" (at most limit bytes) and
// checks it against every tag manifest listing it, so what a reader acts on is what the
// bag's maker wrote.
func (b *Bag) ReadTagFile(name string, limit int64) ([]byte, error) {
	p, err := cleanRelPath(name)
	if err != nil {
		return nil, fmt.Errorf("bagit: read tag file: %w", err)
	}
	want := map[string]string{}
	for _, m := range b.tags {
		if i, ok := m.byPath[p]; ok && newHash(m.Alg) != nil {
			want[m.Alg] = m.Entries[i].Digest
		}
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("bagit: read tag file %q: %w", p, ErrTagNotProtected)
	}
	root, err := os.OpenRoot(b.dir)
	if err != nil {
		return nil, fmt.Errorf("bagit: read tag file %q: %w", p, err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(p))
	if err != nil {
		return nil, fmt.Errorf("bagit: read tag file %q: %w", p, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("bagit: read tag file %q: %w", p, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("bagit: read tag file %q: larger than %d bytes", p, limit)
	}
	for alg, digest := range want {
		h := newHash(alg)
		h.Write(data)
		if got := hex.EncodeToString(h.Sum(nil)); got != digest {
			return nil, fmt.Errorf("bagit: tag file %q: %w: %s is %s, tag manifest says %s", p, ErrChecksumMismatch, alg, got, digest)
		}
	}
	return data, nil
}
