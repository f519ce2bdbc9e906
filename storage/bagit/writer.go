package bagit

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultAgent is the Bag-Software-Agent written when WriterOptions.Agent is empty.
const DefaultAgent = "vanthu storage/bagit (RFC 8493)"

// copyBufferSize is how much of a payload file is read, hashed and written at a time.
const copyBufferSize = 256 << 10

// WriterOptions configure a Writer. The zero value is usable.
type WriterOptions struct {
	// Agent is written as Bag-Software-Agent unless SetInfo sets it.
	Agent string
	// Now gives the Bagging-Date; time.Now when nil.
	Now func() time.Time
	// Progress, when set, is called after each chunk of payload written with the bytes
	// written so far and ExpectedBytes (-1 when that is 0, i.e. unknown).
	Progress func(done, total int64)
	// ExpectedBytes is the payload size the caller expects, only passed to Progress.
	ExpectedBytes int64
}

// Writer builds a bag. It is not safe for concurrent use. Call Close to publish the bag,
// or Abort to throw it away; `defer w.Abort()` right after NewWriter is the usual pattern.
type Writer struct {
	dir  string // where the bag will appear
	tmp  string // where it is built
	opts WriterOptions

	payload []fileDigests
	tags    []fileDigests
	paths   map[string]bool // bag-relative paths taken, payload and tag
	dirs    map[string]bool // directories created under tmp, synced on Close
	info    []Field
	octets  int64
	// doneBytes is the payload written so far, for Progress.
	doneBytes int64
	closed    bool
}

// fileDigests is a written file and its digests by algorithm.
type fileDigests struct {
	path    string // bag-relative
	digests map[string]string
}

// NewWriter starts a bag that Close will publish at dir. dir must not exist yet; its
// parent must. The bag is built in a hidden sibling directory, ".<name>.partial-*", so
// the final rename is atomic (same filesystem); after a crash that directory is left
// behind, has no bagit.txt, and can be deleted.
func NewWriter(dir string, opts WriterOptions) (*Writer, error) {
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("bagit: new writer: %s: %w", dir, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bagit: new writer: %w", err)
	}
	clean := filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(clean), "."+filepath.Base(clean)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("bagit: new writer: %w", err)
	}
	w := &Writer{dir: clean, tmp: tmp, opts: opts, paths: map[string]bool{}, dirs: map[string]bool{".": true}}
	if err := w.mkdirAll(payloadDir); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("bagit: new writer: %w", err)
	}
	return w, nil
}

// AddFile streams r into data/<relPath>, hashing it with every manifest algorithm on the
// way. relPath uses "/" as separator; it is normalised to NFC. On error the partial file
// is removed and the Writer stays usable.
func (w *Writer) AddFile(ctx context.Context, relPath string, r io.Reader) error {
	if w.closed {
		return ErrClosed
	}
	p, err := cleanRelPath(relPath)
	if err != nil {
		return fmt.Errorf("bagit: add file: %w", err)
	}
	bagPath := payloadDir + "/" + p
	digests, n, err := w.writeFile(ctx, bagPath, r, true)
	if err != nil {
		return fmt.Errorf("bagit: add file %q: %w", p, err)
	}
	w.octets += n
	w.payload = append(w.payload, fileDigests{path: bagPath, digests: digests})
	return nil
}

// AddTagFile writes an extra tag file such as "metadata/record.json" at the bag root
// (outside data/). It is listed in the tag manifests so edits to it are detected.
func (w *Writer) AddTagFile(name string, content []byte) error {
	if w.closed {
		return ErrClosed
	}
	p, err := cleanRelPath(name)
	if err != nil {
		return fmt.Errorf("bagit: add tag file: %w", err)
	}
	if p == payloadDir || strings.HasPrefix(p, payloadDir+"/") || isReservedTagName(p) {
		return fmt.Errorf("bagit: add tag file: %w: %q is the payload or a file the writer generates", ErrUnsafePath, p)
	}
	digests, _, err := w.writeFile(context.Background(), p, bytes.NewReader(content), false)
	if err != nil {
		return fmt.Errorf("bagit: add tag file %q: %w", p, err)
	}
	w.tags = append(w.tags, fileDigests{path: p, digests: digests})
	return nil
}

