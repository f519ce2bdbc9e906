package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/pades"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/storage/blob"
)

// The commands register themselves here so that main.go's table stays as it is.
func init() {
	commands["records"] = command{"retention and disposal of records, certified copies (records due|propose|decide|destroy|copy)", runRecords}
	commands["agency"] = command{"agency changes: a successor takes over a merged or split agency (agency succeed)", runAgency}
}

const recordsUsage = `usage:
  vanthu records due     --user NAME [--at YYYY-MM-DD]
  vanthu records propose --user NAME --title TITLE --record ID [--record ID …]
  vanthu records decide  --user NAME --appraisal ID (--approve --decision 15/QĐ-UBND | --reject --reason TEXT)
  vanthu records destroy --user NAME --appraisal ID
  vanthu records copy    --user NAME --document ID --out FILE --key KEY.p12 [--level B-B|B-T|B-LT|B-LTA] [--tsa URL]`

const agencyUsage = "usage: vanthu agency succeed --from CODE --to CODE [--at YYYY-MM-DD] [--unit OLD=NEW …] [--person OLD=NEW …] [--user ADMIN]"

// runRecords is `vanthu records …`: the archivist's retention work and certified copies,
// acting as a named user in the role each step needs.
func runRecords(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(recordsUsage)}
	}
	switch args[0] {
	case "due":
		return runRecordsDue(ctx, args[1:], stdout)
	case "propose":
		return runRecordsPropose(ctx, args[1:], stdout)
	case "decide":
		return runRecordsDecide(ctx, args[1:], stdout)
	case "destroy":
		return runRecordsDestroy(ctx, args[1:], stdout)
	case "copy":
		return runRecordsCopy(ctx, args[1:], stdout)
	}
	return usageError{fmt.Errorf("unknown records command %q\n%s", args[0], recordsUsage)}
}

// actorOf is the user acting in role in the agency where they hold it.
func actorOf(ctx context.Context, store engine.Store, username string, role engine.Role) (engine.Actor, error) {
	if username == "" {
		return engine.Actor{}, usageError{errors.New("--user is required: every step is done, and audited, as a person")}
	}
	u, err := store.UserGetByUsername(ctx, username)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("user %s: %w", username, err)
	}
	ms, err := store.MembershipListByUser(ctx, u.ID)
	if err != nil {
		return engine.Actor{}, err
	}
	for _, m := range ms {
		if m.Role == role {
			return engine.Actor{UserID: u.ID, AgencyID: m.AgencyID, Role: role}, nil
		}
	}
	return engine.Actor{}, fmt.Errorf("%s is not a %s of any agency: %w", username, role, engine.ErrForbidden)
}

// recordsSetup parses flags and opens the database and the engine.
func recordsSetup(ctx context.Context, fs *flag.FlagSet, cfg *config, args []string) (*engine.Engine, engine.Store, func(), error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, nil, err
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return engine.New(store), store, func() { store.Close() }, nil
}

