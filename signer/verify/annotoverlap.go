package verify

import (
	"fmt"
	"math"
	"sort"

	"github.com/vanthu/vanthu/signer/pdf"
)

// AnnotationOverlap is a pair of annotations of the final document whose rectangles
// overlap: whichever is drawn on top can hide what the other, or the page, shows there.
type AnnotationOverlap struct {
	Page    int       `json:"page"`    // 1-based
	Objects [2]string `json:"objects"` // "70 0 R", in the page's /Annots order
}

// overlapEpsilon is how far, in points, two rectangles must reach into each other to
// count as overlapping: annotations laid out edge to edge differ by rounding only.
const overlapEpsilon = 1e-3

// maxOverlapPairs bounds the report on a hostile page of stacked annotations; the
// warning needs only the pages.
const maxOverlapPairs = 1000

// overlapReason is the warning a reader is told for one page, in Vietnamese and English.
const overlapReason = "Chú thích chồng lên nhau ở trang %d: nội dung bên dưới có thể bị che / " +
	"Annotations overlap on page %d: content beneath may be hidden"

// placedAnnot is an annotation of one page with its normalised rectangle.
type placedAnnot struct {
	name string
	r    rect
}

// annotationOverlaps compares, as EU DSS does, every pair of annotations on each page of
// the final document, whenever they were added. Signature widgets are left out (Decree 30
// puts the agency's seal over the leader's signature by design), as are pop-ups, which a
// viewer shows beside their parent, and annotations that paint nothing.
func annotationOverlaps(v *view) []AnnotationOverlap {
	out := []AnnotationOverlap{}
	for i, p := range v.Pages(maxPages) {
		annots := pageAnnots(v, v.Array(p.Effective().Get("Annots")))
		for _, pair := range overlappingPairs(annots, maxOverlapPairs-len(out)) {
			out = append(out, AnnotationOverlap{Page: i + 1, Objects: pair})
		}
		if len(out) >= maxOverlapPairs {
			break
		}
	}
	return out
}

// pageAnnots returns the annotations of a page that take part in the overlap check.
func pageAnnots(v *view, annots pdf.Array) []placedAnnot {
	var out []placedAnnot
	for i, a := range annots {
		if v.Dict(a).Get("Subtype") == pdf.Name("Popup") || isSignatureWidget(v, a) {
			continue
		}
		r, ok := annotRect(v, a)
		if !ok {
			continue
		}
		name := fmt.Sprintf("direct annotation %d", i+1)
		if ref, ok := a.(pdf.Ref); ok {
			name = fmt.Sprintf("%d %d R", ref.Num, ref.Gen)
		}
		out = append(out, placedAnnot{name: name, r: r})
	}
	return out
}

// overlappingPairs returns up to limit pairs whose rectangles share a positive area.
// Sorting by left edge keeps a page of many annotations from costing n² comparisons.
func overlappingPairs(annots []placedAnnot, limit int) [][2]string {
	order := make([]int, len(annots))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return annots[order[i]].r.x0 < annots[order[j]].r.x0 })
	var out [][2]string
	for k, i := range order {
		a := annots[i]
		for _, j := range order[k+1:] {
			b := annots[j]
			if b.r.x0 >= a.r.x1-overlapEpsilon {
				break
			}
			if len(out) >= limit {
				return out
			}
			if overlapArea(a.r, b.r) {
				out = append(out, [2]string{annots[min(i, j)].name, annots[max(i, j)].name})
			}
		}
	}
	return out
}

// overlapArea tells whether two rectangles reach into each other by more than
// overlapEpsilon in both directions; touching at an edge or corner does not count.
func overlapArea(a, b rect) bool {
	return math.Min(a.x1, b.x1)-math.Max(a.x0, b.x0) > overlapEpsilon &&
		math.Min(a.y1, b.y1)-math.Max(a.y0, b.y0) > overlapEpsilon
}

// overlapWarnings words the overlaps, one line per page.
func overlapWarnings(overlaps []AnnotationOverlap) []string {
	var out []string
	for i, o := range overlaps {
		if i == 0 || overlaps[i-1].Page != o.Page {
			out = append(out, fmt.Sprintf(overlapReason, o.Page, o.Page))
		}
	}
	return out
}
