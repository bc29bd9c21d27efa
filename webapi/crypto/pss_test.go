package crypto_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
)

var pssHashes = []struct {
	name string
	h    crypto.Hash
}{
	{"SHA-1", crypto.SHA1},
	{"SHA-256", crypto.SHA256},
	{"SHA-384", crypto.SHA384},
	{"SHA-512", crypto.SHA512},
}

// refPSSEncode builds EM for RFC 8017 EMSA-PSS-ENCODE (§9.1.1) with MGF1
// (appendix B.2.1) over the same hash, step by step, written independently
// of the package's encoder. emBits = modBits - 1.
func refPSSEncode(t *testing.T, h crypto.Hash, mHash, salt []byte, emBits int) []byte {
	t.Helper()
	hash := func(parts ...[]byte) []byte {
		d := h.New()
		for _, p := range parts {
			d.Write(p)
		}
		return d.Sum(nil)
	}
	hLen := h.Size()
	emLen := (emBits + 7) / 8                                    // step 3's emLen
	require.GreaterOrEqual(t, emLen, hLen+len(salt)+2)           // step 3
	mPrime := append(append(make([]byte, 8), mHash...), salt...) // step 5
	H := hash(mPrime)                                            // step 6
	ps := make([]byte, emLen-len(salt)-hLen-2)                   // step 7
	db := append(append(ps, 0x01), salt...)                      // step 8
	var dbMask []byte                                            // step 9: MGF1(H, emLen-hLen-1)
	for counter := uint32(0); len(dbMask) < len(db); counter++ {
		c := []byte{byte(counter >> 24), byte(counter >> 16), byte(counter >> 8), byte(counter)}
		dbMask = append(dbMask, hash(H, c)...)
	}
	maskedDB := make([]byte, len(db)) // step 10
	for i := range db {
		maskedDB[i] = db[i] ^ dbMask[i]
	}
	maskedDB[0] &= byte(0xff >> (8*emLen - emBits)) // step 11
	return append(append(maskedDB, H...), 0xbc)     // step 12
}

// rsaEncryptBig computes sig^e mod n with math/big and returns it as an
// octet string of length emLen (RSAVP1 then I2OSP(m, emLen)).
func rsaEncryptBig(t *testing.T, pub *rsa.PublicKey, sig []byte, emLen int) []byte {
	t.Helper()
	require.Len(t, sig, pub.Size())
	s := new(big.Int).SetBytes(sig)
	require.Negative(t, s.Cmp(pub.N))
	m := new(big.Int).Exp(s, big.NewInt(int64(pub.E)), pub.N)
	require.LessOrEqual(t, (m.BitLen()+7)/8, emLen)
	return m.FillBytes(make([]byte, emLen))
}

// pssJSKeys imports k into the realm as RSA-PSS keys for hash and returns
// the JS expressions that import them.
func pssJSKeys(t *testing.T, k *rsa.PrivateKey, hash string) (priv, pub string) {
	t.Helper()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	spki, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	priv = fmt.Sprintf(`await subtle.importKey('pkcs8', fromHex('%x'), {name: 'RSA-PSS', hash: '%s'}, false, ['sign'])`, pkcs8, hash)
	pub = fmt.Sprintf(`await subtle.importKey('spki', fromHex('%x'), {name: 'RSA-PSS', hash: '%s'}, false, ['verify'])`, spki, hash)
	return priv, pub
}

// TestRSAPSSZeroSaltSign signs with saltLength 0 through crypto.subtle, for
// every hash and for modulus sizes where EM is one byte shorter than the
// modulus (1025 bits) or has 1 and 7 unused leading bits, and checks the
// signature against Go's verifier, crypto.subtle.verify and a known answer.
func TestRSAPSSZeroSaltSign(t *testing.T) {
	e := env(t)
	for _, bits := range []int{1025, 1031, 2048} {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		require.NoError(t, err)
		require.Equal(t, bits, k.N.BitLen())
		for _, hc := range pssHashes {
			t.Run(fmt.Sprintf("%d/%s", bits, hc.name), func(t *testing.T) {
				msg := "message for " + hc.name
				priv, pub := pssJSKeys(t, k, hc.name)
				out := run(t, e, fmt.Sprintf(`(async () => {
					const priv = %s, pub = %s;
					const s1 = await subtle.sign({name: 'RSA-PSS', saltLength: 0}, priv, ascii('%s'));
					const s2 = await subtle.sign({name: 'RSA-PSS', saltLength: 0}, priv, ascii('%s'));
					return JSON.stringify([hex(s1), hex(s2),
						await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, s1, ascii('%s')),
						await subtle.verify({name: 'RSA-PSS', saltLength: 0}, pub, s1, ascii('other')),
						await subtle.verify({name: 'RSA-PSS', saltLength: 1}, pub, s1, ascii('%s')),
						await subtle.verify({name: 'RSA-PSS', saltLength: %d}, pub, s1, ascii('%s'))]);
				})()`, priv, pub, msg, msg, msg, msg, hc.h.Size(), msg)).(string)
				var res []any
				require.NoError(t, json.Unmarshal([]byte(out), &res))
				require.Equal(t, []any{true, false, false, false}, res[2:], "subtle.verify: salt 0 ok, other message/salt lengths rejected")
				sig, err := hex.DecodeString(res[0].(string))
				require.NoError(t, err)
				sig2, err := hex.DecodeString(res[1].(string))
				require.NoError(t, err)
				require.Len(t, sig, k.Size())
				// Deterministic: only true with an empty salt.
				require.Equal(t, sig, sig2)

				d := hc.h.New()
				d.Write([]byte(msg))
				mHash := d.Sum(nil)
				// Go's verifier (SaltLength 0 detects the salt length).
				require.NoError(t, rsa.VerifyPSS(&k.PublicKey, hc.h, mHash, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}))
				require.Error(t, rsa.VerifyPSS(&k.PublicKey, hc.h, mHash, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}))
				require.Error(t, rsa.VerifyPSS(&k.PublicKey, hc.h, mHash, sig, &rsa.PSSOptions{SaltLength: 1}))

				// Known answer: sig^e mod n is exactly the EM of RFC 8017 with
				// an empty salt, and sig is exactly EM^d mod n.
				emBits := k.N.BitLen() - 1
				em := refPSSEncode(t, hc.h, mHash, nil, emBits)
				require.Equal(t, hex.EncodeToString(em), hex.EncodeToString(rsaEncryptBig(t, &k.PublicKey, sig, len(em))))
				want := new(big.Int).Exp(new(big.Int).SetBytes(em), k.D, k.N).FillBytes(make([]byte, k.Size()))
				require.Equal(t, want, sig)
			})
		}
	}
}

