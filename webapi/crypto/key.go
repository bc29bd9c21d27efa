package crypto

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"hash"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// keyType is a CryptoKey's [[type]].
type keyType uint8

const (
	keySecret keyType = iota
	keyPublic
	keyPrivate
)

var keyTypeNames = [...]string{"secret", "public", "private"}

// usage is a set of KeyUsage values, ordered as the KeyUsage enumeration.
type usage uint8

const (
	useEncrypt usage = 1 << iota
	useDecrypt
	useSign
	useVerify
	useDeriveKey
	useDeriveBits
	useWrapKey
	useUnwrapKey
)

var usageNames = [...]string{"encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"}

func (u usage) names() []string {
	out := make([]string, 0, 8)
	for i, n := range usageNames {
		if u&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func parseUsage(name string) (usage, bool) {
	for i, n := range usageNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// keyAlg is a key's [[algorithm]] in Go form.
type keyAlg struct {
	id             algID
	hash           algID  // HMAC, RSA
	length         int    // AES, HMAC (bits)
	namedCurve     string // EC
	modulusLength  int    // RSA
	publicExponent []byte // RSA
}

// Key is the Go side of a CryptoKey. Its key material is never reachable
// from JavaScript. A Key is immutable once created, except for the cached
// JS objects and mac, which only the loop goroutine touches.
type Key struct {
	realm.Host
	typ         keyType
	extractable bool
	alg         keyAlg
	usages      usage

	secret  []byte // HMAC, AES, HKDF, PBKDF2
	ecPriv  *ecdsa.PrivateKey
	ecPub   *ecdsa.PublicKey
	rsaPriv *rsa.PrivateKey
	rsaPub  *rsa.PublicKey
	edPriv  ed25519.PrivateKey
	edPub   ed25519.PublicKey
	xPriv   *ecdh.PrivateKey
	xPub    *ecdh.PublicKey

	mac      hash.Hash // cached HMAC state, loop goroutine only
	algObj   *goja.Object
	usageArr *goja.Object
}

// js implements result: the CryptoKey object for k.
func (k *Key) js(s *state) goja.Value { return s.keyCls.Wrap(k) }

func unwrapKey(v goja.Value) (*Key, bool) { return realm.Unwrap[*Key](v) }

func (s *state) buildKey() {
	r := s.r
	vm := s.vm
	c := r.NewClass("CryptoKey", 0, nil, nil)
	c.Getter("type", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(keyTypeNames[realm.This[*Key](r, call, "CryptoKey").typ])
	})
	c.Getter("extractable", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*Key](r, call, "CryptoKey").extractable)
	})
	c.Getter("algorithm", func(call goja.FunctionCall) goja.Value {
		k := realm.This[*Key](r, call, "CryptoKey")
		if k.algObj == nil {
			k.algObj = s.algorithmObject(&k.alg)
		}
		return k.algObj
	})
	c.Getter("usages", func(call goja.FunctionCall) goja.Value {
		k := realm.This[*Key](r, call, "CryptoKey")
		if k.usageArr == nil {
			names := k.usages.names()
			vals := make([]any, len(names))
			for i, n := range names {
				vals[i] = n
			}
			k.usageArr = vm.NewArray(vals...)
		}
		return k.usageArr
	})
	s.keyCls = c
}

// algorithmObject builds the KeyAlgorithm dictionary for a key (members in
// WebIDL order: inherited first, then lexicographic).
func (s *state) algorithmObject(a *keyAlg) *goja.Object {
	vm := s.vm
	o := vm.NewObject()
	_ = o.Set("name", a.id.String())
	hashObj := func() *goja.Object {
		h := vm.NewObject()
		_ = h.Set("name", a.hash.String())
		return h
	}
	switch {
	case a.id.isAES():
		_ = o.Set("length", a.length)
	case a.id == algHMAC:
		_ = o.Set("hash", hashObj())
		_ = o.Set("length", a.length)
	case a.id.isEC():
		_ = o.Set("namedCurve", a.namedCurve)
	case a.id.isRSA():
		_ = o.Set("modulusLength", a.modulusLength)
		_ = o.Set("publicExponent", s.r.NewUint8Array(clone(a.publicExponent)))
		_ = o.Set("hash", hashObj())
	}
	return o
}

// keyPair is a CryptoKeyPair result.
type keyPair struct{ pub, priv *Key }

func (p keyPair) js(s *state) goja.Value {
	o := s.vm.NewObject()
	_ = o.Set("privateKey", p.priv.js(s))
	_ = o.Set("publicKey", p.pub.js(s))
	return o
}

// result is the Go outcome of an operation, turned into JS on the loop.
type result interface{ js(s *state) goja.Value }

type bytesRes []byte

func (b bytesRes) js(s *state) goja.Value { return s.newArrayBuffer(b) }

type boolRes bool

func (b boolRes) js(s *state) goja.Value { return s.vm.ToValue(bool(b)) }

// usagesArg converts a sequence<KeyUsage> argument.
func (s *state) usagesArg(v goja.Value, method string, pos int) usage {
	if _, ok := v.(*goja.Object); !ok {
		throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': parameter %d (keyUsages) is not an iterable sequence.", method, pos)
	}
	var u usage
	var bad string
	ok := true
	s.vm.ForOf(v, func(x goja.Value) bool {
		name := s.domString(x, "key usage")
		b, valid := parseUsage(name)
		if !valid {
			bad, ok = name, false
			return false
		}
		u |= b
		return true
	})
	if !ok {
		throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': %q is not a valid KeyUsage (expected one of encrypt, decrypt, sign, verify, deriveKey, deriveBits, wrapKey, unwrapKey).", method, bad)
	}
	return u
}

// checkUsages throws SyntaxError when u has usages outside allowed.
func checkUsages(a algID, what string, u, allowed usage) {
	if extra := u &^ allowed; extra != 0 {
		throw("SyntaxError", "Cannot create %s %s with usages [%s]; allowed usages: [%s].", a, what, joinNames(extra), joinNames(allowed))
	}
}

func joinNames(u usage) string {
	out := ""
	for i, n := range u.names() {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// UnwrapKey returns the Key behind a CryptoKey object.
func UnwrapKey(v goja.Value) (*Key, bool) { return unwrapKey(v) }

// CloneKey returns a CryptoKey object in realm r (on its loop goroutine)
// for the same key, as structured cloning does (CryptoKey is
// [Serializable]). The key material, which never changes, is shared; the
// per-realm caches are not.
func CloneKey(r *realm.Realm, k *Key) *goja.Object {
	c := &Key{typ: k.typ, extractable: k.extractable, alg: k.alg, usages: k.usages,
		secret: k.secret, ecPriv: k.ecPriv, ecPub: k.ecPub, rsaPriv: k.rsaPriv, rsaPub: k.rsaPub,
		edPriv: k.edPriv, edPub: k.edPub, xPriv: k.xPriv, xPub: k.xPub}
	return getState(r).keyCls.Wrap(c)
}