func runRecordsDue(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("records due", flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the archivist")
	at := fs.String("at", "", "list what is due on this day (YYYY-MM-DD), default today")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer done()
	when := time.Now()
	if *at != "" {
		if when, err = time.Parse(time.DateOnly, *at); err != nil {
			return usageError{fmt.Errorf("--at %q: want YYYY-MM-DD", *at)}
		}
	}
	actor, err := actorOf(ctx, store, *user, engine.RoleArchivist)
	if err != nil {
		return err
	}
	recs, err := eng.DisposalCandidates(ctx, actor, when)
	if err != nil {
		return err
	}
	for _, r := range recs {
		fmt.Fprintf(stdout, "%s\t%s\t%s\thết hạn %s\t%s\n", r.ID, r.FileCode(), r.Retention, r.DisposalDue().Format(time.DateOnly), r.Title)
	}
	fmt.Fprintf(stdout, "%d records due for appraisal\n", len(recs))
	return nil
}

func runRecordsPropose(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("records propose", flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the archivist")
	title := fs.String("title", "", "title of the proposal")
	var ids stringList
	fs.Var(&ids, "record", "a record to destroy (id from `records due`), repeatable")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer done()
	actor, err := actorOf(ctx, store, *user, engine.RoleArchivist)
	if err != nil {
		return err
	}
	a, err := eng.ProposeDisposal(ctx, actor, *title, ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "appraisal %s proposed: %d records, waiting for the head of the agency\n", a.ID, len(a.RecordIDs))
	return nil
}

func runRecordsDecide(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("records decide", flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the head of the agency")
	id := fs.String("appraisal", "", "the appraisal")
	approve := fs.Bool("approve", false, "approve the destruction")
	reject := fs.Bool("reject", false, "keep the records")
	decision := fs.String("decision", "", "số, ký hiệu of the decision (quyết định hủy tài liệu hết giá trị)")
	reason := fs.String("reason", "", "why the records are kept")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer done()
	if *approve == *reject {
		return usageError{errors.New("give exactly one of --approve and --reject")}
	}
	actor, err := actorOf(ctx, store, *user, engine.RoleLeader)
	if err != nil {
		return err
	}
	a, err := eng.DecideDisposal(ctx, actor, *id, *approve, *decision, *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "appraisal %s %s\n", a.ID, a.State)
	return nil
}

func runRecordsDestroy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("records destroy", flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the archivist")
	id := fs.String("appraisal", "", "the approved appraisal")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer done()
	blobs, err := cfg.openBlobs(ctx)
	if err != nil {
		return err
	}
	replicas, err := cfg.openReplicas(ctx)
	if err != nil {
		return err
	}
	actor, err := actorOf(ctx, store, *user, engine.RoleArchivist)
	if err != nil {
		return err
	}
	d, err := eng.Destroy(ctx, actor, *id, archive.Eraser{Blobs: blobs, Replicas: replicas})
	if err != nil {
		return err
	}
	printDestruction(stdout, d)
	if !d.Complete() {
		return errors.New("some objects are still locked or failed to delete; run the command again once their lock has expired")
	}
	return nil
}

// printDestruction prints the destruction record (biên bản hủy).
func printDestruction(w io.Writer, d engine.Destruction) {
	fmt.Fprintf(w, "Biên bản hủy %s theo quyết định %s, %s\n", d.ID, d.Decision, d.ExecutedAt.Format(time.RFC3339))
	for _, r := range d.Records {
		fmt.Fprintf(w, "  %s %q: %d documents, %d objects deleted\n", r.FileCode, r.Title, len(r.Documents), len(r.Deleted))
		for _, k := range r.Retained {
			fmt.Fprintf(w, "    not deleted %s: %s\n", k.Key, k.Reason)
		}
		for _, k := range r.Kept {
			fmt.Fprintf(w, "    kept %s: %s\n", k.Key, k.Reason)
		}
	}
}

// runRecordsCopy is `vanthu records copy`: the archivist issues a certified copy (SAO Y)
// of a record's document: numbered in the agency's copy register, the signed original
// with the agency's signature added in the top-right corner of its first page.
func runRecordsCopy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("records copy", flag.ContinueOnError)
	cfg := bindConfig(fs)
	user := fs.String("user", "", "the archivist")
	docID := fs.String("document", "", "the document to copy")
	out := fs.String("out", "", "where to write the signed copy")
	keyFile := fs.String("key", "", "PKCS#12 file with the agency's key and certificate")
	module := fs.String("pkcs11-module", "", "PKCS#11 module (.so) of an HSM or USB token")
	token := fs.String("pkcs11-token", "", "PKCS#11 token label")
	keyLabel := fs.String("pkcs11-label", "", "PKCS#11 key label")
	level := fs.String("level", "B-B", "PAdES level: B-B, B-T, B-LT or B-LTA")
	tsa := fs.String("tsa", "", "RFC 3161 timestamp authority URL (B-T and up)")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args)
	if err != nil {
		return err
	}
	defer done()
	if *docID == "" || *out == "" {
		return usageError{errors.New("--document and --out are required")}
	}
	lvl, err := parseLevel(*level)
	if err != nil {
		return usageError{err}
	}
	if lvl >= pades.LevelBT && *tsa == "" {
		return usageError{fmt.Errorf("level %s needs --tsa", *level)}
	}
	blobs, err := cfg.openBlobs(ctx)
	if err != nil {
		return err
	}
	actor, err := actorOf(ctx, store, *user, engine.RoleArchivist)
	if err != nil {
		return err
	}
	key, closeKey, err := openKey(ctx, *keyFile, *module, *token, *keyLabel)
	if err != nil {
		return err
	}
	defer closeKey()
	req := signer.Request{Key: key, Level: lvl}
	if lvl >= pades.LevelBT {
		req.Timestamper = &pki.TSAClient{URL: *tsa}
	}
	if lvl >= pades.LevelBLT {
		req.Revocation = pki.NewRevocation(http.DefaultClient, key.Chain())
	}
	// The copy is numbered only if its signed file is written, and the file is kept only
	// if the number commits: one unit.
	written := false
	cp, err := eng.IssueCertifiedCopy(ctx, actor, *docID, "", func(ctx context.Context, cp engine.CertifiedCopy) (engine.FileInput, error) {
		original, err := readSized(ctx, blobs, cp.Original.BlobKey, cp.Original.Size)
		if err != nil {
			return engine.FileInput{}, fmt.Errorf("the original of %s: %w", cp.Document.ID, err)
		}
		h, size := sha256.New(), int64(0)
		err = writeAtomic(*out, func(w io.Writer) (err error) {
			size, err = keyring.SignCopyTo(ctx, io.MultiWriter(w, h), original, cp, req)
			return err
		})
		if err != nil {
			return engine.FileInput{}, err
		}
		written = true
		return engine.FileInput{Kind: "certified_copy", Name: *out, SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}, nil
	})
	if err != nil {
		if written {
			_ = os.Remove(*out)
		}
		return err
	}
	fmt.Fprintf(stdout, "SAO Y %s of %q (%s) → %s, signed by %s\n", cp.Notation, cp.Document.Subject, cp.Record.FileCode(), *out,
		key.Certificate().Subject.CommonName)
	return nil
}

// readSized reads a whole blob of about size bytes into a buffer made once for it: growing
// one as the bytes come would allocate about twice the file.
func readSized(ctx context.Context, blobs blob.Store, key string, size int64) ([]byte, error) {
	r, err := blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(max(size, 0), 1<<30)) + bytes.MinRead) // ReadFrom grows below MinRead free
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runAgency is `vanthu agency succeed --from CODE --to CODE [--at DATE]`.
func runAgency(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "succeed" {
		return usageError{errors.New(agencyUsage)}
	}
	fs := flag.NewFlagSet("agency succeed", flag.ContinueOnError)
	cfg := bindConfig(fs)
	from := fs.String("from", "", "the agency that ends (mã định danh)")
	to := fs.String("to", "", "its successor (mã định danh)")
	at := fs.String("at", "", "when it ends (YYYY-MM-DD, Vietnamese time), default now")
	user := fs.String("user", "", "an admin over both agencies; without it the operator acts as the system")
	var units, people stringList
	fs.Var(&units, "unit", "OLD=NEW: the predecessor's unit (short name) whose open work goes to the successor's unit, repeatable")
	fs.Var(&people, "person", "OLD=NEW: a user (login) whose open work goes to another user, repeatable")
	eng, store, done, err := recordsSetup(ctx, fs, cfg, args[1:])
	if err != nil {
		return err
	}
	defer done()
	if *from == "" || *to == "" {
		return usageError{errors.New("--from and --to are required")}
	}
	when := time.Now()
	if *at != "" {
		loc := time.FixedZone("ICT", 7*3600)
		if when, err = time.ParseInLocation(time.DateOnly, *at, loc); err != nil {
			return usageError{fmt.Errorf("--at %q: want YYYY-MM-DD", *at)}
		}
	}
	pred, err := store.AgencyGetByCode(ctx, *from)
	if err != nil {
		return fmt.Errorf("agency %s: %w", *from, err)
	}
	succ, err := store.AgencyGetByCode(ctx, *to)
	if err != nil {
		return fmt.Errorf("agency %s: %w", *to, err)
	}
	actor := engine.System
	if *user != "" {
		if actor, err = actorOf(ctx, store, *user, engine.RoleAdmin); err != nil {
			return err
		}
	}
	m, err := successionMap(ctx, store, pred, succ, units, people)
	if err != nil {
		return err
	}
	rep, err := eng.SucceedWith(ctx, actor, pred.ID, succ.ID, when, m)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s ended %s; %s took over %d records, %d open documents, %d assignments (%d left with its clerk to re-route)\n",
		pred.Name, when.Format(time.DateOnly), succ.Name, rep.Records, rep.Documents, rep.Assignments, len(rep.Rerouted))
	return nil
}

