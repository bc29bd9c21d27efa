package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/webapi"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

// isolate is one VM and its loop goroutine. Fields without atomics are
// used only on the loop goroutine.
type isolate struct {
	rt       *Routine
	r        *realm.Realm
	inflight atomic.Int32
	dead     atomic.Bool

	listeners []goja.Value // fetch listeners (functions or handleEvent objects)
	exchanges map[*exchange]struct{}

	// CPU watchdog: armed at each task start with the request's remaining
	// budget; when it fires it interrupts the VM.
	watchdog  *time.Timer
	taskSeq   atomic.Uint64
	firedSeq  atomic.Uint64
	memSeq    atomic.Uint64 // task stopped by the memory watchdog
	memGrown  atomic.Int64
	unwatch   func()
	taskTid   atomic.Int64 // thread the running task started on (0: unknown)
	taskCPU0  atomic.Int64 // that thread's CPU clock at task start
	taskWall0 atomic.Int64 // wall clock (UnixNano) at task start
	budget    atomic.Int64 // CPU time the running task may use; 0: none
	pinned    bool         // loop goroutine only: locked to its thread
	tid       int          // loop goroutine only: that thread's id
}

func (rt *Routine) newIsolate() (*isolate, error) {
	iso := &isolate{rt: rt, exchanges: map[*exchange]struct{}{}}
	iso.r = realm.New(realm.Options{
		Logger:           rt.opts.Logger,
		Routine:          rt.opts.Name,
		MaxCallStackSize: rt.opts.Limits.MaxCallStackSize,
		TaskHook:         iso,
	})
	iso.r.OnFatal = func(ctx *realm.Context, err error) { iso.retire(err, ctx) }
	iso.watchdog = time.AfterFunc(time.Hour, iso.fire)
	iso.watchdog.Stop()
	iso.unwatch = limits.WatchMemory(iso)
	iso.r.Loop().SetIdle(iso.idle)
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		iso.r.Loop().Run()
	}()
	errc := make(chan error, 1)
	if !iso.r.Submit(nil, func() { errc <- iso.init() }) {
		return nil, ErrClosed
	}
	if err := <-errc; err != nil {
		iso.r.Loop().Stop()
		iso.watchdog.Stop()
		iso.unwatch()
		return nil, err
	}
	return iso, nil
}

// init installs the Web APIs and runs the script's static initialization.
func (iso *isolate) init() (err error) {
	r := iso.r
	vm := r.VM()
	opts := iso.rt.opts
	defer func() {
		if p := recover(); p != nil {
			err = &ScriptError{File: opts.Filename, Line: 1, Column: 1, Message: fmt.Sprint(p), Err: ErrInit}
		}
	}()
	if err := limits.InstallGuards(vm, opts.Limits.MaxAllocation); err != nil {
		return fmt.Errorf("runtime: installing allocation guards: %w", err)
	}
	webapi.Install(r)
	fileapi.SetMaxBlobSize(r, opts.Limits.MaxAllocation)
	iso.rt.installFetch(r)
	iso.defineGlobals()
	if err := disallowCodeGeneration(r); err != nil {
		return fmt.Errorf("runtime: disallowing code generation: %w", err)
	}
	if opts.Install != nil {
		if err := opts.Install(vm); err != nil {
			return fmt.Errorf("runtime: Options.Install: %w", err)
		}
	}
	r.SetInitializing(true)
	iso.pin()
	iso.armInit()
	_, runErr := vm.RunProgram(iso.rt.prog)
	iso.disarm()
	r.SetInitializing(false)
	if runErr != nil {
		var ie *goja.InterruptedError
		if errors.As(runErr, &ie) {
			return &ScriptError{File: opts.Filename, Line: 1, Column: 1,
				Message: fmt.Sprintf("static initialization used more than %v of CPU time", opts.Limits.InitCPUTime),
				Err:     limits.ErrInitCPUTime}
		}
		return initError(opts.Filename, runErr)
	}
	if len(iso.listeners) == 0 {
		return &ScriptError{File: opts.Filename, Line: 1, Column: 1, Message: "no fetch handler", Err: ErrNoFetchHandler}
	}
	return nil
}

func initError(file string, err error) error {
	se := &ScriptError{File: file, Line: 1, Column: 1, Message: err.Error(), Err: ErrInit}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		se.Message = realm.ErrorString(ex.Value())
		se.Stack = realm.ExceptionString(err)
		for _, f := range ex.Stack() {
			p := f.Position()
			if p.Line > 0 {
				se.Line, se.Column = p.Line, p.Column
				if p.Filename != "" {
					se.File = p.Filename
				}
				break
			}
		}
	}
	var se2 *goja.StackOverflowError
	if errors.As(err, &se2) {
		se.Message = "Maximum call stack size exceeded"
	}
	return se
}

