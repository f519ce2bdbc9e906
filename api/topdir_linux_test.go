package api

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// topDirFlag is FS_TOPDIR_FL of linux/fs.h, which x/sys/unix does not name.
const topDirFlag = 0x00020000

// markTopOfHierarchy sets ext4's top-of-directory-hierarchies flag (chattr +T) on dir,
// so that the directories made in it are spread over the disk's block groups like
// top-level ones. Elsewhere than ext4 it changes nothing, and says so.
func markTopOfHierarchy(tb testing.TB, dir string) {
	f, err := os.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags|topDirFlag))
	}
	if err != nil {
		tb.Logf("blob directory stays beside the temporary directory's files: chattr +T: %v", err)
	}
}
