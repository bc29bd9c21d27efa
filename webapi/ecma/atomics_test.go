package ecma_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAtomicsShape(t *testing.T) {
	run(t, env(t), `
		void Atomics;
		desc(globalThis, "Atomics", "global", true, false, true);
		eq(typeof Atomics, "object", "typeof");
		eq(Object.getPrototypeOf(Atomics), Object.prototype, "prototype");
		eq(Object.prototype.toString.call(Atomics), "[object Atomics]", "toString");
		const tag = desc(Atomics, Symbol.toStringTag, "toStringTag", false, false, true);
		eq(tag.value, "Atomics", "toStringTag value");
		throws(TypeError, () => new Atomics(), "not a constructor");
		throws(TypeError, () => Atomics(), "not callable");
		const lengths = { add: 3, and: 3, compareExchange: 4, exchange: 3, isLockFree: 1, load: 2, notify: 3,
			or: 3, pause: 0, store: 3, sub: 3, wait: 4, waitAsync: 4, xor: 3 };
		for (const [k, len] of Object.entries(lengths)) {
			desc(Atomics, k, k, true, false, true);
			fnShape(Atomics[k], k, len, k);
			throws(TypeError, () => new Atomics[k](), k + " is not a constructor");
		}
		eq(Object.getOwnPropertyNames(Atomics).sort().join(), Object.keys(lengths).sort().join(), "own properties");
	`)
}

