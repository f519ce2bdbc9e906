package engine

import (
	"context"
	"time"
)

// TrustQueries are the store operations of the administration screens: the trust
// anchors administrators add, and the pages of an agency's keys and delegations.
type TrustQueries interface {
	TrustAnchorInsert(ctx context.Context, a *TrustAnchor) error
	TrustAnchorGetByID(ctx context.Context, id string) (TrustAnchor, error)
	// TrustAnchorPage lists one page of the anchors in use, newest first, after the id
	// of the previous page's last ("" for the first).
	TrustAnchorPage(ctx context.Context, after string, limit int) ([]TrustAnchor, error)
	TrustAnchorCount(ctx context.Context) (int, error)
	// TrustAnchorListActive reads every anchor in use, with its certificate.
	TrustAnchorListActive(ctx context.Context) ([]TrustAnchor, error)
	// TrustAnchorRemove marks an anchor in use as removed; ErrNotFound when it is not in use.
	TrustAnchorRemove(ctx context.Context, id, by string, at time.Time) error
	// TrustAnchorVersion grows with every addition and removal.
	TrustAnchorVersion(ctx context.Context) (int64, error)

	// DelegationPageByAgency lists one page of an agency's signing delegations, newest
	// first, revoked and expired ones too, after the id of the previous page's last.
	DelegationPageByAgency(ctx context.Context, agencyID, after string, limit int) ([]Delegation, error)
	DelegationCountByAgency(ctx context.Context, agencyID string) (int, error)
	DelegationGetByID(ctx context.Context, id string) (Delegation, error)
	// DelegationRevoke ends a delegation now; ErrNotFound when it was already revoked.
	DelegationRevoke(ctx context.Context, id string, at time.Time) error

	// WebhookDeliveryPage lists one page of a subscription's deliveries, newest first,
	// after the cursor of the previous page's last (zero for the first).
	WebhookDeliveryPage(ctx context.Context, webhookID string, after DeliveryCursor, limit int) ([]WebhookDelivery, error)

	// SigningKeyPageByAgency lists one page of the signing keys of an agency and of the
	// people holding a role in it, newest first, after the id of the previous page's last.
	SigningKeyPageByAgency(ctx context.Context, agencyID, after string, limit int) ([]SigningKey, error)
	SigningKeyCountByAgency(ctx context.Context, agencyID string) (int, error)
}

// TrustAnchor is a CA certificate (root or intermediate) trusted for validating signatures.
type TrustAnchor struct {
	ID        string
	Subject   string // pkix.Name.String() of the certificate's subject
	SHA256    string // hex SHA-256 of DER, unique among the anchors in use
	DER       []byte
	NotAfter  time.Time
	AddedBy   string
	AddedAt   time.Time
	RemovedBy string
	RemovedAt *time.Time
}

// DeliveryCursor is where a page of webhook deliveries ends: its last delivery.
type DeliveryCursor struct {
	CreatedAt time.Time
	ID        string
}
