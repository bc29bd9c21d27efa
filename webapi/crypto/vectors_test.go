package crypto_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// AES-GCM test cases 2-4 of McGrew & Viega, "The Galois/Counter Mode of
// Operation (GCM)" (the NIST GCM submission).
func TestAESGCMVectors(t *testing.T) {
	e := env(t)
	got := run(t, e, `
		const cases = [
			{k: '00000000000000000000000000000000', iv: '000000000000000000000000', p: '00000000000000000000000000000000', a: ''},
			{k: 'feffe9928665731c6d6a8f9467308308', iv: 'cafebabefacedbaddecaf888',
			 p: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255', a: ''},
			{k: 'feffe9928665731c6d6a8f9467308308', iv: 'cafebabefacedbaddecaf888',
			 p: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39', a: 'feedfacedeadbeeffeedfacedeadbeefabaddad2'},
		];
		(async () => {
			const out = [];
			for (const c of cases) {
				const key = await subtle.importKey('raw', fromHex(c.k), 'AES-GCM', true, ['encrypt', 'decrypt']);
				const alg = {name: 'AES-GCM', iv: fromHex(c.iv)};
				if (c.a) alg.additionalData = fromHex(c.a);
				const ct = await subtle.encrypt(alg, key, fromHex(c.p));
				const pt = await subtle.decrypt(alg, key, ct);
				if (hex(pt) !== c.p) throw new Error('round trip mismatch');
				out.push(hex(ct));
			}
			return out;
		})()`)
	require.Equal(t, []any{
		"0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf",
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985" + "4d5c2af327cd64a62cf35abd2ba6fab4",
		"42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47",
	}, got)
}

