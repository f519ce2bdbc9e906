package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// The records workspace (hồ sơ): the yearly list with planning and opening, a record's
// page with its documents, metadata, state and audit trail, and filing from a document.

// recordsPageSize is one page of the workspace's lists.
const recordsPageSize = 25

// recordPickerSize is how many open records the filing form offers at once.
const recordPickerSize = 10

// recordKeepers keep the agency's whole list; anyone else works on the records they own.
var recordKeepers = []engine.Role{engine.RoleClerk, engine.RoleArchivist, engine.RoleLeader, engine.RoleDeputyLeader}

func keepsRecords(role engine.Role) bool { return slices.Contains(recordKeepers, role) }

// recordListView is the yearly records list (danh mục hồ sơ) with its search and the form
// that plans or opens a record.
type recordListView struct {
	Year    int // 0: every year
	Years   []int
	Query   string
	State   string
	States  []engine.RecordState
	Page    int
	More    bool
	Records []engine.Record
	// Notices counts the closed records due for hand-over within 30 days or overdue.
	Notices int
	Keeper  bool // plans the list and sees everyone's records
	// Archivist exports the fonds's closed records of the year.
	Archivist bool
	// Values are what the create form held when it was refused, Errs why, per field.
	Values map[string]string
	Errs   map[string]string
}

// PageQuery is the list's query string for another page.
func (v recordListView) PageQuery(page int) string {
	q := url.Values{"year": {strconv.Itoa(v.Year)}, "page": {strconv.Itoa(page)}}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if v.State != "" {
		q.Set("state", v.State)
	}
	return q.Encode()
}

// recordList is GET /records?year=&q=&state=&page=.
func (u *UI) recordList(w http.ResponseWriter, r *http.Request, s *session) {
	u.showRecordList(w, r, s, nil, nil)
}

func (u *UI) showRecordList(w http.ResponseWriter, r *http.Request, s *session, values map[string]string, formErr error) {
	ctx := r.Context()
	q := r.URL.Query()
	thisYear := thisYear()
	v := recordListView{Year: thisYear, Query: strings.TrimSpace(q.Get("q")), Page: 1, Keeper: keepsRecords(s.Actor.Role),
		Archivist: s.Actor.Role == engine.RoleArchivist, Values: values, Errs: fieldErrors(formErr),
		States: []engine.RecordState{engine.RecordPlanned, engine.RecordOpen, engine.RecordClosed, engine.RecordHandedOver, engine.RecordDestroyed}}
	for y := thisYear + 1; y >= thisYear-5; y-- {
		v.Years = append(v.Years, y)
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && (y == 0 || (y >= 1945 && y <= 9999)) {
		v.Year = y
	}
	if st := engine.RecordState(q.Get("state")); slices.Contains(v.States, st) {
		v.State = string(st)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 100000 {
		v.Page = n
	}
	recs, err := u.deps.Engine.RecordPage(ctx, s.Actor, engine.RecordFilter{Year: v.Year, State: engine.RecordState(v.State),
		Text: v.Query, Offset: (v.Page - 1) * recordsPageSize, Limit: recordsPageSize + 1})
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	if len(recs) > recordsPageSize {
		recs, v.More = recs[:recordsPageSize], true
	}
	v.Records = recs
	if v.Keeper {
		notices, _ := u.deps.Engine.HandOverNotices(ctx, s.Actor.AgencyID)
		v.Notices = len(notices)
	}
	if formErr != nil {
		u.formError(w, r, s, "records", "records.title", v, s.namedFields(formErr))
		return
	}
	u.render(w, r, s, "records", "records.title", v)
}

// recordCreate is POST /records: a record planned into the year's list (mode=plan, the
// keepers) or opened now (mode=open, anyone who keeps records of their own).
func (u *UI) recordCreate(w http.ResponseWriter, r *http.Request, s *session) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		u.fail(w, r, s, badInput("err.invalid"))
		return
	}
	values := formValues(r)
	year, err := strconv.Atoi(strings.TrimSpace(values["year"]))
	if err != nil {
		u.showRecordList(w, r, s, values, &engine.ValidationError{Field: "year", Message: s.T("records.err.year")})
		return
	}
	spec, err := recordSpecInput(s, values)
	if err == nil {
		if values["mode"] == "plan" {
			_, err = u.deps.Engine.PlanRecords(r.Context(), s.Actor, year, []engine.RecordSpec{spec})
		} else {
			_, err = u.deps.Engine.OpenRecord(r.Context(), s.Actor, year, spec)
		}
	}
	if err != nil {
		u.showRecordList(w, r, s, values, err)
		return
	}
	redirectDone(w, r, "/records?year="+strconv.Itoa(year), "record_"+map[bool]string{true: "planned", false: "opened"}[values["mode"] == "plan"])
}

