package structuredclone_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

const prelude = `
function assert(cond, msg) { if (!cond) throw new Error("assertion failed: " + msg); }
function eq(a, b, msg) { if (!Object.is(a, b)) throw new Error("assertion failed: " + msg + ": got " + String(a) + ", want " + String(b)); }
function cloneError(f) {
	try { f(); } catch (e) { return e; }
	throw new Error("assertion failed: no exception");
}
`

func newEnv(t *testing.T) *jstest.Env {
	return jstest.New(t, dom.Install, structuredclone.Install)
}

// check runs src (with assert/eq helpers) and fails the test if it throws.
func check(t *testing.T, e *jstest.Env, src string) {
	t.Helper()
	r := e.Run(prelude + src + "\n;true")
	require.Empty(t, r.Err)
}

func TestPrimitives(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		for (const v of [undefined, null, true, false, 0, 1.5, -1, "", "héllo \u{1F600}", 10n, -(2n ** 70n), Infinity, -Infinity]) {
			eq(structuredClone(v), v, "primitive " + String(v));
		}
		eq(structuredClone(-0), -0, "-0");
		assert(Number.isNaN(structuredClone(NaN)), "NaN");
		eq(typeof structuredClone(10n), "bigint", "bigint type");
		eq(structuredClone.length, 1, "length");
		eq(structuredClone.name, "structuredClone", "name");
	`)
	r := e.Run(`structuredClone()`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "1 argument required")
}

func TestWrapperObjects(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const b = new Boolean(false), n = new Number(-0), s = new String("ab\u{1F600}"), bi = Object(12n);
		b.extra = 1;
		const c = structuredClone({ b, n, s, bi, n2: new Number(NaN), n3: new Number(7) });
		eq(typeof c.b, "object", "Boolean object");
		assert(c.b !== b && c.b instanceof Boolean, "new Boolean");
		eq(c.b.valueOf(), false, "Boolean value");
		eq(c.b.extra, undefined, "wrapper properties are not cloned");
		eq(c.n.valueOf(), -0, "Number -0");
		assert(Number.isNaN(c.n2.valueOf()), "Number NaN");
		eq(c.n3.valueOf(), 7, "Number 7");
		assert(c.s instanceof String && c.s.valueOf() === "ab\u{1F600}", "String");
		eq(c.s.length, 4, "String length");
		eq(typeof c.bi, "object", "BigInt object");
		eq(c.bi.valueOf(), 12n, "BigInt value");
		const sym = cloneError(() => structuredClone(Object(Symbol("x"))));
		eq(sym.name, "DataCloneError", "Symbol object");
	`)
}

func TestDateAndRegExp(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const d = new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999));
		const c = structuredClone(d);
		assert(c instanceof Date && c !== d, "Date");
		eq(c.getTime(), d.getTime(), "time value");
		eq(structuredClone(new Date(-8.64e15)).getTime(), -8.64e15, "min date");
		assert(Number.isNaN(structuredClone(new Date(NaN)).getTime()), "invalid date");

		const re = /a+(b)\//gimsuy;
		re.lastIndex = 3;
		re.extra = "x";
		const rc = structuredClone(re);
		assert(rc instanceof RegExp && rc !== re, "RegExp");
		eq(rc.source, re.source, "source");
		eq(rc.flags, "gimsuy", "flags");
		eq(rc.lastIndex, 0, "lastIndex reset");
		eq(rc.extra, undefined, "no own properties");
		assert(structuredClone(/x/).test("x") && !structuredClone(/x/).global, "plain regexp");
		eq(structuredClone(new RegExp("")).source, "(?:)", "empty regexp");
		// Shadowing the flag accessors with own properties does not fool the clone.
		const sneaky = /q/;
		Object.defineProperty(sneaky, "global", { value: true });
		eq(structuredClone(sneaky).flags, "", "internal flags are used");
	`)
}

func TestArrayBufferAndViews(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const buf = new ArrayBuffer(16);
		new Uint8Array(buf).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
		const cb = structuredClone(buf);
		assert(cb instanceof ArrayBuffer && cb !== buf, "ArrayBuffer");
		eq(cb.byteLength, 16, "byteLength");
		new Uint8Array(cb)[0] = 99;
		eq(new Uint8Array(buf)[0], 1, "copied, not shared");
		eq(structuredClone(new ArrayBuffer(0)).byteLength, 0, "empty buffer");

		const v = { a: new Uint8Array(buf, 2, 4), b: new Uint16Array(buf, 4), d: new DataView(buf, 3, 5), buf };
		const c = structuredClone(v);
		assert(c.a.buffer === c.b.buffer && c.b.buffer === c.d.buffer && c.buf === c.a.buffer, "views share one cloned buffer");
		assert(c.buf !== buf, "buffer cloned");
		assert(c.a instanceof Uint8Array && c.b instanceof Uint16Array && c.d instanceof DataView, "types");
		eq(c.a.byteOffset, 2, "offset a"); eq(c.a.length, 4, "length a");
		eq(c.b.byteOffset, 4, "offset b"); eq(c.b.length, 6, "length b");
		eq(c.d.byteOffset, 3, "offset d"); eq(c.d.byteLength, 5, "length d");
		eq(c.a.join(), "3,4,5,6", "data a");
		eq(c.d.getUint8(0), 4, "data d");
		c.a[1] = 42;
		eq(c.d.getUint8(0), 42, "clones alias each other");
		eq(new Uint8Array(buf)[2], 3, "but not the source");

		for (const T of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
				Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
			const src = new T(3);
			src[1] = T.name.startsWith("Big") ? 5n : 5;
			const out = structuredClone(src);
			eq(Object.getPrototypeOf(out), T.prototype, T.name);
			eq(out[1], src[1], T.name + " data");
			eq(out.length, 3, T.name + " length");
		}
	`)
}

