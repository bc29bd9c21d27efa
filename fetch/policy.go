package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
)

// normHost lower-cases a host name and strips IPv6 brackets and a trailing dot.
func normHost(h string) string {
	h = strings.TrimSpace(h)
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	h = strings.TrimSuffix(h, ".")
	for i := 0; i < len(h); i++ {
		if c := h[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(h)
		}
	}
	return h
}

// hostSet matches host names against exact names, "*.domain" wildcards,
// IP addresses and CIDR prefixes.
type hostSet struct {
	exact    map[string]bool
	suffixes []string // ".example.com"
	prefixes []netip.Prefix
}

// newHostSet parses entries; invalid ones are returned as errors.
func newHostSet(entries []string) (hostSet, []error) {
	var s hostSet
	var errs []error
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if p, err := netip.ParsePrefix(e); err == nil {
			s.prefixes = append(s.prefixes, p.Masked())
			continue
		}
		h := normHost(e)
		if a, err := netip.ParseAddr(h); err == nil {
			s.prefixes = append(s.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		if strings.Contains(h, ":") || strings.Contains(h, "/") {
			// host:port — the port is not part of the policy.
			if hh, _, err := net.SplitHostPort(e); err == nil {
				h = normHost(hh)
				if a, err := netip.ParseAddr(h); err == nil {
					s.prefixes = append(s.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
					continue
				}
			} else {
				errs = append(errs, fmt.Errorf("invalid host pattern %q", e))
				continue
			}
		}
		if strings.HasPrefix(h, "*.") && len(h) > 2 {
			s.suffixes = append(s.suffixes, h[1:])
			continue
		}
		if strings.Contains(h, "*") {
			errs = append(errs, fmt.Errorf("invalid host pattern %q: only a leading \"*.\" wildcard is supported", e))
			continue
		}
		if s.exact == nil {
			s.exact = map[string]bool{}
		}
		s.exact[h] = true
	}
	return s, errs
}

func (s *hostSet) empty() bool {
	return len(s.exact) == 0 && len(s.suffixes) == 0 && len(s.prefixes) == 0
}

// match reports whether the (normalized) host matches the set.
func (s *hostSet) match(host string) bool {
	if s.exact[host] {
		return true
	}
	for _, suf := range s.suffixes {
		if len(host) > len(suf) && strings.HasSuffix(host, suf) {
			return true
		}
	}
	if len(s.prefixes) > 0 {
		if a, err := netip.ParseAddr(host); err == nil {
			return s.containsAddr(a)
		}
	}
	return false
}

func (s *hostSet) containsAddr(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	broadcast = netip.MustParseAddr("255.255.255.255")
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
)

// blockedKind returns what kind of non-public address a is ("" if public).
func blockedKind(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		// NAT64: judge the embedded IPv4 address.
		b := a.As16()
		if k := blockedKind(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})); k != "" {
			return k
		}
	}
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified() || (a.Is4() && thisNet.Contains(a)):
		return "unspecified"
	case a.IsPrivate():
		return "private network"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	case a.Is4() && cgnat.Contains(a):
		return "carrier-grade NAT"
	case a == broadcast:
		return "broadcast"
	}
	return ""
}

// addrGuard is the SSRF guard's view of a configuration.
type addrGuard struct {
	allowPrivate bool
	exempt       hostSet // only prefixes are used
}

// check returns a refusal when a may not be contacted. host is what the
// script asked for (a name or the address itself).
func (g *addrGuard) check(host string, a netip.Addr) *RefusedError {
	if g.allowPrivate {
		return nil
	}
	kind := blockedKind(a)
	if kind == "" || g.exempt.containsAddr(a) {
		return nil
	}
	what := kind + " addresses are blocked"
	if kind == "private network" {
		what = "private network addresses are blocked"
	}
	var msg string
	if ip := a.Unmap().String(); normHost(host) == ip {
		msg = "fetch() to " + ip + " refused: " + what + " (Config.AllowPrivate)"
	} else {
		msg = "fetch() to " + host + " refused: it resolves to " + ip + ", a " + kind + " address; " + what + " (Config.AllowPrivate)"
	}
	return refused(ReasonPrivateAddress, host, msg)
}

func (g *addrGuard) key() string {
	if g.allowPrivate {
		return "allow-private"
	}
	ps := make([]string, 0, len(g.exempt.prefixes))
	for _, p := range g.exempt.prefixes {
		ps = append(ps, p.String())
	}
	sort.Strings(ps)
	return "guard:" + strings.Join(ps, ",")
}

// Registry maps hosts to the routines serving them in this process, for
// the loop guard. It is safe for concurrent use; the zero value is ready.
type Registry struct {
	mu     sync.RWMutex
	exact  map[string]string // host → routine
	suffix map[string]string // ".example.com" → routine
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Register records that routine serves hosts (exact names or "*.domain"
// wildcards). It fails, registering nothing, when one of them is already
// registered to another routine.
func (g *Registry) Register(routine string, hosts ...string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.exact == nil {
		g.exact, g.suffix = map[string]string{}, map[string]string{}
	}
	type entry struct {
		m   map[string]string
		key string
	}
	var add []entry
	for _, h := range hosts {
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh // the port is not part of the guard
		}
		h = normHost(h)
		if h == "" {
			continue
		}
		e := entry{g.exact, h}
		if strings.HasPrefix(h, "*.") && len(h) > 2 {
			e = entry{g.suffix, h[1:]}
		} else if strings.Contains(h, "*") {
			return fmt.Errorf("fetch: invalid host pattern %q: only a leading \"*.\" wildcard is supported", h)
		}
		if cur, ok := e.m[e.key]; ok && cur != routine {
			return fmt.Errorf("fetch: host %q is already registered to routine %q", h, cur)
		}
		add = append(add, e)
	}
	for _, e := range add {
		e.m[e.key] = routine
	}
	return nil
}

// Unregister removes every host of routine.
func (g *Registry) Unregister(routine string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k, v := range g.exact {
		if v == routine {
			delete(g.exact, k)
		}
	}
	for k, v := range g.suffix {
		if v == routine {
			delete(g.suffix, k)
		}
	}
}

// Lookup returns the routine serving host (an exact registration wins over
// the longest matching wildcard).
func (g *Registry) Lookup(host string) (routine string, ok bool) {
	if g == nil {
		return "", false
	}
	host = normHost(host)
	g.mu.RLock()
	defer g.mu.RUnlock()
	if r, ok := g.exact[host]; ok {
		return r, true
	}
	if len(g.suffix) == 0 {
		return "", false
	}
	for i := 0; i < len(host); i++ {
		if host[i] == '.' && i > 0 {
			if r, ok := g.suffix[host[i:]]; ok {
				return r, true
			}
		}
	}
	return "", false
}

// errNotIP is returned by literalAddr for host names.
var errNotIP = errors.New("not an IP address")

func literalAddr(host string) (netip.Addr, error) {
	a, err := netip.ParseAddr(normHost(host))
	if err != nil {
		return netip.Addr{}, errNotIP
	}
	return a, nil
}