func TestAtomicsOperations(t *testing.T) {
	run(t, env(t), `
		for (const shared of [false, true]) {
			const buf = (n) => shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n);
			const w = shared ? "shared " : "";
			const i8 = new Int8Array(buf(4));
			eq(Atomics.add(i8, 0, 127), 0, w + "add returns the old value");
			eq(Atomics.add(i8, 0, 1), 127, w + "add old");
			eq(i8[0], -128, w + "add wraps");
			eq(Atomics.sub(i8, 0, 1), -128, w + "sub old");
			eq(i8[0], 127, w + "sub wraps");
			eq(Atomics.load(i8, 0), 127, w + "load");
			eq(Atomics.store(i8, 1, 300), 300, w + "store returns the integer");
			eq(i8[1], 44, w + "store wraps");
			eq(Atomics.exchange(i8, 1, -1), 44, w + "exchange old");
			eq(i8[1], -1, w + "exchange");
			eq(Atomics.and(i8, 1, 0x0f), -1, w + "and old");
			eq(i8[1], 0x0f, w + "and");
			eq(Atomics.or(i8, 1, 0x30), 0x0f, w + "or old");
			eq(i8[1], 0x3f, w + "or");
			eq(Atomics.xor(i8, 1, 0x3c), 0x3f, w + "xor old");
			eq(i8[1], 0x03, w + "xor");
			eq(Atomics.compareExchange(i8, 1, 3, 9), 3, w + "compareExchange old (match)");
			eq(i8[1], 9, w + "compareExchange replaced");
			eq(Atomics.compareExchange(i8, 1, 3, 5), 9, w + "compareExchange old (no match)");
			eq(i8[1], 9, w + "compareExchange kept");
			// expected is converted to the element type before comparing
			eq(Atomics.compareExchange(i8, 1, 9 + 256, 1), 9, w + "compareExchange wraps expected");
			eq(i8[1], 1, w + "compareExchange wrapped match");

			const u8 = new Uint8Array(buf(2));
			eq(Atomics.sub(u8, 0, 1), 0, w + "u8 sub");
			eq(u8[0], 255, w + "u8 wraps");
			eq(Atomics.compareExchange(u8, 0, -1, 7), 255, w + "u8 compareExchange -1 matches 255");
			eq(u8[0], 7, w + "u8 replaced");
			const i16 = new Int16Array(buf(4));
			Atomics.store(i16, 1, 0x7fff);
			eq(Atomics.add(i16, 1, 1), 0x7fff, w + "i16 add");
			eq(i16[1], -0x8000, w + "i16 wraps");
			const u16 = new Uint16Array(buf(2));
			eq(Atomics.sub(u16, 0, 2), 0, w + "u16");
			eq(u16[0], 0xfffe, w + "u16 wraps");
			const i32 = new Int32Array(buf(8), 4);
			eq(Atomics.add(i32, 0, 2 ** 31), 0, w + "i32 add");
			eq(i32[0], -(2 ** 31), w + "i32 wraps");
			eq(Atomics.load(i32, 0), -(2 ** 31), w + "i32 load");
			const u32 = new Uint32Array(buf(4));
			eq(Atomics.sub(u32, 0, 1), 0, w + "u32 sub");
			eq(Atomics.load(u32, 0), 2 ** 32 - 1, w + "u32 load");
			eq(Atomics.and(u32, 0, 0xf0f0f0f0), 2 ** 32 - 1, w + "u32 and");
			eq(u32[0], 0xf0f0f0f0, w + "u32 and result");

			const i64 = new BigInt64Array(buf(16));
			eq(Atomics.add(i64, 1, 2n ** 63n - 1n), 0n, w + "i64 add");
			eq(Atomics.add(i64, 1, 1n), 2n ** 63n - 1n, w + "i64 add old");
			eq(i64[1], -(2n ** 63n), w + "i64 wraps");
			eq(Atomics.store(i64, 0, 2n ** 64n + 5n), 2n ** 64n + 5n, w + "store returns the BigInt");
			eq(i64[0], 5n, w + "i64 store wraps");
			eq(Atomics.exchange(i64, 0, -1n), 5n, w + "i64 exchange");
			eq(Atomics.compareExchange(i64, 0, -1n, 3n), -1n, w + "i64 compareExchange");
			eq(i64[0], 3n, w + "i64 replaced");
			eq(Atomics.xor(i64, 0, 1n), 3n, w + "i64 xor");
			eq(Atomics.load(i64, 0), 2n, w + "i64 load");
			eq(Atomics.store(i64, 0, "12"), 12n, w + "string to BigInt");
			eq(Atomics.store(i64, 0, true), 1n, w + "boolean to BigInt");
			eq(Atomics.store(i64, 0, { valueOf() { return 7n; } }), 7n, w + "object to BigInt");
			const u64 = new BigUint64Array(buf(8));
			eq(Atomics.sub(u64, 0, 1n), 0n, w + "u64 sub");
			eq(Atomics.load(u64, 0), 2n ** 64n - 1n, w + "u64 wraps");
			eq(Atomics.compareExchange(u64, 0, -1n, 0n), 2n ** 64n - 1n, w + "u64 compareExchange -1n");
			eq(u64[0], 0n, w + "u64 replaced");
		}

		// Conversions of Number operands.
		const ta = new Int32Array(4);
		eq(Atomics.store(ta, 0, 3.7), 3, "store truncates");
		eq(Atomics.store(ta, 0, -3.7), -3, "store truncates toward zero");
		eq(Atomics.store(ta, 0, -0), 0, "store(-0) returns +0");
		eq(Atomics.store(ta, 0, Infinity), Infinity, "store(Infinity) returns Infinity");
		eq(ta[0], 0, "Infinity stores 0");
		eq(Atomics.store(ta, 0, NaN), 0, "NaN");
		eq(Atomics.store(ta, 0, "5"), 5, "string");
		eq(Atomics.store(ta, 0, 2 ** 53 + 2), 2 ** 53 + 2, "large integer");
		eq(ta[0], 2, "large integer wraps");
		eq(Atomics.store(ta, 0, -(2 ** 64) - 3), -(2 ** 64) - 3, "large negative");
		eq(Atomics.store(ta, 0, 1e300), 1e300, "huge");
		eq(ta[0], 0, "huge wraps to 0");
		eq(Atomics.store(ta, 1, { valueOf() { return 11; } }), 11, "valueOf");
		eq(Atomics.load(ta, "1"), 11, "string index");
		eq(Atomics.load(ta, 1.9), 11, "fractional index");
		eq(Atomics.load(ta, undefined), ta[0], "undefined index is 0");
		eq(Atomics.add(ta, 0), 0, "missing value is 0 (NaN)");

		// ToBigInt of strings (StringToBigInt), as BigInt() does.
		const i64 = new BigInt64Array(1);
		for (const [str, want] of [[" 0x1F ", 31n], ["-12", -12n], ["+5", 5n], ["", 0n], ["  \n\t", 0n],
				["\u00a0 7 \u2028\ufeff", 7n], ["0o17", 15n], ["0B101", 5n], ["007", 7n], ["-0", 0n],
				["123456789012345678901234567890", 123456789012345678901234567890n]]) {
			eq(Atomics.store(i64, 0, str), want, "ToBigInt(" + JSON.stringify(str) + ")");
			eq(BigInt(str), want, "BigInt(" + JSON.stringify(str) + ")");
		}
		for (const str of ["-0x1", "1_000", "1e3", "0b102", "0x", "Infinity", "1.0", "1n", "- 1", "\u0085 1"]) {
			throws(SyntaxError, () => Atomics.store(i64, 0, str), "ToBigInt(" + JSON.stringify(str) + ")");
			throws(SyntaxError, () => BigInt(str), "BigInt(" + JSON.stringify(str) + ")");
		}

		// isLockFree and pause.
		for (const [n, want] of [[1, true], [2, true], [4, true], [8, true], [3, false], [16, false], [0, false], ["4", true], [4.5, true]]) {
			eq(Atomics.isLockFree(n), want, "isLockFree(" + n + ")");
		}
		eq(Atomics.pause(), undefined, "pause()");
		eq(Atomics.pause(10), undefined, "pause(10)");
		eq(Atomics.pause(-0), undefined, "pause(-0)");
		for (const bad of [1.5, NaN, Infinity, "1", 1n, {}, null]) {
			throws(TypeError, () => Atomics.pause(bad), "pause(" + String(bad) + ")");
		}
	`)
}

