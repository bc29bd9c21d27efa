//go:build !linux

package runtime

import "time"

// threadClock falls back to wall time where per-thread CPU clocks are not
// available: tasks are then charged their elapsed time.
type threadClock struct{}

func lockThreadClock() threadClock { return threadClock{} }

func (threadClock) now() (time.Duration, bool) { return 0, false }
