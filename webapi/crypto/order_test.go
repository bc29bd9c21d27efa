package crypto_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/crypto"
)

// The algorithm is normalized before the bytes of the BufferSource
// arguments are taken: changes a getter of the algorithm dictionary makes
// to them are seen, for inline work and for work done off the loop alike.
// Changes made after the call returns are not.
func TestNormalizeBeforeCopyingBytes(t *testing.T) {
	require.Less(t, crypto.InlineLimit, 20000, "the second size must run off the loop")
	e := env(t)
	got := run(t, e, `(async () => {
		const out = {};
		// flip inverts the first byte of a view; an algorithm whose name
		// getter undoes it.
		const flip = (b) => { b[0] = 255 - b[0]; return b; };
		const undo = (name, b, extra) => Object.assign({get name() { flip(b); return name; }}, extra);
		const same = (a, b) => {
			const x = new Uint8Array(a instanceof ArrayBuffer ? a : a.buffer, a.byteOffset || 0, a.byteLength);
			const y = new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer, b.byteOffset || 0, b.byteLength);
			return x.length === y.length && x.every((v, i) => v === y[i]);
		};
		for (const size of [100, 20000]) { // inline, then off the loop (over InlineLimit)
			const data = new Uint8Array(size).map((_, i) => i * 7);
			const want = await subtle.digest('SHA-256', data);
			const sources = {
				u8: (b) => b,
				ab: (b) => b.buffer,
				dv: (b) => new DataView(b.buffer),
				i32: (b) => new Int32Array(b.buffer, 0, b.length >> 2),
			};
			for (const [kind, view] of Object.entries(sources)) {
				const b = flip(data.slice());
				const d = await subtle.digest(undo('SHA-256', b), view(b));
				const wantView = kind === 'i32' ? await subtle.digest('SHA-256', data.subarray(0, size & ~3)) : want;
				out['digest ' + kind + ' ' + size] = same(d, wantView);
			}
			const hk = await subtle.importKey('raw', ascii('0123456789abcdef'), {name: 'HMAC', hash: 'SHA-256'}, false, ['sign', 'verify']);
			const mac = await subtle.sign('HMAC', hk, data);
			const d1 = flip(data.slice());
			out['sign hmac ' + size] = same(await subtle.sign(undo('HMAC', d1), hk, d1), mac);
			const s1 = flip(new Uint8Array(mac));
			out['verify hmac sig ' + size] = await subtle.verify(undo('HMAC', s1), hk, s1, data);
			const d2 = flip(data.slice());
			out['verify hmac data ' + size] = await subtle.verify(undo('HMAC', d2), hk, mac, d2);

			const ak = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
			const iv = new Uint8Array(12);
			const ct = await subtle.encrypt({name: 'AES-GCM', iv}, ak, data);
			const p1 = flip(data.slice());
			out['encrypt ' + size] = same(await subtle.encrypt(undo('AES-GCM', p1, {iv}), ak, p1), ct);
			const c1 = flip(new Uint8Array(ct));
			out['decrypt ' + size] = same(await subtle.decrypt(undo('AES-GCM', c1, {iv}), ak, c1), data);

			// After the call, changes are not seen.
			const d3 = data.slice();
			const p = subtle.digest('SHA-256', d3);
			flip(d3);
			out['digest after call ' + size] = same(await p, want);
		}
		const data = ascii('asymmetric');
		const ec = await subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign', 'verify']);
		const sig = await subtle.sign({name: 'ECDSA', hash: 'SHA-256'}, ec.privateKey, data);
		const s2 = flip(new Uint8Array(sig));
		out['verify ecdsa sig'] = await subtle.verify(undo('ECDSA', s2, {hash: 'SHA-256'}), ec.publicKey, s2, data);
		const d4 = flip(data.slice());
		out['verify ecdsa data'] = await subtle.verify(undo('ECDSA', d4, {hash: 'SHA-256'}), ec.publicKey, sig, d4);
		const ed = await subtle.generateKey('Ed25519', false, ['sign', 'verify']);
		const d5 = flip(data.slice());
		out['sign ed25519'] = await subtle.verify('Ed25519', ed.publicKey, await subtle.sign(undo('Ed25519', d5), ed.privateKey, d5), data);

		// importKey: the key data is read after normalization.
		const raw = ascii('0123456789abcdef');
		const k1 = flip(raw.slice());
		const ik = await subtle.importKey('raw', k1, undo('AES-GCM', k1), true, ['encrypt']);
		out['importKey raw'] = same(await subtle.exportKey('raw', ik), raw);
		// unwrapKey: the wrapped key is read after both normalizations.
		const kek = await subtle.importKey('raw', new Uint8Array(16), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
		const inner = await subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt']);
		const w1 = flip(new Uint8Array(await subtle.wrapKey('raw', inner, kek, 'AES-KW')));
		const uk = await subtle.unwrapKey('raw', w1, kek, 'AES-KW', undo('AES-GCM', w1), true, ['encrypt']);
		out['unwrapKey'] = same(await subtle.exportKey('raw', uk), raw);
		return out;
	})()`).(map[string]any)
	for name, ok := range got {
		require.Equal(t, true, ok, name)
	}
	require.Len(t, got, 25)
}