func TestMapAndSet(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const k = { key: 1 };
		const m = new Map([[k, "obj"], ["b", { deep: [1] }], [NaN, -0], [1n, k]]);
		const s = new Set([k, 3, "x", k]);
		const c = structuredClone({ m, s });
		assert(c.m instanceof Map && c.m !== m, "Map");
		eq(c.m.size, 4, "Map size");
		const keys = [...c.m.keys()];
		assert(keys[0] !== k && keys[0].key === 1, "object key cloned");
		eq(keys[1], "b", "order kept"); assert(Number.isNaN(keys[2]), "NaN key"); eq(keys[3], 1n, "bigint key");
		eq(c.m.get(keys[0]), "obj", "value");
		eq(c.m.get("b").deep[0], 1, "deep value");
		eq(c.m.get(NaN), -0, "-0 value");
		eq(c.m.get(1n), keys[0], "identity shared between key and value");
		assert(c.s instanceof Set && c.s.size === 3, "Set");
		eq([...c.s][0], keys[0], "identity shared between Map and Set");
		eq([...c.s].slice(1).join(), "3,x", "Set order");
		class M extends Map {}
		eq(Object.getPrototypeOf(structuredClone(new M([[1, 2]]))), Map.prototype, "subclass becomes Map");
		// A patched prototype is not consulted.
		const before = new Map([[1, 2]]);
		Map.prototype.forEach = () => { throw new Error("patched"); };
		Map.prototype.set = () => { throw new Error("patched"); };
		eq(structuredClone(before).size, 1, "built-ins captured");
	`)
}

func TestArrays(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const a = [1, "two", { three: 3 }, [4]];
		const c = structuredClone(a);
		assert(Array.isArray(c) && c !== a, "array");
		eq(JSON.stringify(c), JSON.stringify(a), "contents");

		const holes = [1, , 3, , ];
		const ch = structuredClone(holes);
		eq(ch.length, 4, "length with trailing hole");
		assert(!(1 in ch) && !(3 in ch) && 2 in ch, "holes preserved");

		const sparse = [];
		sparse[1000000] = "x";
		sparse.extra = "prop";
		const cs = structuredClone(sparse);
		eq(cs.length, 1000001, "sparse length");
		eq(Object.keys(cs).join(), "1000000,extra", "sparse keys");

		const extra = [1, 2];
		extra.name = "n";
		Object.defineProperty(extra, "hidden", { value: 1, enumerable: false });
		const ce = structuredClone(extra);
		eq(ce.name, "n", "extra property");
		eq(ce.hidden, undefined, "non-enumerable skipped");
		eq(ce.length, 2, "length");

		const empty = structuredClone(new Array(5));
		eq(empty.length, 5, "empty length"); eq(Object.keys(empty).length, 0, "all holes");

		const self = [1];
		self.push(self);
		const cself = structuredClone(self);
		assert(cself[1] === cself && cself !== self && cself.length === 2 && cself[0] === 1, "array cycle");
		const selfExtra = [, 2];
		selfExtra.me = selfExtra;
		const cse = structuredClone(selfExtra);
		assert(cse.me === cse && !(0 in cse) && cse[1] === 2, "sparse array cycle");

		// Index setters on Array.prototype are not triggered (CreateDataProperty).
		Object.defineProperty(Array.prototype, "0", { set() { throw new Error("setter"); }, configurable: true });
		eq(structuredClone([7])[0], 7, "dense");
		eq(structuredClone([7, , 8])[0], 7, "sparse");
		delete Array.prototype[0];
	`)
}

