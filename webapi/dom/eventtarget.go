package dom

import (
	"errors"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// listener is an entry of an event listener list.
type listener struct {
	typ      string
	callback *goja.Object  // the callback object (nil for an event handler)
	fn       goja.Callable // callback as a function, nil for handleEvent objects
	handler  *eventHandler // set for the listener of an event handler attribute
	capture  bool
	once     bool
	passive  bool
	removed  bool
	// unsubscribe removes the abort algorithm of the listener's signal.
	unsubscribe func()
}

// eventHandler is an event handler attribute (onabort, ...).
type eventHandler struct {
	typ   string
	value *goja.Object // nil: null
	l     *listener    // non-nil while activated
}

// EventTarget is the Go side of a DOM EventTarget
// (https://dom.spec.whatwg.org/#eventtarget).
//
// To define another event target interface in Go, embed EventTarget in a
// struct and make a class whose parent is EventTargetClass(r); the
// EventTarget methods (addEventListener, removeEventListener,
// dispatchEvent) accept any EventTargetObject receiver. Event handler
// attributes (onmessage, ...) are defined with DefineEventHandler.
//
// An EventTarget has no parent: the event path holds only the target. It
// must be used on the realm's loop goroutine only.
type EventTarget struct {
	realm.Host
	// listeners is copy-on-write with respect to existing elements: a
	// removal builds a new array (or caps the old one), an addition only
	// writes past the current length. A dispatch can thus iterate over a
	// snapshot of the slice header, which is the spec's "clone".
	listeners []*listener
	handlers  []*eventHandler
}

// EventTargetObject is implemented by *EventTarget and by every struct that
// embeds EventTarget.
type EventTargetObject interface {
	realm.HostObject
	DOMEventTarget() *EventTarget
}

// DOMEventTarget returns t itself (it implements EventTargetObject for
// embedders).
func (t *EventTarget) DOMEventTarget() *EventTarget { return t }

// HasListeners reports whether any listener (or event handler attribute)
// for typ is registered.
func (t *EventTarget) HasListeners(typ string) bool {
	for _, l := range t.listeners {
		if l.typ == typ {
			return true
		}
	}
	return false
}

// NewEventTarget creates a plain EventTarget object from Go.
func NewEventTarget(r *realm.Realm) (*goja.Object, *EventTarget) {
	t := &EventTarget{}
	t.Bind(r)
	return getState(r).eventTarget.Wrap(t), t
}

func (t *EventTarget) add(l *listener, sig *AbortSignal) {
	if sig != nil && sig.reason != nil {
		return
	}
	for _, x := range t.listeners {
		if x.handler == nil && x.typ == l.typ && x.callback == l.callback && x.capture == l.capture {
			return
		}
	}
	t.listeners = append(t.listeners, l)
	if sig != nil {
		l.unsubscribe = sig.AddAlgorithm(func(goja.Value) { t.remove(l) })
	}
}

func (t *EventTarget) remove(l *listener) {
	l.removed = true
	if l.unsubscribe != nil {
		u := l.unsubscribe
		l.unsubscribe = nil
		u()
	}
	for i, x := range t.listeners {
		if x == l {
			// Never write into the existing array: a dispatch may be
			// iterating over it.
			t.listeners = append(t.listeners[:i:i], t.listeners[i+1:]...)
			return
		}
	}
}

func (t *EventTarget) find(typ string, cb *goja.Object, capture bool) *listener {
	for _, x := range t.listeners {
		if x.handler == nil && x.typ == typ && x.callback == cb && x.capture == capture {
			return x
		}
	}
	return nil
}

// callbackArg converts the callback argument (EventListener?): nil for null
// and undefined, a TypeError for other non-objects.
func callbackArg(r *realm.Realm, v goja.Value, method string) *goja.Object {
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError("Failed to execute '" + method + "' on 'EventTarget': parameter 2 is not of type 'Object'."))
	}
	return o
}

