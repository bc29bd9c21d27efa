// Package mimetype parses and serializes MIME types as the MIME Sniffing
// Standard says (https://mimesniff.spec.whatwg.org/#parsing-a-mime-type),
// for Blob/File types, multipart bodies, FileReader and data: URLs.
package mimetype

import "strings"

// MIMEType is a parsed MIME type (MIME Sniffing Standard §4.1): type and
// subtype lowercase, parameters in order with unique lowercase names.
type MIMEType struct {
	Type, Subtype string
	Params        []Param
}

// Param is a MIME type parameter.
type Param struct{ Name, Value string }

// Essence returns "type/subtype".
func (m MIMEType) Essence() string { return m.Type + "/" + m.Subtype }

// Param returns the value of the parameter name (lowercase).
func (m MIMEType) Param(name string) (string, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// String implements "serialize a MIME type".
func (m MIMEType) String() string {
	var b strings.Builder
	b.WriteString(m.Type)
	b.WriteByte('/')
	b.WriteString(m.Subtype)
	for _, p := range m.Params {
		b.WriteByte(';')
		b.WriteString(p.Name)
		b.WriteByte('=')
		if p.Value != "" && IsHTTPToken(p.Value) {
			b.WriteString(p.Value)
			continue
		}
		b.WriteByte('"')
		for _, r := range p.Value {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	return b.String()
}

const httpWhitespace = "\t\n\r "

// Parse implements "parse a MIME type" (ok is false for a string that is
// not a MIME type).
func Parse(input string) (MIMEType, bool) {
	s := []rune(strings.Trim(input, httpWhitespace))
	pos := 0
	collect := func(stop func(rune) bool) string {
		start := pos
		for pos < len(s) && !stop(s[pos]) {
			pos++
		}
		return string(s[start:pos])
	}
	typ := collect(func(r rune) bool { return r == '/' })
	if typ == "" || !IsHTTPToken(typ) || pos >= len(s) {
		return MIMEType{}, false
	}
	pos++ // '/'
	sub := strings.TrimRight(collect(func(r rune) bool { return r == ';' }), httpWhitespace)
	if sub == "" || !IsHTTPToken(sub) {
		return MIMEType{}, false
	}
	m := MIMEType{Type: strings.ToLower(typ), Subtype: strings.ToLower(sub)}
	for pos < len(s) {
		pos++ // ';'
		for pos < len(s) && strings.ContainsRune(httpWhitespace, s[pos]) {
			pos++
		}
		name := strings.ToLower(collect(func(r rune) bool { return r == ';' || r == '=' }))
		if pos < len(s) {
			if s[pos] == ';' {
				continue
			}
			pos++ // '='
		}
		if pos >= len(s) {
			break
		}
		var value string
		if s[pos] == '"' {
			value = collectQuoted(s, &pos)
			collect(func(r rune) bool { return r == ';' })
		} else {
			value = strings.TrimRight(collect(func(r rune) bool { return r == ';' }), httpWhitespace)
			if value == "" {
				continue
			}
		}
		if _, dup := m.Param(name); name != "" && IsHTTPToken(name) && isQuotedStringTokens(value) && !dup {
			m.Params = append(m.Params, Param{name, value})
		}
	}
	return m, true
}

// collectQuoted implements "collect an HTTP quoted string" with
// extract-value set; s[*pos] is '"'.
func collectQuoted(s []rune, pos *int) string {
	var b strings.Builder
	*pos++
	for {
		for *pos < len(s) && s[*pos] != '"' && s[*pos] != '\\' {
			b.WriteRune(s[*pos])
			*pos++
		}
		if *pos >= len(s) {
			break
		}
		c := s[*pos]
		*pos++
		if c == '\\' {
			if *pos >= len(s) {
				b.WriteByte('\\')
				break
			}
			b.WriteRune(s[*pos])
			*pos++
			continue
		}
		break // the closing '"'
	}
	return b.String()
}

// IsHTTPToken reports whether s is a non-empty string of HTTP token code
// points.
func IsHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isQuotedStringTokens: only HTTP quoted-string token code points (U+0009,
// U+0020 to U+007E, U+0080 to U+00FF).
func isQuotedStringTokens(s string) bool {
	for _, r := range s {
		if !(r == '\t' || 0x20 <= r && r <= 0x7E || 0x80 <= r && r <= 0xFF) {
			return false
		}
	}
	return true
}
