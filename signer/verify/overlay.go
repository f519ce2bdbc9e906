package verify

import (
	"fmt"

	"github.com/vanthu/vanthu/signer/pdf"
	"github.com/vanthu/vanthu/signer/pdftext"
)

// kindVisibleOverlay is a change that can paint over what the signed revision's pages
// show: an annotation, a field's appearance or value, or a switched layer. The bytes the
// signer signed are intact, but what a reader sees there is no longer what was signed.
const kindVisibleOverlay = "visible_overlay"

// subVisibleOverlay is the sub-indication of a signature whose pages were painted over
// later: the signature is intact, but the validation constraint that the signed content
// is still what is shown is not met (ETSI EN 319 102-1).
const subVisibleOverlay = "SIG_CONSTRAINTS_FAILURE"

// reasonVisibleOverlay is what a reader is told, in Vietnamese and English.
const reasonVisibleOverlay = "Sau khi ký, nội dung hiển thị đã được thêm đè lên nội dung đã ký; " +
	"văn bản đang hiển thị có thể khác văn bản đã ký / After signing, visible content was added over " +
	"the signed content; what is shown may differ from what was signed"

// paintArea is a rectangle of one page of the new revision that a change can paint.
type paintArea struct {
	page int // 0-based
	ref  any
	r    rect
	what string
}

// paints records that the annotation a, on the 0-based page, can paint its rectangle.
func (d *differ) paints(page int, a any, what string) {
	r, ok := annotRect(d.new, a)
	if !ok || page < 0 {
		return
	}
	d.painted = append(d.painted, paintArea{page: page, ref: a, r: r, what: what})
}

// paintsAnnotation tells whether an added or changed annotation can put marks on the
// page. Links and pop-ups draw only an appearance they carry; every other kind is
// drawn by viewers from its rectangle even without one.
func paintsAnnotation(v *view, ad pdf.Dict) bool {
	switch ad.Get("Subtype") {
	case pdf.Name("Link"), pdf.Name("Popup"):
		return v.Get(v.Dict(ad.Get("AP")).Get("N")) != nil
	}
	return true
}

// fieldWidgets returns the widget annotations of a field: the field itself when it is
// merged with its widget, otherwise its kids that are widgets.
func fieldWidgets(v *view, f field) []any {
	if f.dict.Get("Subtype") == pdf.Name("Widget") {
		return []any{f.ref}
	}
	var out []any
	for _, k := range v.Array(f.dict.Get("Kids")) {
		if v.Dict(k).Get("Subtype") == pdf.Name("Widget") {
			out = append(out, k)
		}
	}
	return out
}

// pageOfAnnot returns the 0-based page of the new revision whose /Annots holds a, or -1.
func (d *differ) pageOfAnnot(a any) int {
	r, ok := a.(pdf.Ref)
	if !ok {
		return -1
	}
	if d.annotPage == nil {
		d.annotPage = map[int]int{}
		for i, p := range flattenPages(d.new) {
			for _, x := range d.new.Array(p.eff.Get("Annots")) {
				if xr, ok := x.(pdf.Ref); ok {
					d.annotPage[xr.Num] = i
				}
			}
		}
	}
	if i, ok := d.annotPage[r.Num]; ok {
		return i
	}
	return -1
}

// overlays reports every recorded paint area that overlaps what the old revision's page
// content paints. Touching at an edge is not overlapping.
func (d *differ) overlays() {
	if len(d.painted) == 0 {
		return
	}
	oldPages := d.old.Pages(maxPages)
	boxes := map[int][]pdftext.Box{}
	done := map[string]bool{}
	for _, p := range d.painted {
		if p.page >= len(oldPages) {
			continue // a page added after signing is reported as such
		}
		key := fmt.Sprint(p.ref)
		if done[key] {
			continue
		}
		b, ok := boxes[p.page]
		if !ok {
			var err error
			b, err = pdftext.PaintedBoxes(d.ctx, d.old.Doc, oldPages[p.page], pdftext.Options{})
			if err != nil {
				// What could not be followed counts as painted: the page is not known to be
				// blank there.
				b = append(b, pdftext.Box{X0: -1e9, Y0: -1e9, X1: 1e9, Y1: 1e9})
			}
			boxes[p.page] = b
		}
		area := pdftext.Box{X0: p.r.x0, Y0: p.r.y0, X1: p.r.x1, Y1: p.r.y1}
		for _, c := range b {
			if area.Overlaps(c) {
				done[key] = true
				d.add(kindVisibleOverlay, p.ref, "%s on page %d paints over signed page content", p.what, p.page+1)
				break
			}
		}
	}
}

// layers reports a change of the default visibility of an optional content group that
// existed when signed: switching a layer shows or hides signed content on any page that
// uses it.
func (d *differ) layers(o, n pdf.Dict) bool {
	od, nd := d.old.Dict(o.Get("D")), d.new.Dict(n.Get("D"))
	switched := false
	for _, g := range d.old.Array(o.Get("OCGs")) {
		if ocgVisible(d.old, od, g) != ocgVisible(d.new, nd, g) {
			d.add(kindVisibleOverlay, g, "optional content group (layer) switched %s: what it holds is shown or hidden on every page", onOff(ocgVisible(d.new, nd, g)))
			switched = true
		}
	}
	return switched
}

// ocgVisible is a group's state in the default configuration (ISO 32000 8.11.4.3).
func ocgVisible(v *view, cfg pdf.Dict, g any) bool {
	in := func(key pdf.Name) bool {
		for _, x := range v.Array(cfg.Get(key)) {
			if sameRef(x, g) {
				return true
			}
		}
		return false
	}
	switch {
	case in("ON"):
		return true
	case in("OFF"):
		return false
	}
	return v.Get(cfg.Get("BaseState")) != pdf.Name("OFF")
}

func sameRef(a, b any) bool {
	ra, ok1 := a.(pdf.Ref)
	rb, ok2 := b.(pdf.Ref)
	return ok1 && ok2 && ra.Num == rb.Num
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
