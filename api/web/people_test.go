package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// presentedLetter is a registered letter the clerk has presented to the leader.
func presentedLetter(t *testing.T, b *testBundle) string {
	t.Helper()
	id := receivedLetter(t, b)
	if w := b.post(t, "vanthu.tinh", "/documents/"+id+"/present", url.Values{"request_id": {"p"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("present: %d", w.Code)
	}
	return id
}

func userID(t *testing.T, b *testBundle, username string) engine.User {
	t.Helper()
	u, err := b.store.UserGetByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u
}

// unitOf is the unit where username works.
func unitOf(t *testing.T, b *testBundle, username string) string {
	t.Helper()
	ms, err := b.store.MembershipListByUser(context.Background(), userID(t, b, username).ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.UnitID != "" {
			return m.UnitID
		}
	}
	t.Fatalf("%s works in no unit", username)
	return ""
}

// TestLeaderDirectsToANamedSpecialist: the direction form offers the agency's people by
// unit; two leads are refused on the form with the choice kept, a person of another agency
// is refused; a named specialist as the lead holds the document and sees it in their tasks.
func TestLeaderDirectsToANamedSpecialist(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := presentedLetter(t, b)
	spec := userID(t, b, "chuyenvien.tinh")
	unit := unitOf(t, b, "truongphong.tinh")
	page := b.get(t, "lanhdao.tinh", "/documents/"+id).Body.String()
	if !regexp.MustCompile(`(?s)id="direct-people".*<optgroup label="[^"]+">.*<option value="` + spec.ID + `">` + regexp.QuoteMeta(spec.FullName)).MatchString(page) {
		t.Fatalf("the direction form does not offer the specialist by unit:\n%s", page)
	}

	form := url.Values{"request_id": {"d"}, "text": {"Đồng chí trực tiếp tham mưu."}, "lead": {unit},
		"person": {spec.ID, ""}, "person_role": {"lead", "cooperate"}, "days": {"5"}}
	w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", form)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)<form[^>]*id="direct-form".*?class="error form-error"[^>]*>Chỉ chọn một chủ trì`).MatchString(body) {
		t.Fatalf("two leads: %d\n%s", w.Code, body)
	}
	if !strings.Contains(body, `<option value="`+spec.ID+`" selected>`) || !strings.Contains(body, `<option value="lead" selected>`) {
		t.Error("the refused form lost the named person and their role")
	}

	stranger := userID(t, b, "chuyenvien.maichau")
	w = b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", url.Values{"request_id": {"d"}, "person": {stranger.ID}, "person_role": {"lead"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "không thuộc cơ quan") {
		t.Fatalf("a person of another agency: %d\n%s", w.Code, w.Body)
	}

	form.Del("lead")
	form.Set("request_id", "d2")
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", form); w.Code != http.StatusSeeOther {
		t.Fatalf("direct to a person: %d\n%s", w.Code, w.Body)
	}
	as, _ := b.store.AssignmentListByDocument(context.Background(), id)
	if len(as) != 1 || as[0].UserID != spec.ID || as[0].UnitID != "" || as[0].Role != engine.Lead || as[0].Deadline == nil {
		t.Fatalf("assignments: %+v", as)
	}
	if tasks := b.get(t, "chuyenvien.tinh", "/tasks").Body.String(); !strings.Contains(tasks, "Về việc báo cáo số lượng cán bộ") {
		t.Errorf("the specialist's tasks lack the letter:\n%s", tasks)
	}
	docPage := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	if !regexp.MustCompile(`(?s)id="holders".*<strong>` + regexp.QuoteMeta(spec.FullName) + `</strong> \(Chủ trì\)`).MatchString(docPage) {
		t.Errorf("the page does not say the specialist holds it")
	}
	if !strings.Contains(docPage, `id="do-complete"`) || !strings.Contains(docPage, `id="do-extend"`) {
		t.Error("the named specialist cannot complete or ask for more time")
	}
}

