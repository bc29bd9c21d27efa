// Package crypto implements the W3C Web Cryptography API for workers: the
// `crypto` global (Crypto: getRandomValues, randomUUID, subtle), SubtleCrypto
// and CryptoKey.
//
// Algorithms and key formats:
//
//	digest                SHA-1, SHA-256, SHA-384, SHA-512
//	HMAC                  sign/verify; raw, jwk
//	ECDSA (P-256/384/521) sign/verify (IEEE P1363 r||s); raw, spki, pkcs8, jwk
//	ECDH (P-256/384/521)  deriveBits/deriveKey; raw, spki, pkcs8, jwk
//	Ed25519               sign/verify; raw, spki, pkcs8, jwk
//	X25519                deriveBits/deriveKey; raw, spki, pkcs8, jwk
//	RSASSA-PKCS1-v1_5     sign/verify; spki, pkcs8, jwk
//	RSA-PSS               sign/verify; spki, pkcs8, jwk
//	RSA-OAEP              encrypt/decrypt/wrapKey/unwrapKey (label); spki, pkcs8, jwk
//	AES-GCM               iv of any length, additionalData, tagLength 32, 64, 96..128; raw, jwk
//	AES-CBC               PKCS #7 padding; raw, jwk
//	AES-CTR               counter + length (the counter bits wrap); raw, jwk
//	AES-KW                wrapKey/unwrapKey (RFC 3394); raw, jwk
//	HKDF, PBKDF2          deriveBits/deriveKey; raw (never extractable)
//
// Raw EC public keys may be compressed points on import; exports are
// uncompressed. RSA key generation only uses the exponent 65537 and
// modulus lengths from 1024 to MaxRSAModulusLength. RSA-PSS uses exactly
// the requested saltLength, 0 included: crypto/rsa reads 0 as "as long as
// possible", so salt-less signatures are encoded here (RFC 8017 EMSA-PSS)
// and signed with a constant-time private-key operation (filippo.io/bigmod,
// Go's own bigmod), then checked with rsa.VerifyPSS before they are
// returned; verifying them is exact too.
//
// Everything is built lazily: Install only defines the global bindings, and
// the interfaces are created the first time a script touches one of them.
// Key material stays in Go memory; a CryptoKey object only exposes its type,
// extractable flag, algorithm and usages. Every SubtleCrypto method returns
// a promise; argument and normalization errors reject it. As the
// specification orders it, the algorithm is normalized before the bytes of
// the BufferSource arguments are read, so changes that getters of the
// algorithm dictionary make to them are seen (changes made after the call
// returns are not). Expensive work (anything with an RSA, EC or Edwards
// key, inputs over InlineLimit, PBKDF2 with more than 100 iterations) runs
// on a goroutine, bounded process-wide, on a copy of the inputs, and settles
// the promise through realm.Submit; cheap work (digests and MACs of small
// inputs, AES on small inputs, HKDF) runs inline, during the call.
package crypto
