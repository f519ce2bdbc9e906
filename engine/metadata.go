package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ValidationErrors lists every field of an entry that is wrong, so a user fixes them all
// at once instead of one per attempt. errors.Is(err, ErrInvalid) matches it.
type ValidationErrors []*ValidationError

func (e ValidationErrors) Error() string {
	parts := make([]string, len(e))
	for i, v := range e {
		parts[i] = v.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap gives each field's error, so errors.As finds the first and errors.Is matches ErrInvalid.
func (e ValidationErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, v := range e {
		out[i] = v
	}
	return out
}

// Fields names the wrong fields in order.
func (e ValidationErrors) Fields() []string {
	out := make([]string, len(e))
	for i, v := range e {
		out[i] = v.Field
	}
	return out
}

// fieldCheck collects field errors.
type fieldCheck struct{ errs ValidationErrors }

func (c *fieldCheck) fail(field, format string, args ...any) {
	c.errs = append(c.errs, &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// maxLen checks a text field's length in characters (the national lists count characters).
func (c *fieldCheck) maxLen(field, label, v string, max int) {
	if n := utf8.RuneCountInString(v); n > max {
		c.fail(field, "%s is %d characters, at most %d", label, n, max)
	}
}

func (c *fieldCheck) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

// AccessMode is chế độ sử dụng (Rights / Mode in the national field lists).
type AccessMode string

const (
	AccessOpen       AccessMode = "open"       // 02 không hạn chế, sử dụng rộng rãi
	AccessRestricted AccessMode = "restricted" // 01 hạn chế sử dụng
)

// Label is the mode as the field list prints it.
func (m AccessMode) Label() string {
	switch m {
	case AccessOpen:
		return "Không hạn chế"
	case AccessRestricted:
		return "Hạn chế sử dụng"
	}
	return string(m)
}

// RecordMetadata are the fields of the national lists for a record (hồ sơ) beyond its
// code, title, dates and retention: Decree 30 PL VI III and TT 02/2019 PL II.
type RecordMetadata struct {
	AccessMode  AccessMode // chế độ sử dụng
	Language    string     // ngôn ngữ: ISO 639-1 codes, comma-separated ("vi", "vi,en")
	Keywords    []string   // từ khóa
	Description string     // chú giải, ghi chú
	InfoSign    string     // ký hiệu thông tin
	PageTotal   int        // số lượng trang
	SheetTotal  int        // số lượng tờ
}

// withDefaults fills what Vietnamese agencies almost always mean when they leave a field
// empty: Vietnamese, open use.
func (m RecordMetadata) withDefaults() RecordMetadata {
	if m.Language == "" {
		m.Language = "vi"
	}
	if m.AccessMode == "" {
		m.AccessMode = AccessOpen
	}
	return m
}

var languageCode = regexp.MustCompile(`^[a-z]{2}$`)

func (m *RecordMetadata) check(c *fieldCheck) {
	if m.AccessMode != AccessOpen && m.AccessMode != AccessRestricted {
		c.fail("access_mode", "chế độ sử dụng %q must be open or restricted", m.AccessMode)
	}
	c.maxLen("language", "ngôn ngữ", m.Language, 50)
	for _, l := range strings.Split(m.Language, ",") {
		if !languageCode.MatchString(strings.TrimSpace(l)) {
			c.fail("language", "ngôn ngữ %q must be ISO 639-1 codes such as vi or vi,en", m.Language)
			break
		}
	}
	if len(m.Keywords) > 20 {
		c.fail("keywords", "at most 20 keywords, not %d", len(m.Keywords))
	}
	for i, k := range m.Keywords {
		switch {
		case strings.TrimSpace(k) == "":
			c.fail(fmt.Sprintf("keywords[%d]", i), "từ khóa is empty")
		case strings.ContainsAny(k, ";\n"):
			c.fail(fmt.Sprintf("keywords[%d]", i), "từ khóa %q contains ';' or a line break", k)
		default:
			c.maxLen(fmt.Sprintf("keywords[%d]", i), "từ khóa", k, 100)
		}
	}
	c.maxLen("description", "chú giải", m.Description, 2000)
	c.maxLen("info_sign", "ký hiệu thông tin", m.InfoSign, 30)
	if m.PageTotal < 0 || m.PageTotal > 9999 {
		c.fail("page_total", "số lượng trang %d must be 0 to 9999", m.PageTotal)
	}
	if m.SheetTotal < 0 || m.SheetTotal > 9999 {
		c.fail("sheet_total", "số lượng tờ %d must be 0 to 9999", m.SheetTotal)
	}
}

// FileCode is the record's mã hồ sơ: fonds (mã phông, the agency's identifier), year and
// the record's number and notation, e.g. "H23.2025.01.TCCB".
func (r *Record) FileCode() string {
	return fmt.Sprintf("%s.%d.%s", r.FondsCode, r.Year, r.Code)
}

// Validate checks every field of the record against the national field list and reports
// all that are wrong.
func (r *Record) Validate() error {
	var c fieldCheck
	if !recordCode.MatchString(r.Code) {
		c.fail("code", "số và ký hiệu hồ sơ %q must be a number, a dot and the heading's abbreviation, e.g. 01.TCCB", r.Code)
	}
	c.maxLen("code", "số và ký hiệu hồ sơ", r.Code, 20)
	if strings.TrimSpace(r.Title) == "" {
		c.fail("title", "tiêu đề hồ sơ is required")
	}
	c.maxLen("title", "tiêu đề hồ sơ", r.Title, 1000)
	if !r.Retention.valid() {
		c.fail("retention", "thời hạn bảo quản is permanent or 1 to 100 years")
	}
	if r.Year < 1945 || r.Year > 9999 {
		c.fail("year", "năm hình thành %d is out of range", r.Year)
	}
	if r.FondsCode == "" || len(r.FondsCode) > 35 || !agencyCodePattern.MatchString(r.FondsCode) {
		c.fail("fonds_code", "mã phông %q must be the agency's identifier (QĐ 20/2020)", r.FondsCode)
	}
	if r.Category != "" && !categoryPattern.MatchString(r.Category) {
		c.fail("category", "nhóm hồ sơ %q must be letters, digits and '-', at most 30", r.Category)
	}
	r.RecordMetadata.check(&c)
	return c.err()
}

// DocumentMetadata is a filed document's entry in the national field list (Decree 30
// PL VI I and II), as it goes into the record's index (mục lục văn bản).
type DocumentMetadata struct {
	FileCode     string // mã hồ sơ
	DocOrdinal   int    // số thứ tự văn bản trong hồ sơ
	TypeName     string // tên loại văn bản
	CodeNumber   string // số của văn bản
	CodeNotation string // ký hiệu của văn bản
	IssuedDate   string // ngày, tháng, năm văn bản (yyyy-mm-dd)
	OrganName    string // tên cơ quan ban hành
	Subject      string // trích yếu nội dung
	Language     string
	ArrivalDate  string // ngày đến (incoming)
	ArrivalNo    int    // số đến (incoming)
}

// DocumentMetadataOf builds the field-list entry of a document filed at ordinal in r;
// issuer is the agency that issued it (its own agency for outgoing documents).
func DocumentMetadataOf(r *Record, ordinal int, d *Document, issuer string) DocumentMetadata {
	m := DocumentMetadata{FileCode: r.FileCode(), DocOrdinal: ordinal, Subject: d.Subject, OrganName: issuer,
		Language: r.Language}
	if t, ok := TypeByCode(d.TypeCode); ok {
		m.TypeName = t.Name
	}
	switch d.Flow {
	case Outgoing:
		if d.Number > 0 {
			m.CodeNumber = fmt.Sprintf("%02d", d.Number)
		}
		_, m.CodeNotation, _ = strings.Cut(d.Notation, "/")
		if d.IssuedAt != nil {
			m.IssuedDate = d.IssuedAt.In(vietnam).Format("2006-01-02")
		}
	case Incoming:
		m.OrganName = d.SenderName
		num, notation, ok := strings.Cut(d.SenderNotation, "/")
		if ok {
			m.CodeNumber, m.CodeNotation = num, notation
		} else {
			m.CodeNotation = d.SenderNotation
		}
		if d.ReceivedAt != nil {
			m.ArrivalDate = d.ReceivedAt.In(vietnam).Format("2006-01-02")
		}
		m.ArrivalNo = d.IncomingNumber
	}
	return m
}

// check reports what is missing or too long, with fields prefixed by prefix. Without a
// flow it checks only what is fixed when a document is filed, not its number and date.
func (m DocumentMetadata) check(c *fieldCheck, prefix string, flow Flow) {
	field := func(name string) string { return prefix + name }
	if m.DocOrdinal < 1 || m.DocOrdinal > 9999 {
		c.fail(field("doc_ordinal"), "số thứ tự văn bản %d must be 1 to 9999", m.DocOrdinal)
	}
	if m.TypeName == "" {
		c.fail(field("type_name"), "tên loại văn bản is required")
	}
	c.maxLen(field("code_number"), "số của văn bản", m.CodeNumber, 11)
	c.maxLen(field("code_notation"), "ký hiệu của văn bản", m.CodeNotation, 30)
	if strings.TrimSpace(m.OrganName) == "" {
		c.fail(field("organ_name"), "tên cơ quan ban hành is required")
	}
	c.maxLen(field("organ_name"), "tên cơ quan ban hành", m.OrganName, 200)
	if strings.TrimSpace(m.Subject) == "" {
		c.fail(field("subject"), "trích yếu is required")
	}
	c.maxLen(field("subject"), "trích yếu", m.Subject, 500)
	switch flow {
	case Outgoing:
		if m.CodeNumber == "" || m.IssuedDate == "" {
			c.fail(field("code_number"), "an outgoing document is filed with its number and date once issued")
		}
	case Incoming:
		if m.ArrivalNo == 0 || m.ArrivalDate == "" {
			c.fail(field("arrival_number"), "an incoming document is filed with its số đến and ngày đến once registered")
		}
	}
}

// JoinKeywords is how the store keeps keywords in one column; ';' cannot occur in one.
func JoinKeywords(k []string) string { return strings.Join(k, ";") }

// SplitKeywords reads keywords kept by JoinKeywords.
func SplitKeywords(s string) []string {
	if s == "" {
		return nil
	}
	return slices.DeleteFunc(strings.Split(s, ";"), func(k string) bool { return k == "" })
}
