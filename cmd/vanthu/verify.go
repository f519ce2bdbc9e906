package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/pki"
	"github.com/vanthu/vanthu/signer/verify"
)

// runVerify is `vanthu verify [--trust CA.pem …] [--json] [--lang vi|en] FILE`. The exit
// code is 0 only when every signature is TOTAL_PASSED.
func runVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	cfg := bindConfig(fs)
	var trust stringList
	fs.Var(&trust, "trust", "trust anchor file or directory (PEM or DER), repeatable; replaces the configured trust store")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	offline := fs.Bool("offline", false, "use only the revocation data in the document, fetch nothing")
	langFlag := bindLang(fs)
	// The file comes last, after the flags; -h anywhere asks for the usage instead.
	if helpAsked(args) {
		return parseFlags(fs, []string{"-h"})
	}
	if len(args) == 0 {
		return usageError{errors.New("usage: vanthu verify [--trust CA.pem …] [--json] [--offline] [--lang vi|en] FILE")}
	}
	file := args[len(args)-1]
	if err := parseFlags(fs, args[:len(args)-1]); err != nil {
		return err
	}
	lang, err := resolveLang(*langFlag)
	if err != nil {
		return err
	}
	if len(trust) == 0 {
		trust = cfg.trustStore()
	}
	roots, _, err := signer.LoadTrust(trust...)
	if err != nil {
		return settingError{setting{"--trust", "VANTHU_TRUST_DIR"}, err}
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	opts := verify.Options{Roots: roots}
	if !*offline {
		opts.Revocation = pki.NewRevocation(&http.Client{Timeout: 10 * time.Second}, nil)
	}
	report, err := verify.Verify(ctx, f, fi.Size(), opts)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		printReport(stdout, lang, file, report)
	}
	if len(report.Signatures) == 0 {
		return fmt.Errorf("%s has no signatures", file)
	}
	for _, s := range report.Signatures {
		if s.Indication != verify.TotalPassed {
			return silentFailure{}
		}
	}
	return nil
}

// silentFailure exits non-zero without another line: the report already said why.
type silentFailure struct{}

func (silentFailure) Error() string { return "" }

// trustStore is the configured trust anchors: VANTHU_TRUST_DIR, else <data>/trust.
func (c *config) trustStore() []string {
	dir := envOr("VANTHU_TRUST_DIR", filepath.Join(c.Data, "trust"))
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	return []string{dir}
}
