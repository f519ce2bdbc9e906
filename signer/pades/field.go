package pades

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Limits for walking trees that hostile files may make cyclic or huge.
const (
	maxTreeNodes = 1 << 16
	maxTreeDepth = 64
)

// signatureField describes one new signature field in an update.
type signatureField struct {
	fieldName  string
	sigDict    dict // signature dictionary without /ByteRange and /Contents
	contents   int  // bytes reserved for /Contents (before hex encoding)
	appearance Appearance
	docMDP     int
	// docTimestamp marks a document timestamp, which ISO 32000-2
	// 12.8.2.2.2 allows whatever the DocMDP permissions.
	docTimestamp bool
}

// preparedField is a serialised update with the placeholder located.
type preparedField struct {
	out        []byte
	byteRange  [4]int64
	contentsAt int // offset of the first hex digit in out
	contentsN  int // number of hex digits reserved
}

const byteRangePlaceholder = "[0 ********** ********** **********]"

// addSignatureField builds the update that adds f to doc: the signature
// dictionary, a merged field/widget annotation, the page's /Annots, the
// AcroForm and (for DocMDP) the catalog — the only old objects that get
// new versions.
func addSignatureField(doc *document, f signatureField) (*preparedField, error) {
	rootRef := doc.trailer.get("Root").(ref)
	catalog, err := resolveDict(doc, rootRef, "catalog")
	if err != nil {
		return nil, err
	}
	form, err := readForm(doc, catalog)
	if err != nil {
		return nil, err
	}
	if err := form.checkCanSign(f.docMDP, f.docTimestamp); err != nil {
		return nil, err
	}
	u := newUpdate(doc)
	sigNum := u.reserve()
	var widget *ref
	if empty, ok := form.emptySigFields[f.fieldName]; ok && f.fieldName != "" {
		err = fillField(doc, u, empty, ref{sigNum, 0}, f.appearance)
	} else {
		widget, err = newWidget(doc, u, catalog, form.uniqueName(f.fieldName), ref{sigNum, 0}, f.appearance)
	}
	if err != nil {
		return nil, err
	}
	newCatalog, changed := form.addField(u, catalog, widget)
	if f.docMDP != 0 {
		// Keep other permissions (e.g. /UR3) next to the new /DocMDP.
		old, err := doc.resolve(catalog.get("Perms"))
		if err != nil {
			return nil, fmt.Errorf("pades: read /Perms: %w", err)
		}
		perms, _ := old.(dict)
		newCatalog, changed = newCatalog.with("Perms", perms.with("DocMDP", ref{sigNum, 0})), true
	}
	if changed {
		u.set(rootRef.num, newCatalog)
	}

	var body bytes.Buffer
	serialize(&body, f.sigDict)
	body.Truncate(body.Len() - 2) // reopen the dictionary: drop ">>"
	body.WriteString("/ByteRange " + byteRangePlaceholder + "/Contents <")
	body.Write(bytes.Repeat([]byte("0"), 2*f.contents))
	body.WriteString(">>>")
	u.setRaw(sigNum, body.Bytes())
	return locatePlaceholder(u.bytes(), len(doc.b))
}

// newWidget adds a merged signature field and widget annotation on the
// appearance's page (page 0, zero-size, when invisible) and returns it.
func newWidget(doc *document, u *update, catalog dict, fieldName string, sig ref, ap Appearance) (*ref, error) {
	pageIndex, rect := 0, [4]float64{}
	if ap != nil {
		pageIndex, rect = ap.Page(), ap.Rect()
	}
	pageRef, page, err := findPage(doc, catalog, pageIndex)
	if err != nil {
		return nil, err
	}
	widgetRef := ref{u.reserve(), 0}
	widget := dict{
		{"Type", name("Annot")}, {"Subtype", name("Widget")}, {"FT", name("Sig")},
		{"T", textString(fieldName)}, {"V", sig}, {"P", pageRef},
		{"Rect", array{real(fmtNum(rect[0])), real(fmtNum(rect[1])), real(fmtNum(rect[2])), real(fmtNum(rect[3]))}},
		// Print + Locked: the field cannot be deleted or moved in a viewer.
		{"F", 132},
	}
	if widget, err = withAppearance(u, widget, ap); err != nil {
		return nil, err
	}
	u.set(widgetRef.num, widget)
	if err := addToAnnots(doc, u, pageRef, page, widgetRef); err != nil {
		return nil, err
	}
	return &widgetRef, nil
}

