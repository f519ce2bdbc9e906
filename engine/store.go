package engine

import (
	"context"
	"time"
)

// Store is the metadata database as the engine sees it. storage/ implements it for
// PostgreSQL and SQLite; storage/storetest holds the conformance suite both must pass.
//
// Every method returns ErrNotFound for a missing row and ErrConflict for a uniqueness
// violation, whatever the database said.
type Store interface {
	Queries
	// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise.
	InTx(ctx context.Context, fn func(q Queries) error) error
	Ping(ctx context.Context) error
	Close() error
}

// Queries are the operations available both inside and outside a transaction.
type Queries interface {
	SearchQueries
	ArchiveQueries
	RetentionQueries
	RecordPageQueries
	AuthQueries
	EventQueries
	CheckQueries
	ExchangeQueries
	AxisQueries
	AxisListQueries
	ReportQueries
	UserQueries
	TrustQueries

	AgencyInsert(ctx context.Context, a *Agency) error
	AgencyUpdate(ctx context.Context, a *Agency) error
	AgencyGetByID(ctx context.Context, id string) (Agency, error)
	AgencyGetByCode(ctx context.Context, code string) (Agency, error)
	AgencyList(ctx context.Context) ([]Agency, error)
	// AgencyListSubtree returns the agency and everything below it, parents before children.
	AgencyListSubtree(ctx context.Context, rootID string) ([]Agency, error)
	AgencyCount(ctx context.Context) (int, error)

	UnitInsert(ctx context.Context, u *Unit) error
	UnitGetByID(ctx context.Context, id string) (Unit, error)
	UnitListByAgency(ctx context.Context, agencyID string) ([]Unit, error)

	UserInsert(ctx context.Context, u *User) error
	UserGetByID(ctx context.Context, id string) (User, error)
	UserGetByUsername(ctx context.Context, username string) (User, error)
	UserList(ctx context.Context) ([]User, error)

	MembershipInsert(ctx context.Context, m *Membership) error
	MembershipDelete(ctx context.Context, m *Membership) error
	MembershipListByUser(ctx context.Context, userID string) ([]Membership, error)
	// MembershipRequire fails with refusal unless the user holds the role in the agency.
	// A store that pipelines may send the check with the transaction's next statement,
	// which then fails in its place: nothing outside the transaction may follow it.
	MembershipRequire(ctx context.Context, userID, agencyID string, role Role, refusal error) error
	MembershipListByAgency(ctx context.Context, agencyID string) ([]Membership, error)

	// RegisterNextNumber hands out the next number of a register (per agency, year, kind and
	// series), starting at 1. Inside a transaction the number is held until commit, so a
	// rolled-back registration leaves no gap.
	RegisterNextNumber(ctx context.Context, agencyID string, year int, kind RegisterKind, series string) (int, error)
	// RegisterNextNumberWithChain is RegisterNextNumber followed by AuditHeadAdvance of the
	// same agency for events, in one round trip where the store can: the number first, so
	// that the two rows are locked in the order every transaction locks them.
	RegisterNextNumberWithChain(ctx context.Context, agencyID string, year int, kind RegisterKind, series string,
		events int) (number int, first int64, prevHash string, err error)
	AgencySetNumberingPerType(ctx context.Context, agencyID string, perType bool) error

	DocumentInsert(ctx context.Context, d *Document) error
	// DocumentUpdate writes d if the stored version is still prevVersion; ErrConflict otherwise.
	DocumentUpdate(ctx context.Context, d *Document, prevVersion int) error
	DocumentGetByID(ctx context.Context, id string) (Document, error)
	// DocumentGetForActor reads a document and whether userID holds role in its agency,
	// in one round trip: the first step of every transition.
	DocumentGetForActor(ctx context.Context, id, userID string, role Role) (Document, bool, error)
	DocumentList(ctx context.Context, f DocumentFilter) ([]Document, error)
	// DocumentPage lists one page of an agency's documents along an index, newest first.
	DocumentPage(ctx context.Context, f DocumentPageFilter) ([]Document, error)
	// InboxPage lists the documents of one (flow, state) of an agency that wait for f's
	// claim, in inbox order (InboxAfter), after f.After; InboxCount counts them all.
	InboxPage(ctx context.Context, f InboxFilter) ([]Document, error)
	InboxCount(ctx context.Context, f InboxFilter) (int, error)
	// DocumentListByIDs reads the documents of ids in one go, in no particular order;
	// ids that name no document are left out.
	DocumentListByIDs(ctx context.Context, ids []string) ([]Document, error)
	// DocumentCountByMonth counts, per month of f, the agency's documents received and
	// issued and the signatures made on them; months with none are left out.
	DocumentCountByMonth(ctx context.Context, f ActivityFilter) ([]MonthCount, error)
	// DocumentCountHandled counts the agency's documents of f's years past drafting, and
	// those of them with no paper scan.
	DocumentCountHandled(ctx context.Context, f ActivityFilter) (handled, online int, err error)

	// FileInsert adds f after the document's other files; its Seq is the database's to
	// give and is not read back.
	FileInsert(ctx context.Context, f *File) error
	FileListByDocument(ctx context.Context, documentID string) ([]File, error)

	ReviewStepInsert(ctx context.Context, r *ReviewStep) error
	ReviewStepUpdate(ctx context.Context, r *ReviewStep) error
	ReviewStepListByDocument(ctx context.Context, documentID string) ([]ReviewStep, error)

	DeliveryInsert(ctx context.Context, d *Delivery) error
	DeliveryUpdate(ctx context.Context, d *Delivery) error
	DeliveryListByOutgoing(ctx context.Context, outgoingID string) ([]Delivery, error)
	// DeliveryListByOutgoings reads the deliveries of several outgoing documents in one go.
	DeliveryListByOutgoings(ctx context.Context, outgoingIDs []string) ([]Delivery, error)
	DeliveryGetByIncoming(ctx context.Context, incomingID string) (Delivery, error)

	AssignmentInsert(ctx context.Context, a *Assignment) error
	AssignmentUpdate(ctx context.Context, a *Assignment) error
	AssignmentListByDocument(ctx context.Context, documentID string) ([]Assignment, error)
	// AssignmentListByDocuments reads the assignments of several documents in one go,
	// oldest first.
	AssignmentListByDocuments(ctx context.Context, documentIDs []string) ([]Assignment, error)
	AssignmentGetByID(ctx context.Context, id string) (Assignment, error)
	// AssignmentListOpenWithDeadline lists open assignments with a deadline on documents
	// still being handled, earliest deadline first.
	AssignmentListOpenWithDeadline(ctx context.Context, limit int) ([]Assignment, error)
	// AssignmentListByAgency lists the assignments of an agency's incoming documents,
	// leaving out documents cancelled by recall or returned to their sender.
	AssignmentListByAgency(ctx context.Context, agencyID string) ([]Assignment, error)
	// AssignmentListByHolder is AssignmentListByAgency narrowed to the assignments held by
	// the user or by a unit where they hold role.
	AssignmentListByHolder(ctx context.Context, agencyID, userID string, role Role) ([]Assignment, error)
	// AssignmentPageOpenByHolder reads a page of the open assignments one holder holds
	// (AssignmentHolderPage), earliest deadline first, those without a deadline last, then
	// by id, from the cursor on.
	AssignmentPageOpenByHolder(ctx context.Context, f AssignmentHolderPage) ([]Assignment, error)
	// AssignmentListDoneByHolder reads the latest f.Limit finished assignments one holder
	// holds, the last finished first.
	AssignmentListDoneByHolder(ctx context.Context, f AssignmentHolderPage) ([]Assignment, error)
	AssignmentNoteInsert(ctx context.Context, n *AssignmentNote) error
	AssignmentNoteGetByID(ctx context.Context, id string) (AssignmentNote, error)
	AssignmentNoteListByAssignment(ctx context.Context, assignmentID string) ([]AssignmentNote, error)
	// AssignmentNoteListByAssignments reads the notes of several assignments in one go,
	// oldest first.
	AssignmentNoteListByAssignments(ctx context.Context, assignmentIDs []string) ([]AssignmentNote, error)

	DistributionListInsert(ctx context.Context, l *DistributionList) error
	DistributionListGet(ctx context.Context, id string) (DistributionList, error)

	// NotificationInsert stores a notification unless the same person already has one of
	// that kind for that assignment; it reports whether it stored one.
	NotificationInsert(ctx context.Context, n *Notification) (bool, error)
	NotificationListByUser(ctx context.Context, userID string, limit int) ([]Notification, error)

	CopyInsert(ctx context.Context, c *Copy) error

	// CalendarYearUpsert stores a province's calendar data for one year (JSON);
	// CalendarYearList returns every stored year of a province.
	CalendarYearUpsert(ctx context.Context, agencyID string, year int, data []byte, by string, at time.Time) error
	CalendarYearList(ctx context.Context, agencyID string) (map[int][]byte, error)

	RecordInsert(ctx context.Context, r *Record) error
	// RecordUpdate writes r if the stored version is still prevVersion; ErrConflict otherwise.
	RecordUpdate(ctx context.Context, r *Record, prevVersion int) error
	RecordGetByID(ctx context.Context, id string) (Record, error)
	// RecordListByAgency lists an agency's records of a year (0: every year).
	RecordListByAgency(ctx context.Context, agencyID string, year int) ([]Record, error)
	RecordDocumentInsert(ctx context.Context, recordID, documentID, by string, at time.Time) error
	RecordDocumentDelete(ctx context.Context, recordID, documentID string) error
	RecordDocumentList(ctx context.Context, recordID string) ([]string, error)

	DelegationInsert(ctx context.Context, d *Delegation) error
	DelegationListTo(ctx context.Context, toUser, agencyID string) ([]Delegation, error)

	// RequestLogInsert records a request id; ErrConflict when it was seen before.
	RequestLogInsert(ctx context.Context, r RequestRecord) error
	RequestLogGet(ctx context.Context, requestID string) (RequestRecord, error)
	// RequestReplyInsert keeps the first answer to a request; a later one for the same
	// request id leaves it as it is.
	RequestReplyInsert(ctx context.Context, r RequestReply) error
	RequestReplyGet(ctx context.Context, requestID string) (RequestReply, error)
	// RequestsPrune deletes up to limit request ids and up to limit kept answers older
	// than before, and returns how many of each.
	RequestsPrune(ctx context.Context, before time.Time, limit int) (requests, replies int64, err error)

	// AuditHeadAdvance reserves the next n sequence numbers of an agency's chain and
	// returns the first with the hash of the event before it; it holds the chain until
	// commit.
	AuditHeadAdvance(ctx context.Context, agencyID string, n int) (first int64, prevHash string, err error)
	AuditHeadGet(ctx context.Context, agencyID string) (ChainHead, error)
	AuditInsert(ctx context.Context, e *Event) error
	AuditListByAgency(ctx context.Context, agencyID string, afterSeq int64, limit int) ([]Event, error)
	// AuditListByDocument returns up to limit events about a document and its
	// assignments, in every agency's chain, newest first.
	AuditListByDocument(ctx context.Context, documentID string, limit int) ([]Event, error)
	AuditCount(ctx context.Context) (int, error)
}

