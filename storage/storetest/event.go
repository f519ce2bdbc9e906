package storetest

import "testing"

func testEvent(t *testing.T, open Opener) {
	t.Parallel()
	_ = setup(t, open)
}
