package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// People in routing: the leader directs to named people as well as units, a unit head
// hands the unit's part to one of its people and decides extension requests, an assignee
// asks for one.

// person is someone of the agency the forms offer.
type person struct {
	ID, Name, Title string
}

// peopleGroup is the people of one unit (or of the agency's leadership, Unit empty).
type peopleGroup struct {
	Unit   string
	People []person
}

// unitWork is an open assignment of the unit head's unit, with the people to hand it to.
type unitWork struct {
	A       engine.Assignment
	Members []person
}

// pendingExtension is an extension request the actor may decide.
type pendingExtension struct {
	Request engine.AssignmentNote
	A       engine.Assignment
}

// PersonRows are the indexes of the direction form's rows of named people: three, or as
// many as the failed form sent.
func (v docView) PersonRows() []int {
	n := max(3, len(v.Form["person"]))
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// FormAt is the i-th value the failed form sent in field name.
func (v docView) FormAt(name string, i int) string {
	if vs := v.Form[name]; i < len(vs) {
		return vs[i]
	}
	return ""
}

// agencyPeople are the agency's people grouped by unit, the leadership first.
func (u *UI) agencyPeople(ctx context.Context, s *session, agencyID string) ([]peopleGroup, error) {
	ms, err := u.deps.Store.MembershipListByAgency(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	byUnit := map[string]*peopleGroup{}
	var order []string
	for _, m := range ms {
		if m.Role == engine.RoleAdmin {
			continue
		}
		g, ok := byUnit[m.UnitID]
		if !ok {
			g = &peopleGroup{Unit: s.UnitName(m.UnitID)}
			byUnit[m.UnitID] = g
			order = append(order, m.UnitID)
		}
		if slices.ContainsFunc(g.People, func(p person) bool { return p.ID == m.UserID }) {
			continue
		}
		g.People = append(g.People, person{ID: m.UserID, Name: s.UserName(m.UserID), Title: cmpOr(m.Title, s.RoleName(string(m.Role)))})
	}
	slices.SortStableFunc(order, func(a, b string) int { // the leadership (no unit) first
		switch {
		case a == "" && b != "":
			return -1
		case b == "" && a != "":
			return 1
		}
		return strings.Compare(byUnit[a].Unit, byUnit[b].Unit)
	})
	out := make([]peopleGroup, 0, len(order))
	for _, id := range order {
		out = append(out, *byUnit[id])
	}
	return out, nil
}

// inAgency tells whether userID is among the groups' people.
func inAgency(groups []peopleGroup, userID string) bool {
	for _, g := range groups {
		if slices.ContainsFunc(g.People, func(p person) bool { return p.ID == userID }) {
			return true
		}
	}
	return false
}

// fillPeople reads what the people forms need: the agency's people for the direction,
// the unit head's open work with the unit's people, and the extension requests waiting
// for the actor's decision.
func (u *UI) fillPeople(ctx context.Context, s *session, v *docView) error {
	d := v.Doc
	var err error
	if v.Can[string(engine.ActionDirect)] || v.Can[string(engine.ActionSubmit)] {
		if v.People, err = u.agencyPeople(ctx, s, d.AgencyID); err != nil {
			return err
		}
	}
	if v.Can[string(engine.ActionSubmit)] || v.CanChangeSigner {
		ms, err := u.deps.Store.MembershipListByAgency(ctx, d.AgencyID)
		if err != nil {
			return err
		}
		v.Leaders = agencyLeaders(ms, s, d.AgencyID)
	}
	if d.Flow != engine.Incoming || (d.State != engine.StateDirected && d.State != engine.StateInProgress) {
		return nil
	}
	// What is the actor's own first: a person asks for more time on their own part.
	v.Extendable = slices.Clone(v.Mine)
	slices.SortStableFunc(v.Extendable, func(a, b engine.Assignment) int {
		return cmpBool(a.UserID != s.Actor.UserID, b.UserID != s.Actor.UserID)
	})
	if s.Actor.Role == engine.RoleUnitHead {
		myUnits := u.myUnits(s)
		var ms []engine.Membership
		for _, a := range v.Assignments {
			if a.Status != "open" || a.UserID != "" || a.Role == engine.ForInformation || !slices.Contains(myUnits, a.UnitID) {
				continue
			}
			if ms == nil {
				if ms, err = u.deps.Store.MembershipListByAgency(ctx, d.AgencyID); err != nil {
					return err
				}
			}
			w := unitWork{A: a}
			for _, m := range ms {
				if m.UnitID == a.UnitID && m.UserID != s.Actor.UserID &&
					!slices.ContainsFunc(w.Members, func(p person) bool { return p.ID == m.UserID }) {
					w.Members = append(w.Members, person{ID: m.UserID, Name: s.UserName(m.UserID), Title: cmpOr(m.Title, s.RoleName(string(m.Role)))})
				}
			}
			v.Heads = append(v.Heads, w)
		}
	}
	leader := s.Actor.Role == engine.RoleLeader || s.Actor.Role == engine.RoleDeputyLeader
	for _, a := range v.Assignments {
		if a.Status != "open" || (a.CreatedBy != s.Actor.UserID && !leader) {
			continue
		}
		if req, ok := pendingRequest(v.Notes[a.ID]); ok {
			v.Decide = append(v.Decide, pendingExtension{Request: req, A: a})
		}
	}
	v.HasActions = v.HasActions || len(v.Heads) > 0 || len(v.Decide) > 0
	return nil
}

// pendingRequest is the latest extension request of an assignment not yet answered.
func pendingRequest(notes []engine.AssignmentNote) (engine.AssignmentNote, bool) {
	var req engine.AssignmentNote
	var open bool
	for _, n := range notes { // oldest first
		switch n.Kind {
		case engine.NoteExtensionRequest:
			req, open = n, true
		case engine.NoteExtensionGranted, engine.NoteExtensionRefused:
			open = false
		}
	}
	return req, open
}

// deadlineInput reads a deadline given as a date or a number of working days, never both.
func deadlineInput(r *http.Request, dateField, daysField string) (*time.Time, int, error) {
	var deadline *time.Time
	if v := r.PostFormValue(dateField); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, vietnam)
		if err != nil {
			return nil, 0, badInput("err.date")
		}
		t = t.Add(17 * time.Hour) // end of the working day
		deadline = &t
	}
	var days int
	if v := strings.TrimSpace(r.PostFormValue(daysField)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 365 {
			return nil, 0, badInput("err.days")
		}
		days = n
	}
	// A date or a number of working days, not both: neither silently wins.
	if deadline != nil && days > 0 {
		return nil, 0, badInput("err.deadlineboth")
	}
	return deadline, days, nil
}

