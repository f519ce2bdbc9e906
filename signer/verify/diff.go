package verify

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/vanthu/vanthu/signer/pdf"
)

// Change kinds. Whether a kind is permitted depends on the certification
// level in force (see permitted).
const (
	kindDSS              = "dss"
	kindDocTimestamp     = "document_timestamp"
	kindSignature        = "signature"
	kindFieldAdded       = "field_added"
	kindFormFill         = "form_fill"
	kindFormValueChanged = "form_value_changed"
	kindAnnotAdded       = "annotation_added"
	kindMetadata         = "metadata"
	kindAnnotModified    = "annotation_modified"
	kindAnnotRemoved     = "annotation_removed"
	kindAnnotOverlap     = "annotation_overlap"
	kindSealOverSig      = "signature_over_signature"
	kindPageAdded        = "page_added"
	kindPageRemoved      = "page_removed"
	kindPagesReordered   = "pages_reordered"
	kindPageContent      = "page_content"
	kindPageResources    = "page_resources"
	kindPageModified     = "page_modified"
	kindCatalog          = "catalog_modified"
	kindAcroForm         = "acroform_modified"
	kindFieldModified    = "field_modified"
	kindFieldRemoved     = "field_removed"
	kindSigModified      = "signature_modified"
	kindTrailingBytes    = "trailing_bytes"
	kindByteRangeEnd     = "byterange_not_at_revision_end"
	kindInvalidRevision  = "invalid_revision"
	kindXrefRepaired     = "xref_repaired"
	kindFieldsLocked     = "fields_locked"
	kindAnalysisLimit    = "analysis_limit"
	kindMissingStructure = "structure_missing"
)

// permitted tells whether a change kind is allowed after a signature, given
// the DocMDP permission P of a certification signature (0 = not certified).
func permitted(kind string, certP int) bool {
	switch kind {
	case kindDSS, kindDocTimestamp, kindMetadata, kindXrefRepaired, kindFieldsLocked:
		return true
	case kindSignature, kindFieldAdded, kindFormFill, kindSealOverSig:
		return certP == 0 || certP >= 2
	case kindAnnotAdded:
		return certP == 0 || certP == 3
	}
	return false
}

// Change is one difference found in a revision made after a signature.
type Change struct {
	Revision  int    `json:"revision"` // 1-based index of the revision that made the change
	Kind      string `json:"kind"`
	Permitted bool   `json:"permitted"`
	Object    string `json:"object,omitempty"` // "12 0 R" when tied to one object
	Detail    string `json:"detail"`
}

// Limits of one revision comparison.
const (
	maxCompareSteps = 2_000_000
	maxPages        = 100_000
)

// differ compares the object graph of two consecutive revisions.
type differ struct {
	ctx      context.Context
	old, new *view
	steps    int
	limited  bool
	memo     map[[2]int]bool
	changes  []Change
	seen     map[string]bool
	// painted lists the areas that added or changed annotations and fields can paint;
	// overlays compares them with the old revision's page content.
	painted   []paintArea
	annotPage map[int]int // annotation object number → 0-based page, built on demand
}

func diffRevisions(ctx context.Context, old, new *view) []Change {
	d := &differ{ctx: ctx, old: old, new: new, memo: map[[2]int]bool{}, seen: map[string]bool{}}
	if new.Repaired {
		// Reported, but judged by the object diff below: that compares what a
		// reader rebuilding the xref shows.
		d.add(kindXrefRepaired, nil, "cross-reference data of this revision is damaged; objects were located by scanning the file")
	}
	oc, nc := old.Catalog(), new.Catalog()
	if oc == nil || nc == nil {
		d.add(kindMissingStructure, nil, "document catalog missing")
		return d.changes
	}
	d.catalog(oc, nc)
	d.pages(oc, nc)
	d.acroForm(oc, nc)
	d.overlays()
	if d.limited {
		d.add(kindAnalysisLimit, nil, "object graph too large or too deep to compare completely")
	}
	return d.changes
}

func (d *differ) add(kind string, ref any, detail string, args ...any) {
	c := Change{Kind: kind, Detail: fmt.Sprintf(detail, args...)}
	if r, ok := ref.(pdf.Ref); ok {
		c.Object = fmt.Sprintf("%d %d R", r.Num, r.Gen)
	}
	key := c.Kind + "|" + c.Object + "|" + c.Detail
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	d.changes = append(d.changes, c)
}

