package pdf

import (
	"errors"
	"fmt"
)

// Limits of page tree walks, which hostile files may make cyclic or huge.
const (
	maxTreeDepth = 64
	maxTreeNodes = 1 << 20
)

// inheritable lists the page attributes a page takes from its ancestors
// when it lacks them (7.7.3.4).
var inheritable = []Name{"Resources", "MediaBox", "CropBox", "Rotate"}

// Page is a leaf of the page tree.
type Page struct {
	Ref  Ref  // zero when the page is a direct object
	Dict Dict // the page dictionary as written
	// Inherited holds the inheritable attributes of the page's ancestors.
	Inherited Dict
}

// Attr returns a page attribute, inherited when the page lacks it.
func (p Page) Attr(k Name) any {
	if v := p.Dict.Get(k); v != nil {
		return v
	}
	return p.Inherited.Get(k)
}

// Effective returns the page dictionary with its inherited attributes filled
// in and without /Parent: what the page looks like to a reader.
func (p Page) Effective() Dict {
	eff := p.Dict.Without("Parent")
	for _, e := range p.Inherited {
		if !eff.Has(e.Key) {
			eff = append(eff, e)
		}
	}
	return eff
}

func inherit(parent Dict, node Dict) Dict {
	out := parent
	for _, k := range inheritable {
		if v := node.Get(k); v != nil {
			out = out.With(k, v)
		}
	}
	return out
}

// Pages walks the page tree depth first and returns up to max pages. A node
// is visited once, so /Kids that loop back cannot hang the walk.
func (d *Doc) Pages(max int) []Page {
	var out []Page
	seen := map[int]bool{}
	budget := maxTreeNodes
	var walk func(node any, inherited Dict, depth int)
	walk = func(node any, inherited Dict, depth int) {
		if budget--; budget < 0 || depth > maxTreeDepth || len(out) >= max {
			return
		}
		r, isRef := node.(Ref)
		if isRef {
			if seen[r.Num] {
				return
			}
			seen[r.Num] = true
		}
		n := d.Dict(node)
		if n == nil {
			return
		}
		inh := inherit(inherited, n)
		if kids, ok := d.Get(n.Get("Kids")).(Array); ok && n.Get("Type") != Name("Page") {
			for _, k := range kids {
				walk(k, inh, depth+1)
			}
			return
		}
		out = append(out, Page{Ref: r, Dict: n, Inherited: inherited})
	}
	walk(d.Catalog().Get("Pages"), nil, 0)
	return out
}

// PageCount returns the /Count of the page tree's root.
func (d *Doc) PageCount() int {
	n, _ := d.Get(d.Dict(d.Catalog().Get("Pages")).Get("Count")).(int64)
	return int(min(max(n, 0), maxTreeNodes))
}

// ErrNoPage is wrapped when a page index is outside the page tree.
var ErrNoPage = errors.New("pdf: page index out of range")

// Page finds the index-th page (0-based) by the /Count of the tree's nodes,
// reading only the nodes on the way.
func (d *Doc) Page(index int) (Page, error) {
	if index < 0 {
		return Page{}, fmt.Errorf("%w: %d", ErrNoPage, index)
	}
	node := d.Catalog().Get("Pages")
	var inherited Dict
	visited := map[int]bool{}
	for range maxTreeDepth {
		r, ok := node.(Ref)
		if !ok || visited[r.Num] {
			return Page{}, errors.New("pdf: malformed page tree")
		}
		visited[r.Num] = true
		n, err := d.Resolve(r)
		if err != nil {
			return Page{}, fmt.Errorf("pdf: read page tree node: %w", err)
		}
		nd, ok := n.(Dict)
		if !ok {
			return Page{}, errors.New("pdf: page tree node is not a dictionary")
		}
		kidsV, err := d.Resolve(nd.Get("Kids"))
		if err != nil {
			return Page{}, fmt.Errorf("pdf: read /Kids: %w", err)
		}
		kids, isNode := kidsV.(Array)
		if !isNode && nd.Get("Type") != Name("Pages") {
			if index == 0 {
				return Page{Ref: r, Dict: nd, Inherited: inherited}, nil
			}
			return Page{}, ErrNoPage
		}
		inherited = inherit(inherited, nd)
		if node, index, err = d.kidFor(kids, index); err != nil {
			return Page{}, err
		}
	}
	return Page{}, errors.New("pdf: page tree too deep")
}

// kidFor returns the kid whose subtree holds page index, and the index
// within it.
func (d *Doc) kidFor(kids Array, index int) (any, int, error) {
	for _, kid := range kids {
		v, err := d.Resolve(kid)
		if err != nil {
			return nil, 0, fmt.Errorf("pdf: read page tree node: %w", err)
		}
		kd, ok := v.(Dict)
		if !ok {
			return nil, 0, errors.New("pdf: page tree node is not a dictionary")
		}
		count := int64(1)
		if kd.Get("Type") == Name("Pages") || kd.Get("Kids") != nil {
			count, _ = kd.Get("Count").(int64)
		}
		if int64(index) < count {
			return kid, index, nil
		}
		index -= int(count)
	}
	return nil, 0, ErrNoPage
}
