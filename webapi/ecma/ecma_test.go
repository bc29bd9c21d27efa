package ecma_test

import (
	"runtime"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/structuredclone"
	"github.com/workerhost/workerhost/webapi/timers"
)

func env(t *testing.T) *jstest.Env {
	return jstest.New(t, dom.Install, ecma.Install, encoding.Install, structuredclone.Install, timers.Install)
}

// checks is a tiny assertion helper defined in each script: eq(actual,
// expected, what) and throws(ErrorClass, fn, what). A script ends with
// "ok" when every check held.
const checks = `
function eq(a, b, what) {
  if (!Object.is(a, b)) throw new Error(what + ": got " + String(a) + ", want " + String(b));
}
function throws(E, fn, what) {
  try { fn(); } catch (e) {
    if (e instanceof E || (e && e.name === E.name)) return e;
    throw new Error(what + ": threw " + e + ", want " + E.name);
  }
  throw new Error(what + ": did not throw, want " + E.name);
}
function desc(o, k, what, w, e, c) {
  const d = Object.getOwnPropertyDescriptor(o, k);
  if (!d) throw new Error(what + ": no property");
  if ("value" in d) eq(d.writable, w, what + " writable");
  eq(d.enumerable, e, what + " enumerable");
  eq(d.configurable, c, what + " configurable");
  return d;
}
function fnShape(f, name, length, what) {
  eq(typeof f, "function", what + " type");
  eq(f.name, name, what + " name");
  eq(f.length, length, what + " length");
  desc(f, "name", what + " .name", false, false, true);
  desc(f, "length", what + " .length", false, false, true);
}
`

func run(t *testing.T, e *jstest.Env, src string) {
	t.Helper()
	r := e.Run(checks + src + "\n'ok'")
	require.Empty(t, r.Err)
	require.Equal(t, "ok", r.Value)
}

func TestArrayBufferTransferShape(t *testing.T) {
	run(t, env(t), `
		const P = ArrayBuffer.prototype;
		for (const [k, len] of [["transfer", 0], ["transferToFixedLength", 0], ["slice", 2]]) {
			desc(P, k, k, true, false, true);
			fnShape(P[k], k, len, k);
			eq(Object.prototype.hasOwnProperty.call(P[k], "prototype"), false, k + " is no constructor");
		}
		for (const k of ["detached", "byteLength"]) {
			const d = desc(P, k, k, undefined, false, true);
			eq(d.set, undefined, k + " setter");
			fnShape(d.get, "get " + k, 0, k + " getter");
		}
	`)
}

