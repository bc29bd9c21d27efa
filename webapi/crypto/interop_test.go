package crypto_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var b64url = base64.RawURLEncoding

func unb64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64url.DecodeString(s)
	require.NoError(t, err)
	return b
}

// TestJWTSignedInJSVerifiesInGo signs HS256, ES256, RS256 and EdDSA JWTs
// with crypto.subtle and verifies them with the Go standard library, using
// the public keys the script exported as JWK.
func TestJWTSignedInJSVerifiesInGo(t *testing.T) {
	e := env(t)
	secret := []byte("a shared secret of at least 32 bytes!!")
	out := run(t, e, fmt.Sprintf(`(async () => {
		const enc = (o) => b64u(ascii(JSON.stringify(o)));
		const payload = {sub: 'user-42', iat: 1700000000, scope: 'read write'};
		const jwt = async (alg, signAlg, key) => {
			const si = enc({alg, typ: 'JWT'}) + '.' + enc(payload);
			return si + '.' + b64u(await subtle.sign(signAlg, key, ascii(si)));
		};
		const out = {};
		const hk = await subtle.importKey('raw', fromHex('%s'), {name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
		out.HS256 = [await jwt('HS256', 'HMAC', hk)];
		const ec = await subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign', 'verify']);
		out.ES256 = [await jwt('ES256', {name: 'ECDSA', hash: 'SHA-256'}, ec.privateKey), JSON.stringify(await subtle.exportKey('jwk', ec.publicKey))];
		const rsa = await subtle.generateKey({name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'}, false, ['sign', 'verify']);
		out.RS256 = [await jwt('RS256', 'RSASSA-PKCS1-v1_5', rsa.privateKey), JSON.stringify(await subtle.exportKey('jwk', rsa.publicKey))];
		const ed = await subtle.generateKey('Ed25519', false, ['sign', 'verify']);
		out.EdDSA = [await jwt('EdDSA', 'Ed25519', ed.privateKey), hex(await subtle.exportKey('spki', ed.publicKey))];
		return JSON.stringify(out);
	})()`, hex.EncodeToString(secret))).(string)
	var res map[string][]string
	require.NoError(t, json.Unmarshal([]byte(out), &res))

	split := func(tok string) (string, []byte, map[string]any) {
		parts := strings.Split(tok, ".")
		require.Len(t, parts, 3)
		var hdr map[string]any
		require.NoError(t, json.Unmarshal(unb64(t, parts[0]), &hdr))
		var claims map[string]any
		require.NoError(t, json.Unmarshal(unb64(t, parts[1]), &claims))
		require.Equal(t, "user-42", claims["sub"])
		return parts[0] + "." + parts[1], unb64(t, parts[2]), hdr
	}

	si, sig, hdr := split(res["HS256"][0])
	require.Equal(t, "HS256", hdr["alg"])
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(si))
	require.True(t, hmac.Equal(m.Sum(nil), sig), "HS256")

	si, sig, _ = split(res["ES256"][0])
	var ecJWK map[string]any
	require.NoError(t, json.Unmarshal([]byte(res["ES256"][1]), &ecJWK))
	require.Equal(t, "EC", ecJWK["kty"])
	require.Equal(t, "P-256", ecJWK["crv"])
	ecPub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, unb64(t, ecJWK["x"].(string))...), unb64(t, ecJWK["y"].(string))...))
	require.NoError(t, err)
	require.Len(t, sig, 64)
	h := sha256.Sum256([]byte(si))
	require.True(t, ecdsa.Verify(ecPub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])), "ES256")

	si, sig, _ = split(res["RS256"][0])
	var rsaJWK map[string]any
	require.NoError(t, json.Unmarshal([]byte(res["RS256"][1]), &rsaJWK))
	require.Equal(t, "RS256", rsaJWK["alg"])
	rsaPub := &rsa.PublicKey{N: new(big.Int).SetBytes(unb64(t, rsaJWK["n"].(string))), E: int(new(big.Int).SetBytes(unb64(t, rsaJWK["e"].(string))).Int64())}
	h = sha256.Sum256([]byte(si))
	require.NoError(t, rsa.VerifyPKCS1v15(rsaPub, crypto.SHA256, h[:], sig), "RS256")

	si, sig, _ = split(res["EdDSA"][0])
	spki, err := hex.DecodeString(res["EdDSA"][1])
	require.NoError(t, err)
	edPub, err := x509.ParsePKIXPublicKey(spki)
	require.NoError(t, err)
	require.True(t, ed25519.Verify(edPub.(ed25519.PublicKey), []byte(si), sig), "EdDSA")
}

