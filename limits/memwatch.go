package limits

import (
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Watched is an isolate as the memory watchdog sees it.
type Watched interface {
	// RunningTask returns the sequence number of the task running now, or
	// 0 when the isolate is idle. Safe from any goroutine.
	RunningTask() uint64
	// MemoryLimit is the budget of the isolate's routine, in bytes.
	MemoryLimit() int64
	// MemoryExceeded is called (from the watchdog goroutine) with the task
	// that grew the heap past the limit; it must stop that task.
	MemoryExceeded(seq uint64, grown int64)
}

// MemoryWatchdogInterval is how often the watchdog samples the heap.
var MemoryWatchdogInterval = 5 * time.Millisecond

// The memory watchdog. goja has no heap limit and Go cannot attribute heap
// to a goroutine, so the watchdog samples the process heap
// (/memory/classes/heap/objects:bytes) every MemoryWatchdogInterval and
// charges its growth during a task to the isolate running that task. A
// task during which the heap grows by more than the routine's Memory
// budget is interrupted and its isolate retired, which frees what it
// allocated. The accuracy is that of the sampling: a task may overshoot by
// what it allocates in one interval, and allocations by other goroutines
// during the task are charged to it too (they only make the watchdog
// stricter). Single calls that could overshoot by more are cut off by the
// allocation guards (InstallGuards) before they allocate.
type memWatchdog struct {
	mu      sync.Mutex
	tracked map[Watched]*watchState
	stop    chan struct{}
}

type watchState struct {
	seq  uint64
	base int64
}

var watchTicks, watchMaxGrowth atomic.Int64

// WatchdogStats reports how many samples the memory watchdog has taken and
// the largest growth it has seen during one task (for tests and metrics).
func WatchdogStats() (samples, maxGrowth int64) { return watchTicks.Load(), watchMaxGrowth.Load() }

var watchdog = &memWatchdog{tracked: map[Watched]*watchState{}}

// WatchMemory registers w with the process's memory watchdog until the
// returned function is called.
func WatchMemory(w Watched) (stop func()) {
	watchdog.mu.Lock()
	defer watchdog.mu.Unlock()
	watchdog.tracked[w] = &watchState{}
	if watchdog.stop == nil {
		watchdog.stop = make(chan struct{})
		go watchdog.run(watchdog.stop)
	}
	var once sync.Once
	return func() { once.Do(func() { unwatch(w) }) }
}

func unwatch(w Watched) {
	watchdog.mu.Lock()
	defer watchdog.mu.Unlock()
	delete(watchdog.tracked, w)
	if len(watchdog.tracked) == 0 && watchdog.stop != nil {
		close(watchdog.stop)
		watchdog.stop = nil
	}
}

// HeapBytes returns the bytes held by heap objects now (live or not yet
// collected).
func HeapBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

func (m *memWatchdog) run(stop chan struct{}) {
	t := time.NewTicker(MemoryWatchdogInterval)
	defer t.Stop()
	type breach struct {
		w     Watched
		seq   uint64
		grown int64
	}
	var breaches []breach
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		heap := HeapBytes()
		breaches = breaches[:0]
		m.mu.Lock()
		watchTicks.Add(1)
		for w, st := range m.tracked {
			seq := w.RunningTask()
			if seq == 0 {
				st.seq = 0
				continue
			}
			if seq != st.seq {
				st.seq, st.base = seq, heap
				continue
			}
			grown := heap - st.base
			if grown > watchMaxGrowth.Load() {
				watchMaxGrowth.Store(grown)
			}
			if grown > w.MemoryLimit() {
				breaches = append(breaches, breach{w, seq, grown})
				st.seq = 0
			}
		}
		m.mu.Unlock()
		for i, b := range breaches {
			b.w.MemoryExceeded(b.seq, b.grown)
			breaches[i] = breach{} // keep no retired isolate reachable
		}
	}
}
