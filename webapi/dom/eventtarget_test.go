package dom_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

// newLogged starts an env whose realm logs into the returned buffer (the
// realm takes slog.Default when it is created).
func newLogged(t *testing.T) (*jstest.Env, *jstest.LogBuffer) {
	buf := &jstest.LogBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	e := jstest.New(t, dom.Install)
	slog.SetDefault(prev)
	return e, buf
}

func TestListenerOrderAndPhases(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		t.addEventListener('x', (e) => log.push('bubble1:' + e.eventPhase));
		t.addEventListener('x', (e) => log.push('capture1:' + e.eventPhase), true);
		t.addEventListener('x', (e) => log.push('bubble2:' + e.eventPhase), {capture: false});
		t.addEventListener('x', (e) => log.push('capture2:' + e.eventPhase), {capture: true});
		t.addEventListener('y', () => log.push('other type'));
		t.dispatchEvent(new Event('x'));
		log.join()`)
	// At the target, capture listeners run first (the spec's two invocations).
	require.Equal(t, "capture1:2,capture2:2,bubble1:2,bubble2:2", got)
}

func TestDispatchState(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const ev = new Event('x');
		const r = [];
		t.addEventListener('x', function (e) {
			r.push(this === t, e === ev, e.target === t, e.currentTarget === t, e.srcElement === t,
				e.composedPath().length === 1 && e.composedPath()[0] === t, e.isTrusted);
		});
		r.push(t.dispatchEvent(ev));
		r.push(ev.eventPhase, ev.currentTarget, ev.target === t, ev.composedPath().length);
		// The same event can be dispatched again once the dispatch is over.
		r.push(t.dispatchEvent(ev));
		JSON.stringify(r)`)
	require.Equal(t, `[true,true,true,true,true,true,false,true,0,null,true,0,true,true,true,true,true,true,false,true]`, got)
}

func TestDedupeAndRemove(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		let n = 0, m = 0;
		const f = () => n++;
		const g = () => m++;
		t.addEventListener('x', f);
		t.addEventListener('x', f);             // duplicate: ignored
		t.addEventListener('x', f, {once: true}); // duplicate (same capture): ignored
		t.addEventListener('x', f, true);       // different capture: added
		t.addEventListener('x', g);
		t.addEventListener('x', null);          // null callback: ignored
		t.dispatchEvent(new Event('x'));
		const r = [n, m];
		t.removeEventListener('x', f);          // removes the non-capture one only
		t.removeEventListener('x', g, true);    // capture mismatch: nothing
		t.dispatchEvent(new Event('x'));
		r.push(n, m);
		t.removeEventListener('x', f, {capture: true});
		t.removeEventListener('x', g, false);
		t.removeEventListener('x', null);
		t.removeEventListener('nope', g);
		t.dispatchEvent(new Event('x'));
		r.push(n, m);
		JSON.stringify(r)`)
	require.Equal(t, `[2,1,3,2,3,2]`, got)
}

func TestOnce(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		t.addEventListener('x', () => log.push('once'), {once: true});
		t.addEventListener('x', () => {
			log.push('nested');
			// The once listener was removed before it ran: a nested dispatch
			// does not call it again.
			if (log.length < 3) t.dispatchEvent(new Event('x'));
		});
		t.dispatchEvent(new Event('x'));
		t.dispatchEvent(new Event('x'));
		log.join()`)
	require.Equal(t, "once,nested,nested,nested", got)
}

func TestChangesDuringDispatch(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		const late = () => log.push('late');
		const removed = () => log.push('removed');
		t.addEventListener('x', () => {
			log.push('first');
			t.addEventListener('x', late);       // not called for this event
			t.removeEventListener('x', removed); // not called any more
		});
		t.addEventListener('x', removed);
		t.addEventListener('x', () => log.push('last'));
		t.dispatchEvent(new Event('x'));
		log.push('|');
		t.dispatchEvent(new Event('x'));
		log.join()`)
	require.Equal(t, "first,last,|,first,last,late", got)
}

func TestRemoveAndReAddDuringDispatch(t *testing.T) {
	e := jstest.New(t, dom.Install)
	// A listener removed and added again during a dispatch is a new listener:
	// it is not called for the event being dispatched.
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		const b = () => log.push('b');
		let first = true;
		t.addEventListener('x', () => {
			log.push('a');
			if (first) { first = false; t.removeEventListener('x', b); t.addEventListener('x', b); }
		});
		t.addEventListener('x', b);
		t.dispatchEvent(new Event('x'));
		log.push('|');
		t.dispatchEvent(new Event('x'));
		log.join()`)
	require.Equal(t, "a,|,a,b", got)
}

