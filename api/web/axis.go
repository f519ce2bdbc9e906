package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
)

// The national document exchange axis in the UI: the directory in the dispatch form's
// recipient picker, each recipient's status on the document page, and the clerks'
// "Liên thông" page with what was sent and received over the axis and what was refused.

// axisReaders see the Liên thông page: clerks act on it, leaders read it.
var axisReaders = []engine.Role{engine.RoleClerk, engine.RoleLeader, engine.RoleDeputyLeader}

// axisPageSize is one page of each of the Liên thông page's lists.
const axisPageSize = 20

// axisPickerSize is how many directory entries the picker offers at once.
const axisPickerSize = 20

// axisPicker is the dispatch form's part for recipients on the axis.
type axisPicker struct {
	Enabled bool
	Query   string
	Matches []engine.AxisAgency
	// Searched: the clerk searched (the page says when nothing matched).
	Searched bool
	Failed   bool // the directory could not be read (an outage)
}

// axisStatusKey is the message key of a delivery's status: the edXML code the recipient
// reported, else this instance's own step (queued, sent, failed, recalled).
func axisStatusKey(code string, status engine.DeliveryStatus) string {
	if code != "" && !slices.Contains([]string{"queued", "sent", "failed", "recalled"}, code) {
		return "axis.code." + code
	}
	if code != "" {
		return "axis.step." + code
	}
	return "axis.step." + string(status)
}

// ISOTime is a time in Vietnamese time with its offset, for <time datetime>.
func (s *session) ISOTime(t time.Time) string { return t.In(vietnam).Format(time.RFC3339) }

// AxisStatus is a delivery's status in words.
func (s *session) AxisStatus(code string, status engine.DeliveryStatus) string {
	return s.T(axisStatusKey(code, status))
}

// AxisBusiness is what a message received over the axis did, in words.
func (s *session) AxisBusiness(b engine.ExchangeBusiness) string {
	return s.T("axis.business." + string(b))
}

// axisWarnings are the lines of a received document's note that tell what was unusual
// when it was taken in, or that its sender's change could not be applied.
func axisWarnings(note string) []string {
	var out []string
	for _, line := range strings.Split(note, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "Cảnh báo") || strings.HasPrefix(line, "Không thu hồi") {
			out = append(out, line)
		}
	}
	return out
}

// pickAxis fills the picker: the directory entries matching the clerk's search, the
// first ones when nothing was searched.
func (u *UI) pickAxis(r *http.Request, query string) axisPicker {
	p := axisPicker{Enabled: u.deps.AxisEnabled, Query: strings.TrimSpace(query)}
	if !p.Enabled {
		return p
	}
	p.Searched = p.Query != ""
	found, err := u.deps.Engine.SearchAxisAgencies(r.Context(), engine.AxisAgencySearch{Query: p.Query, Limit: axisPickerSize})
	if err != nil {
		u.deps.Logger.WarnContext(r.Context(), "web: axis directory", "error", err)
		p.Failed = true
		return p
	}
	p.Matches = found
	return p
}

// keepTicked puts the entries a failed dispatch had ticked first among the matches, so
// that the form shows them ticked again.
func (p *axisPicker) keepTicked(ctx context.Context, q engine.Queries, codes []string) {
	var ticked []engine.AxisAgency
	for _, c := range codes {
		if a, err := q.AxisAgencyGet(ctx, c); err == nil {
			ticked = append(ticked, a)
		}
	}
	p.Matches = append(ticked, slices.DeleteFunc(p.Matches, func(a engine.AxisAgency) bool {
		return slices.ContainsFunc(ticked, func(t engine.AxisAgency) bool { return t.Code == a.Code })
	})...)
}

type axisAgencyItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type axisAgencyList struct {
	Enabled bool             `json:"enabled"`
	Items   []axisAgencyItem `json:"items"`
}

// axisAgencies is GET /axis/agencies?q=: the picker's matches as you type, for app.js.
func (u *UI) axisAgencies(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Actor.Role != engine.RoleClerk {
		httpx.WriteJSON(w, http.StatusForbidden, map[string]string{"error": s.T("err.forbidden")})
		return
	}
	out := axisAgencyList{Enabled: u.deps.AxisEnabled, Items: []axisAgencyItem{}}
	if !out.Enabled {
		httpx.WriteJSON(w, http.StatusOK, out)
		return
	}
	found, err := u.deps.Engine.SearchAxisAgencies(r.Context(), engine.AxisAgencySearch{Query: r.URL.Query().Get("q"), Limit: axisPickerSize})
	if err != nil {
		status := http.StatusInternalServerError
		if unavailable(err) {
			status = http.StatusServiceUnavailable
		}
		u.deps.Logger.WarnContext(r.Context(), "web: axis directory", "error", err)
		httpx.WriteJSON(w, status, map[string]string{"error": s.T("err.busy")})
		return
	}
	for _, a := range found {
		out.Items = append(out.Items, axisAgencyItem{Code: a.Code, Name: a.Name})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// lienThongView is the Liên thông page's data: one of its three lists, one page of it.
type lienThongView struct {
	Tab      string
	Page     int
	More     bool // another page follows
	Enabled  bool
	Sent     []engine.AxisSentView
	Received []engine.AxisReceivedDocument
	Refused  []engine.AxisRefusal
}

// PrevPage and NextPage are the pages around this one.
func (v lienThongView) PrevPage() int { return v.Page - 1 }
func (v lienThongView) NextPage() int { return v.Page + 1 }

// Warnings are a received document's warnings.
func (v lienThongView) Warnings(note string) []string { return axisWarnings(note) }

// Failed tells whether a sent document has a recipient the axis refused.
func (v lienThongView) Failed(d engine.AxisSentView) bool {
	return slices.ContainsFunc(d.Deliveries, func(x engine.AxisDelivery) bool { return x.Status == engine.DeliveryFailed })
}

// lienThong is GET /lienthong?tab=sent|received|refused&page=N.
func (u *UI) lienThong(w http.ResponseWriter, r *http.Request, s *session) {
	if !slices.Contains(axisReaders, s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	q := r.URL.Query()
	v := lienThongView{Tab: q.Get("tab"), Page: 1, Enabled: u.deps.AxisEnabled}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 100000 {
		v.Page = n
	}
	// One more than a page tells whether another follows.
	offset, limit := (v.Page-1)*axisPageSize, axisPageSize+1
	var n int
	var err error
	switch v.Tab {
	case "received":
		v.Received, err = u.deps.Engine.AxisReceived(r.Context(), s.Actor, offset, limit)
		if n = len(v.Received); n > axisPageSize {
			v.Received = v.Received[:axisPageSize]
		}
	case "refused":
		v.Refused, err = u.deps.Engine.AxisRefusals(r.Context(), s.Actor, offset, limit)
		if n = len(v.Refused); n > axisPageSize {
			v.Refused = v.Refused[:axisPageSize]
		}
	default:
		v.Tab = "sent"
		v.Sent, err = u.deps.Engine.AxisSent(r.Context(), s.Actor, offset, limit)
		if n = len(v.Sent); n > axisPageSize {
			v.Sent = v.Sent[:axisPageSize]
		}
	}
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	v.More = n > axisPageSize
	u.render(w, r, s, "lienthong", "axis.title", v)
}