func TestArrayBufferTransfer(t *testing.T) {
	run(t, env(t), `
		// Same length: the bytes move, the source is detached.
		let ab = new Uint8Array([1, 2, 3, 4]).buffer;
		const view = new Uint8Array(ab);
		let nb = ab.transfer();
		eq(nb instanceof ArrayBuffer, true, "result is an ArrayBuffer");
		eq(Object.getPrototypeOf(nb), ArrayBuffer.prototype, "result prototype");
		eq(nb === ab, false, "a new object");
		eq(ab.detached, true, "source detached");
		eq(nb.detached, false, "result not detached");
		eq(ab.byteLength, 0, "source byteLength");
		eq(view.length, 0, "views of the source see nothing");
		eq(view.byteLength, 0, "view byteLength");
		eq(nb.byteLength, 4, "result byteLength");
		eq(new Uint8Array(nb).join(), "1,2,3,4", "bytes moved");
		throws(TypeError, () => ab.transfer(), "transfer of a detached buffer");
		throws(TypeError, () => ab.transferToFixedLength(), "transferToFixedLength of a detached buffer");
		throws(TypeError, () => ab.transfer(0), "transfer(0) of a detached buffer");
		throws(TypeError, () => new Uint8Array(ab), "typed array on a detached buffer");
		throws(TypeError, () => ab.slice(0), "slice of a detached buffer");

		// Longer: zero-extended; shorter: truncated.
		ab = new Uint8Array([9, 8, 7]).buffer;
		nb = ab.transfer(6);
		eq(new Uint8Array(nb).join(), "9,8,7,0,0,0", "zero-extended");
		nb = nb.transferToFixedLength(2);
		eq(new Uint8Array(nb).join(), "9,8", "truncated");
		nb = nb.transfer(1.9);
		eq(nb.byteLength, 1, "fractional length truncates");
		const big = new Uint8Array(100).fill(5).buffer;
		const small = big.transfer(3); // shrinks by more than half: copied
		eq(new Uint8Array(small).join(), "5,5,5", "small copy");
		eq(big.detached, true, "big detached");
		const empty = small.transfer(0);
		eq(empty.byteLength, 0, "transfer(0)");
		eq(empty.detached, false, "an empty buffer is not detached");
		eq(new Uint8Array(empty).length, 0, "usable");
		eq(new ArrayBuffer(0).transfer().detached, false, "empty to empty");
		eq(empty.transfer(2).byteLength, 2, "grow an empty buffer");

		// Lengths: ToIndex.
		throws(RangeError, () => new ArrayBuffer(1).transfer(-1), "negative length");
		throws(RangeError, () => new ArrayBuffer(1).transfer(2 ** 53), "too large a length");
		throws(TypeError, () => new ArrayBuffer(1).transfer(1n), "BigInt length");
		eq(new ArrayBuffer(4).transfer(undefined).byteLength, 4, "undefined keeps the length");
		eq(new ArrayBuffer(4).transfer(null).byteLength, 0, "null is 0");
		eq(new ArrayBuffer(4).transfer(NaN).byteLength, 0, "NaN is 0");
		eq(new ArrayBuffer(4).transfer("2").byteLength, 2, "string length");
		// ToIndex runs before the detached check.
		ab = new ArrayBuffer(4);
		throws(TypeError, () => ab.transfer({ valueOf() { ab.transfer(); return 1; } }), "detached by valueOf");
		ab = new ArrayBuffer(4);
		ab.transfer();
		throws(RangeError, () => ab.transfer(-1), "RangeError before TypeError");

		// Receivers.
		for (const bad of [undefined, null, 1, {}, [], new Uint8Array(2), new DataView(new ArrayBuffer(1))]) {
			throws(TypeError, () => ArrayBuffer.prototype.transfer.call(bad), "transfer receiver " + bad);
			throws(TypeError, () => ArrayBuffer.prototype.transferToFixedLength.call(bad), "transferToFixedLength receiver");
			throws(TypeError, () => Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached").get.call(bad), "detached receiver");
		}
		// Subclasses: the result is a plain ArrayBuffer.
		class MyAB extends ArrayBuffer {}
		const m = new MyAB(2);
		eq(m instanceof MyAB, true, "subclass instance");
		const mt = m.transfer();
		eq(Object.getPrototypeOf(mt), ArrayBuffer.prototype, "no species for transfer");
		eq(m.detached, true, "subclass instance detached");
	`)
}

func TestArrayBufferBrandRejectsShared(t *testing.T) {
	run(t, env(t), `
		const sab = new SharedArrayBuffer(4);
		const P = ArrayBuffer.prototype;
		for (const k of ["transfer", "transferToFixedLength", "slice"]) {
			throws(TypeError, () => P[k].call(sab), k + " on a SharedArrayBuffer");
		}
		for (const k of ["byteLength", "detached"]) {
			throws(TypeError, () => Object.getOwnPropertyDescriptor(P, k).get.call(sab), k + " on a SharedArrayBuffer");
		}
		// A SharedArrayBuffer given ArrayBuffer.prototype is still shared.
		Object.setPrototypeOf(sab, ArrayBuffer.prototype);
		const e = throws(TypeError, () => sab.byteLength, "byteLength through the prototype");
		eq(e.message.includes("#<SharedArrayBuffer>"), true, "message names the receiver: " + e.message);
		throws(TypeError, () => sab.transfer(), "transfer through the prototype");
		eq(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get.call(sab), 4, "still shared");
		// ...and an ArrayBuffer given SharedArrayBuffer.prototype is not.
		const ab = new ArrayBuffer(2);
		Object.setPrototypeOf(ab, SharedArrayBuffer.prototype);
		throws(TypeError, () => ab.byteLength, "forged SharedArrayBuffer");
		eq(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get.call(ab), 2, "still an ArrayBuffer");
		// ArrayBuffer.prototype.slice refuses a species that makes shared buffers.
		class S extends ArrayBuffer { static get [Symbol.species]() { return SharedArrayBuffer; } }
		throws(TypeError, () => new S(4).slice(0, 2), "species SharedArrayBuffer");
		// Ordinary slice still works.
		const s = new Uint8Array([1, 2, 3]).buffer.slice(1);
		eq(new Uint8Array(s).join(), "2,3", "slice");
		eq(new ArrayBuffer(3).byteLength, 3, "byteLength");
	`)
}

