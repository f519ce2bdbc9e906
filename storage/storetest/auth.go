package storetest

import "testing"

func testAuth(t *testing.T, open Opener) {
	t.Parallel()
	_ = setup(t, open)
}