// catalog compares the catalog entries that are not handled structurally.
func (d *differ) catalog(oc, nc pdf.Dict) {
	structural := map[pdf.Name]bool{"Pages": true, "AcroForm": true, "DSS": true, "Names": true}
	benign := map[pdf.Name]bool{"Perms": true, "Metadata": true, "StructTreeRoot": true, "MarkInfo": true,
		"Extensions": true, "Version": true, "Lang": true, "PieceInfo": true}
	for _, p := range union(oc, nc) {
		if structural[p.key] || d.eq(p.a, p.b) {
			continue
		}
		if p.key == "OCProperties" && d.layers(d.old.Dict(p.a), d.new.Dict(p.b)) {
			continue
		}
		if benign[p.key] {
			d.add(kindMetadata, nil, "catalog /%s changed", p.key)
			continue
		}
		d.add(kindCatalog, nil, "catalog /%s changed", p.key)
	}
	d.names(d.old.Dict(oc.Get("Names")), d.new.Dict(nc.Get("Names")))
	if !d.eq(oc.Get("DSS"), nc.Get("DSS")) {
		d.add(kindDSS, nil, "document security store added or updated")
	}
}

// names compares the name trees: annotation appearance templates (AP) and
// destinations are harmless, scripts and embedded files are not.
func (d *differ) names(o, n pdf.Dict) {
	for _, p := range union(o, n) {
		if d.eq(p.a, p.b) {
			continue
		}
		switch p.key {
		case "AP", "Dests", "IDS", "URLS":
			d.add(kindMetadata, nil, "name tree /%s changed", p.key)
		default:
			d.add(kindCatalog, nil, "name tree /%s changed", p.key)
		}
	}
}

// entryPair is one key with its values in two dictionaries, nil where absent.
type entryPair struct {
	key  pdf.Name
	a, b any
}