func TestStopPropagation(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		t.addEventListener('x', (e) => { log.push('c1'); e.stopPropagation() }, true);
		t.addEventListener('x', () => log.push('c2'), true);
		t.addEventListener('x', () => log.push('b1'));
		t.dispatchEvent(new Event('x'));
		log.push('|');
		const u = new EventTarget();
		u.addEventListener('y', (e) => { log.push('u1'); e.stopImmediatePropagation() });
		u.addEventListener('y', () => log.push('u2'));
		const ev = new Event('y');
		u.dispatchEvent(ev);
		log.push(ev.cancelBubble);
		// The flags are cleared at the end of the dispatch.
		u.dispatchEvent(ev);
		log.join()`)
	// stopPropagation in a capture listener at the target still lets the other
	// capture listeners run, but the bubbling invocation is skipped.
	require.Equal(t, "c1,c2,|,u1,false,u1", got)
}

func TestHandleEventObjects(t *testing.T) {
	e, logs := newLogged(t)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		const obj = { handleEvent(e) { log.push('obj:' + (this === obj) + ':' + e.type) } };
		t.addEventListener('x', obj);
		t.addEventListener('x', obj); // deduplicated by identity
		// handleEvent is looked up at each call.
		const swap = { handleEvent() { log.push('v1'); this.handleEvent = () => log.push('v2') } };
		t.addEventListener('x', swap);
		// An object without a callable handleEvent: reported, dispatch goes on.
		t.addEventListener('x', { handleEvent: 5 });
		t.addEventListener('x', {});
		// A callable object is called directly, with the target as this.
		const fn = function () { log.push('fn:' + (this === t)) };
		fn.handleEvent = () => log.push('wrong');
		t.addEventListener('x', fn);
		t.dispatchEvent(new Event('x'));
		t.dispatchEvent(new Event('x'));
		log.join()`)
	require.Equal(t, "obj:true:x,v1,fn:true,obj:true:x,v2,fn:true", got)
	require.Equal(t, 4, strings.Count(logs.String(), "Uncaught TypeError"), logs.String())
}

func TestListenerExceptionsAreReported(t *testing.T) {
	e, logs := newLogged(t)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		t.addEventListener('x', () => { log.push(1); throw new RangeError('boom') });
		t.addEventListener('x', () => { log.push(2); throw 'a string' });
		t.addEventListener('x', { get handleEvent() { throw new Error('getter') } });
		t.addEventListener('x', () => log.push(3));
		const r = t.dispatchEvent(new Event('x', {cancelable: true}));
		log.push(r);
		log.join()`)
	require.Equal(t, "1,2,3,true", got)
	out := logs.String()
	require.Contains(t, out, "Uncaught RangeError: boom")
	require.Contains(t, out, "Uncaught a string")
	require.Contains(t, out, "Uncaught Error: getter")
	require.Contains(t, out, "routine=test")
}

func TestDispatchResultAndPassive(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const r = [];
		t.addEventListener('p', (e) => { e.preventDefault(); r.push(e.defaultPrevented) }, {passive: true});
		t.addEventListener('p', (e) => { r.push(e.defaultPrevented); e.returnValue = false; r.push(e.defaultPrevented) });
		r.push(t.dispatchEvent(new Event('p', {cancelable: true})));
		const u = new EventTarget();
		u.addEventListener('q', (e) => e.preventDefault(), {passive: true});
		r.push(u.dispatchEvent(new Event('q', {cancelable: true})));
		const v = new EventTarget();
		v.addEventListener('q', (e) => e.preventDefault());
		r.push(v.dispatchEvent(new Event('q')));  // not cancelable
		r.push(v.dispatchEvent(new Event('q', {cancelable: true})));
		JSON.stringify(r)`)
	require.Equal(t, `[false,false,true,false,true,true,false]`, got)
}

