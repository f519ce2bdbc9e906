package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// PermanentLock is how far ahead a permanent record's objects are locked; a job extends
// the lock before it runs out (S3 object lock has no "forever").
const PermanentLock = 30 * 365 * 24 * time.Hour

// PackageObject is one locked object of an archival package.
type PackageObject struct {
	Key      string `json:"key"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Document string `json:"document,omitempty"`
	Role     string `json:"role"` // original, metadata, audit
}

// Package is the manifest of a record's archival package in the blob store.
type Package struct {
	Record      string          `json:"record"`
	Prefix      string          `json:"prefix"`
	RetainUntil time.Time       `json:"retain_until"`
	Permanent   bool            `json:"permanent"`
	CreatedAt   time.Time       `json:"created_at"`
	Objects     []PackageObject `json:"objects"`
	Manifest    string          `json:"-"` // the manifest's own key
}

// Store writes a record's archival package into the blob store under
// archive/<fonds>/<year>/<record>/, every object locked (COMPLIANCE on S3) until the
// record's retention ends: the signed originals byte for byte, the metadata and the audit
// trail, then a manifest naming each object with its SHA-256. The fixity job re-reads the
// objects against the manifest.
//
// Every object also goes to each replica (a second bucket), from which Repair restores a
// damaged one.
func Store(ctx context.Context, store engine.Store, blobs blob.Store, recordID string, replicas ...blob.Store) (*Package, error) {
	rec, err := store.RecordGetByID(ctx, recordID)
	if err != nil {
		return nil, fmt.Errorf("archive: record: %w", err)
	}
	if rec.State != engine.RecordClosed && rec.State != engine.RecordHandedOver {
		return nil, fmt.Errorf("archive: record %s is %s: %w", rec.Code, rec.State, engine.ErrConflict)
	}
	agency, err := store.AgencyGetByID(ctx, rec.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("archive: agency: %w", err)
	}
	now := time.Now().UTC()
	until := now.Add(PermanentLock)
	if due := rec.DisposalDue(); due != nil {
		until = due.UTC()
	}
	pkg := &Package{Record: agency.Code + "." + fmt.Sprint(rec.Year) + "." + rec.Code,
		Prefix: KeyPrefix + fmt.Sprintf("%s/%d/%s", agency.Code, rec.Year, rec.Code), RetainUntil: until, CreatedAt: now,
		Permanent: rec.Retention.Permanent}
	put := func(data []byte, role, doc string, contentType string) error {
		opts := blob.PutOptions{Prefix: pkg.Prefix, RetainUntil: until, ContentType: contentType}
		obj, err := blobs.Put(ctx, bytes.NewReader(data), opts)
		if err != nil {
			return err
		}
		for _, r := range replicas {
			if _, err := r.Put(ctx, bytes.NewReader(data), opts); err != nil {
				return fmt.Errorf("replica: %w", err)
			}
		}
		pkg.Objects = append(pkg.Objects, PackageObject{Key: obj.Key, SHA256: obj.SHA256, Size: obj.Size, Document: doc, Role: role})
		return nil
	}
	docIDs, err := store.RecordDocumentList(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	var docs []DocumentMeta
	for _, id := range docIDs {
		d, err := store.DocumentGetByID(ctx, id)
		if err != nil {
			return nil, err
		}
		docs = append(docs, documentMeta(d, agency))
		files, err := store.FileListByDocument(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range originals(files) {
			opts := blob.PutOptions{Prefix: pkg.Prefix, RetainUntil: until, ContentType: "application/pdf"}
			obj, err := copyOriginal(ctx, blobs, replicas, f, opts)
			if err != nil {
				return nil, fmt.Errorf("archive: %s: %w", f.Name, err)
			}
			pkg.Objects = append(pkg.Objects, PackageObject{Key: obj.Key, SHA256: obj.SHA256, Size: obj.Size, Document: d.ID, Role: "original"})
		}
	}
	meta, _ := json.MarshalIndent(map[string]any{"record": pkg.Record, "title": rec.Title, "retention": rec.Retention.String(),
		"documents": docs}, "", "  ")
	audit, err := auditTrail(ctx, store, rec.AgencyID, rec.ID)
	if err != nil {
		return nil, err
	}
	if err := put(meta, "metadata", "", "application/json"); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := put(audit, "audit", "", "application/json"); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	manifest, _ := json.MarshalIndent(pkg, "", "  ")
	manifestOpts := blob.PutOptions{Prefix: pkg.Prefix + "/manifest", RetainUntil: until, ContentType: "application/json"}
	obj, err := blobs.Put(ctx, bytes.NewReader(manifest), manifestOpts)
	if err != nil {
		return nil, fmt.Errorf("archive: manifest: %w", err)
	}
	for _, r := range replicas {
		if _, err := r.Put(ctx, bytes.NewReader(manifest), manifestOpts); err != nil {
			return nil, fmt.Errorf("archive: replica manifest: %w", err)
		}
	}
	pkg.Manifest = obj.Key
	return pkg, nil
}

// Check re-reads every object of a package and returns the keys whose bytes no longer
// match the manifest (missing objects included).
func Check(ctx context.Context, blobs blob.Store, pkg *Package) []string {
	var damaged []string
	for _, o := range pkg.Objects {
		if err := verifyObject(ctx, blobs, o.Key); err != nil {
			damaged = append(damaged, o.Key)
		}
	}
	return damaged
}

// ExtendLocks keeps a permanent record's objects locked: when a lock would end within
// horizon, it is moved PermanentLock ahead of now. It returns how many objects it extended.
// Fixed-term packages keep the lock their retention gave them.
func ExtendLocks(ctx context.Context, blobs blob.Store, pkg *Package, horizon time.Duration) (int, error) {
	if !pkg.Permanent {
		return 0, nil
	}
	now := time.Now()
	n := 0
	for _, key := range append(objectKeys(pkg), pkg.Manifest) {
		st, err := blobs.Stat(ctx, key)
		if err != nil {
			return n, fmt.Errorf("archive: extend %s: %w", key, err)
		}
		if st.RetainUntil.After(now.Add(horizon)) {
			continue
		}
		if err := blobs.ExtendRetention(ctx, key, now.Add(PermanentLock)); err != nil {
			return n, fmt.Errorf("archive: extend %s: %w", key, err)
		}
		n++
	}
	return n, nil
}

func objectKeys(pkg *Package) []string {
	keys := make([]string, len(pkg.Objects))
	for i, o := range pkg.Objects {
		keys[i] = o.Key
	}
	return keys
}

// Repair restores each damaged object of a package from the replica, whose copy is
// verified on the way; it returns the keys repaired and the error of the first it could
// not repair.
func Repair(ctx context.Context, primary, replica blob.Store, pkg *Package) ([]string, error) {
	var repaired []string
	for _, key := range Check(ctx, primary, pkg) {
		r, err := replica.Open(ctx, key)
		if err != nil {
			return repaired, fmt.Errorf("archive: repair %s: replica: %w", key, err)
		}
		err = primary.Repair(ctx, key, r)
		r.Close()
		if err != nil {
			return repaired, fmt.Errorf("archive: repair %s: %w", key, err)
		}
		repaired = append(repaired, key)
	}
	return repaired, nil
}

// copyOriginal puts an original into its place in the package. Within one S3 bucket the
// server copies it (see serverCopy); otherwise it streams from the store, whose reader
// checks the bytes against their digest so damaged bytes stop the copy before anything is
// written. Replicas get theirs from a temporary spool rather than a second read of the
// store. (Reading the whole original into memory first made minio-go's reader hand over
// small chunks and cost more than half the upload's time.)
func copyOriginal(ctx context.Context, blobs blob.Store, replicas []blob.Store, f engine.File, opts blob.PutOptions) (blob.Object, error) {
	if len(replicas) == 0 {
		if obj, ok, err := serverCopy(ctx, blobs, f, opts); ok {
			return obj, err
		}
	}
	src, err := blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return blob.Object{}, err
	}
	defer src.Close()
	// The filed digest and size go along: the store's key for them is known before the
	// bytes arrive, and bytes that differ are refused rather than stored.
	opts.SHA256, opts.Size = f.SHA256, f.Size
	var obj blob.Object
	if len(replicas) == 0 {
		obj, err = blobs.Put(ctx, src, opts)
	} else {
		obj, err = putSpooled(ctx, src, append([]blob.Store{blobs}, replicas...), opts)
	}
	if err != nil {
		return blob.Object{}, err
	}
	if f.SHA256 != "" && obj.SHA256 != f.SHA256 {
		return blob.Object{}, fmt.Errorf("%w: %s archived as %s, filed as %s", blob.ErrIntegrity, f.Name, obj.SHA256, f.SHA256)
	}
	return obj, nil
}

// putSpooled copies r to a temporary file once and puts it into each store, returning
// the first store's object.
func putSpooled(ctx context.Context, r io.Reader, stores []blob.Store, opts blob.PutOptions) (blob.Object, error) {
	tmp, err := os.CreateTemp("", "vanthu-archive-*")
	if err != nil {
		return blob.Object{}, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, r); err != nil {
		return blob.Object{}, err
	}
	var first blob.Object
	for i, s := range stores {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return blob.Object{}, err
		}
		obj, err := s.Put(ctx, tmp, opts)
		if err != nil {
			if i > 0 {
				err = fmt.Errorf("replica: %w", err)
			}
			return blob.Object{}, err
		}
		if i == 0 {
			first = obj
		}
	}
	return first, nil
}

func readBlob(ctx context.Context, blobs blob.Store, key string) ([]byte, error) {
	r, err := blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load reads a package's manifest back from the blob store (verified like every read).
func Load(ctx context.Context, blobs blob.Store, manifestKey string) (*Package, error) {
	data, err := readBlob(ctx, blobs, manifestKey)
	if err != nil {
		return nil, fmt.Errorf("archive: manifest %s: %w", manifestKey, err)
	}
	var pkg Package
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("archive: manifest %s: %w", manifestKey, err)
	}
	pkg.Manifest = manifestKey
	return &pkg, nil
}
