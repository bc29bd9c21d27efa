package crypto_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every algorithm: generateKey, then export in every format it allows,
// import back, export again (same bytes/JWK) and use the imported key.
func TestImportExportRoundTrips(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const rsa = (name) => ({name, modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'});
		const cases = [
			{alg: {name: 'HMAC', hash: 'SHA-256'}, usages: ['sign', 'verify'], secret: ['raw', 'jwk']},
			{alg: {name: 'HMAC', hash: 'SHA-512', length: 200}, usages: ['sign', 'verify'], secret: ['raw', 'jwk']},
			{alg: {name: 'AES-GCM', length: 128}, usages: ['encrypt', 'decrypt'], secret: ['raw', 'jwk']},
			{alg: {name: 'AES-CBC', length: 192}, usages: ['encrypt', 'decrypt'], secret: ['raw', 'jwk']},
			{alg: {name: 'AES-CTR', length: 256}, usages: ['encrypt', 'decrypt'], secret: ['raw', 'jwk']},
			{alg: {name: 'AES-KW', length: 256}, usages: ['wrapKey', 'unwrapKey'], secret: ['raw', 'jwk']},
			{alg: {name: 'ECDSA', namedCurve: 'P-256'}, usages: ['sign', 'verify'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: {name: 'ECDSA', hash: 'SHA-256'}},
			{alg: {name: 'ECDSA', namedCurve: 'P-384'}, usages: ['sign', 'verify'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: {name: 'ECDSA', hash: 'SHA-384'}},
			{alg: {name: 'ECDSA', namedCurve: 'P-521'}, usages: ['sign', 'verify'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: {name: 'ECDSA', hash: 'SHA-512'}},
			{alg: {name: 'ECDH', namedCurve: 'P-256'}, usages: ['deriveBits'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk']},
			{alg: {name: 'Ed25519'}, usages: ['sign', 'verify'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: 'Ed25519'},
			{alg: {name: 'X25519'}, usages: ['deriveBits'], pub: ['raw', 'spki', 'jwk'], priv: ['pkcs8', 'jwk']},
			{alg: rsa('RSASSA-PKCS1-v1_5'), usages: ['sign', 'verify'], pub: ['spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: 'RSASSA-PKCS1-v1_5'},
			{alg: rsa('RSA-PSS'), usages: ['sign', 'verify'], pub: ['spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: {name: 'RSA-PSS', saltLength: 32}},
			{alg: rsa('RSA-OAEP'), usages: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], pub: ['spki', 'jwk'], priv: ['pkcs8', 'jwk'], use: {name: 'RSA-OAEP', label: ascii('l')}},
		];
		const same = async (a, b) => (a instanceof ArrayBuffer ? hex(a) : JSON.stringify(a)) === (b instanceof ArrayBuffer ? hex(b) : JSON.stringify(b));
		const fails = [];
		const msg = ascii('round trip message');
		for (const c of cases) {
			const label = c.alg.name + (c.alg.namedCurve || c.alg.hash || c.alg.length || '');
			const k = await subtle.generateKey(c.alg, true, c.usages);
			if (c.secret) {
				for (const f of c.secret) {
					const ex = await subtle.exportKey(f, k);
					const im = await subtle.importKey(f, ex, c.alg, true, c.usages);
					if (!(await same(ex, await subtle.exportKey(f, im)))) fails.push(label + ' ' + f + ' re-export');
					if (JSON.stringify(im.algorithm) !== JSON.stringify(k.algorithm)) fails.push(label + ' ' + f + ' algorithm ' + JSON.stringify(im.algorithm));
					let ok;
					if (c.alg.name === 'HMAC') ok = await subtle.verify('HMAC', im, await subtle.sign('HMAC', k, msg), msg);
					else if (c.alg.name === 'AES-KW') {
						const inner = await subtle.generateKey({name: 'AES-GCM', length: 128}, true, ['encrypt']);
						const w = await subtle.wrapKey('raw', inner, k, 'AES-KW');
						const u = await subtle.unwrapKey('raw', w, im, 'AES-KW', 'AES-GCM', true, ['encrypt']);
						ok = hex(await subtle.exportKey('raw', u)) === hex(await subtle.exportKey('raw', inner));
					} else {
						const p = {name: c.alg.name, iv: new Uint8Array(16), counter: new Uint8Array(16), length: 64};
						if (c.alg.name === 'AES-GCM') p.iv = new Uint8Array(12);
						ok = hex(await subtle.decrypt(p, im, await subtle.encrypt(p, k, msg))) === hex(msg);
					}
					if (!ok) fails.push(label + ' ' + f + ' use');
				}
				continue;
			}
			const pubU = k.publicKey.usages, privU = k.privateKey.usages;
			const imp = {};
			for (const f of c.pub) {
				const ex = await subtle.exportKey(f, k.publicKey);
				imp.pub = await subtle.importKey(f, ex, c.alg, true, pubU);
				if (!(await same(ex, await subtle.exportKey(f, imp.pub)))) fails.push(label + ' public ' + f);
				if (imp.pub.type !== 'public') fails.push(label + ' public type');
			}
			for (const f of c.priv) {
				const ex = await subtle.exportKey(f, k.privateKey);
				imp.priv = await subtle.importKey(f, ex, c.alg, true, privU);
				if (!(await same(ex, await subtle.exportKey(f, imp.priv)))) fails.push(label + ' private ' + f);
				if (imp.priv.type !== 'private') fails.push(label + ' private type');
			}
			let ok;
			if (c.alg.name === 'ECDH' || c.alg.name === 'X25519') {
				const a = await subtle.deriveBits({name: c.alg.name, public: k.publicKey}, imp.priv);
				const b = await subtle.deriveBits({name: c.alg.name, public: imp.pub}, k.privateKey);
				ok = hex(a) === hex(b);
			} else if (c.alg.name === 'RSA-OAEP') {
				ok = hex(await subtle.decrypt(c.use, imp.priv, await subtle.encrypt(c.use, imp.pub, msg))) === hex(msg);
			} else {
				ok = await subtle.verify(c.use, imp.pub, await subtle.sign(c.use, imp.priv, msg), msg) &&
					await subtle.verify(c.use, k.publicKey, await subtle.sign(c.use, imp.priv, msg), msg) &&
					!(await subtle.verify(c.use, imp.pub, await subtle.sign(c.use, k.privateKey, msg), ascii('other')));
			}
			if (!ok) fails.push(label + ' use');
		}
		return fails;
	})()`)
	require.Empty(t, got)
}

func TestCryptoKeyObject(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const k = await subtle.importKey('raw', ascii('secret-key-bytes'), {name: 'HMAC', hash: {name: 'SHA-256'}}, false, ['verify', 'sign', 'sign']);
		const pair = await subtle.generateKey({name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1'}, false, ['sign', 'verify']);
		return [
			k instanceof CryptoKey, String(k), k.type, k.extractable, k.algorithm === k.algorithm, k.usages === k.usages,
			JSON.stringify(k.algorithm), k.usages.join(), JSON.stringify(k), Object.getOwnPropertyNames(k).length,
			Object.getOwnPropertyNames(pair).sort().join(), pair.publicKey.extractable, pair.privateKey.extractable,
			pair.publicKey.usages.join(), pair.privateKey.usages.join(),
			pair.publicKey.algorithm.modulusLength, Array.from(pair.publicKey.algorithm.publicExponent).join(),
			pair.publicKey.algorithm.publicExponent instanceof Uint8Array, pair.privateKey.algorithm.hash.name,
		];
	})()`)
	require.Equal(t, []any{true, "[object CryptoKey]", "secret", false, true, true,
		`{"name":"HMAC","hash":{"name":"SHA-256"},"length":128}`, "sign,verify", "{}", int64(0),
		"privateKey,publicKey", true, false, "verify", "sign", int64(1024), "1,0,1", true, "SHA-1"}, got)
	r := runErr(t, e, `Object.getOwnPropertyDescriptor(CryptoKey.prototype, 'type').get.call({})`)
	require.Equal(t, "TypeError", r.Name)
}

func TestImportExportErrors(t *testing.T) {
	e := env(t)
	for _, c := range []struct{ js, name string }{
		{`subtle.importKey('raw', new Uint8Array(10), 'AES-GCM', true, ['encrypt'])`, "DataError"},
		{`subtle.importKey('spki', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])`, "NotSupportedError"},
		{`subtle.importKey('foo', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])`, "TypeError"},
		{`subtle.importKey('jwk', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])`, "TypeError"},
		{`subtle.importKey('raw', {kty: 'oct'}, 'AES-GCM', true, ['encrypt'])`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['sign'])`, "SyntaxError"},
		{`subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, 'encrypt')`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true)`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(0), {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(16), {name: 'HMAC', hash: 'SHA-256', length: 129}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(16), {name: 'HMAC', hash: 'SHA-256', length: 120}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(16), {name: 'HMAC'}, true, ['sign'])`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(16), {name: 'HMAC', hash: 'SHA-3'}, true, ['sign'])`, "NotSupportedError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'HS384'}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', ext: false}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', key_ops: ['sign']}, {name: 'HMAC', hash: 'SHA-256'}, true, ['verify'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', key_ops: ['sign', 'sign']}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', use: 'enc'}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'RSA', k: 'AAAAAAAAAAAAAAAAAAAAAA'}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: '!!!'}, {name: 'HMAC', hash: 'SHA-256'}, true, ['sign'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256GCM'}, 'AES-GCM', true, ['encrypt'])`, "DataError"},
		{`subtle.importKey('jwk', {kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA'}, {name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(65), {name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(31), 'Ed25519', true, ['verify'])`, "DataError"},
		{`subtle.importKey('raw', new Uint8Array(32), 'Ed25519', true, ['sign'])`, "SyntaxError"},
		{`subtle.importKey('pkcs8', new Uint8Array(32), 'Ed25519', true, ['sign'])`, "DataError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign']).then(k => subtle.exportKey('spki', k.publicKey)).then(d => subtle.importKey('spki', d, {name: 'ECDSA', namedCurve: 'P-384'}, true, ['verify']))`, "DataError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign']).then(k => subtle.exportKey('spki', k.publicKey)).then(d => subtle.importKey('spki', d, 'Ed25519', true, ['verify']))`, "DataError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign']).then(k => subtle.exportKey('spki', k.privateKey))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign']).then(k => subtle.exportKey('pkcs8', k.publicKey))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign']).then(k => subtle.exportKey('pkcs8', k.privateKey))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify'])`, "SyntaxError"},
		{`subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']).then(k => subtle.exportKey('raw', k))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'AES-GCM', length: 128}, true, ['encrypt']).then(k => subtle.exportKey('spki', k))`, "NotSupportedError"},
		{`subtle.exportKey('raw', {})`, "TypeError"},
		{`subtle.generateKey({name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([3]), hash: 'SHA-256'}, true, ['encrypt', 'decrypt'])`, "OperationError"},
		{`subtle.generateKey({name: 'RSA-OAEP', modulusLength: 1024, publicExponent: [1, 0, 1], hash: 'SHA-256'}, true, ['encrypt', 'decrypt'])`, "TypeError"},
		{`subtle.generateKey({name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'}, true, ['sign'])`, "SyntaxError"},
		{`subtle.generateKey({name: 'HMAC', hash: 'SHA-256', length: 0}, true, ['sign'])`, "OperationError"},
		{`subtle.generateKey({name: 'HMAC', hash: 'SHA-256', length: Infinity}, true, ['sign'])`, "TypeError"},
		{`subtle.generateKey({name: 'SHA-256'}, true, ['sign'])`, "NotSupportedError"},
	} {
		r := runErr(t, e, c.js)
		require.Equal(t, c.name, r.Name, "%s: %s", c.js, r.Err)
	}
}

func TestJWKShape(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const k = await subtle.importKey('raw', fromHex('000102030405060708090a0b0c0d0e0f'), {name: 'HMAC', hash: 'SHA-256'}, true, ['verify', 'sign']);
		const a = await subtle.importKey('raw', fromHex('000102030405060708090a0b0c0d0e0f'), 'AES-CBC', false, ['decrypt']);
		const jwk = await subtle.exportKey('jwk', k);
		// An ext:false JWK and a key_ops superset import fine.
		const again = await subtle.importKey('jwk', {kty: 'oct', k: jwk.k, key_ops: ['sign', 'verify', 'encrypt'], ext: false, use: 'sig', alg: 'HS256'},
			{name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
		return [JSON.stringify(jwk), again.usages.join(), a.extractable];
	})()`)
	require.Equal(t, []any{
		`{"alg":"HS256","ext":true,"k":"AAECAwQFBgcICQoLDA0ODw","key_ops":["sign","verify"],"kty":"oct"}`, "sign", false}, got)
}

func TestRSA(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const alg = {name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'};
		const k = await subtle.generateKey(alg, true, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
		const ct = await subtle.encrypt({name: 'RSA-OAEP', label: ascii('L')}, k.publicKey, ascii('hello'));
		const pt = await subtle.decrypt({name: 'RSA-OAEP', label: ascii('L')}, k.privateKey, ct);
		let wrongLabel = '';
		try { await subtle.decrypt({name: 'RSA-OAEP', label: ascii('M')}, k.privateKey, ct); } catch (e) { wrongLabel = e.name; }
		let tooLong = '';
		try { await subtle.encrypt('RSA-OAEP', k.publicKey, new Uint8Array(300)); } catch (e) { tooLong = e.name; }
		// RSA-OAEP wrapping of a JWK (the JSON text is encrypted).
		const hk = await subtle.generateKey({name: 'HMAC', hash: 'SHA-256', length: 256}, true, ['sign']);
		const w = await subtle.wrapKey('jwk', hk, k.publicKey, 'RSA-OAEP');
		const u = await subtle.unwrapKey('jwk', w, k.privateKey, 'RSA-OAEP', {name: 'HMAC', hash: 'SHA-256'}, true, ['sign']);
		const same = hex(await subtle.exportKey('raw', u)) === hex(await subtle.exportKey('raw', hk));
		const pss = await subtle.generateKey({name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384'}, false, ['sign', 'verify']);
		const sig = await subtle.sign({name: 'RSA-PSS', saltLength: 48}, pss.privateKey, ascii('m'));
		const v1 = await subtle.verify({name: 'RSA-PSS', saltLength: 48}, pss.publicKey, sig, ascii('m'));
		const v2 = await subtle.verify({name: 'RSA-PSS', saltLength: 20}, pss.publicKey, sig, ascii('m'));
		const zs = await subtle.sign({name: 'RSA-PSS', saltLength: 0}, pss.privateKey, ascii('m'));
		const zeroSalt = await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pss.publicKey, zs, ascii('m'));
		let wrongType = '';
		try { await subtle.sign({name: 'RSA-PSS', saltLength: 32}, pss.publicKey, ascii('m')); } catch (e) { wrongType = e.name; }
		return [hex(pt), ct.byteLength, wrongLabel, tooLong, same, sig.byteLength, v1, v2, zeroSalt, wrongType];
	})()`)
	require.Equal(t, []any{"68656c6c6f", int64(256), "OperationError", "OperationError", true, int64(256), true, false, true, "InvalidAccessError"}, got)
}

func TestConcurrentHeavyOperations(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const k = await subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign', 'verify']);
		const msgs = Array.from({length: 32}, (_, i) => ascii('message ' + i));
		const sigs = await Promise.all(msgs.map(m => subtle.sign({name: 'ECDSA', hash: 'SHA-256'}, k.privateKey, m)));
		const oks = await Promise.all(sigs.map((s, i) => subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, k.publicKey, s, msgs[(i + 1) % 32 === 0 ? i : i])));
		return oks.every(Boolean) && sigs.length === 32;
	})()`)
	require.Equal(t, true, got)
	// A request that ends while work is in flight: the result is dropped,
	// the realm keeps working.
	e.Run(prelude + `subtle.generateKey({name: 'ECDSA', namedCurve: 'P-521'}, false, ['sign']); 1`)
	require.Equal(t, int64(64), run(t, e, `subtle.digest('SHA-512', new Uint8Array(1)).then(b => b.byteLength)`))
	require.NoError(t, e.R.Err())
}

func TestWrapUnwrap(t *testing.T) {
	e := env(t)
	got := run(t, e, `(async () => {
		const out = [];
		const ec = await subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign', 'verify']);
		const msg = ascii('wrapped key still signs');
		// pkcs8 and jwk wrapped with AES-GCM (wrapKey falls back to encrypt).
		const gk = await subtle.generateKey({name: 'AES-GCM', length: 256}, false, ['wrapKey', 'unwrapKey']);
		const gp = {name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)), additionalData: ascii('ctx')};
		for (const f of ['pkcs8', 'jwk']) {
			const w = await subtle.wrapKey(f, ec.privateKey, gk, gp);
			const k = await subtle.unwrapKey(f, w, gk, gp, {name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign']);
			out.push(k.type + ':' + k.extractable + ':' + await subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, ec.publicKey,
				await subtle.sign({name: 'ECDSA', hash: 'SHA-256'}, k, msg), msg));
		}
		// AES-CBC and AES-CTR wrapping of a raw key.
		for (const [alg, p] of [['AES-CBC', {name: 'AES-CBC', iv: new Uint8Array(16)}], ['AES-CTR', {name: 'AES-CTR', counter: new Uint8Array(16), length: 32}]]) {
			const wk = await subtle.generateKey({name: alg, length: 128}, false, ['wrapKey', 'unwrapKey']);
			const inner = await subtle.generateKey({name: 'HMAC', hash: 'SHA-1'}, true, ['sign']);
			const w = await subtle.wrapKey('raw', inner, wk, p);
			const k = await subtle.unwrapKey('raw', w, wk, p, {name: 'HMAC', hash: 'SHA-1'}, true, ['sign']);
			out.push(hex(await subtle.exportKey('raw', k)) === hex(await subtle.exportKey('raw', inner)));
		}
		const errs = async (f) => { try { await f(); return 'none'; } catch (e) { return e.name; } };
		const kw = await subtle.generateKey({name: 'AES-KW', length: 128}, false, ['wrapKey']);
		const small = await subtle.importKey('raw', new Uint8Array(8), {name: 'HMAC', hash: 'SHA-256'}, true, ['sign']);
		out.push(await errs(() => subtle.wrapKey('raw', small, kw, 'AES-KW')));               // 8 bytes cannot be AES-KW wrapped
		out.push(await errs(() => subtle.wrapKey('raw', ec.privateKey, gk, gp)));             // raw export of a private EC key
		const ne = await subtle.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']);
		out.push(await errs(() => subtle.wrapKey('raw', ne, gk, gp)));                       // not extractable
		out.push(await errs(() => subtle.wrapKey('raw', small, kw, gp)));                    // algorithm mismatch
		out.push(await errs(() => subtle.unwrapKey('raw', new Uint8Array(24), kw, 'AES-KW', 'AES-GCM', true, ['encrypt']))); // no unwrapKey usage
		out.push(await errs(() => subtle.wrapKey('raw', small, kw, 'SHA-256')));             // not a wrap/encrypt algorithm
		out.push(await errs(async () => subtle.unwrapKey('jwk', await subtle.encrypt(gp, await subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['encrypt']), ascii('not json')),
			await subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['unwrapKey']), gp, 'AES-GCM', true, ['encrypt'])));
		return out;
	})()`)
	require.Equal(t, []any{"private:false:true", "private:false:true", true, true,
		"OperationError", "InvalidAccessError", "InvalidAccessError", "InvalidAccessError", "InvalidAccessError", "NotSupportedError", "DataError"}, got)
}

func TestAlgorithmNormalizationErrors(t *testing.T) {
	e := env(t)
	for _, c := range []struct{ js, name string }{
		{`subtle.digest(Symbol('x'), new Uint8Array(1))`, "TypeError"},
		{`subtle.digest({name: Symbol('x')}, new Uint8Array(1))`, "TypeError"},
		{`subtle.digest({get name() { throw new RangeError('boom') }}, new Uint8Array(1))`, "RangeError"},
		{`subtle.digest('ECDSA', new Uint8Array(1))`, "NotSupportedError"},
		{`subtle.sign('SHA-256', {}, new Uint8Array(1))`, "TypeError"},
		{`subtle.generateKey({name: 'AES-GCM', length: 70000}, true, ['encrypt'])`, "TypeError"},
		{`subtle.generateKey({name: 'AES-GCM', length: NaN}, true, ['encrypt'])`, "TypeError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, [Symbol()])`, "TypeError"},
		{`subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, 5)`, "TypeError"},
		{`subtle.importKey('raw', new Uint8Array(16), {name: 'HMAC', hash: {name: 'SHA-256'}, length: -1}, true, ['sign'])`, "TypeError"},
		{`subtle.generateKey({name: 'HMAC', hash: 'SHA-256'}, true, ['sign']).then(k => subtle.sign({name: 'ECDSA', hash: 'SHA-256'}, k, new Uint8Array(1)))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'HMAC', hash: 'SHA-256'}, true, ['sign']).then(k => subtle.verify('HMAC', k, new Uint8Array(32), new Uint8Array(1)))`, "InvalidAccessError"},
		{`subtle.generateKey({name: 'HMAC', hash: 'SHA-256'}, true, ['sign']).then(k => subtle.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0)}, k, 8))`, "InvalidAccessError"},
	} {
		r := runErr(t, e, c.js)
		require.Equal(t, c.name, r.Name, "%s: %s", c.js, r.Err)
	}
	// The name lookup is ASCII case-insensitive only.
	r := runErr(t, e, `subtle.digest('ſha-256', new Uint8Array(1))`)
	require.Equal(t, "NotSupportedError", r.Name)
	require.Equal(t, int64(32), run(t, e, `subtle.digest({name: 'sHa-256'}, new Uint8Array(1)).then(b => b.byteLength)`))
}

// The usage check comes before parsing the key data (SyntaxError wins over
// DataError), as in the spec's import steps.
func TestImportUsageCheckFirst(t *testing.T) {
	e := env(t)
	for _, c := range []string{
		`subtle.importKey('spki', new Uint8Array(3), {name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign'])`,
		`subtle.importKey('pkcs8', new Uint8Array(3), {name: 'RSA-PSS', hash: 'SHA-256'}, true, ['verify'])`,
		`subtle.importKey('jwk', {kty: 'nope', d: 'AA'}, 'Ed25519', true, ['verify'])`,
		`subtle.importKey('raw', new Uint8Array(3), 'X25519', true, ['deriveBits'])`,
	} {
		r := runErr(t, e, c)
		require.Equal(t, "SyntaxError", r.Name, "%s: %s", c, r.Err)
	}
	r := runErr(t, e, `subtle.importKey('raw', new Uint8Array(3), {name: 'RSA-OAEP', hash: 'SHA-256'}, true, ['sign'])`)
	require.Equal(t, "NotSupportedError", r.Name)
}
