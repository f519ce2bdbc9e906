package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// searchDoc is one document of the search fixture and its index entry, written as
// engine.IndexDocument would (folded, padded by spaces).
type searchDoc struct {
	name  string
	doc   engine.Document
	entry engine.SearchEntry
}

func testSearch(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	district := agency("H23.10", "Ủy ban nhân dân huyện Mai Châu", "UBND", engine.TierDistrict, province.ID)
	for _, a := range []*engine.Agency{province, district} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	clerk := &engine.User{ID: uuid.NewString(), Username: "vanthu.tinh", FullName: "Lò Thị Hoa", CreatedAt: now()}
	if err := s.UserInsert(ctx, clerk); err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
	docs := map[string]*searchDoc{}
	add := func(name string, a *engine.Agency, e engine.SearchEntry) {
		t.Helper()
		d := engine.Document{ID: uuid.NewString(), AgencyID: a.ID, Flow: engine.Outgoing, State: engine.StateDraft, Version: 1,
			TypeCode: "CV", Subject: name, Year: e.Date.Year(), CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatalf("insert %s: %v", name, err)
		}
		e.DocumentID, e.AgencyID, e.UpdatedAt = d.ID, a.ID, d.UpdatedAt
		if err := s.SearchEntryUpsert(ctx, &e); err != nil {
			t.Fatalf("index %s: %v", name, err)
		}
		docs[name] = &searchDoc{name: name, doc: d, entry: e}
	}
	add("decision", province, engine.SearchEntry{TypeCode: "qd", Notation: "15/qd-ubnd", Signer: "nguyen van chien",
		IssuerCode: "h23", Issuer: " uy ban nhan dan tinh hoa binh ",
		Body: " quyet dinh phe duyet ke hoach phat trien tinh hoa binh 15/qd-ubnd 15 qd ubnd ", Date: day(2025, 3, 10)})
	add("report", province, engine.SearchEntry{TypeCode: "bc", Notation: "7/bc-ubnd", Signer: "bui van khanh",
		IssuerCode: "h23", Issuer: " uy ban nhan dan tinh hoa binh ",
		Body: " bao cao ket qua phe duyet ke hoach 7/bc-ubnd 7 bc ubnd ", Date: day(2024, 12, 2)})
	add("incoming", province, engine.SearchEntry{TypeCode: "cv", Notation: "120/stc-ns", Issuer: " so tai chinh ",
		Body: " cong van ve viec quyet toan ngan sach so tai chinh 120/stc-ns 120 stc ns ", Date: day(2025, 1, 20)})
	add("fromDistrict", province, engine.SearchEntry{TypeCode: "bc", Notation: "3/bc-ubnd", IssuerCode: "h23.10",
		Issuer: " uy ban nhan dan huyen mai chau ", Body: " bao cao quyet toan ngan sach huyen 3/bc-ubnd 3 bc ubnd ",
		Date: day(2025, 2, 14)})
	add("secret", province, engine.SearchEntry{TypeCode: "qd", Classification: engine.Confidential, IssuerCode: "h23",
		Issuer: " uy ban nhan dan tinh hoa binh ", Body: " quyet dinh nhan su ", Date: day(2025, 4, 1)})
	add("draft", province, engine.SearchEntry{TypeCode: "qd", IssuerCode: "h23", Issuer: " uy ban nhan dan tinh hoa binh ",
		Body: " du thao quyet dinh ", Date: day(2025, 5, 5)})
	add("elsewhere", district, engine.SearchEntry{TypeCode: "qd", Notation: "15/qd-ubnd", IssuerCode: "h23.10",
		Issuer: " uy ban nhan dan huyen mai chau ", Body: " quyet dinh phe duyet ke hoach 15/qd-ubnd ", Date: day(2025, 3, 11)})

	record := func(code string, year int, names ...string) {
		t.Helper()
		r := &engine.Record{ID: uuid.NewString(), AgencyID: province.ID, Code: code, Title: "Hồ sơ " + code, Year: year,
			Retention: engine.Retention{Years: 10}, State: engine.RecordOpen, Version: 1, CreatedAt: now()}
		if err := s.RecordInsert(ctx, r); err != nil {
			t.Fatalf("record %s: %v", code, err)
		}
		for _, n := range names {
			if err := s.RecordDocumentInsert(ctx, r.ID, docs[n].doc.ID, clerk.ID, now()); err != nil {
				t.Fatalf("file %s: %v", n, err)
			}
		}
	}
	record("01.KH", 2024, "report")
	record("01.KH", 2025, "decision")
	record("02.TC", 2025, "incoming")

	base := engine.SearchParams{AgencyID: province.ID, Classified: true, Limit: 50}
	search := func(t *testing.T, p engine.SearchParams) []string {
		t.Helper()
		ids, err := s.SearchQuery(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, id := range ids {
			for n, d := range docs {
				if d.doc.ID == id {
					names = append(names, n)
				}
			}
		}
		return names
	}
	for _, tc := range []struct {
		name string
		edit func(p *engine.SearchParams)
		want []string // newest first
	}{
		{"WordsMatchWholeWordsNewestFirst", func(p *engine.SearchParams) { p.Terms = []string{"quyet", "dinh"} },
			[]string{"draft", "secret", "decision"}},
		{"APhraseMatchesConsecutiveWords", func(p *engine.SearchParams) { p.Terms = []string{"phe duyet ke hoach"} },
			[]string{"decision", "report"}},
		{"APartOfAWordIsNoMatch", func(p *engine.SearchParams) { p.Terms = []string{"duye"} }, nil},
		{"UnderscoreIsNoWildcard", func(p *engine.SearchParams) { p.Terms = []string{"q_yet"} }, nil},
		{"PercentIsNoWildcard", func(p *engine.SearchParams) { p.Terms = []string{"quyet%hoach"} }, nil},
		{"SignerUnderscoreIsNoWildcard", func(p *engine.SearchParams) { p.Signer = "van c_ien" }, nil},
		{"ExcludedWordsExclude", func(p *engine.SearchParams) {
			p.Terms, p.Excluded = []string{"quyet"}, []string{"nhan su", "du thao"}
		}, []string{"decision", "fromDistrict", "incoming"}},
		{"NotationInTheText", func(p *engine.SearchParams) { p.Terms = []string{"120/stc-ns"} }, []string{"incoming"}},
		{"TypeFilter", func(p *engine.SearchParams) { p.TypeCode = "bc" }, []string{"fromDistrict", "report"}},
		{"NumberFilterIsExact", func(p *engine.SearchParams) { p.Notation = "15/qd-ubnd" }, []string{"decision"}},
		{"SignerFilterTakesPartOfTheName", func(p *engine.SearchParams) { p.Signer = "van chien" }, []string{"decision"}},
		{"DateRangeIsInclusive", func(p *engine.SearchParams) {
			p.From, p.To = day(2025, 1, 20).Truncate(24*time.Hour), day(2025, 3, 10).Truncate(24*time.Hour).Add(24*time.Hour-1)
		}, []string{"decision", "fromDistrict", "incoming"}},
		{"WordAndTypeAndDateTogether", func(p *engine.SearchParams) {
			p.Terms, p.TypeCode, p.From = []string{"quyet dinh"}, "qd", day(2025, 4, 1).Truncate(24*time.Hour)
		}, []string{"draft", "secret"}},
		{"IssuerByCodeTakesSubordinates", func(p *engine.SearchParams) { p.Issuer = "h23" },
			[]string{"draft", "secret", "decision", "fromDistrict", "report"}},
		{"IssuerByExactCode", func(p *engine.SearchParams) { p.Issuer = "h23.10" }, []string{"fromDistrict"}},
		{"IssuerByName", func(p *engine.SearchParams) { p.Issuer = "so tai chinh" }, []string{"incoming"}},
		{"IssuerCodeIsNotAPrefixOfAnotherCode", func(p *engine.SearchParams) { p.Issuer = "h2" }, nil},
		{"RecordFilterTakesEveryYearOfTheCode", func(p *engine.SearchParams) { p.RecordCodes = []string{"01.KH"} },
			[]string{"decision", "report"}},
		{"RecordFilterWithWords", func(p *engine.SearchParams) {
			p.RecordCodes, p.Terms = []string{"01.KH", "02.TC"}, []string{"ngan sach"}
		}, []string{"incoming"}},
		{"ClassifiedHiddenFromThoseWhoMayNotSee", func(p *engine.SearchParams) {
			p.Terms, p.Classified = []string{"quyet dinh"}, false
		}, []string{"draft", "decision"}},
		{"LimitKeepsTheNewest", func(p *engine.SearchParams) { p.Limit = 2 }, []string{"draft", "secret"}},
		{"AnotherAgencySeesOnlyItsOwn", func(p *engine.SearchParams) { p.AgencyID, p.Terms = district.ID, []string{"quyet dinh"} },
			[]string{"elsewhere"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			tc.edit(&p)
			if got := search(t, p); !slices.Equal(got, tc.want) {
				t.Errorf("found %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("ReindexingReplacesTheEntry", func(t *testing.T) {
		e := docs["report"].entry
		e.Body, e.UpdatedAt = " bao cao da sua ", e.UpdatedAt.Add(time.Second)
		if err := s.SearchEntryUpsert(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if got := search(t, engine.SearchParams{AgencyID: province.ID, Terms: []string{"da sua"}, Limit: 50}); !slices.Equal(got, []string{"report"}) {
			t.Errorf("new text: found %v", got)
		}
		if got := search(t, engine.SearchParams{AgencyID: province.ID, Terms: []string{"ket qua"}, Limit: 50}); len(got) != 0 {
			t.Errorf("old text still found: %v", got)
		}
	})

	t.Run("StaleListsChangedAndUnindexedDocuments", func(t *testing.T) {
		d := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Outgoing, State: engine.StateDraft,
			Version: 1, TypeCode: "CV", Subject: "Chưa chỉ mục", Year: 2025, CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, &d); err != nil {
			t.Fatal(err)
		}
		stale, err := s.SearchStale(ctx, 100)
		if err != nil || !slices.Contains(stale, d.ID) || slices.Contains(stale, docs["decision"].doc.ID) {
			t.Fatalf("stale = %v, %v; want the new document only among the fixture", stale, err)
		}
	})

	t.Run("RecordCodesListEveryYearOnce", func(t *testing.T) {
		codes, err := s.SearchRecordCodes(ctx, province.ID)
		if err != nil || !slices.Equal(codes, []string{"01.KH", "02.TC"}) {
			t.Fatalf("codes = %v, %v", codes, err)
		}
	})
}
