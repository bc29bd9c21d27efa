package ecma_test

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/crypto"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

func TestMathF16Round(t *testing.T) {
	run(t, env(t), `
		desc(Math, "f16round", "f16round", true, false, true);
		fnShape(Math.f16round, "f16round", 1, "f16round");
		throws(TypeError, () => new Math.f16round(1), "not a constructor");
		const cases = [
			[1, 1], [1.5, 1.5], [65504, 65504], [65519.99, 65504], [65520, Infinity], [-65520, -Infinity],
			[2 ** -24, 2 ** -24], [2 ** -25, 0], [-(2 ** -25), -0], [3 * 2 ** -26, 2 ** -24], [2 ** -14, 2 ** -14],
			[0.1, 0.0999755859375], [2049, 2048], [2051, 2052], [2050, 2050], [1 / 3, 0.333251953125],
			[0, 0], [-0, -0], [Infinity, Infinity], [-Infinity, -Infinity], [NaN, NaN],
			["2049", 2048], [{ valueOf() { return 0.1; } }, 0.0999755859375], [undefined, NaN], [null, 0], [true, 1],
		];
		for (const [x, want] of cases) eq(Math.f16round(x), want, "f16round(" + String(x) + ")");
		eq(Math.f16round(), NaN, "no argument");
		throws(TypeError, () => Math.f16round(1n), "BigInt");
		throws(TypeError, () => Math.f16round(Symbol()), "Symbol");
	`)
}

func TestDataViewFloat16(t *testing.T) {
	run(t, env(t), `
		const P = DataView.prototype;
		desc(P, "getFloat16", "getFloat16", true, false, true);
		desc(P, "setFloat16", "setFloat16", true, false, true);
		fnShape(P.getFloat16, "getFloat16", 1, "getFloat16");
		fnShape(P.setFloat16, "setFloat16", 2, "setFloat16");

		const buf = new ArrayBuffer(8);
		const dv = new DataView(buf, 2);
		const u8 = new Uint8Array(buf);
		eq(dv.setFloat16(0, 1.5), undefined, "returns undefined");
		eq(u8.join(), "0,0,62,0,0,0,0,0", "big-endian by default");
		dv.setFloat16(2, 1.5, true);
		eq(u8.join(), "0,0,62,0,0,62,0,0", "little-endian");
		eq(dv.getFloat16(0), 1.5, "get big-endian");
		eq(dv.getFloat16(2, true), 1.5, "get little-endian");
		eq(dv.getFloat16(2), 0.0000036954879760742188, "the other order");
		dv.setFloat16(0, 65520, 1);
		eq(dv.getUint16(0, true), 0x7c00, "rounds to Infinity");
		eq(dv.getFloat16(0, "yes"), Infinity, "truthy littleEndian");
		dv.setFloat16(0, -0);
		eq(dv.getFloat16(0), -0, "-0");
		eq(dv.getUint16(0), 0x8000, "-0 bits");
		dv.setFloat16(0, NaN);
		eq(dv.getFloat16(0), NaN, "NaN");
		dv.setUint16(0, 0x0001);
		eq(dv.getFloat16(0), 2 ** -24, "smallest subnormal");
		dv.setUint16(0, 0x7bff);
		eq(dv.getFloat16(0), 65504, "largest finite");
		dv.setUint16(0, 0xfc01);
		eq(dv.getFloat16(0), NaN, "a NaN with payload");
		dv.setFloat16(4, 0.1);
		eq(dv.getUint16(4), 0x2e66, "0.1");
		dv.setFloat16("4", "2051");
		eq(dv.getFloat16(4), 2052, "conversions");

		// Errors, in the specified order.
		throws(RangeError, () => dv.getFloat16(5), "get past the end");
		throws(RangeError, () => dv.setFloat16(5, 1), "set past the end");
		throws(RangeError, () => dv.getFloat16(-1), "negative index");
		throws(TypeError, () => P.getFloat16.call(new Uint16Array(2), 0), "get on a typed array");
		throws(TypeError, () => P.setFloat16.call({}, 0, 1), "set on an object");
		throws(TypeError, () => P.getFloat16.call(new Float16Array(2), 0), "get on a Float16Array");
		let order = [];
		throws(TypeError, () => P.setFloat16.call(1, { valueOf() { order.push("index"); return 0; } }, 1), "receiver first");
		eq(order.join(), "", "receiver checked before the index");
		dv.setFloat16({ valueOf() { order.push("index"); return 0; } }, { valueOf() { order.push("value"); return 1; } });
		eq(order.join(), "index,value", "index, then value");
		order = [];
		throws(RangeError, () => dv.setFloat16(6, { valueOf() { order.push("value"); return 1; } }), "range");
		eq(order.join(), "value", "value converted before the range check");
		throws(TypeError, () => dv.setFloat16(0, 1n), "BigInt value");
		const ab2 = new ArrayBuffer(4), dv2 = new DataView(ab2);
		ab2.transfer();
		throws(TypeError, () => dv2.getFloat16(0), "detached get");
		throws(TypeError, () => dv2.setFloat16(0, 1), "detached set");
	`)
}

