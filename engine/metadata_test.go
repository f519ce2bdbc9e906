package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

func TestRecordMetadataIsValidatedFieldByField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province

	_, err := b.eng.OpenRecord(ctx, p.specialist, 1900, engine.RecordSpec{Code: "VP-01", Title: " ",
		Retention: engine.Retention{Years: 200}, Metadata: engine.RecordMetadata{AccessMode: "secret", Language: "Tiếng Việt",
			Keywords: []string{"đất đai", ""}, PageTotal: -1}})
	var ve engine.ValidationErrors
	if !errors.As(err, &ve) || !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("bad metadata: %v", err)
	}
	want := []string{"code", "title", "retention", "year", "access_mode", "language", "keywords[1]", "page_total"}
	if !slices.Equal(ve.Fields(), want) {
		t.Fatalf("fields named: %v, want %v", ve.Fields(), want)
	}

	_, err = b.eng.PlanRecords(ctx, p.clerk, 2026, []engine.RecordSpec{
		{Code: "01.VP", Title: "Đúng", Category: "su-vu"},
		{Code: "02.VP", Title: "Sai nhóm", Category: "khong-co"},
		{Code: "03.VP", Title: ""},
	})
	if !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"records[1].category", "records[1].retention",
		"records[2].title", "records[2].retention"}) {
		t.Fatalf("a list with two bad records: %v", err)
	}

	rec, err := b.eng.OpenRecord(ctx, p.specialist, 2026, engine.RecordSpec{Code: "04.VP", Title: "Hồ sơ đủ trường",
		Category: "chuyen-mon", Metadata: engine.RecordMetadata{Keywords: []string{"chuyển đổi số", "Đề án 06"}}})
	must(t, err)
	if rec.Language != "vi" || rec.AccessMode != engine.AccessOpen || rec.FileCode() != "H23.2026.04.VP" {
		t.Fatalf("defaults: %+v", rec.RecordMetadata)
	}
	got, err := b.store.RecordGetByID(ctx, rec.ID)
	must(t, err)
	if !slices.Equal(got.Keywords, rec.Keywords) || got.Category != "chuyen-mon" || got.FondsCode != "H23" {
		t.Fatalf("read back: %+v", got)
	}
	if _, err := b.eng.SetRecordMetadata(ctx, p.specialist, rec.ID, "", engine.RecordMetadata{Language: "vi,en",
		AccessMode: engine.AccessRestricted, PageTotal: 12, SheetTotal: 6, InfoSign: strings.Repeat("x", 31)}); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("a 31-character ký hiệu thông tin: %v", err)
	}
	rec, err = b.eng.SetRecordMetadata(ctx, p.specialist, rec.ID, "", engine.RecordMetadata{Language: "vi,en",
		AccessMode: engine.AccessRestricted, PageTotal: 12, SheetTotal: 6})
	must(t, err)
	if rec.AccessMode != engine.AccessRestricted || rec.PageTotal != 12 {
		t.Fatalf("metadata completed: %+v", rec.RecordMetadata)
	}

	// Filing checks what a document keeps; closing checks every filed document is complete.
	long, err := b.eng.CreateDraft(ctx, p.specialist, engine.DraftInput{TypeCode: "CT", Subject: strings.Repeat("a", 501),
		DraftingUnitID: p.culture.ID}, "")
	must(t, err)
	err = b.eng.FileDocument(ctx, p.specialist, rec.ID, long.ID)
	if !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"subject"}) {
		t.Fatalf("filing a 501-character trích yếu: %v", err)
	}
	if _, err := b.eng.CloseRecord(ctx, p.specialist, rec.ID, time.Now().Add(48*time.Hour)); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("closing with an end in the future: %v", err)
	}

	dist := b.districts[0]
	d := b.signedDraft(t, "Kế hoạch gửi huyện")
	_, err = b.eng.Issue(ctx, p.clerk, d.ID, "")
	must(t, err)
	_, err = b.eng.AgencySign(ctx, p.clerk, d.ID, signedPDF, "")
	must(t, err)
	_, err = b.eng.Dispatch(ctx, p.clerk, d.ID, []string{dist.agency.ID}, "")
	must(t, err)
	ds, err := b.eng.Deliveries(ctx, p.clerk, d.ID)
	must(t, err)
	distRec, err := b.eng.OpenRecord(ctx, dist.specialist, 2026, engine.RecordSpec{Code: "01.VP", Title: "Văn bản đến", Category: "su-vu"})
	must(t, err)
	must(t, b.eng.FileDocument(ctx, dist.specialist, distRec.ID, ds[0].IncomingID))
	_, err = b.eng.CloseRecord(ctx, dist.specialist, distRec.ID, time.Now())
	if !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"documents[1].arrival_number"}) {
		t.Fatalf("closing with an unregistered incoming document: %v", err)
	}
	_, err = b.eng.Register(ctx, dist.clerk, ds[0].IncomingID, "")
	must(t, err)
	closed, err := b.eng.CloseRecord(ctx, dist.specialist, distRec.ID, time.Now())
	must(t, err)
	if closed.State != engine.RecordClosed {
		t.Fatalf("closed: %s", closed.State)
	}
}

