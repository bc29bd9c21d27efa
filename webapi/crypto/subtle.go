package crypto

import (
	"encoding/json"
	"runtime"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// job is the prepared part of an operation: work computes the result from Go
// values only (it may run on another goroutine) and panics with a cryptoErr
// on failure. heavy work runs off the loop goroutine.
//
// Cheap work is done by prep itself, on the loop, right after the bytes of
// the arguments are taken: prep then returns s.now(work), a job without
// work that holds the outcome.
type job struct {
	work  func() result
	heavy bool
	res   result // the outcome, when work is nil
	err   error
}

// now runs work at once (on the loop) and returns its outcome as a job.
// work does not escape: the closure needs no allocation.
func (s *state) now(work func() result) job {
	res, err := safeRun(s, work)
	return job{res: res, err: err}
}

func (s *state) buildSubtle() {
	c := s.r.NewClass("SubtleCrypto", 0, nil, nil)
	method := func(name string, length int, prep func(call goja.FunctionCall) job) {
		c.Method(name, length, func(call goja.FunctionCall) goja.Value {
			return s.promise(call, name, length, prep)
		})
	}
	method("encrypt", 3, func(call goja.FunctionCall) job { return s.cipherOp(call, opEncrypt) })
	method("decrypt", 3, func(call goja.FunctionCall) job { return s.cipherOp(call, opDecrypt) })
	method("sign", 3, s.sign)
	method("verify", 4, s.verify)
	method("digest", 2, s.digest)
	method("generateKey", 3, s.generateKey)
	method("deriveKey", 5, s.deriveKey)
	method("deriveBits", 2, s.deriveBits)
	method("importKey", 5, s.importKey)
	method("exportKey", 2, s.exportKey)
	method("wrapKey", 4, s.wrapKey)
	method("unwrapKey", 7, s.unwrapKey)
	s.subtleCls = c
}

// promise runs a SubtleCrypto method: argument conversion and normalization
// on the loop (errors reject the promise), then the work inline or on a
// goroutine, settling the promise on the loop.
func (s *state) promise(call goja.FunctionCall, name string, nargs int, prep func(call goja.FunctionCall) job) goja.Value {
	p, resolve, reject := s.vm.NewPromise()
	var j job
	reason := s.guard(func() {
		if !s.isSubtle(call.This) {
			throw("TypeError", "Illegal invocation: '%s' called on an object that is not a SubtleCrypto.", name)
		}
		if len(call.Arguments) < nargs {
			throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': %d arguments required, but only %d present.", name, nargs, len(call.Arguments))
		}
		j = prep(call)
	})
	if reason != nil {
		_ = reject(reason)
		return s.vm.ToValue(p)
	}
	if j.work == nil {
		s.settle(resolve, reject, j.res, j.err)
		return s.vm.ToValue(p)
	}
	if !j.heavy {
		res, err := safeRun(s, j.work)
		s.settle(resolve, reject, res, err)
		return s.vm.ToValue(p)
	}
	ctx, work := s.r.Current(), j.work
	go func() {
		heavySlots <- struct{}{}
		if ctx != nil && ctx.Go().Err() != nil {
			<-heavySlots // the request ended while queued: its tasks are dropped anyway
			return
		}
		res, err := safeRun(s, work)
		<-heavySlots
		s.r.Submit(ctx, func() { s.settle(resolve, reject, res, err) })
	}()
	return s.vm.ToValue(p)
}

// isSubtle reports whether v is the realm's SubtleCrypto object (the only
// one: it cannot be constructed, and crypto.subtle is [SameObject]).
func (s *state) isSubtle(v goja.Value) bool {
	if o, ok := v.(*goja.Object); ok && o == s.subtleObj {
		return true
	}
	_, ok := realm.Unwrap[*subtleHost](v)
	return ok
}

// heavySlots bounds how many expensive operations run at once in the
// process, so that a script queuing thousands of RSA operations cannot
// starve the event loops of other requests.
var heavySlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func (s *state) settle(resolve, reject func(any) error, res result, err error) {
	if err != nil {
		_ = reject(s.errValue(err))
		return
	}
	if b, ok := res.(bytesRes); ok { // hot path
		_ = resolve(s.newArrayBuffer(b))
		return
	}
	var v goja.Value
	if reason := s.guard(func() { v = res.js(s) }); reason != nil {
		_ = reject(reason)
		return
	}
	_ = resolve(v)
}

func (s *state) keyArg(v goja.Value, method string, pos int) *Key {
	k, ok := unwrapKey(v)
	if !ok {
		throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': parameter %d is not of type 'CryptoKey'.", method, pos)
	}
	return k
}

// checkKey applies the common steps: the key's algorithm must be the
// requested one and the key must allow the usage.
func checkKey(p *params, k *Key, u usage) {
	if p.id != k.alg.id {
		throw("InvalidAccessError", "The requested algorithm %s does not match the key's algorithm %s.", p.id, k.alg.id)
	}
	if k.usages&u == 0 {
		throw("InvalidAccessError", "The key does not allow the '%s' usage (its usages are [%s]).", u.names()[0], joinNames(k.usages))
	}
}

// asymmetric keys make every operation heavy.
func (k *Key) asymmetric() bool { return k.typ != keySecret }

// The methods below follow the order of the specification: WebIDL converts
// the arguments (type checks only: a BufferSource argument is kept as a
// reference), then the algorithm is normalized (which may run script:
// getters of the algorithm dictionary), and only then are the bytes of the
// BufferSource arguments taken, so changes made by such script are seen.
// Cheap work is done right there and uses the bytes in place (no script
// runs between taking them and the end of the work); work that runs off the
// loop gets a copy.

func clone(b []byte) []byte { return append([]byte{}, b...) }

func (s *state) digest(call goja.FunctionCall) job {
	src := s.sourceArg(call.Argument(1), "digest", 2)
	p := s.normalize(opDigest, call.Argument(0))
	data := s.bytes(src)
	if len(data) <= InlineLimit {
		return s.now(func() result { return bytesRes(digestBytes(p.id, data)) })
	}
	cp := clone(data)
	return job{heavy: true, work: func() result { return bytesRes(digestBytes(p.id, cp)) }}
}

func (s *state) sign(call goja.FunctionCall) job {
	k := s.keyArg(call.Argument(1), "sign", 2)
	src := s.sourceArg(call.Argument(2), "sign", 3)
	p := s.normalize(opSign, call.Argument(0))
	data := s.bytes(src)
	checkKey(p, k, useSign)
	if !k.asymmetric() && len(data) <= InlineLimit {
		return s.now(func() result { return bytesRes(signData(p, k, data, true)) })
	}
	cp := clone(data)
	return job{heavy: true, work: func() result { return bytesRes(signData(p, k, cp, false)) }}
}

func (s *state) verify(call goja.FunctionCall) job {
	k := s.keyArg(call.Argument(1), "verify", 2)
	sigSrc := s.sourceArg(call.Argument(2), "verify", 3)
	src := s.sourceArg(call.Argument(3), "verify", 4)
	p := s.normalize(opVerify, call.Argument(0))
	sig, data := s.bytes(sigSrc), s.bytes(src)
	checkKey(p, k, useVerify)
	if !k.asymmetric() && len(data) <= InlineLimit {
		return s.now(func() result { return boolRes(verifyData(p, k, sig, data, true)) })
	}
	sigCp, cp := clone(sig), clone(data)
	return job{heavy: true, work: func() result { return boolRes(verifyData(p, k, sigCp, cp, false)) }}
}

func (s *state) cipherOp(call goja.FunctionCall, op opID) job {
	name, u := "encrypt", useEncrypt
	if op == opDecrypt {
		name, u = "decrypt", useDecrypt
	}
	k := s.keyArg(call.Argument(1), name, 2)
	src := s.sourceArg(call.Argument(2), name, 3)
	p := s.normalize(op, call.Argument(0))
	data := s.bytes(src)
	checkKey(p, k, u)
	if !k.asymmetric() && len(data) <= InlineLimit {
		return s.now(func() result { return cipherData(op, p, k, data) })
	}
	cp := clone(data)
	return job{heavy: true, work: func() result { return cipherData(op, p, k, cp) }}
}

func cipherData(op opID, p *params, k *Key, data []byte) result {
	if op == opEncrypt {
		return bytesRes(encryptData(p, k, data))
	}
	return bytesRes(decryptData(p, k, data))
}

func (s *state) generateKey(call goja.FunctionCall) job {
	extractable := call.Argument(1).ToBoolean()
	u := s.usagesArg(call.Argument(2), "generateKey", 3)
	p := s.normalize(opGenerateKey, call.Argument(0))
	heavy := !p.id.isAES() && p.id != algHMAC
	return job{heavy: heavy, work: func() result { return generate(p, extractable, u) }}
}

// keyFormat validates a KeyFormat enum value.
func (s *state) keyFormat(v goja.Value, method string) string {
	f := s.domString(v, "format")
	switch f {
	case "raw", "spki", "pkcs8", "jwk":
		return f
	}
	throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': %q is not a valid KeyFormat (expected raw, spki, pkcs8 or jwk).", method, f)
	return ""
}

func (s *state) importKey(call goja.FunctionCall) job {
	format := s.keyFormat(call.Argument(0), "importKey")
	// keyData is a (BufferSource or JsonWebKey): anything but a buffer
	// source converts to the dictionary (undefined and null to an empty one).
	var src source
	var jwk *jwkData
	kd := call.Argument(1)
	isBuf := false
	switch o, isObj := kd.(*goja.Object); {
	case isObj:
		if src, isBuf = s.asSource(o); !isBuf {
			jwk = s.jwkFromJS(o)
		}
	case goja.IsUndefined(kd) || goja.IsNull(kd):
		jwk = &jwkData{}
	default:
		throw("TypeError", "Failed to execute 'importKey' on 'SubtleCrypto': parameter 2 is not of type '(ArrayBuffer or ArrayBufferView or JsonWebKey)'.")
	}
	extractable := call.Argument(3).ToBoolean()
	u := s.usagesArg(call.Argument(4), "importKey", 5)
	p := s.normalize(opImportKey, call.Argument(2))
	var data []byte
	if format == "jwk" {
		if isBuf {
			throw("TypeError", "Failed to execute 'importKey' on 'SubtleCrypto': keyData must be a JsonWebKey dictionary for the 'jwk' format.")
		}
	} else {
		if !isBuf {
			throw("TypeError", "Failed to execute 'importKey' on 'SubtleCrypto': keyData must be an ArrayBuffer or ArrayBufferView for the '%s' format.", format)
		}
		data = clone(s.bytes(src))
	}
	heavy := p.id.isRSA() && format != "raw"
	return job{heavy: heavy, work: func() result {
		return importChecked(p, format, data, jwk, extractable, u)
	}}
}

// importChecked imports and applies the final check: secret and private
// keys need at least one usage.
func importChecked(p *params, format string, data []byte, jwk *jwkData, extractable bool, u usage) *Key {
	k := importKey(p, format, data, jwk, extractable, u)
	if k.typ != keyPublic && k.usages == 0 {
		throw("SyntaxError", "A %s %s key must have at least one usage.", keyTypeNames[k.typ], k.alg.id)
	}
	return k
}

func (s *state) exportKey(call goja.FunctionCall) job {
	format := s.keyFormat(call.Argument(0), "exportKey")
	k := s.keyArg(call.Argument(1), "exportKey", 2)
	return job{heavy: false, work: func() result { return exportKey(format, k) }}
}

// deriveLength converts deriveBits' optional `unsigned long? length`.
func deriveLength(v goja.Value) (int, bool) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0, false
	}
	return int(uint32(v.ToInteger())), true
}

