//go:build !unix

package whatsapp

import "os"

// lockFile does nothing where flock is missing: the session is then
// unguarded, as it was before locks.
func lockFile(*os.File) error { return nil }
