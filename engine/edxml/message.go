package edxml

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Namespace is the QCVN 102:2016 namespace written by BuildMessage and
// BuildStatus.
const Namespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

// vnZone is Vietnam time (UTC+7, no daylight saving). A fixed zone avoids a
// dependency on the host's tzdata.
var vnZone = time.FixedZone("ICT", 7*60*60)

// Message is an edoc envelope: the document's metadata (MessageHeader), the
// path it took (TraceHeaderList) and what was attached.
type Message struct {
	From         Organization
	To           []Organization
	Code         Code
	Promulgation PromulgationInfo
	DocumentType DocumentType
	Subject      string // trích yếu, required
	Content      string
	Signer       SignerInfo
	DueDate      time.Time // zero when absent
	ToPlaces     []string  // nơi nhận, as printed on the document
	OtherInfo    OtherInfo
	ResponseFor  []ResponseFor
	SteeringType int
	DeclaredID   string // MessageHeader/DocumentId (QCVN 1.14) as written by the sender
	TraceHeaders []TraceHeader
	Business     Business
	Manifest     []AttachmentInfo // edXMLBody/edXMLManifest/Reference, as declared
	Attachments  []AttachmentInfo // AttachmentEncoded/Attachment, as received (filled by the parser)
	// Warnings are the unusual values the parser accepted (an agency code of
	// an unknown form, a date it could not read); not written by BuildMessage.
	Warnings []string
}

// Organization is From, To, or the From of a status message (QCVN 1.1/1.2).
type Organization struct {
	OrganID              string // QCVN 102 code (000.00.00.H23), QĐ 20/2020 code (H23.01) or an axis id; see CheckOrganID
	OrganizationInCharge string
	OrganName            string
	OrganAdd             string
	Email                string
	Telephone            string
	Fax                  string
	Website              string
}

// Code is "Số, ký hiệu" split as the envelope carries it: CodeNumber "7816",
// CodeNotation "VPCP-TTĐT".
type Code struct {
	Number   string // kept as text: "01" is zero-padded on purpose
	Notation string
}

// String gives "7816/VPCP-TTĐT", the form printed on the document.
func (c Code) String() string {
	if c.Notation == "" {
		return c.Number
	}
	return c.Number + "/" + c.Notation
}

// PromulgationInfo is the place and date of issue (QCVN 1.4).
type PromulgationInfo struct {
	Place string
	Date  time.Time // a civil date at midnight, Vietnam time
}

// DocumentType is QCVN 1.5. Type and TypeDetail are numeric codes whose
// tables are not in the sources available; TypeName is the reliable part.
// See Kind.
type DocumentType struct {
	Type       int
	TypeDetail int
	TypeName   string
}

// SignerInfo is the person who signed (QCVN 1.8); some senders call the
// element Author.
type SignerInfo struct {
	Competence string // "TL. BỘ TRƯỞNG", "KT. CHỦ TỊCH"
	Position   string
	FullName   string
}

// OtherInfo is QCVN 1.11.
type OtherInfo struct {
	Priority             int // mức độ khẩn; see UrgencyFromPriority
	SphereOfPromulgation string
	TyperNotation        string // ký hiệu người soạn thảo
	PromulgationAmount   int    // số lượng bản
	PageAmount           int
	Direction            string // raw; samples carry "false"
	Appendixes           []string
}

// ResponseFor names an earlier document this one answers, revokes or
// replaces (QCVN 1.12); the status message carries one too.
type ResponseFor struct {
	OrganID          string
	Code             string // "7816/VPCP-TTĐT"
	PromulgationDate time.Time
	DocumentID       string
}

// TraceHeader is one hop on the axis.
type TraceHeader struct {
	OrganID   string
	Timestamp time.Time
}

// Business is the Bussiness element (sic, double s): what the package does
// to the document.
type Business struct {
	DocType      BusinessDocType
	DocReason    string
	DocumentID   string
	Paper        int // 1 when a paper copy is also sent
	Staff        StaffInfo
	DocumentInfo string // BussinessDocumentInfo/DocumentInfo, raw
	Receiver     string // BussinessDocumentInfo/DocumentReceiver, raw
	Receivers    []Receiver
	Replacements []Replacement
}

// StaffInfo is the clerk who acted (Bussiness and status messages).
type StaffInfo struct {
	Department string
	Staff      string
	Mobile     string
	Email      string
}

// Receiver is BussinessDocumentInfo/ReceiverList/Receiver.
type Receiver struct {
	OrganID      string
	ReceiverType string
}

// Replacement is ReplacementInfoList/ReplacementInfo: which earlier document
// this one replaces, and for which recipients.
type Replacement struct {
	DocumentID string
	OrganIDs   []string
}