func TestPlainObjects(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		let calls = 0;
		const sym = Symbol("s");
		const o = {
			a: 1, "b c": [2], [sym]: "symbol-keyed",
			get g() { calls++; return { fromGetter: true }; },
		};
		Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
		const c = structuredClone(o);
		eq(calls, 1, "getter called once");
		const d = Object.getOwnPropertyDescriptor(c, "g");
		assert("value" in d && d.value.fromGetter === true, "getter result becomes data property");
		eq(c["b c"][0], 2, "odd key");
		eq(c.hidden, undefined, "non-enumerable");
		eq(c[sym], undefined, "symbol keys skipped");
		eq(Object.getPrototypeOf(c), Object.prototype, "plain prototype");

		class Point { constructor() { this.x = 1; } get y() { return 2; } }
		const p = structuredClone(new Point());
		eq(Object.getPrototypeOf(p), Object.prototype, "class instance becomes plain object");
		eq(p.x, 1, "own field"); eq(p.y, undefined, "prototype getter not copied");

		const proto = JSON.parse('{"__proto__": {"polluted": true}}');
		const cp = structuredClone(proto);
		eq(Object.getPrototypeOf(cp), Object.prototype, "__proto__ key defined, not set");
		assert(Object.getOwnPropertyDescriptor(cp, "__proto__").value.polluted, "own __proto__ data");
		eq(({}).polluted, undefined, "no prototype pollution");

		const nullProto = Object.create(null);
		nullProto.k = "v";
		eq(structuredClone(nullProto).k, "v", "null prototype object");

		// A getter that deletes a later property: the property is skipped.
		const del = { get first() { delete this.second; return 1; }, second: 2 };
		assert(!("second" in structuredClone(del)), "deleted during clone");
	`)
}

func TestIdentityAndCycles(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const shared = { s: 1 };
		const o = { a: shared, b: shared, list: [shared] };
		o.self = o;
		o.m = new Map([["o", o]]);
		o.set = new Set([o, shared]);
		const c = structuredClone(o);
		assert(c !== o && c.self === c, "self cycle");
		assert(c.a === c.b && c.list[0] === c.a && c.a !== shared, "shared identity");
		eq(c.m.get("o"), c, "cycle through Map");
		assert(c.set.has(c) && c.set.has(c.a), "cycle through Set");

		const err = new Error("loop");
		err.cause = { err };
		const ce = structuredClone(err);
		eq(ce.cause.err, ce, "cycle through Error cause");
	`)
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		for (const E of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
			const src = new E("msg " + E.name);
			const c = structuredClone(src);
			assert(c !== src, E.name);
			eq(Object.getPrototypeOf(c), E.prototype, E.name + " prototype");
			eq(c.name, E.name, E.name + " name");
			eq(c.message, "msg " + E.name, E.name + " message");
			eq(c.stack, src.stack, E.name + " stack");
			eq(Object.getOwnPropertyDescriptor(c, "message").enumerable, false, "message not enumerable");
			assert(c instanceof Error, "instanceof Error");
		}
		class MyError extends TypeError { constructor(m) { super(m); this.name = "MyError"; this.code = 7; } }
		const mine = structuredClone(new MyError("x"));
		eq(Object.getPrototypeOf(mine), Error.prototype, "unknown name becomes Error");
		eq(mine.name, "Error", "normalised name");
		eq(mine.code, undefined, "other properties dropped");
		const renamed = new Error("y");
		renamed.name = "RangeError";
		eq(Object.getPrototypeOf(structuredClone(renamed)), RangeError.prototype, "name decides the type");

		const noMsg = structuredClone(new Error());
		assert(!Object.prototype.hasOwnProperty.call(noMsg, "message"), "no own message");
		const numMsg = new Error();
		numMsg.message = 42;
		eq(structuredClone(numMsg).message, "42", "message converted to string");
		const accessor = new Error("a");
		Object.defineProperty(accessor, "message", { get() { return "from getter"; } });
		assert(!Object.prototype.hasOwnProperty.call(structuredClone(accessor), "message"), "accessor message ignored");

		const withCause = new Error("outer", { cause: { code: 42, inner: new RangeError("inner") } });
		const cc = structuredClone(withCause);
		eq(cc.cause.code, 42, "cause cloned");
		assert(cc.cause !== withCause.cause && cc.cause.inner instanceof RangeError, "deep cause");
		assert(!("cause" in structuredClone(new Error("no cause"))), "no cause");
		const noStack = new Error("s");
		delete noStack.stack;
		assert(!Object.prototype.hasOwnProperty.call(structuredClone(noStack), "stack"), "no stack");

		const d = structuredClone(new DOMException("aborted", "AbortError"));
		assert(d instanceof DOMException, "DOMException is serializable");
		eq(d.name, "AbortError", "DOMException name"); eq(d.message, "aborted", "DOMException message");
		eq(d.code, 20, "DOMException code");
	`)
}

func TestUncloneableValues(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ src, msg string }{
		{`function handler() {}`, "function 'handler' could not be cloned."},
		{`() => {}`, "an anonymous function could not be cloned."},
		{`class K {}`, "function 'K' could not be cloned."},
		{`Symbol("tag")`, "Symbol(tag) could not be cloned."},
		{`new WeakMap()`, "#<WeakMap> could not be cloned."},
		{`new WeakSet()`, "#<WeakSet> could not be cloned."},
		{`Promise.resolve(1)`, "#<Promise> could not be cloned."},
		{`new Proxy({}, {})`, "a Proxy object could not be cloned."},
		{`new Map().keys()`, "#<Map Iterator> could not be cloned."},
		{`(function* g() {})()`, "#<Generator> could not be cloned."},
		{`globalThis`, "the global object could not be cloned."},
		{`({ config: { onDone() {} } })`, "function 'onDone' could not be cloned (found at value.config.onDone)."},
		{`({ list: [1, 2, Symbol.iterator] })`, "Symbol(Symbol.iterator) could not be cloned (found at value.list[2])."},
		{`({ "a-b": new Map([["k", new WeakMap()]]) })`, `#<WeakMap> could not be cloned (found at value["a-b"].<Map entry 0 value>).`},
		{`new Set([1, () => 1])`, "an anonymous function could not be cloned (found at value.<Set entry 1>)."},
		{`new Error("e", { cause: Promise.resolve() })`, "#<Promise> could not be cloned (found at value.cause)."},
		{`(() => { const b = new ArrayBuffer(1); structuredClone(b, { transfer: [b] }); return b; })()`, "a detached ArrayBuffer could not be cloned."},
		{`(() => { const b = new ArrayBuffer(1); const v = new Uint8Array(b); structuredClone(b, { transfer: [b] }); return { v }; })()`,
			"a detached ArrayBuffer could not be cloned (found at value.v.buffer)."},
	}
	for _, c := range cases {
		r := e.Run(`structuredClone(` + c.src + `)`)
		require.Equal(t, "DataCloneError", r.Name, c.src)
		require.Equal(t, "DataCloneError: "+c.msg, r.Err, c.src)
	}
	check(t, e, `
		const err = cloneError(() => structuredClone(() => {}));
		assert(err instanceof DOMException, "DOMException");
		eq(err.code, 25, "DATA_CLONE_ERR");
	`)
}

