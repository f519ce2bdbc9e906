package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg := bindConfig(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := cfg.logger(os.Stderr); err != nil {
		return err
	}
	store, err := cfg.openDatabase(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := cfg.migrate(ctx, store); err != nil {
		return err
	}
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema at version %d\n", v)
	return nil
}
