package messaging

import (
	"unicode/utf16"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// MessageEvent is the Go side of an HTML MessageEvent
// (https://html.spec.whatwg.org/multipage/comms.html#messageevent).
type MessageEvent struct {
	dom.Event
	data        goja.Value // nil: null
	origin      goja.Value // nil: ""
	lastEventID goja.Value // nil: ""
	source      *goja.Object
	portList    []*goja.Object
	ports       *goja.Object // the FrozenArray, made on first read
}

// NewMessageEvent creates a trusted, initialized MessageEvent object (not
// bubbling, not cancelable) from Go, bound to the current request context,
// ready for dom.Dispatch: typ is "message" or "messageerror", data its data
// (nil: null), ports the MessagePort objects of its ports attribute. Other
// message sources (a WebSocket, an EventSource) set the origin with
// SetOrigin. Call it on the loop goroutine.
func NewMessageEvent(r *realm.Realm, typ string, data goja.Value, ports []*goja.Object) (*goja.Object, *MessageEvent) {
	s := getState(r)
	e := s.newEvent(typ, data, ports)
	return s.event.Wrap(e), e
}

// SetOrigin sets the origin attribute.
func (e *MessageEvent) SetOrigin(origin string) { e.origin = goja.StringFromUTF16(utf16Of(origin)) }

// Origin returns the origin attribute.
func (e *MessageEvent) Origin() string {
	if e.origin == nil {
		return ""
	}
	return e.origin.String()
}

// Data returns the data attribute (nil means null).
func (e *MessageEvent) Data() goja.Value { return e.data }

// Ports returns the MessagePort objects of the ports attribute.
func (e *MessageEvent) Ports() []*goja.Object { return e.portList }

// toUSVString converts v to a USVString: lone surrogates become U+FFFD
// (which goja's String does).
func toUSVString(r *realm.Realm, v goja.Value) goja.Value {
	return r.VM().ToValue(r.ToJSString(v).String())
}

// toPorts converts v to a sequence<MessagePort>.
func toPorts(r *realm.Realm, v goja.Value, w string) []*goja.Object {
	if _, ok := v.(*goja.Object); !ok {
		panic(r.NewTypeError(w + ": The provided value cannot be converted to a sequence."))
	}
	var ports []*goja.Object
	r.VM().ForOf(v, func(item goja.Value) bool {
		if _, ok := PortFrom(item); !ok {
			panic(r.NewTypeError(w + ": Failed to convert value to 'MessagePort'."))
		}
		ports = append(ports, item.(*goja.Object))
		return true
	})
	return ports
}

// toSource converts v to a MessageEventSource? (only MessagePorts exist
// here).
func toSource(r *realm.Realm, v goja.Value, w string) *goja.Object {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	if _, ok := PortFrom(v); !ok {
		panic(r.NewTypeError(w + ": The provided value is not of type '(MessagePort or ServiceWorker or WindowProxy)'."))
	}
	return v.(*goja.Object)
}

func isUndefined(v goja.Value) bool { return v == nil || goja.IsUndefined(v) }

func installMessageEvent(s *state) *realm.Class {
	r := s.r
	vm := r.VM()
	var c *realm.Class
	c = r.NewClassExact("MessageEvent", 1, func(call goja.ConstructorCall) *goja.Object {
		const w = "Failed to construct 'MessageEvent'"
		r.RequireArgs(len(call.Arguments), 1, "MessageEvent", "")
		typ := r.ToJSString(call.Argument(0)).String()
		var dict *goja.Object
		switch d := call.Argument(1).(type) {
		case *goja.Object:
			dict = d
		default:
			if !goja.IsUndefined(d) && !goja.IsNull(d) {
				panic(r.NewTypeError(w + ": The provided value is not of type 'MessageEventInit'."))
			}
		}
		e := &MessageEvent{}
		var bubbles, cancelable, composed bool
		if dict != nil {
			// Members in WebIDL order: EventInit's, then MessageEventInit's,
			// each in lexicographic order; each is converted when read.
			get := func(k string) goja.Value { return dict.Get(k) }
			bubbles = truthy(get("bubbles"))
			cancelable = truthy(get("cancelable"))
			composed = truthy(get("composed"))
			if v := get("data"); !isUndefined(v) {
				e.data = v
			}
			if v := get("lastEventId"); !isUndefined(v) {
				e.lastEventID = r.ToJSString(v)
			}
			if v := get("origin"); !isUndefined(v) {
				e.origin = toUSVString(r, v)
			}
			if v := get("ports"); !isUndefined(v) {
				e.portList = toPorts(r, v, w+": Failed to read the 'ports' property from 'MessageEventInit'")
			}
			if v := get("source"); !isUndefined(v) {
				e.source = toSource(r, v, w+": Failed to read the 'source' property from 'MessageEventInit'")
			}
		}
		e.Bind(r)
		e.Init(typ, bubbles, cancelable)
		e.SetComposed(composed)
		return c.WrapFor(call, e)
	}, dom.EventClass(r))
	this := func(call goja.FunctionCall) *MessageEvent {
		return realm.This[*MessageEvent](r, call, "MessageEvent")
	}
	str := func(v goja.Value) goja.Value {
		if v == nil {
			return vm.ToValue("")
		}
		return v
	}
	c.Getter("data", func(call goja.FunctionCall) goja.Value {
		if d := this(call).data; d != nil {
			return d
		}
		return goja.Null()
	})
	c.Getter("origin", func(call goja.FunctionCall) goja.Value { return str(this(call).origin) })
	c.Getter("lastEventId", func(call goja.FunctionCall) goja.Value { return str(this(call).lastEventID) })
	c.Getter("source", func(call goja.FunctionCall) goja.Value {
		if src := this(call).source; src != nil {
			return src
		}
		return goja.Null()
	})
	// ports is a FrozenArray<MessagePort>: the same frozen array every time.
	c.Getter("ports", func(call goja.FunctionCall) goja.Value {
		e := this(call)
		if e.ports == nil {
			e.ports = s.frozenArray(e.portList)
		}
		return e.ports
	})
	c.Method("initMessageEvent", 1, func(call goja.FunctionCall) goja.Value {
		const w = "Failed to execute 'initMessageEvent' on 'MessageEvent'"
		e := this(call)
		r.RequireArgs(len(call.Arguments), 1, "MessageEvent", "initMessageEvent")
		typ := r.ToJSString(call.Argument(0)).String()
		bubbles := call.Argument(1).ToBoolean()
		cancelable := call.Argument(2).ToBoolean()
		var data, origin, lastEventID goja.Value
		if v := call.Argument(3); !isUndefined(v) {
			data = v
		}
		if v := call.Argument(4); !isUndefined(v) {
			origin = toUSVString(r, v)
		}
		if v := call.Argument(5); !isUndefined(v) {
			lastEventID = r.ToJSString(v)
		}
		source := toSource(r, call.Argument(6), w+": parameter 7")
		var ports []*goja.Object
		if v := call.Argument(7); !isUndefined(v) {
			ports = toPorts(r, v, w+": parameter 8")
		}
		if e.Dispatching() {
			return goja.Undefined()
		}
		e.Init(typ, bubbles, cancelable)
		e.data, e.origin, e.lastEventID, e.source = data, origin, lastEventID, source
		e.portList, e.ports = ports, nil
		return goja.Undefined()
	})
	return c
}

func truthy(v goja.Value) bool { return v != nil && v.ToBoolean() }

func utf16Of(s string) []uint16 { return utf16.Encode([]rune(s)) }