func TestHostObjectsAreNotCloneable(t *testing.T) {
	e := newEnv(t)
	type thing struct{ realm.Host }
	e.Do(func() {
		c := e.R.NewClass("Thing", 0, nil, nil)
		e.R.DefineGlobal("thing", c.Wrap(&thing{}))
	})
	r := e.Run(`structuredClone({ t: thing })`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Equal(t, "DataCloneError: #<Thing> could not be cloned (found at value.t).", r.Err)
	e.Do(func() { _ = e.R.VM().Set("goValue", struct{ A int }{1}) })
	r = e.Run(`structuredClone(goValue)`)
	require.Equal(t, "DataCloneError", r.Name)
}

func TestGetterExceptionPropagates(t *testing.T) {
	e := newEnv(t)
	r := e.Run(`structuredClone({ get bad() { throw new RangeError("from getter"); } })`)
	require.Equal(t, "RangeError: from getter", r.Err)
}

func TestDeepNesting(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		let deep = {};
		for (let i = 0; i < 5000; i++) deep = { next: deep };
		let c = structuredClone(deep), n = 0;
		while (c.next) { c = c.next; n++; }
		eq(n, 5000, "5000 levels");
		let tooDeep = [];
		for (let i = 0; i < 20000; i++) tooDeep = [tooDeep];
		const err = cloneError(() => structuredClone(tooDeep));
		assert(err instanceof RangeError && err.message.includes("nested more than"), String(err));
	`)
}

func TestTransfer(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const buf = new Uint8Array([1, 2, 3, 4]).buffer;
		const view = new Uint8Array(buf, 1, 2);
		const c = structuredClone({ buf, view }, { transfer: [buf] });
		eq(buf.byteLength, 0, "source detached");
		eq(c.buf.byteLength, 4, "clone has the bytes");
		eq(new Uint8Array(c.buf).join(), "1,2,3,4", "contents");
		eq(c.view.buffer, c.buf, "view uses the transferred buffer");
		eq(c.view.join(), "2,3", "view contents");
		const threw = cloneError(() => new Uint8Array(buf));
		assert(threw instanceof TypeError, "detached source unusable");

		// The transferred buffer does not have to be inside the value.
		const other = new ArrayBuffer(8);
		eq(structuredClone(1, { transfer: [other] }), 1, "value");
		eq(other.byteLength, 0, "detached anyway");

		// Any iterable works; the result is the transferred buffer itself.
		const b2 = new ArrayBuffer(2);
		const out = structuredClone(b2, { transfer: new Set([b2]) });
		eq(out.byteLength, 2, "transferred root"); eq(b2.byteLength, 0, "root detached");

		eq(structuredClone(5, undefined), 5, "undefined options");
		eq(structuredClone(5, null), 5, "null options");
		eq(structuredClone(5, {}), 5, "empty options");
		eq(structuredClone(5, { transfer: [] }), 5, "empty transfer");
	`)
	cases := []struct{ src, name, msg string }{
		{`structuredClone(1, { transfer: [{}] })`, "DataCloneError", "value at index 0 of the transfer list is not an ArrayBuffer or a MessagePort; only those can be transferred."},
		{`structuredClone(1, { transfer: [new Uint8Array(1)] })`, "DataCloneError", "value at index 0 of the transfer list is not an ArrayBuffer"},
		{`{ const b = new ArrayBuffer(1); structuredClone(1, { transfer: [b, b] }) }`, "DataCloneError", "ArrayBuffer at index 1 of the transfer list is listed more than once."},
		{`{ const b = new ArrayBuffer(1); structuredClone(1, { transfer: [b] }); structuredClone(1, { transfer: [b] }) }`, "DataCloneError", "ArrayBuffer at index 0 of the transfer list is already detached."},
		{`structuredClone(1, 5)`, "TypeError", "parameter 2 (options) is not an object"},
		{`structuredClone(1, { transfer: 5 })`, "TypeError", "options.transfer is not iterable"},
		{`structuredClone(1, { transfer: { length: 0 } })`, "TypeError", "options.transfer is not iterable"},
		{`structuredClone(1, { transfer: [1] })`, "TypeError", "must contain only objects"},
	}
	for _, c := range cases {
		r := e.Run(c.src)
		require.Equal(t, c.name, r.Name, c.src)
		require.Contains(t, r.Err, c.msg, c.src)
	}
	// A failed clone leaves the transfer list attached.
	check(t, e, `
		const b = new ArrayBuffer(4);
		cloneError(() => structuredClone({ b, f() {} }, { transfer: [b] }));
		eq(b.byteLength, 4, "still attached");
	`)
}