func TestAESGCMParams(t *testing.T) {
	e := env(t)
	// Truncated tags are the prefix of the full tag and decrypt correctly,
	// with 12-byte and other IV lengths.
	require.Equal(t, true, run(t, e, `(async () => {
		const key = await subtle.generateKey({name: 'AES-GCM', length: 256}, false, ['encrypt', 'decrypt']);
		const data = ascii('attack at dawn, bring snacks');
		for (const ivLen of [12, 16, 1]) {
			const iv = crypto.getRandomValues(new Uint8Array(ivLen));
			const full = hex(await subtle.encrypt({name: 'AES-GCM', iv, additionalData: ascii('hdr')}, key, data));
			for (const tagLength of [32, 64, 96, 104, 112, 120, 128]) {
				const alg = {name: 'AES-GCM', iv, additionalData: ascii('hdr'), tagLength};
				const ct = await subtle.encrypt(alg, key, data);
				if (ct.byteLength !== data.length + tagLength / 8) throw new Error('length ' + tagLength);
				if (!full.startsWith(hex(ct))) throw new Error('not a prefix ' + tagLength);
				if (hex(await subtle.decrypt(alg, key, ct)) !== hex(data)) throw new Error('decrypt ' + tagLength);
				const bad = new Uint8Array(ct); bad[bad.length - 1] ^= 1;
				try { await subtle.decrypt(alg, key, bad); throw new Error('tampered tag accepted ' + tagLength); }
				catch (e) { if (e.name !== 'OperationError') throw e; }
			}
		}
		return true;
	})()`))
	r := runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']).then(k => subtle.encrypt({name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 100}, k, new Uint8Array(1)))`)
	require.Equal(t, "OperationError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']).then(k => subtle.encrypt({name: 'AES-GCM'}, k, new Uint8Array(1)))`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "iv")
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['decrypt']).then(k => subtle.encrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, k, new Uint8Array(1)))`)
	require.Equal(t, "InvalidAccessError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-CBC', length: 128}, false, ['encrypt']).then(k => subtle.encrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, k, new Uint8Array(1)))`)
	require.Equal(t, "InvalidAccessError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 100}, false, ['encrypt'])`)
	require.Equal(t, "OperationError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['sign'])`)
	require.Equal(t, "SyntaxError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, [])`)
	require.Equal(t, "SyntaxError", r.Name)
	r = runErr(t, e, `subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['bogus'])`)
	require.Equal(t, "TypeError", r.Name)
	// The iv is copied when the call is made.
	require.Equal(t, true, run(t, e, `(async () => {
		const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
		const iv = new Uint8Array(12);
		const p = subtle.encrypt({name: 'AES-GCM', iv}, key, new Uint8Array(4));
		iv[0] = 1;
		const ct = await p;
		return hex(await subtle.decrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, key, ct)) === '00000000';
	})()`))
}

// NIST SP 800-38A F.2.1 (CBC-AES128) and F.5.1 (CTR-AES128), first blocks.
func TestAESCBCAndCTRVectors(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const k = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
		const pt = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
		const cbc = await subtle.importKey('raw', k, 'AES-CBC', false, ['encrypt', 'decrypt']);
		const iv = fromHex('000102030405060708090a0b0c0d0e0f');
		const c1 = await subtle.encrypt({name: 'AES-CBC', iv}, cbc, pt);
		const back = await subtle.decrypt({name: 'AES-CBC', iv}, cbc, c1);
		const ctr = await subtle.importKey('raw', k, 'AES-CTR', false, ['encrypt', 'decrypt']);
		const counter = fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
		const c2 = await subtle.encrypt({name: 'AES-CTR', counter, length: 64}, ctr, pt);
		const back2 = await subtle.decrypt({name: 'AES-CTR', counter, length: 64}, ctr, c2);
		return [hex(c1), hex(back), hex(c2), hex(back2)];
	})()`).([]any)
	require.Equal(t, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", got[0].(string)[:64])
	require.Len(t, got[0], 96) // a full block of PKCS#7 padding
	require.Equal(t, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", got[1])
	require.Equal(t, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff", got[2])
	require.Equal(t, got[1], got[3])
}

func TestAESCTRCounterWrap(t *testing.T) {
	e := env(t)
	// With an 8-bit counter starting at 0xff, the second block uses counter
	// ...00 with the upper bits unchanged: it equals block 0 of a stream
	// started at ...00.
	require.Equal(t, true, run(t, e, `(async () => {
		const key = await subtle.importKey('raw', new Uint8Array(16).fill(7), 'AES-CTR', false, ['encrypt']);
		const c1 = fromHex('0102030405060708090a0b0c0d0e0fff');
		const c0 = fromHex('0102030405060708090a0b0c0d0e0f00');
		const a = new Uint8Array(await subtle.encrypt({name: 'AES-CTR', counter: c1, length: 8}, key, new Uint8Array(32)));
		const b = new Uint8Array(await subtle.encrypt({name: 'AES-CTR', counter: c0, length: 8}, key, new Uint8Array(16)));
		return hex(a.subarray(16)) === hex(b);
	})()`))
	r := runErr(t, e, `subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']).then(k =>
		subtle.encrypt({name: 'AES-CTR', counter: new Uint8Array(16), length: 1}, k, new Uint8Array(48)))`)
	require.Equal(t, "OperationError", r.Name)
	r = runErr(t, e, `subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']).then(k =>
		subtle.encrypt({name: 'AES-CTR', counter: new Uint8Array(16), length: 0}, k, new Uint8Array(4)))`)
	require.Equal(t, "OperationError", r.Name)
	r = runErr(t, e, `subtle.importKey('raw', new Uint8Array(16), 'AES-CBC', false, ['decrypt']).then(k =>
		subtle.decrypt({name: 'AES-CBC', iv: new Uint8Array(16)}, k, new Uint8Array(16)))`)
	require.Equal(t, "OperationError", r.Name) // bad padding
}

// RFC 3394 §4.1: wrap 128 bits of key data with a 128-bit KEK.
func TestAESKWVector(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const kek = await subtle.importKey('raw', fromHex('000102030405060708090A0B0C0D0E0F'), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
		const key = await subtle.importKey('raw', fromHex('00112233445566778899AABBCCDDEEFF'), 'AES-GCM', true, ['encrypt']);
		const wrapped = await subtle.wrapKey('raw', key, kek, 'AES-KW');
		const back = await subtle.unwrapKey('raw', wrapped, kek, {name: 'AES-KW'}, 'AES-GCM', true, ['encrypt', 'decrypt']);
		const bad = new Uint8Array(wrapped.slice(0)); bad[3] ^= 1;
		let err = '';
		try { await subtle.unwrapKey('raw', bad, kek, 'AES-KW', 'AES-GCM', true, ['encrypt']); } catch (e) { err = e.name; }
		return [hex(wrapped), hex(await subtle.exportKey('raw', back)), back.usages.join(), err];
	})()`)
	require.Equal(t, []any{"1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5", "00112233445566778899aabbccddeeff", "encrypt,decrypt", "OperationError"}, got)
}

