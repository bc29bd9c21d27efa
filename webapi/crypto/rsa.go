package crypto

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"

	"filippo.io/bigmod"
)

// MaxRSAModulusLength bounds generateKey's modulusLength (key generation
// time grows with the fourth power of the size).
const MaxRSAModulusLength = 8192

// ---- RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP (§§20-22) ----

func rsaUsages(a algID, t keyType) usage {
	switch {
	case a == algRSAOAEP && t == keyPublic:
		return useEncrypt | useWrapKey
	case a == algRSAOAEP:
		return useDecrypt | useUnwrapKey
	case t == keyPublic:
		return useVerify
	}
	return useSign
}

func rsaAlg(id, hash algID, pub *rsa.PublicKey) keyAlg {
	return keyAlg{id: id, hash: hash, modulusLength: pub.N.BitLen(),
		publicExponent: big.NewInt(int64(pub.E)).Bytes()}
}

func rsaGenerate(p *params, extractable bool, u usage) keyPair {
	pubU, privU := pairUsages(p.id, u, rsaUsages(p.id, keyPublic), rsaUsages(p.id, keyPrivate))
	e := new(big.Int).SetBytes(p.publicExponent)
	if !e.IsInt64() || e.Int64() != 65537 {
		throw("OperationError", "Only the public exponent 65537 ([1, 0, 1]) is supported for RSA key generation, not %s.", e)
	}
	if p.modulusLength < 1024 || p.modulusLength > MaxRSAModulusLength {
		throw("OperationError", "RSA modulusLength must be between 1024 and %d bits, not %d.", MaxRSAModulusLength, p.modulusLength)
	}
	sk, err := rsa.GenerateKey(rand.Reader, p.modulusLength)
	if err != nil {
		throw("OperationError", "RSA key generation failed: %v", err)
	}
	alg := rsaAlg(p.id, p.hash, &sk.PublicKey)
	return keyPair{
		pub:  &Key{typ: keyPublic, extractable: true, alg: alg, usages: pubU, rsaPub: &sk.PublicKey},
		priv: &Key{typ: keyPrivate, extractable: extractable, alg: alg, usages: privU, rsaPriv: sk, rsaPub: &sk.PublicKey},
	}
}

func rsaJWKAlg(a, h algID) string {
	switch a {
	case algRSAOAEP:
		return map[algID]string{algSHA1: "RSA-OAEP", algSHA256: "RSA-OAEP-256", algSHA384: "RSA-OAEP-384", algSHA512: "RSA-OAEP-512"}[h]
	case algRSAPSS:
		return map[algID]string{algSHA1: "PS1", algSHA256: "PS256", algSHA384: "PS384", algSHA512: "PS512"}[h]
	}
	return map[algID]string{algSHA1: "RS1", algSHA256: "RS256", algSHA384: "RS384", algSHA512: "RS512"}[h]
}

