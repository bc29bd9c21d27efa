//go:build linux

package runtime

import (
	"time"

	"golang.org/x/sys/unix"
)

// Thread CPU clocks. The loop goroutine is locked to its thread for the
// duration of each task (not between tasks), so the CPU clock of that
// thread measures the task alone; the watchdog reads it from its own
// goroutine by thread id.

// threadID returns the calling thread's id (0: unknown).
func threadID() int { return unix.Gettid() }

// threadClock returns the calling thread's consumed CPU time.
func threadClock() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

// threadCPU reads another thread's consumed CPU time.
func threadCPU(tid int) (time.Duration, bool) {
	// MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) from the Linux kernel.
	id := int32(^uint32(tid)<<3 | 6)
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
