package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"math"
)

// ---- HMAC (§29) ----

const hmacUsages = useSign | useVerify

func hmacSign(k *Key, data []byte, onLoop bool) []byte {
	if !onLoop {
		m := hmac.New(k.alg.hash.newHash(), k.secret)
		m.Write(data)
		return m.Sum(nil)
	}
	// On the loop goroutine the keyed state is reused between calls.
	if k.mac == nil {
		k.mac = hmac.New(k.alg.hash.newHash(), k.secret)
	} else {
		k.mac.Reset()
	}
	k.mac.Write(data)
	return k.mac.Sum(nil)
}

func hmacVerify(k *Key, sig, data []byte, onLoop bool) bool {
	return hmac.Equal(hmacSign(k, data, onLoop), sig)
}

func hmacGenerate(p *params, extractable bool, u usage) *Key {
	checkUsages(algHMAC, "secret key", u, hmacUsages)
	length := p.hash.blockBits()
	if p.hasLength {
		if p.length == 0 {
			throw("OperationError", "HMAC key length must not be zero.")
		}
		length = p.length
	}
	return &Key{typ: keySecret, extractable: extractable, usages: u,
		alg:    keyAlg{id: algHMAC, hash: p.hash, length: length},
		secret: randomBits(length)}
}

// randomBits returns length random bits (the unused low bits of the last
// byte are zero).
func randomBits(length int) []byte {
	b := make([]byte, (length+7)/8)
	_, _ = rand.Read(b)
	return truncateBits(b, length)
}

func hmacImport(p *params, format string, data []byte, jwk *jwkData, u usage) *Key {
	checkUsages(algHMAC, "secret key", u, hmacUsages)
	switch format {
	case "raw":
	case "jwk":
		if jwk.Kty != "oct" {
			throw("DataError", "The JWK 'kty' member must be \"oct\" for an HMAC key, not %q.", jwk.Kty)
		}
		data = jwk.bytes("k", jwk.K, true)
		if jwk.Alg != "" && jwk.Alg != hmacJWKAlg(p.hash) {
			throw("DataError", "The JWK 'alg' member %q does not match the HMAC hash %s (expected %q).", jwk.Alg, p.hash, hmacJWKAlg(p.hash))
		}
		jwk.checkUse("sig", u)
	default:
		throw("NotSupportedError", "HMAC keys cannot be imported in the '%s' format (use raw or jwk).", format)
	}
	bits := len(data) * 8
	if bits == 0 {
		throw("DataError", "HMAC key data must not be empty.")
	}
	length := bits
	if p.hasLength {
		if p.length > bits {
			throw("DataError", "The HMAC length %d is greater than the key data (%d bits).", p.length, bits)
		}
		if p.length <= bits-8 {
			throw("DataError", "The HMAC length %d is too short for the key data (%d bits): it must be more than %d.", p.length, bits, bits-8)
		}
		length = p.length
	}
	return &Key{typ: keySecret, alg: keyAlg{id: algHMAC, hash: p.hash, length: length}, secret: data}
}

func hmacJWKAlg(h algID) string {
	switch h {
	case algSHA1:
		return "HS1"
	case algSHA256:
		return "HS256"
	case algSHA384:
		return "HS384"
	}
	return "HS512"
}

// ---- AES (§§30-33) ----

func aesUsages(a algID) usage {
	if a == algAESKW {
		return useWrapKey | useUnwrapKey
	}
	return useEncrypt | useDecrypt | useWrapKey | useUnwrapKey
}

func aesGenerate(p *params, extractable bool, u usage) *Key {
	checkUsages(p.id, "secret key", u, aesUsages(p.id))
	if p.length != 128 && p.length != 192 && p.length != 256 {
		throw("OperationError", "AES key length must be 128, 192 or 256 bits, not %d.", p.length)
	}
	return &Key{typ: keySecret, extractable: extractable, usages: u,
		alg: keyAlg{id: p.id, length: p.length}, secret: randomBits(p.length)}
}

func aesJWKAlg(a algID, bytes int) string {
	suffix := map[algID]string{algAESGCM: "GCM", algAESCBC: "CBC", algAESCTR: "CTR", algAESKW: "KW"}[a]
	switch bytes {
	case 16:
		return "A128" + suffix
	case 24:
		return "A192" + suffix
	}
	return "A256" + suffix
}

