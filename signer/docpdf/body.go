package docpdf

// Paragraph is one paragraph of the body (ô 6). The zero value is ordinary body text:
// justified, with a first-line indent.
type Paragraph struct {
	Text string
	// Bold and Italic set the type, e.g. italic for the "Căn cứ …" grounds of a Quyết định.
	Bold, Italic bool
	// Centred centres the lines without an indent, for headings inside the body such as the
	// issuing authority and "QUYẾT ĐỊNH:" of a decision.
	Centred bool
	// Lead is set in bold before Text on the paragraph's first line, e.g. "Điều 1." of an
	// article of a Quyết định, whose text follows in regular type.
	Lead string
}

// Text turns plain strings into ordinary body paragraphs.
func Text(paragraphs ...string) []Paragraph {
	out := make([]Paragraph, len(paragraphs))
	for i, p := range paragraphs {
		out[i] = Paragraph{Text: p}
	}
	return out
}

// body is ô 6: paragraphs across as many pages as needed, the last two lines kept on the page
// of the signature block.
func (l *layout) body(doc *Document) error {
	last := -1
	for i, p := range doc.Body {
		if clean(p.Lead+p.Text) != "" {
			last = i
		}
	}
	for i, p := range doc.Body {
		if clean(p.Lead+p.Text) == "" {
			continue
		}
		tail := 0.0
		if i == last {
			tail = paraSpacing + l.tail
		}
		s := bodyStyle
		s.bold, s.italic = p.Bold, p.Italic
		indent, align := paraIndent, alignJustify
		if p.Centred {
			indent, align = 0, alignCentre
		}
		if err := l.flow(s, marginLeft, textWidth, indent, p.Lead, p.Text, align, tail); err != nil {
			return where("body paragraph "+itoa(i+1), err)
		}
		l.cursor -= paraSpacing
	}
	return nil
}