// union pairs the entries of two dictionaries by key, in key order, in linear time
// however large they are. A key given twice counts with its last value, as in Get.
func union(a, b pdf.Dict) []entryPair {
	idx := make(map[pdf.Name]int, len(a)+len(b))
	out := make([]entryPair, 0, len(a)+len(b))
	at := func(k pdf.Name) *entryPair {
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, entryPair{key: k})
		}
		return &out[i]
	}
	for _, e := range a {
		at(e.Key).a = e.Value
	}
	for _, e := range b {
		at(e.Key).b = e.Value
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

type page struct {
	ref pdf.Ref
	eff pdf.Dict // page dictionary with inherited attributes filled in
}

func flattenPages(v *view) []page {
	var out []page
	for _, p := range v.Pages(maxPages) {
		out = append(out, page{ref: p.Ref, eff: p.Effective()})
	}
	return out
}

func (d *differ) pages(oc, nc pdf.Dict) {
	op, np := flattenPages(d.old), flattenPages(d.new)
	switch {
	case len(np) > len(op):
		d.add(kindPageAdded, nil, "page count grew from %d to %d", len(op), len(np))
	case len(np) < len(op):
		d.add(kindPageRemoved, nil, "page count fell from %d to %d", len(op), len(np))
	}
	if len(op) == len(np) && samePageSet(op, np) && !samePageOrder(op, np) {
		d.add(kindPagesReordered, nil, "pages were reordered")
	}
	for i := 0; i < len(op) && i < len(np); i++ {
		if d.ctx.Err() != nil {
			d.limited = true
			return
		}
		o, n := op[i].eff, np[i].eff
		if !d.eq(o.Without("Annots"), n.Without("Annots")) {
			switch {
			case !d.eq(o.Get("Contents"), n.Get("Contents")):
				d.add(kindPageContent, np[i].ref, "content of page %d changed", i+1)
			case !d.eq(o.Get("Resources"), n.Get("Resources")):
				d.add(kindPageResources, np[i].ref, "resources of page %d changed", i+1)
			default:
				d.add(kindPageModified, np[i].ref, "page %d dictionary changed", i+1)
			}
		}
		d.annotations(i+1, d.old.Array(o.Get("Annots")), d.new.Array(n.Get("Annots")))
	}
}

func samePageSet(a, b []page) bool {
	count := map[int]int{}
	for _, p := range a {
		count[p.ref.Num]++
	}
	for _, p := range b {
		count[p.ref.Num]--
	}
	for _, c := range count {
		if c != 0 {
			return false
		}
	}
	return true
}

func samePageOrder(a, b []page) bool {
	for i := range a {
		if a[i].ref.Num != b[i].ref.Num {
			return false
		}
	}
	return true
}

// Flag bits whose change only locks a field or annotation against editing
// (signing applications set them); bits that hide or show are not here.
const (
	annotLockBits = 4 | 64 | 128 | 512 // Print, ReadOnly, Locked, LockedContents
	fieldLockBits = 1                  // ReadOnly
)

// lockFlags returns copies of o and n in which /F and /Ff agree when they
// differ only in locking bits, and reports such a change as permitted.
func (d *differ) lockFlags(ref any, o, n pdf.Dict) (pdf.Dict, pdf.Dict) {
	locked := false
	for key, bits := range map[pdf.Name]int64{"F": annotLockBits, "Ff": fieldLockBits} {
		of, _ := d.old.Get(o.Get(key)).(int64)
		nf, _ := d.new.Get(n.Get(key)).(int64)
		if of != nf && (of^nf)&^bits == 0 {
			o = o.Without(key)
			n = n.Without(key)
			locked = true
		}
	}
	if locked {
		d.add(kindFieldsLocked, ref, "read-only or locked flags set")
	}
	return o, n
}

// formKeys are the widget and field entries that filling in a form or
// signing a field legitimately changes.
var formKeys = []pdf.Name{"V", "AP", "AS", "M", "MK", "I", "DA"}

func annotKey(x any, i int) int {
	if r, ok := x.(pdf.Ref); ok {
		return r.Num
	}
	return -(i + 1)
}

func (d *differ) annotations(pageNo int, oa, na pdf.Array) {
	oldByKey := map[int]any{}
	for i, a := range oa {
		oldByKey[annotKey(a, i)] = a
	}
	newKeys := map[int]bool{}
	var added []any
	for i, a := range na {
		k := annotKey(a, i)
		newKeys[k] = true
		o, ok := oldByKey[k]
		if !ok {
			added = append(added, a)
			d.newAnnotation(pageNo, a)
			continue
		}
		od, nd := d.old.Dict(o), d.new.Dict(a)
		if d.eq(od, nd) {
			continue
		}
		od, nd = d.lockFlags(a, od, nd)
		if d.eq(od, nd) {
			continue
		}
		if nd.Get("Subtype") == pdf.Name("Widget") && d.eq(od.Without(formKeys...), nd.Without(formKeys...)) {
			if fieldType(d.new, nd) == "Sig" {
				oldV := inheritedV(d.old, od)
				// A signed field's appearance is part of what the signer
				// approved; only signing an empty field may (re)draw it.
				if oldV != nil && !d.eq(od.Get("AP"), nd.Get("AP")) {
					d.add(kindSigModified, a, "appearance of a signed signature field on page %d replaced", pageNo)
				}
				d.sigFieldValue(a, oldV, inheritedV(d.new, nd))
			} else {
				d.paints(pageNo-1, a, "form field widget")
				what := fmt.Sprintf("widget on page %d", pageNo)
				if visibleAppearance(d.old, od) && !d.eq(od.Get("AP"), nd.Get("AP")) {
					d.add(kindFormValueChanged, a, "form %s: appearance the signer saw was replaced", what)
				} else {
					d.formValue(a, inheritedV(d.old, od), inheritedV(d.new, nd), what)
				}
			}
			continue
		}
		d.add(kindAnnotModified, a, "existing %s annotation on page %d changed (%s)", subtype(nd), pageNo, d.changedKeys(od, nd))
		if paintsAnnotation(d.new, nd) {
			d.paints(pageNo-1, a, subtype(nd)+" annotation")
		}
	}
	for i, a := range oa {
		if !newKeys[annotKey(a, i)] {
			d.add(kindAnnotRemoved, a, "%s annotation removed from page %d", subtype(d.old.Dict(a)), pageNo)
		}
	}
	d.overlaps(pageNo, oa, added)
}

func subtype(d pdf.Dict) string {
	if s, ok := d.Get("Subtype").(pdf.Name); ok {
		return string(s)
	}
	return "unknown"
}

func (d *differ) newAnnotation(pageNo int, a any) {
	ad := d.new.Dict(a)
	if ad.Get("Subtype") != pdf.Name("Widget") {
		d.add(kindAnnotAdded, a, "%s annotation added to page %d", subtype(ad), pageNo)
		if paintsAnnotation(d.new, ad) {
			d.paints(pageNo-1, a, subtype(ad)+" annotation")
		}
		return
	}
	if fieldType(d.new, ad) == "Sig" {
		// A signature's own widget is its appearance, which that signature covers
		// (overlaps with earlier signatures are judged in overlaps).
		d.sigFieldValue(a, nil, inheritedV(d.new, ad))
		return
	}
	d.add(kindFieldAdded, a, "form field widget added to page %d", pageNo)
	d.paints(pageNo-1, a, "form field widget")
}

// formValue classifies a change of a form field: filling in a field that
// was empty when signed is form fill-in; replacing a value the signer saw
// changes signed content.
func (d *differ) formValue(ref, oldV, newV any, what string) {
	if !emptyValue(d.old.Get(oldV)) && !d.eq(oldV, newV) {
		d.add(kindFormValueChanged, ref, "form %s: value present at signing was replaced", what)
		return
	}
	d.add(kindFormFill, ref, "form %s filled in", what)
}

// visibleAppearance tells whether a widget showed something when signed:
// its normal appearance paints text or an XObject. An empty text field's
// appearance ("/Tx BMC EMC") does not count.
func visibleAppearance(v *view, w pdf.Dict) bool {
	n := v.Get(v.Dict(w.Get("AP")).Get("N"))
	if states, ok := n.(pdf.Dict); ok {
		as, _ := w.Get("AS").(pdf.Name)
		n = v.Get(states.Get(as))
	}
	s, ok := n.(pdf.Stream)
	if !ok {
		return false
	}
	data, err := v.Decode(s)
	if err != nil {
		return true // cannot tell; assume the signer saw it
	}
	for _, op := range []string{"Tj", "TJ", "Do", "'"} {
		if strings.Contains(string(data), op) {
			return true
		}
	}
	return false
}

func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case pdf.String:
		return len(x) == 0 || string(x) == "\xfe\xff"
	case pdf.Name:
		return x == "Off" || x == ""
	case pdf.Array:
		return len(x) == 0
	}
	return false
}

