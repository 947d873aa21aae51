//go:build unix

package whatsapp

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting. The kernel drops
// it when the process dies, so a crash leaves no stale lock behind.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
