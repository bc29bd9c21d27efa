package crypto

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"math/big"
)

// ---- shared ----

func parseSPKI(a algID, data []byte) any {
	k, err := x509.ParsePKIXPublicKey(data)
	if err != nil {
		throw("DataError", "The key data is not a valid SubjectPublicKeyInfo for %s: %v", a, err)
	}
	return k
}

func parsePKCS8(a algID, data []byte) any {
	k, err := x509.ParsePKCS8PrivateKey(data)
	if err != nil {
		throw("DataError", "The key data is not a valid PKCS #8 PrivateKeyInfo for %s: %v", a, err)
	}
	return k
}

// checkImportUsages applies the usage check that comes first in the import
// steps of asymmetric algorithms: the format (or the JWK's 'd' member)
// says whether a public or a private key is being imported.
func checkImportUsages(a algID, format string, jwk *jwkData, u, pub, priv usage) {
	switch {
	case format == "pkcs8", format == "jwk" && jwk.D != "":
		checkUsages(a, "private key", u, priv)
	case format == "spki", format == "raw", format == "jwk":
		checkUsages(a, "public key", u, pub)
	}
}

func wrongKind(a algID, format string) {
	throw("DataError", "The %s key data does not hold a %s key.", format, a)
}

func needPublic(k *Key, format string) {
	if k.typ != keyPublic {
		throw("InvalidAccessError", "Only public keys can be exported in the '%s' format; this key is %s.", format, keyTypeNames[k.typ])
	}
}

func needPrivate(k *Key, format string) {
	if k.typ != keyPrivate {
		throw("InvalidAccessError", "Only private keys can be exported in the '%s' format; this key is %s.", format, keyTypeNames[k.typ])
	}
}

func marshal(b []byte, err error) result {
	if err != nil {
		throw("OperationError", "key export failed: %v", err)
	}
	return bytesRes(b)
}

// ---- ECDSA and ECDH (§§23-24) ----

func curveOf(name string) elliptic.Curve {
	switch name {
	case "P-256":
		return elliptic.P256()
	case "P-384":
		return elliptic.P384()
	case "P-521":
		return elliptic.P521()
	}
	throw("NotSupportedError", "Unsupported namedCurve %q (supported: P-256, P-384, P-521).", name)
	return nil
}

func curveBytes(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

func ecUsages(a algID, t keyType) usage {
	switch {
	case a == algECDSA && t == keyPublic:
		return useVerify
	case a == algECDSA:
		return useSign
	case t == keyPublic:
		return 0
	}
	return useDeriveKey | useDeriveBits
}

func ecGenerate(p *params, extractable bool, u usage) keyPair {
	curve := curveOf(p.namedCurve)
	pubU, privU := pairUsages(p.id, u, ecUsages(p.id, keyPublic), ecUsages(p.id, keyPrivate))
	priv, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		throw("OperationError", "EC key generation failed: %v", err)
	}
	alg := keyAlg{id: p.id, namedCurve: p.namedCurve}
	return keyPair{
		pub:  &Key{typ: keyPublic, extractable: true, alg: alg, usages: pubU, ecPub: &priv.PublicKey},
		priv: &Key{typ: keyPrivate, extractable: extractable, alg: alg, usages: privU, ecPriv: priv, ecPub: &priv.PublicKey},
	}
}

