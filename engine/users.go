package engine

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/engine/password"
)

// User administration: an admin of an agency manages the people who hold a role in it or
// in an agency below it (least privilege: nobody else's). Every change is audited in the
// chain of each agency the person belongs to.

// UserPage is one page of an agency's users, with each one's roles everywhere.
type UserPage struct {
	Users       []User
	Memberships map[string][]Membership // by user id
	Total       int
	Next        string // UserFilter.After for the next page; "" on the last
}

// maxUserPage bounds a page of users.
const maxUserPage = 100

// ListUsers lists one page of the users holding a role in f.AgencyID, for an admin of
// that agency or of one above it.
func (e *Engine) ListUsers(ctx context.Context, actor Actor, f UserFilter) (UserPage, error) {
	if f.Limit <= 0 || f.Limit > maxUserPage {
		f.Limit = maxUserPage
	}
	c := &change{e: e, q: e.store, actor: actor, action: "list_users"}
	if actor != System {
		if err := c.adminOf(ctx, f.AgencyID); err != nil {
			return UserPage{}, fmt.Errorf("list users: %w", err)
		}
	}
	want := f
	want.Limit = f.Limit + 1 // one more tells whether a next page exists
	users, err := e.store.UserListByAgency(ctx, want)
	if err != nil {
		return UserPage{}, fmt.Errorf("list users: %w", err)
	}
	p := UserPage{Memberships: map[string][]Membership{}}
	if len(users) > f.Limit {
		users = users[:f.Limit]
		p.Next = users[len(users)-1].Username
	}
	p.Users = users
	for _, u := range users {
		if p.Memberships[u.ID], err = e.store.MembershipListByUser(ctx, u.ID); err != nil {
			return UserPage{}, fmt.Errorf("list users: %w", err)
		}
	}
	if p.Total, err = e.store.UserCountByAgency(ctx, f); err != nil {
		return UserPage{}, fmt.Errorf("list users: %w", err)
	}
	return p, nil
}

// GetUser reads a user the actor manages, with their roles everywhere. Anyone else's user
// is not found.
func (e *Engine) GetUser(ctx context.Context, actor Actor, userID string) (User, []Membership, error) {
	c := &change{e: e, q: e.store, actor: actor, action: "get_user"}
	u, ms, err := c.managedUser(ctx, userID)
	if err != nil {
		return User{}, nil, fmt.Errorf("get user: %w", err)
	}
	return u, ms, nil
}

// managedUser reads a user and their memberships, and refuses (as not found) one the
// actor does not administer.
func (c *change) managedUser(ctx context.Context, userID string) (User, []Membership, error) {
	u, err := c.q.UserGetByID(ctx, userID)
	if err != nil {
		return User{}, nil, err
	}
	ms, err := c.q.MembershipListByUser(ctx, userID)
	if err != nil {
		return User{}, nil, err
	}
	if c.actor != System && !c.adminOfAny(ctx, membershipAgencies(ms)) {
		return User{}, nil, refuse(c.action, ReasonNotYourAgency, "the user has no role in an agency the actor administers")
	}
	return u, ms, nil
}

// userChange runs a change of a user the actor manages in one transaction and audits it
// in the chain of each of the user's agencies.
func (e *Engine) userChange(ctx context.Context, actor Actor, userID string, action Action,
	fn func(c *change, u *User, ms []Membership) (after any, err error)) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		u, ms, err := c.managedUser(ctx, userID)
		if err != nil {
			return err
		}
		after, err := fn(c, &u, ms)
		if err != nil {
			return err
		}
		agencies := membershipAgencies(ms)
		if len(agencies) == 0 {
			agencies = []string{actor.AgencyID}
		}
		c.auditEach(agencies, "user", userID, after)
		return c.finish(ctx, "", userID)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

// CreateStaff adds a person with their first role and a temporary password, which is
// returned once: the person must choose their own at the first login.
func (e *Engine) CreateStaff(ctx context.Context, actor Actor, u User, m Membership) (User, string, error) {
	temp, err := password.Temporary()
	if err != nil {
		return User{}, "", err
	}
	hash, err := password.Hash(temp, password.TemporaryParams)
	if err != nil {
		return User{}, "", err
	}
	u.ID, u.CreatedAt, u.PasswordHash, u.MustChangePassword = NewID(), e.timestamp(), hash, true
	u.Email = strings.TrimSpace(u.Email)
	m.UserID = u.ID
	if err := validateStaff(&u, &m); err != nil {
		return User{}, "", err
	}
	err = e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: "create_user", now: e.timestamp()}
		if actor != System {
			if err := c.adminOf(ctx, m.AgencyID); err != nil {
				return err
			}
		}
		if err := checkUnit(ctx, q, m); err != nil {
			return err
		}
		if err := q.UserInsert(ctx, &u); err != nil {
			return err
		}
		if err := q.MembershipInsert(ctx, &m); err != nil {
			return err
		}
		c.audit(m.AgencyID, "user", u.ID, nil, map[string]any{"username": u.Username, "full_name": u.FullName,
			"role": m.Role, "unit": m.UnitID, "title": m.Title})
		return c.finish(ctx, "", u.ID)
	})
	if err != nil {
		return User{}, "", fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return u, temp, nil
}