func TestLazyGlobals(t *testing.T) {
	run(t, env(t), `
		for (const name of ["SharedArrayBuffer", "Atomics"]) {
			// Until first read, an accessor (built on demand, for cold start).
			let d = desc(globalThis, name, name, undefined, false, true);
			eq(typeof d.get, "function", name + " getter before first read");
			eq(Object.keys(globalThis).includes(name), false, name + " not enumerable");
			const v = globalThis[name];
			d = desc(globalThis, name, name, true, false, true);
			eq(d.value, v, name + " data property after first read");
			eq(globalThis[name], v, name + " same object");
		}
		eq(typeof SharedArrayBuffer, "function", "SharedArrayBuffer");
		eq(typeof Atomics, "object", "Atomics");
	`)
	run(t, env(t), `
		SharedArrayBuffer = 1;
		desc(globalThis, "SharedArrayBuffer", "assigned", true, false, true);
		eq(SharedArrayBuffer, 1, "assignment before first read");
		eq(delete globalThis.Atomics, true, "delete");
		eq(typeof Atomics, "undefined", "deleted");
	`)
	// A shared buffer made before Atomics is built still works with it.
	run(t, env(t), `
		const ta = new Int32Array(new SharedArrayBuffer(4));
		eq(Atomics.add(ta, 0, 5), 0, "add");
		eq(Atomics.waitAsync(ta, 0, 5, 0).value, "timed-out", "shared");
	`)
}

func TestSharedArrayBufferShape(t *testing.T) {
	run(t, env(t), `
		void SharedArrayBuffer;
		desc(globalThis, "SharedArrayBuffer", "global", true, false, true);
		fnShape(SharedArrayBuffer, "SharedArrayBuffer", 1, "constructor");
		const P = SharedArrayBuffer.prototype;
		desc(SharedArrayBuffer, "prototype", "prototype", false, false, false);
		eq(Object.getPrototypeOf(P), Object.prototype, "prototype chain");
		eq(Object.getPrototypeOf(SharedArrayBuffer), Function.prototype, "constructor's prototype");
		desc(P, "constructor", "constructor", true, false, true);
		eq(P.constructor, SharedArrayBuffer, "constructor");
		const tag = desc(P, Symbol.toStringTag, "toStringTag", false, false, true);
		eq(tag.value, "SharedArrayBuffer", "toStringTag");
		for (const [k, len] of [["slice", 2], ["grow", 1]]) {
			desc(P, k, k, true, false, true);
			fnShape(P[k], k, len, k);
		}
		for (const k of ["byteLength", "growable", "maxByteLength"]) {
			const d = desc(P, k, k, undefined, false, true);
			eq(d.set, undefined, k + " setter");
			fnShape(d.get, "get " + k, 0, k + " getter");
		}
		const sp = desc(SharedArrayBuffer, Symbol.species, "species", undefined, false, true);
		fnShape(sp.get, "get [Symbol.species]", 0, "species getter");
		eq(SharedArrayBuffer[Symbol.species], SharedArrayBuffer, "species");
		eq(Object.getOwnPropertyNames(P).sort().join(), "byteLength,constructor,grow,growable,maxByteLength,slice", "own properties");
	`)
}

