package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

type flowState struct {
	flow  Flow
	state State
}

// ownSteps are the states in which a document waits for a role's own step.
var ownSteps = map[Role][]flowState{
	RoleClerk: {{Incoming, StateReceived}, {Incoming, StateRegistered}, {Outgoing, StateSigned},
		{Outgoing, StateNumbered}, {Outgoing, StateAgencySigned}},
	RoleLeader:       {{Incoming, StatePresented}, {Outgoing, StateReviewed}, {Outgoing, StateApproved}},
	RoleDeputyLeader: {{Incoming, StatePresented}, {Outgoing, StateReviewed}, {Outgoing, StateApproved}},
	RoleUnitHead:     {{Incoming, StateDirected}, {Incoming, StateInProgress}},
	RoleSpecialist:   {{Incoming, StateDirected}, {Incoming, StateInProgress}},
}

// inboxParts are the (flow, state, claim) in which a document can wait for the actor: the
// role's own steps (for unit heads and specialists, only where they or their unit are
// assigned), reviews pending for them (any role but the clerk) and their own drafts. The
// parts' states differ, so no document is in two of them.
func inboxParts(actor Actor) []InboxFilter {
	var parts []InboxFilter
	part := func(fs flowState, c Claim) {
		f := InboxFilter{AgencyID: actor.AgencyID, Flow: fs.flow, State: fs.state, Claim: c}
		if c != ClaimNone {
			f.UserID = actor.UserID
		}
		if c == ClaimAssigned {
			f.Role = actor.Role
		}
		parts = append(parts, f)
	}
	own := ClaimNone
	if actor.Role == RoleUnitHead || actor.Role == RoleSpecialist {
		own = ClaimAssigned
	}
	for _, fs := range ownSteps[actor.Role] {
		part(fs, own)
	}
	if actor.Role != RoleClerk {
		part(flowState{Outgoing, StateInReview}, ClaimReviewing)
	}
	part(flowState{Outgoing, StateDraft}, ClaimDrafted)
	part(flowState{Outgoing, StateReturned}, ClaimDrafted)
	return parts
}

// InboxPage lists a page of what waits for the actor in their role, most urgent first
// (Hỏa tốc, then Thượng khẩn, then Khẩn), then oldest change first:
//   - clerk: incoming documents to register or present, outgoing ones to number, sign and dispatch;
//   - leader, deputy: incoming documents presented for direction, drafts to approve and sign;
//   - unit head, specialist: incoming documents their unit or they are assigned and not finished;
//   - reviewers: drafts whose review step waits for them; drafters: their drafts.
//
// after is the Next of the previous page. Each part of the inbox is read along an index
// from the cursor, at most one page of it, whatever the number waiting; documents that
// arrive later take their place in the order without shifting pages already read.
func (e *Engine) InboxPage(ctx context.Context, actor Actor, after string, limit int) (Page, error) {
	if limit < 0 || limit > MaxPageSize {
		return Page{}, invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	if limit == 0 {
		limit = 50
	}
	key, err := parseInboxCursor(after)
	if err != nil {
		return Page{}, err
	}
	var docs []Document
	for _, f := range inboxParts(actor) {
		f.After, f.Limit = key, limit+1
		part, err := e.store.InboxPage(ctx, f)
		if err != nil {
			return Page{}, fmt.Errorf("inbox: %w", err)
		}
		docs = append(docs, part...)
	}
	slices.SortFunc(docs, func(a, b Document) int { return compareInboxKeys(inboxKey(a), inboxKey(b)) })
	p := Page{Documents: docs[:min(limit, len(docs))]}
	if len(docs) > limit {
		p.Next = inboxKey(docs[limit-1]).String()
	}
	return p, nil
}

// InboxCount counts what waits for the user in any of the actors (their memberships)
// without reading the documents: the menu's and the notifications' badge.
func (e *Engine) InboxCount(ctx context.Context, actors ...Actor) (int, error) {
	var seen []InboxFilter
	total := 0
	for _, a := range actors {
		for _, f := range inboxParts(a) {
			// A leader's and a deputy's own steps, or one's drafts under two roles,
			// are the same documents.
			if slices.Contains(seen, f) {
				continue
			}
			seen = append(seen, f)
			n, err := e.store.InboxCount(ctx, f)
			if err != nil {
				return 0, fmt.Errorf("inbox count: %w", err)
			}
			total += n
		}
	}
	return total, nil
}

// queuePlace is an urgency's place in the inbox: Hỏa tốc (0) first, none (3) last, as
// the CASE of queries/inbox.sql.
func queuePlace(u Urgency) int { return 3 - u.Rank() }

func inboxKey(d Document) InboxKey {
	return InboxKey{Place: queuePlace(d.Urgency), UpdatedAt: d.UpdatedAt, Flow: d.Flow, ID: d.ID}
}

func compareInboxKeys(a, b InboxKey) int {
	return cmp.Or(cmp.Compare(a.Place, b.Place), a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.Flow, b.Flow),
		-cmp.Compare(a.ID, b.ID))
}

// String is the key as a page cursor: "place.unixmicro.flow.id".
func (k InboxKey) String() string {
	return strconv.Itoa(k.Place) + "." + strconv.FormatInt(k.UpdatedAt.UnixMicro(), 10) + "." + string(k.Flow) + "." + k.ID
}

func parseInboxCursor(s string) (InboxKey, error) {
	if s == "" {
		return InboxKey{}, nil
	}
	bad := invalid("cursor", "not a cursor of this list")
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return InboxKey{}, bad
	}
	place, err1 := strconv.Atoi(parts[0])
	micros, err2 := strconv.ParseInt(parts[1], 10, 64)
	flow, id := Flow(parts[2]), parts[3]
	if err1 != nil || err2 != nil || place < 0 || place > 3 || (flow != Incoming && flow != Outgoing) || uuid.Validate(id) != nil {
		return InboxKey{}, bad
	}
	return InboxKey{Place: place, UpdatedAt: time.UnixMicro(micros).UTC(), Flow: flow, ID: id}, nil
}
