package url

import (
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Host parsing (URL Standard §3). Hosts are stored serialized: a domain, an
// IPv4 address in dotted-decimal form, "[...]" for IPv6, an opaque host or
// the empty host "".

// forbiddenHost reports whether b is a forbidden host code point.
func forbiddenHost(b byte) bool {
	switch b {
	case 0, '\t', '\n', '\r', ' ', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|':
		return true
	}
	return false
}

// forbiddenDomain reports whether b is a forbidden domain code point.
func forbiddenDomain(b byte) bool {
	return forbiddenHost(b) || b <= 0x1F || b == '%' || b == 0x7F
}

// parseHost is the host parser. It returns the serialized host.
func parseHost(input string, isOpaque bool) (string, bool) {
	if strings.HasPrefix(input, "[") {
		if !strings.HasSuffix(input, "]") || len(input) < 2 {
			return "", false
		}
		addr, ok := parseIPv6(input[1 : len(input)-1])
		if !ok {
			return "", false
		}
		return "[" + serializeIPv6(&addr) + "]", true
	}
	if isOpaque {
		return parseOpaqueHost(input)
	}
	domain := toUSV(percentDecode(input))
	ascii, ok := domainToASCII(domain)
	if !ok {
		return "", false
	}
	if endsInNumber(ascii) {
		v4, ok := parseIPv4(ascii)
		if !ok {
			return "", false
		}
		return serializeIPv4(v4), true
	}
	return ascii, true
}

func parseOpaqueHost(input string) (string, bool) {
	for i := 0; i < len(input); i++ {
		if forbiddenHost(input[i]) {
			return "", false
		}
	}
	return percentEncode(input, &c0ControlSet), true
}

// idnaProfile is UTS #46 ToASCII configured as "domain to ASCII" with
// beStrict false: CheckHyphens false, CheckBidi true, CheckJoiners true,
// UseSTD3ASCIIRules false, Transitional_Processing false, VerifyDnsLength
// false.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.BidiRule(),
	idna.CheckJoiners(true),
	idna.CheckHyphens(false),
	idna.StrictDomainName(false),
	idna.VerifyDNSLength(false),
	idna.RemoveLeadingDots(false),
)

// domainToASCII is the URL Standard's "domain to ASCII" (beStrict false).
func domainToASCII(domain string) (string, bool) {
	if fast, ok := asciiFastPath(domain); ok {
		if fast == "" {
			return "", false
		}
		for i := 0; i < len(fast); i++ {
			if forbiddenDomain(fast[i]) {
				return "", false
			}
		}
		return fast, true
	}
	res, err := idnaProfile.ToASCII(applyUTS46Update(domain))
	if err != nil || res == "" {
		return "", false
	}
	for i := 0; i < len(res); i++ {
		if forbiddenDomain(res[i]) || res[i] >= 0x80 {
			return "", false
		}
	}
	// Every label that is Punycode must decode to a valid label; x/net/idna
	// lets some invalid ones through (IgnoreInvalidPunycode is false here).
	if !punycodeLabelsValid(res) {
		return "", false
	}
	return res, true
}

// asciiFastPath handles an all-ASCII domain: with beStrict false, "domain
// to ASCII" of ASCII input is its ASCII lowercase (Punycode labels are not
// decoded or validated).
func asciiFastPath(d string) (string, bool) {
	var upper bool
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c >= 0x80 {
			return "", false
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if !upper {
		return d, true
	}
	return strings.ToLower(d), true
}

// punycodeLabelsValid checks the "xn--" labels of an ASCII domain: each must
// decode, be non-empty after the prefix, and round-trip through UTS #46
// validation unchanged.
func punycodeLabelsValid(d string) bool {
	for label := range strings.SplitSeq(d, ".") {
		if len(label) < 4 || label[:4] != "xn--" {
			continue
		}
		if len(label) == 4 {
			return false
		}
		u, err := idnaProfile.ToUnicode(label)
		if err != nil {
			return false
		}
		if strings.ContainsRune(u, '\uFFFD') {
			return false
		}
		back, err := idnaProfile.ToASCII(u)
		if err != nil || back != label {
			return false
		}
	}
	return true
}

// endsInNumber is the "ends in a number" checker.
func endsInNumber(s string) bool {
	if strings.HasSuffix(s, ".") {
		s = s[:len(s)-1]
		if s == "" {
			return false
		}
	}
	last := s
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		last = s[i+1:]
	}
	if last == "" {
		return false
	}
	digits := true
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			digits = false
			break
		}
	}
	if digits {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// parseIPv4Number is the IPv4 number parser. Values above 2^32 saturate
// (they fail the caller's range checks either way).
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	radix := uint64(10)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, radix = s[2:], 16
	} else if len(s) >= 2 && s[0] == '0' {
		s, radix = s[1:], 8
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case radix == 16 && 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case radix == 16 && 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= radix {
			return 0, false
		}
		if n <= 1<<40 {
			n = n*radix + d
		}
	}
	return n, true
}