// TestUnitHeadAssignsAndDecidesAnExtension: the unit head hands the unit's part to a
// specialist with a deadline; the specialist asks for more time; a refusal without a
// reason is refused on its own form; the grant moves the specialist's deadline.
func TestUnitHeadAssignsAndDecidesAnExtension(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	id := presentedLetter(t, b)
	unit := unitOf(t, b, "truongphong.tinh")
	spec := userID(t, b, "chuyenvien.tinh")
	if w := b.post(t, "lanhdao.tinh", "/documents/"+id+"/direct", url.Values{"request_id": {"d"}, "lead": {unit}, "deadline": {"2099-03-02"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("direct: %d\n%s", w.Code, w.Body)
	}
	as, _ := b.store.AssignmentListByDocument(ctx, id)
	if len(as) != 1 {
		t.Fatalf("assignments: %+v", as)
	}
	unitTask := as[0]

	page := b.get(t, "truongphong.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(page, `id="assign-`+unitTask.ID+`"`) || !strings.Contains(page, `<option value="`+spec.ID+`">`+spec.FullName) {
		t.Fatalf("the unit head is not offered to assign the specialist:\n%s", page)
	}
	if strings.Contains(b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String(), `class="assign-form"`) {
		t.Error("a specialist is offered to assign within the unit")
	}
	w := b.post(t, "truongphong.tinh", "/documents/"+id+"/assign", url.Values{"assignment": {unitTask.ID}, "deadline": {"2099-02-20"}, "note": {"Làm gấp"}})
	if w.Code != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)id="assign-`+unitTask.ID+`".*?class="error form-error"[^>]*>Hãy chọn chuyên viên`).MatchString(w.Body.String()) ||
		!strings.Contains(w.Body.String(), `value="2099-02-20"`) {
		t.Fatalf("assign without a person: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "truongphong.tinh", "/documents/"+id+"/assign", url.Values{"assignment": {unitTask.ID}, "user": {spec.ID},
		"deadline": {"2099-02-20"}, "note": {"Làm gấp"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d\n%s", w.Code, w.Body)
	}
	as, _ = b.store.AssignmentListByDocument(ctx, id)
	var sub engine.Assignment
	for _, a := range as {
		if a.ParentID == unitTask.ID {
			sub = a
		}
	}
	if sub.UserID != spec.ID || sub.Deadline == nil || sub.Deadline.In(vietnam).Format("2006-01-02") != "2099-02-20" {
		t.Fatalf("sub-assignment: %+v", sub)
	}

	// The specialist asks for more time: without a reason refused on the form.
	specPage := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	m := regexp.MustCompile(`(?s)id="extend-form".*?<select name="assignment"[^>]*>\s*<option value="([^"]+)"`).FindStringSubmatch(specPage)
	if m == nil || m[1] != sub.ID {
		t.Fatalf("no extension form for the specialist:\n%s", specPage)
	}
	w = b.post(t, "chuyenvien.tinh", "/documents/"+id+"/extend", url.Values{"assignment": {m[1]}, "until": {"2099-03-10"}})
	if w.Code != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)id="extend-form".*?class="error form-error"[^>]*>Hãy nêu lý do`).MatchString(w.Body.String()) {
		t.Fatalf("extension without a reason: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/extend", url.Values{"assignment": {sub.ID}, "until": {"2099-03-10"},
		"reason": {"Chờ số liệu của các huyện"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("request extension: %d\n%s", w.Code, w.Body)
	}

	head := b.get(t, "truongphong.tinh", "/documents/"+id).Body.String()
	dm := regexp.MustCompile(`(?s)class="decide-form" id="decide-([^"]+)".*?10/03/2099.*?Chờ số liệu của các huyện`).FindStringSubmatch(head)
	if dm == nil {
		t.Fatalf("the unit head does not see the request to decide:\n%s", head)
	}
	w = b.post(t, "truongphong.tinh", "/documents/"+id+"/decide", url.Values{"request": {dm[1]}, "verdict": {"refuse"}})
	if w.Code != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`(?s)id="decide-`+dm[1]+`".*?class="error form-error"[^>]*>Không đồng ý gia hạn thì phải nêu lý do`).MatchString(w.Body.String()) {
		t.Fatalf("refusal without a reason: %d\n%s", w.Code, w.Body)
	}
	if w := b.post(t, "truongphong.tinh", "/documents/"+id+"/decide", url.Values{"request": {dm[1]}, "verdict": {"grant"}, "comment": {"Đồng ý"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("grant: %d\n%s", w.Code, w.Body)
	}
	as, _ = b.store.AssignmentListByDocument(ctx, id)
	for _, a := range as {
		if a.ID == sub.ID && (a.Deadline == nil || a.Deadline.In(vietnam).Format("2006-01-02") != "2099-03-10") {
			t.Errorf("the granted deadline is not the specialist's: %v", a.Deadline)
		}
	}
	after := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(after, "Đồng ý gia hạn 10/03/2099") || strings.Contains(b.get(t, "truongphong.tinh", "/documents/"+id).Body.String(), `class="decide-form"`) {
		t.Errorf("after the grant the page does not say so, or still asks the unit head:\n%s", after)
	}
}

// TestSubmittingNamesTheReviewersAndTheSigner: the specialist names the content reviewer,
// the format checker and the leader to sign; the draft goes to each reviewer in turn, the
// page saying who holds it at each step, and once reviewed it waits for the named leader,
// who is the document's intended signer rather than a review step.
func TestSubmittingNamesTheReviewersAndTheSigner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.upload(t, "chuyenvien.tinh", "/outgoing", map[string]string{"type": "KH", "subject": "Kế hoạch chuyển đổi số năm 2027",
		"request_id": "v1"}, samplePDF(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create draft: %d\n%s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/documents/")
	head, clerk, leader := userID(t, b, "truongphong.tinh"), userID(t, b, "vanthu.tinh"), userID(t, b, "pholanhdao.tinh")
	page := b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String()
	if !strings.Contains(page, `id="submit-reviewer"`) || !strings.Contains(page, `<option value="`+head.ID+`">`+head.FullName) ||
		!regexp.MustCompile(`(?s)id="submit-signer".*<option value="`+leader.ID+`">`+regexp.QuoteMeta(leader.FullName)+`.*</select>`).MatchString(page) {
		t.Fatalf("the submission form does not offer the reviewers and the signer:\n%s", page)
	}
	if w := b.post(t, "chuyenvien.tinh", "/documents/"+id+"/submit", url.Values{"request_id": {"s"}, "reviewer": {head.ID},
		"format_reviewer": {clerk.ID}, "signer": {leader.ID}}); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", w.Code, w.Body)
	}
	steps, _ := b.store.ReviewStepListByDocument(context.Background(), id)
	if len(steps) != 2 || steps[0].ReviewerID != head.ID || steps[0].Kind != "content" || steps[1].ReviewerID != clerk.ID ||
		steps[1].Kind != "format" {
		t.Fatalf("review steps: %+v", steps)
	}
	if d, _ := b.store.DocumentGetByID(context.Background(), id); d.IntendedSignerID != leader.ID {
		t.Fatalf("intended signer %q, want %s", d.IntendedSignerID, leader.ID)
	}
	holders := func() string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<p class="holders" id="holders">(.*?)</p>`).FindStringSubmatch(b.get(t, "chuyenvien.tinh", "/documents/"+id).Body.String())
		if m == nil {
			t.Fatal("no holders line")
		}
		return m[1]
	}
	for _, step := range []struct{ who, user, holder string }{
		{"truongphong.tinh", head.FullName, head.FullName}, {"vanthu.tinh", clerk.FullName, clerk.FullName}} {
		if h := holders(); !strings.Contains(h, step.holder) || strings.Count(h, "<strong>") != 1 {
			t.Errorf("before %s reviews, the holders are %q", step.who, h)
		}
		if w := b.post(t, step.who, "/documents/"+id+"/review", url.Values{"request_id": {"r-" + step.who}, "verdict": {"approve"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("%s reviews: %d\n%s", step.who, w.Code, w.Body)
		}
	}
	if h := holders(); !strings.Contains(h, leader.FullName+"</strong> (người ký)") || strings.Count(h, "<strong>") != 1 {
		t.Errorf("the reviewed draft does not wait for the named leader: %q", h)
	}
}

// FuzzDeadlineInput: whatever the date and days fields hold, the answer is a refusal or
// at most one of the two, never both and never a panic.
func FuzzDeadlineInput(f *testing.F) {
	f.Add("2099-03-02", "")
	f.Add("", "10")
	f.Add("2099-03-02", "5")
	f.Add("02/03/2099", "-1")
	f.Fuzz(func(t *testing.T, date, days string) {
		r, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(url.Values{"deadline": {date}, "days": {days}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Skip()
		}
		deadline, n, err := deadlineInput(r, "deadline", "days")
		if err != nil {
			return
		}
		if deadline != nil && n > 0 || n < 0 || n > 365 {
			t.Fatalf("deadline %v and %d days from %q, %q", deadline, n, date, days)
		}
	})
}
