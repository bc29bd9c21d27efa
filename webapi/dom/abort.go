package dom

import (
	"errors"
	"math"
	"time"
	"weak"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// AbortSignal is the Go side of a DOM AbortSignal
// (https://dom.spec.whatwg.org/#interface-AbortSignal). Make one with
// NewAbortSignal (or get it from a script value with SignalFrom); the zero
// value is not usable. Use it on the realm's loop goroutine only.
type AbortSignal struct {
	EventTarget
	obj        *goja.Object
	reason     goja.Value // nil: not aborted
	algorithms []*abortAlgorithm
	deps       *signalDeps // nil until AbortSignal.any involves the signal
}

// signalDeps is the AbortSignal.any bookkeeping, kept out of line because
// most signals (one per request) never need it.
type signalDeps struct {
	dependent  bool
	pinned     bool
	sources    []*AbortSignal // source signals (never dependent, never aborted when added)
	dependents []dependentRef // dependent signals, weakly held unless pinned
	sweepAt    int
}

func (s *AbortSignal) depsOf() *signalDeps {
	if s.deps == nil {
		s.deps = &signalDeps{}
	}
	return s.deps
}

type abortAlgorithm struct{ f func(reason goja.Value) }

// dependentRef holds a dependent signal weakly, as the spec's weak set does;
// strong is set once the dependent has abort listeners or algorithms, which
// the spec says keeps it alive while a source may still abort it.
type dependentRef struct {
	w      weak.Pointer[AbortSignal]
	strong *AbortSignal
}

func (d dependentRef) get() *AbortSignal {
	if d.strong != nil {
		return d.strong
	}
	return d.w.Value()
}

// NewAbortSignal creates a fresh, non-aborted AbortSignal from Go (for
// example request.signal), bound to the current request context. Abort it
// with Abort.
func NewAbortSignal(r *realm.Realm) (*goja.Object, *AbortSignal) {
	s := newSignal(r, getState(r))
	return s.obj, s
}

func newSignal(r *realm.Realm, st *state) *AbortSignal {
	s := &AbortSignal{}
	s.Bind(r)
	s.obj = st.abortSignal.Wrap(s)
	return s
}

// SignalFrom returns the AbortSignal behind a script value.
func SignalFrom(v goja.Value) (*AbortSignal, bool) {
	return realm.Unwrap[*AbortSignal](v)
}

// Object returns the signal's JavaScript object.
func (s *AbortSignal) Object() *goja.Object { return s.obj }

// Aborted reports whether the signal is aborted.
func (s *AbortSignal) Aborted() bool { return s.reason != nil }

// Reason returns the abort reason, or nil when the signal is not aborted.
func (s *AbortSignal) Reason() goja.Value { return s.reason }

// AddAlgorithm adds an abort algorithm: f runs synchronously, with the
// reason, when the signal is aborted, after the algorithms added before it
// and before the abort event is fired. It is not called if the signal is
// already aborted (check Aborted first). The returned function removes f;
// call it when the operation f would cancel has finished, so that a
// long-lived signal does not accumulate algorithms. f runs on the loop
// goroutine; it must not throw.
func (s *AbortSignal) AddAlgorithm(f func(reason goja.Value)) (remove func()) {
	if s.reason != nil || f == nil {
		return func() {}
	}
	a := &abortAlgorithm{f: f}
	s.algorithms = append(s.algorithms, a)
	s.pin()
	return func() {
		if a.f == nil {
			return
		}
		a.f = nil
		for i, x := range s.algorithms {
			if x == a {
				copy(s.algorithms[i:], s.algorithms[i+1:])
				s.algorithms[len(s.algorithms)-1] = nil
				s.algorithms = s.algorithms[:len(s.algorithms)-1]
				return
			}
		}
	}
}

// Abort signals abort on s with reason (nil or undefined: a new
// "AbortError" DOMException), as AbortController.abort does: the reason is
// set on s and its dependent signals, then for each of them the abort
// algorithms run and an "abort" event is fired. Exceptions thrown by
// listeners are reported. Aborting an aborted signal does nothing.
//
// If the VM is interrupted while a listener runs, the remaining events are
// not fired (the algorithms still run) and the interrupt is raised again
// with r.Interrupt, so that it takes effect at the next JavaScript
// instruction.
func (s *AbortSignal) Abort(r *realm.Realm, reason goja.Value) {
	if err := s.abort(r, reason); err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			r.Interrupt(ie.Value())
		}
	}
}