// parseIPv4 is the IPv4 parser.
func parseIPv4(s string) (uint32, bool) {
	if strings.HasSuffix(s, ".") && len(s) > 1 {
		s = s[:len(s)-1]
	}
	var nums [4]uint64
	n := 0
	for part := range strings.SplitSeq(s, ".") {
		if n == 4 {
			return 0, false
		}
		v, ok := parseIPv4Number(part)
		if !ok {
			return 0, false
		}
		nums[n] = v
		n++
	}
	for i := 0; i < n-1; i++ {
		if nums[i] > 255 {
			return 0, false
		}
	}
	if nums[n-1] >= 1<<(8*(5-n)) {
		return 0, false
	}
	v := nums[n-1]
	for i := 0; i < n-1; i++ {
		v += nums[i] << (8 * (3 - i))
	}
	return uint32(v), true
}

func serializeIPv4(v uint32) string {
	b := make([]byte, 0, 15)
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(v>>(8*i)&0xFF), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// parseIPv6 is the IPv6 parser.
func parseIPv6(s string) ([8]uint16, bool) {
	var addr [8]uint16
	piece, compress, p := 0, -1, 0
	at := func(i int) int {
		if i < len(s) {
			return int(s[i])
		}
		return -1
	}
	if at(p) == ':' {
		if at(p+1) != ':' {
			return addr, false
		}
		p += 2
		piece++
		compress = piece
	}
	for at(p) != -1 {
		if piece == 8 {
			return addr, false
		}
		if at(p) == ':' {
			if compress != -1 {
				return addr, false
			}
			p++
			piece++
			compress = piece
			continue
		}
		value, length := 0, 0
		for length < 4 {
			d, ok := unhexInt(at(p))
			if !ok {
				break
			}
			value = value*16 + d
			p++
			length++
		}
		if at(p) == '.' {
			if length == 0 {
				return addr, false
			}
			p -= length
			if piece > 6 {
				return addr, false
			}
			seen := 0
			for at(p) != -1 {
				v4 := -1
				if seen > 0 {
					if at(p) == '.' && seen < 4 {
						p++
					} else {
						return addr, false
					}
				}
				if c := at(p); c < '0' || c > '9' {
					return addr, false
				}
				for c := at(p); c >= '0' && c <= '9'; c = at(p) {
					n := c - '0'
					switch v4 {
					case -1:
						v4 = n
					case 0:
						return addr, false
					default:
						v4 = v4*10 + n
					}
					if v4 > 255 {
						return addr, false
					}
					p++
				}
				addr[piece] = addr[piece]*0x100 + uint16(v4)
				seen++
				if seen == 2 || seen == 4 {
					piece++
				}
			}
			if seen != 4 {
				return addr, false
			}
			break
		} else if at(p) == ':' {
			p++
			if at(p) == -1 {
				return addr, false
			}
		} else if at(p) != -1 {
			return addr, false
		}
		addr[piece] = uint16(value)
		piece++
	}
	if compress != -1 {
		swaps := piece - compress
		piece = 7
		for piece != 0 && swaps > 0 {
			addr[piece], addr[compress+swaps-1] = addr[compress+swaps-1], addr[piece]
			piece--
			swaps--
		}
	} else if piece != 8 {
		return addr, false
	}
	return addr, true
}

func unhexInt(c int) (int, bool) {
	if c < 0 || c > 0xFF {
		return 0, false
	}
	v, ok := unhex(byte(c))
	return int(v), ok
}

// serializeIPv6 is the IPv6 serializer (without brackets): the first
// longest run of two or more zero pieces is compressed to "::".
func serializeIPv6(a *[8]uint16) string {
	compress, best := -1, 1
	for i := 0; i < 8; {
		if a[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && a[j] == 0 {
			j++
		}
		if j-i > best {
			compress, best = i, j-i
		}
		i = j
	}
	b := make([]byte, 0, 39)
	for i := 0; i < 8; i++ {
		if i == compress {
			if i == 0 {
				b = append(b, "::"...)
			} else {
				b = append(b, ':')
			}
			i += best - 1
			continue
		}
		b = strconv.AppendUint(b, uint64(a[i]), 16)
		if i != 7 {
			b = append(b, ':')
		}
	}
	return string(b)
}
