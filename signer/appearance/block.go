package appearance

// block stacks text lines and gaps from the top down. Positions are measured from the top while
// lines are added and turned into PDF coordinates (origin bottom-left) once the height is known.
type block struct {
	face   *face
	size   float64
	width  float64 // outer width; lines wrap at width - 2*blockPad
	cursor float64 // distance from the top used so far
	lines  []blockLine
}

// blockPad keeps glyph overhangs (accents above capitals, descenders) inside the BBox.
const blockPad = 2.0

type blockLine struct {
	text     string
	width    float64
	baseline float64 // distance from the top
	centred  bool
}

func (b *block) lineHeight() float64 { return 1.2 * b.size }

// addCentred wraps s and adds its lines centred; addLeft adds them flush left.
func (b *block) addCentred(s string) error { return b.add(s, true) }
func (b *block) addLeft(s string) error    { return b.add(s, false) }

func (b *block) add(s string, centred bool) error {
	if b.cursor == 0 {
		b.cursor = blockPad
	}
	lines, err := b.face.wrap(cleanText(s), b.size, b.width-2*blockPad)
	if err != nil {
		return err
	}
	// Centre the font's ascent+descent box in the line, then sit the baseline under the ascent.
	fontHeight := b.face.Ascent(b.size) + b.face.Descent(b.size)
	for _, line := range lines {
		w, err := b.face.width(line, b.size)
		if err != nil {
			return err
		}
		baseline := b.cursor + (b.lineHeight()-fontHeight)/2 + b.face.ascent(b.size)
		b.lines = append(b.lines, blockLine{text: line, width: w, baseline: baseline, centred: centred})
		b.cursor += b.lineHeight()
	}
	return nil
}

// addGap reserves vertical space and returns its distance from the top.
func (b *block) addGap(h float64) float64 {
	if b.cursor == 0 {
		b.cursor = blockPad
	}
	top := b.cursor
	b.cursor += h
	return top
}

// widest is the width of the longest line plus padding: the tightest box around the text.
func (b *block) widest() float64 {
	w := 0.0
	for _, l := range b.lines {
		w = max(w, l.width)
	}
	return w + 2*blockPad
}

// height is the block's total height including bottom padding.
func (b *block) height() float64 { return b.cursor + blockPad }

// appearance places the block with its lower-left corner at x, y on page.
func (b *block) appearance(page int, x, y float64) *Appearance {
	h := b.height()
	a := &Appearance{page: page, rect: [4]float64{x, y, x + b.width, y + h}}
	for _, l := range b.lines {
		lx := blockPad
		if l.centred {
			lx = (b.width - l.width) / 2
		}
		a.texts = append(a.texts, textLine{face: b.face, size: b.size, x: lx, y: h - l.baseline, text: l.text})
	}
	return a
}
