package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/search"
	"github.com/vanthu/vanthu/signer/pdftext"
	"github.com/vanthu/vanthu/storage/blob"
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
	for {
		n, err := eng.IndexStale(ctx, 500, func(ctx context.Context, d engine.Document) string { return documentText(ctx, store, blobs, d) })
		if err != nil {
			return err
		}
		if n < 500 {
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
		fmt.Fprintf(stdout, "%-16s %-9s %s\n", notation, d.State, d.Subject)
	}
	fmt.Fprintf(stdout, "%d kết quả\n", len(docs))
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

// documentText is the text layer of a document's newest PDF, for the index.
func documentText(ctx context.Context, store engine.Store, blobs blob.Store, d engine.Document) string {
	files, err := store.FileListByDocument(ctx, d.ID)
	if err != nil || len(files) == 0 {
		return ""
	}
	f := files[len(files)-1]
	r, err := blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return ""
	}
	defer r.Close()
	tmp, err := os.CreateTemp("", "vanthu-index-*.pdf")
	if err != nil {
		return ""
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, r); err != nil {
		return ""
	}
	text, _ := pdftext.Extract(ctx, tmp, f.Size, pdftext.Options{MaxPages: 200})
	if text.NeedsOCR() {
		// A scan: read it with Tesseract's Vietnamese model when the machine has it.
		octx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if ocr, err := pdftext.OCR(octx, tmp.Name(), "vie"); err == nil {
			text = ocr
		}
	}
	return strings.Join(text.Pages, " ")
}

// startIndexer keeps the search index up to date in the background: changed documents
// are indexed with their PDFs' text, scans through OCR. It stops with ctx.
func startIndexer(ctx context.Context, eng *engine.Engine, store engine.Store, blobs blob.Store, logger *slog.Logger, every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if _, err := eng.IndexStale(ctx, 200, func(ctx context.Context, d engine.Document) string {
				return documentText(ctx, store, blobs, d)
			}); err != nil && ctx.Err() == nil {
				logger.Error("search index", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