// recordSpecInput reads the create form: code, title, and a retention in years or
// permanent (the schedule's category may set it instead).
func recordSpecInput(s *session, f map[string]string) (engine.RecordSpec, error) {
	spec := engine.RecordSpec{Code: strings.TrimSpace(f["code"]), Title: strings.TrimSpace(f["title"]),
		Category: strings.TrimSpace(f["category"])}
	switch years := strings.TrimSpace(f["retention"]); years {
	case "permanent":
		spec.Retention = engine.Retention{Permanent: true}
	case "":
	default:
		n, err := strconv.Atoi(years)
		if err != nil {
			return spec, &engine.ValidationError{Field: "retention", Message: s.T("records.err.years")}
		}
		spec.Retention = engine.Retention{Years: n}
	}
	return spec, nil
}

// recordPickItem is one open record offered by the filing form's search.
type recordPickItem struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
	Year  int    `json:"year"`
}

// recordPick is GET /records/pick?q=: the open records of the year matching what is typed
// in the filing form, for app.js.
func (u *UI) recordPick(w http.ResponseWriter, r *http.Request, s *session) {
	recs, err := u.openRecords(r, s, r.URL.Query().Get("q"))
	if err != nil {
		status, msg, _ := u.explain(w, r, s, err)
		httpx.WriteJSON(w, status, map[string]string{"error": msg})
		return
	}
	out := []recordPickItem{}
	for _, rec := range recs {
		out = append(out, recordPickItem{ID: rec.ID, Code: rec.Code, Title: rec.Title, Year: rec.Year})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

// openRecords are the open records of this year (and the last, whose work may go on)
// that the actor may file into, matching query.
func (u *UI) openRecords(r *http.Request, s *session, query string) ([]engine.Record, error) {
	var out []engine.Record
	for _, year := range []int{thisYear(), thisYear() - 1} {
		recs, err := u.deps.Engine.RecordPage(r.Context(), s.Actor, engine.RecordFilter{Year: year, State: engine.RecordOpen,
			Text: strings.TrimSpace(query), Limit: recordPickerSize - len(out)})
		if err != nil {
			return nil, err
		}
		if out = append(out, recs...); len(out) >= recordPickerSize {
			break
		}
	}
	return out, nil
}

// fieldErrors names each field a refused form had wrong, with the engine's reason.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var many engine.ValidationErrors
	var one *engine.ValidationError
	switch {
	case errors.As(err, &many):
		for _, v := range many {
			out[v.Field] = v.Message
		}
	case errors.As(err, &one):
		out[one.Field] = one.Message
	}
	return out
}

// formValues are a parsed form's first values.
func formValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for k := range r.PostForm {
		if k != "csrf_token" && k != "pin" {
			out[k] = strings.TrimSpace(r.PostFormValue(k))
		}
	}
	return out
}

// namedFields turns a validation error into one that names every bad field in the
// alert above the form; other errors stay as they are.
func (s *session) namedFields(err error) error {
	errs := fieldErrors(err)
	if len(errs) == 0 {
		return err
	}
	return &userError{status: http.StatusUnprocessableEntity, key: "err.invalid", detail: s.fieldList(errs)}
}

// fieldList is every bad field in the user's words.
func (s *session) fieldList(errs map[string]string) string {
	names := make([]string, 0, len(errs))
	for f := range errs {
		names = append(names, f)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, f := range names {
		parts = append(parts, s.FieldName(f)+": "+errs[f])
	}
	return strings.Join(parts, "; ")
}

// FieldName is a form field's label ("documents[2].issued_date" keeps its place).
func (s *session) FieldName(field string) string {
	base, rest, _ := strings.Cut(field, ".")
	if rest != "" && strings.Contains(base, "[") {
		return base + " " + s.FieldName(rest)
	}
	if label := s.T("field." + field); !strings.HasPrefix(label, "field.") {
		return label
	}
	return field
}

// thisYear is the year in Vietnam now.
func thisYear() int { return time.Now().In(vietnam).Year() }