// RFC 6979 A.2.5: P-256, SHA-256, message "sample".
func TestECDSAKnownSignature(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const jwk = {kty: 'EC', crv: 'P-256',
			x: 'YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y',
			y: 'eQP-EAi4vJmkGunpVii8ZPLxsgwtfp9Rd6PClNRGIpk'};
		const pub = await subtle.importKey('jwk', jwk, {name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify']);
		const sig = fromHex('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716' +
			'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8');
		const ok = await subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, pub, sig, ascii('sample'));
		const bad = await subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, pub, sig, ascii('samplf'));
		const short = await subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, pub, sig.subarray(1), ascii('sample'));
		const raw = hex(await subtle.exportKey('raw', pub));
		// The same key as a compressed point (y is odd: prefix 03).
		const comp = await subtle.importKey('raw', fromHex('03' + raw.slice(2, 66)), {name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify']);
		const compOK = await subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, comp, sig, ascii('sample')) && hex(await subtle.exportKey('raw', comp)) === raw;
		return [ok, bad, short, raw, compOK];
	})()`)
	require.Equal(t, []any{true, false, false,
		"0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299", true}, got)
}

// RFC 8032 §7.1 tests 1 and 2.
func TestEd25519Vectors(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const cases = [
			['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', ''],
			['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72'],
		];
		const out = [];
		for (const [d, x, m] of cases) {
			const priv = await subtle.importKey('jwk', {kty: 'OKP', crv: 'Ed25519', d: b64u(fromHex(d)), x: b64u(fromHex(x))}, 'Ed25519', false, ['sign']);
			const pub = await subtle.importKey('raw', fromHex(x), {name: 'Ed25519'}, true, ['verify']);
			const sig = await subtle.sign('Ed25519', priv, fromHex(m));
			out.push(hex(sig), await subtle.verify('Ed25519', pub, sig, fromHex(m)), await subtle.verify('Ed25519', pub, sig, ascii('x')));
		}
		// A small-order public key (the identity) never verifies.
		const id = new Uint8Array(32); id[0] = 1;
		const weak = await subtle.importKey('raw', id, 'Ed25519', false, ['verify']);
		out.push(await subtle.verify('Ed25519', weak, new Uint8Array(64), new Uint8Array(0)));
		return out;
	})()`)
	require.Equal(t, []any{
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", true, false,
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00", true, false,
		false,
	}, got)
}

// RFC 5869 A.1 (HKDF-SHA256) and RFC 6070 (PBKDF2-HMAC-SHA1).
func TestKDFVectors(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const ikm = await subtle.importKey('raw', fromHex('0b'.repeat(22)), 'HKDF', false, ['deriveBits']);
		const okm = await subtle.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: fromHex('000102030405060708090a0b0c'), info: fromHex('f0f1f2f3f4f5f6f7f8f9')}, ikm, 42 * 8);
		const pw = await subtle.importKey('raw', ascii('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
		const out = [hex(okm)];
		for (const iterations of [1, 2, 4096]) {
			out.push(hex(await subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-1', salt: ascii('salt'), iterations}, pw, 160)));
		}
		return out;
	})()`)
	require.Equal(t, []any{
		"3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
		"0c60c80f961f0e71f3a9b524af6012062fe037a6",
		"ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
		"4b007901b765489abead49d926f721d065a429c1",
	}, got)
	for _, c := range []struct{ js, name string }{
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', true, ['deriveBits'])`, "SyntaxError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['sign'])`, "SyntaxError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAA'}, 'HKDF', false, ['deriveBits'])`, "NotSupportedError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('s'), iterations: 0}, k, 128))`, "OperationError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('s'), iterations: 1}, k, 12))`, "OperationError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('s'), iterations: 1}, k))`, "OperationError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', iterations: 1}, k, 128))`, "TypeError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'MD5', salt: ascii('s'), iterations: 1}, k, 128))`, "NotSupportedError"},
		{`subtle.importKey('raw', ascii('pw'), 'PBKDF2', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('s'), iterations: -1}, k, 128))`, "TypeError"},
		{`subtle.importKey('raw', ascii('pw'), 'HKDF', false, ['deriveBits']).then(k => subtle.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: ascii('s'), info: ascii('')}, k, 256 * 255 + 8))`, "OperationError"},
		{`subtle.importKey('raw', ascii('pw'), 'HKDF', false, ['deriveKey']).then(k => subtle.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: ascii('s'), info: ascii('')}, k, 128))`, "InvalidAccessError"},
		{`subtle.importKey('raw', ascii('pw'), 'HKDF', false, ['deriveBits']).then(k => subtle.exportKey('raw', k))`, "NotSupportedError"},
	} {
		r := runErr(t, e, c.js)
		require.Equal(t, c.name, r.Name, "%s: %s", c.js, r.Err)
	}
}