func TestDispatchInvalidState(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const r = [];
		t.addEventListener('x', (e) => {
			try { t.dispatchEvent(e) } catch (err) {
				r.push(err instanceof DOMException, err.name, err.code, err.message);
			}
			try { new EventTarget().dispatchEvent(e) } catch (err) { r.push(err.name) }
		});
		t.dispatchEvent(new Event('x'));
		JSON.stringify(r)`)
	require.Equal(t, `[true,"InvalidStateError",11,"Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.","InvalidStateError"]`, got)
}

func TestEventTargetErrors(t *testing.T) {
	e := jstest.New(t, dom.Install)
	cases := []struct{ src, msg string }{
		{`new EventTarget().addEventListener('x')`, "TypeError: Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required, but only 1 present."},
		{`new EventTarget().addEventListener('x', 5)`, "TypeError: Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'."},
		{`new EventTarget().removeEventListener('x', 'f')`, "TypeError: Failed to execute 'removeEventListener' on 'EventTarget': parameter 2 is not of type 'Object'."},
		{`new EventTarget().removeEventListener()`, "TypeError: Failed to execute 'removeEventListener' on 'EventTarget': 2 arguments required, but only 0 present."},
		{`new EventTarget().dispatchEvent()`, "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': 1 argument required, but only 0 present."},
		{`new EventTarget().dispatchEvent({type: 'x'})`, "TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'."},
		{`new EventTarget().addEventListener('x', () => {}, {signal: {}})`, "TypeError: Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'."},
		{`new EventTarget().addEventListener('x', () => {}, {signal: null})`, "TypeError: Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'."},
		{`EventTarget.prototype.addEventListener.call({}, 'x', () => {})`, "TypeError: Illegal invocation: the receiver is not a EventTarget"},
		{`EventTarget()`, "TypeError: Failed to construct 'EventTarget': Please use the 'new' operator, this object constructor cannot be called as a function."},
		{`new EventTarget().addEventListener(Symbol(), () => {})`, "TypeError: Cannot convert a Symbol value to a string"},
	}
	for _, c := range cases {
		r := e.Run(c.src)
		require.Equal(t, c.msg, r.Err, c.src)
	}
}

func TestSignalOptionRemovesListener(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const t = new EventTarget();
		const c = new AbortController();
		let n = 0, m = 0;
		t.addEventListener('x', () => n++, {signal: c.signal});
		t.addEventListener('x', () => m++, {signal: undefined});
		t.dispatchEvent(new Event('x'));
		c.abort();
		t.dispatchEvent(new Event('x'));
		// An already aborted signal: the listener is never added.
		t.addEventListener('x', () => n += 100, {signal: AbortSignal.abort()});
		t.dispatchEvent(new Event('x'));
		// Aborting while dispatching removes listeners not yet called.
		const c2 = new AbortController();
		const log = [];
		t.addEventListener('y', () => { log.push('a'); c2.abort() });
		t.addEventListener('y', () => log.push('b'), {signal: c2.signal});
		t.dispatchEvent(new Event('y'));
		JSON.stringify([n, m, log])`)
	require.Equal(t, `[1,3,["a"]]`, got)
}