// abort is the spec's "signal abort"; the error is an interrupt.
func (s *AbortSignal) abort(r *realm.Realm, reason goja.Value) error {
	if s.reason != nil {
		return nil
	}
	if reason == nil || goja.IsUndefined(reason) {
		reason = NewDOMException(r, "AbortError", "signal is aborted without reason")
	}
	s.reason = reason
	var toAbort []*AbortSignal
	if s.deps != nil {
		for _, d := range s.deps.dependents {
			if ds := d.get(); ds != nil && ds.reason == nil {
				ds.reason = reason
				toAbort = append(toAbort, ds)
			}
		}
		s.deps.dependents = nil
	}
	err := s.runAbortSteps(r, true)
	for _, ds := range toAbort {
		if e := ds.runAbortSteps(r, err == nil); e != nil {
			err = e
		}
	}
	return err
}

// runAbortSteps runs the abort algorithms, then fires "abort" (if fire and
// anyone listens: the event is not observable otherwise).
func (s *AbortSignal) runAbortSteps(r *realm.Realm, fire bool) error {
	if s.deps != nil && s.deps.dependent {
		// An aborted dependent needs no source any more.
		for _, src := range s.deps.sources {
			src.removeDependent(s)
		}
		s.deps.sources = nil
	}
	algs := s.algorithms
	s.algorithms = nil
	for _, a := range algs {
		if f := a.f; f != nil {
			a.f = nil
			f(s.reason)
		}
	}
	if !fire || !s.HasListeners("abort") {
		return nil
	}
	ev := &Event{}
	ev.Bind(r)
	ev.Init("abort", false, false)
	ev.flags |= fTrusted
	evObj := getState(r).event.Wrap(ev)
	_, err := dispatch(r, &s.EventTarget, s.obj, ev, evObj)
	return err
}

// pin makes the sources of a dependent signal hold it strongly (it has
// abort listeners or algorithms now).
func (s *AbortSignal) pin() {
	d := s.deps
	if d == nil || !d.dependent || d.pinned || s.reason != nil {
		return
	}
	d.pinned = true
	w := weak.Make(s)
	for _, src := range d.sources {
		deps := src.deps.dependents
		for i := range deps {
			if deps[i].w == w {
				deps[i].strong = s
			}
		}
	}
}

// needsPin reports whether a dependent signal must be kept alive by its
// sources: it can still be aborted and someone would observe it.
func (s *AbortSignal) needsPin() bool {
	return s.reason == nil && (len(s.algorithms) > 0 || s.HasListeners("abort"))
}

func (s *AbortSignal) addDependent(d *AbortSignal) {
	sd := s.depsOf()
	w := weak.Make(d)
	for _, x := range sd.dependents {
		if x.w == w {
			return
		}
	}
	if len(sd.dependents) >= sd.sweepAt {
		// Drop the dependents that were garbage collected, and hold weakly
		// again those that lost their abort listeners and algorithms.
		kept := sd.dependents[:0]
		for _, x := range sd.dependents {
			if x.strong != nil && !x.strong.needsPin() {
				x.strong.deps.pinned = false
				x.strong = nil
			}
			if x.get() != nil {
				kept = append(kept, x)
			}
		}
		clear(sd.dependents[len(kept):])
		sd.dependents = kept
		sd.sweepAt = 2*len(kept) + 8
	}
	ref := dependentRef{w: w}
	if d.deps != nil && d.deps.pinned {
		ref.strong = d
	}
	sd.dependents = append(sd.dependents, ref)
}

