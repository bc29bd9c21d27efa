package crypto_test

import (
	"testing"

	"github.com/dop251/goja"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/crypto"
)

// TestGarbageArguments calls every SubtleCrypto method with many kinds of
// wrong arguments: each call must return a promise that rejects (or, for
// the rare valid combination, settles) and no Go panic may reach the realm.
func TestGarbageArguments(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const hk = await subtle.generateKey({name: 'HMAC', hash: 'SHA-256'}, true, ['sign', 'verify']);
		const ec = await subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']);
		const vals = [undefined, null, 0, -1, 1e308, NaN, '', 'raw', 'jwk', 'HMAC', 'AES-GCM', Symbol('s'), {}, [], [1, 2],
			{name: 'HMAC'}, {name: 'AES-CTR', counter: new Uint8Array(16), length: 200}, {name: 'ECDH', public: ec.privateKey},
			{get name() { throw new Error('getter') }}, new Uint8Array(0), new ArrayBuffer(3), new DataView(new ArrayBuffer(2)),
			new Float32Array(2), hk, ec.publicKey, ec.privateKey, ec, {kty: 'oct', k: 'AA'}, {kty: 'EC', crv: 'P-256', x: 'A', y: 'B', d: 'C'},
			{kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQ', p: 'AQ', q: 'AQ', dp: 'AQ', dq: 'AQ', qi: 'AQ'}];
		const methods = ['encrypt', 'decrypt', 'sign', 'verify', 'digest', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'exportKey', 'wrapKey', 'unwrapKey'];
		let calls = 0, notPromise = 0;
		const pending = [];
		for (const m of methods) {
			for (let i = 0; i < vals.length; i++) {
				for (let j = 0; j < vals.length; j += 5) {
					const args = [vals[i], vals[j], vals[(i + j) % vals.length], vals[(i * 7 + j) % vals.length], vals[j], ['sign'], ['encrypt']];
					let p;
					try { p = subtle[m](...args); } catch (e) { notPromise++; continue; }
					calls++;
					if (!(p instanceof Promise)) notPromise++;
					pending.push(p.then(() => 'ok', (e) => String(e && e.message).includes('internal error') ? 'INTERNAL ' + e.message : e && e.name));
				}
			}
		}
		const results = await Promise.all(pending);
		const names = new Set(results);
		return [calls, notPromise, [...names].sort().join()];
	})()`).([]any)
	require.Equal(t, int64(0), got[1], "every call returns a promise")
	require.Greater(t, got[0], int64(2000))
	t.Logf("calls=%v outcomes=%v", got[0], got[2])
	require.NotContains(t, got[2], "INTERNAL") // no Go runtime error was hit
	require.NoError(t, e.R.Err())
}

// TestDetachedBuffers checks views on detached ArrayBuffers (detached from
// Go: scripts cannot transfer buffers here) are treated as empty.
func TestDetachedBuffers(t *testing.T) {
	e := env(t)
	// far: goja would compute its bytes at address 150000 once detached.
	run(t, e, `globalThis.u8 = new Uint8Array(16); globalThis.sub = new Uint8Array(new ArrayBuffer(32), 8, 8); globalThis.ab = new ArrayBuffer(8);
		globalThis.far = new Uint8Array(new ArrayBuffer(200000), 150000, 16); globalThis.i32 = new Int32Array(new ArrayBuffer(64), 16, 4); 1`)
	e.Do(func() {
		vm := e.R.VM()
		for _, name := range []string{"u8", "sub", "far", "i32"} {
			buf := vm.Get(name).ToObject(vm).Get("buffer").Export().(goja.ArrayBuffer)
			require.True(t, buf.Detach())
		}
		require.True(t, vm.Get("ab").Export().(goja.ArrayBuffer).Detach())
	})
	got := run(t, e, `Promise.all([u8, sub, ab, far, i32, new Uint8Array(0)].map(b => subtle.digest('SHA-256', b)))
		.then(r => r.map(hex)).then(r => [r.every(h => h === r[5]), crypto.getRandomValues(far) === far, crypto.getRandomValues(i32) === i32])`)
	require.Equal(t, []any{true, true, true}, got)
	if raceEnabled {
		// With checkptr (enabled by -race) goja's own Export of a view on a
		// detached buffer is a fatal error; a production build only computes
		// the bad pointer, which within() then rejects.
		return
	}
	// A lying buffer getter cannot make a detached view readable.
	run(t, e, `Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'buffer', {get() { return new ArrayBuffer(1 << 20) }}); 1`)
	require.Equal(t, true, run(t, e, `subtle.digest('SHA-256', far).then(hex).then(h => h === 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')`))
	require.Equal(t, true, run(t, e, `crypto.getRandomValues(far) === far`))
	require.NoError(t, e.R.Err())
}