func TestFloat16ArrayShape(t *testing.T) {
	run(t, env(t), `
		void Float16Array;
		desc(globalThis, "Float16Array", "global", true, false, true);
		fnShape(Float16Array, "Float16Array", 3, "constructor");
		const TA = Object.getPrototypeOf(Int8Array);
		eq(Object.getPrototypeOf(Float16Array), TA, "Float16Array inherits %TypedArray%");
		const P = Float16Array.prototype;
		eq(Object.getPrototypeOf(P), TA.prototype, "prototype inherits %TypedArray%.prototype");
		desc(Float16Array, "prototype", "prototype", false, false, false);
		desc(P, "constructor", "constructor", true, false, true);
		eq(P.constructor, Float16Array, "constructor");
		eq(desc(Float16Array, "BYTES_PER_ELEMENT", "BYTES_PER_ELEMENT", false, false, false).value, 2, "BYTES_PER_ELEMENT");
		eq(desc(P, "BYTES_PER_ELEMENT", "prototype BYTES_PER_ELEMENT", false, false, false).value, 2, "prototype BYTES_PER_ELEMENT");
		eq(Float16Array[Symbol.species], Float16Array, "species (inherited)");
		fnShape(Float16Array.from, "from", 1, "from");
		fnShape(Float16Array.of, "of", 0, "of");

		const methods = { at: 1, copyWithin: 2, entries: 0, every: 1, fill: 1, filter: 1, find: 1, findIndex: 1,
			findLast: 1, findLastIndex: 1, forEach: 1, includes: 1, indexOf: 1, join: 1, keys: 0, lastIndexOf: 1,
			map: 1, reduce: 1, reduceRight: 1, reverse: 0, set: 1, slice: 2, some: 1, sort: 1, subarray: 2,
			toLocaleString: 0, toReversed: 0, toSorted: 1, values: 0, with: 2 };
		for (const [k, len] of Object.entries(methods)) {
			desc(P, k, k, true, false, true);
			fnShape(P[k], k, len, k);
			eq(Object.prototype.hasOwnProperty.call(P[k], "prototype"), false, k + " is no constructor");
		}
		for (const k of ["buffer", "byteLength", "byteOffset", "length"]) {
			const d = desc(P, k, k, undefined, false, true);
			eq(d.set, undefined, k + " setter");
			fnShape(d.get, "get " + k, 0, k + " getter");
		}
		const tag = desc(P, Symbol.toStringTag, "toStringTag", undefined, false, true);
		fnShape(tag.get, "get [Symbol.toStringTag]", 0, "toStringTag getter");
		eq(tag.get.call(new Float16Array(1)), "Float16Array", "tag of a Float16Array");
		eq(tag.get.call(new Int8Array(1)), "Int8Array", "tag of another typed array");
		eq(tag.get.call({}), undefined, "tag of an object");
		eq(tag.get.call(3), undefined, "tag of a primitive");
		eq(P[Symbol.iterator], P.values, "@@iterator is values");
		eq(P.toString, Array.prototype.toString, "toString is Array.prototype.toString");
		eq(Object.getOwnPropertyNames(P).sort().join(),
			["BYTES_PER_ELEMENT", "buffer", "byteLength", "byteOffset", "constructor", "length", ...Object.keys(methods)].sort().join(), "own properties");

		// The getters and methods take any typed array, as %TypedArray%'s do.
		eq(Object.getOwnPropertyDescriptor(P, "length").get.call(new Int8Array(3)), 3, "length of an Int8Array");
		eq(P.map.call(new Uint8Array([1, 2]), x => x * 2).join(), "2,4", "map on a Uint8Array");
		throws(TypeError, () => P.join.call({ length: 1, 0: 1 }), "join on an array-like");
		throws(TypeError, () => Object.getOwnPropertyDescriptor(P, "length").get.call({}), "length of an object");
		throws(TypeError, () => P.length, "length of the prototype");
		throws(TypeError, () => P.at.call(new Proxy(new Float16Array(1), {}), 0), "a Proxy is not a typed array");

		// ArrayBuffer.isView knows Float16Arrays, and keeps its shape.
		desc(ArrayBuffer, "isView", "isView", true, false, true);
		fnShape(ArrayBuffer.isView, "isView", 1, "isView");
		eq(ArrayBuffer.isView(new Float16Array(1)), true, "isView(Float16Array)");
		eq(ArrayBuffer.isView(new DataView(new ArrayBuffer(1))), true, "isView(DataView)");
		eq(ArrayBuffer.isView(new Uint8Array(1)), true, "isView(Uint8Array)");
		eq(ArrayBuffer.isView({}), false, "isView({})");
		eq(ArrayBuffer.isView(), false, "isView()");
		eq(ArrayBuffer.isView(new Proxy(new Float16Array(1), {})), false, "isView(Proxy)");
	`)
}

func TestFloat16ArrayLazy(t *testing.T) {
	e := env(t)
	run(t, e, `
		let d = desc(globalThis, "Float16Array", "Float16Array", undefined, false, true);
		eq(typeof d.get, "function", "getter before first read");
		eq(ArrayBuffer.isView.name, "isView", "isView");
	`)
	// Nothing is a Float16Array before the constructor is built.
	e.Do(func() {
		require.False(t, ecma.IsFloat16Array(e.R, e.R.VM().ToValue(1)))
	})
	run(t, e, `
		const F = Float16Array;
		desc(globalThis, "Float16Array", "Float16Array", true, false, true);
		eq(globalThis.Float16Array, F, "same object");
	`)
	run(t, env(t), `
		Float16Array = 1;
		desc(globalThis, "Float16Array", "assigned", true, false, true);
		eq(Float16Array, 1, "assignment before first read");
		eq(ArrayBuffer.isView(new Uint8Array(1)), true, "isView untouched");
	`)
}

