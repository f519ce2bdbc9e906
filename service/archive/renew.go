package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"time"

	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

// DefaultRenewWithin is how long before a signature's evidence stops being provable the
// renewal adds new evidence: six months leaves room for a failed run, a TSA outage or a
// holiday.
const DefaultRenewWithin = 183 * 24 * time.Hour

// Version tells where a package stands in the line of its versions. The first package
// of a record (written by Store) is version 1 and carries none of these fields.
type Version struct {
	Version  int      `json:"version,omitempty"`
	Previous string   `json:"previous,omitempty"` // manifest of the version this one renews
	Versions []string `json:"versions,omitempty"` // manifests of every earlier version, oldest first
}

// versionedManifest is the manifest of a renewed version: the fields of Package (which
// every reader of manifests understands) plus its place among the versions.
type versionedManifest struct {
	*Package
	Version
}

// RenewOptions configure RenewPackage.
type RenewOptions struct {
	// Within: a PDF is renewed when its evidence ends within this long; DefaultRenewWithin
	// when zero.
	Within time.Duration
	// Extend brings the timestamp authority and the revocation sources.
	Extend pades.ExtendOptions
	// Verify holds the trust anchors; every renewed PDF must validate with them, from its
	// own embedded data alone, before it is written.
	Verify verify.Options
	// Replicas receive every object of the new version, like Store's.
	Replicas []blob.Store
	// DryRun finds what is due and writes nothing.
	DryRun bool
	Now    func() time.Time
}

