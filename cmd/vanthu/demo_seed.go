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
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/storage"
)

// ensureDemo seeds the demo province on the first start of the embedded default, and
// prints the demo logins on every start while they exist. A database the operator named
// is never seeded behind their back: that is 'vanthu seed'.
func ensureDemo(ctx context.Context, cfg *config, store engine.Store, stdout io.Writer) error {
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
	if n == 0 {
		res, err := seed.Demo(ctx, store, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Seeded the demo province: %d agencies, %d units, %d users.\n", res.Agencies, res.Units, len(res.Logins))
	}
	if _, err := store.UserGetByUsername(ctx, "vanthu.tinh"); err != nil {
		return nil // not the demo database
	}
	printLogins(stdout, password)
	return nil
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
	res, err := seed.Demo(ctx, store, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Seeded the demo province: %d agencies, %d units, %d users.\n", res.Agencies, res.Units, len(res.Logins))
	printLogins(stdout, password)
	return nil
}

func (c *config) redactedDatabaseURL() string { return storage.Redact(c.databaseURL()) }
