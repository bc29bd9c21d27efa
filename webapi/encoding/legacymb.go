package encoding

import (
	"sort"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// This file holds the decoders of gb18030 (and GBK, which shares it) and
// ISO-2022-JP, written as the Encoding Standard's state machines ("gb18030
// decoder", "ISO-2022-JP decoder") rather than through golang.org/x/text:
// the standard's error handling "restores" (prepends) bytes to the input,
// ISO-2022-JP has an output flag that makes back-to-back escapes an error,
// and x/text's gb18030 table lacks the Private Use entries and predates the
// standard's GB18030-2005 and -2022 updates.

// result of one step of a legacy decoder's handler.
type stepResult uint8

const (
	stepContinue stepResult = iota
	stepCodePoint
	stepError
	stepFinished
)

// restore prepends bytes to the decoder's input: they are read, in the given
// order, before the rest of the input. The stack is kept reversed.
func (d *Decoder) restore(bs ...byte) {
	for i := len(bs) - 1; i >= 0; i-- {
		d.front = append(d.front, bs[i])
	}
}

// next reads the next input byte: a restored one first, then p[*i]. eoq is
// set when the input is exhausted and the stream ends (flush); ok is false
// when the input is exhausted and more is to come.
func (d *Decoder) next(p []byte, i *int, flush bool) (b byte, eoq, ok bool) {
	if n := len(d.front); n > 0 {
		b = d.front[n-1]
		d.front = d.front[:n-1]
		return b, false, true
	}
	if *i < len(p) {
		b = p[*i]
		*i++
		return b, false, true
	}
	return 0, true, flush
}

// runHandler drives a handler over p (plus restored bytes) the way the
// standard's "process a queue" does, with replacement or fatal error mode.
func (d *Decoder) runHandler(out, p []byte, flush bool, handler func(b byte, eoq bool) (rune, stepResult)) (_ []byte, ok bool) {
	if need := len(p)*2 + 16; cap(out) < need {
		out = make([]byte, 0, need)
	}
	i := 0
	for {
		b, eoq, more := d.next(p, &i, flush)
		if !more {
			return out, true
		}
		cp, res := handler(b, eoq)
		switch res {
		case stepCodePoint:
			if cp < utf8.RuneSelf {
				out = append(out, byte(cp))
			} else {
				out = utf8.AppendRune(out, cp)
			}
		case stepError:
			if d.fatal {
				d.front = d.front[:0]
				return out, false
			}
			out = append(out, replacement...)
		case stepFinished:
			return out, true
		}
	}
}

// ---- gb18030 ----

func (d *Decoder) decodeGB18030(out, p []byte, flush bool) ([]byte, bool) {
	// Fast path: leading ASCII with no state carried over.
	if d.gbFirst == 0 && len(d.front) == 0 {
		j := 0
		for j < len(p) && p[j] < utf8.RuneSelf {
			j++
		}
		if j == len(p) {
			return append(out, p...), true
		}
		if need := len(p)*2 + 16; cap(out) < need {
			out = make([]byte, 0, need)
		}
		out = append(out, p[:j]...)
		p = p[j:]
	}
	return d.runHandler(out, p, flush, d.gb18030Step)
}

// gb18030Step is the gb18030 decoder's handler (first, second and third are
// d.gbFirst, d.gbSecond, d.gbThird).
func (d *Decoder) gb18030Step(b byte, eoq bool) (rune, stepResult) {
	if eoq {
		if d.gbFirst == 0 && d.gbSecond == 0 && d.gbThird == 0 {
			return 0, stepFinished
		}
		d.gbFirst, d.gbSecond, d.gbThird = 0, 0, 0
		return 0, stepError
	}
	if d.gbThird != 0 {
		if b < 0x30 || b > 0x39 {
			d.restore(d.gbSecond, d.gbThird, b)
			d.gbFirst, d.gbSecond, d.gbThird = 0, 0, 0
			return 0, stepError
		}
		pointer := (int(d.gbFirst)-0x81)*(10*126*10) + (int(d.gbSecond)-0x30)*(10*126) +
			(int(d.gbThird)-0x81)*10 + int(b) - 0x30
		d.gbFirst, d.gbSecond, d.gbThird = 0, 0, 0
		cp := gb18030RangesCodePoint(pointer)
		if cp < 0 {
			return 0, stepError
		}
		return cp, stepCodePoint
	}
	if d.gbSecond != 0 {
		if b >= 0x81 && b <= 0xFE {
			d.gbThird = b
			return 0, stepContinue
		}
		d.restore(d.gbSecond, b)
		d.gbFirst, d.gbSecond = 0, 0
		return 0, stepError
	}
	if d.gbFirst != 0 {
		if b >= 0x30 && b <= 0x39 {
			d.gbSecond = b
			return 0, stepContinue
		}
		lead := int(d.gbFirst)
		d.gbFirst = 0
		offset := 0x41
		if b < 0x7F {
			offset = 0x40
		}
		if (b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE) {
			if cp := gb18030Index()[(lead-0x81)*190+int(b)-offset]; cp != 0 {
				return rune(cp), stepCodePoint
			}
		}
		if b < utf8.RuneSelf {
			d.restore(b)
		}
		return 0, stepError
	}
	switch {
	case b < utf8.RuneSelf:
		return rune(b), stepCodePoint
	case b == 0x80:
		return '\u20AC', stepCodePoint
	case b <= 0xFE:
		d.gbFirst = b
		return 0, stepContinue
	}
	return 0, stepError
}

// gb18030RangesCodePoint is the standard's "index gb18030 ranges code
// point"; -1 stands for null.
func gb18030RangesCodePoint(pointer int) rune {
	if (pointer > 39419 && pointer < 189000) || pointer > 1237575 {
		return -1
	}
	if pointer == 7457 {
		return 0xE7C7
	}
	i := sort.Search(len(gb18030Ranges), func(i int) bool { return int(gb18030Ranges[i][0]) > pointer }) - 1
	return rune(gb18030Ranges[i][1]) + rune(pointer) - rune(gb18030Ranges[i][0])
}

// gb18030Index is the standard's index gb18030 (23940 pointers; 0 is null).
// It is golang.org/x/text's GBK table, read through its decoder, corrected
// with gb18030IndexFixes: x/text leaves out the pointers that map to
// Private Use code points and predates the GB18030-2005 and -2022 changes
// the standard adopted. TestGB18030Index checks the result against the
// identifier (SHA-256) of the standard's index-gb18030.txt.
var gb18030Index = sync.OnceValue(func() *[23940]uint16 {
	t := new([23940]uint16)
	dec := simplifiedchinese.GBK.NewDecoder()
	var src [2]byte
	var dst [8]byte
	for pointer := range t {
		trail := pointer % 190
		offset := 0x40
		if trail >= 0x3F {
			offset = 0x41
		}
		src[0], src[1] = byte(pointer/190+0x81), byte(trail+offset)
		dec.Reset()
		n, _, _ := dec.Transform(dst[:], src[:], true)
		if r, size := utf8.DecodeRune(dst[:n]); size == n && r != utf8.RuneError && r <= 0xFFFF {
			t[pointer] = uint16(r)
		}
	}
	for _, f := range gb18030IndexFixes {
		for k := range int(f.n) {
			t[int(f.pointer)+k] = f.cp + uint16(k)
		}
	}
	return t
})

// gb18030IndexFixes lists, as runs of consecutive pointers mapping to
// consecutive code points, the entries of the standard's index gb18030
// (Identifier ff1c9a92…, GB18030-2022 adopted) that golang.org/x/text's
// table does not have: the Private Use mappings (user-defined areas and the
// remaining PUA entries), pointer 7533 → U+1E3F (GB18030-2005), and the
// GB18030-2022 mappings to U+FE10..U+FE19 and U+9FB4..U+9FBB.
var gb18030IndexFixes = [...]struct {
	pointer uint16
	cp      uint16
	n       uint16
}{
	{6080, 0xE4C6, 96}, {6270, 0xE526, 96}, {6376, 0xE766, 6}, {6433, 0xE76D, 1},
	{6444, 0xE76E, 2}, {6458, 0xE770, 2}, {6460, 0xE586, 95}, {6650, 0xE5E6, 96},
	{6829, 0xE772, 11}, {6840, 0xE646, 96}, {7022, 0xE77D, 8}, {7030, 0xE6A6, 96},
	{7150, 0xE785, 8}, {7182, 0xFE10, 1}, {7183, 0xFE12, 1}, {7184, 0xFE11, 1},
	{7185, 0xFE13, 4}, {7201, 0xFE17, 2}, {7208, 0xFE19, 1}, {7211, 0xE797, 9},
	{7220, 0xE706, 96}, {7349, 0xE7A0, 15}, {7397, 0xE7AF, 13}, {7495, 0xE7BC, 11},
	{7533, 0x1E3F, 1}, {7538, 0xE7C9, 4}, {7579, 0xE7CD, 21}, {7624, 0xE7E2, 1},
	{7627, 0xE7E3, 1}, {7629, 0xE7E4, 3}, {7686, 0xE7F4, 13}, {7775, 0xE801, 15},
	{7886, 0xE000, 94}, {8076, 0xE05E, 94}, {8266, 0xE0BC, 94}, {8456, 0xE11A, 94},
	{8646, 0xE178, 94}, {8836, 0xE1D6, 94}, {16525, 0xE810, 5}, {22706, 0xE234, 94},
	{22896, 0xE292, 94}, {23086, 0xE2F0, 94}, {23276, 0xE34E, 94}, {23466, 0xE3AC, 94},
	{23656, 0xE40A, 94}, {23767, 0xE816, 3}, {23775, 0x9FB4, 1}, {23783, 0x9FB5, 1},
	{23788, 0x9FB6, 2}, {23794, 0xE831, 1}, {23795, 0x9FB8, 1}, {23804, 0xE83B, 1},
	{23812, 0x9FB9, 1}, {23829, 0x9FBA, 1}, {23830, 0xE855, 1}, {23845, 0x9FBB, 1},
	{23846, 0xE468, 94},
}

// gb18030Ranges is the standard's index gb18030 ranges
// (index-gb18030-ranges.txt, Identifier f963aaa1…): pointer, code point.
var gb18030Ranges = [...][2]uint32{
	{0, 0x0080}, {36, 0x00A5}, {38, 0x00A9}, {45, 0x00B2}, {50, 0x00B8}, {81, 0x00D8},
	{89, 0x00E2}, {95, 0x00EB}, {96, 0x00EE}, {100, 0x00F4}, {103, 0x00F8}, {104, 0x00FB},
	{105, 0x00FD}, {109, 0x0102}, {126, 0x0114}, {133, 0x011C}, {148, 0x012C}, {172, 0x0145},
	{175, 0x0149}, {179, 0x014E}, {208, 0x016C}, {306, 0x01CF}, {307, 0x01D1}, {308, 0x01D3},
	{309, 0x01D5}, {310, 0x01D7}, {311, 0x01D9}, {312, 0x01DB}, {313, 0x01DD}, {341, 0x01FA},
	{428, 0x0252}, {443, 0x0262}, {544, 0x02C8}, {545, 0x02CC}, {558, 0x02DA}, {741, 0x03A2},
	{742, 0x03AA}, {749, 0x03C2}, {750, 0x03CA}, {805, 0x0402}, {819, 0x0450}, {820, 0x0452},
	{7922, 0x2011}, {7924, 0x2017}, {7925, 0x201A}, {7927, 0x201E}, {7934, 0x2027},
	{7943, 0x2031}, {7944, 0x2034}, {7945, 0x2036}, {7950, 0x203C}, {8062, 0x20AD},
	{8148, 0x2104}, {8149, 0x2106}, {8152, 0x210A}, {8164, 0x2117}, {8174, 0x2122},
	{8236, 0x216C}, {8240, 0x217A}, {8262, 0x2194}, {8264, 0x219A}, {8374, 0x2209},
	{8380, 0x2210}, {8381, 0x2212}, {8384, 0x2216}, {8388, 0x221B}, {8390, 0x2221},
	{8392, 0x2224}, {8393, 0x2226}, {8394, 0x222C}, {8396, 0x222F}, {8401, 0x2238},
	{8406, 0x223E}, {8416, 0x2249}, {8419, 0x224D}, {8424, 0x2253}, {8437, 0x2262},
	{8439, 0x2268}, {8445, 0x2270}, {8482, 0x2296}, {8485, 0x229A}, {8496, 0x22A6},
	{8521, 0x22C0}, {8603, 0x2313}, {8936, 0x246A}, {8946, 0x249C}, {9046, 0x254C},
	{9050, 0x2574}, {9063, 0x2590}, {9066, 0x2596}, {9076, 0x25A2}, {9092, 0x25B4},
	{9100, 0x25BE}, {9108, 0x25C8}, {9111, 0x25CC}, {9113, 0x25D0}, {9131, 0x25E6},
	{9162, 0x2607}, {9164, 0x260A}, {9218, 0x2641}, {9219, 0x2643}, {11329, 0x2E82},
	{11331, 0x2E85}, {11334, 0x2E89}, {11336, 0x2E8D}, {11346, 0x2E98}, {11361, 0x2EA8},
	{11363, 0x2EAB}, {11366, 0x2EAF}, {11370, 0x2EB4}, {11372, 0x2EB8}, {11375, 0x2EBC},
	{11389, 0x2ECB}, {11682, 0x2FFC}, {11686, 0x3004}, {11687, 0x3018}, {11692, 0x301F},
	{11694, 0x302A}, {11714, 0x303F}, {11716, 0x3094}, {11723, 0x309F}, {11725, 0x30F7},
	{11730, 0x30FF}, {11736, 0x312A}, {11982, 0x322A}, {11989, 0x3232}, {12102, 0x32A4},
	{12336, 0x3390}, {12348, 0x339F}, {12350, 0x33A2}, {12384, 0x33C5}, {12393, 0x33CF},
	{12395, 0x33D3}, {12397, 0x33D6}, {12510, 0x3448}, {12553, 0x3474}, {12851, 0x359F},
	{12962, 0x360F}, {12973, 0x361B}, {13738, 0x3919}, {13823, 0x396F}, {13919, 0x39D1},
	{13933, 0x39E0}, {14080, 0x3A74}, {14298, 0x3B4F}, {14585, 0x3C6F}, {14698, 0x3CE1},
	{15583, 0x4057}, {15847, 0x4160}, {16318, 0x4338}, {16434, 0x43AD}, {16438, 0x43B2},
	{16481, 0x43DE}, {16729, 0x44D7}, {17102, 0x464D}, {17122, 0x4662}, {17315, 0x4724},
	{17320, 0x472A}, {17402, 0x477D}, {17418, 0x478E}, {17859, 0x4948}, {17909, 0x497B},
	{17911, 0x497E}, {17915, 0x4984}, {17916, 0x4987}, {17936, 0x499C}, {17939, 0x49A0},
	{17961, 0x49B8}, {18664, 0x4C78}, {18703, 0x4CA4}, {18814, 0x4D1A}, {18962, 0x4DAF},
	{19043, 0x9FA6}, {33469, 0xE76C}, {33470, 0xE7C8}, {33471, 0xE7E7}, {33484, 0xE815},
	{33485, 0xE819}, {33490, 0xE81F}, {33497, 0xE827}, {33501, 0xE82D}, {33505, 0xE833},
	{33513, 0xE83C}, {33520, 0xE844}, {33536, 0xE856}, {33550, 0xE865}, {37845, 0xF92D},
	{37921, 0xF97A}, {37948, 0xF996}, {38029, 0xF9E8}, {38038, 0xF9F2}, {38064, 0xFA10},
	{38065, 0xFA12}, {38066, 0xFA15}, {38069, 0xFA19}, {38075, 0xFA22}, {38076, 0xFA25},
	{38078, 0xFA2A}, {39108, 0xFE32}, {39109, 0xFE45}, {39113, 0xFE53}, {39114, 0xFE58},
	{39115, 0xFE67}, {39116, 0xFE6C}, {39265, 0xFF5F}, {39394, 0xFFE6}, {189000, 0x10000},
}

// ---- ISO-2022-JP ----

// ISO-2022-JP decoder states.
const (
	jpASCII uint8 = iota
	jpRoman
	jpKatakana
	jpLeadByte
	jpTrailByte
	jpEscapeStart
	jpEscape
)

func (d *Decoder) decodeISO2022JP(out, p []byte, flush bool) ([]byte, bool) {
	return d.runHandler(out, p, flush, d.iso2022jpStep)
}

// iso2022jpStep is the ISO-2022-JP decoder's handler: d.jpState is the
// decoder state, d.jpOutState the output state, d.jpLead the lead byte and
// d.jpOutput the output flag.
func (d *Decoder) iso2022jpStep(b byte, eoq bool) (rune, stepResult) {
	switch d.jpState {
	case jpASCII, jpRoman, jpKatakana, jpLeadByte:
		if eoq {
			return 0, stepFinished
		}
		if b == 0x1B {
			d.jpState = jpEscapeStart
			return 0, stepContinue
		}
		d.jpOutput = false
		switch d.jpState {
		case jpASCII:
			if b <= 0x7F && b != 0x0E && b != 0x0F {
				return rune(b), stepCodePoint
			}
		case jpRoman:
			switch {
			case b == 0x5C:
				return '\u00A5', stepCodePoint
			case b == 0x7E:
				return '\u203E', stepCodePoint
			case b <= 0x7F && b != 0x0E && b != 0x0F:
				return rune(b), stepCodePoint
			}
		case jpKatakana:
			if b >= 0x21 && b <= 0x5F {
				return 0xFF61 - 0x21 + rune(b), stepCodePoint
			}
		case jpLeadByte:
			if b >= 0x21 && b <= 0x7E {
				d.jpLead = b
				d.jpState = jpTrailByte
				return 0, stepContinue
			}
		}
		return 0, stepError

	case jpTrailByte:
		if !eoq && b == 0x1B {
			// The output state stays "lead byte".
			d.jpState = jpEscapeStart
			return 0, stepError
		}
		d.jpState = jpLeadByte
		if !eoq && b >= 0x21 && b <= 0x7E {
			pointer := (int(d.jpLead)-0x21)*94 + int(b) - 0x21
			if cp := jis0208Index()[pointer]; cp != 0 {
				return rune(cp), stepCodePoint
			}
		}
		return 0, stepError

	case jpEscapeStart:
		if !eoq && (b == 0x24 || b == 0x28) {
			d.jpLead = b
			d.jpState = jpEscape
			return 0, stepContinue
		}
		if !eoq {
			d.restore(b)
		}
		d.jpOutput = false
		d.jpState = d.jpOutState
		return 0, stepError

	default: // jpEscape
		lead := d.jpLead
		d.jpLead = 0
		state := uint8(0xFF)
		if !eoq {
			switch {
			case lead == 0x28 && b == 0x42:
				state = jpASCII
			case lead == 0x28 && b == 0x4A:
				state = jpRoman
			case lead == 0x28 && b == 0x49:
				state = jpKatakana
			case lead == 0x24 && (b == 0x40 || b == 0x42):
				state = jpLeadByte
			}
		}
		if state != 0xFF {
			d.jpState, d.jpOutState = state, state
			output := d.jpOutput
			d.jpOutput = true
			if !output {
				return 0, stepContinue
			}
			return 0, stepError
		}
		if eoq {
			d.restore(lead)
		} else {
			d.restore(lead, b)
		}
		d.jpOutput = false
		d.jpState = d.jpOutState
		return 0, stepError
	}
}

// jis0208Index is the part of the standard's index jis0208 that ISO-2022-JP
// reaches (pointers below 94×94; 0 is null), read from golang.org/x/text's
// table through its EUC-JP decoder. TestJIS0208Index checks it against the
// standard's index-jis0208.txt.
var jis0208Index = sync.OnceValue(func() *[94 * 94]uint16 {
	t := new([94 * 94]uint16)
	dec := japanese.EUCJP.NewDecoder()
	var src [2]byte
	var dst [8]byte
	for pointer := range t {
		src[0], src[1] = byte(pointer/94+0xA1), byte(pointer%94+0xA1)
		dec.Reset()
		n, _, _ := dec.Transform(dst[:], src[:], true)
		if r, size := utf8.DecodeRune(dst[:n]); size == n && r != utf8.RuneError && r <= 0xFFFF {
			t[pointer] = uint16(r)
		}
	}
	return t
})
