package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/search"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// registerReaders may read an agency's whole registers, classified entries included
// (the same roles the engine lets find classified documents).
var registerReaders = []engine.Role{engine.RoleClerk, engine.RoleLeader, engine.RoleDeputyLeader, engine.RoleArchivist}

type registerFilter struct {
	Year                  int
	State, Urgency, Query string
	From, To              string
}

type registerView struct {
	Filter registerFilter
	Docs   []engine.Document
	Years  []int
	States []engine.State
}

func readFilter(r *http.Request) registerFilter {
	q := r.URL.Query()
	f := registerFilter{State: q.Get("state"), Urgency: q.Get("urgency"), Query: strings.TrimSpace(q.Get("q")),
		From: q.Get("from"), To: q.Get("to")}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	if f.Year == 0 {
		f.Year = time.Now().In(vietnam).Year()
	}
	return f
}

// listDocuments is one agency's documents of a flow and year that the actor may see,
// filtered as the register page asks.
func (u *UI) listDocuments(s *session, flow engine.Flow, f registerFilter) ([]engine.Document, error) {
	docs, err := u.deps.Store.DocumentList(s.ctx, engine.DocumentFilter{AgencyID: s.Actor.AgencyID, Flow: flow, Year: f.Year, Limit: 5000})
	if err != nil {
		return nil, err
	}
	reader := slices.Contains(registerReaders, s.Actor.Role)
	folded := search.Fold(f.Query)
	from, _ := time.ParseInLocation("2006-01-02", f.From, vietnam)
	to, _ := time.ParseInLocation("2006-01-02", f.To, vietnam)
	out := docs[:0]
	for _, d := range docs {
		switch {
		case !reader && d.DrafterID != s.Actor.UserID:
			continue // others see their own drafts only
		case !reader && d.Classification != engine.Unclassified:
			continue
		case f.State != "" && string(d.State) != f.State:
			continue
		case f.Urgency != "" && string(d.Urgency) != f.Urgency:
			continue
		case folded != "" && !strings.Contains(search.Fold(d.Subject+" "+d.SenderName+" "+d.SenderNotation+" "+d.Notation), folded):
			continue
		}
		at := d.CreatedAt
		if d.ReceivedAt != nil {
			at = *d.ReceivedAt
		}
		if (!from.IsZero() && at.Before(from)) || (!to.IsZero() && !at.Before(to.AddDate(0, 0, 1))) {
			continue
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b engine.Document) int {
		ka, kb := a.IncomingNumber+a.Number, b.IncomingNumber+b.Number
		if (ka == 0) != (kb == 0) { // not yet numbered first: they wait for the clerk
			if ka == 0 {
				return -1
			}
			return 1
		}
		if ka != kb {
			return kb - ka
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	return out, nil
}

func (u *UI) registerPage(w http.ResponseWriter, r *http.Request, s *session, flow engine.Flow, name, title string) {
	f := readFilter(r)
	docs, err := u.listDocuments(s, flow, f)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	this := time.Now().In(vietnam).Year()
	v := registerView{Filter: f, Docs: docs, Years: []int{this, this - 1, this - 2}}
	if flow == engine.Incoming {
		v.States = []engine.State{engine.StateReceived, engine.StateRegistered, engine.StatePresented, engine.StateDirected,
			engine.StateInProgress, engine.StateCompleted, engine.StateFiled, engine.StateReturnedToSender, engine.StateCancelled}
	} else {
		v.States = []engine.State{engine.StateDraft, engine.StateInReview, engine.StateReviewed, engine.StateApproved, engine.StateSigned,
			engine.StateNumbered, engine.StateAgencySigned, engine.StateDispatched, engine.StateFiled, engine.StateReturned, engine.StateRecalled}
	}
	u.render(w, r, s, name, title, v)
}

func (u *UI) incomingRegister(w http.ResponseWriter, r *http.Request, s *session) {
	if !slices.Contains(registerReaders, s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	u.registerPage(w, r, s, engine.Incoming, "incoming", "incoming.title")
}

func (u *UI) outgoingRegister(w http.ResponseWriter, r *http.Request, s *session) {
	u.registerPage(w, r, s, engine.Outgoing, "outgoing", "outgoing.title")
}

// registerPDF prints the incoming or outgoing register of a year (sổ đăng ký) as a PDF.
func (u *UI) registerPDF(w http.ResponseWriter, r *http.Request, s *session) {
	if !slices.Contains(registerReaders, s.Actor.Role) {
		u.fail(w, r, s, engine.ErrForbidden)
		return
	}
	kind := strings.TrimSuffix(r.PathValue("kind"), ".pdf")
	if kind != "incoming" && kind != "outgoing" {
		u.fail(w, r, s, engine.ErrNotFound)
		return
	}
	f := readFilter(r)
	flow := engine.Flow(kind)
	docs, err := u.listDocuments(s, flow, f)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	agency, _ := s.agency(s.Actor.AgencyID)
	reg := docpdf.Register{Agency: strings.ToUpper(agency.Name), Subtitle: "Năm " + strconv.Itoa(f.Year)}
	slices.Reverse(docs) // the paper register runs in number order
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if flow == engine.Incoming {
		leads := u.leadUnits(s, ids)
		reg.Title = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
		// Decree 30, Appendix VI: the sender's number and notation, then the document's own
		// date ("Ngày tháng"), then its type and subject; the signer and the deadline after.
		// The notation and date columns are wide enough that neither breaks mid-token.
		reg.Columns = []docpdf.Column{{Title: "Ngày đến", Width: 1.4}, {Title: "Số đến", Width: 0.7}, {Title: "Tác giả", Width: 1.8},
			{Title: "Số, ký hiệu", Width: 1.8}, {Title: "Ngày tháng", Width: 1.4}, {Title: "Loại", Width: 1},
			{Title: "Trích yếu nội dung", Width: 3.3}, {Title: "Người ký", Width: 1.5}, {Title: "Đơn vị hoặc người nhận", Width: 1.5},
			{Title: "Hạn giải quyết", Width: 1.4}}
		for _, d := range docs {
			if d.IncomingNumber == 0 {
				continue
			}
			reg.Rows = append(reg.Rows, []string{formatTime(d.ReceivedAt, "02/01/2006"), strconv.Itoa(d.IncomingNumber), d.SenderName,
				d.SenderNotation, formatTime(d.DocumentDate, "02/01/2006"), s.TypeName(d.TypeCode), d.Subject, d.SignerName,
				leads[d.ID], formatTime(d.Deadline, "02/01/2006")})
		}
	} else {
		reg.Title = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
		reg.Columns = []docpdf.Column{{Title: "Số, ký hiệu", Width: 1.8}, {Title: "Ngày tháng", Width: 1.2}, {Title: "Loại", Width: 1.1},
			{Title: "Trích yếu nội dung", Width: 4.2}, {Title: "Người ký", Width: 1.8}, {Title: "Nơi nhận", Width: 2.2}}
		recipients := u.recipientNames(s, ids)
		for _, d := range docs {
			if d.Number == 0 {
				continue
			}
			reg.Rows = append(reg.Rows, []string{d.Notation, formatTime(d.IssuedAt, "02/01/2006"), s.TypeName(d.TypeCode), d.Subject,
				s.UserName(d.SignerID), recipients[d.ID]})
		}
	}
	pdf, err := docpdf.RenderRegister(reg)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("inline", "so-"+kind+"-"+strconv.Itoa(f.Year)+".pdf"))
	_, _ = w.Write(pdf)
}

// leadUnits names the unit or person leading the handling of each document, read in one
// batch; a document without is left out, and so are all when the read fails.
func (u *UI) leadUnits(s *session, docIDs []string) map[string]string {
	as, _ := u.deps.Store.AssignmentListByDocuments(s.ctx, docIDs)
	out := map[string]string{}
	for _, a := range as {
		if _, seen := out[a.DocumentID]; seen || a.Role != engine.Lead {
			continue
		}
		if a.UnitID != "" {
			out[a.DocumentID] = s.UnitName(a.UnitID)
		} else {
			out[a.DocumentID] = s.UserName(a.UserID)
		}
	}
	return out
}

// recipientNames lists the recipients of each outgoing document, read in one batch.
func (u *UI) recipientNames(s *session, docIDs []string) map[string]string {
	ds, _ := u.deps.Store.DeliveryListByOutgoings(s.ctx, docIDs)
	names := map[string][]string{}
	for _, d := range ds {
		names[d.OutgoingID] = append(names[d.OutgoingID], s.AgencyName(d.RecipientAgencyID))
	}
	out := make(map[string]string, len(names))
	for id, ns := range names {
		out[id] = strings.Join(ns, "; ")
	}
	return out
}