func (s *AbortSignal) removeDependent(d *AbortSignal) {
	if s.deps == nil {
		return
	}
	w := weak.Make(d)
	deps := s.deps.dependents
	for i, x := range deps {
		if x.w == w {
			n := len(deps)
			copy(deps[i:], deps[i+1:])
			deps[n-1] = dependentRef{}
			s.deps.dependents = deps[:n-1]
			return
		}
	}
}

// anySignal is the spec's "create a dependent abort signal".
func anySignal(r *realm.Realm, st *state, signals []*AbortSignal) *AbortSignal {
	res := newSignal(r, st)
	for _, s := range signals {
		if s.reason != nil {
			res.reason = s.reason
			return res
		}
	}
	rd := res.depsOf()
	rd.dependent = true
	addSource := func(src *AbortSignal) {
		for _, x := range rd.sources {
			if x == src {
				return
			}
		}
		rd.sources = append(rd.sources, src)
		src.addDependent(res)
	}
	for _, s := range signals {
		if s.deps == nil || !s.deps.dependent {
			addSource(s)
			continue
		}
		for _, src := range s.deps.sources {
			addSource(src)
		}
	}
	return res
}

// timeoutMillis converts the argument of AbortSignal.timeout as
// [EnforceRange] unsigned long long.
func timeoutMillis(r *realm.Realm, v goja.Value) float64 {
	f := v.ToFloat()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		panic(r.NewTypeError("Failed to execute 'timeout' on 'AbortSignal': Value is not a finite number."))
	}
	f = math.Trunc(f)
	if f < 0 || f > 1<<53-1 {
		panic(r.NewTypeError("Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range."))
	}
	return f
}

// timeoutSignal implements AbortSignal.timeout. The timer belongs to the
// current request: it is a time.AfterFunc whose callback submits a task of
// that request, and it is stopped when the request ends (a signal whose
// request ended never times out). Outside a request (static
// initialization, tasks of no request) no timer is armed and the signal
// never aborts, so that a timer started at initialization cannot fire into
// whichever request happens to be running later.
//
// Timeouts fire in deadline order, creation order among equal deadlines (as
// the HTML timer task source does): the AfterFunc callbacks run on
// goroutines in any order, so each task aborts every due signal of its
// request in order rather than its own signal only.
func timeoutSignal(r *realm.Realm, st *state, ms float64) *AbortSignal {
	s := newSignal(r, st)
	ctx := r.Current()
	if ctx == nil {
		return s
	}
	d := time.Duration(math.MaxInt64)
	if ms < float64(math.MaxInt64/int64(time.Millisecond)) {
		d = time.Duration(ms) * time.Millisecond
	}
	q, _ := ctx.Value(timeoutQueueKey{}).(*timeoutQueue)
	if q == nil {
		q = &timeoutQueue{}
		ctx.SetValue(timeoutQueueKey{}, q)
	}
	t := &pendingTimeout{signal: s, due: time.Now().Add(d)}
	q.pending = append(q.pending, t) // due times only grow with creation order
	for i := len(q.pending) - 1; i > 0 && q.pending[i].due.Before(q.pending[i-1].due); i-- {
		q.pending[i], q.pending[i-1] = q.pending[i-1], q.pending[i]
	}
	t.timer = time.AfterFunc(d, func() {
		r.Submit(ctx, func() { q.fireDue(r) })
	})
	ctx.OnEnd(func() { t.timer.Stop() })
	return s
}

type timeoutQueueKey struct{}

// timeoutQueue holds a request's armed AbortSignal.timeout signals in
// firing order. Used on the loop goroutine only.
type timeoutQueue struct {
	pending []*pendingTimeout
}

