package pades

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Limits for walking trees that hostile files may make cyclic or huge.
const (
	maxTreeNodes = 1 << 16
	maxTreeDepth = 64
)

// signatureField describes one new signature field in an update.
type signatureField struct {
	fieldName  string
	sigDict    pdf.Dict // signature dictionary without /ByteRange and /Contents
	contents   int      // bytes reserved for /Contents (before hex encoding)
	appearance Appearance
	docMDP     int
	// docTimestamp marks a document timestamp, which ISO 32000-2
	// 12.8.2.2.2 allows whatever the DocMDP permissions.
	docTimestamp bool
}

// preparedField is a serialised update around the /Contents gap: the
// original bytes (never copied), the update's head ending with the "<" of
// /Contents, the hex digits reserved, and the tail starting with its ">".
type preparedField struct {
	orig      []byte
	enc       encoded
	byteRange [4]int64
}

const byteRangePlaceholder = "[0 ********** ********** **********]"

// addSignatureField builds the update that adds f to doc: the signature
// dictionary, a merged field/widget annotation, the page's /Annots, the
// AcroForm and (for DocMDP) the catalog — the only old objects that get
// new versions.
func addSignatureField(doc *pdf.Doc, f signatureField) (*preparedField, error) {
	rootRef := doc.Trailer.Get("Root").(pdf.Ref)
	catalog, form, err := readCatalog(doc)
	if err != nil {
		return nil, err
	}
	if err := form.checkCanSign(f.docMDP, f.docTimestamp); err != nil {
		return nil, err
	}
	u := newUpdate(doc)
	sigNum := u.reserve()
	var widget *pdf.Ref
	if empty, ok := form.emptySigFields[f.fieldName]; ok && f.fieldName != "" {
		err = fillField(doc, u, empty, pdf.Ref{Num: sigNum}, f.appearance)
	} else {
		widget, err = newWidget(doc, u, form.uniqueName(f.fieldName), pdf.Ref{Num: sigNum}, f.appearance)
	}
	if err != nil {
		return nil, err
	}
	newCatalog, changed := form.addField(u, catalog, widget)
	if f.docMDP != 0 {
		// Keep other permissions (e.g. /UR3) next to the new /DocMDP.
		old, err := doc.Resolve(catalog.Get("Perms"))
		if err != nil {
			return nil, fmt.Errorf("pades: read /Perms: %w", err)
		}
		perms, _ := old.(pdf.Dict)
		newCatalog, changed = newCatalog.With("Perms", perms.With("DocMDP", pdf.Ref{Num: sigNum})), true
	}
	if changed {
		u.set(rootRef.Num, newCatalog)
	}

	var body bytes.Buffer
	pdf.Write(&body, f.sigDict)
	body.Truncate(body.Len() - 2) // reopen the dictionary: drop ">>"
	body.WriteString("/ByteRange " + byteRangePlaceholder + "/Contents <")
	u.setGapped(sigNum, body.Bytes(), 2*f.contents, []byte(">>>"))
	return prepare(doc.File.Bytes(), u.encode())
}

// newWidget adds a merged signature field and widget annotation on the
// appearance's page (page 0, zero-size, when invisible) and returns it.
func newWidget(doc *pdf.Doc, u *update, fieldName string, sig pdf.Ref, ap Appearance) (*pdf.Ref, error) {
	pageIndex, rect := 0, [4]float64{}
	if ap != nil {
		pageIndex, rect = ap.Page(), ap.Rect()
	}
	pg, err := doc.Page(pageIndex)
	if err != nil {
		return nil, fmt.Errorf("pades: find page %d: %w", pageIndex+1, err)
	}
	pageRef, page := pg.Ref, pg.Dict
	widgetRef := pdf.Ref{Num: u.reserve()}
	widget := pdf.Dict{
		{Key: "Type", Value: pdf.Name("Annot")}, {Key: "Subtype", Value: pdf.Name("Widget")}, {Key: "FT", Value: pdf.Name("Sig")},
		{Key: "T", Value: pdf.TextString(fieldName)}, {Key: "V", Value: sig}, {Key: "P", Value: pageRef},
		{Key: "Rect", Value: pdf.Array{rect[0], rect[1], rect[2], rect[3]}},
		// Print + Locked: the field cannot be deleted or moved in a viewer.
		{Key: "F", Value: 132},
	}
	if widget, err = withAppearance(u, widget, ap); err != nil {
		return nil, err
	}
	u.set(widgetRef.Num, widget)
	if err := addToAnnots(doc, u, pageRef, page, widgetRef); err != nil {
		return nil, err
	}
	return &widgetRef, nil
}