// fillField signs an existing empty signature field (one prepared in the
// template for ô 7c or ô 8): the field gets /V, its widget the appearance;
// position and page stay those of the field.
func fillField(doc *document, u *update, field ref, sig ref, ap Appearance) error {
	fd, err := resolveDict(doc, field, "signature field")
	if err != nil {
		return err
	}
	kids, err := doc.resolve(fd.get("Kids"))
	if err != nil {
		return fmt.Errorf("pades: read field /Kids: %w", err)
	}
	switch kidArr, _ := kids.(array); len(kidArr) {
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
	fd, err = withAppearance(u, fd.with("V", sig), ap)
	if err != nil {
		return err
	}
	u.set(field.num, fd)
	return nil
}

func mergeKidWidget(doc *document, u *update, field ref, fd dict, kid any) (dict, error) {
	kidRef, ok := kid.(ref)
	if !ok {
		return nil, errors.New("pades: signature widget is not an indirect object")
	}
	widget, err := resolveDict(doc, kidRef, "signature widget")
	if err != nil {
		return nil, err
	}
	pageRef, ok := widget.get("P").(ref)
	if !ok {
		return nil, errors.New("pades: signature widget has no /P page reference")
	}
	page, err := resolveDict(doc, pageRef, "page")
	if err != nil {
		return nil, err
	}
	merged := fd.without("Kids")
	for _, e := range widget {
		if e.k != "Parent" {
			merged = merged.with(e.k, e.v)
		}
	}
	return merged, replaceInAnnots(doc, u, pageRef, page, kidRef, field)
}

// replaceInAnnots swaps old for repl in the page's /Annots.
func replaceInAnnots(doc *document, u *update, pageRef ref, page dict, old, repl ref) error {
	annots, err := doc.resolve(page.get("Annots"))
	if err != nil {
		return fmt.Errorf("pades: read /Annots: %w", err)
	}
	arr, _ := annots.(array)
	out := make(array, len(arr))
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
	if r, ok := page.get("Annots").(ref); ok {
		u.set(r.num, out)
	} else {
		u.set(pageRef.num, page.with("Annots", out))
	}
	return nil
}

// withAppearance lets ap write its Form XObject and points /AP /N at it.
func withAppearance(u *update, widget dict, ap Appearance) (dict, error) {
	if ap == nil {
		return widget, nil
	}
	xobj, err := ap.WriteXObject(u)
	if err != nil {
		return nil, fmt.Errorf("pades: write appearance: %w", err)
	}
	return widget.with("AP", dict{{"N", ref{xobj, 0}}}), nil
}

// locatePlaceholder finds the placeholders in the new part of out and
// fills in /ByteRange, which excludes exactly the "<...>" of /Contents.
func locatePlaceholder(out []byte, from int) (*preparedField, error) {
	br := bytes.Index(out[from:], []byte("/ByteRange "+byteRangePlaceholder))
	if br < 0 {
		return nil, errors.New("pades: internal error: /ByteRange placeholder missing")
	}
	br += from + len("/ByteRange ")
	lt := bytes.Index(out[br:], []byte("/Contents <"))
	if lt < 0 {
		return nil, errors.New("pades: internal error: /Contents placeholder missing")
	}
	lt += br + len("/Contents ")
	gt := lt + bytes.IndexByte(out[lt:], '>')
	p := &preparedField{out: out, contentsAt: lt + 1, contentsN: gt - lt - 1}
	p.byteRange = [4]int64{0, int64(lt), int64(gt + 1), int64(len(out) - gt - 1)}
	s := fmt.Sprintf("[0 %d %d %d]", p.byteRange[1], p.byteRange[2], p.byteRange[3])
	copy(out[br:], s+string(bytes.Repeat([]byte(" "), len(byteRangePlaceholder)-len(s))))
	return p, nil
}

// digest hashes the two signed ranges in place, without copying them.
func (p *preparedField) digest(newHash func() hashWriter) []byte {
	h := newHash()
	h.Write(p.out[:p.byteRange[1]])
	h.Write(p.out[p.byteRange[2]:])
	return h.Sum(nil)
}

type hashWriter interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}