func rsaImport(p *params, format string, data []byte, jwk *jwkData, u usage) *Key {
	if format != "raw" { // raw is a NotSupportedError below
		checkImportUsages(p.id, format, jwk, u, rsaUsages(p.id, keyPublic), rsaUsages(p.id, keyPrivate))
	}
	pubKey := func(pk *rsa.PublicKey) *Key {
		checkUsages(p.id, "public key", u, rsaUsages(p.id, keyPublic))
		return &Key{typ: keyPublic, alg: rsaAlg(p.id, p.hash, pk), rsaPub: pk}
	}
	privKey := func(sk *rsa.PrivateKey) *Key {
		checkUsages(p.id, "private key", u, rsaUsages(p.id, keyPrivate))
		return &Key{typ: keyPrivate, alg: rsaAlg(p.id, p.hash, &sk.PublicKey), rsaPriv: sk, rsaPub: &sk.PublicKey}
	}
	switch format {
	case "spki":
		pk, ok := parseSPKI(p.id, data).(*rsa.PublicKey)
		if !ok {
			wrongKind(p.id, format)
		}
		return pubKey(pk)
	case "pkcs8":
		sk, ok := parsePKCS8(p.id, data).(*rsa.PrivateKey)
		if !ok {
			wrongKind(p.id, format)
		}
		return privKey(sk)
	case "jwk":
		if jwk.Kty != "RSA" {
			throw("DataError", "The JWK 'kty' member must be \"RSA\" for an %s key, not %q.", p.id, jwk.Kty)
		}
		if want := rsaJWKAlg(p.id, p.hash); jwk.Alg != "" && jwk.Alg != want {
			throw("DataError", "The JWK 'alg' member %q does not match %s with %s (expected %q).", jwk.Alg, p.id, p.hash, want)
		}
		if p.id == algRSAOAEP {
			jwk.checkUse("enc", u)
		} else {
			jwk.checkUse("sig", u)
		}
		n := new(big.Int).SetBytes(jwk.bytes("n", jwk.N, true))
		e := new(big.Int).SetBytes(jwk.bytes("e", jwk.E, true))
		if n.Sign() == 0 || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
			throw("DataError", "The JWK 'n' or 'e' member is not a valid RSA public key.")
		}
		pk := &rsa.PublicKey{N: n, E: int(e.Int64())}
		if jwk.D == "" {
			return pubKey(pk)
		}
		if len(jwk.Oth) != 0 {
			throw("NotSupportedError", "Multi-prime RSA keys (the JWK 'oth' member) are not supported.")
		}
		if jwk.P == "" || jwk.Q == "" || jwk.DP == "" || jwk.DQ == "" || jwk.QI == "" {
			throw("DataError", "An RSA private JWK must have all of p, q, dp, dq and qi.")
		}
		num := func(name, v string) *big.Int { return new(big.Int).SetBytes(jwk.bytes(name, v, true)) }
		sk := &rsa.PrivateKey{PublicKey: *pk, D: num("d", jwk.D), Primes: []*big.Int{num("p", jwk.P), num("q", jwk.Q)}}
		sk.Precompute()
		if err := sk.Validate(); err != nil {
			throw("DataError", "The JWK is not a consistent RSA private key: %v", err)
		}
		if sk.Precomputed.Dp.Cmp(num("dp", jwk.DP)) != 0 || sk.Precomputed.Dq.Cmp(num("dq", jwk.DQ)) != 0 ||
			sk.Precomputed.Qinv.Cmp(num("qi", jwk.QI)) != 0 {
			throw("DataError", "The JWK members dp, dq or qi do not match the key.")
		}
		return privKey(sk)
	}
	throw("NotSupportedError", "%s keys cannot be imported in the '%s' format (use spki, pkcs8 or jwk).", p.id, format)
	return nil
}

func rsaExport(format string, k *Key) result {
	switch format {
	case "spki":
		needPublic(k, format)
		return marshal(x509.MarshalPKIXPublicKey(k.rsaPub))
	case "pkcs8":
		needPrivate(k, format)
		return marshal(x509.MarshalPKCS8PrivateKey(k.rsaPriv))
	case "jwk":
		pk := k.rsaPub
		j := &jwkData{Kty: "RSA", Alg: rsaJWKAlg(k.alg.id, k.alg.hash), N: b64(pk.N.Bytes()),
			E: b64(big.NewInt(int64(pk.E)).Bytes())}
		if sk := k.rsaPriv; sk != nil {
			if len(sk.Primes) != 2 {
				throw("NotSupportedError", "Multi-prime RSA keys cannot be exported as JWK.")
			}
			j.D = b64(sk.D.Bytes())
			j.P, j.Q = b64(sk.Primes[0].Bytes()), b64(sk.Primes[1].Bytes())
			j.DP, j.DQ = b64(sk.Precomputed.Dp.Bytes()), b64(sk.Precomputed.Dq.Bytes())
			j.QI = b64(sk.Precomputed.Qinv.Bytes())
		}
		return j.finish(k)
	}
	throw("NotSupportedError", "%s keys cannot be exported in the '%s' format (use spki, pkcs8 or jwk).", k.alg.id, format)
	return nil
}

func rsaSign(p *params, k *Key, data []byte) []byte {
	if k.rsaPriv == nil {
		throw("InvalidAccessError", "%s signing needs a private key.", p.id)
	}
	h := k.alg.hash
	digest := digestBytes(h, data)
	var sig []byte
	var err error
	if p.id == algRSAPSS {
		// EMSA-PSS-ENCODE step 3: emLen >= hLen + sLen + 2. Checked here so
		// a huge saltLength fails before crypto/rsa allocates the salt.
		hLen := h.cryptoHash().Size()
		if maxSalt := (k.rsaPub.N.BitLen()+6)/8 - hLen - 2; p.saltLength > maxSalt {
			throw("OperationError", "RSA-PSS saltLength %d is too long for a %d-bit key and %s (at most %d).", p.saltLength, k.rsaPub.N.BitLen(), h, max(maxSalt, 0))
		}
		if p.saltLength == 0 {
			// crypto/rsa reads SaltLength 0 as "auto" (the longest salt).
			sig, err = pssSignNoSalt(k.rsaPriv, h, digest)
		} else {
			sig, err = rsa.SignPSS(rand.Reader, k.rsaPriv, h.cryptoHash(), digest, &rsa.PSSOptions{SaltLength: p.saltLength})
		}
	} else {
		sig, err = rsa.SignPKCS1v15(nil, k.rsaPriv, h.cryptoHash(), digest)
	}
	if err != nil {
		throw("OperationError", "%s signing failed: %v", p.id, err)
	}
	return sig
}

