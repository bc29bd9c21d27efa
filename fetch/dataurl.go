package fetch

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/workerhost/workerhost/internal/mimetype"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
	"github.com/workerhost/workerhost/webapi/encoding"
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
		dec, ok := encoding.ForgivingBase64Decode(body)
		if !ok {
			return DataURL{}, false
		}
		body = dec
		mimeType = base
	}
	if strings.HasPrefix(mimeType, ";") {
		mimeType = "text/plain" + mimeType
	}
	mt, ok := mimetype.Parse(mimeType)
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

// resolveDataURL settles a fetch() of a data: URL ("scheme fetch"): a
// basic 200 "OK" response whose Content-Type is the URL's MIME type, or a
// network error (TypeError) when the URL does not process. The body of a
// HEAD request is null.
func resolveDataURL(r *realm.Realm, method, href string, resolve, reject func(any) error) {
	d, ok := ProcessDataURL(href)
	if !ok {
		_ = reject(r.NewTypeError("fetch failed: " + strconv.Quote(shorten(href)) + " is not a valid data: URL (it needs a comma, and base64 data must decode)"))
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
