package dom

import (
	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Event phases (Event.eventPhase).
const (
	PhaseNone      = 0
	PhaseCapturing = 1
	PhaseAtTarget  = 2
	PhaseBubbling  = 3
)

type eventFlags uint16

const (
	fInitialized eventFlags = 1 << iota
	fDispatch
	fStopPropagation
	fStopImmediate
	fCanceled
	fInPassive
	fBubbles
	fCancelable
	fComposed
	fTrusted
	fInPath // the event's path is non-empty (it is being dispatched)
)

// Event is the Go side of a DOM Event (https://dom.spec.whatwg.org/#event).
//
// To define another event interface in Go, embed Event in a struct and make
// a class whose parent is EventClass(r); every Event method and accessor then
// works on its instances, because they accept any EventObject:
//
//	type FetchEvent struct {
//		dom.Event
//		request *goja.Object
//	}
//
//	c := r.NewClass("FetchEvent", 2, nil, dom.EventClass(r))
//	fe := &FetchEvent{request: req}
//	fe.Init("fetch", false, false)
//	fe.SetTrusted(true)
//	obj := c.Wrap(fe)
//	notCanceled, err := dom.Dispatch(r, target, obj)
//
// The zero Event is not initialized: dispatching it throws InvalidStateError
// until Init is called. Events are not safe for concurrent use; use them on
// the realm's loop goroutine only.
type Event struct {
	realm.Host
	typ           string
	target        *goja.Object
	currentTarget *goja.Object
	created       int64 // monotonic ns since procStart
	flags         eventFlags
	phase         uint8
}

// EventObject is implemented by *Event and by every struct that embeds
// Event; the Event interface's methods accept any EventObject receiver.
type EventObject interface {
	realm.HostObject
	DOMEvent() *Event
}

// DOMEvent returns e itself (it implements EventObject for embedders).
func (e *Event) DOMEvent() *Event { return e }

// Init initializes e as the DOM's "initialize" algorithm does (used by the
// constructor and initEvent): it sets the type, bubbles and cancelable,
// marks e initialized, clears its stop-propagation and canceled flags, its
// isTrusted and its target. The first call also records the time stamp.
// Init does nothing while e is being dispatched.
func (e *Event) Init(typ string, bubbles, cancelable bool) {
	if e.flags&fDispatch != 0 {
		return
	}
	if e.created == 0 {
		e.created = monoNow()
	}
	f := e.flags | fInitialized
	f &^= fStopPropagation | fStopImmediate | fCanceled | fTrusted | fBubbles | fCancelable
	if bubbles {
		f |= fBubbles
	}
	if cancelable {
		f |= fCancelable
	}
	e.flags = f
	e.typ = typ
	e.target = nil
}

// Type returns the event type ("fetch", "abort", ...).
func (e *Event) Type() string { return e.typ }

// Bubbles reports the bubbles attribute.
func (e *Event) Bubbles() bool { return e.flags&fBubbles != 0 }

// Cancelable reports the cancelable attribute.
func (e *Event) Cancelable() bool { return e.flags&fCancelable != 0 }

// Composed reports the composed attribute.
func (e *Event) Composed() bool { return e.flags&fComposed != 0 }

// SetComposed sets the composed attribute (it has no effect on dispatch
// here: there are no shadow trees).
func (e *Event) SetComposed(v bool) { e.setFlag(fComposed, v) }

// IsTrusted reports whether the event was dispatched by the host.
func (e *Event) IsTrusted() bool { return e.flags&fTrusted != 0 }

// SetTrusted marks the event as created and dispatched by the host
// (isTrusted). Call it after Init; dispatchEvent() from script clears it.
func (e *Event) SetTrusted(v bool) { e.setFlag(fTrusted, v) }

// DefaultPrevented reports whether preventDefault took effect (the canceled
// flag).
func (e *Event) DefaultPrevented() bool { return e.flags&fCanceled != 0 }

// PreventDefault sets the canceled flag if the event is cancelable and no
// passive listener is running, as preventDefault() does.
func (e *Event) PreventDefault() {
	if e.flags&(fCancelable|fInPassive) == fCancelable {
		e.flags |= fCanceled
	}
}

// PropagationStopped reports whether stopPropagation (or
// stopImmediatePropagation) was called during the current dispatch.
func (e *Event) PropagationStopped() bool { return e.flags&fStopPropagation != 0 }

// Dispatching reports whether the event is being dispatched.
func (e *Event) Dispatching() bool { return e.flags&fDispatch != 0 }

// Initialized reports whether Init has run.
func (e *Event) Initialized() bool { return e.flags&fInitialized != 0 }

// Target returns the object the event was dispatched at (nil before).
func (e *Event) Target() *goja.Object { return e.target }

// CurrentTarget returns the object whose listeners are running (nil outside
// dispatch).
func (e *Event) CurrentTarget() *goja.Object { return e.currentTarget }

// EventPhase returns one of the Phase constants.
func (e *Event) EventPhase() int { return int(e.phase) }

func (e *Event) setFlag(f eventFlags, v bool) {
	if v {
		e.flags |= f
	} else {
		e.flags &^= f
	}
}

// NewEvent creates an initialized Event object from Go (not trusted; call
// SetTrusted for host-dispatched events). It is cheap: one struct and one
// object.
func NewEvent(r *realm.Realm, typ string, bubbles, cancelable bool) (*goja.Object, *Event) {
	e := &Event{}
	e.Bind(r)
	e.Init(typ, bubbles, cancelable)
	return getState(r).event.Wrap(e), e
}

// CustomEvent is the Go side of a DOM CustomEvent.
type CustomEvent struct {
	Event
	detail goja.Value
}

// Detail returns the detail attribute (nil means null).
func (e *CustomEvent) Detail() goja.Value { return e.detail }

// SetDetail sets the detail attribute.
func (e *CustomEvent) SetDetail(v goja.Value) { e.detail = v }

func thisEvent(r *realm.Realm, call goja.FunctionCall) *Event {
	return realm.This[EventObject](r, call, "Event").DOMEvent()
}

func objOrNull(o *goja.Object) goja.Value {
	if o == nil {
		return goja.Null()
	}
	return o
}

// readEventInit reads the EventInit members (bubbles, cancelable, composed,
// in WebIDL's lexicographic order) into e after initializing it.
func readEventInit(e *Event, typ string, dict *goja.Object) {
	bubbles := boolMember(dict, "bubbles")
	cancelable := boolMember(dict, "cancelable")
	composed := boolMember(dict, "composed")
	e.Init(typ, bubbles, cancelable)
	e.setFlag(fComposed, composed)
}

func installEvent(r *realm.Realm) *realm.Class {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClassExact("Event", 1, func(call goja.ConstructorCall) *goja.Object {
		requireCtorArgs(r, call, 1, "Event")
		typ := toDOMString(r, call.Argument(0))
		dict := dictionary(r, call.Argument(1), "Failed to construct 'Event'", "EventInit")
		e := &Event{}
		e.Bind(r)
		readEventInit(e, typ, dict)
		return c.WrapFor(call, e)
	}, nil)
	c.Getter("type", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).typ)
	})
	c.Getter("target", func(call goja.FunctionCall) goja.Value {
		return objOrNull(thisEvent(r, call).target)
	})
	c.Getter("srcElement", func(call goja.FunctionCall) goja.Value {
		return objOrNull(thisEvent(r, call).target)
	})
	c.Getter("currentTarget", func(call goja.FunctionCall) goja.Value {
		return objOrNull(thisEvent(r, call).currentTarget)
	})
	c.Method("composedPath", 0, func(call goja.FunctionCall) goja.Value {
		e := thisEvent(r, call)
		// The path of an event dispatched at a plain EventTarget holds only
		// the target; the spec's algorithm then yields [currentTarget].
		if e.flags&fInPath == 0 || e.currentTarget == nil {
			return vm.NewArray()
		}
		return vm.NewArray(e.currentTarget)
	})
	c.Getter("eventPhase", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(int(thisEvent(r, call).phase))
	})
	c.Method("stopPropagation", 0, func(call goja.FunctionCall) goja.Value {
		thisEvent(r, call).flags |= fStopPropagation
		return goja.Undefined()
	})
	c.Accessor("cancelBubble", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fStopPropagation != 0)
	}, func(call goja.FunctionCall) goja.Value {
		e := thisEvent(r, call)
		if call.Argument(0).ToBoolean() {
			e.flags |= fStopPropagation
		}
		return goja.Undefined()
	})
	c.Method("stopImmediatePropagation", 0, func(call goja.FunctionCall) goja.Value {
		thisEvent(r, call).flags |= fStopPropagation | fStopImmediate
		return goja.Undefined()
	})
	c.Getter("bubbles", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fBubbles != 0)
	})
	c.Getter("cancelable", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fCancelable != 0)
	})
	c.Accessor("returnValue", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fCanceled == 0)
	}, func(call goja.FunctionCall) goja.Value {
		e := thisEvent(r, call)
		if !call.Argument(0).ToBoolean() {
			e.PreventDefault()
		}
		return goja.Undefined()
	})
	c.Method("preventDefault", 0, func(call goja.FunctionCall) goja.Value {
		thisEvent(r, call).PreventDefault()
		return goja.Undefined()
	})
	c.Getter("defaultPrevented", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fCanceled != 0)
	})
	c.Getter("composed", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fComposed != 0)
	})
	// isTrusted is [LegacyUnforgeable] in the spec (an own property of each
	// instance); host objects cannot carry non-configurable own accessors, so
	// it lives on the prototype like the other attributes.
	c.Getter("isTrusted", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(thisEvent(r, call).flags&fTrusted != 0)
	})
	c.Getter("timeStamp", func(call goja.FunctionCall) goja.Value {
		e := thisEvent(r, call)
		if e.created == 0 {
			return vm.ToValue(0) // never initialized
		}
		return vm.ToValue(float64(e.created-getState(r).origin) / 1e6)
	})
	c.Method("initEvent", 1, func(call goja.FunctionCall) goja.Value {
		e := thisEvent(r, call)
		requireArgs(r, call, 1, "Event", "initEvent")
		typ := toDOMString(r, call.Argument(0))
		bubbles := call.Argument(1).ToBoolean()
		cancelable := call.Argument(2).ToBoolean()
		e.Init(typ, bubbles, cancelable)
		return goja.Undefined()
	})
	c.Constant("NONE", PhaseNone)
	c.Constant("CAPTURING_PHASE", PhaseCapturing)
	c.Constant("AT_TARGET", PhaseAtTarget)
	c.Constant("BUBBLING_PHASE", PhaseBubbling)
	c.Global()
	return c
}

