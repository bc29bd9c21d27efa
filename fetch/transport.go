package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// TransportOptions tune NewTransport.
type TransportOptions struct {
	// AllowPrivate disables the dial-time SSRF guard.
	AllowPrivate bool
	// Exempt lists addresses and prefixes ("127.0.0.1", "10.0.0.0/8") the
	// guard lets through.
	Exempt []string
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver *net.Resolver
}

// NewTransport returns the tuned transport fetch() uses by default: large
// keep-alive pools (256 idle connections per host), HTTP/2, dial, TLS and
// response-header timeouts, no proxy from the environment, and, unless
// opts.AllowPrivate, a dialer that resolves the host itself, refuses the
// connection when any of its addresses is not public (a *RefusedError
// matching ErrPrivateAddress), dials only the checked addresses and checks
// the socket's address again just before connecting, so DNS rebinding
// cannot slip through.
func NewTransport(opts TransportOptions) *http.Transport {
	ex, _ := newHostSet(opts.Exempt)
	g := &addrGuard{allowPrivate: opts.AllowPrivate, exempt: hostSet{prefixes: ex.prefixes}}
	return newTransport(g, opts.Resolver)
}

func newTransport(g *addrGuard, res *net.Resolver) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	gd := &guardedDialer{d: d, guard: g, resolver: res}
	if gd.resolver == nil {
		gd.resolver = net.DefaultResolver
	}
	if !g.allowPrivate {
		d.Control = gd.control
	}
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            gd.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           4096,
		MaxIdleConnsPerHost:    256,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  1 * time.Second,
		ResponseHeaderTimeout:  100 * time.Second,
		MaxResponseHeaderBytes: 128 << 10,
		WriteBufferSize:        32 << 10,
		ReadBufferSize:         32 << 10,
	}
}

// shared transports, one per guard configuration, so that every routine
// and isolate with the same policy shares one connection pool.
var (
	sharedMu         sync.Mutex
	sharedTransports = map[string]*http.Transport{}
)

func sharedTransport(g *addrGuard) *http.Transport {
	k := g.key()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	t := sharedTransports[k]
	if t == nil {
		t = newTransport(g, nil)
		sharedTransports[k] = t
	}
	return t
}

type guardedDialer struct {
	d        *net.Dialer
	guard    *addrGuard
	resolver *net.Resolver
}

// DialContext resolves addr's host, checks every address and dials them in
// turn.
func (gd *guardedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if gd.guard.allowPrivate {
		return gd.d.DialContext(ctx, network, addr)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, &net.AddrError{Err: "invalid port", Addr: addr}
	}
	var addrs []netip.Addr
	if a, err := literalAddr(host); err == nil {
		addrs = []netip.Addr{a.Unmap()}
	} else {
		addrs, err = gd.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
	}
	for _, a := range addrs {
		if re := gd.guard.check(host, a); re != nil {
			return nil, re
		}
	}
	var firstErr error
	for _, a := range addrs {
		c, err := gd.d.DialContext(ctx, network, netip.AddrPortFrom(a.Unmap(), uint16(port)).String())
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// control checks the address a socket is about to connect to.
func (gd *guardedDialer) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return errors.New("fetch: refusing to connect to unparsable address " + address)
	}
	if re := gd.guard.check(ap.Addr().Unmap().String(), ap.Addr()); re != nil {
		return re
	}
	return nil
}
