package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
)

// reportFixture adds to the demo province a unit whose assignments made this month are
// known: 3 done on time, 1 done late, 1 open and overdue, 1 open in time.
func reportFixture(t *testing.T, b *testBundle) (unitName string) {
	t.Helper()
	ctx := context.Background()
	province, err := b.store.AgencyGetByCode(ctx, seed.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	person, err := b.store.UserGetByUsername(ctx, "chuyenvien.tinh")
	if err != nil {
		t.Fatal(err)
	}
	unit := &engine.Unit{ID: engine.NewID(), AgencyID: province.ID, Name: "Phòng Báo cáo thử", ShortName: "BCT", CreatedAt: time.Now().UTC()}
	if err := b.store.UnitInsert(ctx, unit); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	soon, past := now.AddDate(0, 0, 14), now.AddDate(0, 0, -14)
	cases := []struct {
		subject  string
		deadline time.Time
		done     bool
	}{
		{"Đúng hạn 1", soon, true}, {"Đúng hạn 2", soon, true}, {"Đúng hạn 3", soon, true},
		{"Xong muộn", past, true}, {"Quá hạn chưa xong", past, false}, {"Còn trong hạn", soon, false},
	}
	for i, c := range cases {
		d := engine.Document{ID: engine.NewID(), AgencyID: province.ID, Flow: engine.Incoming, State: engine.StateInProgress,
			Version: 1, TypeCode: "", Subject: c.subject, Year: now.In(vietnam).Year(), IncomingNumber: 900 + i,
			ReceivedAt: &now, SenderName: "Sở Báo cáo", SenderNotation: "99/SBC", CreatedAt: now, UpdatedAt: now}
		a := engine.Assignment{ID: engine.NewID(), DocumentID: d.ID, UnitID: unit.ID, UserID: person.ID, Role: engine.Lead,
			Deadline: &c.deadline, Status: "open", CreatedBy: person.ID, CreatedAt: now}
		if c.done {
			a.Status, a.DoneAt = "done", &now
		}
		err := b.store.InTx(ctx, func(q engine.Queries) error {
			if err := q.DocumentInsert(ctx, &d); err != nil {
				return err
			}
			return q.AssignmentInsert(ctx, &a)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return unit.Name
}

func TestReportOnTimeByUnitDownloadsAsXLSXAndPDF(t *testing.T) {
	t.Parallel()
	b := setup(t)
	unitName := reportFixture(t, b)

	t.Run("OnScreen", func(t *testing.T) {
		w := b.get(t, "lanhdao.tinh", "/reports?report=ontime&by=unit")
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("reports: %d\n%s", w.Code, body)
		}
		row := "<td>" + unitName + "</td><td>3</td><td>1</td><td>1</td><td>1</td><td>75%</td>"
		for _, want := range []string{"Tỷ lệ đúng hạn", row, "Tải Excel", "Tải PDF"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
	})

	t.Run("XLSXHasVietnameseHeadersAndNumbers", func(t *testing.T) {
		w := b.get(t, "lanhdao.tinh", "/reports?report=ontime&by=unit&format=xlsx")
		if w.Code != http.StatusOK {
			t.Fatalf("xlsx: %d\n%s", w.Code, w.Body)
		}
		if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, ".xlsx") {
			t.Errorf("Content-Disposition %q", cd)
		}
		f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Báo cáo", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 5 || !strings.Contains(rows[0][0], "Tình hình xử lý văn bản đến theo đơn vị") {
			t.Fatalf("no title row: %q", rows)
		}
		want := []string{"Đơn vị", "Xong đúng hạn", "Xong quá hạn", "Đang xử lý trong hạn", "Quá hạn chưa xong", "Tỷ lệ đúng hạn"}
		if !slices.Equal(rows[3], want) {
			t.Errorf("headers %q, want %q", rows[3], want)
		}
		i := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == unitName })
		if i < 0 {
			t.Fatalf("no row for %s: %q", unitName, rows)
		}
		if got := rows[i][1:]; !slices.Equal(got, []string{"3", "1", "1", "1", "0.75"}) {
			t.Errorf("counts %q, want 3 1 1 1 0.75", got)
		}
		cell := "B" + strconv.Itoa(i+1)
		if typ, _ := f.GetCellType("Báo cáo", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is not a number: %v", cell, typ)
		}
	})

	t.Run("PDFPrintsTheHeadersAndRate", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed")
		}
		w := b.get(t, "lanhdao.tinh", "/reports?report=ontime&by=unit&format=pdf")
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		path := filepath.Join(t.TempDir(), "bao-cao.pdf")
		if err := os.WriteFile(path, w.Body.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, want := range []string{"Tỷ lệ đúng hạn", unitName, "75%"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	})
}