func TestSharedArrayBuffer(t *testing.T) {
	run(t, env(t), `
		const sab = new SharedArrayBuffer(8);
		eq(typeof sab, "object", "typeof");
		eq(sab instanceof SharedArrayBuffer, true, "instanceof SharedArrayBuffer");
		eq(sab instanceof ArrayBuffer, false, "not instanceof ArrayBuffer");
		eq(Object.prototype.toString.call(sab), "[object SharedArrayBuffer]", "toString");
		eq(ArrayBuffer.isView(sab), false, "isView(sab)");
		eq(sab.byteLength, 8, "byteLength");
		eq(sab.growable, false, "growable");
		eq(sab.maxByteLength, 8, "maxByteLength");
		eq(new SharedArrayBuffer().byteLength, 0, "no length");
		eq(new SharedArrayBuffer(2.7).byteLength, 2, "fractional length");
		eq(new SharedArrayBuffer("3").byteLength, 3, "string length");
		eq(new SharedArrayBuffer(4, {}).byteLength, 4, "options without maxByteLength");
		eq(new SharedArrayBuffer(4, { maxByteLength: undefined }).byteLength, 4, "maxByteLength undefined");
		eq(new SharedArrayBuffer(4, 7).byteLength, 4, "options not an object");

		// Views of every kind share its memory.
		const u8 = new Uint8Array(sab);
		const u32 = new Uint32Array(sab, 4, 1);
		const dv = new DataView(sab, 2);
		eq(ArrayBuffer.isView(u8), true, "isView(view)");
		eq(u8.buffer, sab, "buffer");
		eq(dv.buffer, sab, "DataView buffer");
		u32[0] = 0x01020304;
		dv.setUint8(0, 0xaa);
		eq(u8[2], 0xaa, "DataView writes");
		eq(u8.slice(4).sort().join(), "1,2,3,4", "typed array writes");
		for (const C of [Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
			eq(new C(sab).buffer, sab, C.name);
		}
		// slice/subarray/map of a shared view make ArrayBuffers.
		eq(u8.slice(0, 2).buffer instanceof ArrayBuffer, true, "TypedArray slice");
		eq(u8.subarray(1).buffer, sab, "subarray");
		eq(new Uint8Array(u8).buffer instanceof ArrayBuffer, true, "copy");

		// Errors.
		throws(TypeError, () => SharedArrayBuffer(1), "call");
		throws(TypeError, () => SharedArrayBuffer.call({}, 1), "call with an object");
		throws(RangeError, () => new SharedArrayBuffer(-1), "negative");
		throws(RangeError, () => new SharedArrayBuffer(2 ** 53), "too large");
		throws(TypeError, () => new SharedArrayBuffer(1n), "BigInt");
		throws(RangeError, () => new SharedArrayBuffer(4, { maxByteLength: 8 }), "growable");
		throws(RangeError, () => new SharedArrayBuffer(8, { maxByteLength: 4 }), "length > maxByteLength");
		throws(TypeError, () => sab.grow(8), "grow");
		throws(TypeError, () => SharedArrayBuffer.prototype.grow.call(new ArrayBuffer(1), 1), "grow receiver");
		for (const bad of [undefined, 1, {}, new ArrayBuffer(1), u8]) {
			for (const k of ["byteLength", "growable", "maxByteLength"]) {
				throws(TypeError, () => Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, k).get.call(bad), k + " receiver");
			}
			throws(TypeError, () => SharedArrayBuffer.prototype.slice.call(bad), "slice receiver");
		}
		throws(TypeError, () => SharedArrayBuffer.prototype.byteLength, "byteLength on the prototype");

		// Subclasses.
		class MySAB extends SharedArrayBuffer { hi() { return "hi"; } }
		const m = new MySAB(3);
		eq(m instanceof MySAB, true, "subclass instanceof");
		eq(m.hi(), "hi", "subclass method");
		eq(m.byteLength, 3, "subclass byteLength");
		eq(new Uint8Array(m).length, 3, "subclass view");
		eq(Object.getPrototypeOf(m.slice(1)), MySAB.prototype, "slice uses the species");
		// new.target whose prototype is not an object: the realm's SharedArrayBuffer.prototype.
		function F() {}
		F.prototype = 1;
		const viaReflect = Reflect.construct(SharedArrayBuffer, [1], F);
		eq(Object.getPrototypeOf(viaReflect), SharedArrayBuffer.prototype, "fallback prototype");
		function G() {}
		const g = Reflect.construct(SharedArrayBuffer, [2], G);
		eq(Object.getPrototypeOf(g), G.prototype, "new.target prototype");
		eq(SharedArrayBuffer.prototype.slice.call(g).byteLength, 2, "still shared");
	`)
}

