// Package eventloop is the task queue that owns a JavaScript VM.
//
// A Loop runs every task on one goroutine, the one that called Run, so the VM
// it guards is never touched from two goroutines. Other goroutines (HTTP
// handlers, timers, I/O) hand work to it with Submit. The queue is unbounded so
// that a completion callback never blocks the goroutine that produced it.
package eventloop

import "sync"

// Loop is a FIFO of tasks run on a single goroutine.
type Loop struct {
	mu      sync.Mutex
	queue   []func()
	wake    chan struct{}
	stopped bool
	done    chan struct{}
	idle    func()
}

// New returns a loop that is ready to accept tasks; call Run to start it.
func New() *Loop {
	return &Loop{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Submit queues fn to run on the loop goroutine. It is safe from any
// goroutine, never blocks, and reports false if the loop has been stopped (fn
// will then never run).
func (l *Loop) Submit(fn func()) bool {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return false
	}
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

// SetIdle sets fn to be called on the loop goroutine whenever the loop has
// run out of tasks and is about to wait for more, and before Run returns. It
// must be called before Run.
func (l *Loop) SetIdle(fn func()) { l.idle = fn }

// Run executes tasks until Stop is called and the queue is empty. It must be
// called once, on the goroutine that owns the loop.
func (l *Loop) Run() {
	defer close(l.done)
	var batch []func()
	for {
		l.mu.Lock()
		batch, l.queue = l.queue, batch[:0]
		stopped := l.stopped
		l.mu.Unlock()
		if len(batch) == 0 {
			if stopped {
				if l.idle != nil {
					l.idle()
				}
				return
			}
			select {
			case <-l.wake: // more work was submitted meanwhile (or a stale wake-up)
				continue
			default:
			}
			if l.idle != nil {
				l.idle()
			}
			<-l.wake
			continue
		}
		for i, fn := range batch {
			batch[i] = nil
			fn()
		}
	}
}

// Stop makes further Submit calls fail; Run returns once the tasks already
// queued have run. Stop is idempotent and does not wait; use Done for that.
func (l *Loop) Stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Done is closed when Run has returned.
func (l *Loop) Done() <-chan struct{} { return l.done }

// Len reports how many tasks are waiting.
func (l *Loop) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}