func (s *state) deriveBits(call goja.FunctionCall) job {
	k := s.keyArg(call.Argument(1), "deriveBits", 2)
	length, hasLength := deriveLength(call.Argument(2))
	p := s.normalize(opDeriveBits, call.Argument(0))
	checkKey(p, k, useDeriveBits)
	return job{heavy: deriveHeavy(p), work: func() result {
		return bytesRes(deriveBits(p, k, length, hasLength))
	}}
}

// deriveHeavy says whether deriveBits/deriveKey work goes off the loop:
// key agreement always, PBKDF2 unless the iteration count is tiny.
func deriveHeavy(p *params) bool {
	return p.id != algHKDF && !(p.id == algPBKDF2 && p.iterations <= 100)
}

func (s *state) deriveKey(call goja.FunctionCall) job {
	base := s.keyArg(call.Argument(1), "deriveKey", 2)
	extractable := call.Argument(3).ToBoolean()
	u := s.usagesArg(call.Argument(4), "deriveKey", 5)
	p := s.normalize(opDeriveBits, call.Argument(0))
	imp := s.normalize(opImportKey, call.Argument(2))
	kl := s.normalize(opGetKeyLength, call.Argument(2))
	checkKey(p, base, useDeriveKey)
	return job{heavy: deriveHeavy(p), work: func() result {
		length, hasLength := keyLength(kl)
		secret := deriveBits(p, base, length, hasLength)
		return importChecked(imp, "raw", secret, nil, extractable, u)
	}}
}