func TestSharedArrayBufferSlice(t *testing.T) {
	run(t, env(t), `
		const sab = new SharedArrayBuffer(6);
		new Uint8Array(sab).set([0, 1, 2, 3, 4, 5]);
		const bytes = (b) => new Uint8Array(b).join();
		const s = sab.slice(1, 4);
		eq(s instanceof SharedArrayBuffer, true, "a SharedArrayBuffer");
		eq(Object.prototype.toString.call(s), "[object SharedArrayBuffer]", "toString");
		eq(bytes(s), "1,2,3", "slice(1, 4)");
		eq(bytes(sab.slice()), "0,1,2,3,4,5", "slice()");
		eq(bytes(sab.slice(-2)), "4,5", "slice(-2)");
		eq(bytes(sab.slice(-10, -4)), "0,1", "slice(-10, -4)");
		eq(bytes(sab.slice(4, 2)), "", "empty");
		eq(bytes(sab.slice(2, Infinity)), "2,3,4,5", "Infinity");
		eq(bytes(sab.slice(-Infinity, 1)), "0", "-Infinity");
		eq(bytes(sab.slice(NaN, undefined)), "0,1,2,3,4,5", "NaN");
		new Uint8Array(s)[0] = 99;
		eq(new Uint8Array(sab)[1], 1, "copies");

		// Species checks.
		const withSpecies = (S) => { const x = new SharedArrayBuffer(4); x.constructor = { [Symbol.species]: S }; return x; };
		throws(TypeError, () => withSpecies(ArrayBuffer).slice(0, 2), "species makes an ArrayBuffer");
		throws(TypeError, () => withSpecies(function () { return {}; }).slice(0, 2), "species makes an object");
		throws(TypeError, () => withSpecies(function () { return new SharedArrayBuffer(1); }).slice(0, 2), "species too small");
		const self = new SharedArrayBuffer(4);
		self.constructor = { [Symbol.species]: function () { return self; } };
		throws(TypeError, () => self.slice(0, 1), "species returns the same buffer");
		throws(TypeError, () => withSpecies(1).slice(), "species not a constructor");
		const bad = new SharedArrayBuffer(1);
		bad.constructor = 1;
		throws(TypeError, () => bad.slice(), "constructor not an object");
		const und = new SharedArrayBuffer(1);
		und.constructor = undefined;
		eq(und.slice() instanceof SharedArrayBuffer, true, "constructor undefined");
		eq(withSpecies(null).slice() instanceof SharedArrayBuffer, true, "species null");
		let seen;
		const big = withSpecies(function (n) { seen = n; return new SharedArrayBuffer(10); });
		eq(big.slice(1, 3).byteLength, 10, "larger species result");
		eq(seen, 2, "species gets the length");
	`)
}

// guardedEnv is an environment whose allocation guards allow 1 MiB.
func guardedEnv(t *testing.T) *jstest.Env {
	guard := func(r *realm.Realm) {
		require.NoError(t, limits.InstallGuards(r.VM(), 1<<20))
	}
	return jstest.New(t, guard, dom.Install, ecma.Install)
}

func TestAllocationGuard(t *testing.T) {
	e := guardedEnv(t)
	r := e.Run(`new SharedArrayBuffer(2 << 20)`)
	require.Equal(t, "RangeError", r.Name)
	require.Contains(t, r.Err, "new SharedArrayBuffer: the result (2 MiB) would exceed the memory limit of one allocation (1 MiB)")
	r = e.Run(`new ArrayBuffer(8).transfer(4 << 20)`)
	require.Equal(t, "RangeError", r.Name)
	require.Contains(t, r.Err, "ArrayBuffer.prototype.transfer: the result (4 MiB) would exceed")
	r = e.Run(`const b = new ArrayBuffer(8); try { b.transferToFixedLength(4 << 20) } catch (e) {} b.detached`)
	require.Equal(t, false, r.Value, "a refused transfer leaves the source attached")
	require.Equal(t, int64(1<<19), e.MustRun(`new SharedArrayBuffer(1 << 19).byteLength`))
	require.Equal(t, int64(1<<19), e.MustRun(`new ArrayBuffer(8).transfer(1 << 19).byteLength`))
	require.Equal(t, true, e.MustRun(`new SharedArrayBuffer(4) instanceof SharedArrayBuffer && !(new SharedArrayBuffer(4) instanceof ArrayBuffer)`))
}

