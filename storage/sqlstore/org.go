package sqlstore

import (
	"context"
	"errors"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

var (
	qAgencyInsert          = sqlFor("AgencyInsert")
	qAgencyUpdate          = sqlFor("AgencyUpdate")
	qAgencyGetByID         = sqlFor("AgencyGetByID")
	qAgencyGetByCode       = sqlFor("AgencyGetByCode")
	qAgencyList            = sqlFor("AgencyList")
	qAgencyListSubtree     = sqlFor("AgencyListSubtree")
	qAgencyCount           = sqlFor("AgencyCount")
	qUnitInsert            = sqlFor("UnitInsert")
	qUnitGetByID           = sqlFor("UnitGetByID")
	qUnitListByAgency      = sqlFor("UnitListByAgency")
	qUserInsert            = sqlFor("UserInsert")
	qUserGetByID           = sqlFor("UserGetByID")
	qUserGetByUsername     = sqlFor("UserGetByUsername")
	qUserList              = sqlFor("UserList")
	qMembershipInsert      = sqlFor("MembershipInsert")
	qMembershipDelete      = sqlFor("MembershipDelete")
	qMembershipListByUser  = sqlFor("MembershipListByUser")
	qMembershipListByAgncy = sqlFor("MembershipListByAgency")
)

func (q queries) AgencyInsert(ctx context.Context, a *engine.Agency) error {
	_, err := q.exec(ctx, "agency insert", qAgencyInsert, a.ID, a.Code, a.Code102, a.Name, a.ShortName,
		string(a.Tier), nullable(a.ParentID), a.ValidTo, nullable(a.SuccessorID), a.CreatedAt.UTC(), a.NumberingPerType)
	return err
}

func (q queries) AgencyUpdate(ctx context.Context, a *engine.Agency) error {
	return q.execOne(ctx, "agency update", qAgencyUpdate, a.ID, a.Code, a.Code102, a.Name, a.ShortName,
		string(a.Tier), nullable(a.ParentID), a.ValidTo, nullable(a.SuccessorID), a.NumberingPerType)
}

func (q queries) AgencyGetByID(ctx context.Context, id string) (engine.Agency, error) {
	var a engine.Agency
	err := q.get(ctx, "agency get", qAgencyGetByID, func(r Row) (err error) { a, err = scanAgency(r); return }, id)
	return a, err
}

func (q queries) AgencyGetByCode(ctx context.Context, code string) (engine.Agency, error) {
	var a engine.Agency
	err := q.get(ctx, "agency get by code", qAgencyGetByCode, func(r Row) (err error) { a, err = scanAgency(r); return }, code)
	return a, err
}

func (q queries) AgencyList(ctx context.Context) ([]engine.Agency, error) {
	return list(ctx, q, "agency list", qAgencyList, scanAgency)
}

func (q queries) AgencyListSubtree(ctx context.Context, rootID string) ([]engine.Agency, error) {
	return list(ctx, q, "agency subtree", qAgencyListSubtree, scanAgency, rootID)
}

func (q queries) AgencyCount(ctx context.Context) (int, error) {
	var n int
	err := q.get(ctx, "agency count", qAgencyCount, func(r Row) error { return r.Scan(&n) })
	return n, err
}

func scanAgency(r Row) (engine.Agency, error) {
	var a engine.Agency
	var tier string
	var parent, successor *string
	err := r.Scan(&a.ID, &a.Code, &a.Code102, &a.Name, &a.ShortName, &tier, &parent, &a.ValidTo, &successor, &a.CreatedAt,
		&a.NumberingPerType)
	a.Tier, a.ParentID, a.SuccessorID, a.CreatedAt = engine.Tier(tier), deref(parent), deref(successor), utc(a.CreatedAt)
	if a.ValidTo != nil {
		t := a.ValidTo.UTC()
		a.ValidTo = &t
	}
	return a, err
}

func (q queries) UnitInsert(ctx context.Context, u *engine.Unit) error {
	_, err := q.exec(ctx, "unit insert", qUnitInsert, u.ID, u.AgencyID, u.Name, u.ShortName, u.CreatedAt.UTC())
	return err
}

func (q queries) UnitGetByID(ctx context.Context, id string) (engine.Unit, error) {
	var u engine.Unit
	err := q.get(ctx, "unit get", qUnitGetByID, func(r Row) (err error) { u, err = scanUnit(r); return }, id)
	return u, err
}

func (q queries) UnitListByAgency(ctx context.Context, agencyID string) ([]engine.Unit, error) {
	return list(ctx, q, "unit list", qUnitListByAgency, scanUnit, agencyID)
}

func scanUnit(r Row) (engine.Unit, error) {
	var u engine.Unit
	err := r.Scan(&u.ID, &u.AgencyID, &u.Name, &u.ShortName, &u.CreatedAt)
	u.CreatedAt = utc(u.CreatedAt)
	return u, err
}

func (q queries) UserInsert(ctx context.Context, u *engine.User) error {
	_, err := q.exec(ctx, "user insert", qUserInsert, u.ID, u.Username, u.FullName, u.Email, u.PasswordHash,
		u.Disabled, u.CreatedAt.UTC(), u.MustChangePassword)
	return err
}

func (q queries) UserGetByID(ctx context.Context, id string) (engine.User, error) {
	var u engine.User
	err := q.get(ctx, "user get", qUserGetByID, func(r Row) (err error) { u, err = scanUser(r); return }, id)
	return u, err
}

func (q queries) UserGetByUsername(ctx context.Context, username string) (engine.User, error) {
	var u engine.User
	err := q.get(ctx, "user get by username", qUserGetByUsername, func(r Row) (err error) { u, err = scanUser(r); return }, username)
	return u, err
}

func (q queries) UserList(ctx context.Context) ([]engine.User, error) {
	return list(ctx, q, "user list", qUserList, scanUser)
}

func scanUser(r Row) (engine.User, error) {
	var u engine.User
	err := r.Scan(&u.ID, &u.Username, &u.FullName, &u.Email, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.MustChangePassword)
	u.CreatedAt = utc(u.CreatedAt)
	return u, err
}

func (q queries) MembershipInsert(ctx context.Context, m *engine.Membership) error {
	_, err := q.exec(ctx, "membership insert", qMembershipInsert, m.UserID, m.AgencyID, nullable(m.UnitID),
		string(m.Role), m.Title)
	return q.credentialsChanged(err, CredentialChange{UserID: m.UserID})
}

func (q queries) MembershipDelete(ctx context.Context, m *engine.Membership) error {
	return q.credentialsChanged(q.execOne(ctx, "membership delete", qMembershipDelete, m.UserID, m.AgencyID, m.UnitID, string(m.Role)),
		CredentialChange{UserID: m.UserID})
}

func (q queries) MembershipListByUser(ctx context.Context, userID string) ([]engine.Membership, error) {
	return list(ctx, q, "membership list by user", qMembershipListByUser, scanMembership, userID)
}

// MembershipRequire fails with refusal unless the user holds the role in the agency. On a
// connection that pipelines, the check travels with the transaction's next statement.
func (q queries) MembershipRequire(ctx context.Context, userID, agencyID string, role engine.Role, refusal error) error {
	held := func(n int64) error {
		if n == 0 {
			return refusal
		}
		return nil
	}
	if p, ok := q.conn.(Pipeliner); ok {
		p.Defer("membership held", qMembershipHeld, []any{userID, agencyID, string(role)}, held)
		return nil
	}
	var one int
	err := q.get(ctx, "membership held", qMembershipHeld, func(r Row) error { return r.Scan(&one) }, userID, agencyID, string(role))
	if errors.Is(err, engine.ErrNotFound) {
		return refusal
	}
	return err
}

func (q queries) MembershipListByAgency(ctx context.Context, agencyID string) ([]engine.Membership, error) {
	return list(ctx, q, "membership list by agency", qMembershipListByAgncy, scanMembership, agencyID)
}

func scanMembership(r Row) (engine.Membership, error) {
	var m engine.Membership
	var unit *string
	var role string
	err := r.Scan(&m.UserID, &m.AgencyID, &unit, &role, &m.Title)
	m.UnitID, m.Role = deref(unit), engine.Role(role)
	return m, err
}

var qMembershipHeld = sqlFor("MembershipHeld")

var (
	qUserUpdate          = sqlFor("UserUpdate")
	qUserResetPassword   = sqlFor("UserResetPassword")
	qUserListByAgency    = sqlFor("UserListByAgency")
	qUserCountByAgency   = sqlFor("UserCountByAgency")
	qUserListByUsernames = sqlFor("UserListByUsernames")
)

func (q queries) UserUpdate(ctx context.Context, u *engine.User) error {
	return q.credentialsChanged(q.execOne(ctx, "user update", qUserUpdate, u.ID, u.FullName, u.Email, u.Disabled, u.MustChangePassword),
		CredentialChange{UserID: u.ID})
}

func (q queries) UserResetPassword(ctx context.Context, userID, hash string) error {
	return q.credentialsChanged(q.execOne(ctx, "user reset password", qUserResetPassword, userID, hash), CredentialChange{UserID: userID})
}

func (q queries) UserListByAgency(ctx context.Context, f engine.UserFilter) ([]engine.User, error) {
	return list(ctx, q, "user list by agency", qUserListByAgency, scanUser, f.AgencyID, userPattern(f.Query), f.After, f.Limit)
}

func (q queries) UserCountByAgency(ctx context.Context, f engine.UserFilter) (int, error) {
	var n int
	err := q.get(ctx, "user count by agency", qUserCountByAgency, func(r Row) error { return r.Scan(&n) }, f.AgencyID,
		userPattern(f.Query))
	return n, err
}

func (q queries) UserListByUsernames(ctx context.Context, names []string) ([]engine.User, error) {
	return listByIDs(ctx, q, "user list by usernames", qUserListByUsernames, scanUser, names)
}

// userPattern is the LIKE pattern of a users search: the lower-cased text anywhere, its
// wildcards taken literally; "" matches everyone.
func userPattern(query string) string {
	query = strings.ToLower(strings.TrimSpace(query))
	if query == "" {
		return ""
	}
	return "%" + likeEscape(query) + "%"
}