func (o *RenewOptions) defaults() {
	if o.Within <= 0 {
		o.Within = DefaultRenewWithin
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Renewal is what RenewPackage found and did for one package.
type Renewal struct {
	Record   string        `json:"record"`
	Previous string        `json:"previous"`           // manifest of the version examined
	Manifest string        `json:"manifest,omitempty"` // manifest of the new version; empty when none was written
	Version  int           `json:"version,omitempty"`  // of the new version
	Versions []string      `json:"versions,omitempty"` // earlier manifests, oldest first
	Files    []RenewedFile `json:"files"`              // the PDFs that were due
}

// RenewedFile is one PDF whose evidence was due.
type RenewedFile struct {
	Key           string    `json:"key"` // in the version examined
	Document      string    `json:"document,omitempty"`
	EvidenceUntil time.Time `json:"evidence_until"`         // before renewal
	NewKey        string    `json:"new_key,omitempty"`      // in the new version
	RenewedUntil  time.Time `json:"renewed_until,omitzero"` // after renewal
	Skipped       string    `json:"skipped,omitempty"`      // why a due PDF was left as it was
	Signatures    int       `json:"signatures,omitempty"`   // signatures and timestamps after renewal
	Indications   []string  `json:"indications,omitempty"`  // of each, after renewal
	Levels        []string  `json:"levels,omitempty"`       // PAdES levels of the signatures, after renewal
	renewed       []byte
}

// Renewed lists the keys (in the version examined) of the PDFs that were renewed.
func (r *Renewal) Renewed() []string {
	var keys []string
	for _, f := range r.Files {
		if f.NewKey != "" || f.renewed != nil {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// RenewPackage keeps a package's signatures verifiable: for every signed PDF whose
// evidence (the certificates of its signers and timestamp authorities, or the last
// document timestamp when there is one) ends within opts.Within, it adds the missing
// revocation data and a new document timestamp (PAdES B-LTA), checks that every
// signature still validates, and writes a new version of the whole package under a new
// prefix, locked until the record's retention ends. The version examined is never
// touched. The caller points the record at Renewal.Manifest (Engine.RecordPackageRenewed).
func RenewPackage(ctx context.Context, blobs blob.Store, pkg *Package, opts RenewOptions) (*Renewal, error) {
	opts.defaults()
	if !opts.DryRun && (opts.Extend.Timestamper == nil || opts.Extend.Revocation == nil) {
		return nil, fmt.Errorf("archive: renew %s: a timestamp authority and a revocation source are required", pkg.Record)
	}
	ver, err := LoadVersion(ctx, blobs, pkg.Manifest)
	if err != nil {
		return nil, err
	}
	ren := &Renewal{Record: pkg.Record, Previous: pkg.Manifest}
	horizon := opts.Now().Add(opts.Within)
	for _, o := range pkg.Objects {
		if o.Role != "original" {
			continue
		}
		data, err := readBlob(ctx, blobs, o.Key)
		if err != nil {
			return nil, fmt.Errorf("archive: renew %s: %s: %w", pkg.Record, o.Key, err)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			continue
		}
		until, signed, err := EvidenceUntil(ctx, data, opts.Verify)
		if err != nil || !signed || until.After(horizon) {
			continue // unreadable or unsigned PDFs have no signature to keep verifiable
		}
		f := RenewedFile{Key: o.Key, Document: o.Document, EvidenceUntil: until}
		if !opts.DryRun {
			if err := renewPDF(ctx, data, &f, opts); err != nil {
				return nil, fmt.Errorf("archive: renew %s: %s: %w", pkg.Record, o.Key, err)
			}
		}
		ren.Files = append(ren.Files, f)
	}
	if opts.DryRun || len(ren.Renewed()) == 0 {
		return ren, nil
	}
	if err := writeVersion(ctx, blobs, pkg, ver, ren, opts); err != nil {
		return nil, err
	}
	return ren, nil
}

// renewPDF extends one PDF to B-LTA and keeps the result only if every signature of it
// validates and its evidence now lasts longer than before. Network failures (TSA, OCSP)
// are returned, to be retried by the next run; a PDF that cannot be renewed is marked
// Skipped.
func renewPDF(ctx context.Context, data []byte, f *RenewedFile, opts RenewOptions) error {
	out, err := pades.Extend(ctx, data, pades.LevelBLTA, opts.Extend)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(out, data) {
		// An incremental update only appends; anything else would alter what was signed.
		f.Skipped = "the extended file does not keep the original bytes"
		return nil
	}
	rep, err := verify.VerifyBytes(ctx, out, opts.Verify)
	if err != nil {
		f.Skipped = fmt.Sprintf("the renewed file cannot be validated: %v", err)
		return nil
	}
	for _, s := range rep.Signatures {
		f.Indications = append(f.Indications, s.Indication)
		if s.Type == "signature" {
			f.Levels = append(f.Levels, s.Level)
		}
	}
	f.Signatures = len(rep.Signatures)
	for _, s := range rep.Signatures {
		if s.Indication != verify.TotalPassed {
			f.Skipped = fmt.Sprintf("%s is %s %s after renewal: %v", s.Field, s.Indication, s.SubIndication, s.Errors)
			return nil
		}
	}
	until, _ := evidenceOf(rep)
	if !until.After(f.EvidenceUntil) {
		f.Skipped = fmt.Sprintf("the new timestamp's certificates end %s, no later than the evidence it would renew",
			until.Format(time.DateOnly))
		return nil
	}
	f.RenewedUntil, f.renewed = until, out
	return nil
}

// EvidenceUntil is when a PDF's signatures stop being provable: the end of the
// certificates behind its last document timestamp (which vouches for everything before
// it), or, without one, the earliest end among its signatures' certificates. signed is
// false when the PDF has no intact signature.
func EvidenceUntil(ctx context.Context, pdf []byte, opts verify.Options) (until time.Time, signed bool, err error) {
	rep, err := verify.VerifyBytes(ctx, pdf, opts)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("archive: evidence: %w", err)
	}
	until, signed = evidenceOf(rep)
	return until, signed, nil
}

func evidenceOf(rep *verify.Report) (time.Time, bool) {
	var last *verify.Signature
	var earliest time.Time
	signed := false
	for i, s := range rep.Signatures {
		if !s.Intact {
			continue
		}
		signed = true
		switch s.Type {
		case "document_timestamp":
			if last == nil || evidenceTime(s).After(evidenceTime(*last)) || evidenceTime(s).Equal(evidenceTime(*last)) {
				last = &rep.Signatures[i]
			}
		default:
			if end := chainEnd(s.Chain); earliest.IsZero() || end.Before(earliest) {
				earliest = end
			}
		}
	}
	if last != nil {
		return chainEnd(last.Chain), signed
	}
	return earliest, signed
}

func evidenceTime(s verify.Signature) time.Time {
	if s.Timestamp != nil {
		return s.Timestamp.Time
	}
	if s.SigningTime != nil {
		return *s.SigningTime
	}
	return time.Time{}
}

// chainEnd is when the first certificate of a chain expires; an unknown chain is due now.
func chainEnd(chain []verify.Cert) time.Time {
	var end time.Time
	for _, c := range chain {
		if end.IsZero() || c.NotAfter.Before(end) {
			end = c.NotAfter
		}
	}
	return end
}

var versionSuffix = regexp.MustCompile(`/v([0-9]+)$`)

// writeVersion writes every object of the package again under <prefix>/v<N>, with the
// renewed PDFs in place of their originals, a renewal report, and a manifest naming the
// earlier versions.
func writeVersion(ctx context.Context, blobs blob.Store, pkg *Package, ver Version, ren *Renewal, opts RenewOptions) error {
	n := max(ver.Version, 1) + 1
	base := pkg.Prefix
	if m := versionSuffix.FindStringSubmatch(base); m != nil && ver.Version > 1 {
		base = base[:len(base)-len(m[0])]
	}
	now := opts.Now().UTC()
	until := pkg.RetainUntil
	if pkg.Permanent && until.Before(now.Add(PermanentLock)) {
		until = now.Add(PermanentLock)
	}
	next := &Package{Record: pkg.Record, Prefix: base + "/v" + strconv.Itoa(n), RetainUntil: until, Permanent: pkg.Permanent, CreatedAt: now}
	renewed := map[string]*RenewedFile{}
	for i := range ren.Files {
		if ren.Files[i].renewed != nil {
			renewed[ren.Files[i].Key] = &ren.Files[i]
		}
	}
	for _, o := range pkg.Objects {
		data, err := readBlob(ctx, blobs, o.Key)
		if f := renewed[o.Key]; f != nil {
			data, err = f.renewed, nil
		}
		if err != nil {
			return fmt.Errorf("archive: renew %s: %s: %w", pkg.Record, o.Key, err)
		}
		obj, err := renewPut(ctx, blobs, opts.Replicas, data, next.Prefix, until, renewContentType(o.Role))
		if err != nil {
			return fmt.Errorf("archive: renew %s: %w", pkg.Record, err)
		}
		if f := renewed[o.Key]; f != nil {
			f.NewKey = obj.Key
		}
		next.Objects = append(next.Objects, PackageObject{Key: obj.Key, SHA256: obj.SHA256, Size: obj.Size, Document: o.Document, Role: o.Role})
	}
	ren.Version = n
	ren.Versions = append(append([]string{}, ver.Versions...), pkg.Manifest)
	report, _ := json.MarshalIndent(ren, "", "  ")
	obj, err := renewPut(ctx, blobs, opts.Replicas, report, next.Prefix, until, "application/json")
	if err != nil {
		return fmt.Errorf("archive: renew %s: report: %w", pkg.Record, err)
	}
	next.Objects = append(next.Objects, PackageObject{Key: obj.Key, SHA256: obj.SHA256, Size: obj.Size, Role: "renewal"})
	manifest, _ := json.MarshalIndent(versionedManifest{Package: next,
		Version: Version{Version: n, Previous: pkg.Manifest, Versions: ren.Versions}}, "", "  ")
	obj, err = renewPut(ctx, blobs, opts.Replicas, manifest, next.Prefix+"/manifest", until, "application/json")
	if err != nil {
		return fmt.Errorf("archive: renew %s: manifest: %w", pkg.Record, err)
	}
	ren.Manifest = obj.Key
	return nil
}

func renewContentType(role string) string {
	if role == "original" {
		return "application/pdf"
	}
	return "application/json"
}

// renewPut stores bytes locked until a date, in the primary store and every replica.
func renewPut(ctx context.Context, blobs blob.Store, replicas []blob.Store, data []byte, prefix string, until time.Time, ct string) (blob.Object, error) {
	opts := blob.PutOptions{Prefix: prefix, RetainUntil: until, ContentType: ct}
	obj, err := blobs.Put(ctx, bytes.NewReader(data), opts)
	if err != nil {
		return blob.Object{}, err
	}
	for _, r := range replicas {
		if _, err := r.Put(ctx, bytes.NewReader(data), opts); err != nil {
			return blob.Object{}, fmt.Errorf("replica: %w", err)
		}
	}
	return obj, nil
}

// LoadVersion reads where a manifest stands among its package's versions (version 1 for
// a package as Store wrote it).
func LoadVersion(ctx context.Context, blobs blob.Store, manifestKey string) (Version, error) {
	data, err := readBlob(ctx, blobs, manifestKey)
	if err != nil {
		return Version{}, fmt.Errorf("archive: manifest %s: %w", manifestKey, err)
	}
	return parseVersion(data)
}

func parseVersion(data []byte) (Version, error) {
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return Version{}, fmt.Errorf("archive: manifest: %w", err)
	}
	if v.Version == 0 && v.Previous == "" && len(v.Versions) == 0 {
		v.Version = 1
	}
	if v.Version < 1 || len(v.Versions) != v.Version-1 || (v.Version > 1 && v.Previous != v.Versions[len(v.Versions)-1]) {
		return Version{}, fmt.Errorf("archive: manifest: version %d does not match its %d earlier versions", v.Version, len(v.Versions))
	}
	for _, k := range v.Versions {
		if k == "" || path.Clean(k) != k {
			return Version{}, fmt.Errorf("archive: manifest: earlier version %q is not a key", k)
		}
	}
	return v, nil
}

// LoadVersions reads a package and every earlier version it names, newest first.
func LoadVersions(ctx context.Context, blobs blob.Store, manifestKey string) ([]*Package, error) {
	v, err := LoadVersion(ctx, blobs, manifestKey)
	if err != nil {
		return nil, err
	}
	keys := append([]string{manifestKey}, v.Versions...)
	out := make([]*Package, 0, len(keys))
	for i := range keys {
		k := keys[(len(keys)-i)%len(keys)] // the newest, then the earlier ones newest first
		pkg, err := Load(ctx, blobs, k)
		if err != nil {
			return out, err
		}
		out = append(out, pkg)
	}
	return out, nil
}
