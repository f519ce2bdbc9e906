package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/vanthu/vanthu/engine"
)

const auditUsage = "usage: vanthu audit verify [--agency CODE] [--json]"

// runAudit is `vanthu audit verify [--agency CODE] [--json]`: it recomputes every
// agency's hash chain and fails when any event was edited, deleted or cut off.
func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{errors.New(auditUsage)}
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	cfg := bindConfig(fs)
	code := fs.String("agency", "", "verify only this agency (mã định danh)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	store, err := cfg.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	var agencies []engine.Agency
	if *code != "" {
		a, err := store.AgencyGetByCode(ctx, *code)
		if err != nil {
			return fmt.Errorf("agency %s: %w", *code, err)
		}
		agencies = []engine.Agency{a}
	} else if agencies, err = store.AgencyList(ctx); err != nil {
		return err
	}
	type result struct {
		Agency   string                `json:"agency"`
		Code     string                `json:"code"`
		Events   int64                 `json:"events"`
		OK       bool                  `json:"ok"`
		Problems []engine.ChainProblem `json:"problems,omitempty"`
	}
	eng := engine.New(store)
	var results []result
	broken := 0
	for _, a := range agencies {
		problems, n, err := eng.VerifyAudit(ctx, a.ID)
		if err != nil {
			return fmt.Errorf("verify %s: %w", a.Code, err)
		}
		results = append(results, result{Agency: a.Name, Code: a.Code, Events: n, OK: len(problems) == 0, Problems: problems})
		if len(problems) > 0 {
			broken++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"ok": broken == 0, "agencies": results}); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			status := "ok"
			if !r.OK {
				status = "BROKEN"
			}
			fmt.Fprintf(stdout, "%-12s %-6s %6d events  %s\n", r.Code, status, r.Events, r.Agency)
			for _, p := range r.Problems {
				fmt.Fprintf(stdout, "    event %d: %s\n", p.Seq, p.Reason)
			}
		}
	}
	if broken > 0 {
		return fmt.Errorf("%d of %d audit chains are broken", broken, len(results))
	}
	return nil
}