func TestFloat16ArrayConstructors(t *testing.T) {
	run(t, env(t), `
		const F = Float16Array;
		const bits = (a) => Array.from(new Uint16Array(a.buffer, a.byteOffset, a.length), x => x.toString(16)).join();
		throws(TypeError, () => F(), "call without new");
		throws(TypeError, () => F(2), "call without new, with a length");
		throws(TypeError, () => Reflect.apply(F, undefined, []), "apply");

		// new Float16Array(), (length)
		let a = new F();
		eq(a.length, 0, "no argument");
		eq(a.byteLength, 0, "byteLength");
		eq(a.buffer instanceof ArrayBuffer, true, "buffer");
		a = new F(3);
		eq(a.length, 3, "length");
		eq(a.byteLength, 6, "byteLength");
		eq(a.byteOffset, 0, "byteOffset");
		eq(a.buffer.byteLength, 6, "buffer byteLength");
		eq(a.join(), "0,0,0", "zeros");
		eq(new F("2").length, 2, "string length");
		eq(new F(2.9).length, 2, "fractional length");
		eq(new F(null).length, 0, "null");
		eq(new F(undefined).length, 0, "undefined");
		eq(new F(NaN).length, 0, "NaN");
		throws(RangeError, () => new F(-1), "negative length");
		throws(RangeError, () => new F(2 ** 53), "huge length");
		throws(TypeError, () => new F(Symbol()), "Symbol");
		throws(TypeError, () => new F(1n), "BigInt length");

		// (typedArray)
		a = new F(new Float64Array([1, 0.1, 65520, -0, NaN, 2049, 1e-8]));
		eq(a.length, 7, "from Float64Array: length");
		eq(a[0], 1, "1");
		eq(a[1], 0.0999755859375, "0.1");
		eq(a[2], Infinity, "65520");
		eq(a[3], -0, "-0");
		eq(a[4], NaN, "NaN");
		eq(a[5], 2048, "2049");
		eq(a[6], 0, "1e-8");
		eq(new F(new Int16Array([-3, 300])).join(), "-3,300", "from Int16Array");
		eq(new F(new Uint8Array([255])).join(), "255", "from Uint8Array");
		eq(new F(new Float32Array([0.1])).join(), "0.0999755859375", "from Float32Array");
		eq(new F(new Uint32Array([4294967295])).join(), "Infinity", "from Uint32Array");
		const src = new F([1.5, -2, 3]);
		a = new F(src);
		eq(a.join(), "1.5,-2,3", "from Float16Array");
		eq(a.buffer === src.buffer, false, "a copy");
		throws(TypeError, () => new F(new BigInt64Array(1)), "from BigInt64Array");
		const detachedU8 = new Uint8Array(4);
		detachedU8.buffer.transfer();
		throws(TypeError, () => new F(detachedU8), "from a detached typed array");
		const detachedF16 = new F(4);
		detachedF16.buffer.transfer();
		throws(TypeError, () => new F(detachedF16), "from a detached Float16Array");

		// (buffer, byteOffset?, length?)
		const buf = new ArrayBuffer(8);
		new DataView(buf).setFloat16(2, 2.5, true);
		a = new F(buf);
		eq(a.buffer, buf, "buffer kept");
		eq(a.length, 4, "whole buffer");
		eq(a[1], 2.5, "shares the bytes");
		a = new F(buf, 2);
		eq(a.length, 3, "offset");
		eq(a.byteOffset, 2, "byteOffset");
		eq(a[0], 2.5, "offset view");
		a = new F(buf, 2, 1);
		eq(a.length, 1, "offset and length");
		eq(a.byteLength, 2, "byteLength");
		a = new F(buf, undefined, 2);
		eq(a.length, 2, "undefined offset");
		eq(new F(buf, 8).length, 0, "offset at the end");
		eq(new F(buf, "4", "1").length, 1, "string offset and length");
		throws(RangeError, () => new F(buf, 1), "odd offset");
		throws(RangeError, () => new F(buf, 3, 1), "odd offset with length");
		throws(RangeError, () => new F(buf, -2), "negative offset");
		throws(RangeError, () => new F(buf, 10), "offset past the end");
		throws(RangeError, () => new F(buf, 2, 4), "length past the end");
		throws(RangeError, () => new F(buf, 0, -1), "negative length");
		throws(RangeError, () => new F(new ArrayBuffer(5)), "odd buffer length");
		eq(new F(new ArrayBuffer(5), 0, 2).length, 2, "odd buffer length with a length");
		const gone = new ArrayBuffer(4);
		gone.transfer();
		throws(TypeError, () => new F(gone), "detached buffer");
		throws(RangeError, () => new F(gone, 1), "alignment before detachment");
		let order = [];
		throws(RangeError, () => new F(buf, { valueOf() { order.push("offset"); return 1; } }, { valueOf() { order.push("length"); return 1; } }), "order");
		eq(order.join(), "offset", "the alignment is checked before the length is converted");
		const sab = new SharedArrayBuffer(4);
		a = new F(sab);
		eq(a.buffer, sab, "on a SharedArrayBuffer");
		a[1] = 3;
		eq(new F(sab)[1], 3, "shared bytes");

		// (arrayLike or iterable)
		eq(new F([1, "2", { valueOf() { return 0.1; } }, undefined]).join(), "1,2,0.0999755859375,NaN", "array");
		eq(new F({ length: 2, 0: 7, 1: 2051 }).join(), "7,2052", "array-like");
		eq(new F({ length: "2", 0: 1 }).join(), "1,NaN", "array-like with a hole");
		eq(new F({}).length, 0, "object without length");
		eq(new F(new Set([1, 2, 2, 3])).join(), "1,2,3", "iterable");
		eq(new F((function* () { yield 1.5; yield 2; })()).join(), "1.5,2", "generator");
		eq(new F(new F([1, 2]).values()).join(), "1,2", "iterator of a Float16Array");
		throws(TypeError, () => new F([1n]), "BigInt element");
		throws(TypeError, () => new F({ [Symbol.iterator]: 1 }), "@@iterator not callable");
		throws(TypeError, () => new F({ [Symbol.iterator]() { return 1; } }), "iterator not an object");
		order = [];
		const it = { [Symbol.iterator]() { let i = 0; return { next() { order.push("next"); const n = ++i; return { done: n === 3, value: { valueOf() { order.push("valueOf"); return n; } } }; } }; } };
		eq(new F(it).join(), "1,2", "custom iterator");
		eq(order.join(), "next,next,next,valueOf,valueOf", "iterates before converting");
		const e = new Error("boom");
		throws(Error, () => new F({ length: 1, get 0() { throw e; } }), "getter throws");

		// Subclasses and new.target.
		class G extends F { extra() { return this.length; } }
		const g = new G([1, 2]);
		eq(g instanceof G && g instanceof F, true, "subclass instance");
		eq(g.extra(), 2, "subclass method");
		eq(Object.getPrototypeOf(g), G.prototype, "subclass prototype");
		const o = Reflect.construct(F, [2], Object);
		eq(Object.getPrototypeOf(o), Object.prototype, "new.target's prototype");
		function NT() {}
		NT.prototype = null;
		eq(Object.getPrototypeOf(Reflect.construct(F, [1], NT)), F.prototype, "default prototype");
	`)
}