func validateStaff(u *User, m *Membership) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if err := checkEmail(u.Email); err != nil {
		return err
	}
	return m.Validate()
}

// checkEmail accepts "" (no e-mail) or one bare address.
func checkEmail(email string) error {
	if email == "" {
		return nil
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return invalid("email", "%q is not an e-mail address", email)
	}
	return nil
}

// checkUnit refuses a membership whose unit is not one of its agency's.
func checkUnit(ctx context.Context, q Queries, m Membership) error {
	if m.UnitID == "" {
		return nil
	}
	unit, err := q.UnitGetByID(ctx, m.UnitID)
	if err != nil {
		return fmt.Errorf("unit: %w", err)
	}
	if unit.AgencyID != m.AgencyID {
		return invalid("unit_id", "unit %s does not belong to this agency", unit.ShortName)
	}
	return nil
}

// UpdateUser changes a person's full name and e-mail.
func (e *Engine) UpdateUser(ctx context.Context, actor Actor, userID, fullName, email string) error {
	return e.userChange(ctx, actor, userID, "update_user", func(c *change, u *User, _ []Membership) (any, error) {
		u.FullName, u.Email = strings.TrimSpace(fullName), strings.TrimSpace(email)
		if err := u.Validate(); err != nil {
			return nil, err
		}
		if err := checkEmail(u.Email); err != nil {
			return nil, err
		}
		return map[string]any{"full_name": u.FullName, "email": u.Email}, c.q.UserUpdate(ctx, u)
	})
}

// SetUserDisabled deactivates a person (their sessions end at once; they can no longer
// log in) or reactivates them. Nobody deactivates themselves.
func (e *Engine) SetUserDisabled(ctx context.Context, actor Actor, userID string, disabled bool) error {
	action := Action("reactivate_user")
	if disabled {
		action = "deactivate_user"
	}
	return e.userChange(ctx, actor, userID, action, func(c *change, u *User, _ []Membership) (any, error) {
		if disabled && userID == actor.UserID {
			return nil, refuse(action, ReasonWrongRole, "an admin does not deactivate their own account")
		}
		u.Disabled = disabled
		if err := c.q.UserUpdate(ctx, u); err != nil {
			return nil, err
		}
		if disabled {
			if _, err := c.q.SessionDeleteByUser(ctx, userID); err != nil {
				return nil, err
			}
		}
		return map[string]any{"disabled": disabled}, nil
	})
}

// ResetPassword gives a person a new temporary password, returned once, and ends their
// sessions: they must choose their own at the next login.
func (e *Engine) ResetPassword(ctx context.Context, actor Actor, userID string) (string, error) {
	temp, err := password.Temporary()
	if err != nil {
		return "", err
	}
	hash, err := password.Hash(temp, password.TemporaryParams)
	if err != nil {
		return "", err
	}
	err = e.userChange(ctx, actor, userID, "reset_password", func(c *change, _ *User, _ []Membership) (any, error) {
		if err := c.q.UserResetPassword(ctx, userID, hash); err != nil {
			return nil, err
		}
		_, err := c.q.SessionDeleteByUser(ctx, userID)
		return map[string]any{"must_change_password": true}, err
	})
	if err != nil {
		return "", err
	}
	return temp, nil
}

// GrantRole gives a person the actor manages a role in an agency the actor administers
// (across agencies: a province's admin places a person of one agency in another).
func (e *Engine) GrantRole(ctx context.Context, actor Actor, m Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return e.userChange(ctx, actor, m.UserID, "grant", func(c *change, _ *User, ms []Membership) (any, error) {
		if actor != System {
			if err := c.adminOf(ctx, m.AgencyID); err != nil {
				return nil, err
			}
		}
		if err := checkUnit(ctx, c.q, m); err != nil {
			return nil, err
		}
		if err := c.q.MembershipInsert(ctx, &m); err != nil {
			return nil, err
		}
		if !slices.Contains(membershipAgencies(ms), m.AgencyID) {
			// The new agency's chain records it too.
			c.audit(m.AgencyID, "user", m.UserID, nil, membershipAudit(m))
		}
		return membershipAudit(m), nil
	})
}

// RevokeRole takes a role away. A person keeps at least one role (deactivate the account
// instead), and an admin does not revoke the admin role they act in.
func (e *Engine) RevokeRole(ctx context.Context, actor Actor, m Membership) error {
	return e.userChange(ctx, actor, m.UserID, "revoke", func(c *change, _ *User, ms []Membership) (any, error) {
		if actor != System {
			if err := c.adminOf(ctx, m.AgencyID); err != nil {
				return nil, err
			}
		}
		if len(ms) <= 1 {
			return nil, refuse("revoke", ReasonWrongState, "a user keeps at least one role; deactivate the account instead")
		}
		if m.UserID == actor.UserID && m.AgencyID == actor.AgencyID && m.Role == actor.Role {
			return nil, refuse("revoke", ReasonWrongRole, "an admin does not revoke the role they act in")
		}
		if err := c.q.MembershipDelete(ctx, &m); err != nil {
			return nil, err
		}
		return membershipAudit(m), nil
	})
}

func membershipAudit(m Membership) map[string]any {
	return map[string]any{"agency": m.AgencyID, "role": m.Role, "unit": m.UnitID, "title": m.Title}
}
