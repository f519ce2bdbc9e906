package bagit

import (
	"context"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ValidateOptions configure Validate. The zero value does a full validation.
type ValidateOptions struct {
	// Fast checks completeness and Payload-Oxum but computes no digests, like
	// bagit.py --fast: a quick look before a long import, not proof of integrity.
	Fast bool
	// Progress, when set, is called after each chunk hashed with the bytes hashed so
	// far and the total to hash (payload and tag files).
	Progress func(done, total int64)
}

// nonRepeatable are the bag-info labels RFC 8493 §2.2.2 allows at most once.
var nonRepeatable = []string{"Bagging-Date", "Bag-Size", "Payload-Oxum", "Bag-Group-Identifier", "Bag-Count"}

// Validate checks that the bag is complete (every payload and tag file listed in every
// manifest of its kind is present, nothing unlisted is) and valid (every digest
// matches). Damage is reported in the Report; the error is only for a cancelled ctx or
// a bag directory that cannot be read at all.
func (b *Bag) Validate(ctx context.Context, opts ValidateOptions) (*Report, error) {
	root, err := os.OpenRoot(b.dir)
	if err != nil {
		return nil, fmt.Errorf("bagit: validate: %w", err)
	}
	defer root.Close()
	r := &Report{}
	r.add(b.problems...)
	b.checkStructure(r)
	b.checkInfo(r)
	disk, err := scanDisk(ctx, root, r)
	if err != nil {
		return nil, fmt.Errorf("bagit: validate %s: %w", b.dir, err)
	}
	r.PayloadOctets, r.PayloadFiles = disk.octets, int64(len(disk.payload))
	b.checkOxum(r, disk)
	jobs := reconcile(r, b.payload, disk.payload, "payload")
	if len(b.tags) == 0 {
		r.warn(Problem{Kind: KindNoTagManifest, Detail: "no tagmanifest-*.txt: edits to bag-info.txt and other tag files cannot be detected"})
	} else {
		jobs = append(jobs, reconcile(r, b.tags, disk.tags, "tag")...)
	}
	if opts.Fast {
		return r, nil
	}
	if err := verifyDigests(ctx, root, r, jobs, opts.Progress); err != nil {
		return nil, fmt.Errorf("bagit: validate %s: %w", b.dir, err)
	}
	return r, nil
}

// checkStructure reports what makes a bag unverifiable before any file is read.
func (b *Bag) checkStructure(r *Report) {
	if b.hasFetch {
		r.add(Problem{Kind: KindFetch, Path: "fetch.txt", Detail: "remote payload is not supported; every file must be in data/"})
	}
	if len(b.payload) == 0 {
		r.add(Problem{Kind: KindNoManifest, Detail: "no manifest-<algorithm>.txt"})
	}
	strong := false
	for _, m := range slices.Concat(b.payload, b.tags) {
		supported := newHash(m.Alg) != nil
		if !supported {
			r.add(Problem{Kind: KindUnsupportedAlgorithm, Path: m.Name, Detail: "cannot verify " + m.Alg + " digests"})
		}
		if supported && m.Alg != "md5" && m.Alg != "sha1" && slices.Contains(b.payload, m) {
			strong = true
		}
	}
	if len(b.payload) > 0 && !strong {
		r.warn(Problem{Kind: KindWeakAlgorithm, Detail: "no SHA-2 payload manifest; RFC 8493 recommends SHA-256 or SHA-512"})
	}
}

// checkInfo enforces the bag-info rules that do not need the payload.
func (b *Bag) checkInfo(r *Report) {
	for _, label := range nonRepeatable {
		if n := len(b.InfoValues(label)); n > 1 {
			r.add(Problem{Kind: KindBagInfo, Path: "bag-info.txt", Source: "bag-info.txt", Detail: fmt.Sprintf("%s appears %d times; at most once allowed", label, n)})
		}
	}
}

// checkOxum compares Payload-Oxum ("octets.files") with the payload found on disk.
func (b *Bag) checkOxum(r *Report, disk *diskFiles) {
	values := b.InfoValues("Payload-Oxum")
	if len(values) != 1 {
		return // absent is allowed; repeated was reported by checkInfo
	}
	octets, files, err := parseOxum(values[0])
	if err != nil {
		r.add(Problem{Kind: KindBagInfo, Path: "bag-info.txt", Source: "bag-info.txt", Detail: err.Error()})
		return
	}
	if octets != disk.octets || files != int64(len(disk.payload)) {
		r.add(Problem{Kind: KindOxumMismatch, Path: "bag-info.txt", Source: "bag-info.txt",
			Detail: fmt.Sprintf("Payload-Oxum says %d bytes in %d files, data/ has %d bytes in %d files", octets, files, disk.octets, len(disk.payload))})
	}
}

func parseOxum(v string) (octets, files int64, err error) {
	o, f, ok := strings.Cut(v, ".")
	if ok {
		octets, err = strconv.ParseInt(o, 10, 64)
	}
	if ok && err == nil {
		files, err = strconv.ParseInt(f, 10, 64)
	}
	if !ok || err != nil || octets < 0 || files < 0 {
		return 0, 0, fmt.Errorf("Payload-Oxum %q is not <octets>.<files>", truncate(v))
	}
	return octets, files, nil
}

// diskFiles is what a bag directory holds: regular files with their sizes, split into
// payload (under data/) and tag files (everything else but the tag manifests).
type diskFiles struct {
	payload map[string]int64
	tags    map[string]int64
	octets  int64
}

// scanDisk walks the bag. It never follows a symbolic link: links and other special
// files are reported, since a link could point anywhere outside the bag.
func scanDisk(ctx context.Context, root *os.Root, r *Report) (*diskFiles, error) {
	d := &diskFiles{payload: map[string]int64{}, tags: map[string]int64{}}
	if fi, err := root.Lstat(payloadDir); err != nil || !fi.IsDir() {
		r.add(Problem{Kind: KindMissingFile, Path: payloadDir + "/", Detail: "the payload directory is missing or not a directory"})
	}
	err := fs.WalkDir(root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			r.add(unreadable(p, err))
			return nil
		}
		if e.IsDir() || p == "." {
			return nil
		}
		if !e.Type().IsRegular() {
			r.add(Problem{Kind: KindSpecialFile, Path: p, Detail: "not a regular file: " + describeType(e.Type())})
			return nil
		}
		info, err := e.Info()
		if err != nil {
			r.add(unreadable(p, err))
			return nil
		}
		switch {
		case strings.HasPrefix(p, payloadDir+"/"):
			d.payload[p] = info.Size()
			d.octets += info.Size()
		case !strings.Contains(p, "/") && strings.HasPrefix(p, "tagmanifest-"):
			// Tag manifests are not listed anywhere (RFC 8493 §2.2.1).
		default:
			d.tags[p] = info.Size()
		}
		return nil
	})
	return d, err
}

