package crypto

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// rsaDecrypt agrees with math/big's c^d mod n, through the CRT and through
// plain d (a key without its precomputed values).
func TestRSADecryptMatchesBig(t *testing.T) {
	for _, bits := range []int{1024, 1025, 2048} {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		require.NoError(t, err)
		noCRT := &rsa.PrivateKey{PublicKey: k.PublicKey, D: k.D, Primes: k.Primes}
		for i := 0; i < 8; i++ {
			c, err := rand.Int(rand.Reader, k.N)
			require.NoError(t, err)
			if i == 0 {
				c.SetInt64(0)
			} else if i == 1 {
				c.Sub(k.N, big.NewInt(1))
			}
			in := c.FillBytes(make([]byte, k.Size()))
			want := new(big.Int).Exp(c, k.D, k.N).FillBytes(make([]byte, k.Size()))
			got, err := rsaDecrypt(k, in)
			require.NoError(t, err)
			require.Equal(t, want, got)
			got, err = rsaDecrypt(noCRT, in)
			require.NoError(t, err)
			require.Equal(t, want, got)
		}
		// An input that is not below the modulus is refused.
		_, err = rsaDecrypt(k, k.N.Bytes())
		require.Error(t, err)
	}
}

// A faulty CRT computation (here, a wrong dP) is caught by the
// verification before the signature leaves.
func TestPSSSignNoSaltFaultCheck(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	mHash := digestBytes(algSHA256, []byte("m"))
	sig, err := pssSignNoSalt(k, algSHA256, mHash)
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, mHash, sig, nil))
	require.True(t, pssVerifyNoSalt(&k.PublicKey, algSHA256, mHash, sig))

	bad := *k
	bad.Precomputed.Dp = new(big.Int).Add(k.Precomputed.Dp, big.NewInt(2))
	_, err = pssSignNoSalt(&bad, algSHA256, mHash)
	require.ErrorContains(t, err, "consistency check")
}