// addEventListener implements EventTarget.addEventListener on t; h is the
// host object that holds t (nil for an exposed object).
func addEventListener(r *realm.Realm, h EventTargetObject, t *EventTarget, call goja.FunctionCall) {
	requireArgs(r, call, 2, "EventTarget", "addEventListener")
	typ := toDOMString(r, call.Argument(0))
	cb := callbackArg(r, call.Argument(1), "addEventListener")
	l := &listener{typ: typ, callback: cb}
	var sig *AbortSignal
	switch opt := call.Argument(2).(type) {
	case *goja.Object:
		l.capture = boolMember(opt, "capture")
		l.once = boolMember(opt, "once")
		l.passive = boolMember(opt, "passive")
		if v := opt.Get("signal"); v != nil && !goja.IsUndefined(v) {
			s, ok := SignalFrom(v)
			if !ok {
				panic(r.NewTypeError("Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'."))
			}
			sig = s
		}
	default:
		if !goja.IsNull(opt) && !goja.IsUndefined(opt) {
			l.capture = opt.ToBoolean()
		}
	}
	if cb == nil {
		return
	}
	l.fn, _ = goja.AssertFunction(cb)
	t.add(l, sig)
	if typ == "abort" {
		if s, ok := h.(*AbortSignal); ok {
			// A dependent signal with abort listeners must outlive its
			// last script reference while its sources can abort it.
			s.pin()
		}
	}
}

func removeEventListener(r *realm.Realm, t *EventTarget, call goja.FunctionCall) {
	requireArgs(r, call, 2, "EventTarget", "removeEventListener")
	typ := toDOMString(r, call.Argument(0))
	cb := callbackArg(r, call.Argument(1), "removeEventListener")
	var capture bool
	switch opt := call.Argument(2).(type) {
	case *goja.Object:
		capture = boolMember(opt, "capture")
	default:
		if !goja.IsNull(opt) && !goja.IsUndefined(opt) {
			capture = opt.ToBoolean()
		}
	}
	if cb == nil {
		return
	}
	if l := t.find(typ, cb, capture); l != nil {
		t.remove(l)
	}
}