// SetInfo sets a bag-info.txt field, replacing earlier values of the same label (labels
// compare case-insensitively). Payload-Oxum is computed and cannot be set. Values longer
// than a line are folded on write.
func (w *Writer) SetInfo(label, value string) error {
	if w.closed {
		return ErrClosed
	}
	if err := checkInfo(label, value); err != nil {
		return err
	}
	w.info = slices.DeleteFunc(w.info, func(f Field) bool { return strings.EqualFold(f.Label, label) })
	w.info = append(w.info, Field{Label: label, Value: value})
	return nil
}

// AddInfo appends a bag-info.txt field, keeping earlier values of the same label: the RFC
// allows repeating labels such as External-Identifier.
func (w *Writer) AddInfo(label, value string) error {
	if w.closed {
		return ErrClosed
	}
	if err := checkInfo(label, value); err != nil {
		return err
	}
	w.info = append(w.info, Field{Label: label, Value: value})
	return nil
}

func checkInfo(label, value string) error {
	if strings.EqualFold(label, "Payload-Oxum") {
		return fmt.Errorf("bagit: set info: %w: %s", ErrReservedLabel, label)
	}
	if reason := checkField(label, value); reason != "" {
		return fmt.Errorf("bagit: set info %q: %w: %s", label, ErrInvalidInfo, reason)
	}
	return nil
}

// Close writes bagit.txt, bag-info.txt, the manifests and tag manifests, flushes
// everything to disk and renames the bag into place. Whatever happens, the temporary
// directory is gone afterwards.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if err := w.finish(); err != nil {
		_ = os.RemoveAll(w.tmp)
		return fmt.Errorf("bagit: close: %w", err)
	}
	return nil
}

// Abort discards the bag being built. It is a no-op after Close.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	_ = os.RemoveAll(w.tmp)
}

func (w *Writer) finish() error {
	if err := w.writeTag("bag-info.txt", w.bagInfo()); err != nil {
		return err
	}
	for _, alg := range writeAlgorithms {
		if err := w.writeTag("manifest-"+alg+".txt", formatManifest(w.payload, alg)); err != nil {
			return err
		}
	}
	// bagit.txt is listed in the tag manifests but written last of all, so a directory
	// left by a crash is not a bag (Open says ErrNotBag) even before anyone looks at it.
	declaration := []byte("BagIt-Version: " + Version + "\nTag-File-Character-Encoding: UTF-8\n")
	w.tags = append(w.tags, fileDigests{path: "bagit.txt", digests: digestsOf(declaration)})
	for _, alg := range writeAlgorithms {
		name := "tagmanifest-" + alg + ".txt"
		if err := writeFileSync(filepath.Join(w.tmp, name), formatManifest(w.tags, alg)); err != nil {
			return err
		}
	}
	if err := writeFileSync(filepath.Join(w.tmp, "bagit.txt"), declaration); err != nil {
		return err
	}
	for d := range w.dirs {
		if err := syncDir(filepath.Join(w.tmp, filepath.FromSlash(d))); err != nil {
			return err
		}
	}
	// MkdirTemp made the directory private; the published bag gets the same mode as
	// the directories inside it.
	if err := os.Chmod(w.tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(w.tmp, w.dir); err != nil {
		return err
	}
	return syncDir(filepath.Dir(w.dir))
}

// bagInfo renders bag-info.txt: the caller's fields in the order given, then the
// computed ones the caller did not set.
func (w *Writer) bagInfo() []byte {
	fields := slices.Clone(w.info)
	has := func(label string) bool {
		return slices.ContainsFunc(fields, func(f Field) bool { return strings.EqualFold(f.Label, label) })
	}
	now := time.Now
	if w.opts.Now != nil {
		now = w.opts.Now
	}
	agent := w.opts.Agent
	if agent == "" {
		agent = DefaultAgent
	}
	defaults := []Field{
		{"Bag-Software-Agent", agent},
		{"Bagging-Date", now().Format(time.DateOnly)},
		{"Bag-Size", humanSize(w.octets)},
	}
	for _, f := range defaults {
		if !has(f.Label) {
			fields = append(fields, f)
		}
	}
	oxum := strconv.FormatInt(w.octets, 10) + "." + strconv.Itoa(len(w.payload))
	fields = append(fields, Field{"Payload-Oxum", oxum})
	var b strings.Builder
	for _, f := range fields {
		formatField(&b, f)
	}
	return []byte(b.String())
}

// writeTag writes a generated tag file and records it for the tag manifests.
func (w *Writer) writeTag(name string, content []byte) error {
	if err := writeFileSync(filepath.Join(w.tmp, name), content); err != nil {
		return err
	}
	w.tags = append(w.tags, fileDigests{path: name, digests: digestsOf(content)})
	return nil
}

// digestsOf hashes content held in memory with every manifest algorithm.
func digestsOf(content []byte) map[string]string {
	digests := map[string]string{}
	for _, alg := range writeAlgorithms {
		h := newHash(alg)
		h.Write(content)
		digests[alg] = hex.EncodeToString(h.Sum(nil))
	}
	return digests
}

// writeFile creates bagPath under the temporary directory and copies r into it, hashing
// as it goes; payload writes report progress.
func (w *Writer) writeFile(ctx context.Context, bagPath string, r io.Reader, payload bool) (map[string]string, int64, error) {
	if w.paths[bagPath] {
		return nil, 0, fmt.Errorf("%w: %q", ErrDuplicate, bagPath)
	}
	if err := w.mkdirAll(path.Dir(bagPath)); err != nil {
		return nil, 0, err
	}
	full := filepath.Join(w.tmp, filepath.FromSlash(bagPath))
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, 0, err
	}
	hashes := map[string]hash.Hash{}
	for _, alg := range writeAlgorithms {
		hashes[alg] = newHash(alg)
	}
	n, err := w.copy(ctx, f, r, hashes, payload)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(full)
		return nil, 0, err
	}
	w.paths[bagPath] = true
	digests := map[string]string{}
	for alg, h := range hashes {
		digests[alg] = hex.EncodeToString(h.Sum(nil))
	}
	return digests, n, nil
}

