package encoding_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/encoding"
)

type decodeCase struct {
	in   []byte
	want string
}

// checkDecoder decodes each case in one call, then byte by byte with
// stream set (the state machine must carry its state, including bytes it
// restores, across chunks), then in fatal mode (an error exactly when the
// output has a U+FFFD that the input does not encode).
func checkDecoder(t *testing.T, label string, cases []decodeCase, legitFFFD func([]byte) bool) {
	t.Helper()
	for _, c := range cases {
		d, err := encoding.NewDecoder(label, false, false)
		require.NoError(t, err)
		got, err := d.Decode(c.in, false)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "%s % X", label, c.in)

		var sb strings.Builder
		for _, b := range c.in {
			s, err := d.Decode([]byte{b}, true)
			require.NoError(t, err)
			sb.WriteString(s)
		}
		s, err := d.Decode(nil, false)
		require.NoError(t, err)
		sb.WriteString(s)
		require.Equal(t, c.want, sb.String(), "%s % X streamed byte by byte", label, c.in)

		f, err := encoding.NewDecoder(label, true, false)
		require.NoError(t, err)
		got, err = f.Decode(c.in, false)
		if strings.ContainsRune(c.want, '\uFFFD') && (legitFFFD == nil || !legitFFFD(c.in)) {
			require.ErrorIs(t, err, encoding.ErrInvalidData, "%s % X fatal", label, c.in)
		} else {
			require.NoError(t, err, "%s % X fatal", label, c.in)
			require.Equal(t, c.want, got)
		}
	}
}

// The cases of WPT encoding/iso-2022-jp-decoder.any.js.
var iso2022jpCases = []decodeCase{
	{[]byte{0x1b, 0x24}, "\ufffd$"},
	{[]byte{0x1b, 0x24, 0x50}, "\ufffd$P"},
	{[]byte{0x1b, 0x28, 0x42, 0x50}, "P"},
	{[]byte{0x1b, 0x28, 0x42, 0x1b, 0x28, 0x42, 0x50}, "\ufffdP"},
	{[]byte{0x50, 0x1b, 0x28, 0x42, 0x50}, "PP"},
	{[]byte{0x5C, 0x5D, 0x7E}, "\\]~"},
	{[]byte{0x0D, 0x0E, 0x0F, 0x10}, "\x0D\ufffd\ufffd\x10"},
	{[]byte{0x1b, 0x28, 0x4A, 0x5C, 0x5D, 0x7E}, "¥]‾"},
	{[]byte{0x1b, 0x28, 0x4A, 0x0D, 0x0E, 0x0F, 0x10}, "\x0D\ufffd\ufffd\x10"},
	{[]byte{0x1b, 0x28, 0x4A, 0x1b, 0x1b, 0x28, 0x49, 0x50}, "\ufffdﾐ"},
	{[]byte{0x1b, 0x28, 0x49, 0x50}, "ﾐ"},
	{[]byte{0x1b, 0x28, 0x49, 0x1b, 0x24, 0x40, 0x50, 0x50}, "\ufffd佩"},
	{[]byte{0x1b, 0x28, 0x49, 0x1b, 0x50}, "\ufffdﾐ"},
	{[]byte{0x1b, 0x28, 0x49, 0x1b, 0x24, 0x50}, "\ufffd､ﾐ"},
	{[]byte{0x1b, 0x28, 0x49, 0x50, 0x1b, 0x28, 0x49, 0x50}, "ﾐﾐ"},
	{[]byte{0x1b, 0x28, 0x49, 0x0D, 0x0E, 0x0F, 0x10}, "\ufffd\ufffd\ufffd\ufffd"},
	{[]byte{0x1b, 0x24, 0x40, 0x50, 0x50}, "佩"},
	{[]byte{0x1b, 0x24, 0x42, 0x50, 0x50}, "佩"},
	{[]byte{0x1b, 0x24, 0x42, 0x1b, 0x50, 0x50}, "\ufffd佩"},
	{[]byte{0x1b, 0x24, 0x40, 0x1b, 0x24, 0x40}, "\ufffd"},
	{[]byte{0x1b, 0x24, 0x40, 0x1b, 0x24, 0x40, 0x50, 0x50}, "\ufffd佩"},
	{[]byte{0x1b, 0x24, 0x40, 0x1b, 0x24, 0x42, 0x50, 0x50}, "\ufffd佩"},
	{[]byte{0x1b, 0x24, 0x40, 0x1b, 0x24, 0x50, 0x50}, "\ufffdば\ufffd"},
	{[]byte{0x1b, 0x24, 0x40, 0x50, 0x1b, 0x24, 0x40, 0x50, 0x50}, "\ufffd佩"},
	{[]byte{0x1b, 0x24, 0x40, 0x20, 0x50}, "\ufffd\ufffd"},
	{[]byte{0x1b, 0x24, 0x40, 0x50, 0x20}, "\ufffd"},
	{[]byte{0x50, 0x1b}, "P\ufffd"},
	{[]byte{0x50, 0x1b, 0x24}, "P\ufffd$"},
	{[]byte{0x50, 0x1b, 0x50}, "P\ufffdP"},
	{[]byte{0x50, 0x1b, 0x28, 0x42}, "P"},
	{[]byte{0x50, 0x1b, 0x28, 0x4A}, "P"},
	{[]byte{0x50, 0x1b, 0x28, 0x49}, "P"},
	{[]byte{0x50, 0x1b, 0x24, 0x40}, "P"},
	{[]byte{0x50, 0x1b, 0x24, 0x42}, "P"},
	// WPT encoding/legacy-mb-japanese/iso-2022-jp/iso2022jp-decode-errors.html.
	{[]byte{0x0E, 0x24, 0x42, 0x79, 0x56, 0x1B, 0x28, 0x42}, "\ufffd$ByV"},
	{[]byte{0x1B, 0x28, 0x4A, 0x0F, 0x1B, 0x28, 0x42}, "\ufffd"},
	{[]byte{0x1B, 0x28, 0x49, 0x65, 0x1B, 0x28, 0x42}, "\ufffd"},
	{[]byte{0x1B, 0x24, 0x42, 0x7F, 0x56, 0x1B, 0x28, 0x42}, "\ufffd\ufffd"},
	{[]byte{0x1B, 0x24, 0x42, 0x24, 0x74}, "\ufffd"},
	{[]byte{0x1B, 0x24, 0x42, 0x79, 0x7F, 0x1B, 0x28, 0x42}, "\ufffd"},
	{[]byte{0x1B, 0x65, 0x79, 0x56, 0x1B, 0x28, 0x42}, "\ufffdeyV"},
	{[]byte{0x1B, 0x24, 0x65, 0x79, 0x56, 0x1B, 0x28, 0x42}, "\ufffd$eyV"},
	// More: encoding/streams/decode-non-utf8.any.js, an unmapped pointer,
	// a trailing byte at the end, and escapes at the end of the input.
	{[]byte{65, 66, 67, 0x1B, 65, 66, 67}, "ABC\ufffdABC"},
	{[]byte{0x0E}, "\ufffd"},
	{[]byte{0x1b, 0x24, 0x42, 0x22, 0x2F}, "\ufffd"}, // pointer 107 has no code point
	{[]byte{0x1b, 0x24, 0x42, 0x24, 0x22, 0x24}, "あ\ufffd"},
	{[]byte{0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x41}, "あA"},
	{[]byte{0x1b}, "\ufffd"},
	{[]byte{0x1b, 0x28}, "\ufffd("},
	{[]byte{0x1b, 0x28, 0x4A}, ""},
	{[]byte{0x1b, 0x28, 0x4A, 0x80}, "\ufffd"},
	{[]byte{0x1b, 0x28, 0x49, 0x1b, 0x28, 0x49}, "\ufffd"},
}

