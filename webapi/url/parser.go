// Package url implements the WHATWG URL Standard (https://url.spec.whatwg.org/):
// the URL parser, serializer and origin in Go, and the URL and
// URLSearchParams interfaces for JavaScript.
package url

import (
	"errors"
	"strconv"
	"strings"
)

// Record is a URL record of the URL Standard. The zero value is not a
// valid URL; make records with Parse. Records are not safe for concurrent
// mutation; Clone one to share it.
type Record struct {
	scheme      string
	username    string
	password    string
	host        string // serialized host; meaningful when hasHost
	hasHost     bool
	port        int // -1: null
	path        []string
	opaque      bool   // the path is an opaque path (opaquePath)
	opaquePath  string // used when opaque
	query       string
	hasQuery    bool
	fragment    string
	hasFragment bool
}

// ErrInvalid is returned (wrapped) by Parse for input that is not a URL.
var ErrInvalid = errors.New("invalid URL")

// ParseError describes a failed parse.
type ParseError struct {
	Input string
	Base  string // serialized base URL, "" when none
}

func (e *ParseError) Error() string {
	if e.Base != "" {
		return "Invalid URL: " + strconv.Quote(e.Input) + " (base " + strconv.Quote(e.Base) + ")"
	}
	return "Invalid URL: " + strconv.Quote(e.Input)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ParseError) Unwrap() error { return ErrInvalid }

// Parse runs the URL parser on input against base (which may be nil).
// Invalid UTF-8 in input is replaced by U+FFFD first.
func Parse(input string, base *Record) (*Record, error) {
	u := parse(input, base)
	if u == nil {
		e := &ParseError{Input: input}
		if base != nil {
			e.Base = base.String()
		}
		return nil, e
	}
	return u, nil
}

// MustParse is Parse that panics on failure, for constants in Go code.
func MustParse(input string) *Record {
	u, err := Parse(input, nil)
	if err != nil {
		panic(err)
	}
	return u
}

// CanParse reports whether Parse would succeed.
func CanParse(input string, base *Record) bool { return parse(input, base) != nil }

func parse(input string, base *Record) *Record {
	u := &Record{port: -1}
	if !u.run(toUSV(input), base, stateNone) {
		return nil
	}
	return u
}

type state uint8

const (
	stateNone state = iota
	stateSchemeStart
	stateScheme
	stateNoScheme
	stateSpecialRelativeOrAuthority
	statePathOrAuthority
	stateRelative
	stateRelativeSlash
	stateSpecialAuthoritySlashes
	stateSpecialAuthorityIgnoreSlashes
	stateAuthority
	stateHost
	stateHostname
	statePort
	stateFile
	stateFileSlash
	stateFileHost
	statePathStart
	statePath
	stateOpaquePath
	stateQuery
	stateFragment
)

const eof = -1

// specialPort returns the default port of a special scheme (-1 for file
// and for non-special schemes) and whether the scheme is special.
func specialPort(scheme string) (int, bool) {
	switch scheme {
	case "http", "ws":
		return 80, true
	case "https", "wss":
		return 443, true
	case "ftp":
		return 21, true
	case "file":
		return -1, true
	}
	return -1, false
}

func isSpecial(scheme string) bool {
	_, ok := specialPort(scheme)
	return ok
}

func isAlpha(c int) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isDigit(c int) bool { return '0' <= c && c <= '9' }

// trimControlAndSpace removes leading and trailing C0 controls and spaces.
func trimControlAndSpace(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= 0x20 {
		i++
	}
	for j > i && s[j-1] <= 0x20 {
		j--
	}
	return s[i:j]
}

func removeTabNewline(s string) string {
	if strings.IndexAny(s, "\t\n\r") < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\n' && c != '\r' {
			b = append(b, c)
		}
	}
	return string(b)
}

// isWindowsDriveLetter: two code points, an ASCII alpha then ":" or "|".
func isWindowsDriveLetter(s string) bool {
	return len(s) == 2 && isAlpha(int(s[0])) && (s[1] == ':' || s[1] == '|')
}

func isNormalizedWindowsDriveLetter(s string) bool {
	return len(s) == 2 && isAlpha(int(s[0])) && s[1] == ':'
}

// startsWithWindowsDriveLetter is "starts with a Windows drive letter".
func startsWithWindowsDriveLetter(s string) bool {
	if len(s) < 2 || !isWindowsDriveLetter(s[:2]) {
		return false
	}
	if len(s) == 2 {
		return true
	}
	switch s[2] {
	case '/', '\\', '?', '#':
		return true
	}
	return false
}

func isPct2e(s []byte) bool { return s[0] == '%' && s[1] == '2' && s[2]|0x20 == 'e' }

// isSingleDot: "." or "%2e" (ASCII case-insensitive).
func isSingleDot(s []byte) bool {
	return (len(s) == 1 && s[0] == '.') || (len(s) == 3 && isPct2e(s))
}