// embed writes the CMS (or timestamp token) into the /Contents placeholder.
func (p *preparedField) embed(der []byte) error {
	if 2*len(der) > p.contentsN {
		return errContentsTooSmall{need: len(der)}
	}
	const hexdigits = "0123456789ABCDEF"
	dst := p.out[p.contentsAt:]
	for i, c := range der {
		dst[2*i] = hexdigits[c>>4]
		dst[2*i+1] = hexdigits[c&15]
	}
	return nil
}

type errContentsTooSmall struct{ need int }

func (e errContentsTooSmall) Error() string {
	return fmt.Sprintf("pades: signature needs %d bytes, more than reserved in /Contents", e.need)
}

func fmtNum(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func resolveDict(doc *document, v any, what string) (dict, error) {
	r, err := doc.resolve(v)
	if err != nil {
		return nil, fmt.Errorf("pades: read %s: %w", what, err)
	}
	d, ok := r.(dict)
	if !ok {
		if s, isStream := r.(stream); isStream {
			return s.d, nil
		}
		return nil, fmt.Errorf("pades: %s is not a dictionary", what)
	}
	return d, nil
}

// findPage walks the page tree to the index-th page (0-based).
func findPage(doc *document, catalog dict, index int) (ref, dict, error) {
	if index < 0 {
		return ref{}, nil, fmt.Errorf("pades: page index %d out of range", index)
	}
	node := catalog.get("Pages")
	visited := map[int]bool{}
	for depth := 0; depth < maxTreeDepth; depth++ {
		r, ok := node.(ref)
		if !ok || visited[r.num] {
			return ref{}, nil, errors.New("pades: malformed page tree")
		}
		visited[r.num] = true
		d, err := resolveDict(doc, r, "page tree node")
		if err != nil {
			return ref{}, nil, err
		}
		kids, isNode := d.get("Kids").(array)
		if !isNode && d.get("Type") != name("Pages") {
			if index == 0 {
				return r, d, nil
			}
			return ref{}, nil, errors.New("pades: page index out of range")
		}
		if k, isRef := d.get("Kids").(ref); isRef {
			v, err := doc.resolve(k)
			if err != nil {
				return ref{}, nil, fmt.Errorf("pades: read /Kids: %w", err)
			}
			kids, _ = v.(array)
		}
		node = nil
		for _, kid := range kids {
			kd, err := resolveDict(doc, kid, "page tree node")
			if err != nil {
				return ref{}, nil, err
			}
			count := int64(1)
			if kd.get("Type") == name("Pages") || kd.get("Kids") != nil {
				count, _ = kd.get("Count").(int64)
			}
			if int64(index) < count {
				node = kid
				break
			}
			index -= int(count)
		}
		if node == nil {
			return ref{}, nil, fmt.Errorf("pades: page index out of range")
		}
	}
	return ref{}, nil, errors.New("pades: page tree too deep")
}

// addToAnnots appends widget to the page's /Annots, writing a new version
// of the array object when /Annots is indirect, of the page otherwise.
func addToAnnots(doc *document, u *update, pageRef ref, page dict, widget ref) error {
	switch a := page.get("Annots").(type) {
	case ref:
		v, err := doc.resolve(a)
		if err != nil {
			return fmt.Errorf("pades: read /Annots: %w", err)
		}
		arr, ok := v.(array)
		if !ok && v != nil {
			return errors.New("pades: page /Annots is not an array")
		}
		u.set(a.num, append(append(array{}, arr...), widget))
	case array:
		u.set(pageRef.num, page.with("Annots", append(append(array{}, a...), widget)))
	default:
		u.set(pageRef.num, page.with("Annots", array{widget}))
	}
	return nil
}
