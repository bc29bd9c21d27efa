//go:build linux

package runtime

import (
	goruntime "runtime"
	"time"

	"golang.org/x/sys/unix"
)

// threadClock reads the CPU time of one OS thread. The isolate's loop
// goroutine is locked to its thread, so that thread's CPU clock measures
// exactly the JS (and host code) the isolate ran: time spent waiting for
// I/O or descheduled under load is not counted.
type threadClock struct{ id int32 }

// lockThreadClock locks the calling goroutine to its OS thread and returns
// that thread's CPU clock. Call it on the loop goroutine.
func lockThreadClock() threadClock {
	goruntime.LockOSThread()
	tid := unix.Gettid()
	// MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) from the Linux kernel.
	return threadClock{id: int32(^uint32(tid)<<3 | 6)}
}

// now returns the thread's consumed CPU time; ok is false if unavailable.
func (c threadClock) now() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(c.id, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