func dispatchEventJS(r *realm.Realm, t *EventTarget, targetObj *goja.Object, call goja.FunctionCall) goja.Value {
	requireArgs(r, call, 1, "EventTarget", "dispatchEvent")
	evObj, _ := call.Argument(0).(*goja.Object)
	eo, ok := realm.Unwrap[EventObject](call.Argument(0))
	if !ok {
		panic(r.NewTypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'."))
	}
	ev := eo.DOMEvent()
	if ev.flags&fDispatch != 0 {
		Throw(r, "InvalidStateError", "Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.")
	}
	if ev.flags&fInitialized == 0 {
		Throw(r, "InvalidStateError", "Failed to execute 'dispatchEvent' on 'EventTarget': The event provided is uninitialized.")
	}
	ev.flags &^= fTrusted
	ok, err := dispatch(r, t, targetObj, ev, evObj)
	rethrow(err)
	return r.VM().ToValue(ok)
}

// Dispatch dispatches event at target from Go and reports whether the event
// was not canceled (the result of dispatchEvent). target is an object made
// by an EventTarget class (or a subclass), or one given to
// ExposeEventTarget; event is an Event object (or of a subclass). Unlike
// dispatchEvent it keeps the event's isTrusted (see Event.SetTrusted).
//
// Exceptions thrown by listeners are reported (ReportException) and do not
// stop the dispatch. The error is non-nil when the arguments are not a
// target and an event, when the event is being dispatched or is not
// initialized, and when the VM was interrupted while a listener ran (a
// *goja.InterruptedError: the dispatch stopped).
func Dispatch(r *realm.Realm, target, event *goja.Object) (bool, error) {
	var t *EventTarget
	if to, ok := realm.Unwrap[EventTargetObject](target); ok {
		t = to.DOMEventTarget()
	} else if et := getState(r).exposed[target]; et != nil && target != nil {
		t = et
	} else {
		return false, errors.New("dom.Dispatch: the target is not an EventTarget")
	}
	eo, ok := realm.Unwrap[EventObject](event)
	if !ok {
		return false, errors.New("dom.Dispatch: the event is not an Event")
	}
	ev := eo.DOMEvent()
	if ev.flags&fDispatch != 0 {
		return false, errors.New("dom.Dispatch: the event is already being dispatched")
	}
	if ev.flags&fInitialized == 0 {
		return false, errors.New("dom.Dispatch: the event is not initialized")
	}
	return dispatch(r, t, target, ev, event)
}

// dispatch runs the DOM's dispatch algorithm for a target without parent.
// The error is an interrupt only.
func dispatch(r *realm.Realm, t *EventTarget, targetObj *goja.Object, ev *Event, evObj *goja.Object) (bool, error) {
	ev.flags |= fDispatch | fInPath
	defer func() {
		ev.phase = PhaseNone
		ev.currentTarget = nil
		ev.flags &^= fDispatch | fInPath | fStopPropagation | fStopImmediate | fInPassive
	}()
	ev.target = targetObj
	ev.phase = PhaseAtTarget
	if err := invoke(r, t, targetObj, ev, evObj, true); err != nil {
		return false, err
	}
	ev.phase = PhaseAtTarget
	if err := invoke(r, t, targetObj, ev, evObj, false); err != nil {
		return false, err
	}
	return ev.flags&fCanceled == 0, nil
}

// invoke is the spec's "invoke" followed by "inner invoke" for one phase.
func invoke(r *realm.Realm, t *EventTarget, cur *goja.Object, ev *Event, evObj *goja.Object, capturing bool) error {
	if ev.flags&fStopPropagation != 0 {
		return nil
	}
	ev.currentTarget = cur
	listeners := t.listeners // snapshot: see EventTarget.listeners
	for _, l := range listeners {
		if l.removed || l.typ != ev.typ || l.capture != capturing {
			continue
		}
		if l.once {
			t.remove(l)
		}
		if l.passive {
			ev.flags |= fInPassive
		}
		err := callListener(r, l, cur, ev, evObj)
		ev.flags &^= fInPassive
		if err != nil {
			return err
		}
		if ev.flags&fStopImmediate != 0 {
			return nil
		}
	}
	return nil
}

// callListener calls one listener; exceptions are reported, interrupts
// returned.
func callListener(r *realm.Realm, l *listener, cur *goja.Object, ev *Event, evObj *goja.Object) error {
	var err error
	switch {
	case l.handler != nil:
		// The event handler processing algorithm.
		v := l.handler.value
		if v == nil {
			return nil
		}
		f, ok := goja.AssertFunction(v)
		if !ok {
			return nil // [LegacyTreatNonObjectAsNull]: a non-callable object is ignored
		}
		var ret goja.Value
		ret, err = f(cur, evObj)
		if err == nil && ret != nil && ret.StrictEquals(r.VM().ToValue(false)) {
			ev.PreventDefault()
		}
	case l.fn != nil:
		_, err = l.fn(cur, evObj)
	default:
		_, err = getState(r).callHandleEvent(l.callback, evObj)
	}
	if err != nil {
		return reportCallError(r, err)
	}
	return nil
}

// makeCallHandleEvent builds the realm's helper that calls
// callback.handleEvent(event) with callback as this. It is a callable so that
// an exception from the handleEvent getter is returned like one from the call.
func makeCallHandleEvent(r *realm.Realm) goja.Callable {
	fn := r.Func("handleEvent", 1, func(call goja.FunctionCall) goja.Value {
		cb, _ := call.This.(*goja.Object)
		if cb == nil {
			return goja.Undefined()
		}
		h := cb.Get("handleEvent")
		f, ok := goja.AssertFunction(h)
		if !ok {
			panic(r.NewTypeError("The event listener is not a function and its 'handleEvent' property is not callable"))
		}
		ret, err := f(cb, call.Argument(0))
		if err != nil {
			panic(err)
		}
		return ret
	})
	f, _ := goja.AssertFunction(fn)
	return f
}

func installEventTarget(r *realm.Realm) *realm.Class {
	var c *realm.Class
	c = r.NewClass("EventTarget", 0, func(call goja.ConstructorCall) *goja.Object {
		t := &EventTarget{}
		t.Bind(r)
		return c.WrapFor(call, t)
	}, nil)
	c.Method("addEventListener", 2, func(call goja.FunctionCall) goja.Value {
		h := realm.ThisBound[EventTargetObject](r, call, "EventTarget")
		addEventListener(r, h, h.DOMEventTarget(), call)
		return goja.Undefined()
	})
	c.Method("removeEventListener", 2, func(call goja.FunctionCall) goja.Value {
		h := realm.ThisBound[EventTargetObject](r, call, "EventTarget")
		removeEventListener(r, h.DOMEventTarget(), call)
		return goja.Undefined()
	})
	c.Method("dispatchEvent", 1, func(call goja.FunctionCall) goja.Value {
		h := realm.ThisBound[EventTargetObject](r, call, "EventTarget")
		return dispatchEventJS(r, h.DOMEventTarget(), call.This.(*goja.Object), call)
	})
	c.Global()
	return c
}

// ExposeEventTarget makes obj, an object that is not an EventTarget host
// object (typically the global object of a service worker), behave as an
// EventTarget backed by t: it defines addEventListener, removeEventListener
// and dispatchEvent as own methods of obj. Called without a receiver (as in
// `addEventListener('fetch', ...)`) or on obj, they act on t with obj as the
// event target; called on another EventTarget they act on that one. Dispatch
// accepts obj as a target afterwards. Pass a t from NewEventTarget or a
// zero &EventTarget{}.
func ExposeEventTarget(r *realm.Realm, obj *goja.Object, t *EventTarget) {
	s := getState(r)
	if s.exposed == nil {
		s.exposed = map[*goja.Object]*EventTarget{}
	}
	s.exposed[obj] = t
	resolve := func(call goja.FunctionCall) (EventTargetObject, *EventTarget, *goja.Object) {
		if goja.IsUndefined(call.This) || goja.IsNull(call.This) || call.This == obj {
			return nil, t, obj
		}
		h := realm.ThisBound[EventTargetObject](r, call, "EventTarget")
		return h, h.DOMEventTarget(), call.This.(*goja.Object)
	}
	define := func(name string, length int, fn func(goja.FunctionCall) goja.Value) {
		_ = obj.DefineDataProperty(name, r.Func(name, length, fn), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	define("addEventListener", 2, func(call goja.FunctionCall) goja.Value {
		h, et, _ := resolve(call)
		addEventListener(r, h, et, call)
		return goja.Undefined()
	})
	define("removeEventListener", 2, func(call goja.FunctionCall) goja.Value {
		_, et, _ := resolve(call)
		removeEventListener(r, et, call)
		return goja.Undefined()
	})
	define("dispatchEvent", 1, func(call goja.FunctionCall) goja.Value {
		_, et, o := resolve(call)
		return dispatchEventJS(r, et, o, call)
	})
}

// DefineEventHandler defines the event handler IDL attribute "on"+typ (for
// example onabort) on class c, whose instances are T (the accessors throw
// "Illegal invocation" for other receivers):
//
//	dom.DefineEventHandler[*WebSocket](r, c, "message")
//
// As the HTML Standard says, setting a function (or any object) registers
// one listener, at the position of the first assignment; later assignments
// replace the callback in place; setting a non-object sets null and removes
// the listener. A handler that returns false cancels the event.
func DefineEventHandler[T EventTargetObject](r *realm.Realm, c *realm.Class, typ string) {
	name := "on" + typ
	c.Accessor(name, func(call goja.FunctionCall) goja.Value {
		t := realm.This[T](r, call, c.Name).DOMEventTarget()
		if v := t.EventHandler(typ); v != nil {
			return v
		}
		return goja.Null()
	}, func(call goja.FunctionCall) goja.Value {
		ho := realm.ThisBound[T](r, call, c.Name)
		v, _ := call.Argument(0).(*goja.Object)
		ho.DOMEventTarget().SetEventHandler(typ, v)
		if v != nil && typ == "abort" {
			if s, ok := any(ho).(*AbortSignal); ok {
				s.pin()
			}
		}
		return goja.Undefined()
	})
}

// SetEventHandler sets the value of t's event handler for typ (what
// `target.on<typ> = v` does); nil deactivates it.
func (t *EventTarget) SetEventHandler(typ string, v *goja.Object) {
	if v == nil {
		h := t.handler(typ, false)
		if h == nil {
			return
		}
		h.value = nil
		if h.l != nil {
			l := h.l
			h.l = nil
			t.remove(l)
		}
		return
	}
	h := t.handler(typ, true)
	h.value = v
	if h.l == nil {
		h.l = &listener{typ: typ, handler: h}
		t.listeners = append(t.listeners, h.l)
	}
}

// EventHandler returns the value of t's event handler for typ (nil: null).
func (t *EventTarget) EventHandler(typ string) *goja.Object {
	if h := t.handler(typ, false); h != nil {
		return h.value
	}
	return nil
}

func (t *EventTarget) handler(typ string, create bool) *eventHandler {
	for _, h := range t.handlers {
		if h.typ == typ {
			return h
		}
	}
	if !create {
		return nil
	}
	h := &eventHandler{typ: typ}
	t.handlers = append(t.handlers, h)
	return h
}