func TestFloat16ArrayElements(t *testing.T) {
	run(t, env(t), `
		const a = new Float16Array(4);
		a[0] = 1.1;
		eq(a[0], 1.099609375, "conversion on write");
		a[1] = "65504";
		eq(a[1], 65504, "string value");
		a[2] = 1e6;
		eq(a[2], Infinity, "overflow");
		a[3] = -1e-9;
		eq(a[3], -0, "underflow keeps the sign");
		eq(a["0"], 1.099609375, "string key");
		eq(a[4], undefined, "read past the end");
		eq(a[-1], undefined, "negative index");
		a[4] = 1;
		a[-1] = 1;
		eq(a.length, 4, "writes past the end are ignored");
		eq(Object.getOwnPropertyNames(a).join(), "0,1,2,3", "no new properties");
		eq(a["-0"], undefined, "-0 is a numeric key");
		a["-0"] = 5;
		a["1.5"] = 5;
		eq(Object.prototype.hasOwnProperty.call(a, "-0"), false, "-0 write ignored");
		eq(Object.prototype.hasOwnProperty.call(a, "1.5"), false, "1.5 write ignored");
		eq("1.5" in a, false, "1.5 in");
		let converted = false;
		a[10] = { valueOf() { converted = true; return 1; } };
		eq(converted, true, "the value is converted even out of range");
		throws(TypeError, () => { a[0] = 1n; }, "BigInt value");
		throws(TypeError, () => { a[9] = Symbol(); }, "Symbol value, out of range");

		// Non-index keys are ordinary properties.
		a.foo = "bar";
		eq(a.foo, "bar", "expando");
		const s = Symbol("s");
		a[s] = 1;
		eq(a[s], 1, "symbol expando");
		Object.defineProperty(a, "ro", { value: 1, writable: false });
		throws(TypeError, () => { "use strict"; a.ro = 2; }, "non-writable expando");
		Object.defineProperty(a, "acc", { get() { return this.length; } });
		eq(a.acc, 4, "accessor expando");
		eq(Object.keys(a).join(), "0,1,2,3,foo", "keys");
		eq(Reflect.ownKeys(a).length, 8, "own keys");
		eq(delete a.foo, true, "delete expando");
		eq(delete a[5], true, "delete past the end");
		throws(TypeError, () => { "use strict"; delete a[0]; }, "delete an element");
		eq(Reflect.deleteProperty(a, "0"), false, "Reflect.deleteProperty");
		eq(0 in a, true, "in");
		eq(4 in a, false, "in past the end");
		eq(Reflect.has(a, "-0"), false, "has -0");

		// Descriptors.
		a[0] = 0.5;
		const d = Object.getOwnPropertyDescriptor(a, 0);
		eq(d.value, 0.5, "descriptor value");
		eq(d.writable && d.enumerable && d.configurable, true, "descriptor attributes");
		eq(Object.getOwnPropertyDescriptor(a, 9), undefined, "no descriptor past the end");
		Object.defineProperty(a, "1", { value: 0.1 });
		eq(a[1], 0.0999755859375, "defineProperty converts");
		eq(Reflect.defineProperty(a, "1", { value: 1, configurable: false }), false, "non-configurable");
		eq(Reflect.defineProperty(a, "1", { value: 1, enumerable: false }), false, "non-enumerable");
		eq(Reflect.defineProperty(a, "1", { value: 1, writable: false }), false, "non-writable");
		eq(Reflect.defineProperty(a, "1", { get() {} }), false, "accessor");
		eq(Reflect.defineProperty(a, "7", { value: 1 }), false, "past the end");
		eq(Reflect.defineProperty(a, "1", { value: 3, writable: true, enumerable: true, configurable: true }), true, "full descriptor");
		eq(a[1], 3, "defined");
		throws(TypeError, () => Object.freeze(a), "freeze a non-empty array");
		eq(Object.isFrozen(Object.freeze(new Float16Array(0))), true, "freeze an empty array");
		const sealedTarget = new Float16Array(2);
		Object.preventExtensions(sealedTarget);
		eq(Object.isExtensible(sealedTarget), false, "preventExtensions");
		sealedTarget[0] = 2;
		eq(sealedTarget[0], 2, "still writable");

		// Through the prototype chain.
		const child = Object.create(new Float16Array(2));
		child[0] = 5;
		eq(Object.getOwnPropertyNames(child).join(), "0", "a receiver gets its own property");
		eq(Object.getPrototypeOf(child)[0], 0, "the array is untouched");
		child[7] = 5;
		eq(Object.prototype.hasOwnProperty.call(child, 7), false, "invalid index: nothing set");
		const r = {};
		eq(Reflect.set(new Float16Array(1), 0, 2.5, r), true, "Reflect.set with another receiver");
		eq(r[0], 2.5, "set on the receiver");

		// Identity and generic operations.
		eq(typeof a, "object", "typeof");
		eq(Array.isArray(a), false, "not an Array");
		eq(Object.prototype.toString.call(a), "[object Float16Array]", "Object.prototype.toString");
		eq(String(new Float16Array([1, 0.5])), "1,0.5", "String");
		eq(JSON.stringify(new Float16Array([1, 0.5])), '{"0":1,"1":0.5}', "JSON");
		eq([...new Float16Array([1, 2])].join(), "1,2", "spread");
		eq(Array.from(new Float16Array([0.1])).join(), "0.0999755859375", "Array.from");
		eq(new Uint8Array(new Float16Array([1, 300.5])).join(), "1,44", "another typed array from it");
		const u8 = new Uint8Array(2);
		u8.set(new Float16Array([3, 4]));
		eq(u8.join(), "3,4", "set from it");
		eq(Array.prototype.slice.call(new Float16Array([1, 2])).join(), "1,2", "Array.prototype.slice");

		// Bytes are binary16, in the platform order other views use.
		const b = new Float16Array([1, -2, 65504, 2 ** -24]);
		eq(Array.from(new Uint16Array(b.buffer), x => x.toString(16)).join(), "3c00,c000,7bff,1", "bits");
		new Uint16Array(b.buffer)[0] = 0x7e00;
		eq(b[0], NaN, "reads a NaN");
	`)
}