// isDoubleDot: "..", ".%2e", "%2e." or "%2e%2e" (ASCII case-insensitive).
func isDoubleDot(s []byte) bool {
	switch len(s) {
	case 2:
		return s[0] == '.' && s[1] == '.'
	case 4:
		return (s[0] == '.' && isPct2e(s[1:])) || (isPct2e(s[:3]) && s[3] == '.')
	case 6:
		return isPct2e(s[:3]) && isPct2e(s[3:])
	}
	return false
}

func (u *Record) special() bool { return isSpecial(u.scheme) }

func (u *Record) includesCredentials() bool { return u.username != "" || u.password != "" }

func (u *Record) shortenPath() {
	if u.scheme == "file" && len(u.path) == 1 && isNormalizedWindowsDriveLetter(u.path[0]) {
		return
	}
	if len(u.path) > 0 {
		u.path = u.path[:len(u.path)-1]
	}
}

// run is the basic URL parser. With override == stateNone it parses a new
// URL into u (which must be fresh) and reports success; otherwise it is
// the setter form that modifies u in place, and the result only tells
// whether the state machine finished without failure.
func (u *Record) run(input string, base *Record, override state) bool {
	if override == stateNone {
		input = trimControlAndSpace(input)
	}
	input = removeTabNewline(input)
	st := override
	if st == stateNone {
		st = stateSchemeStart
	}
	buf := make([]byte, 0, min(len(input), 256))
	var atSignSeen, insideBrackets, passwordTokenSeen bool
	var user, pass []byte
	special := u.special()
	n := len(input)
	remainingStarts := func(p int, b byte) bool { return p+1 < n && input[p+1] == b }

	for p := 0; ; p++ {
		c := eof
		if p < n {
			c = int(input[p])
		}
		switch st {
		case stateSchemeStart:
			if isAlpha(c) {
				buf = append(buf, byte(c|0x20))
				st = stateScheme
			} else if override == stateNone {
				st = stateNoScheme
				p--
			} else {
				return false
			}

		case stateScheme:
			if isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.' {
				if 'A' <= c && c <= 'Z' {
					c |= 0x20
				}
				buf = append(buf, byte(c))
			} else if c == ':' {
				scheme := internScheme(buf)
				if override != stateNone {
					if special != isSpecial(scheme) {
						return true
					}
					if (u.includesCredentials() || u.port >= 0) && scheme == "file" {
						return true
					}
					if u.scheme == "file" && u.hasHost && u.host == "" {
						return true
					}
				}
				u.scheme = scheme
				special = isSpecial(scheme)
				if override != stateNone {
					if def, _ := specialPort(scheme); def >= 0 && u.port == def {
						u.port = -1
					}
					return true
				}
				buf = buf[:0]
				switch {
				case scheme == "file":
					st = stateFile
				case special && base != nil && base.scheme == scheme:
					st = stateSpecialRelativeOrAuthority
				case special:
					st = stateSpecialAuthoritySlashes
				case remainingStarts(p, '/'):
					st = statePathOrAuthority
					p++
				default:
					u.opaque = true
					u.opaquePath = ""
					st = stateOpaquePath
				}
			} else if override == stateNone {
				buf = buf[:0]
				st = stateNoScheme
				p = -1
			} else {
				return false
			}

		case stateNoScheme:
			if base == nil || (base.opaque && c != '#') {
				return false
			} else if base.opaque && c == '#' {
				u.scheme = base.scheme
				special = u.special()
				u.opaque = true
				u.opaquePath = base.opaquePath
				u.query, u.hasQuery = base.query, base.hasQuery
				u.fragment, u.hasFragment = "", true
				st = stateFragment
			} else if base.scheme != "file" {
				st = stateRelative
				p--
			} else {
				st = stateFile
				p--
			}

		case stateSpecialRelativeOrAuthority:
			if c == '/' && remainingStarts(p, '/') {
				st = stateSpecialAuthorityIgnoreSlashes
				p++
			} else {
				st = stateRelative
				p--
			}

		case statePathOrAuthority:
			if c == '/' {
				st = stateAuthority
			} else {
				st = statePath
				p--
			}

		case stateRelative:
			u.scheme = base.scheme
			special = u.special()
			if c == '/' || (special && c == '\\') {
				st = stateRelativeSlash
			} else {
				u.username, u.password = base.username, base.password
				u.host, u.hasHost, u.port = base.host, base.hasHost, base.port
				u.path = append([]string(nil), base.path...)
				u.query, u.hasQuery = base.query, base.hasQuery
				switch c {
				case '?':
					u.query, u.hasQuery = "", true
					st = stateQuery
				case '#':
					u.fragment, u.hasFragment = "", true
					st = stateFragment
				case eof:
				default:
					u.query, u.hasQuery = "", false
					u.shortenPath()
					st = statePath
					p--
				}
			}

		case stateRelativeSlash:
			if special && (c == '/' || c == '\\') {
				st = stateSpecialAuthorityIgnoreSlashes
			} else if c == '/' {
				st = stateAuthority
			} else {
				u.username, u.password = base.username, base.password
				u.host, u.hasHost, u.port = base.host, base.hasHost, base.port
				st = statePath
				p--
			}

		case stateSpecialAuthoritySlashes:
			if c == '/' && remainingStarts(p, '/') {
				p++
			} else {
				p--
			}
			st = stateSpecialAuthorityIgnoreSlashes

		case stateSpecialAuthorityIgnoreSlashes:
			if c != '/' && c != '\\' {
				st = stateAuthority
				p--
			}

		case stateAuthority:
			if c == '@' {
				// Userinfo is built in user and pass (appending, so that
				// many "@" stay linear) and stored when the host starts.
				if atSignSeen {
					if passwordTokenSeen {
						pass = append(pass, "%40"...)
					} else {
						user = append(user, "%40"...)
					}
				}
				atSignSeen = true
				for _, b := range buf {
					if b == ':' && !passwordTokenSeen {
						passwordTokenSeen = true
						continue
					}
					if passwordTokenSeen {
						pass = appendEncodedByte(pass, b, &userinfoSet)
					} else {
						user = appendEncodedByte(user, b, &userinfoSet)
					}
				}
				buf = buf[:0]
			} else if c == eof || c == '/' || c == '?' || c == '#' || (special && c == '\\') {
				if atSignSeen && len(buf) == 0 {
					return false
				}
				if atSignSeen {
					u.username, u.password = string(user), string(pass)
				}
				p -= len(buf) + 1
				buf = buf[:0]
				st = stateHost
			} else {
				buf = append(buf, byte(c))
			}

		case stateHost, stateHostname:
			if override != stateNone && u.scheme == "file" {
				p--
				st = stateFileHost
			} else if c == ':' && !insideBrackets {
				if len(buf) == 0 {
					return false
				}
				if override == stateHostname {
					return false
				}
				h, ok := parseHost(string(buf), !special)
				if !ok {
					return false
				}
				u.host, u.hasHost = h, true
				buf = buf[:0]
				st = statePort
			} else if c == eof || c == '/' || c == '?' || c == '#' || (special && c == '\\') {
				p--
				if special && len(buf) == 0 {
					return false
				} else if override != stateNone && len(buf) == 0 && (u.includesCredentials() || u.port >= 0) {
					return false
				}
				h, ok := parseHost(string(buf), !special)
				if !ok {
					return false
				}
				u.host, u.hasHost = h, true
				buf = buf[:0]
				st = statePathStart
				if override != stateNone {
					return true
				}
			} else {
				if c == '[' {
					insideBrackets = true
				} else if c == ']' {
					insideBrackets = false
				}
				buf = append(buf, byte(c))
			}

		case statePort:
			if isDigit(c) {
				buf = append(buf, byte(c))
			} else if c == eof || c == '/' || c == '?' || c == '#' || (special && c == '\\') || override != stateNone {
				if len(buf) > 0 {
					port := 0
					for _, d := range buf {
						port = port*10 + int(d-'0')
						if port > 65535 {
							return false
						}
					}
					if def, _ := specialPort(u.scheme); def == port {
						u.port = -1
					} else {
						u.port = port
					}
					buf = buf[:0]
					if override != stateNone {
						return true
					}
				}
				if override != stateNone {
					return false
				}
				st = statePathStart
				p--
			} else {
				return false
			}

		case stateFile:
			u.scheme = "file"
			special = true
			u.host, u.hasHost = "", true
			if c == '/' || c == '\\' {
				st = stateFileSlash
			} else if base != nil && base.scheme == "file" {
				u.host, u.hasHost = base.host, base.hasHost
				u.path = append([]string(nil), base.path...)
				u.query, u.hasQuery = base.query, base.hasQuery
				switch c {
				case '?':
					u.query, u.hasQuery = "", true
					st = stateQuery
				case '#':
					u.fragment, u.hasFragment = "", true
					st = stateFragment
				case eof:
				default:
					u.query, u.hasQuery = "", false
					if !startsWithWindowsDriveLetter(input[p:]) {
						u.shortenPath()
					} else {
						u.path = u.path[:0]
					}
					st = statePath
					p--
				}
			} else {
				st = statePath
				p--
			}

		case stateFileSlash:
			if c == '/' || c == '\\' {
				st = stateFileHost
			} else {
				if base != nil && base.scheme == "file" {
					u.host, u.hasHost = base.host, base.hasHost
					if !startsWithWindowsDriveLetter(input[min(p, n):]) &&
						len(base.path) > 0 && isNormalizedWindowsDriveLetter(base.path[0]) {
						u.path = append(u.path, base.path[0])
					}
				}
				st = statePath
				p--
			}

		case stateFileHost:
			if c == eof || c == '/' || c == '\\' || c == '?' || c == '#' {
				p--
				if override == stateNone && isWindowsDriveLetter(string(buf)) {
					st = statePath
				} else if len(buf) == 0 {
					u.host, u.hasHost = "", true
					if override != stateNone {
						return true
					}
					st = statePathStart
				} else {
					h, ok := parseHost(string(buf), !special)
					if !ok {
						return false
					}
					if h == "localhost" {
						h = ""
					}
					u.host, u.hasHost = h, true
					if override != stateNone {
						return true
					}
					buf = buf[:0]
					st = statePathStart
				}
			} else {
				buf = append(buf, byte(c))
			}

		case statePathStart:
			if special {
				st = statePath
				if c != '/' && c != '\\' {
					p--
				}
			} else if override == stateNone && c == '?' {
				u.query, u.hasQuery = "", true
				st = stateQuery
			} else if override == stateNone && c == '#' {
				u.fragment, u.hasFragment = "", true
				st = stateFragment
			} else if c != eof {
				st = statePath
				if c != '/' {
					p--
				}
			} else if override != stateNone && !u.hasHost {
				u.path = append(u.path, "")
			}

		case statePath:
			if c == eof || c == '/' || (special && c == '\\') || (override == stateNone && (c == '?' || c == '#')) {
				slash := c == '/' || (special && c == '\\')
				if isDoubleDot(buf) {
					u.shortenPath()
					if !slash {
						u.path = append(u.path, "")
					}
				} else if isSingleDot(buf) {
					if !slash {
						u.path = append(u.path, "")
					}
				} else {
					if u.scheme == "file" && len(u.path) == 0 && isWindowsDriveLetter(string(buf)) {
						buf[1] = ':'
					}
					seg := string(buf)
					if u.path == nil {
						u.path = make([]string, 0, 4)
					}
					u.path = append(u.path, seg)
				}
				buf = buf[:0]
				if c == '?' {
					u.query, u.hasQuery = "", true
					st = stateQuery
				} else if c == '#' {
					u.fragment, u.hasFragment = "", true
					st = stateFragment
				}
			} else {
				buf = appendEncodedByte(buf, byte(c), &pathSet)
			}

		case stateOpaquePath:
			switch {
			case c == '?':
				u.opaquePath += string(buf)
				buf = buf[:0]
				u.query, u.hasQuery = "", true
				st = stateQuery
			case c == '#':
				u.opaquePath += string(buf)
				buf = buf[:0]
				u.fragment, u.hasFragment = "", true
				st = stateFragment
			case c == ' ':
				if p+1 < n && (input[p+1] == '?' || input[p+1] == '#') {
					buf = append(buf, "%20"...)
				} else {
					buf = append(buf, ' ')
				}
			case c == eof:
				u.opaquePath += string(buf)
				buf = buf[:0]
			default:
				buf = appendEncodedByte(buf, byte(c), &c0ControlSet)
			}

		case stateQuery:
			if (override == stateNone && c == '#') || c == eof {
				set := &querySet
				if special {
					set = &specialQuerySet
				}
				u.query = concatEncoded(u.query, buf, set)
				buf = buf[:0]
				if c == '#' {
					u.fragment, u.hasFragment = "", true
					st = stateFragment
				}
			} else {
				buf = append(buf, byte(c))
			}

		case stateFragment:
			if c != eof {
				buf = appendEncodedByte(buf, byte(c), &fragmentSet)
			} else {
				u.fragment += string(buf)
				buf = buf[:0]
			}
		}
		if p >= n {
			break
		}
	}
	return true
}

func appendEncodedByte(dst []byte, b byte, set *encodeSet) []byte {
	if set.has(b) {
		return append(dst, '%', upperHex[b>>4], upperHex[b&15])
	}
	return append(dst, b)
}

// concatEncoded returns prefix followed by src percent-encoded with set,
// in one allocation.
func concatEncoded(prefix string, src []byte, set *encodeSet) string {
	n := len(prefix) + len(src)
	for _, c := range src {
		if set.has(c) {
			n += 2
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for _, c := range src {
		if set.has(c) {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// internScheme returns common schemes without allocating.
func internScheme(b []byte) string {
	switch string(b) {
	case "http":
		return "http"
	case "https":
		return "https"
	case "ws":
		return "ws"
	case "wss":
		return "wss"
	case "ftp":
		return "ftp"
	case "file":
		return "file"
	case "data":
		return "data"
	case "blob":
		return "blob"
	case "mailto":
		return "mailto"
	case "about":
		return "about"
	case "javascript":
		return "javascript"
	}
	return string(b)
}
