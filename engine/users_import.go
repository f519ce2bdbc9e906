package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/vanthu/vanthu/engine/password"
)

// ImportRow is one person of a bulk import, as the file gives it.
type ImportRow struct {
	Line       int // in the file, for the preview
	Username   string
	FullName   string
	Email      string
	AgencyCode string // mã định danh, e.g. "H23.11"
	Unit       string // the unit's short name or name; "" for an agency-wide role
	Role       string // a role code or its Vietnamese name
	Title      string
}

// Problems a row of an import can have; the UI words them.
const (
	ImportMissing         = "missing"           // a required field is empty
	ImportBadUsername     = "bad_username"      // not 2-64 lower-case letters, digits, . _ -
	ImportBadEmail        = "bad_email"         // not an e-mail address
	ImportUnknownAgency   = "unknown_agency"    // no agency has the code
	ImportNotYourAgency   = "not_your_agency"   // the actor does not administer the agency
	ImportUnknownUnit     = "unknown_unit"      // the agency has no such unit
	ImportUnknownRole     = "unknown_role"      // no such role
	ImportUnitNeeded      = "unit_needed"       // a unit head needs a unit
	ImportDuplicateInFile = "duplicate_in_file" // an earlier row has the username
	ImportUsernameTaken   = "username_taken"    // a user already has the username
)

// ImportProblem is one thing wrong with a row.
type ImportProblem struct {
	Field string // the column: username, full_name, email, agency_code, unit, role
	Code  string // Import…
}

// ImportCheck is a row with what is wrong with it (nothing: it can be imported).
type ImportCheck struct {
	Row      ImportRow
	Problems []ImportProblem
}

// ImportError refuses an import with at least one bad row; nothing was imported.
type ImportError struct {
	Checks []ImportCheck
	Bad    int
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d of %d rows cannot be imported", e.Bad, len(e.Checks))
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ImportError) Unwrap() error { return ErrInvalid }

// ImportedUser is a person an import created, with their temporary password (shown once).
type ImportedUser struct {
	User         User
	Membership   Membership
	TempPassword string
}

// MaxImportRows bounds one import.
const MaxImportRows = 10000

// CheckImport checks every row of an import without changing anything: the preview.
func (e *Engine) CheckImport(ctx context.Context, actor Actor, rows []ImportRow) ([]ImportCheck, error) {
	checks, _, err := e.checkImport(ctx, e.store, actor, rows)
	var bad *ImportError
	if err != nil && !errors.As(err, &bad) {
		return nil, fmt.Errorf("check import: %w", err)
	}
	return checks, nil
}

// ImportUsers creates every row's person with their role and a temporary password, in one
// transaction: all of them or, when a row has a problem (an *ImportError lists them all)
// or anything fails, none.
func (e *Engine) ImportUsers(ctx context.Context, actor Actor, rows []ImportRow) ([]ImportedUser, error) {
	if len(rows) == 0 {
		return nil, invalid("rows", "the file has no rows")
	}
	if len(rows) > MaxImportRows {
		return nil, invalid("rows", "at most %d rows at a time", MaxImportRows)
	}
	// Checked before hashing (an error costs nothing) and again inside the transaction
	// (someone may take a username meanwhile).
	if _, _, err := e.checkImport(ctx, e.store, actor, rows); err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	out, err := temporaryPasswords(ctx, len(rows))
	if err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	err = e.store.InTx(ctx, func(q Queries) error {
		_, resolved, err := e.checkImport(ctx, q, actor, rows)
		if err != nil {
			return err
		}
		c := &change{e: e, q: q, actor: actor, action: "import_user", now: e.timestamp()}
		for i, m := range resolved {
			u := User{ID: NewID(), Username: rows[i].Username, FullName: rows[i].FullName, Email: rows[i].Email,
				PasswordHash: out[i].User.PasswordHash, CreatedAt: c.now, MustChangePassword: true}
			m.UserID = u.ID
			if err := q.UserInsert(ctx, &u); err != nil {
				return fmt.Errorf("row %d: %w", rows[i].Line, err)
			}
			if err := q.MembershipInsert(ctx, &m); err != nil {
				return fmt.Errorf("row %d: %w", rows[i].Line, err)
			}
			c.audit(m.AgencyID, "user", u.ID, nil, map[string]any{"username": u.Username, "full_name": u.FullName,
				"role": m.Role, "unit": m.UnitID, "title": m.Title})
			out[i].User, out[i].Membership = u, m
		}
		return c.finish(ctx, "", "")
	})
	if err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	return out, nil
}

