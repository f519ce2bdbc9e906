package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
)

// recordTrailSize is one page of a record's audit trail.
const recordTrailSize = 20

// recordDoc is one document of a record, in filing order.
type recordDoc struct {
	Ordinal int
	engine.Document
	Signed bool
}

// packageView is where the record's archival package stands.
type packageView struct {
	Stored   bool
	Failed   bool // the manifest could not be read
	Locked   time.Time
	Forever  bool // a permanent record's lock is extended before it runs out
	Versions int
	Objects  int
	Replicas int
	// LastCheck is the last fixity run over the archive, Damaged its findings on this record.
	LastCheck *engine.FixityRun
	Damaged   int
}

// recordView is a record's page.
type recordView struct {
	Rec   engine.Record
	Docs  []recordDoc
	Trail []engine.Event
	// TrailPage is the trail's page, TrailMore whether an older one follows.
	TrailPage int
	TrailMore bool
	// Find is the filing search's query, Found the agency's documents matching it.
	Find    string
	Found   []engine.Document
	Package packageView
	Can     map[string]bool
	Today   string
	// Values and Errs are the refused form's input and its bad fields.
	Values map[string]string
	Errs   map[string]string
}

// PageTitle names the tab after the record.
func (v recordView) PageTitle() string { return v.Rec.Code + " — " + v.Rec.Title }

// Value is what a metadata field holds: what was typed in a refused form, else the record's.
func (v recordView) Value(field string) string {
	if got, ok := v.Values[field]; ok {
		return got
	}
	m := v.Rec.RecordMetadata
	switch field {
	case "title":
		return v.Rec.Title
	case "access_mode":
		return string(m.AccessMode)
	case "language":
		return m.Language
	case "keywords":
		return strings.Join(m.Keywords, "; ")
	case "description":
		return m.Description
	case "info_sign":
		return m.InfoSign
	case "page_total":
		return strconv.Itoa(m.PageTotal)
	case "sheet_total":
		return strconv.Itoa(m.SheetTotal)
	}
	return ""
}

// EventName is an audit event's action in words.
func (s *session) EventName(action string) string {
	if label := s.T("audit." + action); !strings.HasPrefix(label, "audit.") {
		return label
	}
	return action
}

// record is GET /records/{id}?trail=N&find=Q.
func (u *UI) record(w http.ResponseWriter, r *http.Request, s *session) {
	u.recordPage(w, r, s, r.PathValue("id"), nil, nil)
}

