package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

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
}