func TestFloat16ArrayDetached(t *testing.T) {
	run(t, env(t), `
		const a = new Float16Array([1, 2, 3]);
		const buf = a.buffer;
		buf.transfer();
		eq(a.length, 0, "length");
		eq(a.byteLength, 0, "byteLength");
		eq(a.byteOffset, 0, "byteOffset");
		eq(a.buffer, buf, "buffer");
		eq(a[0], undefined, "read");
		a[0] = 1;
		eq(0 in a, false, "in");
		eq(Object.keys(a).length, 0, "keys");
		for (const m of ["at", "copyWithin", "entries", "every", "fill", "filter", "find", "findIndex", "findLast", "findLastIndex",
			"forEach", "includes", "indexOf", "join", "keys", "lastIndexOf", "map", "reduce", "reduceRight", "reverse", "slice",
			"some", "sort", "toLocaleString", "toReversed", "toSorted", "values", "with"]) {
			throws(TypeError, () => a[m](() => {}), m + " on a detached array");
		}
		throws(TypeError, () => a.set([1]), "set");
		throws(TypeError, () => a.subarray(0), "subarray makes a view on a detached buffer");

		// Detached during a callback.
		const b = new Float16Array([1, 2, 3]);
		const seen = [];
		b.forEach((v, i) => { seen.push(v); if (i === 0) b.buffer.transfer(); });
		eq(seen.join(), "1,,", "later elements read as undefined");
		const c = new Float16Array([1, 2, 3]);
		eq(c.includes(undefined, { valueOf() { c.buffer.transfer(); return 0; } }), true, "includes(undefined) after detaching");
		const d = new Float16Array([1, 2, 3]);
		eq(d.indexOf(1, { valueOf() { d.buffer.transfer(); return 0; } }), -1, "indexOf after detaching");
		const e = new Float16Array([1, 2, 3]);
		throws(TypeError, () => e.fill({ valueOf() { e.buffer.transfer(); return 1; } }), "fill after detaching");
		const f = new Float16Array([3, 1, 2]);
		f.sort((x, y) => { if (!f.buffer.detached) f.buffer.transfer(); return x - y; });
		eq(f.length, 0, "sort after detaching");
	`)
}

