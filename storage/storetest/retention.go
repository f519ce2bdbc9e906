package storetest

import "testing"

func testRetention(t *testing.T, open Opener) {
	t.Parallel()
	_ = setup(t, open)
}