// WebIDL converts the arguments before the algorithm is normalized, so a
// BufferSource of the wrong type is a TypeError even when the algorithm is
// not supported; importKey's keyData is a (BufferSource or JsonWebKey), so
// an object that is not a buffer source is a dictionary, and the format
// check comes after normalization.
func TestArgumentConversionOrder(t *testing.T) {
	e := env(t)
	for js, name := range map[string]string{
		`subtle.digest('nope', 'abc')`:                                                                  "TypeError",
		`subtle.digest('nope', new Uint8Array(1))`:                                                      "NotSupportedError",
		`subtle.sign('nope', 1, new Uint8Array(1))`:                                                     "TypeError",
		`subtle.importKey('raw', {}, 'nope', false, ['sign'])`:                                          "NotSupportedError",
		`subtle.importKey('raw', {}, 'AES-GCM', false, ['encrypt'])`:                                    "TypeError",
		`subtle.importKey('raw', 'str', 'nope', false, ['sign'])`:                                       "TypeError",
		`subtle.importKey('jwk', new Uint8Array(16), 'nope', false, ['sign'])`:                          "NotSupportedError",
		`subtle.importKey('jwk', new Uint8Array(16), {name: 'HMAC', hash: 'SHA-256'}, false, ['sign'])`: "TypeError",
		`subtle.importKey('jwk', undefined, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign'])`:          "DataError",
		`subtle.unwrapKey('raw', 1, 2, 'AES-KW', 'AES-GCM', false, ['encrypt'])`:                        "TypeError",
	} {
		r := runErr(t, e, js)
		require.Equal(t, name, r.Name, js)
	}
	// The dictionary is converted (its getters run) before normalization.
	require.Equal(t, "kty,nope", run(t, e, `const seen = [];
		subtle.importKey('jwk', {get kty() { seen.push('kty'); return 'oct'; }}, {get name() { seen.push('nope'); return 'nope'; }}, false, ['sign'])
			.catch(() => seen.join())`))
}

// AES-GCM's tagLength is read as an integer; lengths AES-GCM does not allow
// (256 included) are an OperationError of the operation, as WPT expects.
func TestAESGCMTagLength(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const k = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
		const iv = new Uint8Array(12), data = ascii('plain text');
		const out = [];
		for (const tagLength of [24, 48, 72, 95, 129, 256, 0, -1, 1000, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1e20, NaN, Infinity, '256', '0x80']) {
			const r = [];
			for (const op of ['encrypt', 'decrypt']) {
				try { r.push(new Uint8Array(await subtle[op]({name: 'AES-GCM', iv, tagLength}, k, new Uint8Array(32))).length); }
				catch (e) { r.push(e.name); }
			}
			out.push(String(tagLength) + ':' + r.join('/'));
		}
		// Valid lengths still work; the member is read once.
		let reads = 0;
		const p = {name: 'AES-GCM', iv, get tagLength() { reads++; return 96; }};
		const ct = await subtle.encrypt(p, k, data);
		out.push(ct.byteLength + '/' + hex(await subtle.decrypt(p, k, ct)) + '/' + reads);
		return out;
	})()`)
	op := "OperationError/OperationError"
	require.Equal(t, []any{"24:" + op, "48:" + op, "72:" + op, "95:" + op, "129:" + op, "256:" + op, "0:" + op, "-1:" + op,
		"1000:" + op, "2147483647:" + op, "-2147483648:" + op,
		"2147483648:TypeError/TypeError", "100000000000000000000:TypeError/TypeError", "NaN:TypeError/TypeError", "Infinity:TypeError/TypeError",
		"256:" + op, "0x80:48/OperationError", // '0x80' is 128: a 16-byte tag; 32 bytes of garbage do not authenticate
		"22/706c61696e2074657874/2"}, got)
}

// Optional integer members are read once (a getter runs once per
// normalization; deriveKey normalizes derivedKeyType twice, as specified).
func TestOptionalMembersReadOnce(t *testing.T) {
	e := env(t)
	require.Equal(t, "1,1,2", run(t, e, `(async () => {
		const hkdf = await subtle.importKey('raw', new Uint8Array(32), 'HKDF', false, ['deriveKey']);
		const counts = [];
		for (const call of [
			(a) => subtle.generateKey(a, false, ['sign']),
			(a) => subtle.importKey('raw', new Uint8Array(64), a, false, ['sign']),
			(a) => subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0)}, hkdf, a, false, ['sign']),
		]) {
			let reads = 0;
			await call({name: 'HMAC', hash: 'SHA-256', get length() { reads++; return 512; }});
			counts.push(reads);
		}
		return counts.join();
	})()`))
}
