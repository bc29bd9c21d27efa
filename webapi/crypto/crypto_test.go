package crypto_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/crypto"
	"github.com/workerhost/workerhost/webapi/dom"
)

// prelude has byte helpers (no TextEncoder in this realm).
const prelude = `
var hex = (b) => Array.from(new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), x => x.toString(16).padStart(2, '0')).join('');
var fromHex = (h) => new Uint8Array((h.match(/../g) || []).map(x => parseInt(x, 16)));
var ascii = (s) => new Uint8Array(Array.from(s, c => c.charCodeAt(0)));
var subtle = crypto.subtle;
var b64u = (b) => { const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'; b = new Uint8Array(b); let s = '';
  for (let i = 0; i < b.length; i += 3) { const n = (b[i] << 16) | ((b[i+1] || 0) << 8) | (b[i+2] || 0);
    s += A[n >> 18 & 63] + A[n >> 12 & 63] + (i + 1 < b.length ? A[n >> 6 & 63] : '') + (i + 2 < b.length ? A[n & 63] : ''); }
  return s; };
`

func env(t testing.TB) *jstest.Env {
	return jstest.New(t, dom.Install, crypto.Install)
}

func run(t *testing.T, e *jstest.Env, js string) any {
	t.Helper()
	return e.MustRun(prelude + "{\n" + js + "\n}")
}

func runErr(t *testing.T, e *jstest.Env, js string) jstest.Result {
	t.Helper()
	r := e.Run(prelude + "{\n" + js + "\n}")
	require.NotEmpty(t, r.Err, "expected an error")
	return r
}

func TestGlobals(t *testing.T) {
	e := env(t)
	require.Equal(t, true, run(t, e, `crypto instanceof Crypto && subtle instanceof SubtleCrypto && crypto.subtle === crypto.subtle`))
	require.Equal(t, "[object Crypto]", run(t, e, `Object.prototype.toString.call(crypto)`))
	require.Equal(t, "function", run(t, e, `typeof CryptoKey`))
	r := runErr(t, e, `new CryptoKey()`)
	require.Equal(t, "TypeError", r.Name)
	r = runErr(t, e, `new SubtleCrypto()`)
	require.Equal(t, "TypeError", r.Name)
	// The lazy bindings behave like ordinary WebIDL globals once touched.
	require.Equal(t, true, run(t, e, `const d = Object.getOwnPropertyDescriptor(globalThis, 'Crypto'); d.writable && !d.enumerable && d.value === Crypto`))
	require.Equal(t, int64(5), run(t, e, `globalThis.SubtleCrypto = 5; SubtleCrypto`))
}

func TestGetRandomValues(t *testing.T) {
	e := env(t)
	require.Equal(t, true, run(t, e, `const a = new Uint8Array(64); const r = crypto.getRandomValues(a); r === a && a.some(x => x !== 0)`))
	require.Equal(t, true, run(t, e, `const a = new Uint32Array(16); crypto.getRandomValues(a); a.some(x => x !== 0)`))
	require.Equal(t, true, run(t, e, `const a = new BigUint64Array(4); crypto.getRandomValues(a); a.some(x => x !== 0n)`))
	require.Equal(t, true, run(t, e, `const a = new Int16Array(new ArrayBuffer(64), 16, 8); crypto.getRandomValues(a); new Uint8Array(a.buffer, 0, 16).every(x => x === 0)`))
	require.Equal(t, int64(65536), run(t, e, `crypto.getRandomValues(new Uint8Array(65536)).length`))
	r := runErr(t, e, `crypto.getRandomValues(new Uint8Array(65537))`)
	require.Equal(t, "QuotaExceededError", r.Name)
	r = runErr(t, e, `crypto.getRandomValues(new Float64Array(4))`)
	require.Equal(t, "TypeMismatchError", r.Name)
	r = runErr(t, e, `crypto.getRandomValues(new DataView(new ArrayBuffer(4)))`)
	require.Equal(t, "TypeMismatchError", r.Name)
	r = runErr(t, e, `crypto.getRandomValues(new ArrayBuffer(4))`)
	require.Equal(t, "TypeError", r.Name)
	r = runErr(t, e, `crypto.getRandomValues([1,2,3])`)
	require.Equal(t, "TypeError", r.Name)
	r = runErr(t, e, `crypto.getRandomValues.call({}, new Uint8Array(2))`)
	require.Equal(t, "TypeError", r.Name)
}

func TestRandomUUID(t *testing.T) {
	e := env(t)
	v := run(t, e, `const u = crypto.randomUUID(); [u, crypto.randomUUID() !== u]`).([]any)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, v[0])
	require.Equal(t, true, v[1])
}

func TestDigestVectors(t *testing.T) {
	e := env(t)
	got := run(t, e, `Promise.all(['SHA-1', 'sha-256', {name: 'SHA-384'}, 'Sha-512'].map(a => subtle.digest(a, ascii('abc')).then(hex)))`)
	require.Equal(t, []any{
		"a9993e364706816aba3e25717850c26c9cd0d89d",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	}, got)
	// Views are honoured (offset/length), and a DataView works too.
	require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		run(t, e, `const b = ascii('xxabcyy'); subtle.digest('SHA-256', new DataView(b.buffer, 2, 3)).then(hex)`))
	// Large input runs off the loop and still matches.
	require.Equal(t, true, run(t, e, `
		const big = new Uint8Array(200000).fill(97);
		Promise.all([subtle.digest('SHA-256', big), subtle.digest('SHA-256', big.subarray(0, 1000))]).then(([a, b]) => hex(a).length === 64 && hex(a) !== hex(b))`))
	r := runErr(t, e, `subtle.digest('MD5', ascii('abc'))`)
	require.Equal(t, "NotSupportedError", r.Name)
	r = runErr(t, e, `subtle.digest('SHA-256', 'abc')`)
	require.Equal(t, "TypeError", r.Name)
	r = runErr(t, e, `subtle.digest({}, ascii('abc'))`)
	require.Equal(t, "TypeError", r.Name)
	// Errors reject rather than throw.
	require.Equal(t, "rejected", run(t, e, `try { const p = subtle.digest('nope', new Uint8Array(1)); p.then(() => 'resolved', () => 'rejected') } catch (e) { 'threw' }`))
	r = runErr(t, e, `subtle.digest.call({}, 'SHA-256', new Uint8Array(1))`)
	require.Equal(t, "TypeError", r.Name)
}

func TestHMACVectorsRFC4231(t *testing.T) {
	e := env(t)
	got := run(t, e, `
		const tc = [
			[fromHex('0b'.repeat(20)), ascii('Hi There')],
			[ascii('Jefe'), ascii('what do ya want for nothing?')],
		];
		(async () => {
			const out = [];
			for (const [k, d] of tc) {
				for (const h of ['SHA-256', 'SHA-384', 'SHA-512']) {
					const key = await subtle.importKey('raw', k, {name: 'HMAC', hash: h}, false, ['sign', 'verify']);
					const sig = await subtle.sign('HMAC', key, d);
					if (!(await subtle.verify({name: 'hmac'}, key, sig, d))) throw new Error('verify failed');
					out.push(hex(sig));
				}
			}
			return out;
		})()`)
	require.Equal(t, []any{
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		"afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
		"87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
	}, got)
}