func TestAtomicsErrors(t *testing.T) {
	run(t, env(t), `
		const ops = {
			add: (ta, i) => Atomics.add(ta, i, 1),
			and: (ta, i) => Atomics.and(ta, i, 1),
			compareExchange: (ta, i) => Atomics.compareExchange(ta, i, 0, 1),
			exchange: (ta, i) => Atomics.exchange(ta, i, 1),
			load: (ta, i) => Atomics.load(ta, i),
			or: (ta, i) => Atomics.or(ta, i, 1),
			store: (ta, i) => Atomics.store(ta, i, 1),
			sub: (ta, i) => Atomics.sub(ta, i, 1),
			xor: (ta, i) => Atomics.xor(ta, i, 1),
		};
		for (const [name, op] of Object.entries(ops)) {
			for (const bad of [undefined, 1, {}, [1], new ArrayBuffer(4), new SharedArrayBuffer(4), new DataView(new ArrayBuffer(4))]) {
				throws(TypeError, () => op(bad, 0), name + " on a non-typed-array");
			}
			for (const C of [Float32Array, Float64Array, Uint8ClampedArray]) {
				throws(TypeError, () => op(new C(new SharedArrayBuffer(16)), 0), name + " on " + C.name);
				throws(TypeError, () => op(new C(4), 0), name + " on non-shared " + C.name);
			}
			const ta = new Int32Array(new SharedArrayBuffer(8));
			throws(RangeError, () => op(ta, 2), name + " index = length");
			throws(RangeError, () => op(ta, -1), name + " negative index");
			throws(RangeError, () => op(ta, 2 ** 53), name + " huge index");
			throws(RangeError, () => op(new Int32Array(new SharedArrayBuffer(8), 4), 1), name + " index past a view with an offset");
			throws(TypeError, () => op(ta, Symbol()), name + " Symbol index");
			// Detached before and during the operation.
			const ab = new ArrayBuffer(8);
			const d = new Int32Array(ab);
			ab.transfer();
			throws(TypeError, () => op(d, 0), name + " on a detached buffer");
			const ab2 = new ArrayBuffer(8);
			const d2 = new Int32Array(ab2);
			if (name !== "load") {
				throws(TypeError, () => Atomics[name](d2, 0, { valueOf() { ab2.transfer(); return 1; } }, 1), name + " detached by valueOf");
			} else {
				throws(TypeError, () => Atomics.load(d2, { valueOf() { ab2.transfer(); return 0; } }), "load detached by the index");
			}
		}
		// Validation order: the typed array, then the index, then the value.
		const ta = new Int32Array(2);
		let called = false;
		throws(RangeError, () => Atomics.store(ta, 5, { valueOf() { called = true; return 1; } }), "index before value");
		eq(called, false, "value not converted after a bad index");
		throws(TypeError, () => Atomics.store(new Float64Array(2), { valueOf() { called = true; return 0; } }), "type before index");
		eq(called, false, "index not converted after a bad type");
		// BigInts and Numbers do not mix.
		throws(TypeError, () => Atomics.store(new Int32Array(1), 0, 1n), "BigInt into Int32Array");
		throws(TypeError, () => Atomics.add(new Int32Array(1), 0, 1n), "BigInt add");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, 1), "Number into BigInt64Array");
		throws(TypeError, () => Atomics.compareExchange(new BigUint64Array(1), 0, 0n, 1), "Number replacement");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, undefined), "undefined into BigInt64Array");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, null), "null into BigInt64Array");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, Symbol()), "Symbol into BigInt64Array");
		throws(SyntaxError, () => Atomics.store(new BigInt64Array(1), 0, "1.5"), "bad string into BigInt64Array");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, { valueOf() { return 1; } }), "object with a Number value");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, { [Symbol.toPrimitive]: 1 }), "bad toPrimitive");
		throws(TypeError, () => Atomics.store(new BigInt64Array(1), 0, { valueOf() { return {}; }, toString() { return {}; } }), "no primitive");
		eq(Atomics.store(new BigInt64Array(1), 0, { [Symbol.toPrimitive](hint) { return hint === "number" ? 4n : 0n; } }), 4n, "toPrimitive hint");
		// A typed array whose prototype was changed is still one; a fake is not.
		const moved = Object.setPrototypeOf(new Int32Array(1), Object.prototype);
		eq(Atomics.add(moved, 0, 2), 0, "typed array with another prototype");
		const fake = Object.create(Int32Array.prototype);
		throws(TypeError, () => Atomics.load(fake, 0), "object inheriting from Int32Array.prototype");
	`)
}