func aesImport(p *params, format string, data []byte, jwk *jwkData, u usage) *Key {
	checkUsages(p.id, "secret key", u, aesUsages(p.id))
	switch format {
	case "raw":
	case "jwk":
		if jwk.Kty != "oct" {
			throw("DataError", "The JWK 'kty' member must be \"oct\" for an %s key, not %q.", p.id, jwk.Kty)
		}
		data = jwk.bytes("k", jwk.K, true)
		if len(data) == 16 || len(data) == 24 || len(data) == 32 {
			if want := aesJWKAlg(p.id, len(data)); jwk.Alg != "" && jwk.Alg != want {
				throw("DataError", "The JWK 'alg' member %q does not match the key (expected %q).", jwk.Alg, want)
			}
		}
		jwk.checkUse("enc", u)
	default:
		throw("NotSupportedError", "%s keys cannot be imported in the '%s' format (use raw or jwk).", p.id, format)
	}
	if n := len(data); n != 16 && n != 24 && n != 32 {
		throw("DataError", "AES key data must be 16, 24 or 32 bytes (128, 192 or 256 bits), not %d bytes.", n)
	}
	return &Key{typ: keySecret, alg: keyAlg{id: p.id, length: len(data) * 8}, secret: data}
}

func secretExport(format string, k *Key) result {
	switch format {
	case "raw":
		return bytesRes(clone(k.secret))
	case "jwk":
		j := &jwkData{Kty: "oct", K: b64(k.secret)}
		if k.alg.id == algHMAC {
			j.Alg = hmacJWKAlg(k.alg.hash)
		} else {
			j.Alg = aesJWKAlg(k.alg.id, len(k.secret))
		}
		return j.finish(k)
	}
	throw("NotSupportedError", "%s keys cannot be exported in the '%s' format (use raw or jwk).", k.alg.id, format)
	return nil
}

func aesBlock(k *Key) cipher.Block {
	b, err := aes.NewCipher(k.secret)
	if err != nil {
		throw("OperationError", "invalid AES key: %v", err)
	}
	return b
}

func checkTagLength(t int) {
	switch t {
	case 32, 64, 96, 104, 112, 120, 128:
		return
	}
	throw("OperationError", "AES-GCM tagLength must be one of 32, 64, 96, 104, 112, 120 or 128, not %d.", t)
}

// gcm returns an AEAD with a full 16-byte tag for the IV. Shorter tags are
// the leading bytes of the full tag (NIST SP 800-38D §5.2.1.2).
func gcm(p *params, k *Key) cipher.AEAD {
	if len(p.iv) == 0 {
		throw("OperationError", "The AES-GCM iv must not be empty.")
	}
	a, err := cipher.NewGCMWithNonceSize(aesBlock(k), len(p.iv))
	if err != nil {
		throw("OperationError", "AES-GCM: %v", err)
	}
	return a
}

func gcmEncrypt(p *params, k *Key, data []byte) []byte {
	checkTagLength(p.tagLength)
	a := gcm(p, k)
	out := a.Seal(nil, p.iv, data, p.additionalData)
	return out[:len(data)+p.tagLength/8]
}

func gcmDecrypt(p *params, k *Key, data []byte) []byte {
	checkTagLength(p.tagLength)
	tagBytes := p.tagLength / 8
	if len(data) < tagBytes {
		throw("OperationError", "The AES-GCM ciphertext (%d bytes) is shorter than the tag (%d bytes).", len(data), tagBytes)
	}
	a := gcm(p, k)
	if tagBytes == 16 {
		out, err := a.Open(nil, p.iv, data, p.additionalData)
		if err != nil {
			throw("OperationError", "AES-GCM decryption failed: the data or tag is not authentic (wrong key, iv, additionalData or tagLength, or corrupted ciphertext).")
		}
		return out
	}
	// Truncated tag: decrypt with the GCM keystream (sealing zeros yields
	// it), recompute the full tag and compare its prefix in constant time.
	ct, tag := data[:len(data)-tagBytes], data[len(data)-tagBytes:]
	ks := a.Seal(nil, p.iv, make([]byte, len(ct)), nil)
	pt := make([]byte, len(ct))
	subtle.XORBytes(pt, ct, ks[:len(ct)])
	full := a.Seal(nil, p.iv, pt, p.additionalData)
	if subtle.ConstantTimeCompare(full[len(ct):len(ct)+tagBytes], tag) != 1 {
		throw("OperationError", "AES-GCM decryption failed: the data or tag is not authentic (wrong key, iv, additionalData or tagLength, or corrupted ciphertext).")
	}
	return pt
}

