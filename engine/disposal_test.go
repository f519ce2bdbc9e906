package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// fakeBlobs is a blob store as disposal sees it: objects with optional locks.
type fakeBlobs struct {
	mu       sync.Mutex
	objects  map[string]time.Time // key → locked until (zero: unlocked)
	packages map[string][]string  // manifest key → its objects, manifest last
}

func newFakeBlobs() *fakeBlobs {
	return &fakeBlobs{objects: map[string]time.Time{}, packages: map[string][]string{}}
}

func (f *fakeBlobs) put(key string, lockedUntil time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = lockedUntil
}

func (f *fakeBlobs) has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.objects[key]
	return ok
}

func (f *fakeBlobs) PackageObjects(ctx context.Context, manifest string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys, ok := f.packages[manifest]
	if !ok {
		return nil, engine.ErrNotFound
	}
	return keys, nil
}

func (f *fakeBlobs) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	until, ok := f.objects[key]
	switch {
	case !ok:
		return fmt.Errorf("%s: %w", key, engine.ErrNotFound)
	case time.Now().Before(until):
		return fmt.Errorf("%s until %s: %w", key, until.Format(time.RFC3339), engine.ErrRetained)
	}
	delete(f.objects, key)
	return nil
}

// archivedRecord takes a record of the province from opening to the agency archive, its
// work having ended in 2015, with an issued document and an archival package in blobs.
func archivedRecord(t *testing.T, b *bundle, blobs *fakeBlobs, code, category string) engine.Record {
	t.Helper()
	ctx := context.Background()
	p := b.province
	rec, err := b.eng.OpenRecord(ctx, p.specialist, 2015, engine.RecordSpec{Code: code, Title: "Hồ sơ " + code, Category: category})
	must(t, err)
	d := b.signedDraft(t, "Công văn trong hồ sơ "+code)
	_, err = b.eng.Issue(ctx, p.clerk, d.ID, "")
	must(t, err)
	must(t, b.eng.FileDocument(ctx, p.specialist, rec.ID, d.ID))
	_, err = b.eng.CloseRecord(ctx, p.specialist, rec.ID, time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	_, err = b.eng.HandOver(ctx, p.archivist, rec.ID)
	must(t, err)
	manifest := "archive/H23/2015/" + code + "/manifest.json"
	objects := []string{"archive/H23/2015/" + code + "/original", manifest}
	blobs.packages[manifest] = objects
	for _, k := range objects {
		blobs.put(k, time.Time{})
	}
	blobs.put(signedPDF.BlobKey, time.Time{})
	rec, err = b.eng.RecordArchived(ctx, p.archivist, rec.ID, manifest)
	must(t, err)
	return rec
}

func TestDispositionOnlyThroughAnApprovedDecision(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p, other := b.province, b.districts[0]
		blobs := newFakeBlobs()
		short := archivedRecord(t, b, blobs, "01.VP", "su-vu")
		if short.Retention != (engine.Retention{Years: 5}) || short.DisposalDue().Format(time.DateOnly) != "2021-01-01" {
			t.Fatalf("a sự vụ record from the schedule: %s until %v", short.Retention, short.DisposalDue())
		}
		held := archivedRecord(t, b, blobs, "02.VP", "chuyen-mon")
		permanent := archivedRecord(t, b, blobs, "03.VP", "tong-hop")

		due, err := b.eng.DisposalCandidates(ctx, p.archivist, time.Now())
		must(t, err)
		if ids := recordIDs(due); !slices.Equal(ids, []string{short.ID, held.ID}) {
			t.Fatalf("records due: %v, want the 5- and 10-year ones", ids)
		}
		// A page at a time, earliest end of retention first; the last says nothing follows.
		first, more, err := b.eng.DisposalCandidatesPage(ctx, p.archivist, time.Now(), 0, 1)
		must(t, err)
		second, after, err := b.eng.DisposalCandidatesPage(ctx, p.archivist, time.Now(), 1, 1)
		must(t, err)
		if !slices.Equal(recordIDs(first), []string{short.ID}) || !more || !slices.Equal(recordIDs(second), []string{held.ID}) || after {
			t.Fatalf("pages of one: %v (more %v), %v (more %v)", recordIDs(first), more, recordIDs(second), after)
		}

		t.Run("RefusesWhatIsNotTheArchivistsToPropose", func(t *testing.T) {
			if _, err := b.eng.ProposeDisposal(ctx, p.clerk, "Hủy", []string{short.ID}); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("the clerk proposed: %v", err)
			}
			if _, err := b.eng.ProposeDisposal(ctx, other.archivist, "Hủy", []string{short.ID}); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("another agency's archivist proposed: %v", err)
			}
			_, err := b.eng.ProposeDisposal(ctx, p.archivist, "Hủy", []string{short.ID, permanent.ID})
			if !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), "permanently") {
				t.Fatalf("a permanent record proposed: %v", err)
			}
			if _, err := b.eng.ProposeDisposal(ctx, p.archivist, " ", nil); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("an empty proposal: %v", err)
			}
			if _, err := b.eng.DisposalCandidates(ctx, p.clerk, time.Now()); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("the clerk listed records due: %v", err)
			}
		})

		a, err := b.eng.ProposeDisposal(ctx, p.archivist, "Đề nghị hủy tài liệu hết giá trị năm 2015", []string{held.ID, short.ID})
		must(t, err)
		if a.State != engine.AppraisalProposed || len(a.RecordIDs) != 2 {
			t.Fatalf("proposal: %+v", a)
		}
		// A hold after the proposal blocks the approval.
		_, err = b.eng.SetLegalHold(ctx, p.archivist, held.ID, true)
		must(t, err)

		t.Run("RefusesDecisionsByAnyoneButTheHead", func(t *testing.T) {
			for _, actor := range []engine.Actor{p.archivist, p.deputy, p.clerk} {
				if _, err := b.eng.DecideDisposal(ctx, actor, a.ID, true, "15/QĐ-UBND", ""); !errors.Is(err, engine.ErrForbidden) {
					t.Fatalf("%s approved: %v", actor.Role, err)
				}
			}
			if _, err := b.eng.DecideDisposal(ctx, other.leader, a.ID, true, "15/QĐ-UBND", ""); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("another agency's head approved: %v", err)
			}
		})
		t.Run("RefusesDestructionBeforeApproval", func(t *testing.T) {
			if _, err := b.eng.Destroy(ctx, p.archivist, a.ID, blobs); !errors.Is(err, engine.ErrConflict) {
				t.Fatalf("destroyed without a decision: %v", err)
			}
			if !blobs.has(signedPDF.BlobKey) {
				t.Fatal("bytes went without a decision")
			}
		})
		t.Run("ApprovalChecksEveryRecordAgain", func(t *testing.T) {
			_, err := b.eng.DecideDisposal(ctx, p.leader, a.ID, true, "15/QĐ-UBND", "")
			if !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), "legal hold") {
				t.Fatalf("approved over a legal hold: %v", err)
			}
			got, _, err := b.eng.Appraisal(ctx, p.archivist, a.ID)
			must(t, err)
			if got.State != engine.AppraisalProposed {
				t.Fatalf("after a refused approval: %s", got.State)
			}
			if _, err := b.eng.DecideDisposal(ctx, p.leader, a.ID, true, "", ""); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("approved without a decision number: %v", err)
			}
		})

		_, err = b.eng.SetLegalHold(ctx, p.archivist, held.ID, false)
		must(t, err)
		a, err = b.eng.DecideDisposal(ctx, p.leader, a.ID, true, "15/QĐ-UBND", "")
		must(t, err)
		if a.State != engine.AppraisalApproved || a.DecidedBy != p.leader.UserID {
			t.Fatalf("decision: %+v", a)
		}
		if _, err := b.eng.Destroy(ctx, p.leader, a.ID, blobs); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("the head destroyed it himself: %v", err)
		}
		if _, err := b.eng.Destroy(ctx, other.archivist, a.ID, blobs); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("another agency's archivist destroyed: %v", err)
		}
		// One object of the package is still locked, and a document outside the decision
		// shares the bytes of the signed originals: both stay.
		blobs.put(held.PackageKey, time.Now().Add(time.Hour))
		b.signedDraft(t, "Văn bản còn giữ, cùng tệp")
		// The document of the 10-year record is also filed in this year's record, which stays.
		heldDocs, err := b.store.RecordDocumentList(ctx, held.ID)
		must(t, err)
		current, err := b.eng.OpenRecord(ctx, p.specialist, 2026, engine.RecordSpec{Code: "09.VP", Title: "Hồ sơ năm nay",
			Category: "chuyen-mon"})
		must(t, err)
		must(t, b.eng.FileDocument(ctx, p.specialist, current.ID, heldDocs[0]))

		d, err := b.eng.Destroy(ctx, p.archivist, a.ID, blobs)
		must(t, err)
		if d.Complete() || d.Decision != "15/QĐ-UBND" || d.ExecutedBy != p.archivist.UserID || len(d.Records) != 2 {
			t.Fatalf("destruction record: %+v", d)
		}
		retained, kept := map[string]string{}, map[string]string{}
		for _, line := range d.Records {
			for _, r := range line.Retained {
				retained[r.Key] = r.Reason
			}
			for _, r := range line.Kept {
				kept[r.Key] = r.Reason
			}
		}
		if len(retained) != 1 || !strings.Contains(retained[held.PackageKey], "locked") ||
			!strings.Contains(kept[signedPDF.BlobKey], "shared with document") || !strings.Contains(kept[heldDocs[0]], current.ID) {
			t.Fatalf("retained: %v, kept: %v", retained, kept)
		}
		if blobs.has("archive/H23/2015/01.VP/original") || blobs.has(short.PackageKey) || !blobs.has(held.PackageKey) ||
			!blobs.has(signedPDF.BlobKey) {
			t.Fatalf("objects left: %v", blobs.objects)
		}
		for _, id := range []string{short.ID, held.ID} {
			r, err := b.store.RecordGetByID(ctx, id)
			must(t, err)
			if r.State != engine.RecordDestroyed || r.DestroyedAt == nil || r.Title == "" || r.FondsCode != "H23" {
				t.Fatalf("destroyed record keeps its metadata: %+v", r)
			}
		}
		if _, err := b.eng.SetLegalHold(ctx, p.archivist, short.ID, true); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("a hold on a destroyed record: %v", err)
		}

		// Later the lock has run out: running the decision again deletes what was left.
		blobs.put(held.PackageKey, time.Time{})
		d2, err := b.eng.Destroy(ctx, p.archivist, a.ID, blobs)
		must(t, err)
		if blobs.has(held.PackageKey) || !slices.Contains(d2.Records[indexOfRecord(d2, held.ID)].Deleted, held.PackageKey) ||
			!d2.Complete() {
			t.Fatalf("second run: %+v", d2)
		}
		_, ds, err := b.eng.Appraisal(ctx, p.archivist, a.ID)
		must(t, err)
		if len(ds) != 2 || ds[0].Records[0].FileCode == "" || ds[0].Decision != "15/QĐ-UBND" {
			t.Fatalf("destruction records kept: %+v", ds)
		}
		problems, n, err := b.eng.VerifyAudit(ctx, p.agency.ID)
		must(t, err)
		if len(problems) > 0 {
			t.Fatalf("audit: %v", problems)
		}
		events, err := b.store.AuditListByAgency(ctx, p.agency.ID, 0, int(n))
		must(t, err)
		var actions []string
		for _, e := range events {
			if !slices.Contains(actions, e.Action) {
				actions = append(actions, e.Action)
			}
		}
		for _, want := range []string{"propose_disposal", "decide_disposal", "destroy", "destroy_record"} {
			if !slices.Contains(actions, want) {
				t.Fatalf("no %s event in %v", want, actions)
			}
		}
	})
}

func TestRejectedAppraisalKeepsRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p := b.province
	blobs := newFakeBlobs()
	rec := archivedRecord(t, b, blobs, "01.VP", "su-vu")
	a, err := b.eng.ProposeDisposal(ctx, p.archivist, "Đề nghị hủy", []string{rec.ID})
	must(t, err)
	if _, err := b.eng.DecideDisposal(ctx, p.leader, a.ID, false, "", ""); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("rejected without a reason: %v", err)
	}
	a, err = b.eng.DecideDisposal(ctx, p.leader, a.ID, false, "", "Còn giá trị tham khảo")
	must(t, err)
	if a.State != engine.AppraisalRejected {
		t.Fatalf("state %s", a.State)
	}
	if _, err := b.eng.Destroy(ctx, p.archivist, a.ID, blobs); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("destroyed under a rejected decision: %v", err)
	}
	if _, err := b.eng.DecideDisposal(ctx, p.leader, a.ID, true, "16/QĐ-UBND", ""); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("decided twice: %v", err)
	}
	r, err := b.store.RecordGetByID(ctx, rec.ID)
	must(t, err)
	if r.State != engine.RecordHandedOver || !blobs.has(rec.PackageKey) {
		t.Fatalf("record after rejection: %s", r.State)
	}
}

func TestRetentionScheduleIsConfigurablePerProvince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, openSQLite)
	p, dist := b.province, b.districts[0]
	if _, err := b.eng.SetRetentionRule(ctx, p.clerk, engine.RetentionRule{AgencyID: p.agency.ID, Category: "su-vu", Name: "Sự vụ",
		Retention: engine.Retention{Years: 10}}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("the clerk changed the schedule: %v", err)
	}
	_, err := b.eng.SetRetentionRule(ctx, p.leader, engine.RetentionRule{AgencyID: p.agency.ID, Category: "su-vu",
		Name: "Công văn sự vụ của tỉnh", Retention: engine.Retention{Years: 10}})
	must(t, err)
	_, err = b.eng.SetRetentionRule(ctx, p.archivist, engine.RetentionRule{AgencyID: p.agency.ID, Category: "dat-dai",
		Name: "Hồ sơ giao đất", Retention: engine.Retention{Permanent: true}})
	must(t, err)
	_, err = b.eng.SetRetentionRule(ctx, p.leader, engine.RetentionRule{AgencyID: p.agency.ID, Category: "Bad Category",
		Name: "", Retention: engine.Retention{Years: 0}})
	var ve engine.ValidationErrors
	if !errors.As(err, &ve) || !slices.Equal(ve.Fields(), []string{"category", "name", "retention"}) {
		t.Fatalf("a bad rule: %v", err)
	}

	// The district inherits the province's lines.
	rec, err := b.eng.OpenRecord(ctx, dist.specialist, 2026, engine.RecordSpec{Code: "01.VP", Title: "Công văn", Category: "su-vu"})
	must(t, err)
	if rec.Retention != (engine.Retention{Years: 10}) || rec.Category != "su-vu" {
		t.Fatalf("district record: %s", rec.Retention)
	}
	land, err := b.eng.OpenRecord(ctx, dist.specialist, 2026, engine.RecordSpec{Code: "02.DD", Title: "Giao đất", Category: "dat-dai"})
	must(t, err)
	if !land.Retention.Permanent {
		t.Fatalf("a province category: %s", land.Retention)
	}
	if _, err := b.eng.OpenRecord(ctx, dist.specialist, 2026, engine.RecordSpec{Code: "03.VP", Title: "Ngắn", Category: "su-vu",
		Retention: engine.Retention{Years: 5}}); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "shorter") {
		t.Fatalf("kept shorter than the schedule: %v", err)
	}
	schedule, err := b.eng.RetentionSchedule(ctx, b.districts[1].agency.ID)
	must(t, err)
	i := slices.IndexFunc(schedule, func(r engine.RetentionRule) bool { return r.Category == "nhan-su" })
	if i < 0 || schedule[i].Retention.Years != 70 {
		t.Fatalf("national default for personnel files: %+v", schedule)
	}
}

func recordIDs(rs []engine.Record) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	return ids
}

func indexOfRecord(d engine.Destruction, id string) int {
	return slices.IndexFunc(d.Records, func(r engine.DestroyedRecord) bool { return r.RecordID == id })
}