// fillField signs an existing empty signature field (one prepared in the
// template for ô 7c or ô 8): the field gets /V, its widget the appearance;
// position and page stay those of the field.
func fillField(doc *pdf.Doc, u *update, field pdf.Ref, sig pdf.Ref, ap Appearance) error {
	fd, err := resolveDict(doc, field, "signature field")
	if err != nil {
		return err
	}
	kids, err := doc.Resolve(fd.Get("Kids"))
	if err != nil {
		return fmt.Errorf("pades: read field /Kids: %w", err)
	}
	switch kidArr, _ := kids.(pdf.Array); len(kidArr) {
	case 0:
	case 1:
		// poppler (22.x) does not see /V on a field whose widget is a
		// separate kid, so the two are merged into the field object, which
		// takes the widget's place in the page's /Annots.
		if fd, err = mergeKidWidget(doc, u, field, fd, kidArr[0]); err != nil {
			return err
		}
	default:
		return errors.New("pades: signature fields with several widgets are not supported")
	}
	fd, err = withAppearance(u, fd.With("V", sig), ap)
	if err != nil {
		return err
	}
	u.set(field.Num, fd)
	return nil
}

func mergeKidWidget(doc *pdf.Doc, u *update, field pdf.Ref, fd pdf.Dict, kid any) (pdf.Dict, error) {
	kidRef, ok := kid.(pdf.Ref)
	if !ok {
		return nil, errors.New("pades: signature widget is not an indirect object")
	}
	widget, err := resolveDict(doc, kidRef, "signature widget")
	if err != nil {
		return nil, err
	}
	pageRef, ok := widget.Get("P").(pdf.Ref)
	if !ok {
		return nil, errors.New("pades: signature widget has no /P page reference")
	}
	page, err := resolveDict(doc, pageRef, "page")
	if err != nil {
		return nil, err
	}
	merged := fd.Without("Kids")
	for _, e := range widget {
		if e.Key != "Parent" {
			merged = merged.With(e.Key, e.Value)
		}
	}
	return merged, replaceInAnnots(doc, u, pageRef, page, kidRef, field)
}

// replaceInAnnots swaps old for repl in the page's /Annots.
func replaceInAnnots(doc *pdf.Doc, u *update, pageRef pdf.Ref, page pdf.Dict, old, repl pdf.Ref) error {
	annots, err := doc.Resolve(page.Get("Annots"))
	if err != nil {
		return fmt.Errorf("pades: read /Annots: %w", err)
	}
	arr, _ := annots.(pdf.Array)
	out := make(pdf.Array, len(arr))
	found := false
	for i, a := range arr {
		out[i] = a
		if a == old {
			out[i], found = repl, true
		}
	}
	if !found {
		return errors.New("pades: signature widget is not in its page's /Annots")
	}
	if r, ok := page.Get("Annots").(pdf.Ref); ok {
		u.set(r.Num, out)
	} else {
		u.set(pageRef.Num, page.With("Annots", out))
	}
	return nil
}

// withAppearance lets ap write its Form XObject and points /AP /N at it.
func withAppearance(u *update, widget pdf.Dict, ap Appearance) (pdf.Dict, error) {
	if ap == nil {
		return widget, nil
	}
	xobj, err := ap.WriteXObject(u)
	if err != nil {
		return nil, fmt.Errorf("pades: write appearance: %w", err)
	}
	return widget.With("AP", pdf.Dict{{Key: "N", Value: pdf.Ref{Num: xobj}}}), nil
}

// prepare fills in /ByteRange, which excludes exactly the "<...>" of
// /Contents. The placeholder has a fixed width, so no offset moves.
func prepare(orig []byte, e encoded) (*preparedField, error) {
	const after = "/Contents <"
	at := len(e.head) - len(after) - len(byteRangePlaceholder)
	if e.gap == 0 || at < 0 || string(e.head[at:at+len(byteRangePlaceholder)]) != byteRangePlaceholder ||
		len(e.tail) == 0 || e.tail[0] != '>' {
		return nil, errors.New("pades: internal error: /ByteRange or /Contents placeholder missing")
	}
	lt := int64(len(orig) + len(e.head) - 1) // the "<"
	gt := lt + 1 + int64(e.gap)              // the ">"
	total := int64(len(orig) + e.size())
	p := &preparedField{orig: orig, enc: e, byteRange: [4]int64{0, lt, gt + 1, total - gt - 1}}
	s := fmt.Sprintf("[0 %d %d %d]", p.byteRange[1], p.byteRange[2], p.byteRange[3])
	if len(s) > len(byteRangePlaceholder) {
		return nil, errors.New("pades: the document is too large for a /ByteRange")
	}
	n := copy(e.head[at:], s)
	for i := at + n; i < at+len(byteRangePlaceholder); i++ {
		e.head[i] = ' '
	}
	return p, nil
}