// AttachmentInfo describes an attachment. Size and SHA256 are filled by the
// parser from the decoded bytes; they are not part of the envelope.
type AttachmentInfo struct {
	ContentID   string
	Name        string
	Description string
	ContentType string
	Size        int64
	SHA256      [32]byte
}

// DocumentID is the document identifier of §5.3:
// "<OrganId of issuer>,<yyyy/MM/dd>,<Số/Ký hiệu>", e.g.
// "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT". It is built from From, the
// promulgation date and Code; it is "" when one of them is missing.
// DeclaredID holds what the sender wrote, which may differ.
func (m *Message) DocumentID() string {
	if m.From.OrganID == "" || m.Promulgation.Date.IsZero() || m.Code.Number == "" {
		return ""
	}
	return FormatDocumentID(m.From.OrganID, m.Promulgation.Date, m.Code)
}

// FormatDocumentID joins the three parts of a document identifier.
func FormatDocumentID(organID string, date time.Time, code Code) string {
	return organID + "," + formatDate(date) + "," + code.String()
}

// ParseDocumentID splits a document identifier. The code part is split at
// its first "/" (a ký hiệu never starts before the number).
func ParseDocumentID(id string) (organID string, date time.Time, code Code, err error) {
	parts := strings.SplitN(id, ",", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", time.Time{}, Code{}, fmt.Errorf("edxml: document id %q: want OrganId,yyyy/MM/dd,Số/Ký hiệu: %w", id, ErrMalformed)
	}
	date, err = parseDate(parts[1])
	if err != nil {
		return "", time.Time{}, Code{}, fmt.Errorf("edxml: document id %q: %w", id, err)
	}
	num, notation, _ := strings.Cut(parts[2], "/")
	return parts[0], date, Code{Number: num, Notation: notation}, nil
}

var (
	// QCVN 102:2016: xxx.yy.zz.Lnn, 13 characters, level 1 at the right.
	legacyOrganID = regexp.MustCompile(`^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$`)
	// QĐ 20/2020/QĐ-TTg: groups of 0-9A-Z joined by ".", level 1 at the left.
	qd20OrganID = regexp.MustCompile(`^[A-Z][0-9A-Z]*(\.[0-9A-Z]+)*$`)
	// The axis's own system ids ("mã trung tâm"), e.g. vxp.saas.03.
	systemOrganID = regexp.MustCompile(`^[a-z][a-z0-9]*(\.[a-z0-9]+)+$`)
	// Ids of agencies registered by tax code or another operator number,
	// e.g. 020100107370 (10 to 14 digits).
	digitOrganID = regexp.MustCompile(`^[0-9]{10,14}$`)
)

// CheckOrganID accepts an agency code in a form the axis is known to route:
// the legacy QCVN 102:2016 code ("000.00.00.H23"), the QĐ 20/2020 code (at
// most 35 characters, "H23.01.02"), one of the axis's system ids
// ("vxp.saas.03") or a tax-code-like digit id ("020100107370"). Readers treat
// a refusal as a warning, not as a reason to drop the message.
func CheckOrganID(id string) error {
	switch {
	case legacyOrganID.MatchString(id), len(id) <= 35 && qd20OrganID.MatchString(id),
		len(id) <= 35 && systemOrganID.MatchString(id), digitOrganID.MatchString(id):
		return nil
	}
	return fmt.Errorf("%q is not an agency code of QCVN 102:2016 or QĐ 20/2020, nor an axis system id: %w", id, ErrMalformed)
}

const (
	dateLayout      = "2006/01/02"
	timestampLayout = "2006/01/02 15:04:05"
)

func formatDate(t time.Time) string { return t.In(vnZone).Format(dateLayout) }

func formatTimestamp(t time.Time) string { return t.In(vnZone).Format(timestampLayout) }

// parseDate accepts the QCVN form yyyy/MM/dd and, leniently, yyyy-MM-dd and
// dd/MM/yyyy, which some senders write.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{dateLayout, "2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, s, vnZone); err == nil && writable(t) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: want yyyy/MM/dd: %w", s, ErrMalformed)
}

// parseTimestamp accepts yyyy/MM/dd HH:mm:ss (builders), dd/MM/yyyy
// HH:mm:ss (some receivers) and RFC 3339; local forms are Vietnam time.
func parseTimestamp(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil && writable(t) {
		return t, nil
	}
	for _, layout := range []string{timestampLayout, "02/01/2006 15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, vnZone); err == nil && writable(t) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want yyyy/MM/dd HH:mm:ss: %w", s, ErrMalformed)
}

// writable refuses years that the four-digit layouts cannot write back
// (a far time-zone offset can push 9999-12-31 into year 10000).
func writable(t time.Time) bool {
	y := t.In(vnZone).Year()
	return y >= 1 && y <= 9999
}
