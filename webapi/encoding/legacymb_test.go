package encoding

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// indexIdentifier computes an Encoding Standard index's "Identifier": the
// SHA-256 of the index as the standard's tools-index.py prints it (a Python
// list of code points, None for the pointers without one).
func indexIdentifier(n int, at func(int) (int64, bool)) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if v, ok := at(i); ok {
			b.WriteString(strconv.FormatInt(v, 10))
		} else {
			b.WriteString("None")
		}
	}
	b.WriteByte(']')
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// TestGB18030Index checks our index gb18030 against the standard's
// index-gb18030.txt (GB18030-2022 adopted, 2024), by its identifier.
func TestGB18030Index(t *testing.T) {
	idx := gb18030Index()
	require.Equal(t, "ff1c9a923b5d24f9761b3a2de2c0f07b395f9f6f36519508944de4f0415be81c",
		indexIdentifier(len(idx), func(i int) (int64, bool) { return int64(idx[i]), idx[i] != 0 }))
	// The entries golang.org/x/text gets wrong or leaves out.
	for pointer, cp := range map[int]uint16{
		7533: 0x1E3F,                                           // GB18030-2005 (0xA8 0xBC)
		7182: 0xFE10, 7183: 0xFE12, 7184: 0xFE11, 7208: 0xFE19, // GB18030-2022
		23775: 0x9FB4, 23845: 0x9FBB, // GB18030-2022
		23939: 0xE4C5, 7886: 0xE000, 6080: 0xE4C6, // user-defined areas (PUA)
	} {
		require.Equal(t, cp, idx[pointer], "pointer %d", pointer)
	}
}

func TestGB18030Ranges(t *testing.T) {
	require.Equal(t, "f963aaa1653f630c523e7b04729fb4e4458f35806c45eb5c179445623138f0c0",
		rangesIdentifier())
	for pointer, want := range map[int]rune{
		0: 0x80, 35: 0xA3, 36: 0xA5, 7456: 0x1E3E, 7457: 0xE7C7, 7458: 0x1E40,
		39419: 0xFFFF, 39420: -1, 188999: -1, 189000: 0x10000, 1237575: 0x10FFFF, 1237576: -1,
	} {
		require.Equal(t, want, gb18030RangesCodePoint(pointer), "pointer %d", pointer)
	}
}

func rangesIdentifier() string {
	parts := make([]string, len(gb18030Ranges))
	for i, r := range gb18030Ranges {
		parts[i] = "[" + strconv.Itoa(int(r[0])) + ", " + strconv.Itoa(int(r[1])) + "]"
	}
	sum := sha256.Sum256([]byte("[" + strings.Join(parts, ", ") + "]"))
	return hex.EncodeToString(sum[:])
}

// TestJIS0208Index checks the part of index jis0208 that ISO-2022-JP uses
// (pointers 0..8835) against the standard's index-jis0208.txt: the
// identifier of its first 94×94 entries.
func TestJIS0208Index(t *testing.T) {
	idx := jis0208Index()
	require.Equal(t, "fdced4c97dae5823d6e59f8f5d37be44897fb87366da1463d7053b5d17805cec",
		indexIdentifier(len(idx), func(i int) (int64, bool) { return int64(idx[i]), idx[i] != 0 }))
}
