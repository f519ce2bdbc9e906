package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

func testRetention(t *testing.T, open Opener) {
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
	unit := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Văn phòng", ShortName: "VP", CreatedAt: now()}
	if err := s.UnitInsert(ctx, unit); err != nil {
		t.Fatal(err)
	}
	archivist := &engine.User{ID: uuid.NewString(), Username: "luutru.tinh", FullName: "Lưu trữ viên", CreatedAt: now()}
	leader := &engine.User{ID: uuid.NewString(), Username: "lanhdao.tinh", FullName: "Chủ tịch", CreatedAt: now()}
	for _, u := range []*engine.User{archivist, leader} {
		if err := s.UserInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	ended := time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC)
	record := func(code string, ret engine.Retention, state engine.RecordState, hold bool) *engine.Record {
		t.Helper()
		r := &engine.Record{ID: uuid.NewString(), AgencyID: district.ID, FondsCode: district.Code, Code: code, Title: "Hồ sơ " + code,
			Year: 2015, Category: "su-vu", Retention: ret, State: state, LegalHold: hold, WorkEndedAt: &ended, Version: 1,
			CreatedAt: now(), RecordMetadata: engine.RecordMetadata{AccessMode: engine.AccessRestricted, Language: "vi,en",
				Keywords: []string{"đất đai", "Mai Châu"}, Description: "Chú giải", InfoSign: "KH", PageTotal: 120, SheetTotal: 60}}
		if err := s.RecordInsert(ctx, r); err != nil {
			t.Fatalf("record %s: %v", code, err)
		}
		return r
	}
	due := record("01.VP", engine.Retention{Years: 5}, engine.RecordHandedOver, false)
	later := record("02.VP", engine.Retention{Years: 20}, engine.RecordHandedOver, false)
	held := record("03.VP", engine.Retention{Years: 5}, engine.RecordHandedOver, true)
	record("04.VP", engine.Retention{Permanent: true}, engine.RecordHandedOver, false)
	record("05.VP", engine.Retention{Years: 5}, engine.RecordClosed, false)

	t.Run("RecordMetadataReadsBack", func(t *testing.T) {
		got, err := s.RecordGetByID(ctx, due.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Custodian() != district.ID || got.FondsCode != "H23.10" || got.Category != "su-vu" ||
			got.AccessMode != engine.AccessRestricted || got.Language != "vi,en" || !slices.Equal(got.Keywords, due.Keywords) ||
			got.Description != "Chú giải" || got.InfoSign != "KH" || got.PageTotal != 120 || got.SheetTotal != 60 {
			t.Fatalf("read back: %+v", got)
		}
	})

	t.Run("DisposalDueLeavesOutHeldPermanentAndUnarchived", func(t *testing.T) {
		rs, err := s.RecordListDisposalDue(ctx, district.ID, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ID != due.ID {
			t.Fatalf("due in 2030: %v", recordCodes(rs))
		}
		rs, err = s.RecordListDisposalDue(ctx, district.ID, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), 0, 10)
		if err != nil || len(rs) != 2 || rs[0].ID != due.ID || rs[1].ID != later.ID {
			t.Fatalf("due in 2040: %v, %v", recordCodes(rs), err)
		}
		// One at a time, earliest end of retention first, read page by page in the database.
		first, err := s.RecordListDisposalDue(ctx, district.ID, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), 0, 1)
		if err != nil || len(first) != 1 || first[0].ID != due.ID {
			t.Fatalf("first page: %v, %v", recordCodes(first), err)
		}
		second, err := s.RecordListDisposalDue(ctx, district.ID, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), 1, 1)
		if err != nil || len(second) != 1 || second[0].ID != later.ID {
			t.Fatalf("second page: %v, %v", recordCodes(second), err)
		}
	})

	t.Run("CustodyMovesWithTheSuccessor", func(t *testing.T) {
		r, err := s.RecordGetByID(ctx, later.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.CustodianID, r.Version = province.ID, r.Version+1
		if err := s.RecordUpdate(ctx, &r, r.Version-1); err != nil {
			t.Fatal(err)
		}
		mine, err := s.RecordListByCustodian(ctx, province.ID)
		if err != nil || len(mine) != 1 || mine[0].ID != later.ID || mine[0].FondsCode != "H23.10" {
			t.Fatalf("province holds %v, %v", recordCodes(mine), err)
		}
		left, err := s.RecordListByCustodian(ctx, district.ID)
		if err != nil || len(left) != 4 {
			t.Fatalf("district holds %v, %v", recordCodes(left), err)
		}
	})

	t.Run("RetentionRulesUpsert", func(t *testing.T) {
		rule := &engine.RetentionRule{AgencyID: province.ID, Category: "su-vu", Name: "Sự vụ", Retention: engine.Retention{Years: 5},
			UpdatedBy: leader.ID, UpdatedAt: now()}
		if err := s.RetentionRuleUpsert(ctx, rule); err != nil {
			t.Fatal(err)
		}
		rule.Retention, rule.Name = engine.Retention{Permanent: true}, "Sự vụ quan trọng"
		if err := s.RetentionRuleUpsert(ctx, rule); err != nil {
			t.Fatal(err)
		}
		rules, err := s.RetentionRuleList(ctx, province.ID)
		if err != nil || len(rules) != 1 || !rules[0].Retention.Permanent || rules[0].Name != "Sự vụ quan trọng" ||
			rules[0].UpdatedBy != leader.ID {
			t.Fatalf("rules: %+v, %v", rules, err)
		}
		none, err := s.RetentionRuleList(ctx, district.ID)
		if err != nil || len(none) != 0 {
			t.Fatalf("district rules: %+v, %v", none, err)
		}
	})

	// Two documents sharing one blob (content-addressed), one filed in two records.
	doc := func(agencyID string) *engine.Document {
		d := &engine.Document{ID: uuid.NewString(), AgencyID: agencyID, Flow: engine.Incoming, State: engine.StateDirected, Version: 1,
			TypeCode: "", Subject: "Công văn", CreatedAt: now(), UpdatedAt: now()}
		if err := s.DocumentInsert(ctx, d); err != nil {
			t.Fatal(err)
		}
		f := &engine.File{DocumentID: d.ID, Kind: "signed", Name: "cv.pdf", BlobKey: "sha256/ab/abc", SHA256: "abc", Size: 3, CreatedAt: now()}
		// FileInsert reads back its sequence number: a write that must run in a transaction.
		if err := s.InTx(ctx, func(q engine.Queries) error { return q.FileInsert(ctx, f) }); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d1, d2 := doc(district.ID), doc(district.ID)
	for _, r := range []*engine.Record{due, held} {
		if err := s.RecordDocumentInsert(ctx, r.ID, d1.ID, archivist.ID, now()); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("SharedBlobsAndRecordsOfADocument", func(t *testing.T) {
		files, err := s.FileListByBlobKey(ctx, "sha256/ab/abc")
		if err != nil || len(files) != 2 {
			t.Fatalf("files of the blob: %+v, %v", files, err)
		}
		ids, err := s.RecordIDsByDocument(ctx, d1.ID)
		want := []string{due.ID, held.ID}
		slices.Sort(want)
		if err != nil || !slices.Equal(ids, want) {
			t.Fatalf("records of the document: %v, %v", ids, err)
		}
		none, err := s.FileListByBlobKey(ctx, "sha256/00/none")
		if err != nil || len(none) != 0 {
			t.Fatalf("unknown blob: %v, %v", none, err)
		}
	})

	t.Run("BlobKeysAreReferencedThroughEveryColumnThatHoldsOne", func(t *testing.T) {
		packaged := &engine.Record{ID: uuid.NewString(), AgencyID: district.ID, FondsCode: district.Code, Code: "06.VP",
			Title: "Hồ sơ lưu trữ", Year: 2015, Retention: engine.Retention{Permanent: true}, State: engine.RecordHandedOver,
			PackageKey: "archive/H23.10/2015/06.VP/manifest/cd/cd01", Version: 1, CreatedAt: now()}
		if err := s.RecordInsert(ctx, packaged); err != nil {
			t.Fatal(err)
		}
		key := engine.SigningKey{ID: uuid.NewString(), OwnerKind: engine.KeyOwnerAgency, OwnerID: district.ID,
			Kind: engine.KeyKindPKCS12, BlobKey: "keys/ef/ef01", ImageKey: "keys/ef/ef02", CreatedAt: now()}
		if err := s.SigningKeyInsert(ctx, &key); err != nil {
			t.Fatal(err)
		}
		cp := &engine.Copy{ID: uuid.NewString(), AgencyID: district.ID, SourceID: d1.ID, Form: "SY", Year: 2026, Number: 1,
			Notation: "01/SY-UBND", CreatedBy: archivist.ID, CreatedAt: now()}
		if err := s.CopyInsert(ctx, cp); err != nil {
			t.Fatal(err)
		}
		copyKey := engine.CopyBlobPrefix + district.ID + "/" + cp.ID + "/12/12ab"
		referenced := []string{"sha256/ab/abc", packaged.PackageKey, key.BlobKey, key.ImageKey, copyKey}
		orphans := []string{"sha256/00/none", "keys/ef/ef03",
			engine.CopyBlobPrefix + province.ID + "/" + cp.ID + "/12/12ab",            // another agency's prefix
			engine.CopyBlobPrefix + district.ID + "/" + uuid.NewString() + "/12/12ab", // no such copy
			engine.CopyBlobPrefix + district.ID + "/not-a-uuid/12/12ab"}
		// More keys than one query takes, so that the batches are joined.
		var ask []string
		for i := range 120 {
			ask = append(ask, fmt.Sprintf("sha256/ff/%064d", i))
		}
		ask = append(append(ask, orphans...), referenced...)
		got, err := s.BlobKeyListReferenced(ctx, ask)
		slices.Sort(got)
		slices.Sort(referenced)
		if err != nil || !slices.Equal(got, referenced) {
			t.Fatalf("referenced %v, %v; want %v", got, err, referenced)
		}
		if none, err := s.BlobKeyListReferenced(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("no keys: %v, %v", none, err)
		}
	})

	t.Run("AppraisalAndDestructionRoundTrip", func(t *testing.T) {
		a := &engine.Appraisal{ID: uuid.NewString(), AgencyID: district.ID, Title: "Đề nghị hủy", State: engine.AppraisalProposed,
			RecordIDs: []string{due.ID, held.ID}, ProposedBy: archivist.ID, ProposedAt: now(), Version: 1}
		if err := s.AppraisalInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
		decided := now()
		a.State, a.DecidedBy, a.DecidedAt, a.DecisionNotation, a.Version = engine.AppraisalApproved, leader.ID, &decided, "15/QĐ-UBND", 2
		if err := s.AppraisalUpdate(ctx, a, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.AppraisalUpdate(ctx, a, 1); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale appraisal update: %v", err)
		}
		got, err := s.AppraisalGetByID(ctx, a.ID)
		if err != nil || got.State != engine.AppraisalApproved || got.DecidedBy != leader.ID || got.DecidedAt == nil ||
			!got.DecidedAt.Equal(decided) || len(got.RecordIDs) != 2 || got.DecisionNotation != "15/QĐ-UBND" {
			t.Fatalf("appraisal: %+v, %v", got, err)
		}
		if _, err := s.AppraisalGetByID(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("missing appraisal: %v", err)
		}
		d := &engine.Destruction{ID: uuid.NewString(), AppraisalID: a.ID, AgencyID: district.ID, ExecutedBy: archivist.ID,
			ExecutedAt: now(), Decision: "15/QĐ-UBND", Records: []engine.DestroyedRecord{{RecordID: due.ID, FileCode: "H23.10.2015.01.VP",
				Title: due.Title, Retention: "5 năm", Documents: []string{d1.ID}, Deleted: []string{"archive/x"},
				Retained: []engine.RetainedObject{{Key: "sha256/ab/abc", Reason: "shared"}}}}}
		if err := s.DestructionInsert(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds, err := s.DestructionListByAppraisal(ctx, a.ID)
		if err != nil || len(ds) != 1 || ds[0].Decision != "15/QĐ-UBND" || len(ds[0].Records) != 1 ||
			ds[0].Records[0].Retained[0].Key != "sha256/ab/abc" || !ds[0].ExecutedAt.Equal(d.ExecutedAt) {
			t.Fatalf("destructions: %+v, %v", ds, err)
		}
	})

	t.Run("OpenWorkMovesToTheSuccessor", func(t *testing.T) {
		moved := *d2
		moved.AgencyID, moved.DraftingUnitID, moved.Version, moved.UpdatedAt = province.ID, unit.ID, 2, now()
		if err := s.DocumentMoveAgency(ctx, &moved, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.DocumentMoveAgency(ctx, &moved, 1); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale move: %v", err)
		}
		got, err := s.DocumentGetByID(ctx, d2.ID)
		if err != nil || got.AgencyID != province.ID || got.DraftingUnitID != unit.ID || got.Version != 2 {
			t.Fatalf("moved document: %+v, %v", got, err)
		}
		a := &engine.Assignment{ID: uuid.NewString(), DocumentID: d2.ID, Role: engine.Lead, Status: "open", CreatedBy: leader.ID,
			CreatedAt: now()}
		if err := s.AssignmentInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.UnitID, a.UserID = unit.ID, archivist.ID
		if err := s.AssignmentReassign(ctx, a); err != nil {
			t.Fatal(err)
		}
		got2, err := s.AssignmentGetByID(ctx, a.ID)
		if err != nil || got2.UnitID != unit.ID || got2.UserID != archivist.ID {
			t.Fatalf("reassigned: %+v, %v", got2, err)
		}
		missing := *a
		missing.ID = uuid.NewString()
		if err := s.AssignmentReassign(ctx, &missing); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("missing assignment: %v", err)
		}
	})
}

func recordCodes(rs []engine.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}