func ecImport(p *params, format string, data []byte, jwk *jwkData, u usage) *Key {
	curve := curveOf(p.namedCurve)
	checkImportUsages(p.id, format, jwk, u, ecUsages(p.id, keyPublic), ecUsages(p.id, keyPrivate))
	alg := keyAlg{id: p.id, namedCurve: p.namedCurve}
	checkCurve := func(c elliptic.Curve) {
		if c != curve {
			throw("DataError", "The key is on curve %s but namedCurve is %s.", c.Params().Name, p.namedCurve)
		}
	}
	pubKey := func(pk *ecdsa.PublicKey) *Key {
		checkUsages(p.id, "public key", u, ecUsages(p.id, keyPublic))
		return &Key{typ: keyPublic, alg: alg, ecPub: pk}
	}
	privKey := func(sk *ecdsa.PrivateKey) *Key {
		checkUsages(p.id, "private key", u, ecUsages(p.id, keyPrivate))
		return &Key{typ: keyPrivate, alg: alg, ecPriv: sk, ecPub: &sk.PublicKey}
	}
	switch format {
	case "spki":
		pk, ok := parseSPKI(p.id, data).(*ecdsa.PublicKey)
		if !ok {
			wrongKind(p.id, format)
		}
		checkCurve(pk.Curve)
		return pubKey(pk)
	case "pkcs8":
		sk, ok := parsePKCS8(p.id, data).(*ecdsa.PrivateKey)
		if !ok {
			wrongKind(p.id, format)
		}
		checkCurve(sk.Curve)
		return privKey(sk)
	case "raw":
		if n := curveBytes(curve); len(data) == 1+n && (data[0] == 2 || data[0] == 3) {
			// A compressed point (SEC 1 §2.3.3): decompress it first.
			x, y := elliptic.UnmarshalCompressed(curve, data)
			if x == nil {
				throw("DataError", "The raw key data is not a valid compressed %s point.", p.namedCurve)
			}
			data = append(append([]byte{4}, x.FillBytes(make([]byte, n))...), y.FillBytes(make([]byte, n))...)
		}
		pk, err := ecdsa.ParseUncompressedPublicKey(curve, data)
		if err != nil {
			throw("DataError", "The raw key data is not a valid %s point: %v", p.namedCurve, err)
		}
		return pubKey(pk)
	case "jwk":
		if jwk.Kty != "EC" {
			throw("DataError", "The JWK 'kty' member must be \"EC\" for an %s key, not %q.", p.id, jwk.Kty)
		}
		if jwk.Crv != p.namedCurve {
			throw("DataError", "The JWK 'crv' member %q does not match namedCurve %s.", jwk.Crv, p.namedCurve)
		}
		if p.id == algECDSA {
			want := map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[p.namedCurve]
			if jwk.Alg != "" && jwk.Alg != want {
				throw("DataError", "The JWK 'alg' member %q does not match the curve (expected %q).", jwk.Alg, want)
			}
			jwk.checkUse("sig", u)
		} else {
			jwk.checkUse("enc", u)
		}
		n := curveBytes(curve)
		x, y := jwk.bytes("x", jwk.X, true), jwk.bytes("y", jwk.Y, true)
		if len(x) != n || len(y) != n {
			throw("DataError", "The JWK 'x' and 'y' members must be %d bytes for %s.", n, p.namedCurve)
		}
		pk, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			throw("DataError", "The JWK x/y do not form a valid %s point: %v", p.namedCurve, err)
		}
		if jwk.D == "" {
			return pubKey(pk)
		}
		d := jwk.bytes("d", jwk.D, true)
		if len(d) != n {
			throw("DataError", "The JWK 'd' member must be %d bytes for %s.", n, p.namedCurve)
		}
		sk, err := ecdsa.ParseRawPrivateKey(curve, d)
		if err != nil {
			throw("DataError", "The JWK 'd' member is not a valid %s private key: %v", p.namedCurve, err)
		}
		if !sk.PublicKey.Equal(pk) {
			throw("DataError", "The JWK 'd' member does not match its public key x/y.")
		}
		return privKey(sk)
	}
	throw("NotSupportedError", "Unsupported key format %q for %s.", format, p.id)
	return nil
}

func ecExport(format string, k *Key) result {
	switch format {
	case "spki":
		needPublic(k, format)
		return marshal(x509.MarshalPKIXPublicKey(k.ecPub))
	case "pkcs8":
		needPrivate(k, format)
		return marshal(x509.MarshalPKCS8PrivateKey(k.ecPriv))
	case "raw":
		needPublic(k, format)
		return marshal(k.ecPub.Bytes())
	case "jwk":
		pt, err := k.ecPub.Bytes()
		if err != nil {
			throw("OperationError", "key export failed: %v", err)
		}
		n := (len(pt) - 1) / 2
		j := &jwkData{Kty: "EC", Crv: k.alg.namedCurve, X: b64(pt[1 : 1+n]), Y: b64(pt[1+n:])}
		if k.typ == keyPrivate {
			d, err := k.ecPriv.Bytes()
			if err != nil {
				throw("OperationError", "key export failed: %v", err)
			}
			j.D = b64(d)
		}
		return j.finish(k)
	}
	throw("NotSupportedError", "Unsupported key format %q for %s.", format, k.alg.id)
	return nil
}

