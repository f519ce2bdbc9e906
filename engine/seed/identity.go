package seed

import (
	"context"
	"strings"

	"github.com/vanthu/vanthu/engine"
)

// Identity renames the demo tree, so that a second demo instance (a ministry, another
// province) exchanging documents with the first over the national axis has codes of its
// own: the root takes Code, Code102 and Name, and every agency below has its code's
// prefix replaced by Code. An empty field keeps the demo's value.
type Identity struct {
	Code    string // QĐ 20/2020 code of the root, e.g. "G12"
	Code102 string // QCVN 102 code of the root, e.g. "000.00.00.G12"
	Name    string // e.g. "Bộ Tài chính"
}

// DemoAs is Demo with the tree renamed by id.
func DemoAs(ctx context.Context, store engine.Store, plainPassword string, id Identity) (*Result, error) {
	return seedTree(ctx, store, plainPassword, id.apply(Province))
}

func (id Identity) apply(root agencySpec) agencySpec {
	if id == (Identity{}) {
		return root
	}
	out := rename(root, root.code, id.Code)
	if id.Code102 != "" {
		out.code102 = id.Code102
	}
	if id.Name != "" {
		out.name = id.Name
	}
	return out
}

// rename copies spec with the code prefix from replaced by to.
func rename(spec agencySpec, from, to string) agencySpec {
	if to != "" {
		spec.code = to + strings.TrimPrefix(spec.code, from)
	}
	children := make([]agencySpec, len(spec.children))
	for i, c := range spec.children {
		children[i] = rename(c, from, to)
	}
	spec.children = children
	return spec
}

// RootCode is the code of the tree's root: ProvinceCode unless renamed.
func (id Identity) RootCode() string {
	if id.Code != "" {
		return id.Code
	}
	return ProvinceCode
}
