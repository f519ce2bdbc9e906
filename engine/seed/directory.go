package seed

// DirectoryEntry is one demo agency as another system's directory (the national
// exchange axis) lists it.
type DirectoryEntry struct {
	Code       string // the code the axis routes by: QCVN 102 when the agency has one
	Name       string
	ParentCode string
}

// Directory lists the demo province's agencies, parents first, for the axis emulator's
// demo directory (`vanthu axis serve`).
func Directory() []DirectoryEntry {
	var out []DirectoryEntry
	var walk func(spec agencySpec, parent string)
	walk = func(spec agencySpec, parent string) {
		code := spec.code
		if spec.code102 != "" {
			code = spec.code102
		}
		out = append(out, DirectoryEntry{Code: code, Name: spec.name, ParentCode: parent})
		for _, c := range spec.children {
			walk(c, code)
		}
	}
	walk(Province, "")
	return out
}