func TestISO2022JPDecoder(t *testing.T) {
	checkDecoder(t, "iso-2022-jp", iso2022jpCases, nil)

	// The output state survives between streamed chunks: an escape split
	// across chunks still switches, and a second escape right after one is
	// still an error.
	d, err := encoding.NewDecoder("csiso2022jp", false, false)
	require.NoError(t, err)
	var sb strings.Builder
	for _, chunk := range [][]byte{{0x1b, 0x24}, {0x42, 0x24}, {0x22, 0x1b}, {0x28, 0x42}, {0x1b, 0x28, 0x4A}, {0x5C}} {
		s, err := d.Decode(chunk, true)
		require.NoError(t, err)
		sb.WriteString(s)
	}
	s, err := d.Decode(nil, false)
	require.NoError(t, err)
	require.Equal(t, "あ\ufffd¥", sb.String()+s)
	// Without stream, each call is a new stream in the ASCII state.
	s, err = d.Decode([]byte{0x5C}, false)
	require.NoError(t, err)
	require.Equal(t, "\\", s)
}

var gb18030FFFD = []byte{0x84, 0x31, 0xA4, 0x37}

// The cases of WPT encoding/legacy-mb-schinese/gb18030/gb18030-decoder.any.js
// (which our WPT runner cannot load: goja's parser panics on its \u{10FFFF}).
var gb18030Cases = []decodeCase{
	{[]byte{115}, "s"},
	{[]byte{0x80}, "\u20AC"},
	{[]byte{0xFF}, "\uFFFD"},
	{[]byte{0x81}, "\uFFFD"},
	{[]byte{0x81, 0x28}, "\ufffd("},
	{[]byte{0x81, 0x40}, "\u4E02"},
	{[]byte{0x81, 0x7E}, "\u4E8A"},
	{[]byte{0x81, 0x7F}, "\ufffd\u007f"},
	{[]byte{0x81, 0x80}, "\u4E90"},
	{[]byte{0x81, 0xFE}, "\u4FA2"},
	{[]byte{0x81, 0xFF}, "\ufffd"},
	{[]byte{0xFE, 0x40}, "\uFA0C"},
	{[]byte{0xFE, 0xFE}, "\uE4C5"},
	{[]byte{0xFE, 0xFF}, "\ufffd"},
	{[]byte{0x81, 0x30}, "\ufffd"},
	{[]byte{0x81, 0x30, 0xFE}, "\ufffd"},
	{[]byte{0x81, 0x30, 0xFF}, "\ufffd0\ufffd"},
	{[]byte{0x81, 0x30, 0xFE, 0x29}, "\ufffd0\ufffd)"},
	{[]byte{0xFE, 0x39, 0xFE, 0x39}, "\ufffd"},
	{[]byte{0x81, 0x35, 0xF4, 0x36}, "\u1E3E"},
	{[]byte{0x81, 0x35, 0xF4, 0x37}, "\ue7c7"},
	{[]byte{0x81, 0x35, 0xF4, 0x38}, "\u1E40"},
	{[]byte{0x84, 0x31, 0xA4, 0x39}, "\uffff"},
	{[]byte{0x84, 0x31, 0xA5, 0x30}, "\ufffd"},
	{[]byte{0x8F, 0x39, 0xFE, 0x39}, "\ufffd"},
	{[]byte{0x90, 0x30, 0x81, 0x30}, "\U00010000"},
	{[]byte{0xE3, 0x32, 0x9A, 0x35}, "\U0010FFFF"},
	{[]byte{0xE3, 0x32, 0x9A, 0x36}, "\ufffd"},
	{[]byte{0x83, 0x36, 0xC8, 0x30}, "\uE7C8"},
	{[]byte{0xA1, 0xAD}, "\u2026"},
	{[]byte{0xA1, 0xAB}, "\uFF5E"},
	// Index gb18030 as of GB18030-2005 and -2022 (gbk-decoder.any.js and
	// the standard's index): 0xA8 0xBC, vertical forms, CJK radicals.
	{[]byte{0xA8, 0xBC}, "\u1E3F"},
	{[]byte{0xA8, 0xBF}, "\u01F9"},
	{[]byte{0xA6, 0xD9, 0xA6, 0xDA, 0xA6, 0xDB, 0xA6, 0xF3}, "\uFE10\uFE12\uFE11\uFE19"},
	{[]byte{0xFE, 0x59, 0xFE, 0xA0}, "\u9FB4\u9FBB"},
	{[]byte{0xFE, 0x51}, "\uE816"},
	{[]byte{0xAA, 0xA1, 0xA1, 0x40}, "\uE000\uE4C6"},
	{[]byte{0xC4, 0xE3, 0x81, 0x30, 0x81, 0x30, 0x41}, "你\u0080A"},
	{[]byte{0x84, 0x31, 0xA4, 0x37}, "\ufffd"}, // U+FFFD itself, not an error
}

