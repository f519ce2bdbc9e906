package engine

import "context"

// Store is the metadata database as the engine sees it. storage/ implements it for
// PostgreSQL and SQLite; storage/storetest holds the conformance suite both must pass.
//
// Every method returns ErrNotFound for a missing row and ErrConflict for a uniqueness
// violation, whatever the database said.
type Store interface {
	Queries
	// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise.
	InTx(ctx context.Context, fn func(q Queries) error) error
	Ping(ctx context.Context) error
	Close() error
}

// Queries are the operations available both inside and outside a transaction.
type Queries interface {
	AgencyInsert(ctx context.Context, a *Agency) error
	AgencyUpdate(ctx context.Context, a *Agency) error
	AgencyGetByID(ctx context.Context, id string) (Agency, error)
	AgencyGetByCode(ctx context.Context, code string) (Agency, error)
	AgencyList(ctx context.Context) ([]Agency, error)
	// AgencyListSubtree returns the agency and everything below it, parents before children.
	AgencyListSubtree(ctx context.Context, rootID string) ([]Agency, error)
	AgencyCount(ctx context.Context) (int, error)

	UnitInsert(ctx context.Context, u *Unit) error
	UnitGetByID(ctx context.Context, id string) (Unit, error)
	UnitListByAgency(ctx context.Context, agencyID string) ([]Unit, error)

	UserInsert(ctx context.Context, u *User) error
	UserGetByID(ctx context.Context, id string) (User, error)
	UserGetByUsername(ctx context.Context, username string) (User, error)
	UserList(ctx context.Context) ([]User, error)

	MembershipInsert(ctx context.Context, m *Membership) error
	MembershipDelete(ctx context.Context, m *Membership) error
	MembershipListByUser(ctx context.Context, userID string) ([]Membership, error)
	MembershipListByAgency(ctx context.Context, agencyID string) ([]Membership, error)
}