func TestEventTargetSubclassFromJS(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		class Emitter extends EventTarget {
			constructor(name) { super(); this.name = name; }
			emit(type) { return this.dispatchEvent(new CustomEvent(type, {detail: this.name, cancelable: true})) }
		}
		const em = new Emitter('bob');
		const log = [];
		em.addEventListener('hi', function (e) { log.push(this === em, e.detail, e.target === em); e.preventDefault() });
		log.push(em.emit('hi'), em instanceof Emitter, em instanceof EventTarget, em.name);
		JSON.stringify(log)`)
	require.Equal(t, `[true,"bob",true,false,true,true,"bob"]`, got)
}

func TestEventTargetBoundToRequest(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.MustRun(`globalThis.reqTarget = new EventTarget(); 1`)
	r := e.Run(`reqTarget.addEventListener('x', () => {})`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "belongs to a different request")
	// Objects created during initialization are shared by all requests.
	e.RunInit(`globalThis.initTarget = new EventTarget(); globalThis.hits = 0; initTarget.addEventListener('x', () => hits++)`)
	require.Equal(t, int64(1), e.MustRun(`initTarget.dispatchEvent(new Event('x')); hits`))
	require.Equal(t, int64(2), e.MustRun(`initTarget.dispatchEvent(new Event('x')); hits`))
}

func TestExposeEventTarget(t *testing.T) {
	e := jstest.New(t, dom.Install)
	var global *goja.Object
	e.Do(func() {
		global = e.R.VM().GlobalObject()
		dom.ExposeEventTarget(e.R, global, &dom.EventTarget{})
	})
	e.RunInit(`
		globalThis.log = [];
		addEventListener('fetch', function (e) { log.push('fetch:' + (this === globalThis) + ':' + e.isTrusted + ':' + (e.target === globalThis)); e.preventDefault() });
		self = globalThis;
		self.addEventListener('fetch', () => log.push('second'), {once: true});
	`)
	var res bool
	var err error
	e.Do(func() {
		obj, ev := dom.NewEvent(e.R, "fetch", false, true)
		ev.SetTrusted(true)
		res, err = dom.Dispatch(e.R, global, obj)
		assert.True(t, ev.DefaultPrevented())
		assert.True(t, ev.IsTrusted())
	})
	require.NoError(t, err)
	require.False(t, res)
	require.Equal(t, "fetch:true:true:true,second,fetch:true:false:true,false", e.MustRun(`
		log.push(dispatchEvent(new Event('fetch', {cancelable: true})));
		log.join()`))
	// On another EventTarget the exposed methods act on that target.
	require.Equal(t, int64(1), e.MustRun(`
		const t = new EventTarget(); let n = 0;
		addEventListener.call(t, 'z', () => n++);
		t.dispatchEvent(new Event('z'));
		dispatchEvent.call(t, new Event('nothing'));
		n`))
	require.Equal(t, "TypeError", e.Run(`addEventListener.call({}, 'z', () => {})`).Name)
}

func TestDispatchFromGoErrors(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.Do(func() {
		vm := e.R.VM()
		tgt, _ := dom.NewEventTarget(e.R)
		ev, _ := dom.NewEvent(e.R, "x", false, false)
		_, err := dom.Dispatch(e.R, vm.NewObject(), ev)
		assert.ErrorContains(t, err, "not an EventTarget")
		_, err = dom.Dispatch(e.R, tgt, vm.NewObject())
		assert.ErrorContains(t, err, "not an Event")
		uninit := dom.EventClass(e.R).Wrap(&dom.Event{})
		_, err = dom.Dispatch(e.R, tgt, uninit)
		assert.ErrorContains(t, err, "not initialized")
		ok, err := dom.Dispatch(e.R, tgt, ev)
		assert.NoError(t, err)
		assert.True(t, ok)
	})
	// Script sees an uninitialized event as InvalidStateError.
	e.Do(func() {
		_ = e.R.VM().Set("uninit", dom.EventClass(e.R).Wrap(&dom.Event{}))
	})
	r := e.Run(`new EventTarget().dispatchEvent(uninit)`)
	require.Equal(t, "InvalidStateError", r.Name)
}

func TestInterruptStopsDispatch(t *testing.T) {
	e := jstest.New(t, dom.Install)
	timer := time.AfterFunc(100*time.Millisecond, func() { e.R.Interrupt("stop") })
	defer timer.Stop()
	r := e.Run(`
		globalThis.second = false;
		const t = new EventTarget();
		t.addEventListener('x', () => { for (;;) {} });
		t.addEventListener('x', () => { second = true });
		try { t.dispatchEvent(new Event('x')) } catch (e) { second = 'caught' }
		'finished'`)
	require.Contains(t, r.Err, "stop")
	e.Do(func() { e.R.VM().ClearInterrupt() })
	require.Equal(t, false, e.MustRun(`second`))
}

func TestEventHandlerAttribute(t *testing.T) {
	e, logs := newLogged(t)
	got := e.MustRun(`
		const c = new AbortController();
		const s = c.signal;
		const log = [];
		const r = [s.onabort];
		s.addEventListener('abort', () => log.push('L1'));
		s.onabort = () => log.push('H1');          // registered at position 2
		s.addEventListener('abort', () => log.push('L2'));
		s.onabort = function (e) { log.push('H2:' + (this === s) + ':' + e.type) }; // same position
		r.push(typeof s.onabort);
		s.onabort = 'not a function';               // non-object: null, removes the listener
		r.push(s.onabort);
		s.onabort = () => log.push('H3');           // re-added at the end
		r.push(log.length);
		c.abort();
		r.push(log.join());
		JSON.stringify(r)`)
	require.Equal(t, `[null,"function",null,0,"L1,L2,H3"]`, got)
	require.NotContains(t, logs.String(), "Uncaught")

	got = e.MustRun(`(() => {
		const c = new AbortController();
		const log = [];
		c.signal.addEventListener('abort', () => log.push('A'));
		c.signal.onabort = () => log.push('H1');
		c.signal.addEventListener('abort', () => log.push('B'));
		c.signal.onabort = () => log.push('H2');
		c.abort();
		const d = new AbortController();
		const obj = {handleEvent() { log.push('never') }};
		d.signal.onabort = obj;                      // a non-callable object is kept but not called
		log.push(d.signal.onabort === obj);
		d.abort();
		return log.join();
	})()`)
	require.Equal(t, "A,H2,B,true", got)
}

func TestListenerStackOverflowIsReported(t *testing.T) {
	e, logs := newLogged(t)
	got := e.MustRun(`
		const t = new EventTarget();
		const log = [];
		t.addEventListener('x', function f() { return f() + 1 });
		t.addEventListener('x', () => log.push('second'));
		log.push(t.dispatchEvent(new Event('x')));
		log.join()`)
	require.Equal(t, "second,true", got)
	require.Contains(t, logs.String(), "Uncaught RangeError: Maximum call stack size exceeded")
}