// temporaryPasswords makes n temporary passwords and their hashes, on every core.
func temporaryPasswords(ctx context.Context, n int) ([]ImportedUser, error) {
	out := make([]ImportedUser, n)
	next := make(chan int)
	errs := make(chan error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				temp, err := password.Temporary()
				if err == nil {
					out[i].TempPassword = temp
					out[i].User.PasswordHash, err = password.Hash(temp, password.TemporaryParams)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range n {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return out, err
}

// checkImport checks the rows against the store (q: inside the import's transaction or
// not) and returns each row's problems and, when there are none, each row's membership.
func (e *Engine) checkImport(ctx context.Context, q Queries, actor Actor, rows []ImportRow) ([]ImportCheck, []Membership, error) {
	r := importResolver{e: e, q: q, c: &change{e: e, q: q, actor: actor, action: "import_user"},
		agencies: map[string]*importAgency{}}
	taken, err := r.takenUsernames(ctx, rows)
	if err != nil {
		return nil, nil, err
	}
	checks := make([]ImportCheck, len(rows))
	resolved := make([]Membership, len(rows))
	seen := map[string]int{}
	bad := 0
	for i, row := range rows {
		ck := ImportCheck{Row: row}
		add := func(field, code string) { ck.Problems = append(ck.Problems, ImportProblem{Field: field, Code: code}) }
		switch {
		case row.Username == "":
			add("username", ImportMissing)
		case !usernamePattern.MatchString(row.Username):
			add("username", ImportBadUsername)
		case seen[row.Username] > 0:
			add("username", ImportDuplicateInFile)
		case taken[row.Username]:
			add("username", ImportUsernameTaken)
		}
		seen[row.Username]++
		if strings.TrimSpace(row.FullName) == "" {
			add("full_name", ImportMissing)
		}
		if checkEmail(row.Email) != nil {
			add("email", ImportBadEmail)
		}
		m, err := r.membership(ctx, row, add)
		if err != nil {
			return nil, nil, err
		}
		if len(ck.Problems) > 0 {
			bad++
		}
		checks[i], resolved[i] = ck, m
	}
	if bad > 0 {
		return checks, nil, &ImportError{Checks: checks, Bad: bad}
	}
	return checks, resolved, nil
}

// importResolver looks agencies, their units and the actor's rights up once per import.
type importResolver struct {
	e        *Engine
	q        Queries
	c        *change
	agencies map[string]*importAgency
}

type importAgency struct {
	agency  Agency
	found   bool
	allowed bool
	units   []Unit
}

func (r *importResolver) takenUsernames(ctx context.Context, rows []ImportRow) (map[string]bool, error) {
	names := make([]string, 0, len(rows))
	for _, row := range rows {
		if row.Username != "" {
			names = append(names, row.Username)
		}
	}
	users, err := r.q.UserListByUsernames(ctx, names)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, u := range users {
		taken[u.Username] = true
	}
	return taken, nil
}

// membership resolves a row's agency, unit and role, reporting problems through add.
func (r *importResolver) membership(ctx context.Context, row ImportRow, add func(field, code string)) (Membership, error) {
	var m Membership
	role, ok := ParseRole(row.Role)
	switch {
	case strings.TrimSpace(row.Role) == "":
		add("role", ImportMissing)
	case !ok:
		add("role", ImportUnknownRole)
	}
	m.Role, m.Title = role, strings.TrimSpace(row.Title)
	if row.AgencyCode == "" {
		add("agency_code", ImportMissing)
		return m, nil
	}
	a, err := r.agency(ctx, row.AgencyCode)
	if err != nil {
		return m, err
	}
	switch {
	case !a.found:
		add("agency_code", ImportUnknownAgency)
		return m, nil
	case !a.allowed:
		add("agency_code", ImportNotYourAgency)
		return m, nil
	}
	m.AgencyID = a.agency.ID
	if name := strings.TrimSpace(row.Unit); name != "" {
		for _, u := range a.units {
			if strings.EqualFold(u.ShortName, name) || strings.EqualFold(u.Name, name) {
				m.UnitID = u.ID
			}
		}
		if m.UnitID == "" {
			add("unit", ImportUnknownUnit)
		}
	} else if role == RoleUnitHead {
		add("unit", ImportUnitNeeded)
	}
	return m, nil
}

func (r *importResolver) agency(ctx context.Context, code string) (*importAgency, error) {
	if a, ok := r.agencies[code]; ok {
		return a, nil
	}
	a := &importAgency{}
	r.agencies[code] = a
	ag, err := r.q.AgencyGetByCode(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	a.agency, a.found = ag, true
	a.allowed = r.c.actor == System || r.c.adminOf(ctx, ag.ID) == nil
	if a.units, err = r.q.UnitListByAgency(ctx, ag.ID); err != nil {
		return nil, err
	}
	return a, nil
}

// roleNames are the Vietnamese names a file may give a role by, lower-cased.
var roleNames = map[string]Role{
	"văn thư": RoleClerk, "lãnh đạo": RoleLeader, "người đứng đầu": RoleLeader, "phó lãnh đạo": RoleDeputyLeader,
	"cấp phó": RoleDeputyLeader, "trưởng phòng": RoleUnitHead, "trưởng đơn vị": RoleUnitHead, "chuyên viên": RoleSpecialist,
	"lưu trữ": RoleArchivist, "lưu trữ viên": RoleArchivist, "quản trị": RoleAdmin, "quản trị hệ thống": RoleAdmin,
}

// ParseRole reads a role by its code ("clerk") or Vietnamese name ("Văn thư").
func ParseRole(s string) (Role, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if r := Role(s); r.valid() {
		return r, true
	}
	r, ok := roleNames[s]
	return r, ok
}
