package webapi

import (
	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// FetchEventHooks receive what a fetch event's script asks for; the runtime
// implements them. They are called on the loop goroutine.
type FetchEventHooks interface {
	RespondWith(v goja.Value)
	WaitUntil(v goja.Value)
	PassThroughOnException()
}

// FetchEvent is the Go side of a JS FetchEvent (Service Workers §4.6).
type FetchEvent struct {
	dom.Event
	request     goja.Value
	makeRequest func() goja.Value
	hooks       FetchEventHooks
	dispatching bool
	responded   bool
}

// DOMEvent implements dom's event receiver interface.
func (e *FetchEvent) DOMEvent() *dom.Event { return &e.Event }

// Hooks returns the hooks the event was created with.
func (e *FetchEvent) Hooks() FetchEventHooks { return e.hooks }

// Responded reports whether respondWith was called.
func (e *FetchEvent) Responded() bool { return e.responded }

// SetDispatching marks the synchronous dispatch window in which
// respondWith may be called.
func (e *FetchEvent) SetDispatching(v bool) { e.dispatching = v }

type fetchEventState struct{ class *realm.Class }

var fetchEventKey = realm.NewKey[*fetchEventState]()

// NewFetchEvent creates a "fetch" event bound to ctx. makeRequest builds the
// Request object the first time script reads event.request.
func NewFetchEvent(r *realm.Realm, ctx *realm.Context, makeRequest func() goja.Value, hooks FetchEventHooks) (*goja.Object, *FetchEvent) {
	e := &FetchEvent{makeRequest: makeRequest, hooks: hooks}
	e.Init("fetch", false, true)
	e.SetTrusted(true)
	e.BindTo(ctx)
	return fetchEventKey.Get(r).class.Wrap(e), e
}

func installFetchEvent(r *realm.Realm) {
	vm := r.VM()
	c := r.NewClass("FetchEvent", 2, nil, dom.EventClass(r))
	fetchEventKey.Set(r, &fetchEventState{class: c})
	this := func(call goja.FunctionCall) *FetchEvent {
		return realm.ThisBound[*FetchEvent](r, call, "FetchEvent")
	}
	c.Getter("request", func(call goja.FunctionCall) goja.Value {
		e := this(call)
		if e.request == nil {
			e.request = e.makeRequest()
		}
		return e.request
	})
	c.Getter("clientId", func(call goja.FunctionCall) goja.Value { this(call); return vm.ToValue("") })
	c.Getter("resultingClientId", func(call goja.FunctionCall) goja.Value { this(call); return vm.ToValue("") })
	c.Method("respondWith", 1, func(call goja.FunctionCall) goja.Value {
		e := this(call)
		if e.responded {
			dom.Throw(r, "InvalidStateError", "Failed to execute 'respondWith' on 'FetchEvent': respondWith() has already been called for this request")
		}
		if !e.dispatching {
			dom.Throw(r, "InvalidStateError", "Failed to execute 'respondWith' on 'FetchEvent': respondWith() must be called synchronously inside the fetch event listener, not after an await or in a callback")
		}
		e.responded = true
		e.hooks.RespondWith(call.Argument(0))
		return goja.Undefined()
	})
	c.Method("waitUntil", 1, func(call goja.FunctionCall) goja.Value {
		e := this(call)
		e.hooks.WaitUntil(call.Argument(0))
		return goja.Undefined()
	})
	c.Method("passThroughOnException", 0, func(call goja.FunctionCall) goja.Value {
		this(call).hooks.PassThroughOnException()
		return goja.Undefined()
	})
	c.Global()
}
