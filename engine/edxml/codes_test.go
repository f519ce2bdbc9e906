package edxml

import "testing"

func TestPriorityUrgency(t *testing.T) {
	t.Parallel()
	table := map[int]Urgency{0: UrgencyNormal, 1: UrgencyUrgent, 2: UrgencyVeryUrgent, 3: UrgencyFlash}
	for code, want := range table {
		got, err := UrgencyFromPriority(code)
		if err != nil || got != want {
			t.Errorf("UrgencyFromPriority(%d) = %q, %v; want %q", code, got, err, want)
		}
		back, err := want.Priority()
		if err != nil || back != code {
			t.Errorf("%q.Priority() = %d, %v; want %d", want, back, err, code)
		}
	}
	t.Run("refuses codes outside 0–3", func(t *testing.T) {
		for _, code := range []int{-1, 4, 9} {
			_, err := UrgencyFromPriority(code)
			wantErr(t, err, ErrMalformed, "priority")
		}
		_, err := Urgency("rat_khan").Priority()
		wantErr(t, err, ErrMalformed, "rat_khan")
	})
}

func TestDocKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind       DocKind
		name, abbr string
	}{
		{KindNghiQuyet, "Nghị quyết", "NQ"},
		{KindQuyetDinh, "Quyết định", "QĐ"},
		{KindChiThi, "Chỉ thị", "CT"},
		{5, "Quy định", "QyĐ"},
		{9, "Chương trình", "CTr"},
		{16, "Tờ trình", "TTr"},
		{KindCongVan, "Công văn", ""},
		{KindCongDien, "Công điện", "CĐ"},
		{KindThuCong, "Thư công", ""},
	}
	for _, c := range cases {
		if c.kind.Name() != c.name || c.kind.Abbreviation() != c.abbr {
			t.Errorf("kind %d = %q %q, want %q %q", c.kind, c.kind.Name(), c.kind.Abbreviation(), c.name, c.abbr)
		}
		if got, ok := KindByName(c.name); !ok || got != c.kind {
			t.Errorf("KindByName(%q) = %d, %v", c.name, got, ok)
		}
		if c.abbr != "" {
			if got, ok := KindByAbbreviation(c.abbr); !ok || got != c.kind {
				t.Errorf("KindByAbbreviation(%q) = %d, %v", c.abbr, got, ok)
			}
		}
	}
	t.Run("every kind with an abbreviation maps back to itself", func(t *testing.T) {
		for k := DocKind(1); k.Valid(); k++ {
			if a := k.Abbreviation(); a != "" {
				if got, _ := KindByAbbreviation(a); got != k {
					t.Errorf("%q maps to %d, want %d", a, got, k)
				}
			}
		}
	})
	t.Run("công văn has no abbreviation and the old codes are unknown", func(t *testing.T) {
		for _, abbr := range []string{"", "CV", "GN", "TTh", "NP", "TS", "qđ"} {
			if k, ok := KindByAbbreviation(abbr); ok {
				t.Errorf("KindByAbbreviation(%q) = %d", abbr, k)
			}
		}
	})
	t.Run("names match whatever the case and tone placement", func(t *testing.T) {
		for name, want := range map[string]DocKind{"CÔNG VĂN": KindCongVan, " quyết định ": KindQuyetDinh, "Bản thoả thuận": 21, "Giấy uỷ quyền": 22} {
			if got, ok := KindByName(name); !ok || got != want {
				t.Errorf("KindByName(%q) = %d, %v; want %d", name, got, ok, want)
			}
		}
	})
	t.Run("the document type resolves by name first, then by Type", func(t *testing.T) {
		if k, ok := (DocumentType{Type: 1, TypeName: "Công văn"}).Kind(); !ok || k != KindCongVan {
			t.Errorf("sample type = %d %v", k, ok)
		}
		if k, ok := (DocumentType{Type: 18}).Kind(); !ok || k != KindCongVan {
			t.Errorf("Type 18 = %d %v", k, ok)
		}
		if _, ok := (DocumentType{Type: 99, TypeName: "Thông tư"}).Kind(); ok {
			t.Error("unknown type resolved")
		}
	})
}