// TestCloneKey moves a key to another realm the way structured cloning
// would; both copies work independently.
func TestCloneKey(t *testing.T) {
	a, b := env(t), env(t)
	run(t, a, `subtle.importKey('raw', ascii('clone me please!'), {name: 'HMAC', hash: 'SHA-256'}, false, ['sign', 'verify']).then(k => { globalThis.key = k; 1 })`)
	var k *crypto.Key
	a.Do(func() {
		var ok bool
		k, ok = crypto.UnwrapKey(a.R.VM().Get("key"))
		require.True(t, ok)
	})
	b.Do(func() { _ = b.R.VM().Set("key", crypto.CloneKey(b.R, k)) })
	sigA := run(t, a, `subtle.sign('HMAC', key, ascii('m')).then(hex)`)
	got := run(t, b, `Promise.all([subtle.sign('HMAC', key, ascii('m')).then(hex), key instanceof CryptoKey, key.extractable, key.usages.join()])`)
	require.Equal(t, []any{sigA, true, false, "sign,verify"}, got)
	_, ok := crypto.UnwrapKey(goja.Undefined())
	require.False(t, ok)
}

// The bytes of a Uint8Array are found through the %TypedArray%.prototype
// buffer getter as it was on first use. A script that replaced it before
// gets no bytes from a lying getter (never memory outside the buffer
// returned) and a rejection from a throwing one; later replacements, and
// own "buffer" properties, are not consulted.
func TestReplacedBufferGetter(t *testing.T) {
	e := env(t)
	empty := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	abc := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	got := run(t, e, `const ta = Object.getPrototypeOf(Uint8Array.prototype);
		const orig = Object.getOwnPropertyDescriptor(ta, 'buffer');
		let mode = 'lie';
		Object.defineProperty(ta, 'buffer', {configurable: true, get() {
			if (mode === 'throw') throw new RangeError('no buffer');
			return mode === 'lie' ? new ArrayBuffer(1 << 16) : orig.get.call(this);
		}});
		(async () => {
			const out = [await subtle.digest('SHA-256', ascii('abc')).then(hex)];
			mode = 'throw';
			out.push(await subtle.digest('SHA-256', ascii('abc')).then(hex, (e) => e.name));
			mode = 'real';
			out.push(await subtle.digest('SHA-256', ascii('abc')).then(hex));
			return out;
		})()`)
	require.Equal(t, []any{empty, "RangeError", abc}, got)
	e = env(t)
	got = run(t, e, `(async () => {
		const out = [await subtle.digest('SHA-256', ascii('abc')).then(hex)];
		Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'buffer', {get() { return new ArrayBuffer(4) }});
		const own = ascii('abc');
		Object.defineProperty(own, 'buffer', {get() { throw new Error('own') }});
		out.push(await subtle.digest('SHA-256', ascii('abc')).then(hex), await subtle.digest('SHA-256', own).then(hex));
		return out;
	})()`)
	require.Equal(t, []any{abc, abc, abc}, got)
	require.NoError(t, e.R.Err())
}
