package fileapi

import "github.com/workerhost/workerhost/internal/mimetype"

// parseMIMEType implements the MIME Sniffing Standard's "parse a MIME
// type" on a header value: it returns the essence ("type/subtype",
// lowercase) and the parameters (names lowercase, the first occurrence of
// each name wins, values unquoted), or ok=false when s is not a MIME type.
func parseMIMEType(s string) (essence string, params map[string]string, ok bool) {
	m, ok := mimetype.Parse(s)
	if !ok {
		return "", nil, false
	}
	params = make(map[string]string, len(m.Params))
	for _, p := range m.Params {
		params[p.Name] = p.Value
	}
	return m.Essence(), params, true
}

const httpWhitespace = "\t\n\r "