// sigFieldValue classifies a change of a signature field's value.
func (d *differ) sigFieldValue(ref any, oldV, newV any) {
	switch {
	case oldV == nil && newV == nil:
		d.add(kindFieldAdded, ref, "empty signature field added or its appearance changed")
	case oldV == nil:
		if isDocTimestamp(d.new.Dict(newV)) {
			d.add(kindDocTimestamp, ref, "document timestamp added")
		} else {
			d.add(kindSignature, ref, "signature added")
		}
	case newV == nil:
		d.add(kindSigModified, ref, "signature value removed from its field")
	case !d.eq(oldV, newV):
		d.add(kindSigModified, ref, "existing signature dictionary changed (%s)", d.changedKeys(d.old.Dict(oldV), d.new.Dict(newV)))
	}
}

func isDocTimestamp(sd pdf.Dict) bool {
	return sd.Get("Type") == pdf.Name("DocTimeStamp") || sd.Get("SubFilter") == pdf.Name("ETSI.RFC3161")
}

// fieldType returns the (inherited) /FT of a field or widget.
func isSignatureWidget(v *view, a any) bool {
	ad := v.Dict(a)
	return ad.Get("Subtype") == pdf.Name("Widget") && fieldType(v, ad) == "Sig"
}

func fieldType(v *view, d pdf.Dict) pdf.Name {
	for i := 0; d != nil && i < 32; i++ {
		if ft, ok := d.Get("FT").(pdf.Name); ok {
			return ft
		}
		d = v.Dict(d.Get("Parent"))
	}
	return ""
}

func inheritedV(v *view, d pdf.Dict) any {
	for i := 0; d != nil && i < 32; i++ {
		if val := d.Get("V"); val != nil {
			return val
		}
		d = v.Dict(d.Get("Parent"))
	}
	return nil
}

type rect struct{ x0, y0, x1, y1 float64 }