func TestFloat16ArrayMethods(t *testing.T) {
	run(t, env(t), `
		const F = Float16Array;
		const a = new F([1, 2.5, 0.1, -3]);
		eq(a.at(0), 1, "at");
		eq(a.at(-1), -3, "at(-1)");
		eq(a.at(4), undefined, "at past the end");
		eq(a.at(-5), undefined, "at before the start");
		eq(a.at("1"), 2.5, "at string");

		eq(a.join(), "1,2.5,0.0999755859375,-3", "join");
		eq(a.join(" "), "1 2.5 0.0999755859375 -3", "join separator");
		eq(a.join(undefined), "1,2.5,0.0999755859375,-3", "join undefined");
		throws(TypeError, () => a.join(Symbol()), "join Symbol");
		eq(a.toString(), a.join(), "toString");
		eq(new F([1.5, 6e-8]).toLocaleString(), [1.5, 5.960464477539063e-8].toLocaleString(), "toLocaleString");

		const keys = [], vals = [], ents = [];
		for (const k of a.keys()) keys.push(k);
		for (const v of a.values()) vals.push(v);
		for (const [k, v] of a.entries()) ents.push(k + ":" + v);
		eq(keys.join(), "0,1,2,3", "keys");
		eq(vals.join(), "1,2.5,0.0999755859375,-3", "values");
		eq(ents.join(), "0:1,1:2.5,2:0.0999755859375,3:-3", "entries");
		const arrayIterProto = Object.getPrototypeOf([].values());
		eq(Object.getPrototypeOf(a.values()), arrayIterProto, "values is an Array Iterator");
		eq(Object.getPrototypeOf(a[Symbol.iterator]()), arrayIterProto, "@@iterator");
		eq(Object.prototype.toString.call(a.keys()), "[object Array Iterator]", "iterator tag");

		const thisArg = {};
		let calls = [];
		eq(a.every(function (v, i, arr) { calls.push([v, i, arr === a, this === thisArg]); return true; }, thisArg), true, "every");
		eq(calls.map(c => c.join(":")).join(), "1:0:true:true,2.5:1:true:true,0.0999755859375:2:true:true,-3:3:true:true", "every arguments");
		eq(a.every(v => v > 0), false, "every false");
		eq(a.some(v => v < 0), true, "some");
		eq(a.some(v => v > 10), false, "some false");
		eq(a.find(v => v < 1), 0.0999755859375, "find");
		eq(a.find(v => v > 10), undefined, "find none");
		eq(a.findIndex(v => v < 1), 2, "findIndex");
		eq(a.findIndex(v => v > 10), -1, "findIndex none");
		eq(a.findLast(v => v > 0), 0.0999755859375, "findLast");
		eq(a.findLastIndex(v => v > 2), 1, "findLastIndex");
		let sum = 0;
		eq(a.forEach(v => { sum += v; }), undefined, "forEach returns undefined");
		eq(sum, 1 + 2.5 + 0.0999755859375 - 3, "forEach");
		for (const m of ["every", "some", "find", "findIndex", "findLast", "findLastIndex", "forEach", "map", "filter", "reduce", "reduceRight"]) {
			throws(TypeError, () => a[m](1), m + " with a non-callable");
		}

		eq(a.reduce((acc, v) => acc + v), 1 + 2.5 + 0.0999755859375 - 3, "reduce");
		eq(a.reduce((acc, v, i) => acc + i, ""), "0123", "reduce with initial value");
		eq(a.reduceRight((acc, v, i) => acc + i, ""), "3210", "reduceRight");
		eq(a.reduceRight((acc, v) => acc + "," + v), "-3,0.0999755859375,2.5,1", "reduceRight without initial value");
		throws(TypeError, () => new F(0).reduce((x, y) => x), "reduce of empty");
		eq(new F(0).reduce((x, y) => x, 7), 7, "reduce of empty with initial value");

		const m = a.map(v => v * 2);
		eq(m instanceof F, true, "map makes a Float16Array");
		eq(m.join(), "2,5,0.199951171875,-6", "map converts");
		const f = a.filter(v => v > 0);
		eq(f instanceof F, true, "filter makes a Float16Array");
		eq(f.join(), "1,2.5,0.0999755859375", "filter");

		eq(new F([1, NaN, -0, 0]).includes(NaN), true, "includes NaN");
		eq(new F([-0]).includes(0), true, "includes +0 finds -0");
		eq(new F([1]).includes("1"), false, "includes a string");
		eq(new F([1, 2, 3]).includes(1, 1), false, "includes from");
		eq(new F([1, 2, 3]).includes(3, -1), true, "includes from the end");
		eq(new F([0.1]).includes(0.1), false, "includes compares the stored value");
		eq(new F([0.1]).includes(Math.f16round(0.1)), true, "includes the rounded value");
		eq(new F([1, NaN]).indexOf(NaN), -1, "indexOf NaN");
		eq(new F([1, -0]).indexOf(0), 1, "indexOf 0");
		eq(new F([1, 2, 1]).indexOf(1, 1), 2, "indexOf from");
		eq(new F([1, 2, 1]).indexOf(1, -1), 2, "indexOf from the end");
		eq(new F([1, 2, 1]).indexOf(1, 5), -1, "indexOf from past the end");
		eq(new F([1, 2, 1]).lastIndexOf(1), 2, "lastIndexOf");
		eq(new F([1, 2, 1]).lastIndexOf(1, 1), 0, "lastIndexOf from");
		eq(new F([1, 2, 1]).lastIndexOf(1, -2), 0, "lastIndexOf from the end");
		eq(new F([1, 2, 1]).lastIndexOf(1, -4), -1, "lastIndexOf before the start");
		eq(new F([1, 2, 1]).lastIndexOf(1, undefined), 0, "lastIndexOf(x, undefined) starts at 0");
		eq(new F([NaN]).lastIndexOf(NaN), -1, "lastIndexOf NaN");

		let b = new F([1, 2, 3, 4, 5]);
		eq(b.fill(0.1, 1, 3), b, "fill returns this");
		eq(b.join(), "1,0.0999755859375,0.0999755859375,4,5", "fill range");
		eq(new F(3).fill(2).join(), "2,2,2", "fill all");
		eq(new F(3).fill(7, -1).join(), "0,0,7", "fill from the end");
		throws(TypeError, () => new F(1).fill(1n), "fill BigInt");

		b = new F([1, 2, 3, 4, 5]);
		eq(b.copyWithin(0, 3), b, "copyWithin returns this");
		eq(b.join(), "4,5,3,4,5", "copyWithin");
		eq(new F([1, 2, 3, 4, 5]).copyWithin(1, 0, 3).join(), "1,1,2,3,5", "copyWithin overlapping");
		eq(new F([1, 2, 3, 4, 5]).copyWithin(-2, 0).join(), "1,2,3,1,2", "copyWithin negative target");

		b = new F([1, 2, 3]);
		eq(b.reverse(), b, "reverse returns this");
		eq(b.join(), "3,2,1", "reverse");
		eq(new F([1, 2, 3, 4]).reverse().join(), "4,3,2,1", "reverse even");
		eq(b.toReversed().join(), "1,2,3", "toReversed");
		eq(b.join(), "3,2,1", "toReversed leaves this");
		eq(b.toReversed() instanceof F, true, "toReversed makes a Float16Array");

		b = new F([3, -0, 0, NaN, -1, 2, -Infinity, Infinity, 0.5]);
		eq(b.sort(), b, "sort returns this");
		const sorted = Array.from(b);
		eq(sorted.join(), "-Infinity,-1,0,0,0.5,2,3,Infinity,NaN", "sort: numeric, NaN last");
		eq(Object.is(sorted[2], -0) && Object.is(sorted[3], 0), true, "sort: -0 before +0");
		eq(new F([1, 2, 3]).sort((x, y) => y - x).join(), "3,2,1", "sort with a comparator");
		eq(new F([1, 2, 3]).sort(() => NaN).join(), "1,2,3", "comparator returning NaN");
		eq(new F([10, 9, 1]).sort().join(), "1,9,10", "numeric, not lexicographic");
		throws(TypeError, () => new F(1).sort(1), "sort with a non-callable");
		throws(TypeError, () => F.prototype.sort.call({}, 1), "comparator checked first");
		const st = new F([3, 1, 2]);
		eq(st.toSorted().join(), "1,2,3", "toSorted");
		eq(st.join(), "3,1,2", "toSorted leaves this");
		eq(st.toSorted((x, y) => y - x).join(), "3,2,1", "toSorted with a comparator");
		throws(TypeError, () => st.toSorted("x"), "toSorted with a non-callable");

		eq(st.with(1, 0.1).join(), "3,0.0999755859375,2", "with");
		eq(st.with(-1, 9).join(), "3,1,9", "with negative");
		eq(st.join(), "3,1,2", "with leaves this");
		throws(RangeError, () => st.with(3, 1), "with past the end");
		throws(RangeError, () => st.with(-4, 1), "with before the start");
		throws(TypeError, () => st.with(0, 1n), "with BigInt");

		// slice and subarray
		b = new F([1, 2, 3, 4]);
		let s = b.slice(1, 3);
		eq(s.join(), "2,3", "slice");
		eq(s instanceof F, true, "slice makes a Float16Array");
		eq(s.buffer === b.buffer, false, "slice copies");
		eq(b.slice(-2).join(), "3,4", "slice from the end");
		eq(b.slice(3, 1).length, 0, "empty slice");
		eq(b.slice().join(), "1,2,3,4", "whole slice");
		s = b.subarray(1, 3);
		eq(s.join(), "2,3", "subarray");
		eq(s.buffer, b.buffer, "subarray shares the buffer");
		eq(s.byteOffset, 2, "subarray byteOffset");
		s[0] = 9;
		eq(b[1], 9, "subarray writes through");
		eq(b.subarray(-1).join(), "4", "subarray from the end");
		eq(b.subarray(1).subarray(1).byteOffset, 4, "nested subarray");
		eq(b.subarray(2, 1).length, 0, "empty subarray");

		// set
		b = new F(5);
		eq(b.set([1, 2.5]), undefined, "set returns undefined");
		eq(b.join(), "1,2.5,0,0,0", "set array");
		b.set([0.1], 4);
		eq(b[4], 0.0999755859375, "set at an offset");
		b.set(new Float64Array([65520, -0]), 2);
		eq(b[2], Infinity, "set from a Float64Array");
		eq(b[3], -0, "-0");
		b.set(new F([7, 8]), 1);
		eq(b.join(), "1,7,8,0,0.0999755859375", "set from a Float16Array");
		b.set({ length: 1, 0: "3" });
		eq(b[0], 3, "set from an array-like");
		b.set("56", 3);
		eq(b[3] + "," + b[4], "5,6", "set from a string");
		throws(RangeError, () => b.set([1, 2], 4), "set too long");
		throws(RangeError, () => b.set([1], -1), "negative offset");
		throws(RangeError, () => b.set([1], Infinity), "infinite offset");
		throws(RangeError, () => b.set(new Uint8Array(2), 4), "typed array too long");
		throws(TypeError, () => b.set(new BigInt64Array(1)), "BigInt64Array");
		throws(TypeError, () => b.set(null), "null");
		const sh = new F([1, 2, 3, 4]);
		sh.set(sh.subarray(0, 3), 1);
		eq(sh.join(), "1,1,2,3", "set from an overlapping Float16Array");
		const bytes = new ArrayBuffer(8);
		const over = new F(bytes);
		new Uint8Array(bytes).set([1, 2, 3, 4]);
		over.set(new Uint8Array(bytes, 0, 4));
		eq(over.join(), "1,2,3,4", "set from an overlapping Uint8Array reads first");

		// from and of
		eq(F.from([1, 2.5]).join(), "1,2.5", "from array");
		eq(F.from({ length: 2, 0: 0.1 }).join(), "0.0999755859375,NaN", "from array-like");
		eq(F.from(new Set([3])).join(), "3", "from iterable");
		eq(F.from("12").join(), "1,2", "from string");
		eq(F.from([1, 2], function (v, k) { return v * 10 + k + this.d; }, { d: 0.5 }).join(), "10.5,21.5", "from with mapfn and thisArg");
		eq(F.from([1]) instanceof F, true, "from makes a Float16Array");
		throws(TypeError, () => F.from([1], 1), "from with a non-callable mapfn");
		throws(TypeError, () => F.from(null), "from null");
		throws(TypeError, () => F.from.call({}, []), "from on a non-constructor");
		throws(TypeError, () => F.from.call(function () { return {}; }, []), "from on a constructor that does not make a typed array");
		throws(TypeError, () => F.from.call(function () { return new F(0); }, [1]), "from on a constructor that makes a too short array");
		eq(F.from.call(Uint8Array, [1.5, 300]).join(), "1,44", "from on another typed array constructor");
		eq(F.of(1, 0.1, "2").join(), "1,0.0999755859375,2", "of");
		eq(F.of().length, 0, "of nothing");
		eq(F.of.call(Int8Array, 200).join(), "-56", "of on another constructor");
		throws(TypeError, () => F.of.call(undefined, 1), "of on undefined");
		class G extends F {}
		eq(G.from([1]) instanceof G, true, "from on a subclass");
		eq(G.of(1) instanceof G, true, "of on a subclass");

		// Species.
		const g = new G([1, 2, 3]);
		eq(g.map(x => x) instanceof G, true, "map species");
		eq(g.filter(x => x) instanceof G, true, "filter species");
		eq(g.slice(1) instanceof G, true, "slice species");
		eq(g.subarray(1) instanceof G, true, "subarray species");
		eq(g.toReversed() instanceof G, false, "toReversed ignores species");
		const h = new F([1.5, 2.5]);
		h.constructor = { [Symbol.species]: Float64Array };
		const hs = h.slice();
		eq(hs instanceof Float64Array && hs.join() === "1.5,2.5", true, "slice into another type");
		eq(h.map(x => x / 3) instanceof Float64Array, true, "map into another type");
		h.constructor = { [Symbol.species]: BigInt64Array };
		throws(TypeError, () => h.slice(), "species with BigInts");
		h.constructor = { [Symbol.species]: function () { return {}; } };
		throws(TypeError, () => h.map(x => x), "species not making a typed array");
	`)
}