func rsaVerify(p *params, k *Key, sig, data []byte) bool {
	if k.typ != keyPublic {
		throw("InvalidAccessError", "%s verification needs a public key.", p.id)
	}
	h := k.alg.hash
	digest := digestBytes(h, data)
	if p.id == algRSAPSS {
		if p.saltLength == 0 {
			return pssVerifyNoSalt(k.rsaPub, h, digest, sig)
		}
		return rsa.VerifyPSS(k.rsaPub, h.cryptoHash(), digest, sig, &rsa.PSSOptions{SaltLength: p.saltLength}) == nil
	}
	return rsa.VerifyPKCS1v15(k.rsaPub, h.cryptoHash(), digest, sig) == nil
}

// pssSignNoSalt signs with RSASSA-PSS and an empty salt (RFC 8017 §8.1.1
// with sLen = 0), which Go's API cannot express (SaltLength 0 means "auto").
// The encoding is deterministic; the private-key operation is constant time
// (rsaDecrypt), and the signature is verified before it is returned.
func pssSignNoSalt(sk *rsa.PrivateKey, h algID, mHash []byte) ([]byte, error) {
	em, err := pssEncode(h, mHash, nil, sk.N.BitLen()-1)
	if err != nil {
		return nil, err
	}
	sig, err := rsaDecrypt(sk, em)
	if err != nil {
		return nil, err
	}
	// Fault-attack check, as crypto/rsa does after its private-key
	// operation: a faulty CRT result must never leave (it would reveal a
	// prime factor). VerifyPSS with SaltLength 0 detects the salt length.
	if err := rsa.VerifyPSS(&sk.PublicKey, h.cryptoHash(), mHash, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
		return nil, fmt.Errorf("the signature failed its consistency check: %w", err)
	}
	return sig, nil
}

// pssEncode is EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with MGF1 over the same
// hash h: EM = maskedDB || H || 0xbc, DB = PS || 0x01 || salt,
// H = Hash(0x00*8 || mHash || salt). It returns EM left-padded with zeros to
// the byte length of an RSA modulus of emBits+1 bits.
func pssEncode(h algID, mHash, salt []byte, emBits int) ([]byte, error) {
	hLen, sLen := h.cryptoHash().Size(), len(salt)
	emLen := (emBits + 7) / 8
	if len(mHash) != hLen {
		return nil, errors.New("the message digest has the wrong length")
	}
	if emLen < hLen+sLen+2 {
		return nil, errors.New("the key is too short for the hash and salt length")
	}
	mp := make([]byte, 8, 8+hLen+sLen)
	mp = append(append(mp, mHash...), salt...)
	hh := digestBytes(h, mp)
	db := mgf1(h, hh, emLen-hLen-1)
	psLen := emLen - sLen - hLen - 2
	db[psLen] ^= 0x01
	for i, b := range salt {
		db[psLen+1+i] ^= b
	}
	db[0] &= 0xff >> uint(8*emLen-emBits)
	k := (emBits + 8) / 8 // modulus length in bytes
	em := make([]byte, k-emLen, k)
	em = append(append(append(em, db...), hh...), 0xbc)
	return em, nil
}

