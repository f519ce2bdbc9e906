package edxml

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// ZipLimits bounds what unpacking one zipped attachment may cost. A zero
// field takes its default (see DefaultZipLimits).
type ZipLimits struct {
	MaxEntries    int   // files in the archive
	MaxEntryBytes int64 // unpacked size of one file
	MaxTotalBytes int64 // unpacked size of all files
	MaxRatio      int64 // unpacked size over packed size, per file
}

// DefaultZipLimits fits what the gateway zips (one signed PDF and its
// appendices): real documents compress by a few times, a zip bomb by
// hundreds.
func DefaultZipLimits() ZipLimits {
	return ZipLimits{MaxEntries: 100, MaxEntryBytes: 100 << 20, MaxTotalBytes: 256 << 20, MaxRatio: 100}
}

func (l ZipLimits) withDefaults() ZipLimits {
	d := DefaultZipLimits()
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxEntryBytes <= 0 {
		l.MaxEntryBytes = d.MaxEntryBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// IsZip reports whether an attachment is a zip archive the gateway made:
// by its declared type, or by its name when the type is generic.
func IsZip(name, contentType string) bool {
	switch strings.ToLower(strings.TrimSpace(contentType)) {
	case "application/zip", "application/x-zip-compressed", "application/x-zip":
		return true
	}
	return strings.HasSuffix(strings.ToLower(name), ".zip")
}

// Unzip hands every file of the archive in r to put, with its base name.
// Every limit is checked on the archive's directory before the first file is
// handed over, and again on the bytes actually inflated (a directory can
// lie); on an error the caller discards what put stored, so a bomb is
// refused whole.
func Unzip(r io.ReaderAt, size int64, limits ZipLimits, put func(name string, r io.Reader) error) error {
	lim := limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("edxml: zipped attachment: %w: %w", ErrMalformed, err)
	}
	files, err := zipFiles(zr, lim)
	if err != nil {
		return err
	}
	var total int64
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("edxml: zipped attachment: %s: %w: %w", f.Name, ErrMalformed, err)
		}
		body := &zipEntryReader{r: rc, name: f.Name, max: lim.MaxEntryBytes, total: &total, maxTotal: lim.MaxTotalBytes}
		err = put(path.Base(f.Name), body)
		if err == nil {
			_, err = io.Copy(io.Discard, body) // check what put left
		}
		rc.Close()
		if body.err != nil {
			return body.err
		}
		if err != nil {
			if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
				return fmt.Errorf("edxml: zipped attachment: %s: %w: %w", f.Name, ErrMalformed, err)
			}
			return fmt.Errorf("edxml: zipped attachment: %s: %w", f.Name, err)
		}
	}
	return nil
}

// zipFiles checks the directory: the files (directories left out), their
// count, declared sizes and ratios.
func zipFiles(zr *zip.Reader, lim ZipLimits) ([]*zip.File, error) {
	var files []*zip.File
	var total uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		files = append(files, f)
		if len(files) > lim.MaxEntries {
			return nil, fmt.Errorf("edxml: zipped attachment: more than %d files: %w", lim.MaxEntries, ErrLimit)
		}
		if f.UncompressedSize64 > uint64(lim.MaxEntryBytes) {
			return nil, fmt.Errorf("edxml: zipped attachment: %s unpacks to more than %d bytes: %w", f.Name, lim.MaxEntryBytes, ErrLimit)
		}
		if f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1) {
			return nil, fmt.Errorf("edxml: zipped attachment: %s unpacks %d times its packed size (a zip bomb?): %w",
				f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), ErrLimit)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalBytes) {
			return nil, fmt.Errorf("edxml: zipped attachment: unpacks to more than %d bytes: %w", lim.MaxTotalBytes, ErrLimit)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("edxml: zipped attachment: holds no file: %w", ErrMissing)
	}
	return files, nil
}

// zipEntryReader bounds the bytes actually inflated, per file and in all.
type zipEntryReader struct {
	r        io.Reader
	name     string
	n, max   int64
	total    *int64
	maxTotal int64
	err      error
}

func (z *zipEntryReader) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.r.Read(p)
	z.n += int64(n)
	*z.total += int64(n)
	switch {
	case z.n > z.max:
		z.err = fmt.Errorf("edxml: zipped attachment: %s unpacks to more than %d bytes: %w", z.name, z.max, ErrLimit)
	case *z.total > z.maxTotal:
		z.err = fmt.Errorf("edxml: zipped attachment: unpacks to more than %d bytes: %w", z.maxTotal, ErrLimit)
	}
	if z.err != nil {
		return 0, z.err
	}
	return n, err
}
