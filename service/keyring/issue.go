package keyring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/appearance"
	"github.com/vanthu/vanthu/signer/blank"
	"github.com/vanthu/vanthu/signer/docpdf"
	"github.com/vanthu/vanthu/signer/font"
)

// ErrNoBlanks: the draft's first page has no blank for the number or the date and the
// clerk did not say where to write them. Issuing is refused before a number is taken, so
// that no document goes out with an empty "Số:" (Decree 30, Art. 15).
var ErrNoBlanks = fmt.Errorf("keyring: không tìm thấy chỗ ghi số (“Số:”) hoặc ngày tháng (“ngày … tháng … năm”) "+
	"trên trang đầu của dự thảo; văn thư cần chỉ chỗ ghi số và ngày tháng trên trang / no “Số:” or "+
	"“ngày … tháng … năm” blank was found on the first page of the draft; the clerk must place the number and date: %w",
	engine.ErrInvalid)

// IssueOptions refine the clerk's issue.
type IssueOptions struct {
	// Placement says where to write the number and date on the first page when the draft
	// has no blank for them; a part given here takes the place of the blank found.
	Placement Placement
}

// Point is a position on the first page in PDF points (default user space, origin at the
// lower left corner): where the baseline of a written line starts.
type Point struct {
	X, Y float64
}

// Placement is where the clerk puts the number and date lines. At NumberAt the whole
// line "Số: 01/QĐ-UBND" is written, at DateAt "Hòa Bình, ngày 07 tháng 12 năm 2026",
// in Size points (default 13 for the number and 14 for the date, as Decree 30 sets them).
type Placement struct {
	NumberAt, DateAt *Point
	Size             float64
}

// issueText is what the agency's signature writes on the first page: blanks found in the
// draft, lines placed by the clerk, or both.
type issueText struct {
	blanks           docpdf.IssueBlanks // a zero Blank is left alone (printed, or placed instead)
	numberEnd        float64            // where the notation's "/" starts, 0 when unknown
	numberAt, dateAt *Point
	size             float64
	location         string
	printed          [3]int // day, month and year the draft prints already, 0 where blank
}

// issueText decides where the number and date go, before any number is taken: the
// Placer's blanks, else those found in the draft's text, with the clerk's placement over
// either. Without a place for both, it is ErrNoBlanks.
func (k *Keyring) issueText(ctx context.Context, layout Layout, draft []byte, p Placement) (issueText, error) {
	t := issueText{numberAt: p.NumberAt, dateAt: p.DateAt, size: p.Size, location: k.cfg.Location}
	if err := checkPlacement(draft, p); err != nil {
		return issueText{}, err
	}
	var hasNumber, hasDate bool
	if layout.Blanks != nil {
		t.blanks, hasNumber, hasDate = *layout.Blanks, true, true
	} else {
		found, err := blank.Find(ctx, draft)
		if ctx.Err() != nil {
			return issueText{}, fmt.Errorf("keyring: find the number and date blanks: %w", ctx.Err())
		}
		if err != nil { // refused below unless the clerk placed both
			k.cfg.Logger.WarnContext(ctx, "keyring: the draft's first page cannot be read for its blanks", "err", err)
		}
		t.blanks, hasNumber, hasDate = fromFound(found)
		if found.Number != nil && found.Number.Width > 0 {
			t.numberEnd = found.Number.X + found.Number.Width
		}
		if found.Date != nil {
			t.printed = found.Date.Printed
		}
	}
	if p.NumberAt != nil {
		t.blanks.Number, t.numberEnd, hasNumber = docpdf.Blank{}, 0, true
	}
	if p.DateAt != nil {
		t.blanks.Day, t.blanks.Month, t.blanks.Year, t.printed, hasDate = docpdf.Blank{}, docpdf.Blank{}, docpdf.Blank{}, [3]int{}, true
	}
	switch {
	case !hasNumber && !hasDate:
		return issueText{}, fmt.Errorf("keyring: thiếu số và ngày / number and date missing: %w", ErrNoBlanks)
	case !hasNumber:
		return issueText{}, fmt.Errorf("keyring: thiếu chỗ ghi số / number missing: %w", ErrNoBlanks)
	case !hasDate:
		return issueText{}, fmt.Errorf("keyring: thiếu chỗ ghi ngày tháng / date missing: %w", ErrNoBlanks)
	}
	return t, nil
}

