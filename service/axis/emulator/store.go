package emulator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the pure-Go driver storage/sqlite uses

	"github.com/vanthu/vanthu/service/axis"
)

// store is the emulator's index: agencies and packages in SQLite (WAL, synchronous FULL,
// so that a committed send survives kill -9 and a power cut). Bodies are files.
type store struct{ db *sql.DB }

const schema = `
CREATE TABLE IF NOT EXISTS agencies (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	parent_code TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	system_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS packages (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	type TEXT NOT NULL,
	sender_system TEXT NOT NULL,
	from_code TEXT NOT NULL,
	to_code TEXT NOT NULL,
	key TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	size INTEGER NOT NULL,
	created INTEGER NOT NULL,
	state TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS packages_key ON packages(sender_system, key, to_code) WHERE key <> '';
CREATE INDEX IF NOT EXISTS packages_inbox ON packages(to_code, state);
CREATE INDEX IF NOT EXISTS packages_sent ON packages(sender_system, created);
`

func openStore(ctx context.Context, path string) (*store, error) {
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(FULL)")
	params.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("open axis index %s: %w", path, err)
	}
	// One connection: the emulator's load is small and one writer keeps a send's check
	// of its idempotency key and its inserts in one serial step.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open axis index %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// upsertConfigured registers the configured agencies, moving any to its configured system.
