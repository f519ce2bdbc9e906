package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// agencyRow is the row of the organisation page for the agency with the code.
func agencyRow(t *testing.T, page, code string) string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr id="agency-` + regexp.QuoteMeta(code) + `".*?</tr>`).FindString(page)
	if row == "" {
		t.Fatalf("no row for %s in\n%s", code, page)
	}
	return row
}

func TestAdminOrganisation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	agencyID := func(code string) string {
		t.Helper()
		a, err := b.store.AgencyGetByCode(ctx, code)
		if err != nil {
			t.Fatalf("agency %s: %v", code, err)
		}
		return a.ID
	}

	t.Run("AClerkIsRefused", func(t *testing.T) {
		if w := b.get(t, "vanthu.tinh", "/admin/org"); w.Code != http.StatusForbidden {
			t.Errorf("a clerk opens the organisation page: %d", w.Code)
		}
		w := b.post(t, "vanthu.tinh", "/admin/org/units", url.Values{"agency_id": {agencyID("H23")}, "name": {"Phòng Lạ"}, "short_name": {"PL"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("a clerk adds a unit: %d", w.Code)
		}
		w = b.post(t, "vanthu.tinh", "/admin/org/succession", url.Values{"predecessor_id": {agencyID("H23.13")}, "successor_id": {agencyID("H23.12")}, "confirm": {"yes"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("a clerk records a merger: %d", w.Code)
		}
	})

	t.Run("TheAdminSeesTheTreeWithCodes", func(t *testing.T) {
		w := b.get(t, "quantri.tinh", "/admin/org")
		page := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(page, `href="/admin/org" aria-current="page"`) {
			t.Fatalf("organisation page: %d\n%s", w.Code, page)
		}
		if row := agencyRow(t, page, "H23"); !strings.Contains(row, "000.00.00.H23") || !strings.Contains(row, "cấp tỉnh") {
			t.Errorf("the province's row lacks its QCVN 102 code or tier: %s", row)
		}
		if row := agencyRow(t, page, "H23.11"); !strings.Contains(row, "Ủy ban nhân dân tỉnh Hòa Bình") {
			t.Errorf("Mai Châu's row does not name its parent: %s", row)
		}
		page = b.get(t, "quantri.tinh", "/admin/org?lang=en").Body.String()
		if !strings.Contains(page, "Agencies and units") || !strings.Contains(page, "Successor agency") || regexp.MustCompile(`>\s*org\.[a-z_.]+\s*<`).MatchString(page) {
			t.Errorf("the English page:\n%s", page)
		}
		// The head sees the tree but is offered no form: changing it is an admin's.
		w = b.get(t, "lanhdao.tinh", "/admin/org")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="agency-H23.11"`) || strings.Contains(w.Body.String(), `action="/admin/org/`) {
			t.Errorf("the head's page: %d\n%s", w.Code, w.Body)
		}
		// A district's admin administers only the district and its communes.
		page = b.get(t, "quantri.maichau", "/admin/org").Body.String()
		if !strings.Contains(page, `id="agency-H23.11.02"`) || strings.Contains(page, `id="agency-H23.12"`) {
			t.Errorf("the district's admin sees another district or misses a commune:\n%s", page)
		}
	})

	t.Run("AddAUnit", func(t *testing.T) {
		w := b.post(t, "quantri.maichau", "/admin/org/units", url.Values{"agency_id": {agencyID("H23.11.02")}, "name": {"Ban Văn hóa"}, "short_name": {"VH"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("add a unit: %d\n%s", w.Code, w.Body)
		}
		row := agencyRow(t, b.get(t, "quantri.maichau", "/admin/org").Body.String(), "H23.11.02")
		if !strings.Contains(row, "Ban Văn hóa (VH)") {
			t.Errorf("the new unit is not listed: %s", row)
		}
		// Outside the admin's subtree, the engine refuses.
		w = b.post(t, "quantri.maichau", "/admin/org/units", url.Values{"agency_id": {agencyID("H23.12")}, "name": {"Ban Lạ"}, "short_name": {"BL"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("a unit in another district: %d", w.Code)
		}
	})

	t.Run("ABadCodeIsNamedOnTheForm", func(t *testing.T) {
		form := url.Values{"parent_id": {agencyID("H23")}, "name": {"Ủy ban nhân dân huyện Mới"}, "short_name": {"UBND"},
			"code": {"h23 14"}, "code102": {"000.00.00.H23"}, "tier": {"district"}}
		w := b.post(t, "quantri.tinh", "/admin/org/agencies", form)
		page := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="alert"`) || !strings.Contains(page, "Mã định danh không hợp lệ") {
			t.Fatalf("a bad code: %d\n%s", w.Code, page)
		}
		if !strings.Contains(page, `value="h23 14"`) || !strings.Contains(page, `value="Ủy ban nhân dân huyện Mới"`) ||
			!strings.Contains(page, `<option value="district" selected>`) {
			t.Errorf("what was typed is not kept:\n%s", page)
		}
		form.Set("code", "H23.14")
		form.Set("code102", "H23")
		if w := b.post(t, "quantri.tinh", "/admin/org/agencies", form); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Mã QCVN 102 không hợp lệ") {
			t.Errorf("a bad QCVN 102 code: %d\n%s", w.Code, w.Body)
		}
	})

	t.Run("TheProvinceAddsADistrict", func(t *testing.T) {
		form := url.Values{"parent_id": {agencyID("H23")}, "name": {"Ủy ban nhân dân huyện Kim Bôi"}, "short_name": {"UBND"},
			"code": {"H23.14"}, "code102": {"000.14.00.H23"}, "tier": {"district"}}
		if w := b.post(t, "quantri.tinh", "/admin/org/agencies", form); w.Code != http.StatusSeeOther {
			t.Fatalf("add a district: %d\n%s", w.Code, w.Body)
		}
		row := agencyRow(t, b.get(t, "quantri.tinh", "/admin/org").Body.String(), "H23.14")
		for _, want := range []string{"Ủy ban nhân dân huyện Kim Bôi", "000.14.00.H23", "cấp huyện", "Ủy ban nhân dân tỉnh Hòa Bình"} {
			if !strings.Contains(row, want) {
				t.Errorf("the new district's row lacks %q: %s", want, row)
			}
		}
		if w := b.post(t, "quantri.tinh", "/admin/org/agencies", form); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "đã được dùng") {
			t.Errorf("the same code twice: %d\n%s", w.Code, w.Body)
		}
	})

	t.Run("ASuccessionIsConfirmedThenShown", func(t *testing.T) {
		form := url.Values{"predecessor_id": {agencyID("H23.13")}, "successor_id": {agencyID("H23.12")}}
		w := b.post(t, "quantri.tinh", "/admin/org/succession", form)
		page := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(page, "Không thể hoàn tác") || !strings.Contains(page, `name="confirm" value="yes"`) {
			t.Fatalf("the confirmation: %d\n%s", w.Code, page)
		}
		if a, _ := b.store.AgencyGetByCode(ctx, "H23.13"); a.ValidTo != nil {
			t.Fatal("the merger was recorded before it was confirmed")
		}
		form.Set("confirm", "yes")
		if w := b.post(t, "quantri.tinh", "/admin/org/succession", form); w.Code != http.StatusSeeOther {
			t.Fatalf("confirmed merger: %d\n%s", w.Code, w.Body)
		}
		row := agencyRow(t, b.get(t, "quantri.tinh", "/admin/org").Body.String(), "H23.13")
		if !strings.Contains(row, "sáp nhập vào Ủy ban nhân dân huyện Lương Sơn") || !strings.Contains(row, "Đã kết thúc hoạt động") {
			t.Errorf("the ended agency's row: %s", row)
		}
		if w := b.post(t, "quantri.tinh", "/admin/org/succession", form); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `id="alert"`) {
			t.Errorf("merging an ended agency again: %d\n%s", w.Code, w.Body)
		}
	})
}