// ecdsaSign returns the IEEE P1363 signature r||s.
func ecdsaSign(p *params, k *Key, data []byte) []byte {
	if k.ecPriv == nil {
		throw("InvalidAccessError", "ECDSA signing needs a private key.")
	}
	r, s, err := ecdsa.Sign(rand.Reader, k.ecPriv, digestBytes(p.hash, data))
	if err != nil {
		throw("OperationError", "ECDSA signing failed: %v", err)
	}
	n := curveBytes(k.ecPriv.Curve)
	out := make([]byte, 2*n)
	r.FillBytes(out[:n])
	s.FillBytes(out[n:])
	return out
}

func ecdsaVerify(p *params, k *Key, sig, data []byte) bool {
	if k.typ != keyPublic {
		throw("InvalidAccessError", "ECDSA verification needs a public key.")
	}
	n := curveBytes(k.ecPub.Curve)
	if len(sig) != 2*n {
		return false
	}
	r := new(big.Int).SetBytes(sig[:n])
	s := new(big.Int).SetBytes(sig[n:])
	return ecdsa.Verify(k.ecPub, digestBytes(p.hash, data), r, s)
}

// ecdhDerive implements ECDH and X25519 deriveBits.
func ecdhDerive(p *params, k *Key, length int, hasLength bool) []byte {
	pub := p.public
	if k.typ != keyPrivate {
		throw("InvalidAccessError", "The base key for %s must be a private key.", p.id)
	}
	if pub.typ != keyPublic {
		throw("InvalidAccessError", "The 'public' member must be a public key, not a %s key.", keyTypeNames[pub.typ])
	}
	if pub.alg.id != k.alg.id {
		throw("InvalidAccessError", "The 'public' key is a %s key, but the base key is %s.", pub.alg.id, k.alg.id)
	}
	var secret []byte
	var err error
	if p.id == algECDH {
		if pub.alg.namedCurve != k.alg.namedCurve {
			throw("InvalidAccessError", "The 'public' key is on %s but the base key is on %s.", pub.alg.namedCurve, k.alg.namedCurve)
		}
		var sk *ecdh.PrivateKey
		var pk *ecdh.PublicKey
		if sk, err = k.ecPriv.ECDH(); err == nil {
			if pk, err = pub.ecPub.ECDH(); err == nil {
				secret, err = sk.ECDH(pk)
			}
		}
	} else {
		secret, err = k.xPriv.ECDH(pub.xPub)
	}
	if err != nil {
		throw("OperationError", "%s key agreement failed: %v", p.id, err)
	}
	if !hasLength {
		return secret
	}
	if length > len(secret)*8 {
		throw("OperationError", "Cannot derive %d bits: %s yields only %d.", length, p.id, len(secret)*8)
	}
	return truncateBits(secret, length)
}

// ---- Ed25519 and X25519 (§§25-26) ----

func okpUsages(a algID, t keyType) usage {
	switch {
	case a == algEd25519 && t == keyPublic:
		return useVerify
	case a == algEd25519:
		return useSign
	case t == keyPublic:
		return 0
	}
	return useDeriveKey | useDeriveBits
}

