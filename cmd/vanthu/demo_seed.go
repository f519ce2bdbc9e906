package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/keyring"
	"github.com/vanthu/vanthu/storage"
	"github.com/vanthu/vanthu/storage/blob"
	"github.com/vanthu/vanthu/storage/sqlstore"
)

// ensureDemo seeds the demo province on the first start of the embedded default, and
// prints the demo logins on every start while they exist. A database the operator named
// is never seeded behind their back: that is 'vanthu seed'.
// The demo CA answers from demo (serve's, for as long as it runs), else from each step.
func ensureDemo(ctx context.Context, cfg *config, store *sqlstore.Store, blobs blob.Store, demo *demoPKI, stdout io.Writer) error {
	if !cfg.embedded() {
		return nil
	}
	n, err := store.AgencyCount(ctx)
	if err != nil {
		return fmt.Errorf("count agencies: %w", err)
	}
	password, err := demoPassword(cfg.Data)
	if err != nil {
		return err
	}
	seeded := n == 0
	if seeded {
		res, err := seed.DemoAs(ctx, store, password, demoIdentity())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Seeded the demo province: %d agencies, %d units, %d users.\n", res.Agencies, res.Units, len(res.Logins))
	}
	if _, err := store.UserGetByUsername(ctx, "vanthu.tinh"); err != nil {
		return nil // not the demo database
	}
	n, err = issueDemoKeys(ctx, cfg, store, blobs, demo, password)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "Issued %d demo signing keys (leaders and agencies) from the demo CA.\n", n)
	}
	if seeded {
		// A first look should show work: the demo fortnight runs once, and today's work
		// is left waiting for the province's people and a district's clerk.
		sum, err := playDemo(ctx, cfg, store, blobs, nil, demo, password, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Played the demo fortnight: %d documents issued, %d overdue; today's work is waiting.\n",
			sum.DocumentsIssued, sum.Overdue)
	}
	printLogins(stdout, password)
	return nil
}

// issueDemoKeys gives every demo leader and deputy a personal key and every demo agency
// its key and seal, from the demo CA, with the demo password as PIN; those that already
// have a key keep it. It returns how many keys it issued.
func issueDemoKeys(ctx context.Context, cfg *config, store engine.Store, blobs blob.Store, demo *demoPKI, pin string) (int, error) {
	kr := keyring.New(keyring.Config{Engine: engine.New(store), Store: store, Blobs: blobs})
	missing := func(o keyring.Owner) (bool, error) {
		ok, err := kr.HasKey(ctx, o)
		return !ok, err
	}
	// What is missing is found first: most starts issue nothing and need no CA.
	var people []string
	var agencies []engine.Agency
	all, err := store.AgencyList(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo keys: %w", err)
	}
	for _, a := range all {
		ms, err := store.MembershipListByAgency(ctx, a.ID)
		if err != nil {
			return 0, fmt.Errorf("demo keys: %w", err)
		}
		for _, m := range ms {
			if (m.Role != engine.RoleLeader && m.Role != engine.RoleDeputyLeader) || slices.Contains(people, m.UserID) {
				continue
			}
			if need, err := missing(keyring.User(m.UserID)); err != nil {
				return 0, err
			} else if need {
				people = append(people, m.UserID)
			}
		}
		if need, err := missing(keyring.Agency(a.ID)); err != nil {
			return 0, err
		} else if need {
			agencies = append(agencies, a)
		}
	}
	if len(people)+len(agencies) == 0 {
		return 0, nil
	}
	if demo == nil {
		if demo, err = startDemoPKI(ctx, demoPKIDir(cfg.Data)); err != nil {
			return 0, err
		}
		defer demo.Close()
	}
	ca := demo.ca
	// Issuing waits mostly on the disk: a few at a time keep a first start short.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	seal := demoSealPNG()
	for _, id := range people {
		g.Go(func() error {
			u, err := store.UserGetByID(gctx, id)
			if err != nil {
				return err
			}
			if _, err := kr.IssueDemoPerson(gctx, ca, u, pin, demoSignaturePNG(len(u.FullName))); err != nil {
				return fmt.Errorf("demo key of %s: %w", u.Username, err)
			}
			return nil
		})
	}
	for _, a := range agencies {
		g.Go(func() error {
			if _, err := kr.IssueDemoAgency(gctx, ca, a, pin, seal); err != nil {
				return fmt.Errorf("demo key of %s: %w", a.Code, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return len(people) + len(agencies), nil
}

// demoPassword is VANTHU_DEMO_PASSWORD, else a random one kept in the data directory so
// that every start prints the same.
func demoPassword(dataDir string) (string, error) {
	if p := os.Getenv("VANTHU_DEMO_PASSWORD"); p != "" {
		return p, nil
	}
	path := filepath.Join(dataDir, "demo-password")
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read demo password: %w", err)
	}
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	p := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	if err := os.WriteFile(path, []byte(p+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write demo password: %w", err)
	}
	return p, nil
}

func printLogins(w io.Writer, password string) {
	fmt.Fprintf(w, `
Demo province (Hòa Bình): every demo user's password is %q.
Logins are <role>.<agency>, for example:
  lanhdao.tinh      Chủ tịch UBND tỉnh (leader)
  pholanhdao.tinh   Phó Chủ tịch UBND tỉnh (deputy leader)
  vanthu.tinh       Văn thư UBND tỉnh (clerk)
  truongphong.tinh  Trưởng phòng (unit head)
  chuyenvien.tinh   Chuyên viên (specialist)
  luutru.tinh       Lưu trữ viên (archivist)
  quantri.tinh      Quản trị hệ thống (admin)
Agencies: tinh (UBND tỉnh); snv, stc, skhdt, stttt (sở); tphoabinh, maichau, luongson, caophong
(huyện); phuonglam, thinhlang, tanthinh, ttmaichau, dongbang, tongdau, ttluongson, hoason,
nhuantrach, ttcaophong, thuphong (xã) — e.g. vanthu.maichau, chuyenvien.dongbang.
Leaders and agencies sign with demo keys (demo CA, not for production): the PIN is the same password.

`, password)
}

func runSeed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg := bindConfig(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	password, err := demoPassword(cfg.Data)
	if err != nil {
		return err
	}
	res, err := seed.DemoAs(ctx, store, password, demoIdentity())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Seeded the demo province: %d agencies, %d units, %d users.\n", res.Agencies, res.Units, len(res.Logins))
	// The demo leaders and agencies sign in the UI with keys from the demo CA.
	blobs, err := cfg.openBlobs(ctx)
	if err != nil {
		return err
	}
	n, err := issueDemoKeys(ctx, cfg, store, blobs, nil, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Issued %d demo signing keys (leaders and agencies) from the demo CA.\n", n)
	printLogins(stdout, password)
	return nil
}

func (c *config) redactedDatabaseURL() string { return storage.Redact(c.databaseURL()) }