func TestRealmBranding(t *testing.T) {
	e := env(t)
	e.Do(func() {
		r := e.R
		vm := r.VM()
		ev := func(src string) goja.Value {
			v, err := vm.RunString(src)
			require.NoError(t, err)
			return v
		}
		// Before any SharedArrayBuffer exists, nothing is shared.
		require.False(t, r.IsSharedArrayBuffer(ev(`new ArrayBuffer(1)`)))
		sab := ev(`globalThis.sab = new SharedArrayBuffer(4); new Uint8Array(sab).set([1, 2, 3, 4]); sab`)
		require.True(t, r.IsSharedArrayBuffer(sab))
		require.True(t, r.IsSharedArrayBuffer(ev(`Object.setPrototypeOf(sab, ArrayBuffer.prototype)`)))
		require.False(t, r.IsSharedArrayBuffer(ev(`Object.setPrototypeOf(new ArrayBuffer(4), SharedArrayBuffer.prototype)`)))
		require.False(t, r.IsSharedArrayBuffer(ev(`new Uint8Array(sab)`)))
		require.False(t, r.IsSharedArrayBuffer(goja.Undefined()))
		require.False(t, r.IsSharedArrayBuffer(nil))
		require.True(t, r.IsSharedView(ev(`new Uint8Array(sab, 1)`)))
		require.True(t, r.IsSharedView(ev(`new DataView(sab)`)))
		require.False(t, r.IsSharedView(ev(`new Uint8Array(4)`)))
		require.False(t, r.IsSharedView(sab))
		require.False(t, r.IsSharedView(ev(`({ buffer: sab })`)))
		// A redefined buffer getter on the instance does not fool it.
		require.True(t, r.IsSharedView(ev(`const v = new Uint8Array(sab); Object.defineProperty(v, "buffer", { value: new ArrayBuffer(1) }); v`)))
		require.Equal(t, "Uint16Array", r.TypedArrayName(ev(`new Uint16Array(sab)`)))
		require.Equal(t, "", r.TypedArrayName(ev(`new DataView(sab)`)))
		require.Same(t, sab.(*goja.Object), r.ViewedBuffer(ev(`new DataView(sab, 1)`)))
		require.Nil(t, r.ViewedBuffer(ev(`({})`)))

		// Bytes follows WebIDL's BufferSource: no shared buffers.
		_, ok := r.Bytes(sab)
		require.False(t, ok)
		_, ok = r.Bytes(ev(`new Uint8Array(sab)`))
		require.False(t, ok)
		_, ok = r.Bytes(ev(`new DataView(sab)`))
		require.False(t, ok)
		require.False(t, r.IsBufferSource(sab))
		b, ok := r.Bytes(ev(`new Uint8Array([5, 6])`))
		require.True(t, ok)
		require.Equal(t, []byte{5, 6}, b)
		// BytesAllowShared is [AllowShared] BufferSource.
		b, ok = r.BytesAllowShared(sab)
		require.True(t, ok)
		require.Equal(t, []byte{1, 2, 3, 4}, b)
		b, ok = r.BytesAllowShared(ev(`new Uint8Array(sab, 1, 2)`))
		require.True(t, ok)
		require.Equal(t, []byte{2, 3}, b)
		b, ok = r.BytesAllowShared(ev(`new DataView(sab, 3)`))
		require.True(t, ok)
		require.Equal(t, []byte{4}, b)
		_, ok = r.BytesAllowShared(ev(`({})`))
		require.False(t, ok)
		// encoding's exported helpers make the same distinction.
		_, ok = encoding.BufferSource(r, sab)
		require.False(t, ok)
		_, ok = encoding.BufferSource(r, ev(`new Uint8Array(sab)`))
		require.False(t, ok)
		b, ok = encoding.BufferSource(r, ev(`new Uint8Array([7])`))
		require.True(t, ok)
		require.Equal(t, []byte{7}, b)
		b, ok = encoding.BufferSourceAllowShared(r, ev(`new Uint8Array(sab, 2)`))
		require.True(t, ok)
		require.Equal(t, []byte{3, 4}, b)

		// The brand is weak: collected buffers leave the registry.
		_, err := vm.RunString(`for (let i = 0; i < 500; i++) new SharedArrayBuffer(1);`)
		require.NoError(t, err)
		runtime.GC()
		_, err = vm.RunString(`globalThis.keep = []; for (let i = 0; i < 200; i++) keep.push(new SharedArrayBuffer(1));`)
		require.NoError(t, err)
		runtime.GC()
		require.True(t, r.IsSharedArrayBuffer(sab))
		require.True(t, r.IsSharedArrayBuffer(ev(`keep[0]`)))
		require.True(t, r.IsSharedArrayBuffer(ev(`keep[199]`)))

		// An ArrayBuffer over a shared buffer's bytes is not shared; a shared
		// buffer that Go code detached still is.
		alias := vm.ToValue(vm.NewArrayBuffer(ev(`keep[1]`).Export().(goja.ArrayBuffer).Bytes()))
		require.False(t, r.IsSharedArrayBuffer(alias))
		ev(`keep[2]`).Export().(goja.ArrayBuffer).Detach()
		require.True(t, r.IsSharedArrayBuffer(ev(`keep[2]`)))
		require.True(t, r.IsSharedArrayBuffer(ev(`new SharedArrayBuffer(0)`)))
		require.False(t, r.IsSharedArrayBuffer(ev(`new ArrayBuffer(0)`)))
	})
}

