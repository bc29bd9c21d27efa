package dom

import (
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Install defines the DOM globals (DOMException, Event, CustomEvent,
// EventTarget, AbortController, AbortSignal) in r. It is idempotent; the
// class accessors (EventClass, EventTargetClass, ...) install on demand, so
// other packages may use them before or after Install runs.
func Install(r *realm.Realm) {
	domExceptionClass(r)
	quotaClass(r)
	getState(r)
}

// state is everything the package keeps per realm, built once.
type state struct {
	origin int64 // realm time origin, in monotonic nanoseconds since procStart

	event, customEvent, eventTarget *realm.Class
	abortSignal, abortController    *realm.Class

	// callHandleEvent invokes callback.handleEvent(event) for listener objects.
	callHandleEvent goja.Callable
	// exposed maps objects made event targets by ExposeEventTarget (the
	// global scope) to their listener lists.
	exposed map[*goja.Object]*EventTarget
}

var stateKey = realm.NewKey[*state]()

// procStart is the base of the monotonic clock used for time stamps.
var procStart = time.Now()

func monoNow() int64 { return int64(time.Since(procStart)) }

func getState(r *realm.Realm) *state {
	if s := stateKey.Get(r); s != nil {
		return s
	}
	s := &state{origin: monoNow()}
	stateKey.Set(r, s) // set first: the installers below look it up
	s.callHandleEvent = makeCallHandleEvent(r)
	s.event = installEvent(r)
	s.customEvent = installCustomEvent(r, s.event)
	s.eventTarget = installEventTarget(r)
	s.abortSignal = installAbortSignal(r, s.eventTarget)
	s.abortController = installAbortController(r)
	return s
}

// TimeOrigin returns the realm's time origin: Event.timeStamp is measured in
// milliseconds from it (performance.now() should use the same origin).
func TimeOrigin(r *realm.Realm) time.Time {
	return procStart.Add(time.Duration(getState(r).origin))
}

// EventClass returns the realm's Event interface, to use as the parent of
// Go-defined event classes (see Event).
func EventClass(r *realm.Realm) *realm.Class { return getState(r).event }

// CustomEventClass returns the realm's CustomEvent interface.
func CustomEventClass(r *realm.Realm) *realm.Class { return getState(r).customEvent }

// EventTargetClass returns the realm's EventTarget interface, to use as the
// parent of Go-defined event target classes (see EventTarget).
func EventTargetClass(r *realm.Realm) *realm.Class { return getState(r).eventTarget }

// AbortSignalClass returns the realm's AbortSignal interface.
func AbortSignalClass(r *realm.Realm) *realm.Class { return getState(r).abortSignal }

// AbortControllerClass returns the realm's AbortController interface.
func AbortControllerClass(r *realm.Realm) *realm.Class { return getState(r).abortController }
