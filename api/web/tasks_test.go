package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
)

// TestTaskListPages: a specialist with more open work than a page sees it a page at a
// time, earliest deadline first, with a link to the next page; the last page has none.
func TestTaskListPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	province, err := b.store.AgencyGetByCode(ctx, seed.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	specialist, err := b.store.UserGetByUsername(ctx, "chuyenvien.tinh")
	if err != nil {
		t.Fatal(err)
	}
	leader, err := b.store.UserGetByUsername(ctx, "lanhdao.tinh")
	if err != nil {
		t.Fatal(err)
	}
	const waiting = tasksPerPage + 5
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	err = b.store.InTx(ctx, func(q engine.Queries) error {
		for i := range waiting {
			d := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateInProgress,
				Version: 1, TypeCode: "CV", Subject: fmt.Sprintf("Việc số %02d", i), Year: start.Year(), CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := q.DocumentInsert(ctx, &d); err != nil {
				return err
			}
			// Added latest deadline first: the list must order them itself.
			deadline := start.Add(time.Duration(waiting-i) * time.Hour)
			a := engine.Assignment{ID: engine.NewID(), DocumentID: d.ID, UserID: specialist.ID, Role: engine.Lead, Deadline: &deadline,
				Status: "open", CreatedBy: leader.ID, CreatedAt: time.Now()}
			if err := q.AssignmentInsert(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	subjects := regexp.MustCompile(`Việc số (\d\d)`)
	first := b.get(t, "chuyenvien.tinh", "/tasks")
	page := first.Body.String()
	rows := subjects.FindAllStringSubmatch(page, -1)
	if first.Code != http.StatusOK || len(rows) != tasksPerPage || rows[0][1] != fmt.Sprint(waiting-1) || rows[1][1] != fmt.Sprint(waiting-2) {
		t.Fatalf("first page: %d, %d tasks starting %v; want %d, the earliest deadline first", first.Code, len(rows), rows[:min(2, len(rows))], tasksPerPage)
	}
	next := regexp.MustCompile(`href="(/tasks\?after=[^"]+)"[^>]*id="tasks-next"`).FindStringSubmatch(page)
	if next == nil || !strings.Contains(page, "Trang sau") {
		t.Fatalf("no link to the next page:\n%s", page)
	}
	second := b.get(t, "chuyenvien.tinh", html.UnescapeString(next[1])).Body.String()
	rows = subjects.FindAllStringSubmatch(second, -1)
	if len(rows) != waiting-tasksPerPage || rows[len(rows)-1][1] != "00" || strings.Contains(second, `id="tasks-next"`) {
		t.Fatalf("second page: %d tasks %v, want the last %d and no next link", len(rows), rows, waiting-tasksPerPage)
	}
	bad := b.get(t, "chuyenvien.tinh", "/tasks?after=khong-hop-le")
	if bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "Liên kết trang này không hợp lệ") {
		t.Errorf("a malformed cursor: %d\n%s", bad.Code, bad.Body)
	}
}