func okpGenerate(p *params, extractable bool, u usage) keyPair {
	pubU, privU := pairUsages(p.id, u, okpUsages(p.id, keyPublic), okpUsages(p.id, keyPrivate))
	alg := keyAlg{id: p.id}
	pub := &Key{typ: keyPublic, extractable: true, alg: alg, usages: pubU}
	priv := &Key{typ: keyPrivate, extractable: extractable, alg: alg, usages: privU}
	if p.id == algEd25519 {
		pk, sk, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			throw("OperationError", "Ed25519 key generation failed: %v", err)
		}
		pub.edPub, priv.edPriv, priv.edPub = pk, sk, pk
	} else {
		sk, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			throw("OperationError", "X25519 key generation failed: %v", err)
		}
		pub.xPub, priv.xPriv, priv.xPub = sk.PublicKey(), sk, sk.PublicKey()
	}
	return keyPair{pub: pub, priv: priv}
}

func okpImport(p *params, format string, data []byte, jwk *jwkData, u usage) *Key {
	alg := keyAlg{id: p.id}
	checkImportUsages(p.id, format, jwk, u, okpUsages(p.id, keyPublic), okpUsages(p.id, keyPrivate))
	ed := p.id == algEd25519
	pubKey := func(raw []byte) *Key {
		checkUsages(p.id, "public key", u, okpUsages(p.id, keyPublic))
		k := &Key{typ: keyPublic, alg: alg}
		if ed {
			if len(raw) != ed25519.PublicKeySize {
				throw("DataError", "An Ed25519 public key must be 32 bytes, not %d.", len(raw))
			}
			k.edPub = ed25519.PublicKey(clone(raw))
		} else {
			pk, err := ecdh.X25519().NewPublicKey(raw)
			if err != nil {
				throw("DataError", "Invalid X25519 public key: %v", err)
			}
			k.xPub = pk
		}
		return k
	}
	privKey := func(seed []byte) *Key {
		checkUsages(p.id, "private key", u, okpUsages(p.id, keyPrivate))
		k := &Key{typ: keyPrivate, alg: alg}
		if len(seed) != 32 {
			throw("DataError", "A %s private key must be 32 bytes, not %d.", p.id, len(seed))
		}
		if ed {
			k.edPriv = ed25519.NewKeyFromSeed(seed)
			k.edPub = k.edPriv.Public().(ed25519.PublicKey)
		} else {
			sk, err := ecdh.X25519().NewPrivateKey(seed)
			if err != nil {
				throw("DataError", "Invalid X25519 private key: %v", err)
			}
			k.xPriv, k.xPub = sk, sk.PublicKey()
		}
		return k
	}
	switch format {
	case "raw":
		return pubKey(data)
	case "spki":
		switch pk := parseSPKI(p.id, data).(type) {
		case ed25519.PublicKey:
			if ed {
				return pubKey(pk)
			}
		case *ecdh.PublicKey:
			if !ed && pk.Curve() == ecdh.X25519() {
				return pubKey(pk.Bytes())
			}
		}
		wrongKind(p.id, format)
	case "pkcs8":
		switch sk := parsePKCS8(p.id, data).(type) {
		case ed25519.PrivateKey:
			if ed {
				return privKey(sk.Seed())
			}
		case *ecdh.PrivateKey:
			if !ed && sk.Curve() == ecdh.X25519() {
				return privKey(sk.Bytes())
			}
		}
		wrongKind(p.id, format)
	case "jwk":
		if jwk.Kty != "OKP" {
			throw("DataError", "The JWK 'kty' member must be \"OKP\" for an %s key, not %q.", p.id, jwk.Kty)
		}
		if jwk.Crv != p.id.String() {
			throw("DataError", "The JWK 'crv' member must be %q, not %q.", p.id.String(), jwk.Crv)
		}
		if ed {
			if jwk.Alg != "" && jwk.Alg != "Ed25519" && jwk.Alg != "EdDSA" {
				throw("DataError", "The JWK 'alg' member must be \"Ed25519\" or \"EdDSA\", not %q.", jwk.Alg)
			}
			jwk.checkUse("sig", u)
		} else {
			jwk.checkUse("enc", u)
		}
		x := jwk.bytes("x", jwk.X, true)
		if jwk.D == "" {
			return pubKey(x)
		}
		k := privKey(jwk.bytes("d", jwk.D, true))
		var pub []byte
		if ed {
			pub = k.edPub
		} else {
			pub = k.xPub.Bytes()
		}
		if !bytes.Equal(pub, x) {
			throw("DataError", "The JWK 'd' member does not match its public key 'x'.")
		}
		return k
	default:
		throw("NotSupportedError", "Unsupported key format %q for %s.", format, p.id)
	}
	return nil
}

