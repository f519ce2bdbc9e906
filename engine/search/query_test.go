package search

import (
	"reflect"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want Query
	}{
		{"BlankBoxIsZero", "   ", Query{}},
		{"WordsAreFoldedAndAllRequired", "Quyết  ĐỊNH", Query{Words: []string{"quyet", "dinh"}}},
		{"QuotedPhrase", `"Hoà Bình" dự án`, Query{Phrases: []string{"hoa binh"}, Words: []string{"du", "an"}}},
		{"CurlyQuotesFromPhones", `“Đề án 06”`, Query{Phrases: []string{"de an 06"}}},
		{"UnclosedQuoteRunsToTheEnd", `"kế hoạch năm`, Query{Phrases: []string{"ke hoach nam"}}},
		{"ExcludedWordAndPhrase", `báo cáo -nháp -"dự thảo"`,
			Query{Words: []string{"bao", "cao"}, Excluded: []string{"nhap", "du thao"}}},
		{"AllFilters", `type:QĐ so:15/QĐ-UBND from:2025-01-01 to:2025-12-31 agency:H23.10 signer:"Nguyễn Văn A" record:HS-01`,
			Query{Type: "qd", Number: "15/qd-ubnd", From: day("2025-01-01"), To: day("2025-12-31"),
				Agency: "h23.10", Signer: "nguyen van a", Record: "hs-01"}},
		{"FieldNamesIgnoreCase", "TYPE:CV", Query{Type: "cv"}},
		{"MonthAndYearCoverTheirWholePeriod", "from:2025-02 to:2025",
			Query{From: day("2025-02-01"), To: day("2025-12-31")}},
		{"VietnameseDateOrder", "from:05/03/2025 to:2/3/2025", Query{From: day("2025-03-05"), To: day("2025-03-02")}},
		{"BadDateIsSearchedAsWords", "from:hôm-qua", Query{Words: []string{"from", "hom", "qua"}}},
		{"UnknownFieldIsPlainWords", "màu:đỏ", Query{Words: []string{"mau", "do"}}},
		{"TimeIsNotAField", "15:30", Query{Words: []string{"15", "30"}}},
		{"IdentifierWordStaysWhole", "15/QĐ-UBND", Query{Words: []string{"15/qd-ubnd"}}},
		{"ExcludedFilterIsNotApplied", "-type:QĐ", Query{Excluded: []string{"type qd"}}},
		{"LaterFilterWins", "type:QĐ type:CT", Query{Type: "ct"}},
		{"LoneDashIsIgnored", "a - b", Query{Words: []string{"a", "b"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ParseQuery(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseQuery(%q) =\n %+v, want\n %+v", tc.in, got, tc.want)
			}
			if got.IsZero() != reflect.DeepEqual(tc.want, Query{}) {
				t.Errorf("ParseQuery(%q).IsZero() = %v", tc.in, got.IsZero())
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add(`type:QĐ "Hoà Bình" -nháp signer:"Nguyễn`)
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		for _, w := range append(append(q.Words, q.Phrases...), q.Excluded...) {
			if w == "" {
				t.Errorf("ParseQuery(%q) kept an empty word: %+v", s, q)
			}
		}
	})
}
