package pades

import (
	"errors"
	"fmt"

	"github.com/vanthu/vanthu/signer/pdf"
)

// form is the document's interactive form as far as signing cares: its
// fields, their names, and whether anything is already signed.
type form struct {
	acroRef       *pdf.Ref // nil when /AcroForm is inline or absent
	acro          pdf.Dict
	fields        pdf.Array
	names         map[string]bool
	hasSignatures bool
	signatures    []pdf.Dict // signature dictionaries (/V) in field order
	visited       map[pdf.Ref]bool
	// emptySigFields are unsigned signature fields by full name.
	emptySigFields map[string]pdf.Ref
	docMDPPerm     int64 // /P of an existing certification signature, 0 if none
}

// readCatalog reads the catalog and the form it holds.
func readCatalog(doc *pdf.Doc) (pdf.Dict, *form, error) {
	catalog, err := resolveDict(doc, doc.Trailer.Get("Root"), "catalog")
	if err != nil {
		return nil, nil, err
	}
	f, err := readForm(doc, catalog)
	return catalog, f, err
}

func readForm(doc *pdf.Doc, catalog pdf.Dict) (*form, error) {
	f := &form{names: map[string]bool{}, visited: map[pdf.Ref]bool{}, emptySigFields: map[string]pdf.Ref{}}
	switch a := catalog.Get("AcroForm").(type) {
	case pdf.Ref:
		d, err := resolveDict(doc, a, "AcroForm")
		if err != nil {
			return nil, err
		}
		f.acroRef, f.acro = &a, d
	case pdf.Dict:
		f.acro = a
	}
	fields, err := doc.Resolve(f.acro.Get("Fields"))
	if err != nil {
		return nil, fmt.Errorf("pades: read AcroForm /Fields: %w", err)
	}
	f.fields, _ = fields.(pdf.Array)
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
func (f *form) walk(doc *pdf.Doc, fields pdf.Array, prefix string, depth int, seen *int) error {
	if depth > maxTreeDepth {
		return errors.New("pades: form field tree too deep")
	}
	for _, fv := range fields {
		if *seen++; *seen > maxTreeNodes {
			return errors.New("pades: too many form fields")
		}
		// A field listed twice (or a cycle through /Kids) is visited once.
		if r, ok := fv.(pdf.Ref); ok {
			if f.visited[r] {
				continue
			}
			f.visited[r] = true
		}
		v, err := doc.Resolve(fv)
		if err != nil {
			return fmt.Errorf("pades: read form field: %w", err)
		}
		// Dangling or odd entries are kept as they are and otherwise ignored.
		fd, ok := v.(pdf.Dict)
		if !ok {
			continue
		}
		full := prefix
		if t, ok := fd.Get("T").(pdf.String); ok {
			if full != "" {
				full += "."
			}
			full += string(t)
			f.names[full] = true
		}
		if r, isRef := fv.(pdf.Ref); isRef && fd.Get("FT") == pdf.Name("Sig") && fd.Get("V") == nil && full != "" {
			f.emptySigFields[full] = r
		}
		if fd.Get("FT") == pdf.Name("Sig") && fd.Get("V") != nil {
			f.hasSignatures = true
			if v, err := resolveDict(doc, fd.Get("V"), "signature dictionary"); err == nil {
				f.signatures = append(f.signatures, v)
			}
		}
		kids, err := doc.Resolve(fd.Get("Kids"))
		if err != nil {
			return fmt.Errorf("pades: read field /Kids: %w", err)
		}
		if k, ok := kids.(pdf.Array); ok {
			if err := f.walk(doc, k, full, depth+1, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// docMDPPermission returns /P of the certification signature, if any.
func docMDPPermission(doc *pdf.Doc, catalog pdf.Dict) (int64, error) {
	perms, err := doc.Resolve(catalog.Get("Perms"))
	if err != nil {
		return 0, fmt.Errorf("pades: read /Perms: %w", err)
	}
	pd, _ := perms.(pdf.Dict)
	if pd.Get("DocMDP") == nil {
		return 0, nil
	}
	sig, err := resolveDict(doc, pd.Get("DocMDP"), "DocMDP signature")
	if err != nil {
		return 0, err
	}
	refs, _ := sig.Get("Reference").(pdf.Array)
	for _, r := range refs {
		rd, _ := doc.Resolve(r)
		d, _ := rd.(pdf.Dict)
		if d.Get("TransformMethod") != pdf.Name("DocMDP") {
			continue
		}
		tp, _ := doc.Resolve(d.Get("TransformParams"))
		tpd, _ := tp.(pdf.Dict)
		if p, ok := tpd.Get("P").(int64); ok {
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
func (f *form) addField(u *update, catalog pdf.Dict, widget *pdf.Ref) (pdf.Dict, bool) {
	acro := f.acro
	if widget != nil {
		acro = acro.With("Fields", append(append(pdf.Array{}, f.fields...), *widget))
	}
	flags, _ := f.acro.Get("SigFlags").(int64)
	acro = acro.With("SigFlags", flags|3)
	if f.acroRef != nil {
		u.set(f.acroRef.Num, acro)
		return catalog, false
	}
	return catalog.With("AcroForm", acro), true
}
