package fetch

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

// DataURL is the result of the Fetch Standard's "data: URL processor".
type DataURL struct {
	// MIMEType is the serialized MIME type ("text/plain;charset=US-ASCII"
	// when the URL gives none or an invalid one).
	MIMEType string
	// Body is the decoded body.
	Body []byte
}

// ProcessDataURL implements the "data: URL processor" (Fetch §4.2 "data:
// URLs") on a serialized data: URL. ok is false on failure (no comma, or
// base64 that does not decode), which fetch() reports as a network error.
// Anything after the first '#' (the fragment) is ignored.
func ProcessDataURL(href string) (d DataURL, ok bool) {
	if len(href) < 5 || !strings.EqualFold(href[:5], "data:") {
		return DataURL{}, false
	}
	input := href[5:]
	if i := strings.IndexByte(input, '#'); i >= 0 {
		input = input[:i]
	}
	comma := strings.IndexByte(input, ',')
	if comma < 0 {
		return DataURL{}, false
	}
	mimeType := strings.Trim(input[:comma], asciiWhitespace)
	body := percentDecode(input[comma+1:])
	if base, ok := cutBase64Suffix(mimeType); ok {
		dec, ok := forgivingBase64Decode(body)
		if !ok {
			return DataURL{}, false
		}
		body = dec
		mimeType = base
	}
	if strings.HasPrefix(mimeType, ";") {
		mimeType = "text/plain" + mimeType
	}
	mt, ok := parseMIMEType(mimeType)
	if !ok {
		return DataURL{Body: body, MIMEType: "text/plain;charset=US-ASCII"}, true
	}
	return DataURL{Body: body, MIMEType: mt.String()}, true
}

// asciiWhitespace is the Infra Standard's ASCII whitespace.
const asciiWhitespace = "\t\n\f\r "

// cutBase64Suffix checks whether mimeType ends with ';', zero or more
// spaces and "base64" (ASCII case-insensitive) and returns mimeType without
// that suffix.
func cutBase64Suffix(mimeType string) (string, bool) {
	const b64 = "base64"
	if len(mimeType) < len(b64)+1 || !strings.EqualFold(mimeType[len(mimeType)-len(b64):], b64) {
		return mimeType, false
	}
	rest := strings.TrimRight(mimeType[:len(mimeType)-len(b64)], " ")
	if !strings.HasSuffix(rest, ";") {
		return mimeType, false
	}
	return rest[:len(rest)-1], true
}

// percentDecode implements the URL Standard's "percent-decode" on the
// UTF-8 encoding of s.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, c)
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// forgivingBase64Decode implements the Infra Standard's "forgiving-base64
// decode" on bytes (each byte one code point, as the data: URL processor's
// isomorphic decode makes them).
func forgivingBase64Decode(p []byte) ([]byte, bool) {
	data := make([]byte, 0, len(p))
	for _, c := range p {
		if strings.IndexByte(asciiWhitespace, c) < 0 {
			data = append(data, c)
		}
	}
	if len(data)%4 == 0 {
		if n := len(data); n >= 2 && data[n-1] == '=' && data[n-2] == '=' {
			data = data[:n-2]
		} else if n >= 1 && data[n-1] == '=' {
			data = data[:n-1]
		}
	}
	if len(data)%4 == 1 {
		return nil, false
	}
	for _, c := range data {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, false
		}
	}
	// The alphabet is checked and the padding gone: RawStdEncoding (not
	// strict) decodes the rest, ignoring the bits past the last byte as the
	// algorithm does.
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(data)))
	n, err := base64.RawStdEncoding.Decode(out, data)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}

// mimeType is a parsed MIME type (MIME Sniffing Standard §4.1).
type mimeType struct {
	typ, subtype string
	params       []mimeParam // in order, names unique
}

type mimeParam struct{ name, value string }

// String implements "serialize a MIME type".
func (m mimeType) String() string {
	var b strings.Builder
	b.WriteString(m.typ)
	b.WriteByte('/')
	b.WriteString(m.subtype)
	for _, p := range m.params {
		b.WriteByte(';')
		b.WriteString(p.name)
		b.WriteByte('=')
		if p.value != "" && isHTTPToken(p.value) {
			b.WriteString(p.value)
			continue
		}
		b.WriteByte('"')
		for _, r := range p.value {
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

// parseMIMEType implements "parse a MIME type".
func parseMIMEType(input string) (mimeType, bool) {
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
	if typ == "" || !isHTTPToken(typ) || pos >= len(s) {
		return mimeType{}, false
	}
	pos++ // '/'
	sub := strings.TrimRight(collect(func(r rune) bool { return r == ';' }), httpWhitespace)
	if sub == "" || !isHTTPToken(sub) {
		return mimeType{}, false
	}
	m := mimeType{typ: strings.ToLower(typ), subtype: strings.ToLower(sub)}
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
		if name != "" && isHTTPToken(name) && isQuotedStringTokens(value) && !m.hasParam(name) {
			m.params = append(m.params, mimeParam{name, value})
		}
	}
	return m, true
}

func (m mimeType) hasParam(name string) bool {
	for _, p := range m.params {
		if p.name == name {
			return true
		}
	}
	return false
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

func isHTTPToken(s string) bool {
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

// resolveDataURL settles a fetch() of a data: URL ("scheme fetch"): a
// basic 200 "OK" response whose Content-Type is the URL's MIME type, or a
// network error (TypeError) when the URL does not process. The body of a
// HEAD request is null.
func resolveDataURL(r *realm.Realm, method, href string, resolve, reject func(any) error) {
	d, ok := ProcessDataURL(href)
	if !ok {
		_ = reject(typeError(r, "fetch failed: "+strconv.Quote(shorten(href))+" is not a valid data: URL (it needs a comma, and base64 data must decode)"))
		return
	}
	var body webapi.Body
	if method != http.MethodHead {
		body = webapi.BytesBody(d.Body)
	}
	obj, _ := webapi.NewResponse(r, http.StatusOK, "OK", http.Header{"Content-Type": {d.MIMEType}}, body, href, false)
	_ = resolve(obj)
}

// shorten cuts a long URL for an error message.
func shorten(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

// typeError makes a TypeError with msg as is. (goja's NewTypeError, which
// realm.NewTypeError calls, takes a format string: a URL's % escapes in the
// message would be garbled.)
func typeError(r *realm.Realm, msg string) *goja.Object {
	return r.VM().NewTypeError("%s", msg)
}