func cbcEncrypt(p *params, k *Key, data []byte) []byte {
	if len(p.iv) != aes.BlockSize {
		throw("OperationError", "The AES-CBC iv must be 16 bytes, not %d.", len(p.iv))
	}
	pad := aes.BlockSize - len(data)%aes.BlockSize
	buf := make([]byte, len(data)+pad)
	copy(buf, data)
	for i := len(data); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(aesBlock(k), p.iv).CryptBlocks(buf, buf)
	return buf
}

func cbcDecrypt(p *params, k *Key, data []byte) []byte {
	if len(p.iv) != aes.BlockSize {
		throw("OperationError", "The AES-CBC iv must be 16 bytes, not %d.", len(p.iv))
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		throw("OperationError", "The AES-CBC ciphertext length (%d) must be a non-zero multiple of 16.", len(data))
	}
	buf := make([]byte, len(data))
	cipher.NewCBCDecrypter(aesBlock(k), p.iv).CryptBlocks(buf, data)
	// Constant-time padding check (no padding oracle through timing).
	pad := int(buf[len(buf)-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, aes.BlockSize)
	for i := 0; i < aes.BlockSize; i++ {
		inPad := subtle.ConstantTimeLessOrEq(i+1, pad)
		good &= subtle.ConstantTimeSelect(inPad, subtle.ConstantTimeByteEq(buf[len(buf)-1-i], byte(pad)), 1)
	}
	if good != 1 {
		throw("OperationError", "AES-CBC decryption failed: invalid PKCS#7 padding (wrong key or iv, or corrupted ciphertext).")
	}
	return buf[:len(buf)-pad]
}

// ctrCrypt is AES-CTR where only the rightmost length bits of the counter
// block are incremented (they wrap around; the rest is a fixed nonce).
func ctrCrypt(p *params, k *Key, data []byte) []byte {
	if len(p.iv) != aes.BlockSize {
		throw("OperationError", "The AES-CTR counter must be 16 bytes, not %d.", len(p.iv))
	}
	length := p.length
	if length == 0 || length > 128 {
		throw("OperationError", "The AES-CTR length must be between 1 and 128 bits, not %d.", length)
	}
	blocks := uint64((len(data) + aes.BlockSize - 1) / aes.BlockSize)
	if length < 64 && blocks > 1<<uint(length) {
		throw("OperationError", "The data (%d blocks) is too long for a %d-bit AES-CTR counter: the counter would repeat.", blocks, length)
	}
	block := aesBlock(k)
	ctr := clone(p.iv)
	out := make([]byte, len(data))
	for off := 0; off < len(data); {
		n := len(data) - off
		if until := blocksUntilWrap(ctr, length); until < uint64(n+aes.BlockSize-1)/aes.BlockSize {
			n = int(until) * aes.BlockSize
		}
		cipher.NewCTR(block, ctr).XORKeyStream(out[off:off+n], data[off:off+n])
		off += n
		// The counter bits wrapped: they restart at zero.
		for i := 0; i < length; i++ {
			ctr[15-i/8] &^= 1 << uint(i%8)
		}
	}
	return out
}

// blocksUntilWrap is how many blocks can be processed before the rightmost
// length bits of ctr wrap to zero (saturating at MaxUint64).
func blocksUntilWrap(ctr []byte, length int) uint64 {
	lo := binary.BigEndian.Uint64(ctr[8:])
	if length < 64 {
		mask := uint64(1)<<uint(length) - 1
		return mask - lo&mask + 1
	}
	if hiBits := length - 64; hiBits > 0 {
		hmask := uint64(math.MaxUint64)
		if hiBits < 64 {
			hmask = uint64(1)<<uint(hiBits) - 1
		}
		if binary.BigEndian.Uint64(ctr[:8])&hmask != hmask {
			return math.MaxUint64
		}
	}
	if lo == 0 {
		return math.MaxUint64
	}
	return -lo
}

// ---- AES-KW (RFC 3394) ----

var kwIV = [8]byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}