// refPSSSaltLength recovers the salt length of a PSS signature from its EM
// (RFC 8017 §9.1.2 steps 4-10 without a known sLen), independently of the
// package and of Go's verifier, and checks H = Hash(M').
func refPSSSaltLength(t *testing.T, pub *rsa.PublicKey, h crypto.Hash, mHash, sig []byte) int {
	t.Helper()
	emBits := pub.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	em := rsaEncryptBig(t, pub, sig, emLen)
	hLen := h.Size()
	require.Equal(t, byte(0xbc), em[emLen-1])
	maskedDB, H := em[:emLen-hLen-1], em[emLen-hLen-1:emLen-1]
	require.Zero(t, em[0]&^byte(0xff>>(8*emLen-emBits)))
	var mask []byte
	for c := uint32(0); len(mask) < len(maskedDB); c++ {
		d := h.New()
		d.Write(H)
		d.Write([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
		mask = d.Sum(mask)
	}
	db := make([]byte, len(maskedDB))
	for i := range db {
		db[i] = maskedDB[i] ^ mask[i]
	}
	db[0] &= byte(0xff >> (8*emLen - emBits))
	one := bytes.IndexByte(db, 0x01)
	require.GreaterOrEqual(t, one, 0)
	require.Equal(t, make([]byte, one), db[:one], "PS is all zeros")
	salt := db[one+1:]
	d := h.New()
	d.Write(make([]byte, 8))
	d.Write(mHash)
	d.Write(salt)
	require.Equal(t, H, d.Sum(nil))
	return len(salt)
}

// TestRSAPSSEverySaltLength signs with every saltLength from 0 to the
// largest the key allows and checks that the signature carries exactly that
// salt; one more is an OperationError, as is a huge value (which must not
// allocate the salt).
func TestRSAPSSEverySaltLength(t *testing.T) {
	e := env(t)
	k, err := rsa.GenerateKey(rand.Reader, 1025)
	require.NoError(t, err)
	emLen := (k.N.BitLen() - 1 + 7) / 8
	for _, hc := range pssHashes {
		t.Run(hc.name, func(t *testing.T) {
			maxSalt := emLen - hc.h.Size() - 2
			priv, pub := pssJSKeys(t, k, hc.name)
			msg := "every salt length"
			out := run(t, e, fmt.Sprintf(`(async () => {
				const priv = %s, pub = %s, m = ascii('%s');
				const sigs = [], oks = [];
				for (let s = 0; s <= %d; s++) {
					const sig = await subtle.sign({name: 'RSA-PSS', saltLength: s}, priv, m);
					sigs.push(hex(sig));
					oks.push(await subtle.verify({name: 'RSA-PSS', saltLength: s}, pub, sig, m));
				}
				const errs = [];
				for (const s of [%d, 0xffffffff]) {
					try { await subtle.sign({name: 'RSA-PSS', saltLength: s}, priv, m); errs.push('none'); } catch (e) { errs.push(e.name); }
				}
				return JSON.stringify({sigs, oks, errs});
			})()`, priv, pub, msg, maxSalt, maxSalt+1)).(string)
			var res struct {
				Sigs []string
				Oks  []bool
				Errs []string
			}
			require.NoError(t, json.Unmarshal([]byte(out), &res))
			require.Equal(t, []string{"OperationError", "OperationError"}, res.Errs)
			require.Len(t, res.Sigs, maxSalt+1)
			d := hc.h.New()
			d.Write([]byte(msg))
			mHash := d.Sum(nil)
			for s, sh := range res.Sigs {
				require.True(t, res.Oks[s], "subtle.verify with saltLength %d", s)
				sig, err := hex.DecodeString(sh)
				require.NoError(t, err)
				require.Equal(t, s, refPSSSaltLength(t, &k.PublicKey, hc.h, mHash, sig), "salt length of the signature made with saltLength %d", s)
				opts := &rsa.PSSOptions{SaltLength: s}
				if s == 0 {
					opts.SaltLength = rsa.PSSSaltLengthAuto
				}
				require.NoError(t, rsa.VerifyPSS(&k.PublicKey, hc.h, mHash, sig, opts), "saltLength %d", s)
			}
		})
	}
}