func TestAtomicsWait(t *testing.T) {
	run(t, env(t), `
		const ta = new Int32Array(new SharedArrayBuffer(8));
		const big = new BigInt64Array(new SharedArrayBuffer(16));
		// The agent cannot suspend: wait is a TypeError once its arguments are valid.
		throws(TypeError, () => Atomics.wait(ta, 0, 0), "wait");
		throws(TypeError, () => Atomics.wait(ta, 0, 1, 0), "wait not-equal");
		throws(TypeError, () => Atomics.wait(big, 0, 0n, 10), "wait BigInt64Array");
		// ...and its arguments are validated first.
		throws(RangeError, () => Atomics.wait(ta, 2, 0), "wait index");
		throws(TypeError, () => Atomics.wait(new Int32Array(2), 0, 0), "wait on a non-shared array");
		for (const C of [Int8Array, Uint8Array, Int16Array, Uint16Array, Uint32Array, BigUint64Array, Float64Array]) {
			throws(TypeError, () => Atomics.wait(new C(new SharedArrayBuffer(16)), 0, 0), "wait on " + C.name);
			throws(TypeError, () => Atomics.waitAsync(new C(new SharedArrayBuffer(16)), 0, 0), "waitAsync on " + C.name);
			throws(TypeError, () => Atomics.notify(new C(new SharedArrayBuffer(16)), 0), "notify on " + C.name);
		}
		throws(TypeError, () => Atomics.wait(big, 0, 0), "Number value for BigInt64Array");
		throws(TypeError, () => Atomics.waitAsync(ta, 0, 0n), "BigInt value for Int32Array");
		throws(TypeError, () => Atomics.waitAsync(new Int32Array(2), 0, 0), "waitAsync on a non-shared array");
		throws(RangeError, () => Atomics.waitAsync(ta, -1, 0), "waitAsync index");
		throws(TypeError, () => Atomics.waitAsync(ta, 0, 0, Symbol()), "timeout Symbol");

		// notify: validated, 0 for non-shared arrays, 0 without waiters.
		eq(Atomics.notify(new Int32Array(2), 0), 0, "notify non-shared");
		eq(Atomics.notify(new BigInt64Array(2), 1, 5), 0, "notify non-shared BigInt64Array");
		throws(RangeError, () => Atomics.notify(new Int32Array(2), 2), "notify validates the index on non-shared arrays");
		eq(Atomics.notify(ta, 0), 0, "no waiters");
		throws(RangeError, () => Atomics.notify(ta, 9), "notify index");
		throws(TypeError, () => Atomics.notify(ta, 0, 1n), "notify BigInt count");

		// waitAsync results that need no waiting.
		let r = Atomics.waitAsync(ta, 0, 1);
		eq(r.async, false, "not-equal async");
		eq(r.value, "not-equal", "not-equal");
		eq(Object.keys(r).join(), "async,value", "result keys");
		eq(Object.getPrototypeOf(r), Object.prototype, "result prototype");
		r = Atomics.waitAsync(ta, 0, 0, 0);
		eq(r.async + " " + r.value, "false timed-out", "zero timeout");
		r = Atomics.waitAsync(ta, 0, 0, -Infinity);
		eq(r.value, "timed-out", "-Infinity timeout");
		r = Atomics.waitAsync(ta, 0, 2 ** 32, 0);
		eq(r.value, "timed-out", "value wraps with ToInt32");
		r = Atomics.waitAsync(big, 1, 2n ** 64n, 0);
		eq(r.value, "timed-out", "BigInt value wraps with ToBigInt64");
	`)
}

