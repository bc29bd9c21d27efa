package dom_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

func TestEventDefaults(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const ev = new Event('ping');
		JSON.stringify([ev.type, ev.bubbles, ev.cancelable, ev.composed, ev.isTrusted, ev.eventPhase,
			ev.target, ev.currentTarget, ev.srcElement, ev.defaultPrevented, ev.returnValue,
			ev.cancelBubble, typeof ev.timeStamp, ev.timeStamp >= 0, ev.composedPath().length,
			ev instanceof Event, Object.prototype.toString.call(ev)])`)
	require.Equal(t, `["ping",false,false,false,false,0,null,null,null,false,true,false,"number",true,0,true,"[object Event]"]`, got)
}

func TestEventInit(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const ev = new Event('ping', {bubbles: 1, cancelable: 'yes', composed: true});
		const ev2 = new Event('x', null);
		const ev3 = new Event(42, undefined);
		JSON.stringify([ev.bubbles, ev.cancelable, ev.composed, ev2.bubbles, ev3.type])`)
	require.Equal(t, `[true,true,true,false,"42"]`, got)

	// Dictionary members are read in WebIDL (lexicographic) order.
	require.Equal(t, "bubbles,cancelable,composed", e.MustRun(`
		const order = [];
		const init = {};
		for (const k of ['composed', 'cancelable', 'bubbles']) {
			Object.defineProperty(init, k, {get() { order.push(k); return true }});
		}
		new Event('x', init);
		order.join()`))
}

func TestEventConstants(t *testing.T) {
	e := jstest.New(t, dom.Install)
	require.Equal(t, "0,1,2,3,0,1,2,3", e.MustRun(`
		[Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE,
		 Event.prototype.NONE, Event.prototype.CAPTURING_PHASE, Event.prototype.AT_TARGET,
		 Event.prototype.BUBBLING_PHASE].join()`))
}

func TestEventErrors(t *testing.T) {
	e := jstest.New(t, dom.Install)
	cases := []struct{ src, name, msg string }{
		{`new Event()`, "TypeError", "TypeError: Failed to construct 'Event': 1 argument required, but only 0 present."},
		{`Event('x')`, "TypeError", ""},
		{`new Event('x', 5)`, "TypeError", "TypeError: Failed to construct 'Event': The provided value is not of type 'EventInit'."},
		{`new Event(Symbol('s'))`, "TypeError", "TypeError: Cannot convert a Symbol value to a string"},
		{`Event.prototype.preventDefault.call({})`, "TypeError", "TypeError: Illegal invocation: the receiver is not a Event"},
		{`Object.getOwnPropertyDescriptor(Event.prototype, 'type').get.call(new EventTarget())`, "TypeError", ""},
		{`new CustomEvent('x', 'nope')`, "TypeError", "TypeError: Failed to construct 'CustomEvent': The provided value is not of type 'CustomEventInit'."},
		{`new Event('x').initEvent()`, "TypeError", "TypeError: Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 present."},
		{`CustomEvent.prototype.initCustomEvent.call(new Event('x'), 'y')`, "TypeError", ""},
	}
	for _, c := range cases {
		r := e.Run(c.src)
		require.Equal(t, c.name, r.Name, c.src)
		if c.msg != "" {
			require.Equal(t, c.msg, r.Err, c.src)
		}
	}
}

func TestPreventDefault(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const a = new Event('a');
		a.preventDefault();
		const b = new Event('b', {cancelable: true});
		b.preventDefault();
		const c = new Event('c', {cancelable: true});
		c.returnValue = true;
		const before = c.defaultPrevented;
		c.returnValue = false;
		const d = new Event('d');
		d.returnValue = false;
		JSON.stringify([a.defaultPrevented, a.returnValue, b.defaultPrevented, b.returnValue,
			before, c.defaultPrevented, d.defaultPrevented])`)
	require.Equal(t, `[false,true,true,false,false,true,false]`, got)
}

func TestCancelBubble(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const ev = new Event('x');
		const r = [ev.cancelBubble];
		ev.cancelBubble = false; r.push(ev.cancelBubble);
		ev.cancelBubble = true; r.push(ev.cancelBubble);
		ev.cancelBubble = false; r.push(ev.cancelBubble); // cannot be unset
		const ev2 = new Event('y');
		ev2.stopPropagation(); r.push(ev2.cancelBubble);
		const ev3 = new Event('z');
		ev3.stopImmediatePropagation(); r.push(ev3.cancelBubble);
		JSON.stringify(r)`)
	require.Equal(t, `[false,false,true,true,true,true]`, got)
}