func TestStructuredCloneRefusesShared(t *testing.T) {
	e := env(t)
	for _, src := range []string{
		`structuredClone(new SharedArrayBuffer(4))`,
		`structuredClone({ a: new Uint8Array(new SharedArrayBuffer(4)) })`,
		`structuredClone(new DataView(new SharedArrayBuffer(4)))`,
		`const s = new SharedArrayBuffer(4); structuredClone(s, { transfer: [s] })`,
		`structuredClone(1, { transfer: [new SharedArrayBuffer(4)] })`,
	} {
		r := e.Run(src)
		require.Equal(t, "DataCloneError", r.Name, src)
	}
	require.Equal(t, "DataCloneError: #<SharedArrayBuffer> could not be cloned (found at value.a.buffer).",
		e.Run(`structuredClone({ a: new Uint8Array(new SharedArrayBuffer(4)) })`).Err)
	require.Equal(t, "1,2", e.MustRun(`new Uint8Array(structuredClone(new Uint8Array([1, 2]).buffer)).join()`))
}

func TestEncodingAllowShared(t *testing.T) {
	run(t, env(t), `
		const sab = new SharedArrayBuffer(5);
		const u8 = new Uint8Array(sab);
		u8.set([0x68, 0x69, 0xe2, 0x82, 0xac]);
		eq(new TextDecoder().decode(sab), "hi€", "decode(SharedArrayBuffer)");
		eq(new TextDecoder().decode(u8.subarray(2)), "€", "decode(shared view)");
		eq(new TextDecoder().decode(new DataView(sab, 0, 2)), "hi", "decode(shared DataView)");
		const r = new TextEncoder().encodeInto("ok", new Uint8Array(sab, 1, 3));
		eq(r.read + "," + r.written, "2,2", "encodeInto a shared view");
		eq(u8.join(), "104,111,107,130,172", "written");
		throws(TypeError, () => new TextEncoder().encodeInto("", sab), "encodeInto a SharedArrayBuffer");
		throws(TypeError, () => new TextEncoder().encodeInto("", new Int8Array(sab)), "encodeInto an Int8Array");
	`)
}

func TestDateToGMTString(t *testing.T) {
	e := jstest.New(t, ecma.Install)
	require.Equal(t, "true|Thu, 01 Jan 1970 00:00:00 GMT|true,false,true", e.MustRun(`{
		const d = Object.getOwnPropertyDescriptor(Date.prototype, 'toGMTString');
		[Date.prototype.toGMTString === Date.prototype.toUTCString, new Date(0).toGMTString(),
			[d.writable, d.enumerable, d.configurable]].join('|')
	}`))
}
