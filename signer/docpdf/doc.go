// Package docpdf writes Vietnamese official documents as PDF files laid out in the Decree
// 30/2020/NĐ-CP format (thể thức, Phụ lục I): the national title and motto, issuing agency,
// number and notation, place and date, document type and summary, body, signing authority,
// recipients and the urgency and confidentiality marks, each in its "ô số" of the layout grid.
//
// Text is set in the bundled Liberation Serif (Times New Roman metrics, package font) as
// embedded subset fonts with /ToUnicode maps, so the text layer extracts back exactly, with
// its diacritics. Output is deterministic: a fixed input always gives the same bytes, and the
// file has a classic cross-reference table so signatures can be added as incremental updates.
package docpdf

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Urgency marks (ô 10b), ascending. Decree 30 stamps them in red.
const (
	Urgent        = "KHẨN"
	VeryUrgent    = "THƯỢNG KHẨN"
	FlashPriority = "HỎA TỐC"
)

// Confidentiality marks (ô 10a), ascending.
const (
	Secret     = "MẬT"
	TopSecret  = "TỐI MẬT"
	MostSecret = "TUYỆT MẬT"
)

// Document is an administrative document to lay out.
type Document struct {
	// ParentAgency is the governing agency (ô 2, first line, regular), e.g. "UBND TỈNH HÒA BÌNH";
	// empty for an agency without one. It is printed in upper case.
	ParentAgency string
	// Agency is the issuing agency (ô 2, bold, upper case), e.g. "SỞ NỘI VỤ"; a line break
	// ("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH") splits it where the writer wants.
	Agency string
	// Number is the registration number (ô 3); 0 leaves it blank for a draft, the clerk's
	// number being filled in at issue time. Numbers below 10 are printed as 01…09.
	Number int
	// Notation is the ký hiệu after the slash, e.g. "CT-UBND", or "UBND-VX" for a Công văn.
	Notation string
	// Place is the địa danh of ô 4, e.g. "Hòa Bình".
	Place string
	// Date is the issue date; the zero time leaves day, month and year blank (a draft).
	Date time.Time
	// Type is the document type name (ô 5a), e.g. "Chỉ thị", printed bold in upper case. Leave
	// it empty for a Công văn, which has no type name: its Summary is then the "V/v" line
	// under the number (ô 5b).
	Type string
	// Summary is the trích yếu: under the type name, or after "V/v" for a Công văn.
	Summary string
	// Addressees are the "Kính gửi" recipients of a Công văn (ô 9a).
	Addressees []string
	// Body is the content (ô 6); Text makes it from plain strings.
	Body []Paragraph
	// Signer is the signature block (ô 7).
	Signer Signer
	// Recipients is the "Nơi nhận" list (ô 9b), e.g. "Như trên", "Lưu: VT, VX".
	Recipients []string
	// Urgency is an urgency mark (ô 10b) such as Urgent; empty for none.
	Urgency string
	// Confidentiality is a confidentiality mark (ô 10a) such as Secret; empty for none.
	Confidentiality string
}

// Signer is the competent person's signature block (ô 7a, 7b, 7c).
type Signer struct {
	// Authority holds the authority and position lines, e.g. "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH".
	Authority []string
	// Name is the signer's full name, e.g. "Nguyễn Văn Chiến".
	Name string
}

// Placement is an area of the rendered PDF: a 0-based page index and a rectangle llx lly urx
// ury in the page's default user space (points, origin bottom left).
type Placement struct {
	Page int
	Rect [4]float64
}

// A4 in points, portrait.
var (
	pageWidth  = mm(210)
	pageHeight = mm(297)
)

// Margins of Decree 30 (PL I, I.4): top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
var (
	marginTop    = mm(20)
	marginBottom = mm(20)
	marginLeft   = mm(30)
	marginRight  = mm(15)
)

// ErrInvalid is wrapped by errors about a document that cannot be laid out as given.
var ErrInvalid = errors.New("invalid document")

// Render lays out doc on A4 pages and returns the PDF and where the leader's signature goes:
// the empty space between the authority lines and the name, for the signer to draw the
// handwritten signature in and the agency seal over its left third.
func Render(doc Document) ([]byte, Placement, error) {
	out, sig, _, err := RenderDraft(doc)
	return out, sig, err
}

// Blank is where a draft leaves room for what the clerk writes at issue: the start of the
// baseline on the first page (default user space) and the type size to write it in.
type Blank struct {
	X, Y, Size float64
}

// IssueBlanks are the blanks of a draft's number (ô 3) and date (ô 4). The electronic
// number and date are given by the system after the leader has signed (Decree 30,
// Art. 15), so they are written into these blanks by the agency's signature.
type IssueBlanks struct {
	Number, Day, Month, Year Blank
}

// RenderDraft is Render for a draft (Number 0 and a zero Date): it also returns where the
// number and date blanks are.
func RenderDraft(doc Document) ([]byte, Placement, IssueBlanks, error) {
	out, sig, err := render(doc)
	return out.pdf, sig, out.blanks, err
}

type rendered struct {
	pdf    []byte
	blanks IssueBlanks
}

func render(doc Document) (rendered, Placement, error) {
	if err := doc.validate(); err != nil {
		return rendered{}, Placement{}, err
	}
	l, err := newLayout()
	if err != nil {
		return rendered{}, Placement{}, err
	}
	block, err := l.measureSignature(&doc)
	if err != nil {
		return rendered{}, Placement{}, err
	}
	// The last lines of the body carry the signature block with them to a new page, so the
	// signature never stands alone on a page.
	l.tail = block.height
	for _, step := range []func(*Document) error{l.header, l.title, l.addressees, l.body} {
		if err := step(&doc); err != nil {
			return rendered{}, Placement{}, err
		}
	}
	sig, err := l.signature(&doc, block)
	if err != nil {
		return rendered{}, Placement{}, err
	}
	title := clean(doc.Type + " " + doc.Summary)
	out, err := l.c.pdf(title)
	if err != nil {
		return rendered{}, Placement{}, err
	}
	return rendered{pdf: out, blanks: l.blanks}, sig, nil
}

// validate rejects what would make a wrong document rather than a layout problem.
func (doc *Document) validate() error {
	texts := []string{doc.ParentAgency, doc.Agency, doc.Notation, doc.Place, doc.Type, doc.Summary,
		doc.Signer.Name, doc.Urgency, doc.Confidentiality}
	for _, p := range doc.Body {
		texts = append(texts, p.Text)
	}
	texts = append(append(append(texts, doc.Addressees...), doc.Recipients...), doc.Signer.Authority...)
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return fmt.Errorf("docpdf: %w: text %q is not valid UTF-8", ErrInvalid, s)
		}
	}
	switch {
	case clean(doc.Agency) == "":
		return fmt.Errorf("docpdf: %w: the issuing agency (ô 2) is required", ErrInvalid)
	case clean(doc.Notation) == "":
		return fmt.Errorf("docpdf: %w: the notation (ký hiệu, ô 3) is required", ErrInvalid)
	case clean(doc.Place) == "":
		return fmt.Errorf("docpdf: %w: the place (địa danh, ô 4) is required", ErrInvalid)
	case doc.Number < 0:
		return fmt.Errorf("docpdf: %w: number %d is negative", ErrInvalid, doc.Number)
	case clean(doc.Signer.Name) == "":
		return fmt.Errorf("docpdf: %w: the signer's name (ô 7b) is required", ErrInvalid)
	}
	return nil
}