// fromFound turns the blanks found into the renderer's, a part already printed left zero.
func fromFound(h blank.Header) (b docpdf.IssueBlanks, hasNumber, hasDate bool) {
	at := func(g *blank.Gap) docpdf.Blank {
		if g == nil {
			return docpdf.Blank{}
		}
		return docpdf.Blank{X: g.X, Y: g.Y, Size: g.Size}
	}
	b.Number = at(h.Number)
	if h.Date != nil {
		b.Day, b.Month, b.Year = at(h.Date.Day), at(h.Date.Month), at(h.Date.Year)
	}
	return b, h.Number != nil, h.Date != nil
}

// checkPlacement refuses a placement off the first page or in an unreadable size, naming
// the field as the API calls it.
func checkPlacement(draft []byte, p Placement) error {
	if p.NumberAt == nil && p.DateAt == nil {
		return nil
	}
	if p.Size != 0 && !(p.Size >= 6 && p.Size <= 30) {
		return &engine.ValidationError{Field: "size", Message: fmt.Sprintf("cỡ chữ %g ngoài khoảng 6–30 pt / type size %g outside 6–30 pt", p.Size, p.Size)}
	}
	box, err := signer.PageBox(draft, 0)
	if err != nil {
		return fmt.Errorf("keyring: the draft has no readable first page: %w: %w", engine.ErrInvalid, err)
	}
	for _, f := range []struct {
		name string
		at   *Point
	}{{"number_at", p.NumberAt}, {"date_at", p.DateAt}} {
		if pt := f.at; pt != nil && !(pt.X >= box[0] && pt.X <= box[2] && pt.Y >= box[1] && pt.Y <= box[3]) {
			return &engine.ValidationError{Field: f.name, Message: fmt.Sprintf("vị trí (%g, %g) nằm ngoài trang đầu (%g–%g × %g–%g pt) / "+
				"position (%g, %g) is off the first page", pt.X, pt.Y, box[0], box[2], box[1], box[3], pt.X, pt.Y)}
		}
	}
	return nil
}

// checkPrinted refuses to complete a date whose printed parts are not the issue date's
// ("tháng 12 năm 2026" on a document issued in January): the page would show a date the
// document was not issued on. The clerk can place the whole date line instead (date_at).
func (t issueText) checkPrinted(issued time.Time) error {
	d := issued.In(vietnam)
	want := [3]int{d.Day(), int(d.Month()), d.Year()}
	for i, name := range []string{"ngày / day", "tháng / month", "năm / year"} {
		if p := t.printed[i]; p != 0 && p != want[i] {
			return &engine.ValidationError{Field: "date_at", Message: fmt.Sprintf("dự thảo ghi sẵn %s %d nhưng văn bản ban hành ngày %s; "+
				"cần sửa dự thảo hoặc chỉ chỗ ghi ngày tháng / the draft prints %s %d but is issued on %s; correct the draft or place the date",
				name, p, d.Format("02/01/2006"), name, p, d.Format("2006-01-02"))}
		}
	}
	return nil
}

// stamps are the texts for a document numbered number (notation) and issued at issued.
func (t issueText) stamps(number int, notation string, issued time.Time) []appearance.Stamp {
	out := IssueStamps(0, t.blanks, number, issued)
	if t.numberEnd > 0 && len(out) > 0 && t.blanks.Number != (docpdf.Blank{}) {
		// The number ends at the notation's slash, "Số: 01/QĐ-UBND" as Decree 30 prints
		// it, however wide the blank the editor left.
		if w, err := numberWidth(out[0].Text, out[0].Size); err == nil {
			out[0].X = max(out[0].X, t.numberEnd-w-0.5)
		}
	}
	if t.numberAt != nil {
		out = append(out, appearance.Stamp{X: t.numberAt.X, Y: t.numberAt.Y, Size: orSize(t.size, 13),
			Text: "Số: " + notation})
	}
	if t.dateAt != nil {
		line := strings.TrimPrefix(docpdf.DateLine(t.location, issued), ", ")
		out = append(out, appearance.Stamp{X: t.dateAt.X, Y: t.dateAt.Y, Size: orSize(t.size, 14), Text: line})
	}
	return out
}

// numberWidth is how wide the stamp font (Liberation Serif, as signer/appearance draws
// it) sets text.
func numberWidth(text string, size float64) (float64, error) {
	face, err := font.Regular()
	if err != nil {
		return 0, err
	}
	return face.Width(text, size)
}

func orSize(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
