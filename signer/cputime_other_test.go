//go:build !unix

package signer_test

import "time"

var start = time.Now()

// cpuTime falls back to the time on the clock where getrusage is missing.
func cpuTime() time.Duration { return time.Since(start) }