func TestTransferDetachedDuringClone(t *testing.T) {
	e := newEnv(t)
	r := e.Run(`
		const b = new ArrayBuffer(4);
		structuredClone({ get x() { structuredClone(null, { transfer: [b] }); return 1; } }, { transfer: [b] });
	`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Contains(t, r.Err, "was detached while the value was being cloned")
}

func TestCloneGoAPI(t *testing.T) {
	e := newEnv(t)
	e.Do(func() {
		vm := e.R.VM()
		src, err := vm.RunString(`({ a: [1, { b: 2 }], buf: new ArrayBuffer(3) })`)
		require.NoError(t, err)
		buf := src.(*goja.Object).Get("buf")
		out, err := structuredclone.Clone(e.R, src, []goja.Value{buf})
		require.NoError(t, err)
		require.NotSame(t, src, out)
		require.Equal(t, map[string]any{"b": int64(2)}, out.(*goja.Object).Get("a").Export().([]any)[1])
		require.True(t, buf.Export().(goja.ArrayBuffer).Detached())

		fn, err := vm.RunString(`(function secret() {})`)
		require.NoError(t, err)
		_, err = structuredclone.Clone(e.R, fn, nil)
		var ex *goja.Exception
		require.True(t, errors.As(err, &ex))
		d, ok := dom.IsDOMException(ex.Value())
		require.True(t, ok)
		require.Equal(t, "DataCloneError", d.Name)
		require.True(t, strings.HasPrefix(d.Message, "function 'secret'"))
	})
}

func TestLargeSparseArraysAndBuffers(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const huge = new Array(2 ** 32 - 1);
		huge[5] = "x";
		const c = structuredClone(huge);
		eq(c.length, 2 ** 32 - 1, "max length");
		eq(c[5], "x", "element");
		eq(Object.keys(c).length, 1, "one key");

		const big = new Uint8Array(1 << 20);
		big[12345] = 7;
		const cb = structuredClone(big);
		eq(cb[12345], 7, "big typed array");
		assert(cb.buffer !== big.buffer, "copied");
	`)
}

func TestCloneDoesNotRunPrototypeSetters(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		let hits = 0;
		Object.defineProperty(Object.prototype, "trap", { set(v) { hits++; }, configurable: true });
		const c = structuredClone({ trap: 1, nested: { trap: 2 } });
		eq(hits, 0, "no setter ran");
		eq(Object.getOwnPropertyDescriptor(c, "trap").value, 1, "own data property");
		eq(c.nested.trap, 2, "nested own data property");
		delete Object.prototype.trap;
		eq(Object.getPrototypeOf(c.nested), Object.prototype, "prototype restored");
	`)
}

