package url

import (
	"strconv"
	"strings"
)

// Clone returns an independent copy of u.
func (u *Record) Clone() *Record {
	c := *u
	c.path = append([]string(nil), u.path...)
	return &c
}

// String returns the URL serialization (href).
func (u *Record) String() string { return u.serialize(false) }

// StringWithoutFragment serializes u with "exclude fragment" set, as Fetch
// does for request URLs sent on the network.
func (u *Record) StringWithoutFragment() string { return u.serialize(true) }

func (u *Record) serialize(excludeFragment bool) string {
	n := len(u.scheme) + len(u.username) + len(u.password) + len(u.host) + len(u.query) + len(u.fragment) + 16
	for _, s := range u.path {
		n += len(s) + 1
	}
	n += len(u.opaquePath)
	b := make([]byte, 0, n)
	b = append(b, u.scheme...)
	b = append(b, ':')
	if u.hasHost {
		b = append(b, "//"...)
		if u.includesCredentials() {
			b = append(b, u.username...)
			if u.password != "" {
				b = append(b, ':')
				b = append(b, u.password...)
			}
			b = append(b, '@')
		}
		b = append(b, u.host...)
		if u.port >= 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(u.port), 10)
		}
	} else if !u.opaque && len(u.path) > 1 && u.path[0] == "" {
		b = append(b, "/."...)
	}
	b = u.appendPath(b)
	if u.hasQuery {
		b = append(b, '?')
		b = append(b, u.query...)
	}
	if !excludeFragment && u.hasFragment {
		b = append(b, '#')
		b = append(b, u.fragment...)
	}
	return string(b)
}

func (u *Record) appendPath(b []byte) []byte {
	if u.opaque {
		return append(b, u.opaquePath...)
	}
	for _, s := range u.path {
		b = append(b, '/')
		b = append(b, s...)
	}
	return b
}

// Scheme returns the scheme, without ":" ("https").
func (u *Record) Scheme() string { return u.scheme }

// IsSpecial reports whether the scheme is special (ftp, file, http, https,
// ws, wss).
func (u *Record) IsSpecial() bool { return u.special() }

// Protocol returns the scheme followed by ":" (URL.protocol).
func (u *Record) Protocol() string { return u.scheme + ":" }

// Username returns the percent-encoded username.
func (u *Record) Username() string { return u.username }

// Password returns the percent-encoded password.
func (u *Record) Password() string { return u.password }

// HasHost reports whether the host is non-null.
func (u *Record) HasHost() bool { return u.hasHost }

// Hostname returns the serialized host ("" when null), like URL.hostname.
func (u *Record) Hostname() string { return u.host }

// Host returns hostname[:port], like URL.host.
func (u *Record) Host() string {
	if !u.hasHost {
		return ""
	}
	if u.port < 0 {
		return u.host
	}
	return u.host + ":" + strconv.Itoa(u.port)
}

// Port returns the port and true, or 0 and false when the port is null
// (absent or the scheme's default).
func (u *Record) Port() (int, bool) {
	if u.port < 0 {
		return 0, false
	}
	return u.port, true
}

// PortString returns the port like URL.port ("" when null).
func (u *Record) PortString() string {
	if u.port < 0 {
		return ""
	}
	return strconv.Itoa(u.port)
}

// EffectivePort returns the port, or the scheme's default port when it is
// null; ok is false when there is neither.
func (u *Record) EffectivePort() (port int, ok bool) {
	if u.port >= 0 {
		return u.port, true
	}
	def, _ := specialPort(u.scheme)
	return def, def >= 0
}

// HasOpaquePath reports whether the URL has an opaque path ("mailto:x").
func (u *Record) HasOpaquePath() bool { return u.opaque }

// Pathname returns the URL path serialization, like URL.pathname.
func (u *Record) Pathname() string {
	if u.opaque {
		return u.opaquePath
	}
	if len(u.path) == 1 {
		return "/" + u.path[0]
	}
	return string(u.appendPath(nil))
}

// PathSegments returns a copy of the path segments (nil for an opaque path).
func (u *Record) PathSegments() []string {
	if u.opaque {
		return nil
	}
	return append([]string(nil), u.path...)
}

// Query returns the query without "?" and whether it is non-null.
func (u *Record) Query() (string, bool) { return u.query, u.hasQuery }

// Search returns "?" + query, or "" when the query is null or empty.
func (u *Record) Search() string {
	if u.query == "" {
		return ""
	}
	return "?" + u.query
}

// Fragment returns the fragment without "#" and whether it is non-null.
func (u *Record) Fragment() (string, bool) { return u.fragment, u.hasFragment }

// Hash returns "#" + fragment, or "" when the fragment is null or empty.
func (u *Record) Hash() string {
	if u.fragment == "" {
		return ""
	}
	return "#" + u.fragment
}

