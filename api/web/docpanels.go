package web

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/verify"
)

// The document page's panels besides the actions: the history, the signatures of each
// PDF and who holds the document now.

// historyItem is one line of the document's timeline, in words.
type historyItem struct {
	At                time.Time
	Who, Role, Agency string
	What              string
	State             string // the state the step moved the document to, if it did
	Note              string
	About             string // the unit or person an assignment event is about
}

// history is the document's timeline, newest first; without it (an outage) the page
// still shows, with the panel saying so.
func (u *UI) history(ctx context.Context, s *session, d engine.Document) ([]historyItem, error) {
	entries, err := u.deps.Engine.History(ctx, s.Actor, d.ID)
	if err != nil {
		return nil, err
	}
	out := make([]historyItem, 0, len(entries))
	for _, e := range entries {
		it := historyItem{At: e.At, Note: e.Note, What: s.historyWords(d, e)}
		if e.ActorID == engine.System.UserID || e.ActorID == "" {
			it.Who = s.T("hist.system")
		} else {
			it.Who, it.Role, it.Agency = s.UserName(e.ActorID), s.RoleName(string(e.Role)), s.AgencyName(s.actingAgency(e))
		}
		if e.State != "" {
			it.State = s.StateName(string(e.State))
		}
		if e.Object == "assignment" {
			it.About = cmpOr(s.UnitName(e.UnitID), s.UserName(e.UserID))
		}
		out = append(out, it)
	}
	return out, nil
}

// historyWords says what a step did; a document that arrived from another agency of this
// instance begins with the sender's dispatch, which is its receipt here.
func (s *session) historyWords(d engine.Document, e engine.HistoryEntry) string {
	key := "hist." + e.Action
	if e.Object == "document_file" {
		key = "hist.add_file"
	}
	if w := s.T(key); w != key {
		return w
	}
	return s.T("hist.other") + " (" + e.Action + ")"
}

// actingAgency is the agency the actor acted in: the event's chain, unless the actor holds
// no role there (a sender's clerk whose dispatch put the document into the recipient's
// chain), then the agency where they hold the event's role.
func (s *session) actingAgency(e engine.HistoryEntry) string {
	ms := s.membershipsOf(e.ActorID)
	if len(ms) == 0 || slices.ContainsFunc(ms, func(m engine.Membership) bool { return m.AgencyID == e.AgencyID }) {
		return e.AgencyID
	}
	for _, m := range ms {
		if m.Role == e.Role {
			return m.AgencyID
		}
	}
	return e.AgencyID
}

func (s *session) membershipsOf(userID string) []engine.Membership {
	if s.memberships == nil {
		s.memberships = map[string][]engine.Membership{}
	}
	if ms, ok := s.memberships[userID]; ok {
		return ms
	}
	ms, _ := s.ui.deps.Store.MembershipListByUser(s.ctx, userID)
	s.memberships[userID] = ms
	return ms
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// fileSignatures are the signatures found in one of the document's PDFs.
type fileSignatures struct {
	File engine.File
	Sigs []sigView
	// Problem says why the file could not be checked (too large, unreadable, outage).
	Problem string
}

// sigView is one signature as a reader wants it: who, for which organisation, when, and
// whether it holds, in words and a colour.
type sigView struct {
	Signer, Organisation string
	Time                 *time.Time
	Intact, Modified     bool
	Level                string
	Result               string // the words
	Class                string // ok, warn, bad: the colour
	Why                  string
}

// maxVerifyOnPage bounds a PDF the page verifies while it is shown; a larger one is
// checked through the API's /verify.
const maxVerifyOnPage = 50 << 20

// signatures verifies every PDF of the document with the server's trust anchors, as the
// API's /verify does; signer/verify keeps verified chains and revocation answers, so a
// page shown again costs little.
func (u *UI) signatures(ctx context.Context, s *session, files []engine.File) []fileSignatures {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out := make([]fileSignatures, 0, len(files))
	for _, f := range files {
		fs := fileSignatures{File: f}
		rep, err := u.verifyFile(ctx, f)
		switch {
		case err != nil:
			u.deps.Logger.WarnContext(ctx, "web: signatures not checked", "document", f.DocumentID, "file", f.Seq, "error", err)
			fs.Problem = s.T("sig.notchecked")
		case f.Size > maxVerifyOnPage:
			fs.Problem = s.T("sig.toolarge")
		default:
			for _, sig := range rep.Signatures {
				fs.Sigs = append(fs.Sigs, s.sigView(sig))
			}
		}
		out = append(out, fs)
	}
	return out
}

func (u *UI) verifyFile(ctx context.Context, f engine.File) (*verify.Report, error) {
	if f.Size > maxVerifyOnPage {
		return &verify.Report{}, nil
	}
	rc, err := u.deps.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxVerifyOnPage+1))
	if err != nil {
		return nil, err
	}
	return verify.VerifyBytes(ctx, data,
		verify.Options{Roots: u.trustRoots(ctx), Revocation: u.deps.Revocation, Cache: u.deps.VerifyCache})
}

