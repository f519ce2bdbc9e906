package web

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/roster"
)

// Bulk import of users: the admin uploads a CSV or XLSX file and sees every row with its
// problems (the preview); only a file with none can be imported, and the import creates
// all its people in one transaction or none. The preview carries the rows in the page, so
// that importing needs no server-side state and works on any node.

type importView struct {
	Checks []engine.ImportCheck
	Bad    int
	// Rows is the preview's rows as JSON, posted back to import them.
	Rows string
	// Created and Credentials are the result: the people and "username,password" CSV.
	Created     []engine.ImportedUser
	Credentials string
}

// usersImportPreview reads an uploaded staff list and checks every row.
func (u *UI) usersImportPreview(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Actor.Role != engine.RoleAdmin {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	rows, err := readRoster(w, r)
	if err != nil {
		u.formError(w, r, s, "users_import", "import.title", importView{}, err)
		return
	}
	checks, err := u.deps.Engine.CheckImport(r.Context(), s.Actor, rows)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v := importView{Checks: checks}
	for _, c := range checks {
		if len(c.Problems) > 0 {
			v.Bad++
		}
	}
	// Rows with problems first, so that a long file's few are seen at once.
	slices.SortStableFunc(v.Checks, func(a, b engine.ImportCheck) int {
		return cmp.Compare(min(len(b.Problems), 1), min(len(a.Problems), 1))
	})
	if v.Bad == 0 {
		b, err := json.Marshal(rows)
		if err != nil {
			u.fail(w, r, s, err)
			return
		}
		v.Rows = string(b)
	}
	u.render(w, r, s, "users_import", "import.title", v)
}

// readRoster reads the uploaded file, at most roster.MaxBytes.
func readRoster(w http.ResponseWriter, r *http.Request) ([]engine.ImportRow, error) {
	r.Body = http.MaxBytesReader(w, r.Body, roster.MaxBytes+64<<10)
	f, _, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &userError{status: http.StatusRequestEntityTooLarge, key: "import.err.too_large"}
	case err != nil:
		return nil, badInput("import.err.nofile")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, roster.MaxBytes+1))
	if err != nil {
		return nil, badInput("import.err.unreadable")
	}
	rows, err := roster.Parse(data)
	var re *roster.Error
	if errors.As(err, &re) {
		status := http.StatusUnprocessableEntity
		if re.Code == "too_large" || re.Code == "too_many_rows" {
			status = http.StatusRequestEntityTooLarge
		}
		detail := ""
		if re.Code == "missing_column" || re.Code == "unreadable" {
			detail = re.Detail
		}
		return nil, &userError{status: status, key: "import.err." + re.Code, detail: detail}
	}
	return rows, err
}

// usersImport imports the rows of a preview, all or none, and shows each new person's
// temporary password once, with a CSV of them to download.
func (u *UI) usersImport(w http.ResponseWriter, r *http.Request, s *session) {
	var rows []engine.ImportRow
	if err := json.Unmarshal([]byte(r.FormValue("rows")), &rows); err != nil {
		u.fail(w, r, s, badInput("import.err.unreadable"))
		return
	}
	created, err := u.deps.Engine.ImportUsers(r.Context(), s.Actor, rows)
	var ie *engine.ImportError
	if errors.As(err, &ie) {
		// Someone took a username since the preview, or the rows were changed: show why.
		p := &page{session: s, Title: s.T("import.title"), Data: importView{Checks: ie.Checks, Bad: ie.Bad},
			Status: http.StatusUnprocessableEntity, Live: u.liveInbox}
		u.withMenu(p)
		u.write(w, r, "users_import", p)
		return
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"username", "full_name", "temporary_password"})
	for _, c := range created {
		_ = cw.Write([]string{c.User.Username, c.User.FullName, c.TempPassword})
	}
	cw.Flush()
	p := &page{session: s, Title: s.T("import.title"), Data: importView{Created: created, Credentials: buf.String()},
		Flash: strings.ReplaceAll(s.T("done.imported"), "{n}", strconv.Itoa(len(created))), Status: http.StatusOK,
		Live: u.liveInbox}
	u.withMenu(p)
	u.write(w, r, "users_import", p)
}

// usersCredentials sends back the result page's "username,password" list as a CSV file
// (with a byte order mark, for spreadsheets): the passwords are never stored.
func (u *UI) usersCredentials(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Actor.Role != engine.RoleAdmin {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	body := r.FormValue("credentials")
	if _, err := csv.NewReader(strings.NewReader(body)).ReadAll(); err != nil || body == "" {
		u.fail(w, r, s, badInput("import.err.unreadable"))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mat-khau-tam.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "\ufeff"+body)
}