func TestAtomicsWaitAsync(t *testing.T) {
	e := env(t)
	got := e.MustRun(checks + `
		(async () => {
			const sab = new SharedArrayBuffer(16);
			const ta = new Int32Array(sab);
			const a = Atomics.waitAsync(ta, 1, 0);
			const b = Atomics.waitAsync(ta, 1, 0, 60000);
			const c = Atomics.waitAsync(new Int32Array(sab, 4), 0, 0); // the same location
			const d = Atomics.waitAsync(ta, 2, 0);
			eq(a.async, true, "async");
			eq(a.value instanceof Promise, true, "a promise");
			const order = [];
			a.value.then(v => order.push("a:" + v));
			b.value.then(v => order.push("b:" + v));
			c.value.then(v => order.push("c:" + v));
			d.value.then(v => order.push("d:" + v));
			eq(Atomics.notify(ta, 0), 0, "other index");
			eq(Atomics.notify(new Int32Array(sab.slice(0)), 1), 0, "other buffer");
			eq(Atomics.notify(ta, 1, 2), 2, "wakes two");
			eq(order.length, 0, "resolved in a later task");
			await new Promise(r => setTimeout(r, 5));
			eq(order.join(), "a:ok,b:ok", "FIFO");
			eq(Atomics.notify(ta, 1, 0), 0, "count 0");
			eq(Atomics.notify(ta, 1, -5), 0, "negative count");
			eq(Atomics.notify(new Int32Array(sab), 1), 1, "wakes the rest");
			await new Promise(r => setTimeout(r, 5));
			eq(order.join(), "a:ok,b:ok,c:ok", "c woken");
			// A timeout resolves "timed-out" and removes the waiter.
			const t = Atomics.waitAsync(ta, 3, 0, 10);
			eq(await t.value, "timed-out", "timed out");
			eq(Atomics.notify(ta, 3), 0, "no waiter after the timeout");
			// BigInt64Array waiters.
			const big = new BigInt64Array(new SharedArrayBuffer(8));
			const w = Atomics.waitAsync(big, 0, 0n, 1000);
			eq(Atomics.notify(big, 0), 1, "BigInt64Array notify");
			eq(await w.value, "ok", "BigInt64Array woken");
			eq(Atomics.notify(ta, 2, undefined), 1, "undefined count is all");
			await new Promise(r => setTimeout(r, 5));
			return order.join();
		})()
	`)
	require.Equal(t, "a:ok,b:ok,c:ok,d:ok", got)

	// Waiters of a request that ended are dropped.
	e.MustRun(`globalThis.sab = new SharedArrayBuffer(4); Atomics.waitAsync(new Int32Array(sab), 0, 0).async`)
	require.Equal(t, int64(0), e.MustRun(`Atomics.notify(new Int32Array(sab), 0)`))
	e.MustRun(`Atomics.waitAsync(new Int32Array(sab), 0, 0, 5).async`)
	require.Equal(t, int64(0), e.MustRun(`new Promise(r => setTimeout(r, 20)).then(() => Atomics.notify(new Int32Array(sab), 0))`))
}