// copy is io.Copy that also feeds the hashes, stops when ctx is cancelled and reports
// progress after each chunk.
func (w *Writer) copy(ctx context.Context, dst io.Writer, src io.Reader, hashes map[string]hash.Hash, payload bool) (int64, error) {
	buf := make([]byte, copyBufferSize)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := src.Read(buf)
		if k > 0 {
			if _, err := dst.Write(buf[:k]); err != nil {
				return n, err
			}
			for _, h := range hashes {
				h.Write(buf[:k])
			}
			n += int64(k)
			if payload {
				w.progress(int64(k))
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

func (w *Writer) progress(k int64) {
	if w.opts.Progress == nil {
		return
	}
	w.doneBytes += k
	total := w.opts.ExpectedBytes
	if total <= 0 {
		total = -1
	}
	w.opts.Progress(w.doneBytes, total)
}

// mkdirAll creates a slash-separated directory under tmp and remembers every level so
// Close can fsync the entries it holds.
func (w *Writer) mkdirAll(dir string) error {
	if err := os.MkdirAll(filepath.Join(w.tmp, filepath.FromSlash(dir)), 0o755); err != nil {
		return err
	}
	for d := dir; d != "." && !w.dirs[d]; d = path.Dir(d) {
		w.dirs[d] = true
	}
	return nil
}

// formatManifest renders "<digest>  <path>" lines sorted by path, so the same content
// always gives the same manifest. Two spaces, as sha256sum writes, let `sha256sum -c`
// check a bag whose names need no percent-encoding.
func formatManifest(files []fileDigests, alg string) []byte {
	sorted := slices.SortedFunc(slices.Values(files), func(a, b fileDigests) int { return strings.Compare(a.path, b.path) })
	var b strings.Builder
	for _, f := range sorted {
		b.WriteString(f.digests[alg])
		b.WriteString("  ")
		b.WriteString(encodePath(f.path))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func writeFileSync(name string, content []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes a directory's entries, so after a crash a renamed bag never has
// missing or empty files.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// humanSize formats a byte count for Bag-Size, in decimal units like "20.0 MB".
func humanSize(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	units := []string{"KB", "MB", "GB", "TB", "PB", "EB"}
	v := float64(n) / 1000
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i]
}