func TestReportOverdueListHasDatesAsDates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reportFixture(t, b)
	w := b.get(t, "vanthu.tinh", "/reports?report=overdue&format=xlsx")
	if w.Code != http.StatusOK {
		t.Fatalf("xlsx: %d\n%s", w.Code, w.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Báo cáo")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 2 && r[2] == "Quá hạn chưa xong" })
	if i < 0 {
		t.Fatalf("the overdue assignment is not listed: %q", rows)
	}
	for _, r := range rows {
		if len(r) > 2 && (r[2] == "Còn trong hạn" || r[2] == "Xong muộn") {
			t.Errorf("listed as overdue: %q", r)
		}
	}
	// The deadline cell is a date shown day first, as a Vietnamese reader writes it.
	want := time.Now().In(vietnam).AddDate(0, 0, -14).Format("02/01/2006")
	if rows[i][4] != want {
		t.Errorf("deadline %q, want %q", rows[i][4], want)
	}
	raw, _ := f.GetCellValue("Báo cáo", "E"+strconv.Itoa(i+1), excelize.Options{RawCellValue: true})
	if strings.Contains(raw, "/") {
		t.Errorf("the deadline is stored as text %q, not as a date", raw)
	}
}

func TestReportsRefuseWhoDoesNotReadRegistersAndBadPeriods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if w := b.get(t, "chuyenvien.tinh", "/reports?report=documents"); w.Code != http.StatusForbidden {
		t.Errorf("a specialist reads reports: %d", w.Code)
	}
	if w := b.get(t, "lanhdao.tinh", "/reports?report=documents&from=2026-05-01&to=2026-04-01"); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a period ending before it starts: %d", w.Code)
	}
	if w := b.get(t, "lanhdao.tinh", "/reports?report=documents&from=hôm-qua"); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a from that is not a date: %d", w.Code)
	}
	w := b.get(t, "luutru.tinh", "/reports?report=records")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Danh mục hồ sơ") {
		t.Errorf("records list: %d", w.Code)
	}
}

func TestReportDocumentsBySenderTypeAndRecipient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reportFixture(t, b)
	for _, tc := range []struct{ group, want string }{
		{"sender", "<td>Đến</td><td>Sở Báo cáo</td><td>6</td>"},
		{"type", "<td>Đến</td><td>Công văn</td>"},
	} {
		w := b.get(t, "vanthu.tinh", "/reports?report=documents&group="+tc.group)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("by %s: %d, lacks %s", tc.group, w.Code, tc.want)
		}
	}
	// In English the page's words change.
	r := httptest.NewRequest(http.MethodGet, "/reports?report=documents&group=recipient", nil)
	r.AddCookie(&http.Cookie{Name: "vanthu_lang", Value: "en"})
	if w := b.do(t, "vanthu.tinh", r); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Documents out by recipient") {
		t.Errorf("by recipient in English: %d", w.Code)
	}
}

func FuzzReportQuery(f *testing.F) {
	f.Add("report=documents&group=type&from=2026-01-01&to=2026-12-31")
	f.Add("report=ontime&by=person&format=xlsx")
	f.Add("report=records&year=-5&format=pdf")
	f.Add("report=overdue&from=2026-13-40")
	f.Add("report=x&group=%00&to=0001-01-01")
	b := setup(f)
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest(http.MethodGet, "/reports", nil)
		r.URL.RawQuery = query
		w := b.do(t, "lanhdao.tinh", r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q:\n%s", w.Code, query, w.Body)
		}
	})
}
