package crypto

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

// The eight small-order points of edwards25519 have five distinct y values;
// libsodium's blocklist gives the encodings of the order-8 ones.
func TestSmallOrderPoints(t *testing.T) {
	require.Len(t, smallOrderY, 5)
	for _, h := range []string{
		"0100000000000000000000000000000000000000000000000000000000000000", // identity
		"0000000000000000000000000000000000000000000000000000000000000000", // order 4
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2 (y = -1)
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p+1, non-canonical identity
	} {
		b, _ := hex.DecodeString(h)
		require.True(t, smallOrder(b), h)
	}
	// An ordinary public key (RFC 8032 test 1).
	b, _ := hex.DecodeString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	require.False(t, smallOrder(b))
}

func TestBlocksUntilWrap(t *testing.T) {
	ctr := make([]byte, 16)
	require.Equal(t, uint64(256), blocksUntilWrap(ctr, 8))
	ctr[15] = 0xff
	require.Equal(t, uint64(1), blocksUntilWrap(ctr, 8))
	require.Equal(t, uint64(1<<16-255), blocksUntilWrap(ctr, 16))
	for i := 8; i < 16; i++ {
		ctr[i] = 0xff
	}
	require.Equal(t, uint64(1), blocksUntilWrap(ctr, 64))
	require.Equal(t, ^uint64(0), blocksUntilWrap(ctr, 65)) // bit 64 is zero: no wrap soon
	ctr[7] = 1
	require.Equal(t, uint64(1), blocksUntilWrap(ctr, 65))
	require.Equal(t, ^uint64(0), blocksUntilWrap(make([]byte, 16), 128))
}
