package dom_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// testFetchEvent is an event interface defined in Go the way another package
// would: it embeds dom.Event and its class inherits from Event.
type testFetchEvent struct {
	dom.Event
	request   string
	responded goja.Value
}

// testSocket is a Go-defined EventTarget with an event handler attribute.
type testSocket struct {
	dom.EventTarget
	url string
}

type goClasses struct {
	fetchEvent, socket *realm.Class
}

var goClassesKey = realm.NewKey[*goClasses]()

func installGoClasses(r *realm.Realm) {
	vm := r.VM()
	fe := r.NewClass("TestFetchEvent", 2, nil, dom.EventClass(r))
	fe.Getter("request", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*testFetchEvent](r, call, "TestFetchEvent").request)
	})
	fe.Method("respondWith", 1, func(call goja.FunctionCall) goja.Value {
		ev := realm.This[*testFetchEvent](r, call, "TestFetchEvent")
		if !ev.Dispatching() {
			dom.Throw(r, "InvalidStateError", "respondWith must be called during dispatch")
		}
		ev.responded = call.Argument(0)
		ev.PreventDefault()
		return goja.Undefined()
	})
	var sock *realm.Class
	sock = r.NewClass("TestSocket", 1, func(call goja.ConstructorCall) *goja.Object {
		s := &testSocket{url: call.Argument(0).String()}
		s.Bind(r)
		return sock.WrapFor(call, s)
	}, dom.EventTargetClass(r))
	sock.Getter("url", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*testSocket](r, call, "TestSocket").url)
	})
	dom.DefineEventHandler[*testSocket](r, sock, "message")
	fe.Global()
	sock.Global()
	goClassesKey.Set(r, &goClasses{fetchEvent: fe, socket: sock})
}

func TestGoEventSubclass(t *testing.T) {
	e := jstest.New(t, dom.Install, installGoClasses)
	e.RunInit(`
		globalThis.log = [];
		globalThis.target = new EventTarget();
		target.addEventListener('fetch', (ev) => {
			log.push(ev instanceof TestFetchEvent, ev instanceof Event, ev.type, ev.request, ev.isTrusted,
				ev.cancelable, ev.eventPhase, ev.currentTarget === target, Object.prototype.toString.call(ev));
			ev.respondWith('hello');
		});
	`)
	e.Do(func() {
		r := e.R
		ev := &testFetchEvent{request: "/index"}
		ev.Bind(r)
		ev.Init("fetch", false, true)
		ev.SetTrusted(true)
		obj := goClassesKey.Get(r).fetchEvent.Wrap(ev)
		target := r.VM().Get("target").(*goja.Object)
		ok, err := dom.Dispatch(r, target, obj)
		assert.NoError(t, err)
		assert.False(t, ok) // respondWith called preventDefault
		assert.Equal(t, "hello", ev.responded.String())
		assert.Equal(t, "fetch", ev.Type())
		assert.True(t, ev.DefaultPrevented())
		assert.False(t, ev.Dispatching())
		assert.Same(t, target, ev.Target())
		assert.Nil(t, ev.CurrentTarget())
		assert.Equal(t, dom.PhaseNone, ev.EventPhase())
		_ = r.VM().Set("goEvent", obj)
	})
	require.Equal(t, `[true,true,"fetch","/index",true,true,2,true,"[object TestFetchEvent]"]`, e.MustRun(`JSON.stringify(log)`))
	// Event methods work on the Go subclass, its own ones check the receiver.
	require.Equal(t, "fetch", e.MustRun(`Event.prototype.stopPropagation.call(goEvent); goEvent.type`))
	r := e.Run(`goEvent.respondWith('late')`)
	require.Equal(t, "InvalidStateError", r.Name)
	r = e.Run(`TestFetchEvent.prototype.respondWith.call(new Event('fetch'), 'x')`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`new TestFetchEvent('fetch')`)
	require.Contains(t, r.Err, "Illegal constructor")
}

func TestGoEventTargetSubclass(t *testing.T) {
	e := jstest.New(t, dom.Install, installGoClasses)
	e.RunInit(`
		class LoggingSocket extends TestSocket {
			constructor(url) { super(url); this.seen = []; }
		}
		globalThis.sock = new LoggingSocket('wss://x');
		sock.addEventListener('message', function (ev) { this.seen.push('listener:' + ev.detail) });
		sock.onmessage = (ev) => { sock.seen.push('handler:' + ev.detail); return false };
	`)
	var results []bool
	e.Do(func() {
		r := e.R
		sock := r.VM().Get("sock").(*goja.Object)
		so, ok := realm.Unwrap[dom.EventTargetObject](sock)
		assert.True(t, ok)
		assert.True(t, so.DOMEventTarget().HasListeners("message"))
		assert.False(t, so.DOMEventTarget().HasListeners("close"))
		assert.NotNil(t, so.DOMEventTarget().EventHandler("message"))
		for _, cancelable := range []bool{true, false} {
			ev := &dom.CustomEvent{}
			ev.Bind(r)
			ev.Init("message", false, cancelable)
			ev.SetDetail(r.VM().ToValue("hi"))
			res, err := dom.Dispatch(r, sock, dom.CustomEventClass(r).Wrap(ev))
			assert.NoError(t, err)
			results = append(results, res)
		}
	})
	// A handler returning false cancels a cancelable event.
	require.Equal(t, []bool{false, true}, results)
	require.Equal(t, `["listener:hi","handler:hi","listener:hi","handler:hi"]`, e.MustRun(`JSON.stringify(sock.seen)`))
	require.Equal(t, "wss://x,true,true", e.MustRun(`[sock.url, sock instanceof TestSocket, sock instanceof EventTarget].join()`))
	e.Do(func() {
		so, _ := realm.Unwrap[dom.EventTargetObject](e.R.VM().Get("sock"))
		so.DOMEventTarget().SetEventHandler("message", nil)
		assert.Nil(t, so.DOMEventTarget().EventHandler("message"))
	})
	require.Equal(t, true, e.MustRun(`sock.onmessage === null`))
	r := e.Run(`Object.getOwnPropertyDescriptor(TestSocket.prototype, 'onmessage').set.call(new EventTarget(), null)`)
	require.Equal(t, "TypeError", r.Name)
}