func TestFloat16ArrayGoAPI(t *testing.T) {
	e := env(t)
	e.Do(func() {
		vm := e.R.VM()
		ev := func(src string) goja.Value {
			v, err := vm.RunString(src)
			require.NoError(t, err)
			return v
		}
		require.False(t, ecma.IsFloat16Array(e.R, ev(`new Uint16Array(2)`)))
		f := ev(`globalThis.f = new Float16Array([1, -2, 0.1]); f`)
		require.True(t, ecma.IsFloat16Array(e.R, f))
		require.True(t, ecma.IsFloat16Array(e.R, ev(`f.subarray(1)`)))
		require.True(t, ecma.IsFloat16Array(e.R, ev(`new (class extends Float16Array {})(1)`)))
		require.False(t, ecma.IsFloat16Array(e.R, ev(`new Proxy(f, {})`)))
		require.False(t, ecma.IsFloat16Array(e.R, ev(`new Proxy(Object.setPrototypeOf(new Uint16Array(2), Float16Array.prototype), {})`)))
		require.False(t, ecma.IsFloat16Array(e.R, ev(`Object.create(f)`)))
		require.False(t, ecma.IsFloat16Array(e.R, ev(`Float16Array.prototype`)))
		require.False(t, ecma.IsFloat16Array(e.R, goja.Undefined()))
		require.False(t, ecma.IsFloat16Array(e.R, nil))

		b, ok := ecma.Float16ArrayBytes(e.R, ev(`f.subarray(1)`))
		require.True(t, ok)
		require.Len(t, b, 4)
		require.Equal(t, uint16(0xc000), binary.NativeEndian.Uint16(b))
		require.Equal(t, uint16(0x2e66), binary.NativeEndian.Uint16(b[2:]))
		binary.NativeEndian.PutUint16(b, 0x3c00)
		require.Equal(t, int64(1), ev(`f[1]`).Export(), "the bytes are shared")
		_, ok = ecma.Float16ArrayBytes(e.R, ev(`new Uint16Array(2)`))
		require.False(t, ok)
		b, ok = ecma.Float16ArrayBytes(e.R, ev(`f.buffer.transfer(); f`))
		require.True(t, ok)
		require.Empty(t, b)
	})
	// A realm that never built Float16Array has none.
	e2 := env(t)
	e2.Do(func() {
		require.False(t, ecma.IsFloat16Array(e2.R, e2.R.VM().NewObject()))
		_, ok := ecma.Float16ArrayBytes(e2.R, e2.R.VM().NewObject())
		require.False(t, ok)
	})
}

