package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine/search"
)

// SearchEntry is a document as the search index holds it: folded text only.
type SearchEntry struct {
	DocumentID     string
	AgencyID       string
	Classification Classification
	TypeCode       string // search.FoldCode of the type abbreviation
	Notation       string // search.FoldCode of số, ký hiệu
	Signer         string // search.Fold of the signer's name
	Body           string // " token token … ", every word padded by spaces
	Date           *time.Time
	UpdatedAt      time.Time
}

// SearchParams is a search the store runs: patterns over the folded body that must and
// must not match, and field filters.
type SearchParams struct {
	AgencyID   string
	Include    [maxSearchTerms]string
	Exclude    [maxSearchExcluded]string
	TypeCode   string
	Notation   string
	Signer     string
	From, To   time.Time
	Classified bool // the searcher may see classified documents
	Limit      int
}

const (
	maxSearchTerms    = 6
	maxSearchExcluded = 2
	neverMatches      = "%\x01%" // folded text never holds a control character
)

// IndexDocument (re)computes a document's search entry from its fields and extra text
// (the PDF's text layer, OCR of a scan).
func (e *Engine) IndexDocument(ctx context.Context, d Document, extraText string) error {
	signer := ""
	if d.SignerID != "" {
		if u, err := e.store.UserGetByID(ctx, d.SignerID); err == nil {
			signer = search.Fold(u.FullName)
		}
	}
	notation := d.Notation
	if d.Flow == Incoming {
		notation = d.SenderNotation
	}
	typeName := "Công văn"
	if t, ok := TypeByCode(d.TypeCode); ok {
		typeName = t.Name
	}
	tokens := search.Tokens(strings.Join([]string{typeName, d.Subject, notation, d.SenderName, d.Direction, d.Note, extraText}, " "))
	date := d.IssuedAt
	if date == nil {
		date = d.ReceivedAt
	}
	entry := SearchEntry{DocumentID: d.ID, AgencyID: d.AgencyID, Classification: d.Classification,
		TypeCode: search.FoldCode(d.TypeCode), Notation: search.FoldCode(notation), Signer: signer,
		Body: " " + strings.Join(tokens, " ") + " ", Date: date, UpdatedAt: d.UpdatedAt}
	if err := e.store.SearchEntryUpsert(ctx, &entry); err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	return nil
}

// IndexStale indexes up to limit documents changed since they were last indexed; text,
// if set, supplies a document's extra text. It returns how many it indexed.
func (e *Engine) IndexStale(ctx context.Context, limit int, text func(context.Context, Document) string) (int, error) {
	ids, err := e.store.SearchStale(ctx, limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		d, err := e.store.DocumentGetByID(ctx, id)
		if err != nil {
			return 0, err
		}
		extra := ""
		if text != nil {
			extra = text(ctx, d)
		}
		if err := e.IndexDocument(ctx, d, extra); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Search finds the actor's agency's documents matching a query typed in the search box
// (see search.ParseQuery), insensitive to Vietnamese diacritics. Classified documents are
// found only by those who may read them; every search is audited.
func (e *Engine) Search(ctx context.Context, actor Actor, query string, limit int) ([]Document, error) {
	q := search.ParseQuery(query)
	p := SearchParams{AgencyID: actor.AgencyID, TypeCode: q.Type, Notation: q.Number, From: q.From, To: q.To, Limit: limit,
		Classified: slices.Contains([]Role{RoleLeader, RoleDeputyLeader, RoleClerk, RoleArchivist}, actor.Role)}
	if p.Limit <= 0 || p.Limit > 500 {
		p.Limit = 50
	}
	terms := append(slices.Clone(q.Words), q.Phrases...)
	if len(terms) > maxSearchTerms || len(q.Excluded) > maxSearchExcluded {
		return nil, invalid("query", "at most %d words or phrases and %d excluded ones", maxSearchTerms, maxSearchExcluded)
	}
	for i := range p.Include {
		p.Include[i] = "%"
		if i < len(terms) {
			p.Include[i] = "% " + likeEscape(terms[i]) + " %"
		}
	}
	for i := range p.Exclude {
		p.Exclude[i] = neverMatches
		if i < len(q.Excluded) {
			p.Exclude[i] = "% " + likeEscape(q.Excluded[i]) + " %"
		}
	}
	if q.Signer != "" {
		p.Signer = "%" + likeEscape(q.Signer) + "%"
	}
	if p.From.IsZero() {
		p.From = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if p.To.IsZero() {
		p.To = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	} else {
		p.To = p.To.Add(24*time.Hour - time.Nanosecond) // "to" names a whole day
	}
	var docs []Document
	err := e.store.InTx(ctx, func(qs Queries) error {
		c := &change{e: e, q: qs, actor: actor, action: "search", now: e.timestamp()}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		ids, err := qs.SearchQuery(ctx, p)
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := qs.DocumentGetByID(ctx, id)
			if err != nil {
				return err
			}
			docs = append(docs, d)
		}
		c.audit(actor.AgencyID, "search", actor.UserID, nil, map[string]any{"query": query, "results": len(ids)})
		return c.finish(ctx, "", actor.AgencyID)
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return docs, nil
}

// likeEscape keeps LIKE's wildcards literal; folded text has no % or _ but a code might.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", " ").Replace(s)
}