func (s *session) sigView(sig verify.Signature) sigView {
	v := sigView{Signer: sig.Signer, Time: sig.SigningTime, Intact: sig.Intact, Modified: sig.ModifiedAfterSigning, Level: sig.Level}
	if len(sig.Chain) > 0 {
		v.Organisation = dnField(sig.Chain[0].Subject, "O")
		if v.Signer == "" {
			v.Signer = dnField(sig.Chain[0].Subject, "CN")
		}
	}
	switch sig.Indication {
	case verify.TotalPassed:
		v.Result, v.Class = s.T("sig.valid"), "ok"
	case verify.TotalFailed:
		v.Result, v.Class = s.T("sig.invalid"), "bad"
	default:
		v.Result, v.Class = s.T("sig.indeterminate"), "warn"
	}
	if sig.Indication != verify.TotalPassed {
		v.Why = s.sigWhy(sig)
	}
	return v
}

// sigWhy says why a signature is not valid: the verifier's own words for the reader
// when it has them (Vietnamese / English), else the sub-indication in words.
func (s *session) sigWhy(sig verify.Signature) string {
	if sig.Reason != "" {
		vi, en, ok := strings.Cut(sig.Reason, " / ")
		if !ok {
			return sig.Reason
		}
		if s.Lang == "en" {
			return en
		}
		return vi
	}
	key := "sig.why." + strings.ToLower(sig.SubIndication)
	if w := s.T(key); w != key {
		return w
	}
	if len(sig.Errors) > 0 {
		return sig.Errors[0]
	}
	return sig.SubIndication
}

// dnField is one attribute of a distinguished name as x509's pkix.Name.String writes it
// ("CN=Nguyễn Văn A,O=UBND tỉnh Hòa Bình,C=VN", commas in values escaped).
func dnField(dn, attr string) string {
	var parts []string
	start := 0
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',', '+':
			parts = append(parts, dn[start:i])
			start = i + 1
		}
	}
	parts = append(parts, dn[start:])
	for _, p := range parts {
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(strings.TrimSpace(k), attr) {
			return strings.ReplaceAll(strings.TrimSpace(v), `\`, "")
		}
	}
	return ""
}

// holder is one person or unit that holds the document now.
type holder struct {
	Name, Detail string
}

// holders says who holds the document now, from its state: the clerk's office while it
// is received or being numbered, the leaders while it waits for direction or signature,
// the units and people assigned while it is handled, the drafter while it is a draft, the
// reviewers while it is checked, the recipients once dispatched.
func (u *UI) holders(ctx context.Context, s *session, d engine.Document, assignments []engine.Assignment, deliveries []engine.Delivery) ([]holder, error) {
	byRole := func(roles ...engine.Role) ([]holder, error) {
		ms, err := u.deps.Store.MembershipListByAgency(ctx, d.AgencyID)
		if err != nil {
			return nil, fmt.Errorf("holders of %s: %w", d.ID, err)
		}
		var out []holder
		for _, m := range ms {
			if slices.Contains(roles, m.Role) {
				out = append(out, holder{Name: s.UserName(m.UserID), Detail: cmpOr(m.Title, s.RoleName(string(m.Role)))})
			}
		}
		return out, nil
	}
	switch d.State {
	case engine.StateReceived, engine.StateRegistered, engine.StateSigned, engine.StateNumbered, engine.StateAgencySigned:
		return byRole(engine.RoleClerk)
	case engine.StatePresented, engine.StateReviewed, engine.StateApproved:
		if id := cmpOr(d.SignerID, d.IntendedSignerID); id != "" {
			return []holder{{Name: s.UserName(id), Detail: s.T("hold.signer")}}, nil
		}
		if d.Flow == engine.Outgoing {
			// Drafts submitted before the signer was a field of its own: the leader the
			// drafter named to sign reviewed last; the draft waits for them.
			if id, err := u.namedSigner(ctx, d); err != nil {
				return nil, fmt.Errorf("holders of %s: %w", d.ID, err)
			} else if id != "" {
				return []holder{{Name: s.UserName(id), Detail: s.T("hold.signer")}}, nil
			}
		}
		return byRole(engine.RoleLeader, engine.RoleDeputyLeader)
	case engine.StateDirected, engine.StateInProgress:
		var out []holder
		for _, a := range assignments {
			if a.Status != "open" || a.Role == engine.ForInformation {
				continue
			}
			h := holder{Detail: s.T("assign." + string(a.Role))}
			switch {
			case a.UserID != "":
				h.Name = s.UserName(a.UserID)
				if a.UnitID != "" {
					h.Detail += " — " + s.UnitName(a.UnitID)
				}
			default:
				h.Name = s.UnitName(a.UnitID)
			}
			out = append(out, h)
		}
		return out, nil
	case engine.StateDraft, engine.StateReturned:
		return []holder{{Name: s.UserName(d.DrafterID), Detail: cmpOr(s.UnitName(d.DraftingUnitID), s.T("hold.drafter"))}}, nil
	case engine.StateInReview:
		steps, err := u.deps.Store.ReviewStepListByDocument(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("holders of %s: %w", d.ID, err)
		}
		// The steps go one after another: only the first pending one holds the draft.
		current := -1
		for _, st := range steps {
			if st.Status == "pending" && (current == -1 || st.Seq < current) {
				current = st.Seq
			}
		}
		var out []holder
		for _, st := range steps {
			if st.Status == "pending" && st.Seq == current {
				out = append(out, holder{Name: s.UserName(st.ReviewerID), Detail: s.T("hold.reviewer")})
			}
		}
		return out, nil
	case engine.StateDispatched:
		var out []holder
		for _, del := range deliveries {
			out = append(out, holder{Name: s.AgencyName(del.RecipientAgencyID), Detail: s.T("delivery." + string(del.Status))})
		}
		return out, nil
	}
	return nil, nil
}
