package engine

import (
	"fmt"
	"strings"
	"time"
)

// Flow tells an outgoing document (văn bản đi) from an incoming one (văn bản đến).
type Flow string

const (
	Outgoing Flow = "outgoing"
	Incoming Flow = "incoming"
)

// Urgency is độ khẩn; higher jumps the queue.
type Urgency string

const (
	UrgencyNormal     Urgency = ""
	UrgencyUrgent     Urgency = "khan"        // Khẩn
	UrgencyVeryUrgent Urgency = "thuong_khan" // Thượng khẩn
	UrgencyFlash      Urgency = "hoa_toc"     // Hỏa tốc
)

// Rank orders urgencies for queues: Hỏa tốc first.
func (u Urgency) Rank() int {
	switch u {
	case UrgencyUrgent:
		return 1
	case UrgencyVeryUrgent:
		return 2
	case UrgencyFlash:
		return 3
	}
	return 0
}

func (u Urgency) valid() bool { return u == UrgencyNormal || u.Rank() > 0 }

// Classification is độ mật. Classified documents number in their own series.
type Classification string

const (
	Unclassified Classification = ""
	Confidential Classification = "mat"       // Mật
	Secret       Classification = "toi_mat"   // Tối mật
	TopSecret    Classification = "tuyet_mat" // Tuyệt mật
)

func (c Classification) valid() bool {
	switch c {
	case Unclassified, Confidential, Secret, TopSecret:
		return true
	}
	return false
}

// DocumentType is a kind of administrative document (Decree 30, Art. 7) with its official
// abbreviation (Appendix III). Công văn has none: its notation names the drafting unit.
type DocumentType struct {
	Code string // the abbreviation, "" for công văn
	Name string
}

// DocumentTypes are the official types and abbreviations (mixed case is official: QyĐ, CTr, TTr).
var DocumentTypes = []DocumentType{
	{"NQ", "Nghị quyết"}, {"QĐ", "Quyết định"}, {"CT", "Chỉ thị"}, {"QC", "Quy chế"}, {"QyĐ", "Quy định"},
	{"TC", "Thông cáo"}, {"TB", "Thông báo"}, {"HD", "Hướng dẫn"}, {"CTr", "Chương trình"}, {"KH", "Kế hoạch"},
	{"PA", "Phương án"}, {"ĐA", "Đề án"}, {"DA", "Dự án"}, {"BC", "Báo cáo"}, {"BB", "Biên bản"},
	{"TTr", "Tờ trình"}, {"HĐ", "Hợp đồng"}, {"CĐ", "Công điện"}, {"BGN", "Bản ghi nhớ"}, {"BTT", "Bản thỏa thuận"},
	{"GUQ", "Giấy ủy quyền"}, {"GM", "Giấy mời"}, {"GGT", "Giấy giới thiệu"}, {"GNP", "Giấy nghỉ phép"},
	{"PG", "Phiếu gửi"}, {"PC", "Phiếu chuyển"}, {"PB", "Phiếu báo"}, {"", "Công văn"},
}

// TypeByCode finds a document type by its abbreviation.
func TypeByCode(code string) (DocumentType, bool) {
	for _, t := range DocumentTypes {
		if t.Code == code {
			return t, true
		}
	}
	return DocumentType{}, false
}

// State is where a document stands in its lifecycle; see lifecycle.go.
type State string