// TestJWTSignedInGoVerifiesInJS signs JWTs with the Go standard library and
// verifies them with crypto.subtle (keys handed over as raw, spki and JWK).
func TestJWTSignedInGoVerifiesInJS(t *testing.T) {
	e := env(t)
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return b64url.EncodeToString(b)
	}
	payload := enc(map[string]any{"sub": "user-7", "exp": 2000000000})
	signingInput := func(alg string) string { return enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + payload }

	secret := []byte("another shared secret, 32+ bytes long")
	hsIn := signingInput("HS256")
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(hsIn))
	hs := hsIn + "." + b64url.EncodeToString(m.Sum(nil))

	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	esIn := signingInput("ES256")
	h := sha256.Sum256([]byte(esIn))
	r, s, err := ecdsa.Sign(rand.Reader, ecKey, h[:])
	require.NoError(t, err)
	rs := make([]byte, 64)
	r.FillBytes(rs[:32])
	s.FillBytes(rs[32:])
	es := esIn + "." + b64url.EncodeToString(rs)
	ecSPKI, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	require.NoError(t, err)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsIn := signingInput("RS256")
	h = sha256.Sum256([]byte(rsIn))
	rsSig, err := rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA256, h[:])
	require.NoError(t, err)
	rs256 := rsIn + "." + b64url.EncodeToString(rsSig)
	rsaJWK, _ := json.Marshal(map[string]string{"kty": "RSA", "alg": "RS256", "use": "sig",
		"n": b64url.EncodeToString(rsaKey.N.Bytes()), "e": b64url.EncodeToString(big.NewInt(int64(rsaKey.E)).Bytes())})

	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edIn := signingInput("EdDSA")
	ed := edIn + "." + b64url.EncodeToString(ed25519.Sign(edPriv, []byte(edIn)))

	got := run(t, e, fmt.Sprintf(`(async () => {
		const unb64u = (s) => { const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'; const out = [];
			let bits = 0, acc = 0; for (const c of s) { acc = (acc << 6) | A.indexOf(c); bits += 6; if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); } }
			return new Uint8Array(out); };
		const check = async (tok, alg, key) => {
			const i = tok.lastIndexOf('.');
			const si = ascii(tok.slice(0, i)), sig = unb64u(tok.slice(i + 1));
			const good = await subtle.verify(alg, key, sig, si);
			const tampered = ascii(tok.slice(0, i).replace(/.$/, c => c === 'A' ? 'B' : 'A'));
			return good && !(await subtle.verify(alg, key, sig, tampered));
		};
		const hk = await subtle.importKey('raw', fromHex('%s'), {name: 'HMAC', hash: 'SHA-256'}, false, ['verify']);
		const ek = await subtle.importKey('spki', fromHex('%s'), {name: 'ECDSA', namedCurve: 'P-256'}, false, ['verify']);
		const rk = await subtle.importKey('jwk', %s, {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}, false, ['verify']);
		const dk = await subtle.importKey('raw', fromHex('%s'), 'Ed25519', false, ['verify']);
		return [
			await check('%s', 'HMAC', hk),
			await check('%s', {name: 'ECDSA', hash: 'SHA-256'}, ek),
			await check('%s', 'RSASSA-PKCS1-v1_5', rk),
			await check('%s', 'Ed25519', dk),
		];
	})()`, hex.EncodeToString(secret), hex.EncodeToString(ecSPKI), rsaJWK, hex.EncodeToString(edPub), hs, es, rs256, ed))
	require.Equal(t, []any{true, true, true, true}, got)
}

// pssSignNoSalt makes an RSA-PSS signature with an empty salt (RFC 8017
// §9.1.1 with sLen = 0), which crypto/rsa cannot produce, using textbook
// RSA (fine for a test).
func pssSignNoSalt(k *rsa.PrivateKey, mHash []byte) []byte {
	emBits := k.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	hLen := len(mHash)
	mp := append(make([]byte, 8), mHash...)
	h := sha256.Sum256(mp)
	db := make([]byte, emLen-hLen-1)
	db[len(db)-1] = 1
	var mask []byte
	for c := uint32(0); len(mask) < len(db); c++ {
		s := sha256.Sum256(append(append([]byte{}, h[:]...), byte(c>>24), byte(c>>16), byte(c>>8), byte(c)))
		mask = append(mask, s[:]...)
	}
	for i := range db {
		db[i] ^= mask[i]
	}
	db[0] &= 0xff >> (8*emLen - emBits)
	em := append(append(db, h[:]...), 0xbc)
	s := new(big.Int).Exp(new(big.Int).SetBytes(em), k.D, k.N)
	return s.FillBytes(make([]byte, k.Size()))
}

func TestRSAPSSZeroSaltVerify(t *testing.T) {
	e := env(t)
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	msg := []byte("zero salt message")
	h := sha256.Sum256(msg)
	sig := pssSignNoSalt(k, h[:])
	// The encoder is right: Go's auto-detecting verifier accepts it.
	require.NoError(t, rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, h[:], sig, nil))
	// A signature with a 32-byte salt, which a verifier detecting the salt
	// length would accept for saltLength 0.
	salted, err := rsa.SignPSS(rand.Reader, k, crypto.SHA256, h[:], &rsa.PSSOptions{SaltLength: 32})
	require.NoError(t, err)
	spki, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	got := run(t, e, fmt.Sprintf(`(async () => {
		const pub = await subtle.importKey('spki', fromHex('%s'), {name: 'RSA-PSS', hash: 'SHA-256'}, false, ['verify']);
		const sig = fromHex('%s'), salted = fromHex('%s');
		return [
			await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, sig, ascii('%s')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, sig, ascii('other')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 32}, pub, sig, ascii('%s')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, sig.subarray(1), ascii('%s')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 32}, pub, salted, ascii('%s')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, salted, ascii('%s')),
			await subtle.verify({name: 'RSA-PSS', saltLength: 31}, pub, salted, ascii('%s')),
		];
	})()`, hex.EncodeToString(spki), hex.EncodeToString(sig), hex.EncodeToString(salted), msg, msg, msg, msg, msg, msg))
	require.Equal(t, []any{true, false, false, false, true, false, false}, got)
}