// defineGlobals adds the ServiceWorkerGlobalScope functions.
func (iso *isolate) defineGlobals() {
	r := iso.r
	vm := r.VM()
	g := vm.GlobalObject()
	r.DefineGlobal("self", g)
	r.DefineGlobal("addEventListener", r.Func("addEventListener", 2, func(call goja.FunctionCall) goja.Value {
		if !r.Initializing() {
			panic(r.NewTypeError("addEventListener() can only be called during the routine's static initialization (top-level code); event handlers cannot be registered while a request is being handled"))
		}
		typ := call.Argument(0).String()
		l := call.Argument(1)
		if goja.IsUndefined(l) || goja.IsNull(l) {
			return goja.Undefined()
		}
		if _, ok := goja.AssertFunction(l); !ok {
			o, isObj := l.(*goja.Object)
			if !isObj {
				panic(r.NewTypeError("addEventListener: the listener must be a function or an object with a handleEvent method"))
			}
			_ = o
		}
		if typ == "fetch" {
			for _, x := range iso.listeners {
				if x.SameAs(l) {
					return goja.Undefined()
				}
			}
			iso.listeners = append(iso.listeners, l)
		}
		return goja.Undefined()
	}))
	r.DefineGlobal("removeEventListener", r.Func("removeEventListener", 2, func(call goja.FunctionCall) goja.Value {
		if !r.Initializing() {
			panic(r.NewTypeError("removeEventListener() can only be called during the routine's static initialization"))
		}
		if call.Argument(0).String() == "fetch" {
			l := call.Argument(1)
			for i, x := range iso.listeners {
				if x.SameAs(l) {
					iso.listeners = append(iso.listeners[:i], iso.listeners[i+1:]...)
					break
				}
			}
		}
		return goja.Undefined()
	}))
}

// TaskStart implements realm.TaskHook: arm the CPU watchdog with what is
// left of the request's budget.
func (iso *isolate) TaskStart(ctx *realm.Context) {
	if ctx == nil {
		return
	}
	left := iso.rt.opts.Limits.CPUTime - ctx.CPU()
	if left <= 0 {
		left = time.Microsecond
	}
	// Pin the loop goroutine to its thread while it runs tasks: the
	// thread's CPU clock then measures each task alone. The pin holds
	// across tasks that follow one another (one thread id for all) and is
	// dropped when the loop goes idle (idle), so the loop parks unpinned (a
	// pinned goroutine makes every wake-up a thread hand-off, which
	// measured at 2.4x the cost of a request).
	iso.pin()
	iso.arm(left)
}

// pin locks the loop goroutine to its thread unless it is already.
func (iso *isolate) pin() {
	if iso.pinned {
		return
	}
	goruntime.LockOSThread()
	iso.pinned = true
	iso.tid = threadID()
}

// idle is the loop's idle hook: it unpins the loop goroutine before it
// parks.
func (iso *isolate) idle() {
	if iso.pinned {
		iso.pinned = false
		goruntime.UnlockOSThread()
	}
}

func (iso *isolate) arm(d time.Duration) {
	iso.taskSeq.Add(1)
	tid := iso.tid
	cpu, ok := threadClock()
	if !ok {
		tid = 0
	}
	iso.taskTid.Store(int64(tid))
	iso.taskCPU0.Store(int64(cpu))
	iso.taskWall0.Store(time.Now().UnixNano())
	iso.budget.Store(int64(d))
	iso.watchdog.Reset(d)
}

// taskUsed is the CPU time the running task has used, measured on the loop
// goroutine at the task's end (pinned to the thread it started on): the
// thread's CPU clock, else the wall time.
func (iso *isolate) taskUsed() time.Duration {
	if cpu, ok := threadClock(); ok && iso.taskTid.Load() != 0 {
		return cpu - time.Duration(iso.taskCPU0.Load())
	}
	return time.Duration(time.Now().UnixNano() - iso.taskWall0.Load())
}

// TaskEnd implements realm.TaskHook: charge the task to its request.
func (iso *isolate) TaskEnd(ctx *realm.Context) {
	if ctx == nil {
		return
	}
	used := iso.taskUsed()
	iso.disarm()
	total := ctx.AddCPU(used)
	if seq := iso.taskSeq.Load(); iso.memSeq.Load() == seq {
		iso.memSeq.Store(0)
		err := fmt.Errorf("%w: the heap grew by %d MiB during a task of request %s (limit %d MiB)",
			limits.ErrMemory, iso.memGrown.Load()>>20, ctx.IDString(), iso.rt.opts.Limits.Memory>>20)
		iso.retire(err, ctx)
		return
	}
	if iso.firedSeq.Load() == iso.taskSeq.Load() || total > iso.rt.opts.Limits.CPUTime {
		iso.firedSeq.Store(0)
		err := fmt.Errorf("%w: request %s used %v of CPU time (limit %v)", limits.ErrCPUTime, ctx.IDString(), total.Round(time.Microsecond), iso.rt.opts.Limits.CPUTime)
		iso.retire(err, ctx)
	}
}

