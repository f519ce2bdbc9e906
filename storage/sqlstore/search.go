package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qSearchEntryUpsert = sqlFor("SearchEntryUpsert")
	qSearchStale       = sqlFor("SearchStale")
	qSearchRecordCodes = sqlFor("SearchRecordCodes")
	qSearchRecent      = sqlFor("SearchRecent")
	qSearchQuery       = sqlFor("SearchQuery")
	qSearchInRecords   = sqlFor("SearchInRecords")
)

const (
	// searchWindow is how many of the newest entries SearchRecent looks at. A word in more
	// than limit/searchWindow of them (1% for 50 results) is found there at once; a rarer
	// one goes to SearchQuery, whose index lookup yields few rows for it.
	searchWindow = 5000
	// neverMatches is a pattern for an unused exclusion: folded text never holds a control character.
	neverMatches = "%\x01%"
)

var (
	searchMinDate = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	searchMaxDate = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

func (q queries) SearchEntryUpsert(ctx context.Context, e *engine.SearchEntry) error {
	_, err := q.exec(ctx, "search entry upsert", qSearchEntryUpsert, e.DocumentID, e.AgencyID, string(e.Classification),
		e.TypeCode, e.Notation, e.Signer, e.Body, e.Date.UTC(), e.UpdatedAt.UTC(), e.IssuerCode, e.Issuer)
	return err
}

func (q queries) SearchStale(ctx context.Context, limit int) ([]string, error) {
	return list(ctx, q, "search stale", qSearchStale, scanID, limit)
}

func (q queries) SearchRecordCodes(ctx context.Context, agencyID string) ([]string, error) {
	return list(ctx, q, "search record codes", qSearchRecordCodes, scanID, agencyID)
}

// SearchQuery looks among the newest entries first and asks the full query only when they
// hold fewer matches than wanted: a common word ("quyet dinh") is then never looked up in
// the text index, which would hand back a large part of the table to sort. A search within
// records starts from the few documents filed in them.
func (q queries) SearchQuery(ctx context.Context, p engine.SearchParams) ([]string, error) {
	args := searchArgs(p)
	if len(p.RecordCodes) > 0 {
		return list(ctx, q, "search in records", qSearchInRecords, scanID, append(args, p.Limit)...)
	}
	ids, err := list(ctx, q, "search recent", qSearchRecent, scanID, append(args, searchWindow, p.Limit)...)
	if err != nil || len(ids) >= p.Limit || len(p.Terms)+len(p.Excluded) == 0 {
		// Without word conditions the window is every filtered entry up to the limit.
		return ids, err
	}
	return list(ctx, q, "search", qSearchQuery, scanID, append(args, p.Limit)...)
}

// searchArgs binds $1–$22 of SearchRecent and SearchQuery.
func searchArgs(p engine.SearchParams) []any {
	args := []any{p.AgencyID}
	// Unused word slots are "%", which the planner knows to match every row; repeating a
	// word instead would make it believe the word six times rarer than it is. The text
	// index leaves a pattern without trigrams aside when another one has some.
	for i := range 6 {
		w := "%"
		if i < len(p.Terms) {
			w = wordPattern(p.Terms[i])
		}
		args = append(args, w)
	}
	for i := range 2 {
		w := neverMatches
		if i < len(p.Excluded) {
			w = wordPattern(p.Excluded[i])
		}
		args = append(args, w)
	}
	from, to := searchMinDate, searchMaxDate
	if !p.From.IsZero() {
		from = p.From.UTC()
	}
	if !p.To.IsZero() {
		to = p.To.UTC()
	}
	args = append(args, from, to, p.TypeCode, p.Notation, containsPattern(p.Signer))
	issuerPrefix, issuerName := "", ""
	if p.Issuer != "" {
		issuerPrefix, issuerName = likeEscape(p.Issuer)+".%", wordPattern(p.Issuer)
	}
	args = append(args, p.Issuer, issuerPrefix, issuerName)
	codes := [engine.MaxSearchRecordCodes]string{}
	copy(codes[:], p.RecordCodes)
	for _, c := range codes {
		args = append(args, c)
	}
	classified := 0
	if p.Classified {
		classified = 1
	}
	return append(args, classified)
}

// wordPattern matches folded words as whole words in a text padded by spaces.
func wordPattern(words string) string { return "% " + likeEscape(words) + " %" }

// containsPattern matches text anywhere, "" for no condition.
func containsPattern(s string) string {
	if s == "" {
		return ""
	}
	return "%" + likeEscape(s) + "%"
}

// likeEscape makes what a user typed match only itself in a LIKE pattern whose escape
// character is "\\" (queries/search.sql): "c_uyen" must not find "chuyen".
var likeEscape = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace

func scanID(r Row) (string, error) {
	var id string
	return id, r.Scan(&id)
}
