package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// Trust anchors: the CA certificates signature validation trusts. The installation's
// files (the trust directory) are fixed at start; an administrator of a province (a root
// agency) adds and removes more — the national root CA of Vietnam, a ministry's CA — and
// every node uses them at once. Each change is audited in the province's chain.

// Trust anchor actions, as audited.
const (
	ActionAddTrustAnchor    Action = "add_trust_anchor"
	ActionRemoveTrustAnchor Action = "remove_trust_anchor"
)

// maxTrustAnchorPage bounds a page of trust anchors.
const maxTrustAnchorPage = 100

// TrustAnchorPage is one page of the trust anchors in use, newest first.
type TrustAnchorPage struct {
	Anchors []TrustAnchor
	Total   int
	Next    string // the after of the next page; "" on the last
}

// Why a certificate is refused as a trust anchor; each also matches ErrInvalid.
var (
	ErrNotCertificate      = errors.New("not a certificate")
	ErrSeveralCertificates = errors.New("more than one certificate")
	ErrNotCA               = errors.New("not a certificate authority's certificate")
	ErrCertificateExpired  = errors.New("certificate expired")
)

// ParseCertificate reads one certificate, PEM or DER: what an administrator uploads.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	der := data
	if block, rest := pem.Decode(data); block != nil {
		if block.Type != "CERTIFICATE" {
			return nil, refusedCertificate(ErrNotCertificate, "the PEM block is a %s, not a CERTIFICATE", block.Type)
		}
		if next, _ := pem.Decode(rest); next != nil {
			return nil, refusedCertificate(ErrSeveralCertificates, "upload them one by one")
		}
		der = block.Bytes
	} else if bytes.Contains(data, []byte("-----BEGIN")) {
		return nil, refusedCertificate(ErrNotCertificate, "the PEM text cannot be read")
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, refusedCertificate(ErrNotCertificate, "neither PEM nor DER: %v", err)
	}
	return c, nil
}

// refusedCertificate is a validation error of the certificate field that also matches why.
func refusedCertificate(why error, format string, args ...any) error {
	return fmt.Errorf("%w: %w", why, invalid("certificate", format, args...))
}

// AddTrustAnchor trusts a CA certificate (PEM or DER) for signature validation. Only an
// administrator of a province may; the certificate must be a CA's, valid now, and not
// already in use.
func (e *Engine) AddTrustAnchor(ctx context.Context, actor Actor, certificate []byte) (TrustAnchor, error) {
	c, err := ParseCertificate(certificate)
	if err != nil {
		return TrustAnchor{}, fmt.Errorf("add trust anchor: %w", err)
	}
	now := e.timestamp()
	switch {
	case !c.BasicConstraintsValid || !c.IsCA:
		return TrustAnchor{}, fmt.Errorf("add trust anchor: %w",
			refusedCertificate(ErrNotCA, "%s is not a certificate authority's certificate", c.Subject.CommonName))
	case now.After(c.NotAfter):
		return TrustAnchor{}, fmt.Errorf("add trust anchor: %w",
			refusedCertificate(ErrCertificateExpired, "the certificate expired on %s", c.NotAfter.Format("2006-01-02")))
	}
	sum := sha256.Sum256(c.Raw)
	a := TrustAnchor{ID: NewID(), Subject: c.Subject.String(), SHA256: hex.EncodeToString(sum[:]), DER: c.Raw,
		NotAfter: c.NotAfter.UTC(), AddedBy: actor.UserID, AddedAt: now}
	err = e.trustChange(ctx, actor, ActionAddTrustAnchor, a.ID, func(c *change) (any, error) {
		if err := c.q.TrustAnchorInsert(ctx, &a); errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("the certificate is already trusted: %w", err)
		} else if err != nil {
			return nil, err
		}
		return map[string]any{"subject": a.Subject, "sha256": a.SHA256, "not_after": a.NotAfter}, nil
	})
	if err != nil {
		return TrustAnchor{}, err
	}
	return a, nil
}

// RemoveTrustAnchor stops trusting an anchor an administrator added; signatures that
// chain only to it are no longer valid.
func (e *Engine) RemoveTrustAnchor(ctx context.Context, actor Actor, id string) error {
	return e.trustChange(ctx, actor, ActionRemoveTrustAnchor, id, func(c *change) (any, error) {
		a, err := c.q.TrustAnchorGetByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := c.q.TrustAnchorRemove(ctx, id, actor.UserID, c.now); err != nil {
			return nil, err
		}
		return map[string]any{"subject": a.Subject, "sha256": a.SHA256}, nil
	})
}