// hashJob is one file on disk to hash and the manifest lines it must match.
type hashJob struct {
	diskPath string
	size     int64
	checks   []check
}

type check struct {
	m *manifest
	e manifestEntry
}

// reconcile matches manifests against the files on disk: every listed file must exist,
// and every file must be listed in every manifest. It returns the files to hash.
func reconcile(r *Report, manifests []*manifest, disk map[string]int64, area string) []hashJob {
	byNFC := map[string]string{}
	for p := range disk {
		byNFC[nfcKey(p)] = p
	}
	jobs := map[string]*hashJob{}
	listedIn := map[string][]string{} // disk path → manifests listing it
	missing := map[string][]string{}  // listed path → manifests listing it
	var missingOrder []check
	for _, m := range manifests {
		for _, e := range m.Entries {
			dp, ok := e.Path, false
			if _, ok = disk[dp]; !ok {
				if dp, ok = byNFC[nfcKey(e.Path)]; ok {
					r.warn(Problem{Kind: KindNormalization, Path: e.Path, Source: m.Name, Line: e.Line, Detail: fmt.Sprintf("matches %q on disk only after Unicode NFC normalisation", dp)})
				}
			}
			if !ok {
				if len(missing[e.Path]) == 0 {
					missingOrder = append(missingOrder, check{m, e})
				}
				missing[e.Path] = append(missing[e.Path], m.Name)
				continue
			}
			listedIn[dp] = append(listedIn[dp], m.Name)
			j := jobs[dp]
			if j == nil {
				j = &hashJob{diskPath: dp, size: disk[dp]}
				jobs[dp] = j
			}
			j.checks = append(j.checks, check{m, e})
		}
	}
	for _, c := range missingOrder {
		r.add(Problem{Kind: KindMissingFile, Path: c.e.Path, Source: c.m.Name, Line: c.e.Line,
			Detail: "listed in " + strings.Join(missing[c.e.Path], ", ") + " but not in the bag"})
	}
	for _, p := range slices.Sorted(maps.Keys(disk)) {
		var absent []string
		for _, m := range manifests {
			if !slices.Contains(listedIn[p], m.Name) {
				absent = append(absent, m.Name)
			}
		}
		if len(absent) > 0 {
			r.add(Problem{Kind: KindExtraFile, Path: p, Detail: area + " file not listed in " + strings.Join(absent, ", ")})
		}
	}
	out := make([]hashJob, 0, len(jobs))
	for _, p := range slices.Sorted(maps.Keys(jobs)) {
		out = append(out, *jobs[p])
	}
	return out
}

// verifyDigests hashes each file once with every algorithm listed for it and reports
// each manifest line that does not match.
func verifyDigests(ctx context.Context, root *os.Root, r *Report, jobs []hashJob, progress func(done, total int64)) error {
	var total, done int64
	for _, j := range jobs {
		total += j.size
	}
	buf := make([]byte, copyBufferSize)
	for _, j := range jobs {
		hashes := map[string]hash.Hash{}
		for _, c := range j.checks {
			if h := newHash(c.m.Alg); h != nil {
				hashes[c.m.Alg] = h
			}
		}
		if len(hashes) == 0 {
			continue // unsupported algorithm, already reported
		}
		err := hashFile(ctx, root, j.diskPath, hashes, buf, func(k int64) {
			done += k
			if progress != nil {
				progress(done, total)
			}
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			r.add(unreadable(j.diskPath, err))
			continue
		}
		for _, c := range j.checks {
			h := hashes[c.m.Alg]
			if h == nil {
				continue
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != c.e.Digest {
				r.add(Problem{Kind: KindChecksumMismatch, Path: c.e.Path, Source: c.m.Name, Line: c.e.Line,
					Detail: fmt.Sprintf("%s is %s, manifest says %s", c.m.Alg, got, c.e.Digest)})
			}
		}
	}
	return nil
}

// hashFile feeds a file to the hashes chunk by chunk, checking ctx between chunks.
func hashFile(ctx context.Context, root *os.Root, p string, hashes map[string]hash.Hash, buf []byte, onChunk func(int64)) error {
	f, err := root.Open(filepath.FromSlash(p))
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := f.Read(buf)
		for _, h := range hashes {
			h.Write(buf[:n])
		}
		onChunk(int64(n))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// describeType names a non-regular file type for a report.
func describeType(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link (never followed)"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "mode " + m.String()
}
