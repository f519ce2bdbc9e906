package verify

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
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

// maxCompareSteps bounds one revision comparison.
const maxCompareSteps = 2_000_000

// differ compares the object graph of two consecutive revisions.
type differ struct {
	ctx      context.Context
	old, new *view
	steps    int
	limited  bool
	memo     map[[2]int]bool
	changes  []Change
	seen     map[string]bool
}

func diffRevisions(ctx context.Context, old, new *view) []Change {
	d := &differ{ctx: ctx, old: old, new: new, memo: map[[2]int]bool{}, seen: map[string]bool{}}
	if new.repaired {
		// Reported, but judged by the object diff below: that compares what a
		// reader rebuilding the xref shows.
		d.add(kindXrefRepaired, nil, "cross-reference data of this revision is damaged; objects were located by scanning the file")
	}
	oc, nc := old.root(), new.root()
	if oc == nil || nc == nil {
		d.add(kindMissingStructure, nil, "document catalog missing")
		return d.changes
	}
	d.catalog(oc, nc)
	d.pages(oc, nc)
	d.acroForm(oc, nc)
	if d.limited {
		d.add(kindAnalysisLimit, nil, "object graph too large or too deep to compare completely")
	}
	return d.changes
}

func (d *differ) add(kind string, ref any, detail string, args ...any) {
	c := Change{Kind: kind, Detail: fmt.Sprintf(detail, args...)}
	if r, ok := ref.(pdfRef); ok {
		c.Object = fmt.Sprintf("%d %d R", r.num, r.gen)
	}
	key := c.Kind + "|" + c.Object + "|" + c.Detail
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	d.changes = append(d.changes, c)
}

// catalog compares the catalog entries that are not handled structurally.
func (d *differ) catalog(oc, nc pdfDict) {
	structural := map[pdfName]bool{"Pages": true, "AcroForm": true, "DSS": true, "Names": true}
	benign := map[pdfName]bool{"Perms": true, "Metadata": true, "StructTreeRoot": true, "MarkInfo": true,
		"Extensions": true, "Version": true, "Lang": true, "PieceInfo": true}
	for _, k := range unionKeys(oc, nc) {
		if structural[k] || d.eq(oc[k], nc[k]) {
			continue
		}
		if benign[k] {
			d.add(kindMetadata, nil, "catalog /%s changed", k)
			continue
		}
		d.add(kindCatalog, nil, "catalog /%s changed", k)
	}
	d.names(d.old.dict(oc["Names"]), d.new.dict(nc["Names"]))
	if !d.eq(oc["DSS"], nc["DSS"]) {
		d.add(kindDSS, nil, "document security store added or updated")
	}
}

// names compares the name trees: annotation appearance templates (AP) and
// destinations are harmless, scripts and embedded files are not.
func (d *differ) names(o, n pdfDict) {
	for _, k := range unionKeys(o, n) {
		if d.eq(o[k], n[k]) {
			continue
		}
		switch k {
		case "AP", "Dests", "IDS", "URLS":
			d.add(kindMetadata, nil, "name tree /%s changed", k)
		default:
			d.add(kindCatalog, nil, "name tree /%s changed", k)
		}
	}
}