// size is the length of the signed file.
func (p *preparedField) size() int64 { return int64(len(p.orig) + p.enc.size()) }

// hashUpdate hashes the update's part of the two signed ranges; the
// original bytes are hashed as they are written (see signing.run).
func (p *preparedField) hashUpdate(h io.Writer) {
	h.Write(p.enc.head[:len(p.enc.head)-1])
	h.Write(p.enc.tail[1:])
}

// fits reports errContentsTooSmall when der does not fit the gap.
func (p *preparedField) fits(der []byte) error {
	if 2*len(der) > p.enc.gap {
		return errContentsTooSmall{need: len(der)}
	}
	return nil
}

// writeUpdate writes the update after the original bytes: head, der in
// upper-case hex padded with zeros to the reserved width, tail.
func (p *preparedField) writeUpdate(w io.Writer, der []byte) (int64, error) {
	if err := p.fits(der); err != nil {
		return 0, err
	}
	n, err := w.Write(p.enc.head)
	written := int64(n)
	// A writer that appends to memory (a bytes.Buffer) takes the digits in
	// place; any other gets them through a small buffer.
	var buf []byte
	if a, ok := w.(interface{ AvailableBuffer() []byte }); ok {
		buf = a.AvailableBuffer()
	}
	if cap(buf) < 2*len(der) {
		buf = make([]byte, min(2*len(der), 1024))
	}
	buf = buf[:cap(buf)]
	for err == nil && len(der) > 0 {
		m := min(len(der), len(buf)/2)
		p.embed(buf, der[:m])
		n, err = w.Write(buf[:2*m])
		der, written = der[m:], written+int64(n)
	}
	for pad := p.enc.gap - int(written-int64(len(p.enc.head))); err == nil && pad > 0; {
		z := zeroDigits(min(pad, 4<<10))
		n, err = w.Write(z)
		pad, written = pad-len(z), written+int64(n)
	}
	if err == nil {
		n, err = w.Write(p.enc.tail)
		written += int64(n)
	}
	if err != nil {
		return written, fmt.Errorf("pades: write the signed PDF: %w", err)
	}
	return written, nil
}

// embed writes der in upper-case hex, as PDF writers usually do, to the
// start of dst, which has room for it.
func (p *preparedField) embed(dst, der []byte) {
	const digits = "0123456789ABCDEF"
	dst = dst[:2*len(der)]
	for i, c := range der {
		dst[2*i], dst[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
}

type errContentsTooSmall struct{ need int }

func (e errContentsTooSmall) Error() string {
	return fmt.Sprintf("pades: signature needs %d bytes, more than reserved in /Contents", e.need)
}

func resolveDict(doc *pdf.Doc, v any, what string) (pdf.Dict, error) {
	r, err := doc.Resolve(v)
	if err != nil {
		return nil, fmt.Errorf("pades: read %s: %w", what, err)
	}
	d, ok := r.(pdf.Dict)
	if !ok {
		if s, isStream := r.(pdf.Stream); isStream {
			return s.Dict, nil
		}
		return nil, fmt.Errorf("pades: %s is not a dictionary", what)
	}
	return d, nil
}

// addToAnnots appends widget to the page's /Annots, writing a new version
// of the array object when /Annots is indirect, of the page otherwise.
func addToAnnots(doc *pdf.Doc, u *update, pageRef pdf.Ref, page pdf.Dict, widget pdf.Ref) error {
	switch a := page.Get("Annots").(type) {
	case pdf.Ref:
		v, err := doc.Resolve(a)
		if err != nil {
			return fmt.Errorf("pades: read /Annots: %w", err)
		}
		arr, ok := v.(pdf.Array)
		if !ok && v != nil {
			return errors.New("pades: page /Annots is not an array")
		}
		u.set(a.Num, append(append(pdf.Array{}, arr...), widget))
	case pdf.Array:
		u.set(pageRef.Num, page.With("Annots", append(append(pdf.Array{}, a...), widget)))
	default:
		u.set(pageRef.Num, page.With("Annots", pdf.Array{widget}))
	}
	return nil
}
