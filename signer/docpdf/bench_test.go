package docpdf

import "testing"

// BenchmarkRenderTenPages renders a directive of ten pages.
func BenchmarkRenderTenPages(b *testing.B) {
	doc := longDirective()
	for {
		_, sig, err := Render(doc)
		if err != nil {
			b.Fatal(err)
		}
		if sig.Page+1 >= 10 {
			break
		}
		doc.Body = append(doc.Body, doc.Body[3:8]...)
	}
	for b.Loop() {
		if _, _, err := Render(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderRegister prints a register of 1000 rows.
func BenchmarkRenderRegister(b *testing.B) {
	r := incomingRegister(1000)
	for b.Loop() {
		if _, err := RenderRegister(r); err != nil {
			b.Fatal(err)
		}
	}
}
