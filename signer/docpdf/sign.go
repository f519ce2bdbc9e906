package docpdf

import (
	"strconv"
	"strings"
)

// signatureBlock is ô 7 and ô 9b measured: they are drawn side by side and kept on one page.
type signatureBlock struct {
	authority  []string
	recipients []line
	height     float64
}

func (l *layout) measureSignature(doc *Document) (*signatureBlock, error) {
	b := &signatureBlock{}
	for _, a := range doc.Signer.Authority {
		if a = clean(a); a != "" {
			b.authority = append(b.authority, strings.ToUpper(a))
		}
	}
	var err error
	if b.recipients, err = l.recipientLines(doc.Recipients); err != nil {
		return nil, where("recipients (ô 9b)", err)
	}
	right := float64(len(b.authority)+1)*lineHeight(signerStyle) + signatureBox[1] + 8
	left := float64(len(b.recipients)) * lineHeight(toStyle)
	if len(b.recipients) > 0 {
		left += lineHeight(toHeadStyle)
	}
	// A long list runs on to the next page, as on paper: only half a page of it must fit
	// beside the signature.
	b.height = paraSpacing + max(min(left, (pageHeight-marginTop-marginBottom)/2), right)
	return b, nil
}

// signature draws ô 7 (authority lines, an empty space for the signature, the name) in the
// right column and ô 9b (Nơi nhận) in the left one, and returns the empty space.
func (l *layout) signature(doc *Document, b *signatureBlock) (Placement, error) {
	l.need(b.height)
	l.cursor -= paraSpacing
	top := l.cursor
	cx := marginLeft + leftColumn + rightColumn/2
	for _, a := range b.authority {
		bottom, _, err := l.centredLines(signerStyle, cx, l.cursor, rightColumn, a)
		if err != nil {
			return Placement{}, where("signing authority (ô 7a)", err)
		}
		l.cursor = bottom
	}
	w, h := signatureBox[0], signatureBox[1]
	space := Placement{Page: len(l.c.pages) - 1, Rect: [4]float64{cx - w/2, l.cursor - 4 - h, cx + w/2, l.cursor - 4}}
	l.cursor -= h + 8
	if _, _, err := l.centredLines(signerStyle, cx, l.cursor, rightColumn, doc.Signer.Name); err != nil {
		return Placement{}, where("signer's name (ô 7b)", err)
	}
	return space, l.drawRecipients(top, b.recipients)
}

// recipientLines wraps the "Nơi nhận" entries, each starting "- " and ending ";" except the
// last, which ends ".".
func (l *layout) recipientLines(entries []string) ([]line, error) {
	var names []string
	for _, e := range entries {
		if e = clean(e); e != "" {
			names = append(names, strings.TrimRight(e, ";."))
		}
	}
	var out []line
	for i, name := range names {
		end := ";"
		if i == len(names)-1 {
			end = "."
		}
		lines, err := l.c.wrap(toStyle, "- "+name+end, leftColumn, leftColumn-mm(3))
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	return out, nil
}

// drawRecipients draws the heading and the wrapped entries of ô 9b from top down; wrapped
// continuation lines are indented past the dash.
func (l *layout) drawRecipients(top float64, lines []line) error {
	if len(lines) == 0 {
		return nil
	}
	if err := l.c.text(toHeadStyle, marginLeft, l.baseline(toHeadStyle, top), "Nơi nhận:"); err != nil {
		return where("recipients (ô 9b)", err)
	}
	top -= lineHeight(toHeadStyle)
	for _, ln := range lines {
		if top-lineHeight(toStyle) < marginBottom {
			l.nextPage()
			top = l.cursor
		}
		x := marginLeft
		if ln.words[0] != "-" {
			x += mm(3)
		}
		if err := l.c.runs(toStyle, x, l.baseline(toStyle, top), ln.words, 0); err != nil {
			return where("recipients (ô 9b)", err)
		}
		top -= lineHeight(toStyle) / lineSpacing * 1.15 // entries are set tight, as in the decree's samples
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