func (s *state) wrapKey(call goja.FunctionCall) job {
	format := s.keyFormat(call.Argument(0), "wrapKey")
	k := s.keyArg(call.Argument(1), "wrapKey", 2)
	wk := s.keyArg(call.Argument(2), "wrapKey", 3)
	p := s.normalizeFallback(opWrapKey, opEncrypt, call.Argument(3))
	checkKey(p, wk, useWrapKey)
	return job{heavy: wk.asymmetric() || k.asymmetric(), work: func() result {
		var b []byte
		switch r := exportKey(format, k).(type) {
		case bytesRes:
			b = r
		case *jwkData:
			b, _ = json.Marshal(r)
		}
		if p.id == algAESKW {
			return bytesRes(aesKeyWrap(wk.secret, b))
		}
		return bytesRes(encryptData(p, wk, b))
	}}
}

func (s *state) unwrapKey(call goja.FunctionCall) job {
	format := s.keyFormat(call.Argument(0), "unwrapKey")
	src := s.sourceArg(call.Argument(1), "unwrapKey", 2)
	uk := s.keyArg(call.Argument(2), "unwrapKey", 3)
	extractable := call.Argument(5).ToBoolean()
	u := s.usagesArg(call.Argument(6), "unwrapKey", 7)
	p := s.normalizeFallback(opUnwrapKey, opDecrypt, call.Argument(3))
	imp := s.normalize(opImportKey, call.Argument(4))
	wrapped := clone(s.bytes(src))
	checkKey(p, uk, useUnwrapKey)
	return job{heavy: true, work: func() result {
		var b []byte
		if p.id == algAESKW {
			b = aesKeyUnwrap(uk.secret, wrapped)
		} else {
			b = decryptData(p, uk, wrapped)
		}
		if format == "jwk" {
			jwk, err := parseJWKJSON(b)
			if err != nil {
				throw("DataError", "The unwrapped data is not a valid JSON Web Key: %v", err)
			}
			return importChecked(imp, format, nil, jwk, extractable, u)
		}
		return importChecked(imp, format, b, nil, extractable, u)
	}}
}
