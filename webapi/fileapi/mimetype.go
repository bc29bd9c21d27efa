package fileapi

import "strings"

// parseMIMEType implements the MIME Sniffing Standard's "parse a MIME
// type" on a header value: it returns the essence ("type/subtype",
// lowercase) and the parameters (names lowercase, the first occurrence of
// each name wins, values unquoted), or ok=false when s is not a MIME type.
func parseMIMEType(s string) (essence string, params map[string]string, ok bool) {
	s = strings.Trim(s, httpWhitespace)
	slash := strings.IndexByte(s, '/')
	if slash <= 0 || !isToken(s[:slash]) {
		return "", nil, false
	}
	typ := s[:slash]
	rest := s[slash+1:]
	semi := strings.IndexByte(rest, ';')
	sub := rest
	if semi >= 0 {
		sub, rest = rest[:semi], rest[semi:]
	} else {
		rest = ""
	}
	sub = strings.TrimRight(sub, httpWhitespace)
	if sub == "" || !isToken(sub) {
		return "", nil, false
	}
	essence = strings.ToLower(typ) + "/" + strings.ToLower(sub)
	params = map[string]string{}
	for len(rest) > 0 {
		rest = rest[1:] // the ';'
		rest = strings.TrimLeft(rest, httpWhitespace)
		end := strings.IndexAny(rest, ";=")
		if end < 0 {
			end = len(rest)
		}
		name := strings.ToLower(rest[:end])
		rest = rest[end:]
		if rest == "" {
			break
		}
		if rest[0] == ';' {
			continue
		}
		rest = rest[1:] // the '='
		var value string
		if rest != "" && rest[0] == '"' {
			value, rest = quotedString(rest)
			if i := strings.IndexByte(rest, ';'); i >= 0 {
				rest = rest[i:]
			} else {
				rest = ""
			}
		} else {
			i := strings.IndexByte(rest, ';')
			if i < 0 {
				i = len(rest)
			}
			value, rest = strings.TrimRight(rest[:i], httpWhitespace), rest[i:]
			if value == "" {
				continue
			}
		}
		if name == "" || !isToken(name) || !isQuotedStringText(value) {
			continue
		}
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	return essence, params, true
}

const httpWhitespace = "\t\n\r "

// quotedString collects an HTTP quoted string (s starts with '"') with its
// backslash escapes removed, and returns it with the rest of s.
func quotedString(s string) (string, string) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		i++
		switch c {
		case '"':
			return b.String(), s[i:]
		case '\\':
			if i >= len(s) {
				b.WriteByte('\\')
				return b.String(), ""
			}
			b.WriteByte(s[i])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

func isQuotedStringText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && (c < 0x20 || c == 0x7F) {
			return false
		}
	}
	return true
}