// personTasks reads the direction form's rows of named people; a row without a person is
// left out. Only people of the agency are accepted.
func (u *UI) personTasks(ctx context.Context, s *session, r *http.Request, deadline *time.Time, days int) ([]engine.UnitTask, error) {
	people, roles := r.PostForm["person"], r.PostForm["person_role"]
	var out []engine.UnitTask
	var groups []peopleGroup
	for i, id := range people {
		if id == "" {
			continue
		}
		if groups == nil {
			var err error
			if groups, err = u.agencyPeople(ctx, s, s.Actor.AgencyID); err != nil {
				return nil, err
			}
		}
		if !inAgency(groups, id) {
			return nil, badInput("err.person")
		}
		role := engine.Cooperate
		if i < len(roles) && roles[i] != "" {
			role = engine.AssignmentRole(roles[i])
		}
		switch role {
		case engine.Lead, engine.Cooperate:
			out = append(out, engine.UnitTask{UserID: id, Role: role, Deadline: deadline, WorkingDays: days})
		case engine.ForInformation:
			out = append(out, engine.UnitTask{UserID: id, Role: role})
		default:
			return nil, badInput("err.person")
		}
	}
	return out, nil
}

// peopleAction runs the actions on assignments: hand to a person, ask for and decide an
// extension. ok is false when the action is not one of them.
func (u *UI) peopleAction(ctx context.Context, r *http.Request, s *session, action string, f map[string]string) (ok bool, err error) {
	e, a := u.deps.Engine, s.Actor
	switch action {
	case "assign":
		if f["user"] == "" {
			return true, badInput("err.assignee")
		}
		deadline, days, err := deadlineInput(r, "deadline", "days")
		if err != nil {
			return true, err
		}
		_, err = e.AssignWithin(ctx, a, f["assignment"], f["user"], deadline, days, strings.TrimSpace(f["note"]))
		return true, err
	case "extend":
		until, err := time.ParseInLocation("2006-01-02", f["until"], vietnam)
		if err != nil {
			return true, badInput("err.date")
		}
		reason := strings.TrimSpace(f["reason"])
		if reason == "" {
			return true, badInput("err.extendreason")
		}
		_, err = e.RequestExtension(ctx, a, f["assignment"], until.Add(17*time.Hour), reason)
		return true, err
	case "decide":
		grant, comment := f["verdict"] == "grant", strings.TrimSpace(f["comment"])
		if !grant && comment == "" {
			return true, badInput("err.refusereason")
		}
		return true, e.DecideExtension(ctx, a, f["request"], grant, comment)
	}
	return false, nil
}

func init() {
	for k, v := range peopleMessages {
		if _, dup := messages[k]; !dup { // the main catalogue's entry wins
			messages[k] = v
		}
	}
}