func TestGB18030Decoder(t *testing.T) {
	legit := func(in []byte) bool { return string(in) == string(gb18030FFFD) }
	checkDecoder(t, "gb18030", gb18030Cases, legit)
	checkDecoder(t, "gbk", gb18030Cases, legit)

	// The pointers of WPT gbk-decoder.any.js.
	d, err := encoding.NewDecoder("GBK", true, false)
	require.NoError(t, err)
	for pointer, want := range map[int]rune{6432: 0x20AC, 7533: 0x1E3F, 7536: 0x01F9, 7672: 0x303E, 7673: 0x2FF0,
		7684: 0x2FFB, 23766: 0x2E81, 23844: 0x4DAE} {
		trail := pointer % 190
		off := 0x40
		if trail >= 0x3F {
			off = 0x41
		}
		s, err := d.Decode([]byte{byte(pointer/190 + 0x81), byte(trail + off)}, false)
		require.NoError(t, err)
		require.Equal(t, string(want), s, "pointer %d", pointer)
	}
	// A four-byte sequence split across chunks, and an ASCII fast path
	// followed by a lead byte carried over.
	s, err := d.Decode([]byte("ab\x81\x30"), true)
	require.NoError(t, err)
	require.Equal(t, "ab", s)
	s, err = d.Decode([]byte{0x81}, true)
	require.NoError(t, err)
	require.Equal(t, "", s)
	s, err = d.Decode([]byte{0x30, 'c'}, false)
	require.NoError(t, err)
	require.Equal(t, "\u0080c", s)
}
