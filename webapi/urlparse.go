package webapi

import (
	"github.com/workerhost/workerhost/webapi/url"
)

// parsedURL is what the Fetch classes need from a parsed URL.
type parsedURL struct {
	href     string
	scheme   string
	userinfo string
	rec      *url.Record
}

// ParseURL parses s against base ("" for none) with the WHATWG URL parser.
func ParseURL(s, base string) (parsedURL, error) {
	var b *url.Record
	if base != "" {
		var err error
		if b, err = url.Parse(base, nil); err != nil {
			return parsedURL{}, err
		}
	}
	u, err := url.Parse(s, b)
	if err != nil {
		return parsedURL{}, err
	}
	ui := u.Username()
	if p := u.Password(); p != "" {
		ui += ":" + p
	}
	return parsedURL{href: u.String(), scheme: u.Scheme(), userinfo: ui, rec: u}, nil
}