var peopleMessages = map[string][2]string{
	"people.title":           {"Giao cho cá nhân", "Named people"},
	"people.hint":            {"Có thể giao trực tiếp cho cán bộ, công chức của cơ quan, thay cho hoặc cùng với đơn vị.", "The document can go to named people of the agency, instead of or besides units."},
	"people.person":          {"Cán bộ", "Person"},
	"people.role":            {"Vai trò", "Role"},
	"people.none":            {"— Không chọn —", "— None —"},
	"people.leaders":         {"Lãnh đạo cơ quan", "Agency leadership"},
	"unit.assign":            {"Giao chuyên viên xử lý", "Assign within the unit"},
	"unit.assignfor":         {"Phần việc của đơn vị", "The unit's part"},
	"unit.assignee":          {"Chuyên viên", "Specialist"},
	"unit.assignnote":        {"Ghi chú", "Note"},
	"unit.deadlinedef":       {"Để trống để giữ hạn của đơn vị.", "Leave empty to keep the unit's deadline."},
	"act.assign":             {"Giao việc", "Assign"},
	"ext.title":              {"Xin gia hạn", "Request an extension"},
	"ext.for":                {"Phần việc", "Task"},
	"ext.until":              {"Gia hạn đến ngày", "New deadline"},
	"ext.reason":             {"Lý do", "Reason"},
	"ext.request":            {"Gửi đề nghị gia hạn", "Request the extension"},
	"ext.decide":             {"Đề nghị gia hạn chờ quyết định", "Extension requests to decide"},
	"ext.asked":              {"đề nghị gia hạn đến", "asks for an extension until"},
	"ext.comment":            {"Ý kiến (bắt buộc khi không đồng ý)", "Comment (required to refuse)"},
	"ext.grant":              {"Đồng ý gia hạn", "Grant"},
	"ext.refuse":             {"Không đồng ý", "Refuse"},
	"note.extension_request": {"Xin gia hạn", "Extension requested"},
	"note.extension_granted": {"Đồng ý gia hạn", "Extension granted"},
	"note.extension_refused": {"Không đồng ý gia hạn", "Extension refused"},
	"err.leadone":            {"Chỉ chọn một chủ trì: một đơn vị hoặc một người.", "Choose exactly one lead: a unit or a person."},
	"err.person":             {"Người được giao không thuộc cơ quan hoặc vai trò không hợp lệ.", "The person is not of this agency, or the role is not valid."},
	"err.assignee":           {"Hãy chọn chuyên viên được giao.", "Choose the specialist to assign."},
	"err.extendreason":       {"Hãy nêu lý do xin gia hạn.", "Give the reason for the extension."},
	"err.refusereason":       {"Không đồng ý gia hạn thì phải nêu lý do.", "Give the reason for refusing the extension."},
	"submit.reviewer":        {"Người thẩm định nội dung", "Content reviewer"},
	"submit.format":          {"Người kiểm tra thể thức", "Format checker"},
	"submit.noreview":        {"— Không qua thẩm định —", "— No review —"},
	"submit.signer":          {"Lãnh đạo ký", "Leader to sign"},
	"submit.nosigner":        {"— Lãnh đạo nào cũng được —", "— Any leader —"},
	"submit.signerhint":      {"Chỉ lãnh đạo được chọn, hoặc người được họ ủy quyền, ký văn bản này.", "Only the chosen leader, or someone holding their delegation, signs it."},
}

// namedSigner is the leader the drafter named to sign: the engine has no field for it, so
// the submission records them as the last review step. In a reviewed draft the latest
// decision passed the round's last step; when a leader took it, the draft waits for them.
// (A draft resubmitted without reviewers has a return as its latest decision: no one named.)
func (u *UI) namedSigner(ctx context.Context, d engine.Document) (string, error) {
	steps, err := u.deps.Store.ReviewStepListByDocument(ctx, d.ID)
	if err != nil {
		return "", err
	}
	var last *engine.ReviewStep
	for i := range steps {
		if at := steps[i].DecidedAt; at != nil && (last == nil || !at.Before(*last.DecidedAt)) {
			last = &steps[i]
		}
	}
	if last == nil || last.Status != "approved" {
		return "", nil
	}
	ms, err := u.deps.Store.MembershipListByUser(ctx, last.ReviewerID)
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(ms, func(m engine.Membership) bool {
		return m.AgencyID == d.AgencyID && (m.Role == engine.RoleLeader || m.Role == engine.RoleDeputyLeader)
	}) {
		return last.ReviewerID, nil
	}
	return "", nil
}

// agencyLeaders are the agency's leaders and deputies, who may sign.
func agencyLeaders(ms []engine.Membership, s *session, agencyID string) []person {
	var out []person
	for _, m := range ms {
		if m.AgencyID == agencyID && (m.Role == engine.RoleLeader || m.Role == engine.RoleDeputyLeader) &&
			!slices.ContainsFunc(out, func(p person) bool { return p.ID == m.UserID }) {
			out = append(out, person{ID: m.UserID, Name: s.UserName(m.UserID), Title: cmpOr(m.Title, s.RoleName(string(m.Role)))})
		}
	}
	return out
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
