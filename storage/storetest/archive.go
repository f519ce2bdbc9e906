package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

func testArchive(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	if err := s.AgencyInsert(ctx, province); err != nil {
		t.Fatal(err)
	}
	archivist := &engine.User{ID: uuid.NewString(), Username: "luutru.tinh", FullName: "Hà Thị Lan", CreatedAt: now()}
	if err := s.UserInsert(ctx, archivist); err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{ID: uuid.NewString(), AgencyID: province.ID, FondsCode: "H23.10", Code: "01.VX", Title: "Hồ sơ 01.VX",
		Year: 2024, Retention: engine.Retention{Years: 10}, State: engine.RecordHandedOver, Version: 1, CreatedAt: now()}
	if err := s.RecordInsert(ctx, rec); err != nil {
		t.Fatal(err)
	}
	imp := &engine.ArchiveImport{ID: uuid.NewString(), AgencyID: province.ID, RecordID: rec.ID, Identifier: "H23.10.2024.01.VX",
		PayloadDigest: strings.Repeat("ab", 32), BagName: "H23.10.2024.01.VX", FormatVersion: 1, SourceFondsCode: "H23.10",
		SourceFondsName: "Ủy ban nhân dân huyện Mai Châu", SourceRecordCode: "01.VX", SourceHeadHash: strings.Repeat("cd", 32),
		Metadata: `{"identifier":"H23.10.2024.01.VX"}`, ImportedBy: archivist.ID, ImportedAt: now()}
	at := time.Date(2024, 3, 1, 2, 3, 4, 567000, time.UTC)
	events := []engine.Event{
		{AgencyID: uuid.NewString(), Seq: 7, At: at, ActorID: uuid.NewString(), Role: engine.RoleClerk, Action: "receive",
			ObjectType: "document", ObjectID: uuid.NewString(), After: `{"state":"received"}`, PrevHash: strings.Repeat("0", 64),
			Hash: strings.Repeat("1", 64)},
		{AgencyID: uuid.NewString(), Seq: 3, At: at.Add(-time.Hour), ActorID: "system", Role: "system", Action: "plan_records",
			ObjectType: "record", ObjectID: uuid.NewString(), Before: "", After: `{"code":"01.VX"}`, PrevHash: strings.Repeat("2", 64),
			Hash: strings.Repeat("3", 64)},
	}
	err := s.InTx(ctx, func(q engine.Queries) error {
		if err := q.ArchiveImportInsert(ctx, imp); err != nil {
			return err
		}
		for i := range events {
			if err := q.ArchiveImportEventInsert(ctx, imp.ID, &events[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert import: %v", err)
	}

	t.Run("ReadsBackAnImportByIdentifierAndRecord", func(t *testing.T) {
		got, err := s.ArchiveImportGetByIdentifier(ctx, province.ID, "H23.10.2024.01.VX")
		if err != nil || got != *imp {
			t.Fatalf("by identifier = %+v, %v; want %+v", got, err, *imp)
		}
		got, err = s.ArchiveImportGetByRecord(ctx, rec.ID)
		if err != nil || got != *imp {
			t.Fatalf("by record = %+v, %v; want %+v", got, err, *imp)
		}
	})

	t.Run("UnknownIdentifierIsNotFound", func(t *testing.T) {
		if _, err := s.ArchiveImportGetByIdentifier(ctx, province.ID, "H23.10.2024.02.VX"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		if _, err := s.ArchiveImportGetByRecord(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("SameBagTwiceIntoOneAgencyIsAConflict", func(t *testing.T) {
		dup := *imp
		dup.ID = uuid.NewString()
		if err := s.ArchiveImportInsert(ctx, &dup); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("err = %v, want ErrConflict", err)
		}
	})

	t.Run("SourceEventsComeBackAsTheyWereInSequence", func(t *testing.T) {
		got, err := s.ArchiveImportEventList(ctx, imp.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("events = %+v, %v", got, err)
		}
		if got[0] != events[1] || got[1] != events[0] {
			t.Fatalf("events = %+v\nwant %+v then %+v", got, events[1], events[0])
		}
	})

	t.Run("TrailOfARecordHoldsItsAndItsDocumentsEventsOnly", func(t *testing.T) {
		d := &engine.Document{ID: uuid.NewString(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateDirected, Version: 1,
			Subject: "Công văn", CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDocumentInsert(ctx, rec.ID, d.ID, archivist.ID, now()); err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, obj := range []string{d.ID, uuid.NewString(), rec.ID} { // the middle one is about something else
			var seq int64
			err := s.InTx(ctx, func(q engine.Queries) (err error) {
				var prev string
				if seq, prev, err = q.AuditHeadAdvance(ctx, province.ID, 1); err != nil {
					return err
				}
				return q.AuditInsert(ctx, &engine.Event{AgencyID: province.ID, Seq: seq, At: now(), ActorID: archivist.ID,
					Role: engine.RoleArchivist, Action: "file", ObjectType: "record", ObjectID: obj, PrevHash: prev, Hash: strings.Repeat("e", 64)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if obj == d.ID || obj == rec.ID {
				want = append(want, seq)
			}
		}
		got, err := s.ArchiveAuditListByRecord(ctx, province.ID, rec.ID)
		if err != nil || len(got) != 2 || got[0].Seq != want[0] || got[1].Seq != want[1] || got[0].ObjectID != d.ID || got[1].ObjectID != rec.ID {
			t.Fatalf("trail = %+v, %v; want seqs %v", got, err, want)
		}
	})

	t.Run("SourceEventsAreKeptOnce", func(t *testing.T) {
		again := events[0]
		if err := s.ArchiveImportEventInsert(ctx, imp.ID, &again); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("err = %v, want ErrConflict", err)
		}
	})

	t.Run("FixityReportKeepsTheNewestRunsAndFindings", func(t *testing.T) {
		if rep, err := s.FixityReportGet(ctx); err != nil || len(rep.Runs) != 0 || len(rep.Findings) != 0 || !rep.UpdatedAt.IsZero() {
			t.Fatalf("empty report %+v, %v", rep, err)
		}
		repaired := at.Add(time.Minute)
		var want []engine.FixityFinding
		for i := range 4 {
			run := engine.FixityRun{Node: fmt.Sprintf("node-%d", i), Started: at.Add(time.Duration(i) * time.Hour),
				Finished: at.Add(time.Duration(i)*time.Hour + time.Second), Slice: i, Slices: 168, Packages: 2, Objects: 9,
				Damaged: 1, Repaired: i % 2, Incomplete: i == 3}
			found := []engine.FixityFinding{{DetectedAt: run.Finished, Record: "H23.2024.01.VX", RecordID: rec.ID,
				Manifest: "archive/H23/2024/01.VX/manifest/ab/ab", Key: fmt.Sprintf("archive/H23/2024/01.VX/cd/cd%d", i),
				Error: "blob: integrity check failed"}}
			if i%2 == 1 {
				found[0].RepairedAt = &repaired
			} else {
				found[0].RepairError = "replica: blob: object not found"
			}
			want = append(want, found...)
			// A run and its findings are kept together, in a transaction.
			if err := s.InTx(ctx, func(q engine.Queries) error { return q.FixityRunInsert(ctx, &run, found, 3, 2) }); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := s.FixityReportGet(ctx)
		if err != nil || len(rep.Runs) != 3 || len(rep.Findings) != 2 {
			t.Fatalf("report %+v, %v; want the newest three runs and two findings", rep, err)
		}
		last := rep.Runs[2]
		if rep.Runs[0].Node != "node-1" || last.Node != "node-3" || !last.Incomplete || last.Slice != 3 || last.Slices != 168 ||
			last.Objects != 9 || !last.Finished.Equal(at.Add(3*time.Hour+time.Second)) || !rep.UpdatedAt.Equal(last.Finished) {
			t.Fatalf("runs %+v", rep.Runs)
		}
		if !reflect.DeepEqual(rep.Findings, want[2:]) {
			t.Fatalf("findings %+v, want %+v", rep.Findings, want[2:])
		}
	})
}