// ListTrustAnchors lists one page of the anchors in use, for an administrator of a province.
func (e *Engine) ListTrustAnchors(ctx context.Context, actor Actor, after string, limit int) (TrustAnchorPage, error) {
	if limit <= 0 || limit > maxTrustAnchorPage {
		limit = maxTrustAnchorPage
	}
	c := &change{e: e, q: e.store, actor: actor, action: "list_trust_anchors"}
	if err := c.provinceAdmin(ctx); err != nil {
		return TrustAnchorPage{}, fmt.Errorf("list trust anchors: %w", err)
	}
	anchors, err := e.store.TrustAnchorPage(ctx, after, limit+1)
	if err != nil {
		return TrustAnchorPage{}, fmt.Errorf("list trust anchors: %w", err)
	}
	var p TrustAnchorPage
	if len(anchors) > limit {
		anchors = anchors[:limit]
		p.Next = anchors[limit-1].ID
	}
	p.Anchors = anchors
	if p.Total, err = e.store.TrustAnchorCount(ctx); err != nil {
		return TrustAnchorPage{}, fmt.Errorf("list trust anchors: %w", err)
	}
	return p, nil
}

// trustChange runs a change of the whole installation (its trust anchors, a background
// job) in one transaction, audited in the chain of the actor's province.
func (e *Engine) trustChange(ctx context.Context, actor Actor, action Action, id string, fn func(c *change) (any, error)) error {
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: action, now: e.timestamp()}
		if err := c.provinceAdmin(ctx); err != nil {
			return err
		}
		after, err := fn(c)
		if err != nil {
			return err
		}
		c.audit(actor.AgencyID, objectType(action), id, nil, after)
		return c.finish(ctx, "", id)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

// objectType is what a trustChange's audit event is about.
func objectType(a Action) string {
	if a == ActionRetryJob || a == ActionCancelJob {
		return "job"
	}
	return "trust_anchor"
}

// provinceAdmin checks that the actor acts as an admin of a root agency (a province):
// trust is the whole installation's, so a district's admin may not change it.
func (c *change) provinceAdmin(ctx context.Context) error {
	if c.actor.Role != RoleAdmin {
		return refuse(c.action, ReasonWrongRole, "only an administrator of a province manages trust anchors")
	}
	a, err := c.q.AgencyGetByID(ctx, c.actor.AgencyID)
	if err != nil {
		return err
	}
	if a.ParentID != "" {
		return refuse(c.action, ReasonWrongRole, "only an administrator of a province manages trust anchors")
	}
	return c.adminOf(ctx, a.ID)
}

// TrustPool is the set of trust anchors validation uses: the installation's files and
// the anchors administrators added. Roots asks the database for the set's version on
// each call, a single count, and reads the certificates again only when it moved, so an
// anchor added on one node is trusted on every node at its next validation.
type TrustPool struct {
	store Queries
	files []*x509.Certificate

	mu      sync.Mutex
	version int64
	pool    *x509.CertPool
}

// NewTrustPool combines the anchors of files with those stored in the database.
func NewTrustPool(store Queries, files []*x509.Certificate) *TrustPool {
	return &TrustPool{store: store, files: files, version: -1}
}

// Roots returns the current pool. When the database cannot be asked, it returns the last
// pool it built (the files' anchors before the first success) with the error. The lock is
// never held across the database: validations on a node do not queue behind one query.
func (t *TrustPool) Roots(ctx context.Context) (*x509.CertPool, error) {
	pool, version := t.current()
	v, err := t.store.TrustAnchorVersion(ctx)
	if err != nil {
		return pool, fmt.Errorf("trust anchors: %w", err)
	}
	if v == version {
		return pool, nil
	}
	anchors, err := t.store.TrustAnchorListActive(ctx)
	if err != nil {
		return pool, fmt.Errorf("trust anchors: %w", err)
	}
	// A fresh pool each time: a caller still validating with the old one keeps it intact.
	built := t.build(anchors)
	t.mu.Lock()
	defer t.mu.Unlock()
	// The version only grows (rows are never deleted): a slower reader of an older set
	// does not replace a newer pool.
	if v > t.version {
		t.pool, t.version = built, v
	}
	return t.pool, nil
}

// current is the pool last built and its version; the files' anchors alone at first.
func (t *TrustPool) current() (*x509.CertPool, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pool == nil {
		t.pool = t.build(nil)
	}
	return t.pool, t.version
}

func (t *TrustPool) build(anchors []TrustAnchor) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range t.files {
		pool.AddCert(c)
	}
	for _, a := range anchors {
		if c, err := x509.ParseCertificate(a.DER); err == nil {
			pool.AddCert(c)
		}
	}
	return pool
}

// Files are the anchors of the installation's files, which the screens show but cannot
// change.
func (t *TrustPool) Files() []*x509.Certificate { return t.files }
