package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
)

// testReplies checks the store of first answers: what was kept reads back byte for byte,
// on another node too, and a later answer for the same request id never replaces it.
func testReplies(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	newHandle := open(t)
	s := newHandle()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	first := engine.RequestReply{RequestID: "api:u1:key-1", Digest: "POST /api/v1/outgoing 9f86d0",
		Reply: []byte{0x00, 0xff, '{', '}', 0x80}, CreatedAt: now()}

	t.Run("MissingIsNotFound", func(t *testing.T) {
		if _, err := s.RequestReplyGet(ctx, "api:u1:never"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("FirstAnswerStaysAndReadsBackOnAnotherNode", func(t *testing.T) {
		if err := s.RequestReplyInsert(ctx, first); err != nil {
			t.Fatal(err)
		}
		later := first
		later.Digest, later.Reply = "POST /api/v1/outgoing other", []byte("second")
		if err := s.RequestReplyInsert(ctx, later); err != nil {
			t.Fatalf("a second answer must be ignored, not refused: %v", err)
		}
		got, err := newHandle().RequestReplyGet(ctx, first.RequestID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Digest != first.Digest || !bytes.Equal(got.Reply, first.Reply) || !got.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("got %+v, want %+v", got, first)
		}
	})
	t.Run("InsertInsideTransactionRollsBackWithIt", func(t *testing.T) {
		rolled := engine.RequestReply{RequestID: "api:u1:key-2", Digest: "d", Reply: []byte("x"), CreatedAt: now()}
		boom := errors.New("step failed")
		err := s.InTx(ctx, func(q engine.Queries) error {
			if err := q.RequestReplyInsert(ctx, rolled); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := s.RequestReplyGet(ctx, rolled.RequestID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("a rolled back reply is still there: %v", err)
		}
	})
	t.Run("PruneForgetsOnlyWhatIsOlder", func(t *testing.T) {
		cut := now().Add(-time.Hour)
		old := engine.RequestReply{RequestID: "api:u1:old", Digest: "d", Reply: []byte("o"), CreatedAt: cut.Add(-time.Minute)}
		fresh := engine.RequestReply{RequestID: "api:u1:fresh", Digest: "d", Reply: []byte("f"), CreatedAt: cut.Add(time.Minute)}
		err := s.InTx(ctx, func(q engine.Queries) error {
			for _, r := range []engine.RequestReply{old, fresh} {
				if err := q.RequestReplyInsert(ctx, r); err != nil {
					return err
				}
				// The request log keeps actor and object ids in uuid columns on PostgreSQL.
				if err := q.RequestLogInsert(ctx, engine.RequestRecord{RequestID: r.RequestID, ActorID: engine.NewID(),
					Action: engine.ActionIssue, ObjectID: engine.NewID(), CreatedAt: r.CreatedAt}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var requests, replies int64
		err = s.InTx(ctx, func(q engine.Queries) error {
			requests, replies, err = q.RequestsPrune(ctx, cut, 1000)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// first (kept at now()) is fresh too; only "old" goes.
		if requests != 1 || replies != 1 {
			t.Fatalf("pruned %d requests and %d answers, want 1 and 1", requests, replies)
		}
		if _, err := s.RequestReplyGet(ctx, old.RequestID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("the old answer is still there: %v", err)
		}
		if _, err := s.RequestLogGet(ctx, old.RequestID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("the old request id is still there: %v", err)
		}
		for _, id := range []string{fresh.RequestID, first.RequestID} {
			if _, err := s.RequestReplyGet(ctx, id); err != nil {
				t.Fatalf("%s was pruned: %v", id, err)
			}
		}
		if _, err := s.RequestLogGet(ctx, fresh.RequestID); err != nil {
			t.Fatalf("the fresh request id was pruned: %v", err)
		}
	})
}
