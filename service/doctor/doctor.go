// Package doctor checks a vanthu installation against itself: every blob the database
// points at present and whole, no blob that nothing points at, every register's numbers
// held once each without a gap, no document stuck between two steps, every audit chain
// intact. It repairs only what is safe to repair, and only when asked.
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/blobgc"
	"github.com/vanthu/vanthu/storage/blob"
)

// DefaultStuckAfter is how long a document may wait between two steps (numbered and not
// sealed, sealed and not dispatched, a draft without its file) before it is a problem.
const DefaultStuckAfter = 24 * time.Hour

// Config is what a Doctor checks and how.
type Config struct {
	Store engine.Store
	Blobs blob.Store
	// Replica, when set, holds a copy of every archived object: --repair restores a
	// missing or damaged blob from it.
	Replica blob.Store
	// Grace: unreferenced blobs stored more recently are not orphans yet (an upload is
	// referenced a moment after it is stored). Zero makes every one an orphan.
	Grace      time.Duration
	StuckAfter time.Duration // DefaultStuckAfter when zero
	// Repair deletes orphans past the grace period and restores damaged blobs from the
	// replica; nothing else is ever changed.
	Repair bool
	Logger *slog.Logger
	Now    func() time.Time
}

// Doctor runs the checks.
type Doctor struct {
	cfg      Config
	eng      *engine.Engine
	agencies []engine.Agency
	code     map[string]string // agency id → code, for the report
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Doctor, error) {
	if cfg.Store == nil || cfg.Blobs == nil {
		return nil, errors.New("doctor: a database and a blob store are required")
	}
	if cfg.Grace < 0 || cfg.StuckAfter < 0 {
		return nil, fmt.Errorf("doctor: grace %s and stuck-after %s must not be negative", cfg.Grace, cfg.StuckAfter)
	}
	if cfg.StuckAfter == 0 {
		cfg.StuckAfter = DefaultStuckAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Doctor{cfg: cfg, eng: engine.New(cfg.Store)}, nil
}

// The checks, as a Problem names them.
const (
	CheckBlobs     = "blobs"
	CheckArchive   = "archive"
	CheckRegisters = "registers"
	CheckDocuments = "documents"
	CheckAudit     = "audit"
)

// The kinds of problem.
const (
	KindMissing             = "missing"               // a blob the database points at is not in the store
	KindCorrupt             = "corrupt"               // its bytes do not hash to its key
	KindUnreadable          = "unreadable"            // an archival package's manifest cannot be read
	KindOrphan              = "orphan"                // a blob nothing points at, older than the grace period
	KindGap                 = "gap"                   // numbers handed out that no document holds
	KindDuplicate           = "duplicate"             // a number held twice
	KindBeyondCounter       = "beyond_counter"        // a number above the register's counter: it would be handed out again
	KindNumberedNotSealed   = "numbered_not_sealed"   // cấp số, never signed by the agency
	KindSealedNotDispatched = "sealed_not_dispatched" // signed by the agency, never dispatched
	KindDraftWithoutFile    = "draft_without_file"    // a draft with nothing to review or sign
	KindBrokenChain         = "broken_chain"          // an audit event edited, deleted or cut off
)

// Problem is one thing wrong.
type Problem struct {
	Check   string `json:"check"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"` // a blob key, a register, a document, an agency
	Detail  string `json:"detail"`
	// Repaired is set when --repair fixed it; RepairError says why it could not.
	Repaired    bool   `json:"repaired,omitempty"`
	RepairError string `json:"repair_error,omitempty"`
}

// String is the problem as one line of text.
func (p Problem) String() string {
	s := fmt.Sprintf("%s %s %s: %s", p.Check, p.Kind, p.Subject, p.Detail)
	switch {
	case p.Repaired:
		s += " (repaired)"
	case p.RepairError != "":
		s += " (not repaired: " + p.RepairError + ")"
	}
	return s
}

// Checked counts what the checks looked at.
type Checked struct {
	Blobs           int   `json:"blobs"`
	ArchivedObjects int   `json:"archived_objects"`
	StoredBlobs     int   `json:"stored_blobs"` // listed in the store(s) for orphans
	Registers       int   `json:"registers"`
	AuditChains     int   `json:"audit_chains"`
	AuditEvents     int64 `json:"audit_events"`
}

// Report is what a run found.
type Report struct {
	OK       bool      `json:"ok"` // no problem left unrepaired
	Checked  Checked   `json:"checked"`
	Problems []Problem `json:"problems"`
}

// Run runs every check. A problem found is in the report; an error means a check could
// not run (the database or the blob store unreachable), and the report is partial.
func (d *Doctor) Run(ctx context.Context) (Report, error) {
	rep := Report{Problems: []Problem{}}
	agencies, err := d.cfg.Store.AgencyList(ctx)
	if err != nil {
		return rep, fmt.Errorf("doctor: agencies: %w", err)
	}
	d.agencies, d.code = agencies, map[string]string{}
	for _, a := range agencies {
		d.code[a.ID] = a.Code
	}
	checks := []func(context.Context, *Report) error{d.checkBlobs, d.checkArchive, d.checkOrphans, d.checkRegisters,
		d.checkDocuments, d.checkAudit}
	for _, check := range checks {
		if err := check(ctx, &rep); err != nil {
			return rep, err
		}
	}
	rep.OK = true
	for _, p := range rep.Problems {
		if !p.Repaired {
			rep.OK = false
		}
	}
	return rep, nil
}

// checkBlobs reads every blob a document file or signing key points at, to the end,
// through the store's verifying reader.
func (d *Doctor) checkBlobs(ctx context.Context, rep *Report) error {
	const page = 500
	after := ""
	for {
		refs, err := d.cfg.Store.BlobReferenceList(ctx, after, page)
		if err != nil {
			return fmt.Errorf("doctor: blob references: %w", err)
		}
		for _, r := range refs {
			rep.Checked.Blobs++
			p, err := d.verify(ctx, CheckBlobs, r.Key, "held by "+r.Holder)
			if err != nil {
				return err
			}
			if p != nil {
				rep.Problems = append(rep.Problems, *p)
			}
		}
		if len(refs) < page {
			return nil
		}
		after = refs[len(refs)-1].Key
	}
}

// checkArchive reads every version of every record's archival package: manifests and
// the objects they name.
func (d *Doctor) checkArchive(ctx context.Context, rep *Report) error {
	for _, a := range d.agencies {
		records, err := d.cfg.Store.RecordListByAgency(ctx, a.ID, 0)
		if err != nil {
			return fmt.Errorf("doctor: records of %s: %w", a.Code, err)
		}
		for _, r := range records {
			if r.PackageKey == "" || r.DestroyedAt != nil {
				continue
			}
			name := fmt.Sprintf("record %s.%d.%s", a.Code, r.Year, r.Code)
			if err := d.checkPackage(ctx, rep, r.PackageKey, name); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *Doctor) checkPackage(ctx context.Context, rep *Report, manifest, name string) error {
	rep.Checked.ArchivedObjects++
	p, err := d.verify(ctx, CheckArchive, manifest, "manifest of "+name)
	if err != nil {
		return err
	}
	if p != nil {
		rep.Problems = append(rep.Problems, *p)
		if !p.Repaired {
			return nil // what it names is unknown
		}
	}
	keys, err := archive.Eraser{Blobs: d.cfg.Blobs}.PackageObjects(ctx, manifest)
	if err != nil {
		if !errors.Is(err, blob.ErrNotFound) && !errors.Is(err, blob.ErrIntegrity) && !errors.As(err, new(*json.SyntaxError)) {
			return fmt.Errorf("doctor: package of %s: %w", name, err)
		}
		rep.Problems = append(rep.Problems, Problem{Check: CheckArchive, Kind: KindUnreadable, Subject: manifest,
			Detail: fmt.Sprintf("package of %s: %v", name, err)})
		return nil
	}
	for _, k := range keys {
		if k == manifest {
			continue
		}
		rep.Checked.ArchivedObjects++
		p, err := d.verify(ctx, CheckArchive, k, "in the package of "+name)
		if err != nil {
			return err
		}
		if p != nil {
			rep.Problems = append(rep.Problems, *p)
		}
	}
	return nil
}

// verify reads one blob to its end; a missing or damaged one is a problem, repaired from
// the replica when asked. An unreachable store is an error: nothing can be said then.
func (d *Doctor) verify(ctx context.Context, check, key, holder string) (*Problem, error) {
	err := blob.Verify(ctx, d.cfg.Blobs, key)
	var p Problem
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, blob.ErrNotFound):
		p = Problem{Check: check, Kind: KindMissing, Subject: key, Detail: holder + ": not in the blob store"}
	case errors.Is(err, blob.ErrIntegrity), errors.Is(err, blob.ErrBadKey):
		p = Problem{Check: check, Kind: KindCorrupt, Subject: key, Detail: holder + ": " + err.Error()}
	default:
		return nil, fmt.Errorf("doctor: read %s: %w", key, err)
	}
	if d.cfg.Repair {
		d.repair(ctx, &p)
	}
	return &p, nil
}

// repair puts the replica's copy back; the store checks it against the key's digest,
// so only the original bytes can ever come back.
func (d *Doctor) repair(ctx context.Context, p *Problem) {
	if d.cfg.Replica == nil {
		p.RepairError = "no replica configured"
		return
	}
	err := func() error {
		r, err := d.cfg.Replica.Open(ctx, p.Subject)
		if err != nil {
			return fmt.Errorf("replica: %w", err)
		}
		defer r.Close()
		if err := d.cfg.Blobs.Repair(ctx, p.Subject, r); err != nil {
			return err
		}
		return blob.Verify(ctx, d.cfg.Blobs, p.Subject)
	}()
	if err != nil {
		p.RepairError = err.Error()
		return
	}
	p.Repaired = true
	d.cfg.Logger.WarnContext(ctx, "doctor: blob restored from the replica", "key", p.Subject)
}

// checkOrphans lists the blobs nothing references through the blob collector, which
// deletes them on --repair.
func (d *Doctor) checkOrphans(ctx context.Context, rep *Report) error {
	var replicas []blob.Store
	if d.cfg.Replica != nil {
		replicas = []blob.Store{d.cfg.Replica}
	}
	gc, err := blobgc.New(blobgc.Config{Store: d.cfg.Store, Blobs: d.cfg.Blobs, Replicas: replicas, Grace: d.cfg.Grace,
		DryRun: !d.cfg.Repair, Logger: d.cfg.Logger, Now: d.cfg.Now})
	if err != nil {
		return fmt.Errorf("doctor: %w", err)
	}
	results, err := gc.RunOnce(ctx)
	for _, r := range results {
		rep.Checked.StoredBlobs += len(r.Deleted) + r.Referenced + r.Fresh + r.Locked + r.Failed
		for _, o := range r.Deleted {
			if strings.HasPrefix(o.Key, blob.ProbePrefix+"/") {
				continue // the readiness check's own write, unreferenced by design
			}
			rep.Problems = append(rep.Problems, Problem{Check: CheckBlobs, Kind: KindOrphan, Subject: o.Key,
				Detail: fmt.Sprintf("in the %s store, %d bytes stored %s, referenced by nothing", r.Store, o.Size,
					o.Modified.UTC().Format(time.RFC3339)), Repaired: d.cfg.Repair})
		}
	}
	failed := 0
	for _, r := range results {
		failed += r.Failed
	}
	switch {
	case err != nil && failed == 0:
		return fmt.Errorf("doctor: orphans: %w", err)
	case err != nil:
		rep.Problems = append(rep.Problems, Problem{Check: CheckBlobs, Kind: KindOrphan, Subject: "collection",
			Detail: fmt.Sprintf("%d orphans could not be deleted", failed), RepairError: err.Error()})
	}
	return nil
}

// checkRegisters compares each register's counter with the numbers held; only a
// register whose summary is off has its numbers read one by one.
func (d *Doctor) checkRegisters(ctx context.Context, rep *Report) error {
	summaries, err := d.cfg.Store.RegisterListSummaries(ctx)
	if err != nil {
		return fmt.Errorf("doctor: registers: %w", err)
	}
	for _, s := range summaries {
		rep.Checked.Registers++
		if s.Sound() {
			continue
		}
		held, err := d.cfg.Store.RegisterListHeld(ctx, s.RegisterKey)
		if err != nil {
			return fmt.Errorf("doctor: register %s: %w", d.registerName(s.RegisterKey), err)
		}
		rep.Problems = append(rep.Problems, registerProblems(d.registerName(s.RegisterKey), s.LastNumber, held)...)
	}
	return nil
}

func (d *Doctor) registerName(k engine.RegisterKey) string {
	name := fmt.Sprintf("%s/%d/%s", d.agencyCode(k.AgencyID), k.Year, k.Kind)
	if k.Series != "" {
		name += "/" + k.Series
	}
	return name
}

func (d *Doctor) agencyCode(id string) string {
	if c, ok := d.code[id]; ok {
		return c
	}
	return id
}

// registerProblems finds, in numbers held (in order), the runs of 1..last held by no
// one, the numbers held more than once and those above the counter.
func registerProblems(register string, last int, held []int) []Problem {
	var out []Problem
	add := func(kind, detail string) {
		out = append(out, Problem{Check: CheckRegisters, Kind: kind, Subject: register, Detail: detail})
	}
	next := 1 // the lowest number not yet seen
	for i, n := range held {
		if i > 0 && n == held[i-1] {
			if i == 1 || held[i-2] != n {
				add(KindDuplicate, fmt.Sprintf("number %d is held by %d documents", n, count(held, n)))
			}
			continue
		}
		if n > next && next <= last {
			add(KindGap, numbersMissing(next, min(n-1, last)))
		}
		if n > last {
			add(KindBeyondCounter, fmt.Sprintf("number %d is held but the counter stands at %d", n, last))
		}
		next = max(next, n+1)
	}
	if next <= last {
		add(KindGap, numbersMissing(next, last))
	}
	return out
}

func numbersMissing(from, to int) string {
	if from == to {
		return fmt.Sprintf("number %d was handed out but no document holds it", from)
	}
	return fmt.Sprintf("numbers %d-%d were handed out but no document holds them", from, to)
}

func count(sorted []int, n int) int {
	c := 0
	for _, m := range sorted {
		if m == n {
			c++
		}
	}
	return c
}

// checkDocuments lists outgoing documents waiting between steps longer than StuckAfter.
// Repairing them is a person's decision (seal it, recall it), never the doctor's.
func (d *Doctor) checkDocuments(ctx context.Context, rep *Report) error {
	const limit = 1000
	docs, err := d.cfg.Store.DocumentListStuck(ctx, d.cfg.Now().Add(-d.cfg.StuckAfter), limit)
	if err != nil {
		return fmt.Errorf("doctor: documents: %w", err)
	}
	for _, doc := range docs {
		var kind, detail string
		switch doc.State {
		case engine.StateNumbered:
			kind, detail = KindNumberedNotSealed, "numbered "+doc.Notation+" but not signed by the agency"
		case engine.StateAgencySigned:
			kind, detail = KindSealedNotDispatched, doc.Notation+" signed by the agency but not dispatched"
		default:
			if doc.DraftFiles > 0 {
				continue // drafting takes its time
			}
			kind, detail = KindDraftWithoutFile, fmt.Sprintf("%s with no draft file", doc.State)
		}
		rep.Problems = append(rep.Problems, Problem{Check: CheckDocuments, Kind: kind,
			Subject: "document " + doc.ID, Detail: fmt.Sprintf("%s, agency %s, since %s", detail, d.agencyCode(doc.AgencyID),
				doc.UpdatedAt.Format(time.RFC3339))})
	}
	if len(docs) == limit {
		rep.Problems = append(rep.Problems, Problem{Check: CheckDocuments, Kind: "truncated", Subject: "documents",
			Detail: fmt.Sprintf("only the oldest %d waiting documents were looked at", limit)})
	}
	return nil
}

// checkAudit recomputes every agency's audit chain.
func (d *Doctor) checkAudit(ctx context.Context, rep *Report) error {
	for _, a := range d.agencies {
		problems, n, err := d.eng.VerifyAudit(ctx, a.ID)
		if err != nil {
			return fmt.Errorf("doctor: audit of %s: %w", a.Code, err)
		}
		rep.Checked.AuditChains++
		rep.Checked.AuditEvents += n
		for _, p := range problems {
			rep.Problems = append(rep.Problems, Problem{Check: CheckAudit, Kind: KindBrokenChain, Subject: "agency " + a.Code,
				Detail: fmt.Sprintf("event %d: %s", p.Seq, p.Reason)})
		}
	}
	return nil
}

// Summary counts the problems by check and kind, e.g. "blobs missing=1 registers gap=2".
func (r Report) Summary() string {
	if len(r.Problems) == 0 {
		return "no problems"
	}
	counts := map[string]int{}
	var order []string
	for _, p := range r.Problems {
		k := p.Check + " " + p.Kind
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%s=%d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}