// Document is one văn bản in one agency: an outgoing draft that becomes an issued document,
// or an incoming document as the receiving agency registered it.
type Document struct {
	ID             string
	AgencyID       string
	Flow           Flow
	State          State
	Version        int // bumped by every change; a stale version loses
	TypeCode       string
	Subject        string // trích yếu
	Urgency        Urgency
	Classification Classification

	// Outgoing.
	DrafterID      string
	DraftingUnitID string
	SignerID       string
	SigningForm    SigningForm
	SignerTitle    string
	Year           int
	Series         string
	Number         int    // 0 until issued
	Notation       string // "15/QĐ-UBND", set at issue
	IssuedAt       *time.Time

	// IntendedSignerID is the leader named to sign (người ký dự kiến) when the draft was
	// submitted: only they, or someone holding their delegation, sign it. Empty: any leader.
	IntendedSignerID string

	// Incoming.
	IncomingNumber int // số đến, 0 until registered
	ReceivedAt     *time.Time
	SourceID       string // the outgoing document it was dispatched from, on this instance
	SenderName     string
	SenderNotation string
	Direction      string // the leader's direction (ý kiến chỉ đạo, bút phê)
	Deadline       *time.Time
	DocumentDate   *time.Time // ngày văn bản: the date the sender gave it
	SignerName     string     // người ký, as the received document names them
	PageCount      int        // số trang

	// ReplyToID links a reply to the incoming document it answers; ReplacesID an issued
	// document to the one it corrects (đính chính) or replaces (thay thế).
	ReplyToID   string
	ReplacesID  string
	ReplaceKind string // correct, replace

	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the fields a drafter or clerk fills in.
func (d *Document) Validate() error {
	switch {
	case d.Flow != Outgoing && d.Flow != Incoming:
		return invalid("flow", "must be outgoing or incoming")
	case strings.TrimSpace(d.Subject) == "":
		return invalid("subject", "trích yếu is required")
	case len(d.Subject) > 2000:
		return invalid("subject", "trích yếu is longer than 2000 bytes")
	case !d.Urgency.valid():
		return invalid("urgency", "unknown urgency %q", d.Urgency)
	case !d.Classification.valid():
		return invalid("classification", "unknown classification %q", d.Classification)
	}
	if _, ok := TypeByCode(d.TypeCode); !ok {
		return invalid("type_code", "unknown document type %q", d.TypeCode)
	}
	return nil
}

// SigningForm is the authority under which a leader signs (Decree 30 PL I II.7).
type SigningForm string

const (
	SignsAsHead          SigningForm = ""    // the head signs in their own right
	SignsOnBehalf        SigningForm = "KT"  // ký thay
	SignsByOrder         SigningForm = "TL"  // thừa lệnh
	SignsByAuthorization SigningForm = "TUQ" // thừa ủy quyền
	SignsAsActing        SigningForm = "Q"   // quyền
	SignsForCollective   SigningForm = "TM"  // thay mặt tập thể
)

func (f SigningForm) valid() bool {
	switch f {
	case SignsAsHead, SignsOnBehalf, SignsByOrder, SignsByAuthorization, SignsAsActing, SignsForCollective:
		return true
	}
	return false
}

// Notation builds số, ký hiệu per Decree 30 (PL I II.3): numbers below 10 are zero-padded;
// a typed document is "15/QĐ-UBND", a công văn "12/UBND-VX" with the drafting unit.
func Notation(number int, typeCode, agencyShort, unitShort string) string {
	n := fmt.Sprintf("%02d", number)
	if typeCode == "" {
		if unitShort == "" {
			return n + "/" + agencyShort
		}
		return n + "/" + agencyShort + "-" + unitShort
	}
	return n + "/" + typeCode + "-" + agencyShort
}

// RegisterKind names an agency's registers (sổ đăng ký).
type RegisterKind string

const (
	RegisterOutgoing RegisterKind = "outgoing"
	RegisterIncoming RegisterKind = "incoming"
	RegisterCopy     RegisterKind = "copy" // bản sao y / sao lục / trích sao share one series
)

// SeriesSecret is the separate series of classified documents.
const SeriesSecret = "secret"

// Delivery is an outgoing document's copy for one recipient agency.
type Delivery struct {
	ID                string
	OutgoingID        string
	RecipientAgencyID string
	IncomingID        string
	Status            DeliveryStatus
	Reason            string
	UpdatedAt         time.Time
}

// DeliveryStatus is what the sender sees of a recipient.
type DeliveryStatus string

const (
	DeliveryDelivered  DeliveryStatus = "delivered"
	DeliveryRegistered DeliveryStatus = "registered"
	DeliveryInProgress DeliveryStatus = "in_progress"
	DeliveryDone       DeliveryStatus = "done"
	DeliveryReturned   DeliveryStatus = "returned"
	DeliveryRecalled   DeliveryStatus = "recalled"
	// Reported only by recipients over the national exchange axis (statuses 04, 15, 16).
	DeliveryAssigned       DeliveryStatus = "assigned"
	DeliveryChangeAccepted DeliveryStatus = "change_accepted"
	DeliveryChangeRejected DeliveryStatus = "change_rejected"
)

// AssignmentRole is a unit's or person's part in handling an incoming document.
type AssignmentRole string

const (
	Lead           AssignmentRole = "lead"      // chủ trì
	Cooperate      AssignmentRole = "cooperate" // phối hợp
	ForInformation AssignmentRole = "info"      // để biết
)

// Assignment gives part of an incoming document's handling to a unit or a person.
type Assignment struct {
	ID         string
	DocumentID string
	ParentID   string
	UnitID     string
	UserID     string
	Role       AssignmentRole
	Deadline   *time.Time
	Status     string // open, done
	Note       string
	CreatedBy  string
	CreatedAt  time.Time
	DoneAt     *time.Time
}

// Delegation lets ToUser sign (or act) for FromUser within scope until ValidTo. It cannot
// be delegated further.
type Delegation struct {
	ID        string
	AgencyID  string
	FromUser  string
	ToUser    string
	Form      SigningForm
	TypeCodes []string // empty: every type
	ValidFrom time.Time
	ValidTo   time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// Covers reports whether the delegation allows signing a document of typeCode at t.
func (d *Delegation) Covers(typeCode string, t time.Time) bool {
	if d.RevokedAt != nil || t.Before(d.ValidFrom) || !t.Before(d.ValidTo) {
		return false
	}
	if len(d.TypeCodes) == 0 {
		return true
	}
	for _, c := range d.TypeCodes {
		if c == typeCode {
			return true
		}
	}
	return false
}
