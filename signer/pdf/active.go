package pdf

import (
	"errors"
	"fmt"
)

// Kinds of active content that ActiveContent reports.
const (
	ActiveJavaScript = "javascript" // a script: a /JavaScript action or name tree, a /JS entry
	ActiveLaunch     = "launch"     // a /Launch action, which starts another program
)

// activeNames maps the names that mark active content to its kind.
var activeNames = map[Name]string{"JavaScript": ActiveJavaScript, "JS": ActiveJavaScript, "Launch": ActiveLaunch}

// ActiveContent lists, in a fixed order, the kinds of active content that any object of
// the file names, as a key or a value. Every object counts: those of every revision,
// those no revision's cross-reference data lists any more, and those inside object
// streams; names are compared decoded, so /J#61vaScript is /JavaScript. The error says
// that the file is too large to be read whole within the File's limits.
func (f *File) ActiveContent() ([]string, error) {
	found := map[string]bool{}
	for _, h := range f.objectHeaders() {
		o := f.ObjectAt(h.off)
		if errors.Is(o.Err, ErrLimit) {
			return nil, fmt.Errorf("pdf: active content: %w", o.Err)
		}
		markActive(o.Value, found)
		if s, ok := o.Value.(Stream); ok && s.Dict.Get("Type") == Name("ObjStm") {
			if err := f.activeInObjStm(s, o.Num, found); err != nil {
				return nil, err
			}
		}
	}
	var out []string
	for _, kind := range []string{ActiveJavaScript, ActiveLaunch} {
		if found[kind] {
			out = append(out, kind)
		}
	}
	return out, nil
}

// activeInObjStm marks the active content of the objects inside an object stream.
func (f *File) activeInObjStm(s Stream, num int, found map[string]bool) error {
	stm := f.readObjStm(s, num)
	if errors.Is(stm.err, ErrLimit) {
		return fmt.Errorf("pdf: active content: %w", stm.err)
	}
	for _, off := range stm.offs {
		if v, err := NewScanner(stm.data, off).Object(); err == nil {
			markActive(v, found)
		}
	}
	return nil
}

// markActive records the kinds of active content that v names, nested values included.
func markActive(v any, found map[string]bool) {
	switch x := v.(type) {
	case Name:
		if kind, ok := activeNames[x]; ok {
			found[kind] = true
		}
	case Array:
		for _, e := range x {
			markActive(e, found)
		}
	case Dict:
		for _, e := range x {
			markActive(e.Key, found)
			markActive(e.Value, found)
		}
	case Stream:
		markActive(x.Dict, found)
	}
}