// TestFloat16ArrayCollected checks that the Go side of Float16Arrays that
// script dropped goes away.
func TestFloat16ArrayCollected(t *testing.T) {
	e := env(t)
	run(t, e, `globalThis.keep = []; for (let i = 0; i < 1000; i++) keep.push(new Float16Array(1024));`)
	runtime.GC()
	e.Do(func() { require.GreaterOrEqual(t, ecma.Float16ArrayCount(e.R), 1000) })
	run(t, e, `eq(keep[999].length, 1024, "alive"); keep = null;`)
	require.Eventually(t, func() bool {
		runtime.GC()
		n := -1
		e.Do(func() { n = ecma.Float16ArrayCount(e.R) })
		return n < 100
	}, 5*time.Second, 10*time.Millisecond)
}

func TestFloat16ArrayAllocationGuard(t *testing.T) {
	e := guardedEnv(t)
	r := e.Run(`new Float16Array(1 << 20)`)
	require.Equal(t, "RangeError", r.Name)
	require.Contains(t, r.Err, "new Float16Array: the result (2 MiB) would exceed the memory limit of one allocation (1 MiB)")
	r = e.Run(`new Float16Array({ length: 1 << 20 })`)
	require.Equal(t, "RangeError", r.Name)
	require.Equal(t, int64(1<<19), e.MustRun(`new Float16Array(1 << 19).length`))
	require.Equal(t, "1,2", e.MustRun(`new Float16Array([1, 2]).join()`))
	require.Equal(t, true, e.MustRun(`ArrayBuffer.isView(new Float16Array(1)) && ArrayBuffer.isView(new Uint8Array(1)) && !ArrayBuffer.isView({})`))
}

func TestGetRandomValuesFloat16(t *testing.T) {
	e := jstest.New(t, dom.Install, ecma.Install, crypto.Install)
	for _, src := range []string{
		`crypto.getRandomValues(new Float16Array(6))`,
		`crypto.getRandomValues(new Float16Array(65536 / Float16Array.BYTES_PER_ELEMENT + 1))`,
		`crypto.getRandomValues(new Float16Array(0))`,
		`crypto.getRandomValues(new (class extends Float16Array {})(2))`,
	} {
		msg := e.MustThrow("TypeMismatchError", src)
		require.Contains(t, msg, "Float16Array")
	}
	e.MustThrow("TypeError", `crypto.getRandomValues(new Proxy(new Float16Array(2), {}))`)
	require.Equal(t, true, e.MustRun(`crypto.getRandomValues(new Uint16Array(8)).length === 8`))
}

// Host APIs taking a BufferSource see a Float16Array's bytes (realm.Bytes
// asks the view hook the package installs).
func TestFloat16ArrayIsABufferSource(t *testing.T) {
	e := jstest.New(t, dom.Install, ecma.Install, encoding.Install, fileapi.Install)
	require.Equal(t, int64(8), e.MustRun(`new Blob([new Float16Array(4)]).size`))
	require.Equal(t, true, e.MustRun(`
		const f = new Float16Array([1.5, -2, 65504, 0.1]);
		const d = new TextDecoder('utf-16le');
		d.decode(f) === d.decode(new Uint16Array(f.buffer)) && d.decode(f).length === 4 &&
			d.decode(new Float16Array(f.buffer, 2, 2)) === d.decode(new Uint16Array(f.buffer, 2, 2))`))
}
