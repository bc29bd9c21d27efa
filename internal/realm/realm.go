// Package realm is the per-VM environment every Web API is built on.
//
// A Realm pairs one goja VM with the event loop that owns it, tracks which
// request context is running (so that objects can be bound to the request
// that created them), and offers the small toolkit the Web API packages share:
// WebIDL-style classes backed by Go structs, error constructors, and per-realm
// storage for prototypes.
//
// Everything in a Realm must be used from its loop goroutine, except Submit.
package realm

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/eventloop"
)

// Options configure a Realm.
type Options struct {
	// Logger receives console output and uncaught errors. Default: slog.Default().
	Logger *slog.Logger
	// Routine names the routine in logs.
	Routine string
	// MaxCallStackSize bounds JS recursion; 0 means DefaultMaxCallStackSize.
	MaxCallStackSize int
	// TaskHook, if set, is told when each task starts and ends (CPU accounting).
	TaskHook TaskHook
}

// DefaultMaxCallStackSize is the JS call depth past which a RangeError is thrown.
const DefaultMaxCallStackSize = 4000

// TaskHook observes task boundaries on the loop goroutine.
type TaskHook interface {
	// TaskStart is called before a task of ctx (nil: no request) runs.
	TaskStart(ctx *Context)
	// TaskEnd is called after it (and its microtasks).
	TaskEnd(ctx *Context)
}

// Realm is one JavaScript global environment and its event loop.
type Realm struct {
	vm      *goja.Runtime
	loop    *eventloop.Loop
	logger  *slog.Logger
	routine string
	hook    TaskHook

	cur     *Context // request whose code runs now (nil: initialization/none)
	taskCur *Context // request of the running task
	initing bool

	slots []any
	depth int      // nesting of RunTask
	after []func() // AfterTask callbacks

	errCtors map[string]*goja.Object

	asyncIterSym   *goja.Symbol // Symbol.asyncIterator (a script may replace the Symbol global)
	asyncIterProto *goja.Object // %AsyncIteratorPrototype%, made on first use
	rejections     []*goja.Promise

	// Fatal is set when a Go panic escaped into a task: the VM may be broken.
	fatal atomic.Value // error
	// OnFatal, if set, is called (on the loop goroutine) after a Go panic
	// in a task of ctx.
	OnFatal func(ctx *Context, err error)
	// OnUnhandledRejection, if set, is called for promises rejected without handler.
	OnUnhandledRejection func(ctx *Context, reason goja.Value)
}

// New creates a realm with a fresh VM and a loop that is not yet running.
func New(opts Options) *Realm {
	vm := goja.New()
	r := &Realm{
		vm:       vm,
		loop:     eventloop.New(),
		logger:   opts.Logger,
		routine:  opts.Routine,
		hook:     opts.TaskHook,
		errCtors: map[string]*goja.Object{},
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	n := opts.MaxCallStackSize
	if n <= 0 {
		n = DefaultMaxCallStackSize
	}
	r.installStackGuard(n)
	r.installAsyncIteration()
	r.installArrayForOf()
	r.bufferCtors() // capture the original constructors before any guard wraps them
	vm.SetAsyncContextTracker(tracker{r})
	vm.SetPromiseRejectionTracker(r.trackRejection)
	return r
}

// VM returns the goja runtime. Use it only on the loop goroutine.
func (r *Realm) VM() *goja.Runtime { return r.vm }

// Loop returns the event loop that owns the VM.
func (r *Realm) Loop() *eventloop.Loop { return r.loop }

// Logger returns the realm's logger.
func (r *Realm) Logger() *slog.Logger { return r.logger }

// Routine returns the name of the routine this realm runs.
func (r *Realm) Routine() string { return r.routine }

// Current returns the request context whose code is running, or nil during
// static initialization and in tasks that belong to no request.
func (r *Realm) Current() *Context { return r.cur }

// Initializing reports whether the script's static initialization is running.
func (r *Realm) Initializing() bool { return r.initing }

// SetInitializing marks the start and end of static initialization.
func (r *Realm) SetInitializing(v bool) { r.initing = v }

// Err returns the error that made this realm unusable, if any.
func (r *Realm) Err() error {
	if v := r.fatal.Load(); v != nil {
		return v.(error)
	}
	return nil
}

// Submit queues fn to run on the loop goroutine with ctx as the current
// request. It is safe from any goroutine. It reports false when the loop has
// stopped. Tasks of a context that has ended are dropped.
func (r *Realm) Submit(ctx *Context, fn func()) bool {
	return r.loop.Submit(func() { r.RunTask(ctx, fn) })
}

// RunTask runs fn as one task of ctx on the loop goroutine: it sets the
// current request, recovers Go panics, reports unhandled rejections and tells
// the TaskHook. Code already on the loop goroutine may call it directly.
func (r *Realm) RunTask(ctx *Context, fn func()) {
	if ctx != nil && ctx.ended {
		return
	}
	prevCur, prevTask := r.cur, r.taskCur
	r.cur, r.taskCur = ctx, ctx
	if r.hook != nil {
		r.hook.TaskStart(ctx)
	}
	r.depth++
	defer func() {
		if p := recover(); p != nil {
			r.panicked(ctx, p)
		}
		r.depth--
		if r.depth == 0 {
			r.runAfterTask()
		}
		if r.hook != nil {
			r.hook.TaskEnd(ctx)
		}
		r.reportRejections()
		r.cur, r.taskCur = prevCur, prevTask
	}()
	fn()
}

// AfterTask queues f to run on the loop goroutine when the outermost task
// running now has finished (with its microtasks).
func (r *Realm) AfterTask(f func()) { r.after = append(r.after, f) }

func (r *Realm) runAfterTask() {
	for len(r.after) > 0 {
		list := r.after
		r.after = nil
		for _, f := range list {
			f()
		}
	}
}

func (r *Realm) panicked(ctx *Context, p any) {
	err := PanicError(p)
	r.fatal.CompareAndSwap(nil, err)
	r.logger.Error("workerhost: Go panic in a JavaScript task; the isolate will be retired",
		"routine", r.routine, "request", ctx.IDString(), "error", err)
	if r.OnFatal != nil {
		r.OnFatal(ctx, err)
	}
}

// Interrupt stops the running JS with v (see goja.Runtime.Interrupt). Safe
// from any goroutine.
func (r *Realm) Interrupt(v any) { r.vm.Interrupt(v) }

// tracker carries the current request across promise reactions, so that an
// await continuation runs as the request that awaited.
type tracker struct{ r *Realm }

func (t tracker) Grab() any {
	if c := t.r.cur; c != nil {
		return c
	}
	return nil
}

func (t tracker) Resumed(v any) {
	c, _ := v.(*Context)
	t.r.cur = c
}

func (t tracker) Exited() { t.r.cur = t.r.taskCur }

func (r *Realm) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		r.rejections = append(r.rejections, p)
	case goja.PromiseRejectionHandle:
		for i, q := range r.rejections {
			if q == p {
				r.rejections = append(r.rejections[:i], r.rejections[i+1:]...)
				break
			}
		}
	}
}