// rsaDecrypt computes in^d mod N (the RSA private-key operation, RSADP /
// RSASP1 of RFC 8017) in constant time with filippo.io/bigmod (Go's own
// crypto/internal/fips140/bigmod), using the CRT values of a two-prime key
// and plain d otherwise. The output has the byte length of N.
func rsaDecrypt(sk *rsa.PrivateKey, in []byte) ([]byte, error) {
	if sk.N.Bit(0) == 0 || sk.D == nil || sk.D.Sign() <= 0 {
		return nil, errors.New("the RSA private key is invalid")
	}
	N, err := bigmod.NewModulus(sk.N.Bytes())
	if err != nil {
		return nil, err
	}
	c, err := bigmod.NewNat().SetBytes(in, N)
	if err != nil {
		return nil, err
	}
	pre := &sk.Precomputed
	if len(sk.Primes) != 2 || pre.Dp == nil || pre.Dq == nil || pre.Qinv == nil ||
		sk.Primes[0].Bit(0) == 0 || sk.Primes[1].Bit(0) == 0 {
		return bigmod.NewNat().Exp(c, sk.D.Bytes(), N).Bytes(N), nil
	}
	P, err := bigmod.NewModulus(sk.Primes[0].Bytes())
	if err != nil {
		return nil, err
	}
	Q, err := bigmod.NewModulus(sk.Primes[1].Bytes())
	if err != nil {
		return nil, err
	}
	qInv, err := bigmod.NewNat().SetBytes(pre.Qinv.Bytes(), P)
	if err != nil {
		return nil, err
	}
	t0 := bigmod.NewNat()
	// m1 = c^dP mod p, m2 = c^dQ mod q
	m := bigmod.NewNat().Exp(t0.Mod(c, P), pre.Dp.Bytes(), P)
	m2 := bigmod.NewNat().Exp(t0.Mod(c, Q), pre.Dq.Bytes(), Q)
	// h = qInv * (m1 - m2) mod p
	m.Sub(t0.Mod(m2, P), P)
	m.Mul(qInv, P)
	// m = m2 + h * q mod N
	m.ExpandFor(N).Mul(t0.Mod(Q.Nat(), N), N)
	m.Add(m2.ExpandFor(N), N)
	return m.Bytes(N), nil
}

// pssVerifyNoSalt verifies an RSA-PSS signature whose salt is empty
// (EMSA-PSS-VERIFY of RFC 8017 §9.1.2 with sLen = 0), which Go's API cannot
// express (SaltLength 0 means "auto"). Only public data is involved.
func pssVerifyNoSalt(pub *rsa.PublicKey, h algID, mHash, sig []byte) bool {
	k := pub.Size()
	if len(sig) != k {
		return false
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return false
	}
	m := new(big.Int).Exp(s, big.NewInt(int64(pub.E)), pub.N)
	emBits := pub.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	if m.BitLen() > emBits {
		return false
	}
	em := m.FillBytes(make([]byte, emLen))
	hLen := h.cryptoHash().Size()
	if emLen < hLen+2 || em[emLen-1] != 0xbc {
		return false
	}
	maskedDB, hh := em[:emLen-hLen-1], em[emLen-hLen-1:emLen-1]
	unused := uint(8*emLen - emBits) // leftmost bits of EM that must be zero
	if em[0]&^(0xff>>unused) != 0 {
		return false
	}
	db := mgf1(h, hh, len(maskedDB))
	for i := range db {
		db[i] ^= maskedDB[i]
	}
	db[0] &= 0xff >> unused
	// With sLen = 0: DB = PS (all zero) || 0x01.
	for _, b := range db[:len(db)-1] {
		if b != 0 {
			return false
		}
	}
	if db[len(db)-1] != 0x01 {
		return false
	}
	mp := make([]byte, 8, 8+hLen)
	mp = append(mp, mHash...)
	return string(digestBytes(h, mp)) == string(hh)
}

func mgf1(h algID, seed []byte, n int) []byte {
	out := make([]byte, 0, n+64)
	var c [4]byte
	for i := uint32(0); len(out) < n; i++ {
		c[0], c[1], c[2], c[3] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		out = append(out, digestBytes(h, append(append([]byte{}, seed...), c[:]...))...)
	}
	return out[:n]
}

func oaepEncrypt(p *params, k *Key, data []byte) []byte {
	if k.typ != keyPublic {
		throw("InvalidAccessError", "RSA-OAEP encryption needs a public key.")
	}
	out, err := rsa.EncryptOAEP(k.alg.hash.newHash()(), rand.Reader, k.rsaPub, data, p.label)
	if err != nil {
		throw("OperationError", "RSA-OAEP encryption failed: %v", err)
	}
	return out
}

func oaepDecrypt(p *params, k *Key, data []byte) []byte {
	if k.rsaPriv == nil {
		throw("InvalidAccessError", "RSA-OAEP decryption needs a private key.")
	}
	out, err := rsa.DecryptOAEP(k.alg.hash.newHash()(), nil, k.rsaPriv, data, p.label)
	if err != nil {
		throw("OperationError", "RSA-OAEP decryption failed: %v", err)
	}
	return out
}
