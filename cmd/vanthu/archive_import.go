package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/archive"
	"github.com/vanthu/vanthu/service/indexing"
)

const importUsage = "usage: vanthu archive import --user NAME [--into AGENCY_CODE] DIR (a bag, or a directory of bags)"

// runArchiveImport is `vanthu archive import --user NAME [--into CODE] DIR`: each bag is
// validated and its record taken into this instance's archive — into the agency of its
// fonds, or into a successor with --into (the record keeps its fonds code). A bag
// imported before is reported and left alone.
func runArchiveImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("archive import", flag.ContinueOnError)
	cfg := bindConfig(fs)
	into := fs.String("into", "", "the agency taking the records in, when it is not the bag's fonds (a successor after a merger)")
	username := fs.String("user", "", "the archivist or admin of that agency taking the records in (required)")
	if helpAsked(args) {
		return parseFlags(fs, []string{"-h"})
	}
	if len(args) == 0 {
		return usageError{errors.New(importUsage)}
	}
	dir, rest := args[len(args)-1], args[:len(args)-1]
	if !strings.HasPrefix(args[0], "-") {
		dir, rest = args[0], args[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if *username == "" || strings.HasPrefix(dir, "-") {
		return usageError{errors.New(importUsage)}
	}
	bags, err := findBags(dir)
	if err != nil {
		return err
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	actor, err := importActor(ctx, store, *username, *into)
	if err != nil {
		return err
	}
	eng := engine.New(store)
	ix, err := indexing.New(indexing.Config{Engine: eng, Store: store, Blobs: blobs})
	if err != nil {
		return err
	}
	var failed []string
	for _, bag := range bags {
		name := filepath.Base(bag)
		res, err := archive.Import(ctx, eng, store, blobs, bag, archive.ImportOptions{AgencyCode: *into, Actor: actor,
			Validating: progressBar("Kiểm tra " + name), Storing: progressBar("Nhập " + name),
			Text: ix.Text})
		switch {
		case err != nil && len(bags) == 1:
			return err
		case err != nil:
			fmt.Fprintf(stdout, "NOT IMPORTED %s: %s\n", name, oneLine(err.Error()))
			failed = append(failed, name)
		case res.AlreadyImported:
			fmt.Fprintf(stdout, "already imported %s as record %s on %s: nothing changed\n", res.Identifier,
				res.Record.Code, res.Import.ImportedAt.Format("2006-01-02"))
		default:
			fmt.Fprintf(stdout, "imported %s as record %s of %d (%d documents, %d files, %d bytes) from %s\n", res.Identifier,
				res.Record.Code, res.Record.Year, len(res.Documents), res.Files, res.Bytes, name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d bags not imported: %s", len(failed), len(bags), strings.Join(failed, ", "))
	}
	return nil
}

// findBags returns dir when it is a bag, else the bags directly inside it.
func findBags(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, "bagit.txt")); err == nil {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var bags []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "bagit.txt")); e.IsDir() && err == nil {
			bags = append(bags, filepath.Join(dir, e.Name()))
		}
	}
	if len(bags) == 0 {
		return nil, fmt.Errorf("import: %s is not a bag (no bagit.txt) and holds none", dir)
	}
	slices.Sort(bags)
	return bags, nil
}

// importActor is the user acting as archivist of the receiving agency, or as an admin
// (of it or of an agency above it). With no --into the agency is each bag's fonds; the
// user's archivist role decides, else their admin role.
func importActor(ctx context.Context, store engine.Store, username, into string) (engine.Actor, error) {
	user, err := store.UserGetByUsername(ctx, username)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("user %s: %w", username, err)
	}
	ms, err := store.MembershipListByUser(ctx, user.ID)
	if err != nil {
		return engine.Actor{}, err
	}
	var target string
	if into != "" {
		a, err := store.AgencyGetByCode(ctx, into)
		if errors.Is(err, engine.ErrNotFound) {
			return engine.Actor{}, fmt.Errorf("--into %s: no agency with that code here: %w", into, err)
		}
		if err != nil {
			return engine.Actor{}, fmt.Errorf("--into %s: %w", into, err)
		}
		target = a.ID
	}
	for _, role := range []engine.Role{engine.RoleArchivist, engine.RoleAdmin} {
		for _, m := range ms {
			if m.Role == role && (target == "" || m.AgencyID == target || role == engine.RoleAdmin) {
				return engine.Actor{UserID: user.ID, AgencyID: m.AgencyID, Role: role}, nil
			}
		}
	}
	if into != "" {
		return engine.Actor{}, fmt.Errorf("%s is neither an archivist of %s nor an admin: %w", username, into, engine.ErrForbidden)
	}
	return engine.Actor{}, fmt.Errorf("%s is neither an archivist nor an admin: %w", username, engine.ErrForbidden)
}