func TestKeysThatAreNotValidUnicode(t *testing.T) {
	e := newEnv(t)
	check(t, e, `
		const lone = "a\uD800b", other = "\uDC00";
		const o = { [lone]: 1, [other]: { deep: 2 }, "é": 3, "\u{1F600}": 4 };
		const c = structuredClone(o);
		eq(Object.keys(c).length, 4, "all keys kept");
		eq(c[lone], 1, "lone high surrogate");
		eq(c[other].deep, 2, "lone low surrogate");
		eq(c["é"], 3, "non-ASCII"); eq(c["\u{1F600}"], 4, "astral");
		const a = [1];
		a[lone] = "x";
		eq(structuredClone(a)[lone], "x", "array extra property");
	`)
}

func TestFloat16Array(t *testing.T) {
	e := jstest.New(t, dom.Install, ecma.Install, structuredclone.Install)
	check(t, e, `
		const buf = new ArrayBuffer(12);
		const f = new Float16Array(buf, 2, 4);
		f.set([1.5, -2, 65504, 0.1]);
		const c = structuredClone({ f, g: new Uint8Array(buf) });
		assert(c.f instanceof Float16Array && c.f !== f, "type");
		assert(c.f.buffer === c.g.buffer && c.f.buffer !== buf, "one cloned buffer");
		eq(c.f.byteOffset, 2, "offset"); eq(c.f.length, 4, "length");
		eq(c.f.join(), f.join(), "values");
		c.f[0] = 3;
		eq(f[0], 1.5, "copied, not shared");
	`)
}
