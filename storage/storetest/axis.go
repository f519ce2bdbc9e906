package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// testAxis checks the national exchange axis's directory (synchronised, searched by code
// and name without diacritics, keyset-paged) and the deliveries sent over it, whose
// history takes each status once in the order it happened.
func testAxis(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	old := now().Add(-time.Hour)
	entries := []engine.AxisAgency{
		{Code: "000.00.00.G06", Name: "Bộ Nội vụ", SystemID: "vxp.bnv"},
		{Code: "000.00.00.G12", Name: "Bộ Tài chính", SystemID: "vxp.btc"},
		{Code: "000.00.00.H26", Name: "Ủy ban nhân dân tỉnh Hà Giang", SystemID: "vxp.hagiang"},
		{Code: "G06.10", Name: "Vụ Tổ chức – Biên chế (100%_đúng)", ParentCode: "000.00.00.G06"},
	}
	for i := range entries {
		entries[i].SyncedAt = old
		if err := s.AxisAgencyUpsert(ctx, &entries[i]); err != nil {
			t.Fatal(err)
		}
	}
	codes := func(as []engine.AxisAgency) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Code)
		}
		return out
	}

	t.Run("SearchFindsNamesWithoutDiacriticsAndCodes", func(t *testing.T) {
		for q, want := range map[string][]string{
			"bo noi vu": {"000.00.00.G06"}, "Tài chính": {"000.00.00.G12"}, "h26": {"000.00.00.H26"},
			"": {"000.00.00.G06", "000.00.00.G12", "000.00.00.H26", "G06.10"},
		} {
			got, err := s.AxisAgencySearch(ctx, engine.AxisAgencySearch{Query: q, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if !sameSet(codes(got), want) {
				t.Errorf("search %q: got %v, want %v", q, codes(got), want)
			}
		}
	})
	t.Run("WildcardsMatchOnlyThemselves", func(t *testing.T) {
		got, err := s.AxisAgencySearch(ctx, engine.AxisAgencySearch{Query: "b%i", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Fatalf("\"b%%i\" matched %v", codes(got))
		}
	})
	t.Run("PagesFollowTheLastCode", func(t *testing.T) {
		first, err := s.AxisAgencySearch(ctx, engine.AxisAgencySearch{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.AxisAgencySearch(ctx, engine.AxisAgencySearch{After: first[len(first)-1].Code, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		got := append(codes(first), codes(second)...)
		want := []string{"000.00.00.G06", "000.00.00.G12", "000.00.00.H26", "G06.10"}
		if len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Fatalf("pages %v, want %v", got, want)
		}
	})
	t.Run("SyncUpdatesAndDropsWhatItDidNotSee", func(t *testing.T) {
		synced := now()
		renamed := entries[1]
		renamed.Name, renamed.SyncedAt = "Bộ Tài chính (mới)", synced
		if err := s.AxisAgencyUpsert(ctx, &renamed); err != nil {
			t.Fatal(err)
		}
		n, err := s.AxisAgencyDeleteSyncedBefore(ctx, synced)
		if err != nil || n != 3 {
			t.Fatalf("deleted %d, %v; want 3", n, err)
		}
		got, err := s.AxisAgencyGet(ctx, renamed.Code)
		if err != nil || got.Name != renamed.Name || !got.SyncedAt.Equal(synced) {
			t.Fatalf("got %+v, %v", got, err)
		}
		if _, err := s.AxisAgencyGet(ctx, "000.00.00.G06"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a dropped entry: %v", err)
		}
	})

	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	if err := s.AgencyInsert(ctx, province); err != nil {
		t.Fatal(err)
	}
	doc := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Outgoing, State: engine.StateDispatched,
		Version: 1, TypeCode: "CV", Subject: "Gửi qua trục", Year: 2026, CreatedAt: now(), UpdatedAt: now()}
	if err := s.DocumentInsert(ctx, &doc); err != nil {
		t.Fatal(err)
	}
	del := engine.AxisDelivery{ID: uuid.NewString(), OutgoingID: doc.ID, RecipientCode: "000.00.00.G12", RecipientName: "Bộ Tài chính",
		Status: engine.DeliveryQueued, StatusAt: now(), UpdatedAt: now()}

	t.Run("DeliveryReadsBackAndIsOnePerRecipient", func(t *testing.T) {
		if err := s.AxisDeliveryInsert(ctx, &del); err != nil {
			t.Fatal(err)
		}
		twice := del
		twice.ID = uuid.NewString()
		if err := s.AxisDeliveryInsert(ctx, &twice); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("a second delivery to the same recipient: %v, want ErrConflict", err)
		}
		del.Status, del.PackageID, del.StatusCode, del.StatusAt = engine.DeliveryRegistered, "pkg-1", "03", now()
		if err := s.AxisDeliveryUpdate(ctx, &del); err != nil {
			t.Fatal(err)
		}
		got, err := s.AxisDeliveryListByOutgoing(ctx, doc.ID)
		if err != nil || len(got) != 1 || got[0] != del {
			t.Fatalf("got %+v, %v; want %+v", got, err, del)
		}
		if _, err := s.AxisDeliveryGet(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a missing delivery: %v", err)
		}
	})
	t.Run("HistoryTakesEachStatusOnceInTheOrderItHappened", func(t *testing.T) {
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		steps := []struct {
			code string
			at   time.Time
		}{{"05", at}, {"03", at}, {"04", at}, {"01", at.Add(-time.Second)}, {"03", at}}
		added := 0
		for _, st := range steps {
			ok, err := s.AxisDeliveryEventInsert(ctx, &engine.AxisDeliveryEvent{DeliveryID: del.ID, StatusCode: st.code, At: st.at,
				Status: engine.DeliveryRegistered, Staff: "Lò Thị Hoa", RecordedAt: now()})
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				added++
			}
		}
		if added != 4 {
			t.Fatalf("added %d steps, want 4 (a repeated status is one step)", added)
		}
		h, err := s.AxisDeliveryEventList(ctx, del.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range h {
			got = append(got, e.StatusCode)
		}
		if len(got) != 4 || got[0] != "01" || got[1] != "03" || got[2] != "04" || got[3] != "05" {
			t.Fatalf("history %v, want [01 03 04 05]", got)
		}
	})
	t.Run("ExchangeDocumentByDocument", func(t *testing.T) {
		in := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateReceived,
			Version: 1, Subject: "Nhận qua trục", SenderName: "Bộ Tài chính", Year: 2026, CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, &in); err != nil {
			t.Fatal(err)
		}
		x := engine.ExchangeDocument{DocumentID: in.ID, AgencyID: province.ID, SenderCode: "000.00.00.G12",
			ExternalID: "000.00.00.G12,2026/03/02,15/BTC-VP", Business: engine.BusinessNew, ReceivedAt: now()}
		if err := s.ExchangeDocumentInsert(ctx, &x); err != nil {
			t.Fatal(err)
		}
		got, err := s.ExchangeDocumentGet(ctx, in.ID)
		if err != nil || got != x {
			t.Fatalf("got %+v, %v; want %+v", got, err, x)
		}
		if _, err := s.ExchangeDocumentGet(ctx, doc.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a document that did not come over the axis: %v", err)
		}
	})
	t.Run("LienThongListsPageNewestFirst", func(t *testing.T) {
		later := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Outgoing, State: engine.StateDispatched,
			Version: 1, TypeCode: "CV", Subject: "Gửi sau", Notation: "16/UBND-VP", Year: 2026, CreatedAt: now(), UpdatedAt: now()}
		issued := now().Add(time.Minute)
		later.IssuedAt = &issued
		quiet := later
		quiet.ID, quiet.Subject = uuid.NewString(), "Không gửi qua trục"
		for _, d := range []*engine.Document{&later, &quiet} {
			if err := s.DocumentInsert(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AxisDeliveryInsert(ctx, &engine.AxisDelivery{ID: uuid.NewString(), OutgoingID: later.ID, RecipientCode: "000.00.00.G12",
			RecipientName: "Bộ Tài chính", Status: engine.DeliveryQueued, StatusAt: now(), UpdatedAt: now()}); err != nil {
			t.Fatal(err)
		}
		first, err := s.AxisSentList(ctx, engine.AxisListPage{AgencyID: province.ID, Limit: 1})
		if err != nil || len(first) != 1 || first[0].DocumentID != later.ID || first[0].Notation != "16/UBND-VP" || !first[0].IssuedAt.Equal(issued) {
			t.Fatalf("first page %+v, %v; want the document issued last", first, err)
		}
		second, err := s.AxisSentList(ctx, engine.AxisListPage{AgencyID: province.ID, Offset: 1, Limit: 5})
		if err != nil || len(second) != 1 || second[0].DocumentID != doc.ID {
			t.Fatalf("second page %+v, %v; want only the other document sent over the axis", second, err)
		}
		other, err := s.AxisSentList(ctx, engine.AxisListPage{AgencyID: uuid.NewString(), Limit: 5})
		if err != nil || len(other) != 0 {
			t.Fatalf("another agency's list: %+v, %v", other, err)
		}

		in := engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateReceived,
			Version: 1, Subject: "Nhận sau", SenderName: "Bộ Nội vụ", SenderNotation: "7/BNV-VP", Note: "Cảnh báo khi tiếp nhận: x",
			Year: 2026, CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, &in); err != nil {
			t.Fatal(err)
		}
		x := engine.ExchangeDocument{DocumentID: in.ID, AgencyID: province.ID, SenderCode: "000.00.00.G06",
			ExternalID: "000.00.00.G06,2026/03/03,7/BNV-VP", Business: engine.BusinessUpdate, ReceivedAt: now().Add(time.Minute)}
		if err := s.ExchangeDocumentInsert(ctx, &x); err != nil {
			t.Fatal(err)
		}
		got, err := s.AxisReceivedList(ctx, engine.AxisListPage{AgencyID: province.ID, Limit: 1})
		if err != nil || len(got) != 1 || got[0].ExchangeDocument != x || got[0].SenderNotation != "7/BNV-VP" ||
			got[0].State != engine.StateReceived || got[0].Note != in.Note || got[0].Subject != "Nhận sau" {
			t.Fatalf("received first page %+v, %v; want the one received last", got, err)
		}
		rest, err := s.AxisReceivedList(ctx, engine.AxisListPage{AgencyID: province.ID, Offset: 1, Limit: 5})
		if err != nil || len(rest) != 1 || rest[0].SenderCode != "000.00.00.G12" {
			t.Fatalf("received second page %+v, %v", rest, err)
		}
	})
	t.Run("RefusalsAreKeptOncePerPackageForTheAddressee", func(t *testing.T) {
		at := now()
		for i, r := range []engine.AxisRefusal{
			{PackageID: "pkg-a", ToCode: "H23", FromCode: "000.00.00.G12", Reason: "không đọc được gói tin", RefusedAt: at},
			{PackageID: "pkg-b", ToCode: "H23.01", FromCode: "000.00.00.G06", Reason: "thiếu tệp đính kèm", RefusedAt: at.Add(time.Second)},
			{PackageID: "pkg-c", ToCode: "H99", FromCode: "000.00.00.G06", Reason: "không phải của cơ quan", RefusedAt: at},
			{PackageID: "pkg-a", ToCode: "H23", FromCode: "000.00.00.G12", Reason: "lần nữa", RefusedAt: at.Add(time.Hour)},
		} {
			added, err := s.AxisRefusalInsert(ctx, &r)
			if err != nil || added != (i < 3) {
				t.Fatalf("refusal %d: added %v, %v", i, added, err)
			}
		}
		got, err := s.AxisRefusalList(ctx, []string{"H23", "H23.01"}, 0, 10)
		if err != nil || len(got) != 2 || got[0].PackageID != "pkg-b" || got[1].PackageID != "pkg-a" ||
			got[1].Reason != "không đọc được gói tin" || !got[1].RefusedAt.Equal(at) {
			t.Fatalf("refusals %+v, %v; want pkg-b then pkg-a as first recorded", got, err)
		}
		page, err := s.AxisRefusalList(ctx, []string{"H23"}, 1, 10)
		if err != nil || len(page) != 0 {
			t.Fatalf("second page of one code: %+v, %v", page, err)
		}
	})
}
