package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine/calendar"
	"github.com/vanthu/vanthu/engine/password"
)

// Engine is the domain: every change of state goes through it.
type Engine struct {
	store Store
	now   func() time.Time
	// Calendar counts working days for deadlines; the national default until an admin
	// loads the province's own.
	Calendar *calendar.Calendar
	// PasswordParams are the argon2id costs for new password hashes.
	PasswordParams password.Params
}

// New returns an engine over a migrated store.
func New(store Store) *Engine {
	return &Engine{store: store, now: time.Now, Calendar: calendar.Default(), PasswordParams: password.Default}
}

// SetClock replaces the engine's clock (tests, the demo's scripted day).
func (e *Engine) SetClock(now func() time.Time) { e.now = now }

// Store gives read access for the layers above (queries that change nothing).
func (e *Engine) Store() Store { return e.store }

// NewID returns a time-ordered UUID (v7): indexes stay compact and IDs sort by creation.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// timestamp is now, at the precision both databases keep.
func (e *Engine) timestamp() time.Time { return e.now().UTC().Truncate(time.Microsecond) }

// CreateAgency adds an agency to the tree under its parent.
func (e *Engine) CreateAgency(ctx context.Context, a Agency) (Agency, error) {
	a.ID, a.CreatedAt = NewID(), e.timestamp()
	if err := a.Validate(); err != nil {
		return Agency{}, err
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		if a.ParentID != "" {
			if _, err := q.AgencyGetByID(ctx, a.ParentID); err != nil {
				return fmt.Errorf("parent agency: %w", err)
			}
		}
		return q.AgencyInsert(ctx, &a)
	})
	if err != nil {
		return Agency{}, fmt.Errorf("create agency %s: %w", a.Code, err)
	}
	return a, nil
}

// CreateUnit adds a unit (phòng ban) to an agency.
func (e *Engine) CreateUnit(ctx context.Context, u Unit) (Unit, error) {
	u.ID, u.CreatedAt = NewID(), e.timestamp()
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	if err := e.store.UnitInsert(ctx, &u); err != nil {
		return Unit{}, fmt.Errorf("create unit %s: %w", u.ShortName, err)
	}
	return u, nil
}

// CreateUser adds a user with a password (argon2id-hashed; the plain text is not kept).
func (e *Engine) CreateUser(ctx context.Context, u User, plainPassword string) (User, error) {
	hash, err := password.Hash(plainPassword, e.PasswordParams)
	if err != nil {
		return User{}, err
	}
	return e.CreateUserWithHash(ctx, u, hash)
}

// CreateUserWithHash adds a user whose password hash is already computed (bulk imports,
// the demo seed where every user shares one password).
func (e *Engine) CreateUserWithHash(ctx context.Context, u User, hash string) (User, error) {
	u.ID, u.CreatedAt, u.PasswordHash = NewID(), e.timestamp(), hash
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	if err := e.store.UserInsert(ctx, &u); err != nil {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return u, nil
}

// Grant gives a user a role in an agency (and unit).
func (e *Engine) Grant(ctx context.Context, m Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		if m.UnitID != "" {
			unit, err := q.UnitGetByID(ctx, m.UnitID)
			if err != nil {
				return fmt.Errorf("unit: %w", err)
			}
			if unit.AgencyID != m.AgencyID {
				return invalid("unit_id", "unit %s does not belong to this agency", unit.ShortName)
			}
		}
		return q.MembershipInsert(ctx, &m)
	})
	if err != nil {
		return fmt.Errorf("grant %s: %w", m.Role, err)
	}
	return nil
}

// Authenticate checks a login. Unknown users and wrong passwords give the same error so
// that a caller cannot probe for usernames.
func (e *Engine) Authenticate(ctx context.Context, username, plainPassword string) (User, error) {
	u, err := e.store.UserGetByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.Disabled || password.Check(plainPassword, u.PasswordHash) != nil {
		return User{}, ErrBadLogin
	}
	return u, nil
}

// ErrBadLogin is the one answer to a failed login.
var ErrBadLogin = errors.New("wrong username or password")