func (s *store) upsertConfigured(ctx context.Context, systems []System) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, sys := range systems {
			for _, a := range sys.Agencies {
				a.SystemID = sys.ID
				if err := putAgency(ctx, tx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func putAgency(ctx context.Context, tx *sql.Tx, a axis.Agency) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agencies (code, name, parent_code, email, phone, address, system_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,
		email = excluded.email, phone = excluded.phone, address = excluded.address, system_id = excluded.system_id`,
		a.Code, a.Name, a.ParentCode, a.Email, a.Phone, a.Address, a.SystemID)
	if err != nil {
		return fmt.Errorf("register agency %s: %w", a.Code, err)
	}
	return nil
}

var errOtherSystem = errors.New("agency belongs to another system")

// registerAgency adds or updates an agency of system; one of another system is refused.
func (s *store) registerAgency(ctx context.Context, system string, a axis.Agency) (created bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		owner, err := agencyOwner(ctx, tx, a.Code)
		switch {
		case err != nil:
			return err
		case owner != "" && owner != system:
			return errOtherSystem
		}
		created = owner == ""
		a.SystemID = system
		return putAgency(ctx, tx, a)
	})
	return created, err
}

func agencyOwner(ctx context.Context, tx *sql.Tx, code string) (string, error) {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT system_id FROM agencies WHERE code = ?`, code).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up agency %s: %w", code, err)
	}
	return owner, nil
}

func (s *store) agencies(ctx context.Context) ([]axis.Agency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, parent_code, email, phone, address, system_id
		FROM agencies ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list agencies: %w", err)
	}
	defer rows.Close()
	out := []axis.Agency{}
	for rows.Next() {
		var a axis.Agency
		if err := rows.Scan(&a.Code, &a.Name, &a.ParentCode, &a.Email, &a.Phone, &a.Address, &a.SystemID); err != nil {
			return nil, fmt.Errorf("list agencies: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// sendRequest is a checked send whose body is already stored under bodyName.
type sendRequest struct {
	system   string
	typ      axis.MessageType
	from     string
	to       []string
	key      string
	bodyName string
	size     int64
}

// existing returns the packages a key already made, by recipient.
func (s *store) existing(ctx context.Context, system, key string) (map[string]axis.Package, error) {
	out := map[string]axis.Package{}
	if key == "" {
		return out, nil
	}
	pkgs, err := s.query(ctx, `WHERE sender_system = ? AND key = ?`, system, key)
	for _, p := range pkgs {
		out[p.To] = p
	}
	return out, err
}

// refusals checks the sender and the recipients: errOtherSystem when the sender is not
// an agency of the calling system, a refusal per unknown recipient.
func (s *store) refusals(ctx context.Context, system, from string, to []string) ([]axis.Refusal, error) {
	var refused []axis.Refusal
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		owner, err := agencyOwner(ctx, tx, from)
		if err != nil {
			return err
		}
		if owner != system {
			return errOtherSystem
		}
		for _, code := range to {
			owner, err := agencyOwner(ctx, tx, code)
			if err != nil {
				return err
			}
			if owner == "" {
				refused = append(refused, axis.Refusal{To: code,
					Reason: "cơ quan " + code + " không có trong danh bạ trục (not in the axis directory)"})
			}
		}
		return nil
	})
	return refused, err
}

// send stores one package per recipient, in one transaction; a recipient that the same
// key already reached keeps its package. created says whether anything new was stored.
func (s *store) send(ctx context.Context, req sendRequest, now time.Time, newID func() string) (pkgs []axis.Package, created bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		pkgs, created = nil, false
		for _, to := range req.to {
			if req.key != "" {
				p, err := queryOne(ctx, tx, `WHERE sender_system = ? AND key = ? AND to_code = ?`, req.system, req.key, to)
				if err == nil {
					pkgs = append(pkgs, p)
					continue
				}
				if !errors.Is(err, axis.ErrNotFound) {
					return err
				}
			}
			p := axis.Package{ID: newID(), Type: req.typ, From: req.from, To: to, Key: req.key, Size: req.size,
				Created: now, State: axis.StatePending, Updated: now}
			_, err := tx.ExecContext(ctx, `INSERT INTO packages (id, type, sender_system, from_code, to_code, key, body, size,
				created, state, reason, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
				p.ID, p.Type, req.system, p.From, p.To, p.Key, req.bodyName, p.Size, now.UnixNano(), p.State, now.UnixNano())
			if err != nil {
				return fmt.Errorf("store package to %s: %w", to, err)
			}
			pkgs, created = append(pkgs, p), true
		}
		return nil
	})
	return pkgs, created, err
}

// received lists what waits for the system's agencies, oldest first.
func (s *store) received(ctx context.Context, system string) ([]axis.Package, error) {
	return s.query(ctx, `WHERE to_code IN (SELECT code FROM agencies WHERE system_id = ?) AND state IN ('pending', 'processing')`, system)
}

func (s *store) sent(ctx context.Context, system string, since time.Time) ([]axis.Package, error) {
	return s.query(ctx, `WHERE sender_system = ? AND created >= ?`, system, since.UnixNano())
}

// receivedOne is a package addressed to one of the system's agencies, with its body's name.
func (s *store) receivedOne(ctx context.Context, system, id string) (axis.Package, string, error) {
	var body string
	p, err := scanPackage(s.db.QueryRowContext(ctx, `SELECT `+packageColumns+`, body FROM packages
		WHERE id = ? AND to_code IN (SELECT code FROM agencies WHERE system_id = ?)`, id, system), &body)
	return p, body, err
}

var errFinal = errors.New("package already acknowledged with another final state")

// acknowledge sets a received package's state. Setting the state it already has is a
// no-op (a receiver retrying), changing done into fail or back is refused.
func (s *store) acknowledge(ctx context.Context, system, id string, state axis.State, reason string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := queryOne(ctx, tx, `WHERE id = ? AND to_code IN (SELECT code FROM agencies WHERE system_id = ?)`, id, system)
		if err != nil {
			return err
		}
		final := p.State == axis.StateDone || p.State == axis.StateFail
		switch {
		case final && p.State == state:
			return nil
		case final:
			return errFinal
		}
		_, err = tx.ExecContext(ctx, `UPDATE packages SET state = ?, reason = ?, updated = ? WHERE id = ?`,
			state, reason, now.UnixNano(), id)
		if err != nil {
			return fmt.Errorf("acknowledge package %s: %w", id, err)
		}
		return nil
	})
}

const packageColumns = `id, type, from_code, to_code, key, size, created, state, reason, updated`

type rowScanner interface{ Scan(dest ...any) error }

func scanPackage(row rowScanner, extra ...any) (axis.Package, error) {
	var p axis.Package
	var created, updated int64
	err := row.Scan(append([]any{&p.ID, &p.Type, &p.From, &p.To, &p.Key, &p.Size, &created, &p.State, &p.Reason, &updated}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return p, axis.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read package: %w", err)
	}
	p.Created, p.Updated = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	return p, nil
}

func queryOne(ctx context.Context, tx *sql.Tx, where string, args ...any) (axis.Package, error) {
	return scanPackage(tx.QueryRowContext(ctx, `SELECT `+packageColumns+` FROM packages `+where, args...))
}

func (s *store) query(ctx context.Context, where string, args ...any) ([]axis.Package, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+packageColumns+` FROM packages `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	defer rows.Close()
	out := []axis.Package{}
	for rows.Next() {
		p, err := scanPackage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("axis index: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("axis index: commit: %w", err)
	}
	return nil
}
