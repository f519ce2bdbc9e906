package docpdf

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TemplateKind is a model of Decree 30, Phụ lục III, that a draft can be written from.
type TemplateKind struct {
	// Code is the type's abbreviation as the notation uses it; "" for a Công văn, which
	// has none.
	Code string
	Name string
}

// TemplateKinds are the models offered for drafting, in the order a drafter meets them.
var TemplateKinds = []TemplateKind{
	{"QĐ", "Quyết định"}, {"", "Công văn"}, {"TTr", "Tờ trình"}, {"BC", "Báo cáo"},
	{"TB", "Thông báo"}, {"KH", "Kế hoạch"}, {"GM", "Giấy mời"},
}

// TemplateKindByCode finds a model by its abbreviation ("" is the Công văn).
func TemplateKindByCode(code string) (TemplateKind, bool) {
	for _, k := range TemplateKinds {
		if k.Code == code {
			return k, true
		}
	}
	return TemplateKind{}, false
}

// Signing forms of the authority line (ô 7a, PL I II.7).
const (
	ForCollective   = "TM."  // thay mặt tập thể
	OnBehalf        = "KT."  // ký thay
	ByOrder         = "TL."  // thừa lệnh
	ByAuthorization = "TUQ." // thừa ủy quyền
)

// Template is a draft filled in part by part; Document lays it out as Decree 30 asks.
type Template struct {
	// Kind is the model's Code (TemplateKinds).
	Kind string
	// ParentAgency and Agency are ô 2, as in Document.
	ParentAgency, Agency string
	// Notation is the ký hiệu after the slash, e.g. "QĐ-UBND"; the number stays blank.
	Notation string
	// Place is the địa danh of ô 4.
	Place string
	// Summary is the trích yếu; a Công văn's may start "V/v", which is printed once.
	Summary string
	// Addressees are the "Kính gửi" lines (a Công văn, a Tờ trình); optional.
	Addressees []string
	// Competence is the issuing authority above the grounds of a Quyết định, e.g. "CHỦ
	// TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"; empty, it is made from the signer and agency.
	Competence string
	// Body is the content as typed: a blank line ends a paragraph. In a Quyết định, lines
	// starting "Căn cứ" or "Theo đề nghị" are its grounds and lines starting "Điều" its
	// articles, each a paragraph of its own.
	Body string
	// Recipients are the "Nơi nhận" entries; "Lưu: VT" is added when no entry keeps a copy.
	Recipients []string
	Signing    Signing
	// Urgency and Confidentiality are the marks of ô 10b and 10a, as in Document.
	Urgency, Confidentiality string
}

// Signing is the signature block as the drafter chooses it.
type Signing struct {
	// Form is "" (the head signs) or ForCollective, OnBehalf, ByOrder, ByAuthorization.
	Form string
	// For is what the form is for: the collective after "TM." ("ỦY BAN NHÂN DÂN"), the
	// head's title after "KT.", "TL." or "TUQ." ("CHỦ TỊCH").
	For string
	// Position is the signer's own title, e.g. "PHÓ CHỦ TỊCH".
	Position string
	Name     string
}

// FieldError is a part of a template that is missing or wrong. Field names the part as the
// API does (subject, body, signer_name …); Problem is a short code a form can word.
type FieldError struct {
	Field, Problem string
	Message        string
}

func (e *FieldError) Error() string { return "docpdf: " + e.Field + ": " + e.Message }

func (e *FieldError) Unwrap() error { return ErrInvalid }

// Problems a FieldError reports.
const (
	ProblemRequired = "required"
	ProblemUnknown  = "unknown"
	ProblemArticles = "articles"
)

// Document lays the template out as a draft: number and date blank, the parts in their
// places, the body set as the model of its kind sets it.
func (t Template) Document() (Document, error) {
	kind, err := t.check()
	if err != nil {
		return Document{}, err
	}
	doc := Document{
		ParentAgency: t.ParentAgency, Agency: t.Agency, Notation: t.Notation, Place: t.Place,
		Summary: clean(t.Summary), Addressees: t.Addressees, Recipients: recipients(t.Recipients),
		Signer:  Signer{Authority: t.Signing.lines(), Name: clean(t.Signing.Name)},
		Urgency: t.Urgency, Confidentiality: t.Confidentiality,
	}
	if kind.Code == "" {
		doc.Summary = strings.TrimSpace(strings.TrimPrefix(doc.Summary, "V/v"))
	} else {
		doc.Type = kind.Name
	}
	if kind.Code == "QĐ" {
		doc.Body, err = decisionBody(t.competence(), t.Body)
		if err != nil {
			return Document{}, err
		}
	} else {
		doc.Body = Text(paragraphs(t.Body, nil)...)
	}
	endBody(doc.Body)
	return doc, nil
}

// Render is RenderDraft of the template's Document.
func (t Template) Render() ([]byte, Placement, IssueBlanks, error) {
	doc, err := t.Document()
	if err != nil {
		return nil, Placement{}, IssueBlanks{}, err
	}
	return RenderDraft(doc)
}

