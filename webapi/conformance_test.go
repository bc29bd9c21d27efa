package webapi_test

import (
	"io"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

// recordLog defines logged(record): a Proxy of record that logs every trap
// as "trap:key" in log.
const recordLog = `
	var log = [];
	function logged(target) {
		const h = {};
		for (const name of Object.getOwnPropertyNames(Reflect)) {
			h[name] = (...args) => { log.push(name + (args.length > 1 ? ':' + String(args[1]) : '')); return Reflect[name](...args) };
		}
		return new Proxy(target, h);
	}
`

func TestHeadersRecordConversion(t *testing.T) {
	e := env(t)
	// [[Get]] @@iterator (overload resolution), [[OwnPropertyKeys]], then per
	// key [[GetOwnProperty]] and, for enumerable ones, [[Get]].
	require.Equal(t, "get:Symbol(Symbol.iterator),ownKeys,getOwnPropertyDescriptor:a,get:a,getOwnPropertyDescriptor:c,get:c|a=b,c=d", e.MustRun(recordLog+`{
		const h = new Headers(logged({ a: 'b', c: 'd' }));
		log.join(',') + '|' + [...h].map(([k, v]) => k + '=' + v).join(',')}`))
	// Non-enumerable keys (strings and Symbols) are skipped without a [[Get]].
	require.Equal(t, "get:Symbol(Symbol.iterator),ownKeys,getOwnPropertyDescriptor:a,getOwnPropertyDescriptor:c,get:c,getOwnPropertyDescriptor:Symbol(s)|c", e.MustRun(recordLog+`{
		const rec = {};
		Object.defineProperty(rec, 'a', { value: 'b', enumerable: false });
		Object.defineProperty(rec, 'c', { value: 'd', enumerable: true });
		Object.defineProperty(rec, Symbol('s'), { value: 'x', enumerable: false });
		const h = new Headers(logged(rec));
		log.join(',') + '|' + [...h.keys()].join(',')}`))
	// An enumerable Symbol key is a TypeError, after its [[GetOwnProperty]]
	// and before its [[Get]].
	require.Equal(t, "TypeError|get:Symbol(Symbol.iterator),ownKeys,getOwnPropertyDescriptor:a,get:a,getOwnPropertyDescriptor:Symbol(s)", e.MustRun(recordLog+`{
		let name;
		try { new Headers(logged({ a: 'b', [Symbol('s')]: 'x' })) } catch (err) { name = err.name }
		name + '|' + log.join(',')}`))
	// A key that is not a ByteString throws before its [[Get]].
	require.Equal(t, "TypeError|get:Symbol(Symbol.iterator),ownKeys,getOwnPropertyDescriptor:a,get:a,getOwnPropertyDescriptor:\uffff", e.MustRun(recordLog+`{
		let name;
		try { new Headers(logged({ a: 'b', '\uFFFF': 'd' })) } catch (err) { name = err.name }
		name + '|' + log.join(',')}`))
	// The whole record is converted before the first header is validated.
	require.Equal(t, "TypeError|true", e.MustRun(`
		let seen = false, name;
		try { new Headers({ 'bad name': 'x', get later() { seen = true; return 'y' } }) } catch (err) { name = err.name }
		name + '|' + seen`))
	// Plain objects (the fast path) convert the same way.
	require.Equal(t, "a=1|b=2, 3", e.MustRun(`{
		const proto = { inherited: 'no' };
		const rec = Object.create(proto);
		rec.b = '2, 3'; rec.a = 1;
		Object.defineProperty(rec, 'hidden', { value: 'no', enumerable: false });
		[...new Headers(rec)].map(([k, v]) => k + '=' + v).join('|')
	}`))
	// Sequences too: every entry is converted before any is checked.
	require.Equal(t, "TypeError|true", e.MustRun(`
		let seen2 = false, name2;
		try { new Headers([['a', '1', 'extra'], ['b', { toString() { seen2 = true; return 'x' } }]]) } catch (err) { name2 = err.name }
		name2 + '|' + seen2`))
	require.Equal(t, "TypeError", e.Run(`new Headers({ a: 'b', [Symbol('x')]: 'y' })`).Name)
	require.Equal(t, "TypeError", e.Run(`new Headers({ [Symbol.iterator]: 5 })`).Name)
	require.Equal(t, "TypeError", e.Run(`new Headers({ a: Symbol('v') })`).Name)
}

func TestHeadersFromHeaders(t *testing.T) {
	e := env(t)
	// A Headers object is a sequence: its own iterator is honoured.
	require.Equal(t, "test|null", e.MustRun(`{
		const h = new Headers({ a: '1' });
		h[Symbol.iterator] = function* () { yield ['test', 'test'] };
		const h2 = new Headers(h);
		h2.get('test') + '|' + h2.get('a')
	}`))
	// Unchanged, it is copied (set-cookie values stay separate).
	require.Equal(t, "1, 2|x,y", e.MustRun(`{
		const h = new Headers([['a', '1'], ['a', '2'], ['set-cookie', 'x'], ['set-cookie', 'y']]);
		const h2 = new Headers(h);
		h2.get('a') + '|' + h2.getSetCookie().join(',')
	}`))
}

func TestHostObjectsHoldSymbolKeys(t *testing.T) {
	e := env(t)
	require.Equal(t, "5|undefined|true|true", e.MustRun(`(() => {
		'use strict';
		const s = Symbol('tag');
		const a = new Headers(), b = new Headers();
		a[s] = 5;
		return [a[s], String(b[s]), Object.getPrototypeOf(a) === Headers.prototype, a instanceof Headers].join('|');
	})()`))
	// Only the iterable interfaces take Symbol expandos (realm.SymbolExpandos
	// makes their prototype lookups slower); others refuse them clearly.
	require.Equal(t, "TypeError", e.MustRun(`(() => {
		'use strict';
		try { new Request('http://x/')[Symbol('tag')] = 5 } catch (err) { return err.name }
	})()`))
	// A read-only Symbol property of the prototype cannot be shadowed.
	require.Equal(t, "TypeError|[object Headers]", e.MustRun(`(() => {
		'use strict';
		const h = new Headers();
		let name;
		try { h[Symbol.toStringTag] = 'x' } catch (err) { name = err.name }
		return name + '|' + Object.prototype.toString.call(h);
	})()`))
	// A setter found along the prototype chain is called with the object.
	require.Equal(t, "true|7", e.MustRun(`(() => {
		'use strict';
		const s = Symbol('acc');
		let self, got;
		Object.defineProperty(Headers.prototype, s, { set(v) { self = this; got = v }, configurable: true });
		const r = new Headers();
		r[s] = 7;
		delete Headers.prototype[s];
		return (self === r) + '|' + got;
	})()`))
	// Objects that merely inherit from an interface prototype are ordinary.
	require.Equal(t, "1|true", e.MustRun(`(() => {
		'use strict';
		const s = Symbol('o');
		const o = Object.create(Headers.prototype);
		o[s] = 1;
		return o[s] + '|' + Object.getOwnPropertySymbols(o).includes(s);
	})()`))
	// Subclass instances too.
	require.Equal(t, "ok", e.MustRun(`(() => {
		'use strict';
		class R extends Headers {}
		const r = new R();
		r[Symbol.for('k')] = 'ok';
		return r[Symbol.for('k')];
	})()`))
}

// withReaderResponse adds __readerResponse(text): a Response whose body is
// a Go reader, as a fetched response's is.
func withReaderResponse(r *realm.Realm) {
	r.DefineGlobal("__readerResponse", r.Func("__readerResponse", 1, func(call goja.FunctionCall) goja.Value {
		rc := io.NopCloser(strings.NewReader(call.Argument(0).String()))
		obj, _ := webapi.NewResponse(r, 200, "OK", nil, webapi.ReaderBody(rc, -1), "", false)
		return obj
	}))
}

func TestBodyAfterConsumption(t *testing.T) {
	e := jstest.New(t, webapi.Install, withReaderResponse)
	for _, src := range []string{`new Response('{"k":1}')`, `new Response(new Uint8Array([123, 125]))`, `__readerResponse('{"k":1}')`} {
		for _, method := range []string{"text", "json", "arrayBuffer", "blob", "bytes"} {
			// Fetch "fully read" leaves the stream disturbed and locked:
			// .body is not null, and it cannot give a reader.
			require.Equal(t, "true|true|true|true|TypeError|TypeError", e.MustRun(`(async () => {
				const r = `+src+`;
				const p = r.`+method+`();
				const b = r.body;
				let err;
				try { b.getReader() } catch (x) { err = x.name }
				await p;
				let again;
				try { await r.text() } catch (x) { again = x.name }
				return [b !== null, b === r.body, b.locked, r.bodyUsed, err, again].join('|');
			})()`), src+" "+method)
		}
	}
	// A null body stays null.
	require.Equal(t, "true|false", e.MustRun(`(async () => {
		const r = new Response(null);
		await r.text();
		return [r.body === null, r.bodyUsed].join('|');
	})()`))
	// new Request(input) takes input's body: input's is disturbed and locked.
	require.Equal(t, "true|true|true|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', { method: 'POST', body: 'abc' });
		const b = new Request(a);
		return [a.body !== null, a.body.locked, a.bodyUsed, await b.text()].join('|');
	})()`))
	// ... and a used input cannot make a new Request, whatever its source.
	require.Equal(t, "TypeError", e.Run(`(async () => {
		const r = new Request('http://x/', { method: 'POST', body: 'abc' });
		await r.text();
		new Request(r);
	})()`).Name)
}

func TestRequestPriority(t *testing.T) {
	e := env(t)
	for _, p := range []string{"high", "low", "auto"} {
		require.Equal(t, "GET", e.MustRun(`new Request('http://x/', { priority: '`+p+`' }).method`), p)
	}
	res := e.Run(`new Request('http://x/', { priority: 'urgent' })`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, "RequestPriority")
	require.Equal(t, "TypeError", e.Run(`new Request('http://x/', { priority: 'HIGH' })`).Name)
	require.Equal(t, "GET", e.MustRun(`new Request(new Request('http://x/', { priority: 'low' })).clone().method`))
}

// A record conversion needing Reflect after script deleted it throws a
// TypeError (it used to be a Go panic, retiring the isolate).
func TestHeadersRecordWithoutReflect(t *testing.T) {
	e := env(t)
	require.Equal(t, "TypeError", e.MustRun(`(() => {
		delete globalThis.Reflect;
		try { new Headers(new Proxy({ a: '1' }, {})) } catch (err) { return err.name }
		return 'no error';
	})()`))
}
