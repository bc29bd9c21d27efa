// Package timers implements the HTML timer and microtask APIs (setTimeout,
// setInterval, clearTimeout, clearInterval, queueMicrotask) and the High
// Resolution Time `performance` object for a realm.
//
// All timers of a realm live in one min-heap driven by a single Go timer
// (time.AfterFunc, so no goroutine waits while nothing is due). When the
// earliest timer is due, one task is queued on the realm's loop; it runs that
// timer as a task of the request context that created it and queues itself
// again while more timers are due, so that timers interleave fairly with I/O
// completions. A timer belongs to the request that created it and is
// cancelled when that request ends: nothing scheduled by a request can run
// after it, and timers cannot be created during static initialization.
package timers

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// maxNesting and minNestedTimeout implement the HTML timer nesting clamp:
// timers nested more than five levels deep wait at least 4 ms, which bounds
// the CPU a `setTimeout(f, 0)` chain or `setInterval(f, 0)` can burn.
const (
	maxNesting       = 5
	minNestedTimeout = int64(4 * time.Millisecond)
)

// timer is one scheduled callback: a JS timer (id > 0) or a Go timer made by
// After (id == 0).
type timer struct {
	id      int32
	when    int64  // due time, ns since the realm's time origin
	seq     uint64 // scheduling order, breaks ties between equal due times
	idx     int    // index in the heap, -1 while not scheduled
	timeout int64  // requested timeout in ns (before the nesting clamp)
	nesting int    // HTML timer nesting level of the task that runs it
	repeat  bool
	done    bool // cleared, cancelled or finished

	ctx  *realm.Context
	fn   goja.Callable
	args []goja.Value
	goFn func()
	task func() // runs the callback; built once per timer

	owner      *ctxTimers
	prev, next *timer
}

// ctxTimers lists the live timers of one request context, so that they can
// all be cancelled when it ends.
type ctxTimers struct {
	head *timer
}

type ctxTimersKey struct{}

func (l *ctxTimers) add(t *timer) {
	t.owner = l
	t.next = l.head
	if l.head != nil {
		l.head.prev = t
	}
	l.head = t
}