func annotRect(v *view, a any) (rect, bool) {
	ad := v.Dict(a)
	if ad == nil {
		return rect{}, false
	}
	if f, ok := ad.Get("F").(int64); ok && f&(1|2|32) != 0 { // invisible, hidden, no-view
		return rect{}, false
	}
	arr := v.Array(ad.Get("Rect"))
	if len(arr) != 4 {
		return rect{}, false
	}
	var n [4]float64
	for i, x := range arr {
		f, ok := pdf.Number(v.Get(x))
		if !ok {
			return rect{}, false
		}
		n[i] = f
	}
	r := rect{math.Min(n[0], n[2]), math.Min(n[1], n[3]), math.Max(n[0], n[2]), math.Max(n[1], n[3])}
	return r, r.x1-r.x0 > 0 && r.y1-r.y0 > 0
}

// overlaps reports added annotations drawn over annotations that existed when
// the document was signed: they can hide what the signer saw.
func (d *differ) overlaps(pageNo int, old pdf.Array, added []any) {
	if len(old)*len(added) > 250000 {
		d.limited = true
		return
	}
	for _, a := range added {
		ra, ok := annotRect(d.new, a)
		if !ok {
			continue
		}
		for _, o := range old {
			ro, ok := annotRect(d.old, o)
			if !ok {
				continue
			}
			if math.Min(ra.x1, ro.x1) > math.Max(ra.x0, ro.x0) && math.Min(ra.y1, ro.y1) > math.Max(ra.y0, ro.y0) {
				// Decree 30 (PL I, II.8.a) puts the agency's seal over the left third of the
				// leader's signature: a signature drawn over an earlier signature is the
				// law's own layout, not an attempt to hide what the signer saw.
				if isSignatureWidget(d.new, a) && isSignatureWidget(d.old, o) {
					d.add(kindSealOverSig, a, "signature on page %d drawn over an earlier signature (Decree 30 seal)", pageNo)
					continue
				}
				d.add(kindAnnotOverlap, a, "added annotation on page %d overlaps an existing annotation", pageNo)
				break
			}
		}
	}
}

type field struct {
	ref  any
	dict pdf.Dict
	ft   pdf.Name
}

func collectFields(v *view, af pdf.Dict) map[int]field {
	out := map[int]field{}
	var walk func(x any, ft pdf.Name, depth int)
	walk = func(x any, ft pdf.Name, depth int) {
		r, ok := x.(pdf.Ref)
		if !ok || depth > 32 || len(out) > 50000 {
			return
		}
		if _, done := out[r.Num]; done {
			return
		}
		fd := v.Dict(r)
		if fd == nil {
			return
		}
		if t, ok := fd.Get("FT").(pdf.Name); ok {
			ft = t
		}
		out[r.Num] = field{ref: r, dict: fd, ft: ft}
		for _, k := range v.Array(fd.Get("Kids")) {
			walk(k, ft, depth+1)
		}
	}
	for _, f := range v.Array(af.Get("Fields")) {
		walk(f, "", 0)
	}
	return out
}

func (d *differ) acroForm(oc, nc pdf.Dict) {
	oa, na := d.old.Dict(oc.Get("AcroForm")), d.new.Dict(nc.Get("AcroForm"))
	if oa != nil && na == nil {
		d.add(kindAcroForm, nil, "interactive form removed")
		return
	}
	if oa != nil {
		allowed := []pdf.Name{"Fields", "SigFlags", "DR", "DA", "NeedAppearances"}
		if !d.eq(oa.Without(allowed...), na.Without(allowed...)) {
			d.add(kindAcroForm, oc.Get("AcroForm"), "interactive form dictionary changed")
		}
	}
	of, nf := collectFields(d.old, oa), collectFields(d.new, na)
	for num, o := range of {
		n, ok := nf[num]
		if !ok {
			d.add(kindFieldRemoved, o.ref, "form field removed")
			continue
		}
		ignore := append([]pdf.Name{"Kids"}, formKeys...)
		o.dict, n.dict = d.lockFlags(n.ref, o.dict, n.dict)
		if !d.eq(o.dict.Without(ignore...), n.dict.Without(ignore...)) {
			d.add(kindFieldModified, n.ref, "form field %q changed (%s)", fieldName(n.dict), d.changedKeys(o.dict, n.dict))
			continue
		}
		if n.ft == "Sig" {
			d.sigFieldValue(n.ref, o.dict.Get("V"), n.dict.Get("V"))
			continue
		}
		if !d.eq(o.dict, n.dict) && len(d.new.Array(n.dict.Get("Kids"))) == len(d.old.Array(o.dict.Get("Kids"))) {
			d.formValue(n.ref, o.dict.Get("V"), n.dict.Get("V"), fmt.Sprintf("field %q", fieldName(n.dict)))
			// With /NeedAppearances the viewer redraws every widget of the field from the
			// new value, whatever appearance streams they carry.
			for _, w := range fieldWidgets(d.new, n) {
				d.paints(d.pageOfAnnot(w), w, "form field widget")
			}
		}
	}
	for num, n := range nf {
		if _, ok := of[num]; ok {
			continue
		}
		if n.ft == "Sig" {
			d.sigFieldValue(n.ref, nil, n.dict.Get("V"))
			continue
		}
		d.add(kindFieldAdded, n.ref, "form field %q added", fieldName(n.dict))
	}
}