// recordPage shows a record; after a refused action, with why above it and what was typed.
func (u *UI) recordPage(w http.ResponseWriter, r *http.Request, s *session, id string, values map[string]string, failed error) {
	ctx := r.Context()
	rec, ids, err := u.visibleRecord(ctx, s, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := recordView{Rec: rec, TrailPage: 1, Can: recordActions(s.Actor, rec), Values: values, Errs: fieldErrors(failed),
		Today: time.Now().In(vietnam).Format(time.DateOnly), Find: strings.TrimSpace(r.URL.Query().Get("find"))}
	if n, err := strconv.Atoi(r.URL.Query().Get("trail")); err == nil && n > 1 && n < 100000 {
		v.TrailPage = n
	}
	if v.Docs, err = u.recordDocs(ctx, s, ids); err != nil {
		u.fail(w, r, s, err)
		return
	}
	trail, err := u.deps.Engine.RecordTrail(ctx, s.Actor, rec.ID, (v.TrailPage-1)*recordTrailSize, recordTrailSize+1)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	if len(trail) > recordTrailSize {
		trail, v.TrailMore = trail[:recordTrailSize], true
	}
	v.Trail = trail
	if v.Find != "" && v.Can["file"] {
		found, err := u.deps.Engine.Search(ctx, s.Actor, v.Find, recordPickerSize)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		v.Found = slices.DeleteFunc(found, func(d engine.Document) bool { return slices.Contains(ids, d.ID) })
	}
	v.Package = u.packageState(ctx, rec)
	if failed != nil {
		u.formError(w, r, s, "record", "records.title", &v, s.namedFields(failed))
		return
	}
	// A pointer, so that the template may call the record's pointer methods.
	u.render(w, r, s, "record", "records.title", &v)
}

// visibleRecord reads a record the actor may work on: the keepers any the agency holds,
// anyone else the records they own; others are not found.
func (u *UI) visibleRecord(ctx context.Context, s *session, id string) (engine.Record, []string, error) {
	rec, ids, err := u.deps.Engine.HeldRecord(ctx, s.Actor, id)
	if err != nil {
		return engine.Record{}, nil, err
	}
	if !keepsRecords(s.Actor.Role) && rec.OwnerID != s.Actor.UserID {
		return engine.Record{}, nil, engine.ErrNotFound
	}
	return rec, ids, nil
}

// recordActions are what the page offers the actor on the record; the engine decides again.
func recordActions(a engine.Actor, rec engine.Record) map[string]bool {
	owner := rec.OwnerID == a.UserID
	keeper := keepsRecords(a.Role)
	archivist := a.Role == engine.RoleArchivist
	open := rec.State == engine.RecordOpen
	return map[string]bool{
		"open":     rec.State == engine.RecordPlanned && (owner || keeper),
		"file":     open && (owner || keeper),
		"remove":   open && (owner || keeper),
		"close":    open && (owner || keeper),
		"metadata": rec.State != engine.RecordDestroyed && (owner || keeper),
		"handover": rec.State == engine.RecordClosed && archivist,
		"package":  rec.State == engine.RecordHandedOver && rec.PackageKey == "" && archivist,
		"hold": (archivist || a.Role == engine.RoleLeader) && rec.State != engine.RecordDisposing &&
			rec.State != engine.RecordDestroyed,
		"export": archivist && (rec.State == engine.RecordClosed || rec.State == engine.RecordHandedOver),
		"copies": archivist && rec.State != engine.RecordDestroyed,
	}
}

// recordDocs reads a record's documents in filing order; one the actor may not see is
// left out, keeping the others' places.
func (u *UI) recordDocs(ctx context.Context, s *session, ids []string) ([]recordDoc, error) {
	out := make([]recordDoc, 0, len(ids))
	for i, id := range ids {
		d, err := u.deps.Engine.Document(ctx, s.Actor, id)
		if err != nil {
			if unavailable(err) {
				return nil, err
			}
			continue
		}
		files, err := u.deps.Store.FileListByDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		signed := slices.ContainsFunc(files, func(f engine.File) bool { return f.Kind == "signed" })
		out = append(out, recordDoc{Ordinal: i + 1, Document: d, Signed: signed})
	}
	return out, nil
}

// packageState reads the record's archival package: its lock, versions and the last
// fixity check. A manifest that cannot be read is shown as such, not as an error page.
func (u *UI) packageState(ctx context.Context, rec engine.Record) packageView {
	v := packageView{Replicas: len(u.deps.Replicas)}
	if rec.PackageKey == "" || u.deps.Blobs == nil {
		return v
	}
	v.Stored = true
	pkg, err := archive.Load(ctx, u.deps.Blobs, rec.PackageKey)
	if err != nil {
		u.deps.Logger.WarnContext(ctx, "web: archival package", "record", rec.ID, "error", err)
		v.Failed = true
		return v
	}
	v.Locked, v.Forever, v.Objects, v.Versions = pkg.RetainUntil, pkg.Permanent, len(pkg.Objects), 1
	if ver, err := archive.LoadVersion(ctx, u.deps.Blobs, rec.PackageKey); err == nil {
		v.Versions = len(ver.Versions) + 1
	}
	if report, err := u.deps.Store.FixityReportGet(ctx); err == nil && len(report.Runs) > 0 {
		v.LastCheck = &report.Runs[len(report.Runs)-1]
		for _, f := range report.Findings {
			if f.RecordID == rec.ID && f.RepairedAt == nil {
				v.Damaged++
			}
		}
	}
	return v
}

// recordAction is POST /records/{id}/{action}: close, handover, package, hold, release,
// metadata, file and remove (a document), then back to the record.
func (u *UI) recordAction(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	id, action := r.PathValue("id"), r.PathValue("action")
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	values := formValues(r)
	rec, _, err := u.visibleRecord(ctx, s, id)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	done := action
	e := u.deps.Engine
	switch action {
	case "close":
		var ended time.Time
		if ended, err = time.ParseInLocation(time.DateOnly, values["end_date"], vietnam); err != nil {
			err = &engine.ValidationError{Field: "end_date", Message: s.T("err.date")}
		} else {
			_, err = e.CloseRecord(ctx, s.Actor, id, ended)
		}
	case "open":
		_, err = e.OpenRecord(ctx, s.Actor, rec.Year, engine.RecordSpec{Code: rec.Code})
	case "handover":
		if _, err = e.HandOver(ctx, s.Actor, id); err == nil && u.storePackage(ctx, s, id) != nil {
			done = "handover_nopackage"
		}
	case "package":
		err = u.storePackage(ctx, s, id)
	case "hold", "release":
		_, err = e.SetLegalHold(ctx, s.Actor, id, action == "hold")
	case "metadata":
		m, bad := metadataInput(s, values)
		if len(bad) == 0 {
			_, err = e.SetRecordMetadata(ctx, s.Actor, id, values["title"], m)
		} else {
			err = withRecordErrors(rec, values["title"], m, bad)
		}
	case "file":
		err = u.fileInto(ctx, s, id, values["document"])
	case "remove":
		err = e.RemoveDocument(ctx, s.Actor, id, values["document"])
	default:
		err = engine.ErrNotFound
	}
	if err != nil {
		u.recordPage(w, r, s, id, values, err)
		return
	}
	redirectDone(w, r, "/records/"+id, "record_"+done)
}

// fileInto files a document into a record and, where its lifecycle allows the actor,
// closes its handling as filed (lưu): filing is what ends a document's handling.
func (u *UI) fileInto(ctx context.Context, s *session, recordID, docID string) error {
	if docID == "" {
		return &engine.ValidationError{Field: "document", Message: s.T("records.err.document")}
	}
	if err := u.deps.Engine.FileDocument(ctx, s.Actor, recordID, docID); err != nil {
		return err
	}
	d, err := u.deps.Engine.Document(ctx, s.Actor, docID)
	if err != nil {
		return err
	}
	if allowed(d, s.Actor.Role)[string(engine.ActionFile)] {
		if _, err := u.deps.Engine.File(ctx, s.Actor, docID, ""); err != nil {
			return err
		}
	}
	return nil
}

// storePackage writes the handed-over record's archival package, every object locked
// until its retention ends, and notes where it is.
func (u *UI) storePackage(ctx context.Context, s *session, recordID string) error {
	if s.Actor.Role != engine.RoleArchivist {
		return engine.ErrForbidden
	}
	pkg, err := archive.Store(ctx, u.deps.Store, u.deps.Blobs, recordID, u.deps.Replicas...)
	if err != nil {
		u.deps.Logger.WarnContext(ctx, "web: archival package not stored", "record", recordID, "error", err)
		if unavailable(err) {
			return err
		}
		return &userError{status: http.StatusUnprocessableEntity, key: "records.err.package"}
	}
	_, err = u.deps.Engine.RecordArchived(ctx, s.Actor, recordID, pkg.Manifest)
	return err
}

// withRecordErrors adds to the form's own errors (numbers that are not numbers) what
// the engine finds wrong with the rest, so that every bad field is named at once.
func withRecordErrors(rec engine.Record, title string, m engine.RecordMetadata, bad engine.ValidationErrors) error {
	if title != "" {
		rec.Title = title
	}
	rec.RecordMetadata = m
	if rec.Language == "" {
		rec.Language = "vi"
	}
	if rec.AccessMode == "" {
		rec.AccessMode = engine.AccessOpen
	}
	var more engine.ValidationErrors
	if errors.As(rec.Validate(), &more) {
		for _, v := range more {
			if !slices.ContainsFunc(bad, func(b *engine.ValidationError) bool { return b.Field == v.Field }) {
				bad = append(bad, v)
			}
		}
	}
	return bad
}

// metadataInput reads the record's description form (the national field list); numbers
// that are not numbers are its own errors.
func metadataInput(s *session, f map[string]string) (engine.RecordMetadata, engine.ValidationErrors) {
	m := engine.RecordMetadata{AccessMode: engine.AccessMode(f["access_mode"]), Language: f["language"],
		Description: f["description"], InfoSign: f["info_sign"]}
	for _, k := range strings.FieldsFunc(f["keywords"], func(r rune) bool { return r == ';' || r == ',' }) {
		if k = strings.TrimSpace(k); k != "" {
			m.Keywords = append(m.Keywords, k)
		}
	}
	var bad engine.ValidationErrors
	for field, into := range map[string]*int{"page_total": &m.PageTotal, "sheet_total": &m.SheetTotal} {
		if v := f[field]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				bad = append(bad, &engine.ValidationError{Field: field, Message: s.T("records.err.number")})
			}
			*into = n
		}
	}
	return m, bad
}
