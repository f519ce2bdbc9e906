package sqlstore

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vanthu/vanthu/migrations"
)

const (
	createMigrationTable = `CREATE TABLE IF NOT EXISTS schema_migration (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL
)`
	selectMigration = `SELECT count(*) FROM schema_migration WHERE version = $1`
	insertMigration = `INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)`
	selectVersion   = `SELECT coalesce(max(version), 0) FROM schema_migration`
)

// Migrate applies the pending migrations of the driver's dialect, each in its own
// transaction together with the row that records it. Several nodes may start at once: the
// driver's exclusive lock serialises them and a step already applied is skipped.
//
// The job queue's tables are migrated first, under the same lock: vanthu's migrations
// may use them.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	return s.MigrateTo(ctx, 0)
}

// MigrateTo is Migrate up to version (0: all); a migration's test starts from the schema
// before it.
func (s *Store) MigrateTo(ctx context.Context, version int) (applied int, err error) {
	steps, err := migrations.For(s.driver.Dialect())
	if err != nil {
		return 0, err
	}
	err = s.driver.Exclusive(ctx, func(b Beginner) error {
		if err := inTx(ctx, b, func(tx Tx) error {
			_, err := tx.Exec(ctx, createMigrationTable)
			return err
		}); err != nil {
			return fmt.Errorf("create schema_migration: %w", err)
		}
		if err := migrateJobQueue(ctx, b); err != nil {
			return err
		}
		for _, m := range steps {
			if version > 0 && m.Version > version {
				break
			}
			done, err := applyMigration(ctx, b, m)
			if err != nil {
				return fmt.Errorf("migration %03d_%s: %w", m.Version, m.Name, s.driver.Translate(err))
			}
			if done {
				applied++
				slog.InfoContext(ctx, "migration applied", "version", m.Version, "name", m.Name)
			}
		}
		return nil
	})
	return applied, err
}

// SchemaVersion reports the newest applied migration, 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.get(ctx, "schema version", selectVersion, func(r Row) error { return r.Scan(&v) })
	return v, err
}

// LatestSchemaVersion is the version this binary migrates to.
func (s *Store) LatestSchemaVersion() (int, error) {
	steps, err := migrations.For(s.driver.Dialect())
	if err != nil || len(steps) == 0 {
		return 0, err
	}
	return steps[len(steps)-1].Version, nil
}

func applyMigration(ctx context.Context, b Beginner, m migrations.Migration) (applied bool, err error) {
	err = inTx(ctx, b, func(tx Tx) error {
		var n int
		if err := tx.QueryRow(ctx, selectMigration, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, insertMigration, m.Version, m.Name, time.Now().UTC()); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

func inTx(ctx context.Context, b Beginner, fn func(tx Tx) error) (err error) {
	tx, err := b.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = tx.Rollback(rctx)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