func TestInitEvent(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const ev = new Event('x', {cancelable: true});
		ev.preventDefault();
		ev.stopPropagation();
		ev.initEvent('y', true);
		const r = [ev.type, ev.bubbles, ev.cancelable, ev.defaultPrevented, ev.cancelBubble];
		// initEvent has no effect during dispatch.
		const t = new EventTarget();
		t.addEventListener('y', (e) => { e.initEvent('z', false, true); r.push(e.type, e.bubbles, e.cancelable) });
		t.dispatchEvent(ev);
		JSON.stringify(r)`)
	require.Equal(t, `["y",true,false,false,false,"y",true,false]`, got)
}

func TestCustomEvent(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const a = new CustomEvent('a');
		const obj = {k: 1};
		const b = new CustomEvent('b', {detail: obj, bubbles: true});
		const c = new CustomEvent('c', {detail: 7});
		c.initCustomEvent('cc', false, true);
		const d = new CustomEvent('d');
		d.initCustomEvent('dd', true, false, 'x');
		JSON.stringify([a.detail, b.detail === obj, b.bubbles, b instanceof Event, b instanceof CustomEvent,
			c.type, c.detail, c.cancelable, d.type, d.detail, d.bubbles,
			Object.getPrototypeOf(CustomEvent) === Event, Object.prototype.toString.call(d)])`)
	require.Equal(t, `[null,true,true,true,true,"cc",null,true,"dd","x",true,true,"[object CustomEvent]"]`, got)
}

func TestEventSubclassFromJS(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		class PingEvent extends Event {
			constructor(n) { super('ping', {cancelable: true}); this.n = n; }
			get doubled() { return this.n * 2 }
		}
		const t = new EventTarget();
		let seen;
		t.addEventListener('ping', (e) => { seen = e; e.preventDefault() });
		const ev = new PingEvent(21);
		const res = t.dispatchEvent(ev);
		JSON.stringify([seen === ev, ev.doubled, res, ev instanceof PingEvent, ev instanceof Event, ev.type])`)
	require.Equal(t, `[true,42,false,true,true,"ping"]`, got)
}

func TestTimeStampMonotonic(t *testing.T) {
	e := jstest.New(t, dom.Install)
	require.Equal(t, true, e.MustRun(`
		const a = new Event('a');
		let x = 0; for (let i = 0; i < 10000; i++) x += i;
		const b = new Event('b');
		b.timeStamp >= a.timeStamp && a.timeStamp < 60000`))
}

func TestInterfaceShape(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const d = (o, k) => { const x = Object.getOwnPropertyDescriptor(o, k); return x ? [typeof x.get, typeof x.set, x.enumerable, x.configurable].join(':') : 'none' };
		JSON.stringify([
			Event.length, CustomEvent.length, EventTarget.length, AbortController.length, AbortSignal.length,
			d(Event.prototype, 'type'), d(Event.prototype, 'returnValue'), d(AbortSignal.prototype, 'onabort'),
			EventTarget.prototype.addEventListener.length, EventTarget.prototype.dispatchEvent.length,
			AbortSignal.any.length, AbortSignal.timeout.length, AbortSignal.abort.length,
			Object.getOwnPropertyDescriptor(globalThis, 'Event').enumerable,
			Object.getPrototypeOf(AbortSignal.prototype) === EventTarget.prototype,
		])`)
	require.Equal(t, `[1,1,0,0,0,"function:undefined:true:true","function:function:true:true","function:function:true:true",2,1,1,1,0,false,true]`, got)
}