func TestDeriveKey(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const pw = await subtle.importKey('raw', ascii('password'), 'PBKDF2', false, ['deriveKey']);
		const aes = await subtle.deriveKey({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('salt'), iterations: 1000},
			pw, {name: 'AES-GCM', length: 256}, true, ['encrypt', 'decrypt']);
		const bitsKey = await subtle.importKey('raw', ascii('password'), 'PBKDF2', false, ['deriveBits']);
		const bits = await subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: ascii('salt'), iterations: 1000}, bitsKey, 256);
		const ikm = await subtle.importKey('raw', ascii('input key'), 'HKDF', false, ['deriveKey']);
		const mac = await subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: ascii('mac')},
			ikm, {name: 'HMAC', hash: 'SHA-384'}, true, ['sign']);
		return [hex(await subtle.exportKey('raw', aes)) === hex(bits), aes.algorithm.name, aes.algorithm.length,
			mac.algorithm.length, mac.algorithm.hash.name, (await subtle.exportKey('raw', mac)).byteLength];
	})()`)
	require.Equal(t, []any{true, "AES-GCM", int64(256), int64(1024), "SHA-384", int64(128)}, got)
	r := runErr(t, e, `subtle.importKey('raw', ascii('pw'), 'HKDF', false, ['deriveKey']).then(k =>
		subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: ascii('s'), info: ascii('')}, k, {name: 'AES-GCM', length: 100}, true, ['encrypt']))`)
	require.Equal(t, "OperationError", r.Name)
	r = runErr(t, e, `subtle.importKey('raw', ascii('pw'), 'HKDF', false, ['deriveKey']).then(k =>
		subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: ascii('s'), info: ascii('')}, k, {name: 'AES-GCM', length: 128}, true, []))`)
	require.Equal(t, "SyntaxError", r.Name)
}

func TestECDHAndX25519(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const out = [];
		for (const alg of [{name: 'ECDH', namedCurve: 'P-256'}, {name: 'ECDH', namedCurve: 'P-384'}, {name: 'ECDH', namedCurve: 'P-521'}, {name: 'X25519'}]) {
			const a = await subtle.generateKey(alg, true, ['deriveBits', 'deriveKey']);
			const b = await subtle.generateKey(alg, true, ['deriveBits']);
			const ab = await subtle.deriveBits({name: alg.name, public: b.publicKey}, a.privateKey, null);
			const ba = await subtle.deriveBits({name: alg.name, public: a.publicKey}, b.privateKey);
			const short = await subtle.deriveBits({name: alg.name, public: a.publicKey}, b.privateKey, 100);
			const k = await subtle.deriveKey({name: alg.name, public: b.publicKey}, a.privateKey, {name: 'AES-KW', length: 128}, false, ['wrapKey']);
			out.push(hex(ab) === hex(ba) && ab.byteLength > 0 && short.byteLength === 13 && (new Uint8Array(short)[12] & 0x0f) === 0 &&
				k.algorithm.name === 'AES-KW' && a.publicKey.usages.length === 0 && a.privateKey.usages.join() === 'deriveKey,deriveBits');
		}
		return out;
	})()`)
	require.Equal(t, []any{true, true, true, true}, got)
	// RFC 7748 §6.1 X25519 key agreement.
	require.Equal(t, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", run(t, e, `(async () => {
		const pkcs8 = (seed) => { const p = fromHex('302e020100300506032b656e04220420'); const o = new Uint8Array(48); o.set(p); o.set(seed, 16); return o; };
		const alice = await subtle.importKey('pkcs8', pkcs8(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')), 'X25519', false, ['deriveBits']);
		const bob = await subtle.importKey('raw', fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'), 'X25519', false, []);
		return hex(await subtle.deriveBits({name: 'X25519', public: bob}, alice, 256));
	})()`))
	for _, c := range []struct{ js, name string }{
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']).then(a => subtle.generateKey({name: 'ECDH', namedCurve: 'P-384'}, true, ['deriveBits']).then(b => subtle.deriveBits({name: 'ECDH', public: b.publicKey}, a.privateKey, 128)))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']).then(a => subtle.deriveBits({name: 'ECDH', public: a.privateKey}, a.privateKey, 128))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']).then(a => subtle.deriveBits({name: 'ECDH', public: a.publicKey}, a.privateKey, 512))`, "OperationError"},
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']).then(a => subtle.deriveBits({name: 'ECDH', public: 'x'}, a.privateKey, 128))`, "TypeError"},
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['sign'])`, "SyntaxError"},
		{`subtle.generateKey({name: 'ECDH', namedCurve: 'P-192'}, true, ['deriveBits'])`, "NotSupportedError"},
		{`subtle.generateKey({name: 'ECDH'}, true, ['deriveBits'])`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(32), 'X25519', false, ['deriveBits'])`, "SyntaxError"},
	} {
		r := runErr(t, e, c.js)
		require.Equal(t, c.name, r.Name, "%s: %s", c.js, r.Err)
	}
}
