package url

import (
	"strings"
	"unicode/utf8"
)

// encodeSet is a percent-encode set (URL Standard §1.3): bit i of the
// 128-bit mask tells whether ASCII byte i is in the set. Every byte above
// U+007E (that is, DEL and each byte of a non-ASCII UTF-8 sequence) is in
// every set, which is what makes byte-wise encoding equal to "UTF-8
// percent-encode" of code points.
type encodeSet [2]uint64

func (s *encodeSet) has(b byte) bool {
	if b >= 0x7F {
		return true
	}
	return s[b>>6]&(1<<(b&63)) != 0
}

func (s encodeSet) with(chars string) encodeSet {
	for i := 0; i < len(chars); i++ {
		b := chars[i]
		s[b>>6] |= 1 << (b & 63)
	}
	return s
}

func c0ControlSetBase() encodeSet {
	var s encodeSet
	for b := byte(0); b < 0x20; b++ {
		s[0] |= 1 << b
	}
	return s
}

// The percent-encode sets of the URL Standard.
var (
	c0ControlSet    = c0ControlSetBase()
	fragmentSet     = c0ControlSet.with(" \"<>`")
	querySet        = c0ControlSet.with(" \"#<>")
	specialQuerySet = querySet.with("'")
	pathSet         = querySet.with("?^`{}")
	userinfoSet     = pathSet.with("/:;=@[\\]|")
	componentSet    = userinfoSet.with("$%&+,")
	formSet         = componentSet.with("!'()~")
)

const upperHex = "0123456789ABCDEF"

// appendEncoded appends s to dst, percent-encoding the bytes in set.
func appendEncoded(dst []byte, s string, set *encodeSet) []byte {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if set.has(b) {
			dst = append(dst, '%', upperHex[b>>4], upperHex[b&15])
		} else {
			dst = append(dst, b)
		}
	}
	return dst
}

// percentEncode returns s with the bytes in set percent-encoded; it returns
// s itself when nothing needs encoding.
func percentEncode(s string, set *encodeSet) string {
	for i := 0; i < len(s); i++ {
		if set.has(s[i]) {
			return string(appendEncoded(append(make([]byte, 0, len(s)+8), s[:i]...), s[i:], set))
		}
	}
	return s
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode is the URL Standard's percent-decode of a byte sequence:
// "%" followed by two hex digits becomes that byte, anything else is kept.
func percentDecode(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, h<<4|l)
				i += 2
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// toUSV returns s with invalid UTF-8 replaced by U+FFFD, one per maximal
// subpart of an ill-formed sequence, exactly as the Encoding Standard's
// "UTF-8 decode without BOM" does.
func toUSV(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if r, n := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || n > 1 {
			b = append(b, s[i:i+n]...)
			i += n
			continue
		}
		need, lo, hi := 0, byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c == 0xED:
			need, hi = 2, 0x9F
		case c >= 0xE1 && c <= 0xEF:
			need = 2
		case c == 0xF0:
			need, lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		case c == 0xF4:
			need, hi = 3, 0x8F
		}
		j := i + 1
		for k := 0; k < need && j < len(s); k++ {
			if s[j] < lo || s[j] > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			j++
		}
		b = append(b, "\uFFFD"...)
		i = j
	}
	return string(b)
}

// ParseForm is the application/x-www-form-urlencoded parser: it splits s on
// "&", drops empty sequences, splits each at the first "=", replaces "+"
// with a space and percent-decodes names and values (invalid UTF-8 becomes
// U+FFFD).
func ParseForm(s string) [][2]string {
	if s == "" {
		return nil
	}
	n := strings.Count(s, "&") + 1
	out := make([][2]string, 0, n)
	for len(s) > 0 {
		var seq string
		if i := strings.IndexByte(s, '&'); i >= 0 {
			seq, s = s[:i], s[i+1:]
		} else {
			seq, s = s, ""
		}
		if seq == "" {
			continue
		}
		name, value := seq, ""
		if i := strings.IndexByte(seq, '='); i >= 0 {
			name, value = seq[:i], seq[i+1:]
		}
		out = append(out, [2]string{formDecode(name), formDecode(value)})
	}
	return out
}

func formDecode(s string) string {
	if strings.IndexByte(s, '+') >= 0 {
		s = strings.ReplaceAll(s, "+", " ")
	}
	return toUSV(percentDecode(s))
}

// SerializeForm is the application/x-www-form-urlencoded serializer (UTF-8):
// names and values are percent-encoded with the
// application/x-www-form-urlencoded percent-encode set, spaces become "+",
// and pairs are joined as name=value with "&".
func SerializeForm(pairs [][2]string) string {
	if len(pairs) == 0 {
		return ""
	}
	n := 0
	for _, p := range pairs {
		n += len(p[0]) + len(p[1]) + 2
	}
	b := make([]byte, 0, n+n/4)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = appendForm(b, p[0])
		b = append(b, '=')
		b = appendForm(b, p[1])
	}
	return string(b)
}

func appendForm(dst []byte, s string) []byte {
	s = toUSV(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			dst = append(dst, '+')
		case formSet.has(c):
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
