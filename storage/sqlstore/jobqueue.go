package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrateJobQueue creates or updates the job queue's tables (River's, beside vanthu's in
// the same database) before vanthu's own migrations, which may use them: 015 carries the
// old e-mail and webhook outbox over into river_job. Each of River's versions commits on
// its own, as some cannot share a transaction with the next (a new enum value).
func migrateJobQueue(ctx context.Context, b Beginner) error {
	var versions []rivermigrate.Migration
	err := inTx(ctx, b, func(tx Tx) error {
		raw, err := tx.Raw(ctx)
		if err == nil {
			versions, err = jobQueueStep(ctx, raw, 0)
		}
		return err
	})
	for _, v := range versions {
		if err != nil {
			break
		}
		err = inTx(ctx, b, func(tx Tx) error {
			raw, err := tx.Raw(ctx)
			if err == nil {
				_, err = jobQueueStep(ctx, raw, v.Version)
			}
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	return nil
}

// jobQueueStep migrates up to version (0: only reports River's versions).
func jobQueueStep(ctx context.Context, tx any, version int) ([]rivermigrate.Migration, error) {
	switch tx := tx.(type) {
	case pgx.Tx:
		return jobQueueMigrateTx(ctx, riverpgxv5.New(nil), tx, version)
	case *sql.Tx:
		return jobQueueMigrateTx(ctx, riversqlite.New(nil), tx, version)
	default:
		return nil, fmt.Errorf("unsupported transaction %T", tx)
	}
}

func jobQueueMigrateTx[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], tx TTx, version int) ([]rivermigrate.Migration, error) {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	if version == 0 {
		return m.AllVersions(), nil
	}
	// MigrateTx is deprecated for migrating several versions in one transaction; here each
	// version has its own, inside the store's migration lock, which Migrate cannot join.
	//lint:ignore SA1019 one version per transaction, as explained above
	_, err = m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: version})
	return nil, err
}
