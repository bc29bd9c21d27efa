package dom_test

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

func TestAbortController(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const c = new AbortController();
		const s = c.signal;
		const r = [s === c.signal, s instanceof AbortSignal, s instanceof EventTarget, s.aborted, s.reason];
		let events = 0, seen;
		s.addEventListener('abort', (e) => { events++; seen = e; r.push(s.aborted, e.isTrusted, e.bubbles, e.cancelable, e.target === s) });
		c.abort('why');
		c.abort('again');   // no effect
		r.push(events, s.aborted, s.reason, seen instanceof Event, seen.type);
		JSON.stringify(r)`)
	require.Equal(t, `[true,true,true,false,null,true,true,false,false,true,1,true,"why",true,"abort"]`, got)
}

func TestAbortDefaultReason(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const c = new AbortController();
		c.abort();
		const c2 = new AbortController();
		c2.abort(undefined);
		const c3 = new AbortController();
		c3.abort(null);
		const r = c.signal.reason;
		JSON.stringify([r instanceof DOMException, r.name, r.message, r.code,
			c2.signal.reason.name, c3.signal.reason, typeof r.stack])`)
	require.Equal(t, `[true,"AbortError","signal is aborted without reason",20,"AbortError",null,"string"]`, got)
}

func TestThrowIfAborted(t *testing.T) {
	e := jstest.New(t, dom.Install)
	require.Equal(t, "ok", e.MustRun(`new AbortController().signal.throwIfAborted(); 'ok'`))
	r := e.Run(`const c = new AbortController(); c.abort(); c.signal.throwIfAborted()`)
	require.Equal(t, "AbortError", r.Name)
	require.Equal(t, "AbortError: signal is aborted without reason", r.Err)
	require.Equal(t, "custom", e.MustRun(`(() => { try { AbortSignal.abort('custom').throwIfAborted() } catch (e) { return e } })()`))
	r = e.Run(`AbortSignal.abort(new RangeError('r')).throwIfAborted()`)
	require.Equal(t, "RangeError: r", r.Err)
	r = e.Run(`AbortSignal.prototype.throwIfAborted.call(new EventTarget())`)
	require.Equal(t, "TypeError: Illegal invocation: the receiver is not a AbortSignal", r.Err)
}

func TestAbortSignalStatics(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const a = AbortSignal.abort();
		const b = AbortSignal.abort(42);
		JSON.stringify([a.aborted, a.reason.name, b.aborted, b.reason])`)
	require.Equal(t, `[true,"AbortError",true,42]`, got)
	r := e.Run(`new AbortSignal()`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "Illegal constructor")
	require.Equal(t, "TypeError", e.Run(`AbortController()`).Name)
}

func TestAbortAlgorithmsRunBeforeEvent(t *testing.T) {
	e := jstest.New(t, dom.Install)
	var order []string
	e.Do(func() {
		obj, s := dom.NewAbortSignal(e.R)
		assert.False(t, s.Aborted())
		assert.Nil(t, s.Reason())
		sig, ok := dom.SignalFrom(obj)
		assert.True(t, ok)
		assert.Same(t, s, sig)
		assert.Same(t, obj, s.Object())
		s.AddAlgorithm(func(reason goja.Value) { order = append(order, "alg1:"+reason.String()) })
		remove := s.AddAlgorithm(func(goja.Value) { order = append(order, "removed") })
		s.AddAlgorithm(func(goja.Value) { order = append(order, "alg3") })
		remove()
		remove() // idempotent
		_ = e.R.VM().Set("goSignal", obj)
		_ = e.R.VM().Set("record", func(s string) { order = append(order, s) })
	})
	e.RunInit(`goSignal.addEventListener('abort', (e) => record('event:' + e.target.reason))`)
	e.Do(func() {
		s, _ := dom.SignalFrom(e.R.VM().Get("goSignal"))
		s.Abort(e.R, e.R.VM().ToValue("R"))
		assert.True(t, s.Aborted())
		assert.Equal(t, "R", s.Reason().String())
		// Algorithms added after the abort never run.
		s.AddAlgorithm(func(goja.Value) { order = append(order, "late") })()
		s.Abort(e.R, nil)
	})
	require.Equal(t, []string{"alg1:R", "alg3", "event:R"}, order)
}

func TestAbortFromGoDefaultReason(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.Do(func() {
		_, s := dom.NewAbortSignal(e.R)
		s.Abort(e.R, nil)
		ex, ok := dom.IsDOMException(s.Reason())
		assert.True(t, ok)
		assert.Equal(t, "AbortError", ex.Name)
		_, s2 := dom.NewAbortSignal(e.R)
		s2.Abort(e.R, goja.Undefined())
		ex, ok = dom.IsDOMException(s2.Reason())
		assert.True(t, ok)
		assert.Equal(t, "AbortError", ex.Name)
		_, ok = dom.SignalFrom(e.R.VM().ToValue(5))
		assert.False(t, ok)
	})
}

func TestAbortInsideAbortListener(t *testing.T) {
	e, logs := newLogged(t)
	got := e.MustRun(`
		const c = new AbortController();
		const log = [];
		c.signal.addEventListener('abort', () => { log.push('a'); c.abort('second'); throw new Error('listener') });
		c.signal.addEventListener('abort', () => log.push('b:' + c.signal.reason));
		c.abort('first');
		log.join()`)
	require.Equal(t, "a,b:first", got)
	require.Contains(t, logs.String(), "Uncaught Error: listener")
}

func TestAbortSignalTimeout(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const s = AbortSignal.timeout(5);
		const before = s.aborted;
		new Promise((resolve) => {
			s.onabort = (e) => resolve(JSON.stringify([before, s.aborted, s.reason instanceof DOMException,
				s.reason.name, s.reason.code, s.reason.message, e.isTrusted]));
		})`)
	require.Equal(t, `[false,true,true,"TimeoutError",23,"signal timed out",true]`, got)
	require.Equal(t, "TimeoutError", e.MustRun(`
		new Promise((resolve) => AbortSignal.timeout(0).addEventListener('abort', (e) => resolve(e.target.reason.name)))`))
	// Fractions are truncated, strings converted.
	require.Equal(t, true, e.MustRun(`
		new Promise((resolve) => AbortSignal.timeout('1.9').onabort = () => resolve(true))`))
}

