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

// threadNow returns the calling thread's id and its consumed CPU time.
func threadNow() (tid int, cpu time.Duration, ok bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, 0, false
	}
	return unix.Gettid(), time.Duration(ts.Nano()), true
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
