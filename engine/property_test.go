package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// TestRandomActionsKeepInvariants lets random users try random actions on random
// documents and then checks what must always hold: nothing succeeds that the tables do
// not allow the actor, numbers are gapless and unique per register and year, every
// dispatched copy is accounted for, and every audit chain is intact.
func TestRandomActionsKeepInvariants(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		for _, seed := range []uint64{1, 2, uint64(time.Now().UnixNano())} {
			t.Run(fmt.Sprintf("Seed%d", seed), func(t *testing.T) {
				runRandomActions(t, setup(t, open), seed, 400)
			})
		}
	})
}

func runRandomActions(t *testing.T, b *bundle, seed uint64, steps int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	everyone := []staff{b.province, b.districts[0], b.districts[1]}
	var actors []engine.Actor
	for _, s := range everyone {
		actors = append(actors, s.leader, s.deputy, s.clerk, s.head, s.specialist, s.archivist)
	}
	staffOf := func(agencyID string) staff {
		for _, s := range everyone {
			if s.agency.ID == agencyID {
				return s
			}
		}
		t.Fatalf("unknown agency %s", agencyID)
		return staff{}
	}
	var docs []string
	succeeded := map[engine.Action]int{}
	for step := 0; step < steps; step++ {
		actor := actors[rng.IntN(len(actors))]
		if len(docs) == 0 || rng.IntN(6) == 0 {
			d, err := b.eng.CreateDraft(ctx, actor, engine.DraftInput{TypeCode: []string{"QĐ", "CT", "", "KH"}[rng.IntN(4)],
				Subject: fmt.Sprintf("Văn bản thử %d", step), Classification: []engine.Classification{"", "", "", engine.Confidential}[rng.IntN(4)],
				DraftingUnitID: staffOf(actor.AgencyID).culture.ID}, "")
			if err == nil {
				docs = append(docs, d.ID)
				if !slices.Contains([]engine.Role{engine.RoleSpecialist, engine.RoleUnitHead, engine.RoleDeputyLeader, engine.RoleLeader}, actor.Role) {
					t.Fatalf("step %d: a %s created a draft", step, actor.Role)
				}
			}
			continue
		}
		docID := docs[rng.IntN(len(docs))]
		before, err := b.store.DocumentGetByID(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		// Mostly someone who plausibly may act (the document's agency, a role of the
		// table), sometimes anyone at all: both must be judged right.
		pick := func(action engine.Action) engine.Actor {
			roles := lifecycleFor(before.Flow)[action].Roles
			if rng.IntN(10) < 3 || len(roles) == 0 {
				return actor
			}
			home := staffOf(before.AgencyID)
			byRole := map[engine.Role]engine.Actor{engine.RoleLeader: home.leader, engine.RoleDeputyLeader: home.deputy,
				engine.RoleClerk: home.clerk, engine.RoleUnitHead: home.head, engine.RoleSpecialist: home.specialist,
				engine.RoleArchivist: home.archivist}
			actor = byRole[roles[rng.IntN(len(roles))]]
			return actor
		}
		action, acted, err := randomAction(ctx, b, rng, pick, before, staffOf, everyone)
		actor = acted
		after, _ := b.store.DocumentGetByID(ctx, docID)
		if err != nil {
			var te *engine.TransitionError
			var ve *engine.ValidationError
			// A classified document does not exist for those who do not handle it.
			hidden := errors.Is(err, engine.ErrNotFound) && before.Classification != engine.Unclassified
			if !errors.As(err, &te) && !errors.As(err, &ve) && !errors.Is(err, engine.ErrConflict) && !hidden {
				t.Fatalf("step %d: %s by %s: unexpected error %v", step, action, actor.Role, err)
			}
			if after.Version != before.Version {
				t.Fatalf("step %d: refused %s changed the document", step, action)
			}
			continue
		}
		if after.Version == before.Version {
			// A retried request id: the engine answered with the document as the first
			// attempt left it, and changed nothing.
			continue
		}
		succeeded[action]++
		if action == engine.ActionDispatch {
			deliveries, err := b.store.DeliveryListByOutgoing(ctx, docID)
			if err != nil {
				t.Fatal(err)
			}
			for _, del := range deliveries {
				docs = append(docs, del.IncomingID, del.IncomingID) // incoming copies get more turns
			}
		}
		tr, ok := lifecycleFor(before.Flow)[action]
		if !ok {
			t.Fatalf("step %d: %s is not in the %s table but succeeded", step, action, before.Flow)
		}
		if actor.AgencyID != before.AgencyID {
			t.Fatalf("step %d: %s of another agency did %s", step, actor.Role, action)
		}
		if !slices.Contains(tr.Roles, actor.Role) {
			t.Fatalf("step %d: a %s did %s", step, actor.Role, action)
		}
		if !slices.Contains(tr.From, before.State) {
			t.Fatalf("step %d: %s from %s", step, action, before.State)
		}
	}
	t.Logf("seed %d: successful actions %v", seed, succeeded)
	checkInvariants(t, b, everyone)
}

func lifecycleFor(f engine.Flow) map[engine.Action]engine.Transition {
	if f == engine.Outgoing {
		return engine.OutgoingLifecycle
	}
	return engine.IncomingLifecycle
}

// forward is the step that moves a document on from each state.
var forward = map[engine.State]engine.Action{
	engine.StateDraft: engine.ActionSubmit, engine.StateReturned: engine.ActionSubmit, engine.StateInReview: engine.ActionReview,
	engine.StateReviewed: engine.ActionApprove, engine.StateApproved: engine.ActionSign, engine.StateSigned: engine.ActionIssue,
	engine.StateNumbered: engine.ActionAgencySign, engine.StateAgencySigned: engine.ActionDispatch,
	engine.StateReceived: engine.ActionRegister, engine.StateRegistered: engine.ActionPresent,
	engine.StatePresented: engine.ActionDirect, engine.StateDirected: engine.ActionStart, engine.StateInProgress: engine.ActionComplete,
}

var (
	outgoingActions = []engine.Action{engine.ActionSubmit, engine.ActionReview, engine.ActionApprove, engine.ActionSign,
		engine.ActionIssue, engine.ActionAgencySign, engine.ActionDispatch, engine.ActionSendBack, engine.ActionRecall}
	incomingActions = []engine.Action{engine.ActionRegister, engine.ActionPresent, engine.ActionDirect, engine.ActionStart,
		engine.ActionComplete, engine.ActionReject}
)

// randomAction tries one action on d: mostly the one that moves it on, sometimes any.
func randomAction(ctx context.Context, b *bundle, rng *rand.Rand, pick func(engine.Action) engine.Actor, d engine.Document,
	staffOf func(string) staff, everyone []staff) (engine.Action, engine.Actor, error) {
	e := b.eng
	action, ok := forward[d.State]
	if !ok || rng.IntN(10) < 3 {
		if d.Flow == engine.Outgoing {
			action = outgoingActions[rng.IntN(len(outgoingActions))]
		} else {
			action = incomingActions[rng.IntN(len(incomingActions))]
		}
	}
	actor := pick(action)
	home := staffOf(d.AgencyID)
	var err error
	switch action {
	case engine.ActionSubmit:
		var reviewers []engine.Reviewer
		if rng.IntN(2) == 0 {
			reviewers = []engine.Reviewer{{UserID: home.head.UserID, Kind: "content", Order: 1}}
		}
		_, err = e.Submit(ctx, actor, d.ID, reviewers, "")
	case engine.ActionReview:
		if rng.IntN(10) < 7 {
			actor = home.head
		}
		_, err = e.Review(ctx, actor, d.ID, rng.IntN(4) > 0, "ý kiến", "")
	case engine.ActionApprove:
		_, err = e.Approve(ctx, actor, d.ID, "")
	case engine.ActionSign:
		_, err = e.Sign(ctx, actor, d.ID, engine.SignInput{Signed: signedPDF}, "")
	case engine.ActionIssue:
		_, err = e.Issue(ctx, actor, d.ID, fmt.Sprintf("issue-%d", rng.IntN(50)))
	case engine.ActionAgencySign:
		_, err = e.AgencySign(ctx, actor, d.ID, signedPDF, "")
	case engine.ActionDispatch:
		var to []string
		for _, s := range everyone {
			if s.agency.ID != d.AgencyID && rng.IntN(2) == 0 {
				to = append(to, s.agency.ID)
			}
		}
		if len(to) == 0 {
			to = []string{everyone[(indexOf(everyone, d.AgencyID)+1)%len(everyone)].agency.ID}
		}
		_, err = e.Dispatch(ctx, actor, d.ID, to, "")
	case engine.ActionSendBack:
		_, err = e.SendBack(ctx, actor, d.ID, "sửa lại", "")
	case engine.ActionRecall:
		_, err = e.Recall(ctx, actor, d.ID, "thu hồi thử", "")
	case engine.ActionRegister:
		_, err = e.Register(ctx, actor, d.ID, "")
	case engine.ActionPresent:
		_, err = e.Present(ctx, actor, d.ID, "")
	case engine.ActionDirect:
		_, err = e.Direct(ctx, actor, d.ID, engine.DirectInput{Text: "xử lý", Tasks: []engine.UnitTask{{UnitID: home.culture.ID, Role: engine.Lead}}}, "")
	case engine.ActionStart:
		_, err = e.Start(ctx, actor, d.ID, "")
	case engine.ActionComplete:
		_, err = e.Complete(ctx, actor, d.ID, "xong", "")
	case engine.ActionReject:
		_, err = e.Reject(ctx, actor, d.ID, "sai nơi nhận", "")
	}
	return action, actor, err
}

func indexOf(ss []staff, agencyID string) int {
	for i, s := range ss {
		if s.agency.ID == agencyID {
			return i
		}
	}
	return 0
}

func checkInvariants(t *testing.T, b *bundle, everyone []staff) {
	t.Helper()
	ctx := context.Background()
	for _, s := range everyone {
		all, err := b.store.DocumentList(ctx, engine.DocumentFilter{AgencyID: s.agency.ID, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		outgoing := map[string][]int{} // register and year -> numbers
		incoming := map[string][]int{}
		for _, d := range all {
			if _, ok := stateSet[d.State]; !ok {
				t.Fatalf("%s is in unknown state %q", d.ID, d.State)
			}
			if d.Number > 0 {
				key := fmt.Sprintf("%d/%s", d.Year, d.Series)
				outgoing[key] = append(outgoing[key], d.Number)
			}
			if d.IncomingNumber > 0 {
				key := fmt.Sprintf("%d/%s", d.Year, d.Series)
				incoming[key] = append(incoming[key], d.IncomingNumber)
			}
			if d.Flow == engine.Outgoing && slices.Contains([]engine.State{engine.StateDispatched, engine.StateFiled, engine.StateRecalled}, d.State) {
				deliveries, err := b.store.DeliveryListByOutgoing(ctx, d.ID)
				if err != nil || len(deliveries) == 0 {
					t.Fatalf("dispatched %s has no deliveries (%v)", d.ID, err)
				}
				for _, del := range deliveries {
					in, err := b.store.DocumentGetByID(ctx, del.IncomingID)
					if err != nil || in.SourceID != d.ID || in.AgencyID != del.RecipientAgencyID {
						t.Fatalf("delivery %s is not backed by the recipient's copy: %+v %v", del.ID, in, err)
					}
				}
			}
		}
		for register, numbers := range map[string]map[string][]int{"outgoing": outgoing, "incoming": incoming} {
			for series, ns := range numbers {
				sort.Ints(ns)
				for i, n := range ns {
					if n != i+1 {
						t.Fatalf("%s %s register %s: numbers %v are not 1..%d", s.agency.Code, register, series, ns, len(ns))
					}
				}
			}
		}
		problems, _, err := b.eng.VerifyAudit(ctx, s.agency.ID)
		if err != nil || len(problems) > 0 {
			t.Fatalf("audit chain of %s: %v %v", s.agency.Code, problems, err)
		}
	}
}

var stateSet = func() map[engine.State]bool {
	m := map[engine.State]bool{engine.StateDraft: true, engine.StateReceived: true, engine.StateReturned: true, engine.StateReviewed: true}
	for _, table := range []map[engine.Action]engine.Transition{engine.OutgoingLifecycle, engine.IncomingLifecycle} {
		for _, tr := range table {
			m[tr.To] = true
			for _, f := range tr.From {
				m[f] = true
			}
		}
	}
	return m
}()