// DocumentFilter selects documents of one agency. Zero fields do not filter.
type DocumentFilter struct {
	AgencyID string
	Flow     Flow
	SourceID string
	Year     int
	Limit    int
}

// DocumentPageFilter selects one page of an agency's documents, newest first (ids are
// time-ordered): those with an id below Before, which is empty for the first page.
type DocumentPageFilter struct {
	AgencyID string // required
	Flow     Flow
	State    State
	Year     int
	Before   string
	Limit    int
}

// InboxFilter selects the documents of one agency in one (flow, state) that wait for a
// user under Claim, in inbox order, after the position After (zero: from the start).
type InboxFilter struct {
	AgencyID string
	Flow     Flow
	State    State
	Claim    Claim
	UserID   string // the claim's user
	Role     Role   // ClaimAssigned: the role whose units' assignments count
	After    InboxKey
	Limit    int
}

// Claim is what ties a waiting document to a user beyond its state.
type Claim int

const (
	ClaimNone      Claim = iota // the state alone: the role's own step
	ClaimAssigned               // an open assignment, not for information, of the user or of a unit they hold Role in
	ClaimReviewing              // a pending review step of the user
	ClaimDrafted                // the user drafted it
)

// InboxKey is a document's position in inbox order: most urgent first, then the oldest
// change, then incoming before outgoing, then the newest id. A key without ID precedes all.
type InboxKey struct {
	Place     int // the urgency's place in the queue: 0 for Hỏa tốc … 3 for none
	UpdatedAt time.Time
	Flow      Flow
	ID        string
}

// File is one stored file of a document: a draft version, the signed PDF, an attachment.
type File struct {
	DocumentID string
	Seq        int
	Kind       string // draft, signed, attachment, scan
	Name       string
	BlobKey    string
	SHA256     string
	Size       int64
	CreatedBy  string
	CreatedAt  time.Time
}

// ReviewStep is one check of a draft: content (by the drafting unit's head) or format
// (by the clerk's office), in order when Seq differ, in parallel when they share a Seq.
type ReviewStep struct {
	DocumentID string
	Seq        int
	ReviewerID string
	Kind       string // content, format
	Status     string // pending, approved, returned
	Comment    string
	DecidedAt  *time.Time
}

// RequestRecord remembers a request id for idempotent retries.
type RequestRecord struct {
	RequestID string
	ActorID   string
	Action    Action
	ObjectID  string
	CreatedAt time.Time
}

// RequestReply is the first answer to a request, replayed to its retries. The engine does
// not read it: Digest identifies the request and Reply encodes the answer, both as the
// caller (the API) defines them.
type RequestReply struct {
	RequestID string
	Digest    string
	Reply     []byte
	CreatedAt time.Time
}
