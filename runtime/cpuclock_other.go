//go:build !linux

package runtime

import "time"

// Without per-thread CPU clocks, tasks are charged their wall time.

func threadNow() (tid int, cpu time.Duration, ok bool) { return 0, 0, false }

func threadCPU(int) (time.Duration, bool) { return 0, false }