// successionMap turns OLD=NEW pairs of unit short names and logins into ids.
func successionMap(ctx context.Context, store engine.Store, pred, succ engine.Agency, units, people []string) (engine.SuccessionMap, error) {
	m := engine.SuccessionMap{Units: map[string]string{}, Users: map[string]string{}}
	unitID := func(a engine.Agency, short string) (string, error) {
		us, err := store.UnitListByAgency(ctx, a.ID)
		if err != nil {
			return "", err
		}
		for _, u := range us {
			if u.ShortName == short {
				return u.ID, nil
			}
		}
		return "", usageError{fmt.Errorf("--unit: %s has no unit %q", a.Name, short)}
	}
	for _, pair := range units {
		from, to, ok := strings.Cut(pair, "=")
		if !ok {
			return m, usageError{fmt.Errorf("--unit %q: want OLD=NEW", pair)}
		}
		var err error
		if from, err = unitID(pred, from); err != nil {
			return m, err
		}
		if m.Units[from], err = unitID(succ, to); err != nil {
			return m, err
		}
	}
	for _, pair := range people {
		from, to, ok := strings.Cut(pair, "=")
		if !ok {
			return m, usageError{fmt.Errorf("--person %q: want OLD=NEW", pair)}
		}
		a, err := store.UserGetByUsername(ctx, from)
		if err != nil {
			return m, fmt.Errorf("--person: user %s: %w", from, err)
		}
		b, err := store.UserGetByUsername(ctx, to)
		if err != nil {
			return m, fmt.Errorf("--person: user %s: %w", to, err)
		}
		m.Users[a.ID] = b.ID
	}
	return m, nil
}
