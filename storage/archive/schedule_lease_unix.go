//go:build unix

package archive

import (
	"errors"
	"os"
	"syscall"
)

func leaseLockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLockHeld
	}
	return err
}

func leaseUnlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