// check refuses, naming the part, what would make a document without a required element.
func (t Template) check() (TemplateKind, error) {
	kind, ok := TemplateKindByCode(t.Kind)
	if !ok {
		return kind, &FieldError{"kind", ProblemUnknown, fmt.Sprintf("không có mẫu %q / no template %q", t.Kind, t.Kind)}
	}
	required := []struct{ field, value, what string }{
		{"agency", t.Agency, "tên cơ quan ban hành / the issuing agency"},
		{"notation", t.Notation, "ký hiệu / the notation"},
		{"place", t.Place, "địa danh / the place name"},
		{"subject", t.Summary, "trích yếu / the summary"},
		{"body", t.Body, "nội dung / the body"},
		{"signer_position", t.Signing.Position, "chức vụ người ký / the signer's position"},
		{"signer_name", t.Signing.Name, "họ tên người ký / the signer's name"},
	}
	for _, r := range required {
		if clean(r.value) == "" {
			return kind, &FieldError{r.field, ProblemRequired, "cần nhập " + r.what + " / " + r.what + " is required"}
		}
	}
	switch t.Signing.Form {
	case "":
	case ForCollective, OnBehalf, ByOrder, ByAuthorization:
		if clean(t.Signing.For) == "" {
			return kind, &FieldError{"signer_for", ProblemRequired, "cần nhập " + t.Signing.Form + " cho ai / say for whom " + t.Signing.Form + " is signed"}
		}
	default:
		return kind, &FieldError{"signer_form", ProblemUnknown, fmt.Sprintf("không có hình thức ký %q / no signing form %q", t.Signing.Form, t.Signing.Form)}
	}
	return kind, nil
}

// lines are the authority lines of ô 7a: "KT. CHỦ TỊCH" then "PHÓ CHỦ TỊCH".
func (s Signing) lines() []string {
	if s.Form == "" {
		return []string{clean(s.Position)}
	}
	return []string{s.Form + " " + clean(s.For), clean(s.Position)}
}

// competence is the authority heading of a Quyết định: the collective, or the head whose
// power the signer uses, of the agency.
func (t Template) competence() string {
	if c := clean(t.Competence); c != "" {
		return strings.ToUpper(c)
	}
	agency := strings.Join(upperLines(t.Agency), " ")
	switch t.Signing.Form {
	case ForCollective:
		return agency
	case OnBehalf, ByOrder, ByAuthorization:
		return strings.ToUpper(clean(t.Signing.For)) + " " + agency
	}
	return strings.ToUpper(clean(t.Signing.Position)) + " " + agency
}

var (
	articleLine = regexp.MustCompile(`^Điều\s+(\d+)\b`)
	articleLead = regexp.MustCompile(`^Điều\s+\d+\s*[.:]?`)
	groundsLine = regexp.MustCompile(`^(Căn cứ|Theo đề nghị|Xét đề nghị)(\s|$)`)
	decideLine  = regexp.MustCompile(`^QUYẾT ĐỊNH\s*:?$`)
)

// decisionBody sets a Quyết định (Mẫu 1.2): the authority centred in bold, the grounds in
// italics, "QUYẾT ĐỊNH:" centred in bold, then the articles, numbered from 1 without a gap.
func decisionBody(competence, text string) ([]Paragraph, error) {
	starts := func(line string) bool {
		return articleLine.MatchString(line) || groundsLine.MatchString(line) || decideLine.MatchString(line)
	}
	out := []Paragraph{{Text: competence, Bold: true, Centred: true}}
	articles := 0
	for _, p := range paragraphs(text, starts) {
		switch {
		case decideLine.MatchString(p):
			continue // put in its place below, once
		case articleLine.MatchString(p):
			n, _ := strconv.Atoi(articleLine.FindStringSubmatch(p)[1])
			if n != articles+1 {
				return nil, &FieldError{"body", ProblemArticles, fmt.Sprintf("Điều %d đứng sau Điều %d: các điều đánh số liên tục từ 1 / "+
					"article %d follows article %d: articles are numbered from 1 without a gap", n, articles, n, articles)}
			}
			if articles == 0 {
				out = append(out, Paragraph{Text: "QUYẾT ĐỊNH:", Bold: true, Centred: true})
			}
			articles++
			// Decree 30 sets "Điều N." in bold and the article's text after it in regular type.
			lead := articleLead.FindString(p)
			out = append(out, Paragraph{Lead: clean(lead), Text: strings.TrimSpace(p[len(lead):])})
		case articles == 0:
			out = append(out, Paragraph{Text: p, Italic: true})
		default:
			out = append(out, Paragraph{Text: p})
		}
	}
	if articles == 0 {
		return nil, &FieldError{"body", ProblemArticles, "quyết định cần ít nhất một điều (dòng bắt đầu “Điều 1.”) / " +
			"a decision needs at least one article (a line starting “Điều 1.”)"}
	}
	return out, nil
}

// paragraphs splits typed text at blank lines, and before every line starts says begins
// a paragraph of its own; the lines of a paragraph are joined.
func paragraphs(text string, starts func(string) bool) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = clean(line)
		switch {
		case line == "":
			flush()
			continue
		case starts != nil && starts(line):
			flush()
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// endBody ends the content with "./." as Decree 30's models do.
func endBody(body []Paragraph) {
	if len(body) == 0 {
		return
	}
	last := &body[len(body)-1]
	end := &last.Text
	if *end == "" && last.Lead != "" {
		end = &last.Lead // an article with no text after "Điều N."
	}
	if !strings.HasSuffix(*end, "./.") {
		*end = strings.TrimRight(*end, ".;:, ") + "./."
	}
}

// recipients cleans the "Nơi nhận" entries of the dashes and ends people type, and keeps
// a copy for the văn thư ("Lưu: VT") when no entry does.
func recipients(entries []string) []string {
	var out []string
	kept := false
	for _, e := range entries {
		e = strings.TrimRight(strings.TrimLeft(clean(e), "-+• "), ";.")
		if e == "" {
			continue
		}
		kept = kept || strings.HasPrefix(e, "Lưu")
		out = append(out, e)
	}
	if !kept {
		out = append(out, "Lưu: VT")
	}
	return out
}

// IsFieldError tells a template's wrong part from a layout failure.
func IsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}