func TestAbortSignalTimeoutErrors(t *testing.T) {
	e := jstest.New(t, dom.Install)
	for _, src := range []string{`AbortSignal.timeout(-1)`, `AbortSignal.timeout(NaN)`, `AbortSignal.timeout(Infinity)`,
		`AbortSignal.timeout(2 ** 53)`, `AbortSignal.timeout()`, `AbortSignal.timeout('x')`} {
		r := e.Run(src)
		require.Equal(t, "TypeError", r.Name, src)
	}
	require.Equal(t, "TypeError: Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.",
		e.Run(`AbortSignal.timeout(-1)`).Err)
	require.Equal(t, false, e.MustRun(`AbortSignal.timeout(2 ** 53 - 1).aborted`))
}

func TestAbortSignalTimeoutStopsWithRequest(t *testing.T) {
	e := jstest.New(t, dom.Install)
	// A timeout whose request ended never fires.
	e.MustRun(`globalThis.fromRequest = AbortSignal.timeout(40); 1`)
	// During static initialization no timer is armed at all.
	e.RunInit(`globalThis.fromInit = AbortSignal.timeout(1)`)
	time.Sleep(150 * time.Millisecond)
	require.Equal(t, "false,false", e.MustRun(`[fromRequest.aborted, fromInit.aborted].join()`))
}

func TestAbortSignalAny(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const a = new AbortController(), b = new AbortController();
		const any = AbortSignal.any([a.signal, b.signal]);
		const log = [];
		a.signal.addEventListener('abort', () => log.push('a'));
		any.addEventListener('abort', () => log.push('any:' + any.reason + ':' + a.signal.aborted));
		log.push(any.aborted, any === a.signal);
		b.abort('B');
		log.push(any.aborted, any.reason, a.signal.aborted);
		a.abort('A');  // any is already aborted: no second event
		log.join()`)
	require.Equal(t, "false,false,any:B:false,true,B,false,a", got)
}

func TestAbortSignalAnyAlreadyAborted(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const c = new AbortController();
		const s = AbortSignal.any([c.signal, AbortSignal.abort('first'), AbortSignal.abort('second')]);
		const empty = AbortSignal.any([]);
		let fired = false;
		s.onabort = () => fired = true;
		c.abort('late');
		JSON.stringify([s.aborted, s.reason, fired, empty.aborted])`)
	require.Equal(t, `[true,"first",false,false]`, got)
}