func (l *ctxTimers) unlink(t *timer) {
	if t.prev != nil {
		t.prev.next = t.next
	} else if l.head == t {
		l.head = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next, t.owner = nil, nil, nil
}

// state is the per-realm timer machinery.
type state struct {
	r      *realm.Realm
	origin time.Time // time origin (monotonic reading)

	heap    timerHeap
	active  map[int32]*timer // JS timers by id ("map of active timers")
	nextID  int32
	seq     uint64
	nesting int // nesting level of the running timer task, 0 outside one

	gt       *time.Timer // wakes the loop when heap[0] is due
	armedFor int64       // due time gt is set for, -1 when not armed
	pending  atomic.Bool // a drain task is queued on the loop
	drainFn  func()
	wakeFn   func()

	global goja.Value
	perf   *goja.Object
}

var stateKey = realm.NewKey[*state]()

// stateOf returns the realm's timer state, creating it on first use.
func stateOf(r *realm.Realm) *state {
	if st := stateKey.Get(r); st != nil {
		return st
	}
	st := &state{
		r:        r,
		origin:   time.Now(),
		active:   map[int32]*timer{},
		armedFor: -1,
	}
	st.drainFn = st.drain
	st.wakeFn = st.queueDrain
	stateKey.Set(r, st)
	return st
}

// Install defines setTimeout, setInterval, clearTimeout, clearInterval,
// queueMicrotask and performance on r's global object.
func Install(r *realm.Realm) {
	st := stateOf(r)
	st.global = r.VM().GlobalObject()
	r.DefineGlobal("setTimeout", r.Func("setTimeout", 1, func(call goja.FunctionCall) goja.Value {
		return st.set(call, false)
	}))
	r.DefineGlobal("setInterval", r.Func("setInterval", 1, func(call goja.FunctionCall) goja.Value {
		return st.set(call, true)
	}))
	clearTimer := func(call goja.FunctionCall) goja.Value {
		st.clear(call.Argument(0))
		return goja.Undefined()
	}
	r.DefineGlobal("clearTimeout", r.Func("clearTimeout", 0, clearTimer))
	r.DefineGlobal("clearInterval", r.Func("clearInterval", 0, clearTimer))
	installMicrotask(r)
	installPerformance(r, st)
}

// now returns the monotonic time since the realm's time origin in ns.
func (st *state) now() int64 { return int64(time.Since(st.origin)) }

// set implements setTimeout (repeat false) and setInterval (repeat true).
func (st *state) set(call goja.FunctionCall, repeat bool) goja.Value {
	r := st.r
	name := "setTimeout"
	if repeat {
		name = "setInterval"
	}
	handler := call.Argument(0)
	fn, ok := goja.AssertFunction(handler)
	if !ok {
		if _, isString := handler.(goja.String); isString {
			panic(r.NewTypeError(name + "(): code generation from strings is not allowed in this environment; " +
				"pass a function as the handler instead of a string of code"))
		}
		panic(r.NewTypeError(name + "(): parameter 1 (handler) is not a function"))
	}
	ms := toLong(call.Argument(1))
	if ms < 0 {
		ms = 0
	}
	ctx := r.Current()
	if ctx == nil {
		panic(r.NewTypeError(name + "() can only be used while handling a request: " + noRequestReason(r) +
			" Timers belong to the request that creates them; call " + name + " from inside an event handler."))
	}
	var args []goja.Value
	if len(call.Arguments) > 2 {
		args = append([]goja.Value(nil), call.Arguments[2:]...)
	}
	id := st.allocID()
	if ctx.Ended() {
		// The request is over (a promise continuation of a finished request):
		// the timer could never run, so it is not scheduled.
		return r.VM().ToValue(id)
	}
	t := &timer{id: id, timeout: ms * int64(time.Millisecond), repeat: repeat, fn: fn, args: args}
	st.active[id] = t
	st.start(t, ctx, st.nesting)
	return r.VM().ToValue(id)
}

func noRequestReason(r *realm.Realm) string {
	if r.Initializing() {
		return "timers cannot be scheduled during static initialization (the script's global scope)."
	}
	return "no request is being handled."
}

// allocID returns the next free positive timer id. Ids wrap around before
// reaching 2^31 (WebIDL long) and skip ids still in use.
func (st *state) allocID() int32 {
	for {
		st.nextID++
		if st.nextID <= 0 {
			st.nextID = 1
		}
		if _, used := st.active[st.nextID]; !used {
			return st.nextID
		}
	}
}

// start registers t with its request context and schedules its first run;
// nesting is the HTML timer nesting level of the code creating it.
func (st *state) start(t *timer, ctx *realm.Context, nesting int) {
	t.ctx = ctx
	t.idx = -1
	t.task = func() { st.run(t) }
	if ctx != nil {
		l, _ := ctx.Value(ctxTimersKey{}).(*ctxTimers)
		if l == nil {
			l = &ctxTimers{}
			ctx.SetValue(ctxTimersKey{}, l)
			ctx.OnEnd(func() { st.cancelAll(l) })
		}
		l.add(t)
	}
	t.nesting = nesting
	now := st.now()
	st.enqueue(t, now, now)
}

// enqueue applies the nesting clamp, computes the due time from base and
// pushes t on the heap.
func (st *state) enqueue(t *timer, base, now int64) {
	d := t.timeout
	if t.nesting > maxNesting && d < minNestedTimeout {
		d = minNestedTimeout
	}
	t.nesting++
	when := base + d
	if when < now {
		// An interval that fell behind (a slow callback or a busy loop)
		// skips the periods it missed instead of firing in a burst.
		if d > 0 {
			when = base + d*((now-base)/d+1)
		} else {
			when = now
		}
	}
	t.when = when
	st.seq++
	t.seq = st.seq
	st.heap.push(t)
	if t.idx == 0 {
		st.schedule()
	}
}

// clear implements clearTimeout and clearInterval (they share one map of
// active timers, as in HTML). Ids that are unknown, belong to another
// request or are not numbers are ignored.
func (st *state) clear(v goja.Value) {
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return
	}
	id := toLong(v)
	if id <= 0 {
		return
	}
	t, ok := st.active[int32(id)]
	if !ok || t.ctx != st.r.Current() {
		return
	}
	st.cancel(t)
}

// cancel removes t for good. It is idempotent.
func (st *state) cancel(t *timer) {
	if t.done {
		return
	}
	t.done = true
	top := t.idx == 0
	if t.idx >= 0 {
		st.heap.remove(t.idx)
	}
	st.release(t)
	if top {
		st.schedule()
	}
}

// release drops t from the id map and its context's list and lets go of the
// callback and arguments.
func (st *state) release(t *timer) {
	if t.id != 0 && st.active[t.id] == t {
		delete(st.active, t.id)
	}
	if t.owner != nil {
		t.owner.unlink(t)
	}
	t.fn, t.args, t.goFn, t.task = nil, nil, nil, nil
}

// cancelAll cancels every timer of a request context (it has ended).
func (st *state) cancelAll(l *ctxTimers) {
	for t := l.head; t != nil; t = l.head {
		t.done = true
		if t.idx >= 0 {
			st.heap.remove(t.idx)
		}
		st.release(t)
	}
	st.schedule()
}