// RequestTarget returns path and query as sent in an HTTP request line
// ("/a/b?c"); for an opaque path, the path itself.
func (u *Record) RequestTarget() string {
	b := u.appendPath(make([]byte, 0, 32))
	if u.hasQuery {
		b = append(b, '?')
		b = append(b, u.query...)
	}
	if len(b) == 0 {
		return "/"
	}
	return string(b)
}

// Origin is a URL origin: either opaque or a (scheme, host, port) tuple.
type Origin struct {
	Opaque bool
	Scheme string
	Host   string // serialized host
	Port   int    // -1: null
}

// String is the serialization of an origin ("null" when opaque).
func (o Origin) String() string {
	if o.Opaque {
		return "null"
	}
	if o.Port < 0 {
		return o.Scheme + "://" + o.Host
	}
	return o.Scheme + "://" + o.Host + ":" + strconv.Itoa(o.Port)
}

// SameOrigin reports whether a and b are the same origin (opaque origins
// are never the same here, as each is a fresh one).
func (o Origin) SameOrigin(b Origin) bool {
	return !o.Opaque && !b.Opaque && o.Scheme == b.Scheme && o.Host == b.Host && o.Port == b.Port
}

// Origin returns u's origin. blob: URLs take the origin of the http(s) URL
// in their path; file: and non-special URLs have an opaque origin.
func (u *Record) Origin() Origin {
	switch u.scheme {
	case "blob":
		if p := parse(u.Pathname(), nil); p != nil && (p.scheme == "http" || p.scheme == "https") {
			return p.Origin()
		}
		return Origin{Opaque: true, Port: -1}
	case "ftp", "http", "https", "ws", "wss":
		return Origin{Scheme: u.scheme, Host: u.host, Port: u.port}
	}
	return Origin{Opaque: true, Port: -1}
}

// The setters below implement the URL interface's attribute setters on a
// record. Invalid values are ignored, as in the URL Standard, except for
// SetHref, which reports failure.

// SetHref replaces u with the parse of value; it returns an error (and
// leaves u unchanged) when value is not a valid URL.
func (u *Record) SetHref(value string) error {
	p, err := Parse(value, nil)
	if err != nil {
		return err
	}
	*u = *p
	return nil
}

// SetProtocol is the protocol setter.
func (u *Record) SetProtocol(value string) {
	u.run(toUSV(value)+":", nil, stateSchemeStart)
}

func (u *Record) cannotHaveCredentialsOrPort() bool {
	return !u.hasHost || u.host == "" || u.scheme == "file"
}

// SetUsername is the username setter.
func (u *Record) SetUsername(value string) {
	if u.cannotHaveCredentialsOrPort() {
		return
	}
	u.username = percentEncode(toUSV(value), &userinfoSet)
}

// SetPassword is the password setter.
func (u *Record) SetPassword(value string) {
	if u.cannotHaveCredentialsOrPort() {
		return
	}
	u.password = percentEncode(toUSV(value), &userinfoSet)
}

// SetHost is the host setter.
func (u *Record) SetHost(value string) {
	if u.opaque {
		return
	}
	u.run(toUSV(value), nil, stateHost)
}

// SetHostname is the hostname setter.
func (u *Record) SetHostname(value string) {
	if u.opaque {
		return
	}
	u.run(toUSV(value), nil, stateHostname)
}

// SetPort is the port setter.
func (u *Record) SetPort(value string) {
	if u.cannotHaveCredentialsOrPort() {
		return
	}
	if value == "" {
		u.port = -1
		return
	}
	u.run(toUSV(value), nil, statePort)
}

// SetPathname is the pathname setter.
func (u *Record) SetPathname(value string) {
	if u.opaque {
		return
	}
	u.path = u.path[:0:0]
	u.run(toUSV(value), nil, statePathStart)
}

// SetSearch is the search setter (without the URLSearchParams update,
// which the JS binding does).
func (u *Record) SetSearch(value string) {
	if value == "" {
		u.query, u.hasQuery = "", false
		return
	}
	value = strings.TrimPrefix(toUSV(value), "?")
	u.query, u.hasQuery = "", true
	u.run(value, nil, stateQuery)
}

// SetHash is the hash setter.
func (u *Record) SetHash(value string) {
	if value == "" {
		u.fragment, u.hasFragment = "", false
		return
	}
	value = strings.TrimPrefix(toUSV(value), "#")
	u.fragment, u.hasFragment = "", true
	u.run(value, nil, stateFragment)
}

// setQuery sets the query directly (URLSearchParams update steps).
func (u *Record) setQuery(q string, has bool) { u.query, u.hasQuery = q, has }
