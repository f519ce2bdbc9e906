package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// TestReceiveAndRegisterInOneStep is the clerk's receipt of a paper document registered
// at once: the document comes out registered with the register's next number, its
// history has the receipt and then the registration, a retry gives the same document
// without taking a number, and a refusal leaves neither the document nor a number taken.
// Numbers stay gapless across both ways of registering.
func TestReceiveAndRegisterInOneStep(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		in := func(subject string, class engine.Classification) engine.ExternalInput {
			return engine.ExternalInput{TypeCode: "TB", Subject: subject, SenderName: "Bộ Nội vụ", Classification: class,
				Files: []engine.FileInput{signedPDF}, Register: true}
		}

		// First the two steps, then the one step: the numbers follow each other.
		twoSteps := in("Thông báo lịch họp", engine.Unclassified)
		twoSteps.Register = false
		first, err := b.eng.ReceiveExternal(ctx, p.clerk, twoSteps, "")
		must(t, err)
		first, err = b.eng.Register(ctx, p.clerk, first.ID, "")
		must(t, err)

		head, err := b.store.AuditHeadGet(ctx, p.agency.ID)
		must(t, err)
		d, err := b.eng.ReceiveExternal(ctx, p.clerk, in("Thông báo kết luận", engine.Unclassified), "scan-2")
		must(t, err)
		if d.State != engine.StateRegistered || d.IncomingNumber != first.IncomingNumber+1 || d.Version != 2 || d.ReceivedAt == nil {
			t.Fatalf("received and registered: state %s, số đến %d (after %d), version %d", d.State, d.IncomingNumber,
				first.IncomingNumber, d.Version)
		}
		stored, err := b.eng.Document(ctx, p.clerk, d.ID)
		must(t, err)
		if stored.State != d.State || stored.IncomingNumber != d.IncomingNumber || stored.Version != d.Version {
			t.Fatalf("stored: %s %d v%d; answered: %s %d v%d", stored.State, stored.IncomingNumber, stored.Version,
				d.State, d.IncomingNumber, d.Version)
		}
		h, err := b.eng.History(ctx, p.clerk, d.ID)
		must(t, err)
		if len(h) != 2 || h[0].Action != "register" || h[0].State != engine.StateRegistered ||
			h[1].Action != "receive" || h[1].State != engine.StateReceived {
			t.Fatalf("history, newest first: %+v; want register then receive", h)
		}
		after, err := b.store.AuditHeadGet(ctx, p.agency.ID)
		must(t, err)
		if after.Seq != head.Seq+2 {
			t.Fatalf("the audit chain moved from %d to %d; want the two events", head.Seq, after.Seq)
		}
		if problems, _, err := b.eng.VerifyAudit(ctx, p.agency.ID); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain: %v %v", err, problems)
		}

		again, err := b.eng.ReceiveExternal(ctx, p.clerk, in("Thông báo kết luận", engine.Unclassified), "scan-2")
		must(t, err)
		if again.ID != d.ID || again.IncomingNumber != d.IncomingNumber {
			t.Fatalf("a retry gave %s/%d, want %s/%d", again.ID, again.IncomingNumber, d.ID, d.IncomingNumber)
		}

		// A specialist claiming the clerk's role is refused before anything is written.
		fake := p.specialist
		fake.Role = engine.RoleClerk
		_, err = b.eng.ReceiveExternal(ctx, fake, in("Thông báo giả", engine.Unclassified), "scan-fake")
		var te *engine.TransitionError
		if !errors.As(err, &te) || te.Reason != engine.ReasonWrongRole {
			t.Fatalf("receive and register by a specialist: %v", err)
		}

		next, err := b.eng.ReceiveExternal(ctx, p.clerk, in("Thông báo tiếp", engine.Unclassified), "")
		must(t, err)
		if next.IncomingNumber != d.IncomingNumber+1 {
			t.Fatalf("after a retry and a refusal the next số đến is %d, want %d", next.IncomingNumber, d.IncomingNumber+1)
		}
		secret, err := b.eng.ReceiveExternal(ctx, p.clerk, in("Phương án bảo vệ", engine.Confidential), "")
		must(t, err)
		if secret.IncomingNumber != 1 || secret.Series != engine.SeriesSecret {
			t.Fatalf("classified: số đến %d in series %q, want 1 in its own series", secret.IncomingNumber, secret.Series)
		}
	})
}

// Clerks of one agency register at once in both ways, and present what they registered
// (a step that takes the chain's head without a number): nothing fails or waits on
// another in a circle, the register holds each number once without a gap, and the
// agency's audit chain verifies.
func TestIncomingNumbersStayGaplessWhenBothWaysRace(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		p := b.province
		const docs, workers = 240, 12
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []error
		var numbers []int
		for w := range workers {
			wg.Go(func() {
				for i := w; i < docs; i += workers {
					in := engine.ExternalInput{Subject: fmt.Sprintf("Công văn đến %d", i), SenderName: "Bộ Nội vụ",
						Files: []engine.FileInput{signedPDF}, Register: i%2 == 0}
					d, err := b.eng.ReceiveExternal(ctx, p.clerk, in, "")
					if err == nil && !in.Register {
						d, err = b.eng.Register(ctx, p.clerk, d.ID, "")
					}
					if err == nil && i%3 == 0 {
						_, err = b.eng.Present(ctx, p.clerk, d.ID, "")
					}
					mu.Lock()
					if err != nil {
						failures = append(failures, err)
					} else {
						numbers = append(numbers, d.IncomingNumber)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d of %d documents failed, first: %v", len(failures), docs, failures[0])
		}
		sort.Ints(numbers)
		for i, n := range numbers {
			if n != i+1 {
				t.Fatalf("số đến are not 1..%d without gaps: position %d holds %d", docs, i, n)
			}
		}
		if problems, n, err := b.eng.VerifyAudit(ctx, p.agency.ID); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain of %d events: %v %v", n, err, problems)
		}
	})
}