func (iso *isolate) armInit() { iso.arm(iso.rt.opts.Limits.InitCPUTime) }

func (iso *isolate) disarm() {
	iso.budget.Store(0)
	iso.watchdog.Stop()
}

// fire runs on the timer goroutine once the running task has had its
// budget in wall time. It reads the CPU clock of the thread the task runs
// on (the loop goroutine is pinned to it for the task): if the task has not
// used its budget yet (it was descheduled), it re-arms for the rest. Wall
// time is a backstop: when the thread's clock cannot be read, a task still
// running after twice its budget plus 20 ms is stopped; when it can, only
// after ten times its budget plus a second (a task that waits inside host
// code without using CPU; a busy machine deschedules a task for far less,
// and stopping it then would retire the isolate under load — seen with
// W3 at 25 ms of CPU in 120 ms of wall time). A timer armed for an earlier
// task may fire late (Stop cannot always prevent it); it is judged against
// the running task's figures, so it is harmless.
func (iso *isolate) fire() {
	seq := iso.taskSeq.Load()
	budget := time.Duration(iso.budget.Load())
	if budget == 0 {
		return
	}
	wall := time.Duration(time.Now().UnixNano() - iso.taskWall0.Load())
	used := wall
	backstop := 2*budget + 20*time.Millisecond
	if tid := iso.taskTid.Load(); tid != 0 {
		if cpu, ok := threadCPU(int(tid)); ok {
			used = cpu - time.Duration(iso.taskCPU0.Load())
			backstop = 10*budget + time.Second
		}
	}
	if iso.taskSeq.Load() != seq {
		return
	}
	if used < budget && wall < backstop {
		next := min(budget-used, backstop-wall)
		if next < 100*time.Microsecond {
			next = 100 * time.Microsecond
		}
		iso.watchdog.Reset(next)
		return
	}
	iso.firedSeq.Store(seq)
	iso.r.Interrupt(limits.ErrCPUTime)
}

// retire takes a broken isolate out of service (on the loop goroutine):
// the offending request fails with err, every other request in flight on
// it fails with 503, and a fresh isolate replaces it.
func (iso *isolate) retire(err error, offender *realm.Context) {
	if !iso.dead.CompareAndSwap(false, true) {
		return
	}
	iso.rt.opts.Logger.Error("workerhost: retiring isolate", "routine", iso.rt.opts.Name, "request", offender.IDString(), "error", err)
	for x := range iso.exchanges {
		if x.ctx == offender {
			x.fail(err, true)
		} else {
			x.fail(fmt.Errorf("%w: the isolate serving this request was retired because another request broke a limit", errRetired), false)
		}
		// Every request on a retired isolate ends now: its context, its
		// wall-time timer and its admission slot are released, so nothing
		// keeps the dead VM reachable.
		x.finish()
	}
	iso.rt.spawn(func() { iso.rt.replace(iso) })
	iso.r.Loop().Stop()
	iso.watchdog.Stop()
	iso.unwatch()
}

var errRetired = errors.New("isolate retired")

// RunningTask implements limits.Watched.
func (iso *isolate) RunningTask() uint64 {
	if iso.budget.Load() == 0 {
		return 0
	}
	return iso.taskSeq.Load()
}

// MemoryLimit implements limits.Watched.
func (iso *isolate) MemoryLimit() int64 { return iso.rt.opts.Limits.Memory }

// MemoryExceeded implements limits.Watched: stop the task; TaskEnd retires
// the isolate.
func (iso *isolate) MemoryExceeded(seq uint64, grown int64) {
	if iso.taskSeq.Load() != seq {
		return
	}
	iso.memGrown.Store(grown)
	iso.memSeq.Store(seq)
	iso.r.Interrupt(limits.ErrMemory)
}

// shutdown stops the isolate (Close): requests in flight fail.
func (iso *isolate) shutdown(err error) {
	ok := iso.r.Submit(nil, func() {
		iso.dead.Store(true)
		for x := range iso.exchanges {
			x.fail(err, false)
			x.finish()
		}
		iso.r.Loop().Stop()
	})
	if !ok {
		iso.r.Loop().Stop()
	}
	iso.watchdog.Stop()
	iso.unwatch()
}