func installCustomEvent(r *realm.Realm, parent *realm.Class) *realm.Class {
	var c *realm.Class
	this := func(call goja.FunctionCall) *CustomEvent {
		return realm.This[*CustomEvent](r, call, "CustomEvent")
	}
	c = r.NewClassExact("CustomEvent", 1, func(call goja.ConstructorCall) *goja.Object {
		requireCtorArgs(r, call, 1, "CustomEvent")
		typ := toDOMString(r, call.Argument(0))
		dict := dictionary(r, call.Argument(1), "Failed to construct 'CustomEvent'", "CustomEventInit")
		e := &CustomEvent{}
		e.Bind(r)
		readEventInit(&e.Event, typ, dict)
		if d := member(dict, "detail"); !goja.IsUndefined(d) {
			e.detail = d
		}
		return c.WrapFor(call, e)
	}, parent)
	c.Getter("detail", func(call goja.FunctionCall) goja.Value {
		if d := this(call).detail; d != nil {
			return d
		}
		return goja.Null()
	})
	c.Method("initCustomEvent", 1, func(call goja.FunctionCall) goja.Value {
		e := this(call)
		requireArgs(r, call, 1, "CustomEvent", "initCustomEvent")
		typ := toDOMString(r, call.Argument(0))
		bubbles := call.Argument(1).ToBoolean()
		cancelable := call.Argument(2).ToBoolean()
		if e.flags&fDispatch != 0 {
			return goja.Undefined()
		}
		e.Init(typ, bubbles, cancelable)
		e.detail = call.Argument(3)
		if goja.IsUndefined(e.detail) {
			e.detail = nil
		}
		return goja.Undefined()
	})
	c.Global()
	return c
}
