package docpdf

import (
	"strings"
)

const (
	nationalTitle = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	nationalMotto = "Độc lập - Tự do - Hạnh phúc"
)

// header draws ô 1 and ô 2 side by side, then ô 3 and ô 4 on one baseline, then ô 5b (the
// Công văn summary) and the ô 10a/10b marks under the number.
func (l *layout) header(doc *Document) error {
	top := l.cursor
	leftX, rightX := marginLeft+leftColumn/2, marginLeft+leftColumn+rightColumn/2

	leftBottom, err := l.agencyBlock(doc, leftX, top)
	if err != nil {
		return where("issuing agency (ô 2)", err)
	}
	rightBottom, err := l.nationalBlock(rightX, top)
	if err != nil {
		return where("national title (ô 1)", err)
	}
	row := min(leftBottom, rightBottom) - 6
	baseline := l.baseline(dateStyle, row)
	number := NumberLine(doc.Number, doc.Notation)
	if _, err := l.c.centred(numberStyle, leftX, baseline, number); err != nil {
		return where("number (ô 3)", err)
	}
	date := DateLine(doc.Place, doc.Date)
	if _, err := l.c.centred(dateStyle, rightX, baseline, date); err != nil {
		return where("place and date (ô 4)", err)
	}
	if err := l.findBlanks(leftX, rightX, baseline, number, date, doc.Place); err != nil {
		return where("number and date", err)
	}
	l.cursor = row - lineHeight(dateStyle)
	if doc.Type == "" && clean(doc.Summary) != "" {
		bottom, _, err := l.centredLines(numberStyle, leftX, l.cursor, leftColumn-mm(4), "V/v "+clean(doc.Summary))
		if err != nil {
			return where("summary (ô 5b)", err)
		}
		l.cursor = bottom
	}
	return l.marks(doc, leftX)
}

// agencyBlock is ô 2: the parent agency in regular type, the issuing agency in bold, and a
// rule under it a third to a half of its length.
func (l *layout) agencyBlock(doc *Document, cx, top float64) (float64, error) {
	for _, line := range upperLines(doc.ParentAgency) {
		bottom, _, err := l.centredLines(parentStyle, cx, top, leftColumn, line)
		if err != nil {
			return 0, err
		}
		top = bottom
	}
	widest := 0.0
	for _, line := range upperLines(doc.Agency) {
		bottom, w, err := l.centredLines(agencyStyle, cx, top, leftColumn, line)
		if err != nil {
			return 0, err
		}
		top, widest = bottom, max(widest, w)
	}
	rule := widest * 0.4
	// Below the descenders, so it never crosses the dot of ị or ỵ.
	l.c.line(cx-rule/2, top-1, cx+rule/2, top-1, 0.6)
	return top - 3, nil
}

// nationalBlock is ô 1: the national title, and the motto underlined over its full length.
func (l *layout) nationalBlock(cx, top float64) (float64, error) {
	if _, err := l.c.centred(nationalStyle, cx, l.baseline(nationalStyle, top), nationalTitle); err != nil {
		return 0, err
	}
	top -= lineHeight(nationalStyle)
	w, err := l.c.centred(mottoStyle, cx, l.baseline(mottoStyle, top), nationalMotto)
	if err != nil {
		return 0, err
	}
	top -= lineHeight(mottoStyle)
	l.c.line(cx-w/2, top, cx+w/2, top, 0.6)
	return top - 3, nil
}

// marks draws the confidentiality (ô 10a) and urgency (ô 10b) stamps as red framed words
// under the number, as the stamps are placed on paper.
func (l *layout) marks(doc *Document, cx float64) error {
	for _, m := range []struct{ name, text string }{
		{"confidentiality mark (ô 10a)", doc.Confidentiality},
		{"urgency mark (ô 10b)", doc.Urgency},
	} {
		text := strings.ToUpper(clean(m.text))
		if text == "" {
			continue
		}
		l.cursor -= 4
		w, err := l.c.centred(stampStyle, cx, l.baseline(stampStyle, l.cursor), text)
		if err != nil {
			return where(m.name, err)
		}
		h := lineHeight(stampStyle)
		l.c.box(cx-w/2-mm(3), l.cursor-h, w+mm(6), h, true)
		l.cursor -= h
	}
	return nil
}