func (k *Key) okpPublicBytes() []byte {
	if k.alg.id == algEd25519 {
		return clone(k.edPub)
	}
	return k.xPub.Bytes()
}

func okpExport(format string, k *Key) result {
	ed := k.alg.id == algEd25519
	switch format {
	case "raw":
		needPublic(k, format)
		return bytesRes(k.okpPublicBytes())
	case "spki":
		needPublic(k, format)
		if ed {
			return marshal(x509.MarshalPKIXPublicKey(k.edPub))
		}
		return marshal(x509.MarshalPKIXPublicKey(k.xPub))
	case "pkcs8":
		needPrivate(k, format)
		if ed {
			return marshal(x509.MarshalPKCS8PrivateKey(k.edPriv))
		}
		return marshal(x509.MarshalPKCS8PrivateKey(k.xPriv))
	case "jwk":
		j := &jwkData{Kty: "OKP", Crv: k.alg.id.String(), X: b64(k.okpPublicBytes())}
		if ed {
			j.Alg = "Ed25519"
		}
		if k.typ == keyPrivate {
			if ed {
				j.D = b64(k.edPriv.Seed())
			} else {
				j.D = b64(k.xPriv.Bytes())
			}
		}
		return j.finish(k)
	}
	throw("NotSupportedError", "Unsupported key format %q for %s.", format, k.alg.id)
	return nil
}

func edSign(k *Key, data []byte) []byte {
	if k.edPriv == nil {
		throw("InvalidAccessError", "Ed25519 signing needs a private key.")
	}
	return ed25519.Sign(k.edPriv, data)
}

func edVerify(k *Key, sig, data []byte) bool {
	if k.typ != keyPublic {
		throw("InvalidAccessError", "Ed25519 verification needs a public key.")
	}
	if len(sig) != ed25519.SignatureSize {
		return false
	}
	if smallOrder(k.edPub) || smallOrder(sig[:32]) {
		return false
	}
	return ed25519.Verify(k.edPub, data, sig)
}

// smallOrderY holds the y coordinates (mod p) of the eight points of small
// order on edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2): 1 (identity), -1
// (order 2), 0 (order 4) and those of the order-8 points, whose double has
// y = 0, that is x^2 = -y^2, so that t = y^2 solves d t^2 + 2t - 1 = 0.
var smallOrderY = func() []*big.Int {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	d := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), p))
	d.Mod(d, p)
	ys := []*big.Int{big.NewInt(0), big.NewInt(1), new(big.Int).Sub(p, big.NewInt(1))}
	// t = (-1 ± sqrt(1 + d)) / d
	r := new(big.Int).ModSqrt(new(big.Int).Add(d, big.NewInt(1)), p)
	if r == nil {
		return ys
	}
	invD := new(big.Int).ModInverse(d, p)
	for _, sr := range []*big.Int{r, new(big.Int).Sub(p, r)} {
		t := new(big.Int).Sub(sr, big.NewInt(1))
		t.Mul(t, invD).Mod(t, p)
		if y := new(big.Int).ModSqrt(t, p); y != nil {
			ys = append(ys, y, new(big.Int).Sub(p, y))
		}
	}
	return ys
}()

var edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// smallOrder reports whether a 32-byte Edwards point encoding is a point of
// small order (WebCrypto rejects such public keys and signature R values).
func smallOrder(enc []byte) bool {
	var be [32]byte
	for i := 0; i < 32; i++ {
		be[31-i] = enc[i]
	}
	be[0] &= 0x7f
	y := new(big.Int).SetBytes(be[:])
	y.Mod(y, edP)
	for _, v := range smallOrderY {
		if y.Cmp(v) == 0 {
			return true
		}
	}
	return false
}