func TestAbortSignalAnyChains(t *testing.T) {
	e := jstest.New(t, dom.Install)
	got := e.MustRun(`
		const root = new AbortController(), other = new AbortController();
		const d1 = AbortSignal.any([root.signal]);
		const d2 = AbortSignal.any([d1, other.signal]);  // flattened to [root, other]
		const d3 = AbortSignal.any([d2, d2, d1]);         // duplicates collapse
		const log = [];
		for (const [name, s] of [['root', root.signal], ['d1', d1], ['d2', d2], ['d3', d3]]) {
			s.addEventListener('abort', () => log.push(name + ':' + s.reason + ':' + [d1.aborted, d2.aborted, d3.aborted].join('/')));
		}
		root.abort('R');
		JSON.stringify(log)`)
	// All reasons are set before any event fires; events fire source first,
	// then dependents in creation order.
	require.Equal(t, `["root:R:true/true/true","d1:R:true/true/true","d2:R:true/true/true","d3:R:true/true/true"]`, got)

	// Aborting a dependent signal's other source leaves the first one alone.
	require.Equal(t, "true,false,true", e.MustRun(`(() => {
		const a = new AbortController(), b = new AbortController();
		const d = AbortSignal.any([a.signal, b.signal]);
		const dd = AbortSignal.any([d]);
		b.abort();
		return [d.aborted, a.signal.aborted, dd.aborted].join();
	})()`))
}

func TestAbortSignalAnyIterables(t *testing.T) {
	e := jstest.New(t, dom.Install)
	require.Equal(t, true, e.MustRun(`
		const c = new AbortController();
		function* gen() { yield c.signal }
		const s = AbortSignal.any(gen());
		const s2 = AbortSignal.any(new Set([c.signal]));
		c.abort();
		s.aborted && s2.aborted`))
	for _, src := range []string{`AbortSignal.any()`, `AbortSignal.any(5)`, `AbortSignal.any({})`,
		`AbortSignal.any([new EventTarget()])`, `AbortSignal.any([null])`, `AbortSignal.any('abc')`} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
	require.Equal(t, "TypeError: Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.",
		e.Run(`AbortSignal.any([1])`).Err)
}

func TestAbortSignalAnyListenerSurvivesGC(t *testing.T) {
	e := jstest.New(t, dom.Install)
	// The dependent signal is referenced only by its sources; it has an abort
	// listener, so it must stay alive and fire.
	e.RunInit(`
		globalThis.ctl = new AbortController();
		globalThis.hits = [];
		AbortSignal.any([ctl.signal]).addEventListener('abort', () => hits.push('listener'));
		AbortSignal.any([ctl.signal]).onabort = () => hits.push('handler');
		for (let i = 0; i < 100; i++) AbortSignal.any([ctl.signal]);
	`)
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	e.RunInit(`ctl.abort()`)
	require.Equal(t, "listener,handler", e.MustRun(`hits.join()`))
}

func TestAbortControllerBoundToRequest(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.MustRun(`globalThis.reqCtl = new AbortController(); 1`)
	r := e.Run(`reqCtl.abort()`)
	require.Equal(t, "TypeError", r.Name)
	require.True(t, strings.Contains(r.Err, "different request"), r.Err)
	// Reading its state is allowed.
	require.Equal(t, false, e.MustRun(`reqCtl.signal.aborted`))
}

// TestAbortSignalTimeoutsFireInOrder: equal delays fire in creation order
// (their Go timers call back on goroutines in any order).
func TestAbortSignalTimeoutsFireInOrder(t *testing.T) {
	e := jstest.New(t, dom.Install)
	for round := 0; round < 5; round++ {
		got := e.MustRun(`
			new Promise((resolve) => {
				const order = [], n = 50;
				for (let i = 0; i < n; i++) {
					AbortSignal.timeout(i < 25 ? 40 : 2).onabort = () => {
						order.push(i);
						if (order.length === n) resolve(order.join(','));
					};
				}
			})`)
		want := make([]string, 0, 50)
		for i := 25; i < 50; i++ { // the 2 ms ones are due first
			want = append(want, strconv.Itoa(i))
		}
		for i := 0; i < 25; i++ {
			want = append(want, strconv.Itoa(i))
		}
		require.Equal(t, strings.Join(want, ","), got)
	}
}
