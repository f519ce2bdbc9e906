package appearance

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Attachments and electronic copies carry the agency signature as text only, in the top-right
// corner of the first page, Times New Roman 10 pt, black, upright (PL I Phần I II.8.b, Phần II.I).
const (
	CornerFontSize = 10.0
	// DefaultCornerMaxWidth is where long agency names wrap, about 6 cm.
	DefaultCornerMaxWidth = 170.0
)

// Default corner margins in points: 5 mm from the top keeps the block inside the page's top
// margin (20–25 mm under Decree 30); 15 mm from the right aligns it with the text's right edge
// (right margin 15–20 mm).
const (
	DefaultMarginTop   = 5 * 72 / 25.4
	DefaultMarginRight = 15 * 72 / 25.4
)

// CornerPlacement positions a text-only appearance in the top-right corner of a page.
type CornerPlacement struct {
	Page int // 0-based; Decree 30 puts it on the first page
	// PageBox is the page's MediaBox (or CropBox): llx lly urx ury in default user space.
	// Pages with /Rotate are not accounted for.
	PageBox [4]float64
	// MarginTop and MarginRight are distances from the page's top and right edges in points.
	// Defaults DefaultMarginTop and DefaultMarginRight.
	MarginTop, MarginRight float64
	// MaxWidth is the widest a line may be before it wraps. Default DefaultCornerMaxWidth.
	MaxWidth float64
}

// AttachmentOptions describe the agency signature on an attachment in a separate file.
type AttachmentOptions struct {
	CornerPlacement
	// Number is the main document's number and notation, e.g. "15/QĐ-UBND"; it is shown as
	// "Số: 15/QĐ-UBND".
	Number string
	// SignedAt is the signing time, shown in ISO 8601 with the Vietnamese offset.
	SignedAt time.Time
}

// Attachment lays out "Số: …" and the signing time in the top-right corner.
func Attachment(opts AttachmentOptions) (*Appearance, error) {
	if cleanText(opts.Number) == "" {
		return nil, errors.New("appearance: attachment: the document number and notation is required")
	}
	if opts.SignedAt.IsZero() {
		return nil, errors.New("appearance: attachment: the signing time is required")
	}
	a, err := corner(opts.CornerPlacement, "Số: "+opts.Number, ISOTime(opts.SignedAt))
	if err != nil {
		return nil, fmt.Errorf("appearance: attachment: %w", err)
	}
	return a, nil
}

// CopyForm is the form of an electronic copy (hình thức sao).
type CopyForm string

// The three forms of copy in Decree 30 (Art. 25).
const (
	CopyTrue     CopyForm = "SAO Y"     // sao y: full copy of the original
	CopyFromCopy CopyForm = "SAO LỤC"   // sao lục: copy of a copy (sao y)
	CopyExtract  CopyForm = "TRÍCH SAO" // trích sao: copy of part of the content
)

// CopyOptions describe the agency signature on an electronic copy.
type CopyOptions struct {
	CornerPlacement
	Form CopyForm
	// Agency is the copying agency's name, e.g. "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM".
	Agency string
	// SignedAt is the signing time, shown in ISO 8601 with the Vietnamese offset.
	SignedAt time.Time
}

// Copy lays out the copy form, the copying agency and the signing time in the top-right corner.
func Copy(opts CopyOptions) (*Appearance, error) {
	if !slices.Contains([]CopyForm{CopyTrue, CopyFromCopy, CopyExtract}, opts.Form) {
		return nil, fmt.Errorf("appearance: copy: form %q is not SAO Y, SAO LỤC or TRÍCH SAO", string(opts.Form))
	}
	if cleanText(opts.Agency) == "" {
		return nil, errors.New("appearance: copy: the copying agency's name is required")
	}
	if opts.SignedAt.IsZero() {
		return nil, errors.New("appearance: copy: the signing time is required")
	}
	a, err := corner(opts.CornerPlacement, string(opts.Form), opts.Agency, ISOTime(opts.SignedAt))
	if err != nil {
		return nil, fmt.Errorf("appearance: copy: %w", err)
	}
	return a, nil
}

// corner stacks lines flush left in a box as narrow as its longest line, hung from the top-right
// margins of the page.
func corner(p CornerPlacement, lines ...string) (*Appearance, error) {
	p.MarginTop = orDefault(p.MarginTop, DefaultMarginTop)
	p.MarginRight = orDefault(p.MarginRight, DefaultMarginRight)
	p.MaxWidth = orDefault(p.MaxWidth, DefaultCornerMaxWidth)
	box := p.PageBox
	if box[2] <= box[0] || box[3] <= box[1] {
		return nil, fmt.Errorf("page box %v is empty; pass the page's MediaBox", box)
	}
	if p.Page < 0 || p.MarginTop < 0 || p.MarginRight < 0 || p.MaxWidth <= 0 {
		return nil, errors.New("page, margins and maximum width must not be negative")
	}
	regular, err := regularFace()
	if err != nil {
		return nil, err
	}
	b := &block{face: regular, size: CornerFontSize, width: p.MaxWidth + 2*blockPad}
	for _, line := range lines {
		if err := b.addLeft(line); err != nil {
			return nil, err
		}
	}
	b.width = b.widest()
	x := box[2] - p.MarginRight - b.width
	y := box[3] - p.MarginTop - b.height()
	if x < box[0] || y < box[1] {
		return nil, fmt.Errorf("a %.0f×%.0f pt block does not fit in page box %v", b.width, b.height(), box)
	}
	return b.appearance(p.Page, x, y), nil
}