func (r *Realm) reportRejections() {
	if len(r.rejections) == 0 {
		return
	}
	list := r.rejections
	r.rejections = nil
	for _, p := range list {
		if p.State() != goja.PromiseStateRejected {
			continue
		}
		reason := p.Result()
		if r.OnUnhandledRejection != nil {
			r.OnUnhandledRejection(r.taskCur, reason)
			continue
		}
		r.logger.Error("Uncaught (in promise) "+ErrorString(reason),
			"routine", r.routine, "request", r.taskCur.IDString())
	}
}

// Key identifies a per-realm value of type T (for example a package's
// prototypes). Create keys once, at package level, with NewKey.
type Key[T any] struct{ id int }

var nextKey atomic.Int32

// NewKey allocates a key for per-realm state.
func NewKey[T any]() *Key[T] { return &Key[T]{id: int(nextKey.Add(1)) - 1} }

// Get returns the value stored under k, or the zero T.
func (k *Key[T]) Get(r *Realm) T {
	if k.id < len(r.slots) {
		if v, ok := r.slots[k.id].(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

// Set stores v under k.
func (k *Key[T]) Set(r *Realm, v T) {
	for len(r.slots) <= k.id {
		r.slots = append(r.slots, nil)
	}
	r.slots[k.id] = v
}

// PanicError turns a recovered panic value into an error with its stack.
func PanicError(p any) error {
	if err, ok := p.(error); ok {
		return &panicError{err: err, stack: stack()}
	}
	return &panicError{err: fmt.Errorf("%v", p), stack: stack()}
}

// Reflect holds the realm's Reflect functions that host code calls to run
// an ECMAScript operation step by step (WebIDL record conversion, Proxy
// traps).
type Reflect struct {
	Get, Set, OwnKeys, GetOwnPropertyDescriptor goja.Callable
}

var reflectKey = NewKey[*Reflect]()

// Reflect returns the Reflect functions, looked up on first use rather than
// at install: goja builds its Reflect object lazily, and most isolates never
// need it. If script has removed or replaced them by then, it throws a
// TypeError (never a Go panic).
func (r *Realm) Reflect() *Reflect {
	if rf := reflectKey.Get(r); rf != nil {
		return rf
	}
	rf := &Reflect{}
	if o, ok := r.vm.Get("Reflect").(*goja.Object); ok {
		rf.Get, _ = goja.AssertFunction(o.Get("get"))
		rf.Set, _ = goja.AssertFunction(o.Get("set"))
		rf.OwnKeys, _ = goja.AssertFunction(o.Get("ownKeys"))
		rf.GetOwnPropertyDescriptor, _ = goja.AssertFunction(o.Get("getOwnPropertyDescriptor"))
	}
	if rf.Get == nil || rf.Set == nil || rf.OwnKeys == nil || rf.GetOwnPropertyDescriptor == nil {
		panic(r.NewTypeError("Reflect is not available (it was removed or replaced)"))
	}
	reflectKey.Set(r, rf)
	return rf
}
