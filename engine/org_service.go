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
	// Calendar holds the national defaults; CalendarFor gives a province's own, with the
	// years its admin edited.
	Calendar *calendar.Calendar
	cals     calendars
	// PasswordParams are the argon2id costs for new password hashes.
	PasswordParams password.Params
}

// New returns an engine over a migrated store.
func New(store Store) *Engine {
	return &Engine{store: store, now: time.Now, Calendar: calendar.Default(), PasswordParams: password.Default}
}

// SetClock replaces the engine's clock (tests, the demo's scripted day).
func (e *Engine) SetClock(now func() time.Time) { e.now = now }

// NewID returns a time-ordered UUID (v7): indexes stay compact and IDs sort by creation.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// timestamp is now, at the precision both databases keep.
func (e *Engine) timestamp() time.Time { return e.now().UTC().Truncate(time.Microsecond) }

// System is the actor of changes no person makes: bootstrapping, the demo seed, a
// recipient's copy cancelled by the sender's recall.
var System = Actor{UserID: "system", Role: "system"}

// orgChange runs an organisation change in a transaction: the actor must be System or
// an admin of the agency concerned or of one above it; the change is audited in that
// agency's chain.
func (e *Engine) orgChange(ctx context.Context, actor Actor, agencyID string, action Action, objectType, objectID string,
	after any, fn func(q Queries) error) error {
	return e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		if actor != System {
			if err := c.adminOf(ctx, agencyID); err != nil {
				return err
			}
		}
		if err := fn(q); err != nil {
			return err
		}
		if agencyID != "" {
			c.audit(agencyID, objectType, objectID, nil, after)
		}
		return c.finish(ctx, "", objectID)
	})
}

// adminOf checks that the actor is an admin of agencyID or of an agency above it.
func (c *change) adminOf(ctx context.Context, agencyID string) error {
	ms, err := c.q.MembershipListByUser(ctx, c.actor.UserID)
	if err != nil {
		return err
	}
	for id, depth := agencyID, 0; id != "" && depth < 32; depth++ {
		for _, m := range ms {
			if m.AgencyID == id && m.Role == RoleAdmin && c.actor.Role == RoleAdmin && c.actor.AgencyID == id {
				return nil
			}
		}
		a, err := c.q.AgencyGetByID(ctx, id)
		if err != nil {
			return err
		}
		id = a.ParentID
	}
	return refuse(c.action, ReasonWrongRole, "only an admin of this agency or one above it may do this")
}

// CreateAgency adds an agency to the tree under its parent.
func (e *Engine) CreateAgency(ctx context.Context, actor Actor, a Agency) (Agency, error) {
	a.ID, a.CreatedAt = NewID(), e.timestamp()
	if err := a.Validate(); err != nil {
		return Agency{}, err
	}
	scope := a.ParentID
	if scope == "" {
		scope = a.ID // a new root: only System creates one
	}
	err := e.orgChange(ctx, actor, scope, "create_agency", "agency", a.ID, map[string]any{"code": a.Code, "name": a.Name},
		func(q Queries) error {
			if a.ParentID != "" {
				if _, err := q.AgencyGetByID(ctx, a.ParentID); err != nil {
					return fmt.Errorf("parent agency: %w", err)
				}
			} else if actor != System {
				return refuse("create_agency", ReasonWrongRole, "only the system creates a root agency")
			}
			return q.AgencyInsert(ctx, &a)
		})
	if err != nil {
		return Agency{}, fmt.Errorf("create agency %s: %w", a.Code, err)
	}
	return a, nil
}

// CreateUnit adds a unit (phòng ban) to an agency.
func (e *Engine) CreateUnit(ctx context.Context, actor Actor, u Unit) (Unit, error) {
	u.ID, u.CreatedAt = NewID(), e.timestamp()
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	err := e.orgChange(ctx, actor, u.AgencyID, "create_unit", "unit", u.ID, map[string]any{"name": u.Name, "short": u.ShortName},
		func(q Queries) error { return q.UnitInsert(ctx, &u) })
	if err != nil {
		return Unit{}, fmt.Errorf("create unit %s: %w", u.ShortName, err)
	}
	return u, nil
}

// CreateUser adds a user with a password (argon2id-hashed; the plain text is not kept).
// The user acts nowhere until granted a role; the actor's agency records the creation.
func (e *Engine) CreateUser(ctx context.Context, actor Actor, u User, plainPassword string) (User, error) {
	hash, err := password.Hash(plainPassword, e.PasswordParams)
	if err != nil {
		return User{}, err
	}
	return e.CreateUserWithHash(ctx, actor, u, hash)
}

// CreateUserWithHash adds a user whose password hash is already computed (bulk imports,
// the demo seed where every user shares one password).
func (e *Engine) CreateUserWithHash(ctx context.Context, actor Actor, u User, hash string) (User, error) {
	u.ID, u.CreatedAt, u.PasswordHash = NewID(), e.timestamp(), hash
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	err := e.orgChange(ctx, actor, actor.AgencyID, "create_user", "user", u.ID, map[string]any{"username": u.Username},
		func(q Queries) error { return q.UserInsert(ctx, &u) })
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return u, nil
}

// Grant gives a user a role in an agency (and unit).
func (e *Engine) Grant(ctx context.Context, actor Actor, m Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	err := e.orgChange(ctx, actor, m.AgencyID, "grant", "membership", m.UserID,
		map[string]any{"user": m.UserID, "role": m.Role, "unit": m.UnitID, "title": m.Title}, func(q Queries) error {
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
