package docpdf

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Attachment is a phụ lục or other attachment issued as a separate file (Mẫu 2.2). It has no
// signature block: the clerk signs it with the agency key, and that signature's text (number,
// notation and signing time) goes in the top-right corner of its first page (PL I, II.8.b).
type Attachment struct {
	// ParentAgency and Agency are ô 2, as in Document; both may be empty.
	ParentAgency string
	Agency       string
	// Title is the attachment's label, e.g. "Phụ lục I", printed bold in upper case.
	Title string
	// Heading is its name, bold and centred under the title.
	Heading string
	// Reference is the "(Kèm theo … số … ngày …)" line, italic. Decree 30 leaves it blank on
	// electronic attachments because the agency signature carries it; set it for paper.
	Reference string
	// Body holds the paragraphs; Text makes them from plain strings.
	Body []Paragraph
}

// The area kept free in the top-right corner of an attachment's first page for the agency
// signature text, in points: 60 × 20 mm, below a 5 mm margin and inside the right margin.
const (
	CornerReserveWidth  = 60 * 72 / 25.4
	CornerReserveHeight = 20 * 72 / 25.4
)

// RenderAttachment lays out a on A4 pages and returns the PDF and the top-right area of page
// 0 left free for the agency signature.
func RenderAttachment(a Attachment) ([]byte, Placement, error) {
	texts := []string{a.ParentAgency, a.Agency, a.Title, a.Heading, a.Reference}
	for _, p := range a.Body {
		texts = append(texts, p.Text)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return nil, Placement{}, fmt.Errorf("docpdf: %w: text %q is not valid UTF-8", ErrInvalid, s)
		}
	}
	l, err := newLayout()
	if err != nil {
		return nil, Placement{}, err
	}
	right := pageWidth - marginRight
	reserved := Placement{Page: 0, Rect: [4]float64{right - CornerReserveWidth, pageHeight - mm(5) - CornerReserveHeight, right, pageHeight - mm(5)}}
	// ô 2 sits in the left column, clear of the corner; everything else starts below it.
	if clean(a.ParentAgency+a.Agency) != "" {
		bottom, err := l.agencyBlock(&Document{ParentAgency: a.ParentAgency, Agency: a.Agency}, marginLeft+leftColumn/2, l.cursor)
		if err != nil {
			return nil, Placement{}, where("attachment agency (ô 2)", err)
		}
		l.cursor = bottom
	}
	l.cursor = min(l.cursor, reserved.Rect[1]-4) - lineHeight(titleStyle)/2
	if err := l.attachmentTitle(a); err != nil {
		return nil, Placement{}, err
	}
	if err := l.body(&Document{Body: a.Body}); err != nil {
		return nil, Placement{}, err
	}
	out, err := l.c.pdf(clean(a.Title + " " + a.Heading))
	if err != nil {
		return nil, Placement{}, err
	}
	return out, reserved, nil
}

// attachmentTitle draws the title, heading and reference line, centred over the text width.
func (l *layout) attachmentTitle(a Attachment) error {
	cx := marginLeft + textWidth/2
	for _, part := range []struct {
		name, text string
		s          style
	}{
		{"attachment title", strings.ToUpper(clean(a.Title)), titleStyle},
		{"attachment heading", a.Heading, titleStyle},
		{"attachment reference", a.Reference, dateStyle},
	} {
		if clean(part.text) == "" {
			continue
		}
		bottom, _, err := l.centredLines(part.s, cx, l.cursor, textWidth*0.9, part.text)
		if err != nil {
			return where(part.name, err)
		}
		l.cursor = bottom
	}
	l.cursor -= lineHeight(bodyStyle) / 2
	return nil
}