func unionKeys(a, b pdfDict) []pdfName {
	set := map[pdfName]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	keys := make([]pdfName, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// without returns a shallow copy of m lacking the given keys.
func without(m pdfDict, keys ...pdfName) pdfDict {
	out := make(pdfDict, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

type page struct {
	ref pdfRef
	eff pdfDict // page dictionary with inherited attributes filled in
}

var inheritable = []pdfName{"Resources", "MediaBox", "CropBox", "Rotate"}

func flattenPages(v *view, root pdfDict) []page {
	var out []page
	seen := map[int]bool{}
	var walk func(node any, inherited pdfDict, depth int)
	walk = func(node any, inherited pdfDict, depth int) {
		if depth > maxDepth || len(out) > 100000 {
			return
		}
		ref, isRef := node.(pdfRef)
		if isRef {
			if seen[ref.num] {
				return
			}
			seen[ref.num] = true
		}
		n := v.dict(node)
		if n == nil {
			return
		}
		inh := without(inherited)
		for _, k := range inheritable {
			if val, ok := n[k]; ok {
				inh[k] = val
			}
		}
		if kids, ok := v.resolve(n["Kids"]).(pdfArray); ok && n["Type"] != pdfName("Page") {
			for _, k := range kids {
				walk(k, inh, depth+1)
			}
			return
		}
		eff := without(n, "Parent")
		for k, val := range inh {
			if _, ok := eff[k]; !ok {
				eff[k] = val
			}
		}
		out = append(out, page{ref: ref, eff: eff})
	}
	walk(root["Pages"], pdfDict{}, 0)
	return out
}

func (d *differ) pages(oc, nc pdfDict) {
	op, np := flattenPages(d.old, oc), flattenPages(d.new, nc)
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
		if !d.eq(without(o, "Annots"), without(n, "Annots")) {
			switch {
			case !d.eq(o["Contents"], n["Contents"]):
				d.add(kindPageContent, np[i].ref, "content of page %d changed", i+1)
			case !d.eq(o["Resources"], n["Resources"]):
				d.add(kindPageResources, np[i].ref, "resources of page %d changed", i+1)
			default:
				d.add(kindPageModified, np[i].ref, "page %d dictionary changed", i+1)
			}
		}
		d.annotations(i+1, d.old.array(o["Annots"]), d.new.array(n["Annots"]))
	}
}

func samePageSet(a, b []page) bool {
	count := map[int]int{}
	for _, p := range a {
		count[p.ref.num]++
	}
	for _, p := range b {
		count[p.ref.num]--
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
		if a[i].ref.num != b[i].ref.num {
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
func (d *differ) lockFlags(ref any, o, n pdfDict) (pdfDict, pdfDict) {
	locked := false
	for key, bits := range map[pdfName]int64{"F": annotLockBits, "Ff": fieldLockBits} {
		of, _ := d.old.resolve(o[key]).(int64)
		nf, _ := d.new.resolve(n[key]).(int64)
		if of != nf && (of^nf)&^bits == 0 {
			o = without(o, key)
			n = without(n, key)
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
var formKeys = []pdfName{"V", "AP", "AS", "M", "MK", "I", "DA"}

func annotKey(x any, i int) int {
	if r, ok := x.(pdfRef); ok {
		return r.num
	}
	return -(i + 1)
}

func (d *differ) annotations(pageNo int, oa, na pdfArray) {
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
		od, nd := d.old.dict(o), d.new.dict(a)
		if d.eq(od, nd) {
			continue
		}
		od, nd = d.lockFlags(a, od, nd)
		if d.eq(od, nd) {
			continue
		}
		if nd["Subtype"] == pdfName("Widget") && d.eq(without(od, formKeys...), without(nd, formKeys...)) {
			if fieldType(d.new, nd) == "Sig" {
				oldV := inheritedV(d.old, od)
				// A signed field's appearance is part of what the signer
				// approved; only signing an empty field may (re)draw it.
				if oldV != nil && !d.eq(od["AP"], nd["AP"]) {
					d.add(kindSigModified, a, "appearance of a signed signature field on page %d replaced", pageNo)
				}
				d.sigFieldValue(a, oldV, inheritedV(d.new, nd))
			} else {
				what := fmt.Sprintf("widget on page %d", pageNo)
				if visibleAppearance(d.old, od) && !d.eq(od["AP"], nd["AP"]) {
					d.add(kindFormValueChanged, a, "form %s: appearance the signer saw was replaced", what)
				} else {
					d.formValue(a, inheritedV(d.old, od), inheritedV(d.new, nd), what)
				}
			}
			continue
		}
		d.add(kindAnnotModified, a, "existing %s annotation on page %d changed (%s)", subtype(nd), pageNo, d.changedKeys(od, nd))
	}
	for i, a := range oa {
		if !newKeys[annotKey(a, i)] {
			d.add(kindAnnotRemoved, a, "%s annotation removed from page %d", subtype(d.old.dict(a)), pageNo)
		}
	}
	d.overlaps(pageNo, oa, added)
}

func subtype(d pdfDict) string {
	if s, ok := d["Subtype"].(pdfName); ok {
		return string(s)
	}
	return "unknown"
}

func (d *differ) newAnnotation(pageNo int, a any) {
	ad := d.new.dict(a)
	if ad["Subtype"] != pdfName("Widget") {
		d.add(kindAnnotAdded, a, "%s annotation added to page %d", subtype(ad), pageNo)
		return
	}
	if fieldType(d.new, ad) == "Sig" {
		d.sigFieldValue(a, nil, inheritedV(d.new, ad))
		return
	}
	d.add(kindFieldAdded, a, "form field widget added to page %d", pageNo)
}

// formValue classifies a change of a form field: filling in a field that
// was empty when signed is form fill-in; replacing a value the signer saw
// changes signed content.
func (d *differ) formValue(ref, oldV, newV any, what string) {
	if !emptyValue(d.old.resolve(oldV)) && !d.eq(oldV, newV) {
		d.add(kindFormValueChanged, ref, "form %s: value present at signing was replaced", what)
		return
	}
	d.add(kindFormFill, ref, "form %s filled in", what)
}

// visibleAppearance tells whether a widget showed something when signed:
// its normal appearance paints text or an XObject. An empty text field's
// appearance ("/Tx BMC EMC") does not count.
func visibleAppearance(v *view, w pdfDict) bool {
	n := v.resolve(v.dict(w["AP"])["N"])
	if states, ok := n.(pdfDict); ok {
		as, _ := w["AS"].(pdfName)
		n = v.resolve(states[as])
	}
	s, ok := n.(pdfStream)
	if !ok {
		return false
	}
	data, err := v.f.decode(s)
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
	case pdfString:
		return len(x) == 0 || string(x) == "\xfe\xff"
	case pdfName:
		return x == "Off" || x == ""
	case pdfArray:
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
		if isDocTimestamp(d.new.dict(newV)) {
			d.add(kindDocTimestamp, ref, "document timestamp added")
		} else {
			d.add(kindSignature, ref, "signature added")
		}
	case newV == nil:
		d.add(kindSigModified, ref, "signature value removed from its field")
	case !d.eq(oldV, newV):
		d.add(kindSigModified, ref, "existing signature dictionary changed (%s)", d.changedKeys(d.old.dict(oldV), d.new.dict(newV)))
	}
}

func isDocTimestamp(sd pdfDict) bool {
	return sd["Type"] == pdfName("DocTimeStamp") || sd["SubFilter"] == pdfName("ETSI.RFC3161")
}

// fieldType returns the (inherited) /FT of a field or widget.
func isSignatureWidget(v *view, a any) bool {
	ad := v.dict(a)
	return ad["Subtype"] == pdfName("Widget") && fieldType(v, ad) == "Sig"
}

func fieldType(v *view, d pdfDict) pdfName {
	for i := 0; d != nil && i < 32; i++ {
		if ft, ok := d["FT"].(pdfName); ok {
			return ft
		}
		d = v.dict(d["Parent"])
	}
	return ""
}

func inheritedV(v *view, d pdfDict) any {
	for i := 0; d != nil && i < 32; i++ {
		if val, ok := d["V"]; ok && val != nil {
			return val
		}
		d = v.dict(d["Parent"])
	}
	return nil
}

type rect struct{ x0, y0, x1, y1 float64 }

func annotRect(v *view, a any) (rect, bool) {
	ad := v.dict(a)
	if ad == nil {
		return rect{}, false
	}
	if f, ok := ad["F"].(int64); ok && f&(1|2|32) != 0 { // invisible, hidden, no-view
		return rect{}, false
	}
	arr := v.array(ad["Rect"])
	if len(arr) != 4 {
		return rect{}, false
	}
	var n [4]float64
	for i, x := range arr {
		f, ok := number(v.resolve(x))
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
func (d *differ) overlaps(pageNo int, old pdfArray, added []any) {
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

func number(x any) (float64, bool) {
	switch n := x.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

type field struct {
	ref  any
	dict pdfDict
	ft   pdfName
}

func collectFields(v *view, af pdfDict) map[int]field {
	out := map[int]field{}
	var walk func(x any, ft pdfName, depth int)
	walk = func(x any, ft pdfName, depth int) {
		r, ok := x.(pdfRef)
		if !ok || depth > 32 || len(out) > 50000 {
			return
		}
		if _, done := out[r.num]; done {
			return
		}
		fd := v.dict(r)
		if fd == nil {
			return
		}
		if t, ok := fd["FT"].(pdfName); ok {
			ft = t
		}
		out[r.num] = field{ref: r, dict: fd, ft: ft}
		for _, k := range v.array(fd["Kids"]) {
			walk(k, ft, depth+1)
		}
	}
	for _, f := range v.array(af["Fields"]) {
		walk(f, "", 0)
	}
	return out
}

func (d *differ) acroForm(oc, nc pdfDict) {
	oa, na := d.old.dict(oc["AcroForm"]), d.new.dict(nc["AcroForm"])
	if oa != nil && na == nil {
		d.add(kindAcroForm, nil, "interactive form removed")
		return
	}
	if oa != nil {
		allowed := []pdfName{"Fields", "SigFlags", "DR", "DA", "NeedAppearances"}
		if !d.eq(without(oa, allowed...), without(na, allowed...)) {
			d.add(kindAcroForm, oc["AcroForm"], "interactive form dictionary changed")
		}
	}
	of, nf := collectFields(d.old, oa), collectFields(d.new, na)
	for num, o := range of {
		n, ok := nf[num]
		if !ok {
			d.add(kindFieldRemoved, o.ref, "form field removed")
			continue
		}
		ignore := append([]pdfName{"Kids"}, formKeys...)
		o.dict, n.dict = d.lockFlags(n.ref, o.dict, n.dict)
		if !d.eq(without(o.dict, ignore...), without(n.dict, ignore...)) {
			d.add(kindFieldModified, n.ref, "form field %q changed (%s)", fieldName(n.dict), d.changedKeys(o.dict, n.dict))
			continue
		}
		if n.ft == "Sig" {
			d.sigFieldValue(n.ref, o.dict["V"], n.dict["V"])
			continue
		}
		if !d.eq(o.dict, n.dict) && len(d.new.array(n.dict["Kids"])) == len(d.old.array(o.dict["Kids"])) {
			d.formValue(n.ref, o.dict["V"], n.dict["V"], fmt.Sprintf("field %q", fieldName(n.dict)))
		}
	}
	for num, n := range nf {
		if _, ok := of[num]; ok {
			continue
		}
		if n.ft == "Sig" {
			d.sigFieldValue(n.ref, nil, n.dict["V"])
			continue
		}
		d.add(kindFieldAdded, n.ref, "form field %q added", fieldName(n.dict))
	}
}

// changedKeys names the entries that differ between two dictionaries.
func (d *differ) changedKeys(o, n pdfDict) string {
	var keys []string
	for _, k := range unionKeys(o, n) {
		if k != "Parent" && !d.eq(o[k], n[k]) {
			keys = append(keys, "/"+string(k))
		}
	}
	return strings.Join(keys, " ")
}

func fieldName(fd pdfDict) string {
	s, _ := fd["T"].(pdfString)
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
	if d.limited || d.steps > maxCompareSteps || depth > 4*maxDepth {
		d.limited = true
		return false
	}
	ra, aRef := a.(pdfRef)
	rb, bRef := b.(pdfRef)
	if aRef && bRef {
		key := [2]int{ra.num, rb.num}
		if r, ok := d.memo[key]; ok {
			return r
		}
		d.memo[key] = true
		oa, ob := d.old.get(ra.num), d.new.get(rb.num)
		// Pages and annotations are compared by the page walk; a link to
		// one (from /OpenAction, /Dest, /Popup ...) only has to keep pointing
		// at the same object.
		if compareByIdentity(oa) || compareByIdentity(ob) {
			r := ra.num == rb.num
			d.memo[key] = r
			return r
		}
		r := d.eqDepth(oa, ob, depth+1)
		d.memo[key] = r
		return r
	}
	if aRef {
		return d.eqDepth(d.old.get(ra.num), b, depth+1)
	}
	if bRef {
		return d.eqDepth(a, d.new.get(rb.num), depth+1)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64, float64:
		fa, _ := number(a)
		fb, ok := number(b)
		return ok && fa == fb
	case pdfDict:
		y, ok := b.(pdfDict)
		return ok && d.eqDict(x, y, depth)
	case pdfArray:
		y, ok := b.(pdfArray)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !d.eqDepth(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case pdfStream:
		y, ok := b.(pdfStream)
		return ok && string(x.raw) == string(y.raw) && d.eqDict(x.dict, y.dict, depth)
	default:
		return a == b
	}
}

func (d *differ) eqDict(x, y pdfDict, depth int) bool {
	for _, k := range unionKeys(x, y) {
		if k == "Parent" {
			continue
		}
		if k == "P" {
			_, r1 := x[k].(pdfRef)
			_, r2 := y[k].(pdfRef)
			if r1 || r2 {
				continue
			}
		}
		if !d.eqDepth(x[k], y[k], depth+1) {
			return false
		}
	}
	return true
}

func compareByIdentity(x any) bool {
	d, ok := x.(pdfDict)
	if !ok {
		return false
	}
	switch d["Type"] {
	case pdfName("Page"), pdfName("Pages"), pdfName("Annot"), pdfName("Catalog"):
		return true
	}
	_, hasRect := d["Rect"]
	_, hasSubtype := d["Subtype"]
	return hasRect && hasSubtype
}
