package storetest

import "testing"

func testSearch(t *testing.T, open Opener) {
	t.Parallel()
	_ = setup(t, open)
}