// schedule makes sure the loop will wake up when the earliest timer is due.
func (st *state) schedule() {
	if len(st.heap) == 0 {
		if st.armedFor >= 0 {
			st.gt.Stop()
			st.armedFor = -1
		}
		return
	}
	next := st.heap[0].when
	now := st.now()
	if next <= now {
		st.queueDrain()
		return
	}
	if st.armedFor == next {
		return
	}
	if st.gt == nil {
		st.gt = time.AfterFunc(time.Duration(next-now), st.wakeFn)
	} else {
		st.gt.Reset(time.Duration(next - now))
	}
	st.armedFor = next
}

// queueDrain queues one drain task on the loop unless one is queued already.
// It is the only code that runs off the loop goroutine (from the Go timer).
func (st *state) queueDrain() {
	if !st.pending.Swap(true) {
		if !st.r.Loop().Submit(st.drainFn) {
			st.pending.Store(false)
		}
	}
}

// drain runs on the loop goroutine: it runs the earliest timer if it is due
// and re-arms the wake-up for the rest. It is queued with Loop().Submit, not
// Realm.Submit, because the timer itself runs as a task of its own request
// (RunTask) and must not be nested inside a task of no request.
func (st *state) drain() {
	st.pending.Store(false)
	now := st.now()
	if st.armedFor >= 0 && st.armedFor <= now {
		st.armedFor = -1 // the Go timer has fired
	}
	if len(st.heap) > 0 && st.heap[0].when <= now {
		t := st.heap.remove(0)
		st.r.RunTask(t.ctx, t.task)
		st.after(t)
	}
	st.schedule()
}

// run is the body of a timer's task (inside RunTask).
func (st *state) run(t *timer) {
	if t.done {
		return
	}
	prev := st.nesting
	st.nesting = t.nesting
	defer func() { st.nesting = prev }()
	if t.goFn != nil {
		runGo(st.r, t.ctx, t.goFn)
		return
	}
	if _, err := t.fn(st.global, t.args...); err != nil {
		reportError(st.r, t.ctx, err, setName(t.repeat))
	}
}

func setName(repeat bool) string {
	if repeat {
		return "setInterval"
	}
	return "setTimeout"
}

// after finishes a timer that just ran: an interval is rescheduled one period
// after its previous due time, anything else is released.
func (st *state) after(t *timer) {
	if t.done {
		return
	}
	if t.repeat && (t.ctx == nil || !t.ctx.Ended()) {
		st.enqueue(t, t.when, st.now())
		return
	}
	t.done = true
	st.release(t)
}

// runGo runs a Go timer callback; a JavaScript exception it throws
// (panic(jsValue)) is reported like one from a script callback.
func runGo(r *realm.Realm, ctx *realm.Context, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			switch v := p.(type) {
			case *goja.Exception:
				reportError(r, ctx, v, "timer")
			case goja.Value:
				ReportException(r, ctx, v, "timer")
			default:
				panic(p)
			}
		}
	}()
	fn()
}

// After runs fn on r's loop, as a task of ctx, once d has elapsed. The timer
// is cancelled when ctx ends, so fn never runs after its request; with ctx
// nil it belongs to no request and runs as a task of none. The returned
// cancel function stops it (idempotent). After and cancel must be called on
// the loop goroutine. A JavaScript value thrown by fn (panic(value)) is
// reported as an uncaught exception.
func After(r *realm.Realm, ctx *realm.Context, d time.Duration, fn func()) (cancel func()) {
	st := stateOf(r)
	if ctx != nil && ctx.Ended() {
		return func() {}
	}
	if d < 0 {
		d = 0
	}
	t := &timer{timeout: int64(d), goFn: fn}
	st.start(t, ctx, 0) // Go timers take no part in the HTML nesting clamp
	return func() { st.cancel(t) }
}

// Pending reports how many timers of r are scheduled (for tests and metrics).
func Pending(r *realm.Realm) int {
	if st := stateKey.Get(r); st != nil {
		return len(st.heap)
	}
	return 0
}

// toLong converts a value as WebIDL converts to `long`: ToNumber, then
// NaN and infinities become 0, the value is truncated and wrapped modulo 2^32
// into the signed 32-bit range. It throws like ToNumber (Symbols, BigInts).
func toLong(v goja.Value) int64 {
	if v == nil || goja.IsUndefined(v) {
		return 0
	}
	f := v.ToFloat()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	f = math.Trunc(f)
	if f >= math.MinInt32 && f <= math.MaxInt32 {
		return int64(f)
	}
	m := math.Mod(f, 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	if m >= 1<<31 {
		m -= 1 << 32
	}
	return int64(m)
}
