package crypto

// Dispatch of the operations to the algorithm implementations. Everything
// here uses Go values only, so it may run on any goroutine; failures panic
// with a *cryptoErr (recovered by safeRun).

func signData(p *params, k *Key, data []byte, onLoop bool) []byte {
	switch p.id {
	case algHMAC:
		return hmacSign(k, data, onLoop)
	case algECDSA:
		return ecdsaSign(p, k, data)
	case algRSASSA, algRSAPSS:
		return rsaSign(p, k, data)
	case algEd25519:
		return edSign(k, data)
	}
	panic(opErr("sign is not supported for %s", p.id))
}

func verifyData(p *params, k *Key, sig, data []byte, onLoop bool) bool {
	switch p.id {
	case algHMAC:
		return hmacVerify(k, sig, data, onLoop)
	case algECDSA:
		return ecdsaVerify(p, k, sig, data)
	case algRSASSA, algRSAPSS:
		return rsaVerify(p, k, sig, data)
	case algEd25519:
		return edVerify(k, sig, data)
	}
	panic(opErr("verify is not supported for %s", p.id))
}

func encryptData(p *params, k *Key, data []byte) []byte {
	switch p.id {
	case algAESGCM:
		return gcmEncrypt(p, k, data)
	case algAESCBC:
		return cbcEncrypt(p, k, data)
	case algAESCTR:
		return ctrCrypt(p, k, data)
	case algRSAOAEP:
		return oaepEncrypt(p, k, data)
	}
	panic(opErr("encrypt is not supported for %s", p.id))
}

func decryptData(p *params, k *Key, data []byte) []byte {
	switch p.id {
	case algAESGCM:
		return gcmDecrypt(p, k, data)
	case algAESCBC:
		return cbcDecrypt(p, k, data)
	case algAESCTR:
		return ctrCrypt(p, k, data)
	case algRSAOAEP:
		return oaepDecrypt(p, k, data)
	}
	panic(opErr("decrypt is not supported for %s", p.id))
}

// generate implements generateKey; the result is a *Key or a keyPair.
func generate(p *params, extractable bool, u usage) result {
	switch {
	case p.id == algHMAC:
		return checkedSecret(hmacGenerate(p, extractable, u))
	case p.id.isAES():
		return checkedSecret(aesGenerate(p, extractable, u))
	case p.id.isEC():
		return checkedPair(ecGenerate(p, extractable, u))
	case p.id.isRSA():
		return checkedPair(rsaGenerate(p, extractable, u))
	case p.id == algEd25519 || p.id == algX25519:
		return checkedPair(okpGenerate(p, extractable, u))
	}
	panic(newErr("NotSupportedError", "generateKey is not supported for %s", p.id))
}

func checkedSecret(k *Key) *Key {
	if k.usages == 0 {
		throw("SyntaxError", "A secret %s key must have at least one usage.", k.alg.id)
	}
	return k
}

func checkedPair(kp keyPair) keyPair {
	if kp.priv.usages == 0 {
		throw("SyntaxError", "The private %s key of the pair would have no usages; pass at least one usage valid for a private key.", kp.priv.alg.id)
	}
	return kp
}

// pairUsages splits generateKey usages between the public and private key
// after checking them against the algorithm.
func pairUsages(a algID, u, pub, priv usage) (usage, usage) {
	checkUsages(a, "key pair", u, pub|priv)
	return u & pub, u & priv
}

// importKey imports key material in the given format.
func importKey(p *params, format string, data []byte, jwk *jwkData, extractable bool, u usage) *Key {
	var k *Key
	switch {
	case p.id == algHMAC:
		k = hmacImport(p, format, data, jwk, u)
	case p.id.isAES():
		k = aesImport(p, format, data, jwk, u)
	case p.id == algHKDF || p.id == algPBKDF2:
		k = kdfImport(p, format, data, extractable, u)
	case p.id.isEC():
		k = ecImport(p, format, data, jwk, u)
	case p.id.isRSA():
		k = rsaImport(p, format, data, jwk, u)
	case p.id == algEd25519 || p.id == algX25519:
		k = okpImport(p, format, data, jwk, u)
	default:
		panic(newErr("NotSupportedError", "importKey is not supported for %s", p.id))
	}
	if jwk != nil {
		jwk.checkCommon(k, extractable, u)
	}
	k.extractable = extractable
	k.usages = u
	return k
}

// exportKey exports a key: bytesRes for raw/spki/pkcs8, *jwkData for jwk.
func exportKey(format string, k *Key) result {
	a := k.alg.id
	if a == algHKDF || a == algPBKDF2 {
		throw("NotSupportedError", "%s keys cannot be exported.", a)
	}
	if !k.extractable {
		throw("InvalidAccessError", "The key is not extractable.")
	}
	switch {
	case a == algHMAC || a.isAES():
		return secretExport(format, k)
	case a.isEC():
		return ecExport(format, k)
	case a.isRSA():
		return rsaExport(format, k)
	default:
		return okpExport(format, k)
	}
}

func deriveBits(p *params, k *Key, length int, hasLength bool) []byte {
	switch p.id {
	case algHKDF:
		return hkdfDerive(p, k, length, hasLength)
	case algPBKDF2:
		return pbkdf2Derive(p, k, length, hasLength)
	case algECDH, algX25519:
		return ecdhDerive(p, k, length, hasLength)
	}
	panic(newErr("NotSupportedError", "deriveBits is not supported for %s", p.id))
}

// keyLength implements "get key length" for deriveKey.
func keyLength(p *params) (int, bool) {
	switch {
	case p.id.isAES():
		if p.length != 128 && p.length != 192 && p.length != 256 {
			throw("OperationError", "AES key length must be 128, 192 or 256 bits, not %d.", p.length)
		}
		return p.length, true
	case p.id == algHMAC:
		if !p.hasLength {
			return p.hash.blockBits(), true
		}
		if p.length == 0 {
			throw("TypeError", "HMAC key length must not be zero.")
		}
		return p.length, true
	}
	return 0, false
}

// truncateBits returns the first n bits of b (n <= 8*len(b)), zeroing the
// unused low bits of the last byte.
func truncateBits(b []byte, n int) []byte {
	out := b[:(n+7)/8]
	if r := n % 8; r != 0 {
		out[len(out)-1] &= 0xff << (8 - r)
	}
	return out
}
