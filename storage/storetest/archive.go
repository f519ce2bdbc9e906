package storetest

import "testing"

func testArchive(t *testing.T, open Opener) {
	t.Parallel()
	_ = setup(t, open)
}
