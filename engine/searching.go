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
	IssuerCode     string // search.FoldCode of the issuing agency's code, "" when not on this instance
	Issuer         string // " name " of the issuing agency (cơ quan ban hành), folded and padded like Body
	Body           string // " token token … ", every word padded by spaces
	// Date is the date a search sorts and filters by: issued, else received, else created.
	Date      time.Time
	UpdatedAt time.Time
}

// SearchParams is a search the store runs over the index of one agency. Every text is
// already folded as the index is (search.Fold, search.FoldCode).
type SearchParams struct {
	AgencyID string
	// Terms are words or phrases that must all occur as whole words, Excluded ones that must not.
	Terms, Excluded []string
	TypeCode        string
	Notation        string
	Signer          string // part of the signer's name
	Issuer          string // the issuing agency: a code or the head of one ("h23.10"), or part of its name
	// RecordCodes are record codes as stored; when set, only documents filed in one of those
	// records of the agency match. At most MaxSearchRecordCodes.
	RecordCodes []string
	From, To    time.Time // inclusive bounds of the date; zero for none
	Classified  bool      // the searcher may see classified documents
	Limit       int
}

const (
	maxSearchTerms    = 6
	maxSearchExcluded = 2
	// MaxSearchRecordCodes bounds SearchParams.RecordCodes.
	MaxSearchRecordCodes = 4
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
	issuerCode, issuer, err := e.issuer(ctx, d)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	tokens := search.Tokens(strings.Join([]string{typeName, d.Subject, notation, d.SenderName, d.Direction, d.Note, extraText}, " "))
	date := d.CreatedAt
	if d.IssuedAt != nil {
		date = *d.IssuedAt
	} else if d.ReceivedAt != nil {
		date = *d.ReceivedAt
	}
	entry := SearchEntry{DocumentID: d.ID, AgencyID: d.AgencyID, Classification: d.Classification,
		TypeCode: search.FoldCode(d.TypeCode), Notation: search.FoldCode(notation), Signer: signer,
		IssuerCode: issuerCode, Issuer: pad(search.Fold(issuer)),
		Body: pad(strings.Join(tokens, " ")), Date: date, UpdatedAt: d.UpdatedAt}
	if err := e.store.SearchEntryUpsert(ctx, &entry); err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	return nil
}

// issuer names the agency that issued d: the agency itself for its outgoing documents, the
// sender of an incoming one, with its code when the sender is on this instance.
func (e *Engine) issuer(ctx context.Context, d Document) (code, name string, err error) {
	agencyID := d.AgencyID
	if d.Flow == Incoming {
		if d.SourceID == "" {
			return "", d.SenderName, nil
		}
		src, err := e.store.DocumentGetByID(ctx, d.SourceID)
		if err != nil {
			return "", "", fmt.Errorf("source document: %w", err)
		}
		agencyID = src.AgencyID
	}
	a, err := e.store.AgencyGetByID(ctx, agencyID)
	if err != nil {
		return "", "", fmt.Errorf("issuing agency: %w", err)
	}
	return search.FoldCode(a.Code), a.Name, nil
}

// pad surrounds folded words by spaces so that a LIKE pattern "% word %" matches whole words.
func pad(words string) string { return " " + words + " " }

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
// (see search.ParseQuery), insensitive to Vietnamese diacritics, newest first. Filters:
// type:, so: (số, ký hiệu), from: and to:, signer:, agency: (the issuing agency, by code or
// name) and record: (documents filed in that hồ sơ). Classified documents are found only by
// those who may read them; every search is audited.
func (e *Engine) Search(ctx context.Context, actor Actor, query string, limit int) ([]Document, error) {
	q := search.ParseQuery(query)
	p, err := searchParams(actor, q, limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var docs []Document
	err = e.store.InTx(ctx, func(qs Queries) error {
		c := &change{e: e, q: qs, actor: actor, action: "search", now: e.timestamp()}
		if err := c.authorize(ctx, actor.AgencyID); err != nil {
			return err
		}
		ids, err := e.searchIDs(ctx, qs, p, q.Record)
		if err != nil {
			return err
		}
		if docs, err = documentsInOrder(ctx, qs, ids); err != nil {
			return err
		}
		c.audit(actor.AgencyID, "search", actor.UserID, nil, map[string]any{"query": query, "results": len(ids)})
		return c.finish(ctx, "", actor.AgencyID)
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return docs, nil
}

// searchParams turns a parsed query into the store's terms, checking its size.
func searchParams(actor Actor, q search.Query, limit int) (SearchParams, error) {
	p := SearchParams{AgencyID: actor.AgencyID, Excluded: q.Excluded, TypeCode: q.Type, Notation: q.Number,
		Signer: q.Signer, Issuer: q.Agency, From: q.From, To: q.To, Limit: limit,
		Classified: seesClassified(actor.Role)}
	if p.Limit <= 0 || p.Limit > 500 {
		p.Limit = 50
	}
	p.Terms = append(slices.Clone(q.Words), q.Phrases...)
	if len(p.Terms) > maxSearchTerms || len(p.Excluded) > maxSearchExcluded {
		return p, invalid("query", "at most %d words or phrases and %d excluded ones", maxSearchTerms, maxSearchExcluded)
	}
	if !p.To.IsZero() {
		p.To = p.To.Add(24*time.Hour - time.Nanosecond) // "to" names a whole day
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return p, invalid("query", "to: %s is before from: %s", p.To.Format(time.DateOnly), p.From.Format(time.DateOnly))
	}
	return p, nil
}

// searchIDs runs p, resolving a record: filter to the agency's records whose code folds to
// record first. A record that does not exist matches nothing.
func (e *Engine) searchIDs(ctx context.Context, qs Queries, p SearchParams, record string) ([]string, error) {
	if record != "" {
		codes, err := qs.SearchRecordCodes(ctx, p.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			if search.FoldCode(c) == record {
				p.RecordCodes = append(p.RecordCodes, c)
			}
		}
		switch {
		case len(p.RecordCodes) == 0:
			return nil, nil
		case len(p.RecordCodes) > MaxSearchRecordCodes:
			return nil, invalid("query", "record:%s names %d records; write the code as it is stored", record, len(p.RecordCodes))
		}
	}
	return qs.SearchQuery(ctx, p)
}

// documentsInOrder reads the documents of ids in one batch, in the order of ids.
func documentsInOrder(ctx context.Context, qs Queries, ids []string) ([]Document, error) {
	read, err := qs.DocumentListByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Document, len(read))
	for _, d := range read {
		byID[d.ID] = d
	}
	docs := make([]Document, 0, len(ids))
	for _, id := range ids {
		d, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
		}
		docs = append(docs, d)
	}
	return docs, nil
}
