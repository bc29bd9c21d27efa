package webapi

import (
	"errors"
	neturl "net/url"
)

// parsedURL is what the Fetch classes need from a parsed URL.
type parsedURL struct {
	href     string
	scheme   string
	userinfo string
}

// ParseURL parses s against base ("" for none) with the URL parser the
// classes use. It is replaced by the WHATWG parser of webapi/url when that
// package is installed (see SetURLParser).
func ParseURL(s, base string) (parsedURL, error) { return urlParser(s, base) }

var urlParser = func(s, base string) (parsedURL, error) {
	u, err := neturl.Parse(s)
	if err != nil {
		return parsedURL{}, err
	}
	if base != "" {
		b, err := neturl.Parse(base)
		if err != nil {
			return parsedURL{}, err
		}
		u = b.ResolveReference(u)
	}
	if !u.IsAbs() {
		return parsedURL{}, errors.New("relative URL without a base")
	}
	ui := ""
	if u.User != nil {
		ui = u.User.String()
	}
	return parsedURL{href: u.String(), scheme: u.Scheme, userinfo: ui}, nil
}
