package engine

import "context"

// UserQueries are the store operations of user administration.
type UserQueries interface {
	// UserUpdate writes a user's full name, e-mail, disabled and must-change flags.
	UserUpdate(ctx context.Context, u *User) error
	// UserResetPassword sets a temporary password hash: the user must change it.
	UserResetPassword(ctx context.Context, userID, hash string) error
	// UserListByAgency lists one page of the users holding a role in f.AgencyID, by
	// username; UserCountByAgency counts them over all pages.
	UserListByAgency(ctx context.Context, f UserFilter) ([]User, error)
	UserCountByAgency(ctx context.Context, f UserFilter) (int, error)
	// UserListByUsernames reads the users of names in one go, in no particular order;
	// names that name no user are left out.
	UserListByUsernames(ctx context.Context, names []string) ([]User, error)
}

// UserFilter selects one page of an agency's users.
type UserFilter struct {
	AgencyID string // required
	// Query matches usernames and full names containing it, case-insensitively (for full
	// names with diacritics, as the database lower-cases them).
	Query string
	After string // the last username of the previous page; "" for the first
	Limit int
}
