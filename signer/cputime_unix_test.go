//go:build unix

package signer_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, its threads and the garbage
// collector included: unlike the time on the clock it does not grow while
// other processes hold the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