func aesKeyWrap(kek, plain []byte) []byte {
	if len(plain) < 16 || len(plain)%8 != 0 {
		throw("OperationError", "AES-KW can only wrap data whose length is a multiple of 8 bytes and at least 16 bytes, not %d bytes.", len(plain))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		throw("OperationError", "invalid AES key: %v", err)
	}
	n := len(plain) / 8
	out := make([]byte, 8+len(plain))
	copy(out[8:], plain)
	var a [8]byte = kwIV
	var buf [16]byte
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(buf[:8], a[:])
			copy(buf[8:], out[8*i:8*i+8])
			block.Encrypt(buf[:], buf[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(buf[:8])^t)
			copy(out[8*i:], buf[8:])
		}
	}
	copy(out[:8], a[:])
	return out
}

func aesKeyUnwrap(kek, wrapped []byte) []byte {
	if len(wrapped) < 24 || len(wrapped)%8 != 0 {
		throw("OperationError", "AES-KW wrapped data must be a multiple of 8 bytes and at least 24 bytes, not %d bytes.", len(wrapped))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		throw("OperationError", "invalid AES key: %v", err)
	}
	n := len(wrapped)/8 - 1
	out := make([]byte, len(wrapped)-8)
	copy(out, wrapped[8:])
	var a [8]byte
	copy(a[:], wrapped[:8])
	var buf [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(buf[:8], binary.BigEndian.Uint64(a[:])^t)
			copy(buf[8:], out[8*(i-1):8*i])
			block.Decrypt(buf[:], buf[:])
			copy(a[:], buf[:8])
			copy(out[8*(i-1):], buf[8:])
		}
	}
	if subtle.ConstantTimeCompare(a[:], kwIV[:]) != 1 {
		throw("OperationError", "AES-KW unwrap failed: integrity check failed (wrong key or corrupted data).")
	}
	return out
}

// ---- HKDF and PBKDF2 (§§34-35) ----

func kdfImport(p *params, format string, data []byte, extractable bool, u usage) *Key {
	if format != "raw" {
		throw("NotSupportedError", "%s keys can only be imported in the 'raw' format, not '%s'.", p.id, format)
	}
	checkUsages(p.id, "secret key", u, useDeriveKey|useDeriveBits)
	if extractable {
		throw("SyntaxError", "%s keys cannot be extractable: pass false for extractable.", p.id)
	}
	return &Key{typ: keySecret, alg: keyAlg{id: p.id}, secret: data}
}

func hkdfDerive(p *params, k *Key, length int, hasLength bool) []byte {
	if !hasLength {
		throw("OperationError", "HKDF deriveBits needs a length.")
	}
	if length%8 != 0 {
		throw("OperationError", "The HKDF length (%d) must be a multiple of 8.", length)
	}
	if length == 0 {
		return []byte{}
	}
	out, err := hkdf.Key(p.hash.newHash(), k.secret, p.salt, string(p.info), length/8)
	if err != nil {
		throw("OperationError", "HKDF: %v (at most 255 × the hash length can be derived)", err)
	}
	return out
}

func pbkdf2Derive(p *params, k *Key, length int, hasLength bool) []byte {
	if !hasLength {
		throw("OperationError", "PBKDF2 deriveBits needs a length.")
	}
	if length%8 != 0 {
		throw("OperationError", "The PBKDF2 length (%d) must be a multiple of 8.", length)
	}
	if p.iterations == 0 {
		throw("OperationError", "PBKDF2 iterations must not be zero.")
	}
	if p.iterations > MaxPBKDF2Iterations {
		throw("NotSupportedError", "PBKDF2 with more than %d iterations is not supported (got %d).", MaxPBKDF2Iterations, p.iterations)
	}
	if length == 0 {
		// The current spec (and WPT) make a zero length an error.
		throw("OperationError", "The PBKDF2 length must not be zero.")
	}
	out, err := pbkdf2.Key(p.hash.newHash(), string(k.secret), p.salt, p.iterations, length/8)
	if err != nil {
		throw("OperationError", "PBKDF2: %v", err)
	}
	return out
}