// title is ô 5a: the type name and the summary under it, bold and centred, with a short rule.
// A Công văn has neither (its summary is ô 5b).
func (l *layout) title(doc *Document) error {
	if clean(doc.Type) == "" {
		l.cursor -= lineHeight(bodyStyle) / 2
		return nil
	}
	cx := marginLeft + textWidth/2
	l.cursor -= lineHeight(titleStyle) / 2
	bottom, _, err := l.centredLines(titleStyle, cx, l.cursor, textWidth, strings.ToUpper(clean(doc.Type)))
	if err != nil {
		return where("document type (ô 5a)", err)
	}
	l.cursor = bottom
	if clean(doc.Summary) != "" {
		bottom, widest, err := l.centredLines(titleStyle, cx, l.cursor, textWidth*0.8, doc.Summary)
		if err != nil {
			return where("summary (ô 5a)", err)
		}
		rule := widest * 0.4
		l.c.line(cx-rule/2, bottom-1, cx+rule/2, bottom-1, 0.6)
		l.cursor = bottom - 3
	}
	l.cursor -= lineHeight(bodyStyle) / 2
	return nil
}

// addressees is ô 9a of a Công văn: "Kính gửi: X." on one centred line for one addressee,
// otherwise a list of "- X;" lines under the heading.
func (l *layout) addressees(doc *Document) error {
	var names []string
	for _, a := range doc.Addressees {
		if a = clean(a); a != "" {
			names = append(names, strings.TrimRight(a, ";."))
		}
	}
	switch len(names) {
	case 0:
		return nil
	case 1:
		l.need(lineHeight(bodyStyle))
		bottom, _, err := l.centredLines(bodyStyle, marginLeft+textWidth/2, l.cursor, textWidth, "Kính gửi: "+names[0]+".")
		l.cursor = bottom - paraSpacing
		return where("addressees (ô 9a)", err)
	}
	head := "Kính gửi:"
	x := marginLeft + mm(30)
	w, err := l.c.measure(bodyStyle, head+" ")
	if err != nil {
		return where("addressees (ô 9a)", err)
	}
	l.need(lineHeight(bodyStyle))
	if err := l.c.text(bodyStyle, x, l.baseline(bodyStyle, l.cursor), head); err != nil {
		return where("addressees (ô 9a)", err)
	}
	for i, name := range names {
		end := ";"
		if i == len(names)-1 {
			end = "."
		}
		if err := l.paragraph(bodyStyle, x+w, textWidth-(x+w-marginLeft), 0, "- "+name+end, alignLeft); err != nil {
			return where("addressees (ô 9a)", err)
		}
	}
	l.cursor -= paraSpacing
	return nil
}

// findBlanks records where the blanks of a draft's number and date are: after "Số: ", and
// after "ngày ", "tháng " and "năm " of the date line.
func (l *layout) findBlanks(leftX, rightX, baseline float64, number, date, place string) error {
	at := func(st style, cx float64, line, before string) (Blank, error) {
		full, err := l.c.measure(st, line)
		if err != nil {
			return Blank{}, err
		}
		prefix, err := l.c.measure(st, before)
		if err != nil {
			return Blank{}, err
		}
		return Blank{X: cx - full/2 + prefix, Y: baseline, Size: st.size}, nil
	}
	var err error
	b := &l.blanks
	if b.Number, err = at(numberStyle, leftX, number, "Số: "); err != nil {
		return err
	}
	head := clean(place) + ", ngày "
	if b.Day, err = at(dateStyle, rightX, date, head); err != nil {
		return err
	}
	if b.Month, err = at(dateStyle, rightX, date, head+"     tháng "); err != nil {
		return err
	}
	b.Year, err = at(dateStyle, rightX, date, head+"     tháng      năm ")
	return err
}
