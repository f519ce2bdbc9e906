package archive

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Lease lets one node of a cluster at a time run a background pass (fixity, renewal).
type Lease interface {
	// TryAcquire takes the named lease unless someone holds it; ok is false then. The
	// caller calls release when its pass is over.
	TryAcquire(ctx context.Context, name string) (release func(), ok bool, err error)
}

// PostgresLease holds a PostgreSQL session-level advisory lock on a connection of its
// own for as long as the pass runs: the nodes of a cluster share the database, and the
// lock goes away with the connection if a node dies mid-pass.
type PostgresLease struct {
	URL string // postgres://…
}

// leaseKeyBase keeps these locks apart from the migration lock ("vanthu" in ASCII).
const leaseKeyBase = "vanthu.archive."

// SQL of the lease. It is PostgreSQL-only and runs on a dedicated session, so it is not
// one of sqlstore's named queries shared with SQLite.
const (
	sqlTryAdvisoryLock = "SELECT pg_try_advisory_lock($1)"
	sqlAdvisoryUnlock  = "SELECT pg_advisory_unlock($1)"
)

// TryAcquire implements Lease.
func (l PostgresLease) TryAcquire(ctx context.Context, name string) (func(), bool, error) {
	conn, err := pgx.Connect(ctx, l.URL)
	if err != nil {
		return nil, false, fmt.Errorf("archive: lease %s: connect: %w", name, err)
	}
	key := leaseKey(name)
	var ok bool
	if err := conn.QueryRow(ctx, sqlTryAdvisoryLock, key).Scan(&ok); err != nil || !ok {
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return nil, false, fmt.Errorf("archive: lease %s: %w", name, err)
		}
		return nil, false, nil
	}
	release := func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		// Closing the session releases the lock even when the unlock fails.
		conn.Exec(rctx, sqlAdvisoryUnlock, key)
		conn.Close(rctx)
	}
	return release, true, nil
}

func leaseKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(leaseKeyBase + name))
	return int64(h.Sum64())
}

// FileLease is the lease of a single machine (the embedded default): an exclusive lock
// on a file in the data directory, which every vanthu process there shares. The kernel
// drops it when the process ends.
type FileLease struct {
	Dir string

	mu   sync.Mutex
	held map[string]bool
}

// TryAcquire implements Lease.
func (l *FileLease) TryAcquire(ctx context.Context, name string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]bool{}
	}
	if l.held[name] { // the lock below is per process: this keeps two goroutines apart
		return nil, false, nil
	}
	if err := os.MkdirAll(l.Dir, 0o750); err != nil {
		return nil, false, fmt.Errorf("archive: lease %s: %w", name, err)
	}
	f, err := os.OpenFile(filepath.Join(l.Dir, name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("archive: lease %s: %w", name, err)
	}
	if err := leaseLockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLockHeld) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("archive: lease %s: %w", name, err)
	}
	l.held[name] = true
	release := func() {
		leaseUnlockFile(f)
		f.Close()
		l.mu.Lock()
		delete(l.held, name)
		l.mu.Unlock()
	}
	return release, true, nil
}

var errLockHeld = errors.New("lock held by another process")

// ErrLeaseHeld: another node (or process) is running the same pass right now.
var ErrLeaseHeld = errors.New("archive: another node holds the lease")
