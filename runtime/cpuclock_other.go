//go:build !linux

package runtime

import "time"

// Without per-thread CPU clocks, tasks are charged their wall time.

func threadID() int { return 0 }

func threadClock() (time.Duration, bool) { return 0, false }

func threadCPU(int) (time.Duration, bool) { return 0, false }
