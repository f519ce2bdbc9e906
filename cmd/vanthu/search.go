package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/web"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/search"
	"github.com/vanthu/vanthu/service/indexing"
)

// runSearch is `vanthu search --user NAME [--role ROLE] [filters] [--json] QUERY`: the
// documents the user may see in their agency that match QUERY and the filters, insensitive to
// Vietnamese diacritics. Documents changed since the last search are indexed first, with
// their PDFs' text.
func runSearch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	cfg := bindConfig(fs)
	username := fs.String("user", "", "search as this user (their agency and role decide what they may see)")
	role := fs.String("role", "clerk", "the user's role to search in")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	limit := fs.Int("limit", 50, "at most this many results")
	langFlag := bindLang(fs)
	var f searchFilters
	fs.StringVar(&f.Type, "type", "", "document type (loại văn bản), e.g. QĐ")
	fs.StringVar(&f.Number, "number", "", "number and notation (số, ký hiệu), e.g. 15/QĐ-UBND")
	fs.StringVar(&f.From, "from", "", "dated on or after: YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY")
	fs.StringVar(&f.To, "to", "", "dated on or before: YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY")
	fs.StringVar(&f.Agency, "agency", "", "issuing agency (cơ quan ban hành): its code, with its subordinates, or part of its name")
	fs.StringVar(&f.Signer, "signer", "", "part of the signer's name")
	fs.StringVar(&f.Record, "record", "", "filed in the record (hồ sơ) of this code")
	words, err := parseSearchArgs(fs, args)
	if err != nil {
		return err
	}
	query, err := f.query(words)
	if err != nil {
		return usageError{err}
	}
	lang, err := resolveLang(*langFlag)
	if err != nil {
		return err
	}
	if query == "" {
		return usageError{errors.New("usage: vanthu search --user NAME [--role ROLE] [--type T] [--number N] [--from D] [--to D] " +
			"[--agency A] [--signer S] [--record R] [--json] QUERY")}
	}
	if *username == "" {
		return usageError{errors.New("--user is required: results show only what that user may see")}
	}
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	actor, err := actorOf(ctx, store, *username, engine.Role(*role))
	if err != nil {
		return err
	}
	eng := engine.New(store)
	const batch = 500
	ix, err := indexing.New(indexing.Config{Engine: eng, Store: store, Blobs: blobs, BatchSize: batch})
	if err != nil {
		return err
	}
	for {
		n, err := ix.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n < batch {
			break
		}
	}
	docs, err := eng.Search(ctx, actor, query, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		type hit struct {
			ID       string     `json:"id"`
			Flow     string     `json:"flow"`
			Notation string     `json:"notation"`
			Subject  string     `json:"subject"`
			State    string     `json:"state"`
			Date     *time.Time `json:"date,omitempty"`
		}
		hits := []hit{}
		for _, d := range docs {
			h := hit{ID: d.ID, Flow: string(d.Flow), Notation: d.Notation, Subject: d.Subject, State: string(d.State), Date: d.IssuedAt}
			if d.Flow == engine.Incoming {
				h.Notation, h.Date = d.SenderNotation, d.ReceivedAt
			}
			hits = append(hits, h)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"query": query, "results": hits})
	}
	for _, d := range docs {
		notation := d.Notation
		if d.Flow == engine.Incoming {
			notation = d.SenderNotation
		}
		// The state as the web pages name it, not the engine's code.
		fmt.Fprintf(stdout, "%-16s %-26s %s\n", notation, web.Label(lang, "state."+string(d.State)), d.Subject)
	}
	fmt.Fprintf(stdout, "%d %s\n", len(docs), pick(lang, "kết quả", "result(s)"))
	return nil
}

// parseSearchArgs reads flags placed before, between or after the words of the query.
func parseSearchArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		fs.SetOutput(io.Discard)
		if err := fs.Parse(args); err != nil {
			return nil, parseFlags(fs, args) // reports the error, or prints the help, as every command does
		}
		if fs.NArg() == 0 {
			return words, nil
		}
		words, args = append(words, fs.Arg(0)), fs.Args()[1:]
	}
}

// searchFilters are the flags that stand for the query language's filters.
type searchFilters struct {
	Type, Number, From, To, Agency, Signer, Record string
}

// query joins the words and the filters into one search box; a filter given as a flag
// comes last, so it wins over the same filter typed in the words.
func (f searchFilters) query(words []string) (string, error) {
	parts := slices.Clone(words)
	for _, fl := range []struct{ name, field, value string }{
		{"type", "type", f.Type}, {"number", "so", f.Number}, {"from", "from", f.From}, {"to", "to", f.To},
		{"agency", "agency", f.Agency}, {"signer", "signer", f.Signer}, {"record", "record", f.Record},
	} {
		v := strings.TrimSpace(strings.NewReplacer(`"`, "", "“", "", "”", "").Replace(fl.value))
		if v == "" {
			continue
		}
		term := fl.field + `:"` + v + `"`
		if q := search.ParseQuery(term); (fl.field == "from" && q.From.IsZero()) || (fl.field == "to" && q.To.IsZero()) {
			return "", fmt.Errorf("--%s %q: want a day, a month or a year (2025-03-15, 15/03/2025, 2025-03, 2025)", fl.name, fl.value)
		}
		parts = append(parts, term)
	}
	return strings.TrimSpace(strings.Join(parts, " ")), nil
}
