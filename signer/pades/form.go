package pades

import (
	"errors"
	"fmt"
)

// form is the document's interactive form as far as signing cares: its
// fields, their names, and whether anything is already signed.
type form struct {
	acroRef       *ref // nil when /AcroForm is inline or absent
	acro          dict
	fields        array
	names         map[string]bool
	hasSignatures bool
	signatures    []dict // signature dictionaries (/V) in field order
	visited       map[ref]bool
	// emptySigFields are unsigned signature fields by full name.
	emptySigFields map[string]ref
	docMDPPerm     int64 // /P of an existing certification signature, 0 if none
}

func readForm(doc *document, catalog dict) (*form, error) {
	f := &form{names: map[string]bool{}, visited: map[ref]bool{}, emptySigFields: map[string]ref{}}
	switch a := catalog.get("AcroForm").(type) {
	case ref:
		d, err := resolveDict(doc, a, "AcroForm")
		if err != nil {
			return nil, err
		}
		f.acroRef, f.acro = &a, d
	case dict:
		f.acro = a
	}
	fields, err := doc.resolve(f.acro.get("Fields"))
	if err != nil {
		return nil, fmt.Errorf("pades: read AcroForm /Fields: %w", err)
	}
	f.fields, _ = fields.(array)
	if err := f.walk(doc, f.fields, "", 0, new(int)); err != nil {
		return nil, err
	}
	perm, err := docMDPPermission(doc, catalog)
	if err != nil {
		return nil, err
	}
	f.docMDPPerm = perm
	return f, nil
}

// walk records fully qualified field names and existing signatures.
func (f *form) walk(doc *document, fields array, prefix string, depth int, seen *int) error {
	if depth > maxTreeDepth {
		return errors.New("pades: form field tree too deep")
	}
	for _, fv := range fields {
		if *seen++; *seen > maxTreeNodes {
			return errors.New("pades: too many form fields")
		}
		// A field listed twice (or a cycle through /Kids) is visited once.
		if r, ok := fv.(ref); ok {
			if f.visited[r] {
				continue
			}
			f.visited[r] = true
		}
		v, err := doc.resolve(fv)
		if err != nil {
			return fmt.Errorf("pades: read form field: %w", err)
		}
		// Dangling or odd entries are kept as they are and otherwise ignored.
		fd, ok := v.(dict)
		if !ok {
			continue
		}
		full := prefix
		if t, ok := fd.get("T").(pdfString); ok {
			if full != "" {
				full += "."
			}
			full += string(t.b)
			f.names[full] = true
		}
		if r, isRef := fv.(ref); isRef && fd.get("FT") == name("Sig") && fd.get("V") == nil && full != "" {
			f.emptySigFields[full] = r
		}
		if fd.get("FT") == name("Sig") && fd.get("V") != nil {
			f.hasSignatures = true
			if v, err := resolveDict(doc, fd.get("V"), "signature dictionary"); err == nil {
				f.signatures = append(f.signatures, v)
			}
		}
		kids, err := doc.resolve(fd.get("Kids"))
		if err != nil {
			return fmt.Errorf("pades: read field /Kids: %w", err)
		}
		if k, ok := kids.(array); ok {
			if err := f.walk(doc, k, full, depth+1, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// docMDPPermission returns /P of the certification signature, if any.
func docMDPPermission(doc *document, catalog dict) (int64, error) {
	perms, err := doc.resolve(catalog.get("Perms"))
	if err != nil {
		return 0, fmt.Errorf("pades: read /Perms: %w", err)
	}
	pd, _ := perms.(dict)
	if pd.get("DocMDP") == nil {
		return 0, nil
	}
	sig, err := resolveDict(doc, pd.get("DocMDP"), "DocMDP signature")
	if err != nil {
		return 0, err
	}
	refs, _ := sig.get("Reference").(array)
	for _, r := range refs {
		rd, _ := doc.resolve(r)
		d, _ := rd.(dict)
		if d.get("TransformMethod") != name("DocMDP") {
			continue
		}
		tp, _ := doc.resolve(d.get("TransformParams"))
		tpd, _ := tp.(dict)
		if p, ok := tpd.get("P").(int64); ok {
			return p, nil
		}
		return 2, nil // the default of /P (ISO 32000 table 257)
	}
	return 2, nil
}

func (f *form) checkCanSign(docMDP int, docTimestamp bool) error {
	if docMDP < 0 || docMDP > 3 {
		return fmt.Errorf("pades: DocMDP permission %d is not 0, 1, 2 or 3", docMDP)
	}
	if docMDP != 0 && (f.hasSignatures || f.docMDPPerm != 0) {
		return errors.New("pades: a certification (DocMDP) signature must be the first signature in the document")
	}
	if f.docMDPPerm == 1 && !docTimestamp {
		return errors.New("pades: the document is certified with no changes permitted (DocMDP P=1)")
	}
	return nil
}

// uniqueName returns want, or "SignatureN", not already used by a field.
func (f *form) uniqueName(want string) string {
	if want != "" && !f.names[want] {
		return want
	}
	base := want
	if base == "" {
		base = "Signature"
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", base, i)
		if !f.names[n] {
			return n
		}
	}
}

// addField adds widget (if not nil) to /Fields and sets /SigFlags
// (SignaturesExist | AppendOnly). It returns the catalog and whether it
// needs a new version: only when /AcroForm is inline or missing.
func (f *form) addField(u *update, catalog dict, widget *ref) (dict, bool) {
	acro := f.acro
	if widget != nil {
		acro = acro.with("Fields", append(append(array{}, f.fields...), *widget))
	}
	flags, _ := f.acro.get("SigFlags").(int64)
	acro = acro.with("SigFlags", flags|3)
	if f.acroRef != nil {
		u.set(f.acroRef.num, acro)
		return catalog, false
	}
	return catalog.with("AcroForm", acro), true
}