type pendingTimeout struct {
	signal *AbortSignal
	due    time.Time
	timer  *time.Timer
}

func (q *timeoutQueue) fireDue(r *realm.Realm) {
	now := time.Now()
	for len(q.pending) > 0 && !q.pending[0].due.After(now) {
		t := q.pending[0]
		q.pending[0] = nil
		q.pending = q.pending[1:]
		t.signal.Abort(r, NewDOMException(r, "TimeoutError", "signal timed out"))
	}
}

func thisSignal(r *realm.Realm, call goja.FunctionCall) *AbortSignal {
	return realm.This[*AbortSignal](r, call, "AbortSignal")
}

func installAbortSignal(r *realm.Realm, parent *realm.Class) *realm.Class {
	vm := r.VM()
	c := r.NewClass("AbortSignal", 0, nil, parent)
	c.Static("abort", 0, func(call goja.FunctionCall) goja.Value {
		s := newSignal(r, getState(r))
		reason := call.Argument(0)
		if goja.IsUndefined(reason) {
			reason = NewDOMException(r, "AbortError", "signal is aborted without reason")
		}
		s.reason = reason
		return s.obj
	})
	c.Static("timeout", 1, func(call goja.FunctionCall) goja.Value {
		requireArgs(r, call, 1, "AbortSignal", "timeout")
		ms := timeoutMillis(r, call.Argument(0))
		return timeoutSignal(r, getState(r), ms).obj
	})
	c.Static("any", 1, func(call goja.FunctionCall) goja.Value {
		requireArgs(r, call, 1, "AbortSignal", "any")
		arg := call.Argument(0)
		if _, ok := arg.(*goja.Object); !ok {
			panic(r.NewTypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence."))
		}
		var signals []*AbortSignal
		vm.ForOf(arg, func(v goja.Value) bool {
			s, ok := SignalFrom(v)
			if !ok {
				panic(r.NewTypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'."))
			}
			signals = append(signals, s)
			return true
		})
		return anySignal(r, getState(r), signals).obj
	})
	c.Getter("aborted", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisSignal(r, call).reason != nil)
	})
	c.Getter("reason", func(call goja.FunctionCall) goja.Value {
		if v := thisSignal(r, call).reason; v != nil {
			return v
		}
		return goja.Undefined()
	})
	c.Method("throwIfAborted", 0, func(call goja.FunctionCall) goja.Value {
		if v := thisSignal(r, call).reason; v != nil {
			panic(v)
		}
		return goja.Undefined()
	})
	DefineEventHandler[*AbortSignal](r, c, "abort")
	c.Global()
	return c
}

// AbortController is the Go side of a DOM AbortController.
type AbortController struct {
	realm.Host
	signal *AbortSignal
}

// Signal returns the controller's signal.
func (c *AbortController) Signal() *AbortSignal { return c.signal }

func installAbortController(r *realm.Realm) *realm.Class {
	var c *realm.Class
	c = r.NewClass("AbortController", 0, func(call goja.ConstructorCall) *goja.Object {
		ctl := &AbortController{signal: newSignal(r, getState(r))}
		ctl.Bind(r)
		return c.WrapFor(call, ctl)
	}, nil)
	c.Getter("signal", func(call goja.FunctionCall) goja.Value {
		return realm.This[*AbortController](r, call, "AbortController").signal.obj
	})
	c.Method("abort", 0, func(call goja.FunctionCall) goja.Value {
		ctl := realm.ThisBound[*AbortController](r, call, "AbortController")
		rethrow(ctl.signal.abort(r, call.Argument(0)))
		return goja.Undefined()
	})
	c.Global()
	return c
}

// AnySignal returns a new signal that follows signals, as AbortSignal.any
// does (already aborted if one of them is). Request uses it for its signal.
func AnySignal(r *realm.Realm, signals ...*AbortSignal) *AbortSignal {
	return anySignal(r, getState(r), signals)
}