func TestDocumentMetadataFollowsTheNationalList(t *testing.T) {
	t.Parallel()
	issued := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	rec := engine.Record{FondsCode: "H23", Year: 2026, Code: "01.VP", RecordMetadata: engine.RecordMetadata{Language: "vi"}}
	out := engine.Document{Flow: engine.Outgoing, TypeCode: "QĐ", Number: 15, Notation: "15/QĐ-UBND", IssuedAt: &issued,
		Subject: "Về việc phê duyệt"}
	m := engine.DocumentMetadataOf(&rec, 3, &out, "Ủy ban nhân dân tỉnh Hòa Bình")
	if m.FileCode != "H23.2026.01.VP" || m.TypeName != "Quyết định" || m.CodeNumber != "15" || m.CodeNotation != "QĐ-UBND" ||
		m.IssuedDate != "2026-03-05" || m.DocOrdinal != 3 {
		t.Fatalf("outgoing: %+v", m)
	}
	in := engine.Document{Flow: engine.Incoming, TypeCode: "", SenderName: "Bộ Nội vụ", SenderNotation: "05/BNV-VP",
		IncomingNumber: 7, ReceivedAt: &issued, Subject: "Công văn"}
	m = engine.DocumentMetadataOf(&rec, 1, &in, "ignored")
	if m.OrganName != "Bộ Nội vụ" || m.CodeNumber != "05" || m.CodeNotation != "BNV-VP" || m.ArrivalNo != 7 || m.TypeName != "Công văn" {
		t.Fatalf("incoming: %+v", m)
	}
}

// FuzzRecordValidate: whatever is typed in, validation either names the bad fields or
// accepts a record that the store's keyword column gives back unchanged.
func FuzzRecordValidate(f *testing.F) {
	f.Add("01.VP", "Hồ sơ tuyển dụng", "vi", "đất đai;Mai Châu", 5)
	f.Add("x", "", "Tiếng Việt", ";;", 0)
	f.Add("1234.ĐTXD-2025", strings.Repeat("á", 1001), "vi,en", "a\nb", 101)
	f.Fuzz(func(t *testing.T, code, title, language, keywords string, years int) {
		r := engine.Record{FondsCode: "H23", Year: 2026, Code: code, Title: title, Retention: engine.Retention{Years: years},
			RecordMetadata: engine.RecordMetadata{AccessMode: engine.AccessOpen, Language: language,
				Keywords: strings.Split(keywords, ";")}}
		err := r.Validate()
		if err != nil {
			var ve engine.ValidationErrors
			if !errors.As(err, &ve) || !errors.Is(err, engine.ErrInvalid) || len(ve) == 0 {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		if !slices.Equal(engine.SplitKeywords(engine.JoinKeywords(r.Keywords)), r.Keywords) {
			t.Fatalf("keywords %q do not survive the store", r.Keywords)
		}
		if strings.TrimSpace(r.Title) == "" || len([]rune(r.Code)) > 20 || years < 1 || years > 100 {
			t.Fatalf("accepted %+v", r)
		}
	})
}