// changedKeys names the entries that differ between two dictionaries.
func (d *differ) changedKeys(o, n pdf.Dict) string {
	var keys []string
	for _, p := range union(o, n) {
		if p.key != "Parent" && !d.eq(p.a, p.b) {
			keys = append(keys, "/"+string(p.key))
		}
	}
	return strings.Join(keys, " ")
}

func fieldName(fd pdf.Dict) string {
	s, _ := fd.Get("T").(pdf.String)
	return string(s)
}

// eq compares two values by content, following references in each revision.
// Pairs of objects under comparison are assumed equal, which makes cycles
// terminate (a bisimulation); /Parent and reference-valued /P links are not
// followed as they point back up the tree.
func (d *differ) eq(a, b any) bool {
	return d.eqDepth(a, b, 0)
}

func (d *differ) eqDepth(a, b any, depth int) bool {
	d.steps++
	if d.steps%4096 == 0 && d.ctx.Err() != nil {
		d.limited = true
	}
	if d.limited || d.steps > maxCompareSteps || depth > 4*pdf.MaxDepth {
		d.limited = true
		return false
	}
	ra, aRef := a.(pdf.Ref)
	rb, bRef := b.(pdf.Ref)
	if aRef && bRef {
		key := [2]int{ra.Num, rb.Num}
		if r, ok := d.memo[key]; ok {
			return r
		}
		d.memo[key] = true
		oa, ob := d.old.Get(ra), d.new.Get(rb)
		// Pages and annotations are compared by the page walk; a link to
		// one (from /OpenAction, /Dest, /Popup ...) only has to keep pointing
		// at the same object.
		if compareByIdentity(oa) || compareByIdentity(ob) {
			r := ra.Num == rb.Num
			d.memo[key] = r
			return r
		}
		r := d.eqDepth(oa, ob, depth+1)
		d.memo[key] = r
		return r
	}
	if aRef {
		return d.eqDepth(d.old.Get(ra), b, depth+1)
	}
	if bRef {
		return d.eqDepth(a, d.new.Get(rb), depth+1)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64, float64:
		fa, _ := pdf.Number(a)
		fb, ok := pdf.Number(b)
		return ok && fa == fb
	case pdf.Dict:
		y, ok := b.(pdf.Dict)
		return ok && d.eqDict(x, y, depth)
	case pdf.Array:
		y, ok := b.(pdf.Array)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !d.eqDepth(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case pdf.Stream:
		y, ok := b.(pdf.Stream)
		return ok && string(x.Raw) == string(y.Raw) && d.eqDict(x.Dict, y.Dict, depth)
	default:
		return a == b
	}
}

func (d *differ) eqDict(x, y pdf.Dict, depth int) bool {
	for _, p := range union(x, y) {
		if p.key == "Parent" {
			continue
		}
		if p.key == "P" {
			_, r1 := p.a.(pdf.Ref)
			_, r2 := p.b.(pdf.Ref)
			if r1 || r2 {
				continue
			}
		}
		if !d.eqDepth(p.a, p.b, depth+1) {
			return false
		}
	}
	return true
}

func compareByIdentity(x any) bool {
	d, ok := x.(pdf.Dict)
	if !ok {
		return false
	}
	switch d.Get("Type") {
	case pdf.Name("Page"), pdf.Name("Pages"), pdf.Name("Annot"), pdf.Name("Catalog"):
		return true
	}
	return d.Has("Rect") && d.Has("Subtype")
}
