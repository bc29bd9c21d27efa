// Package fetch implements the global fetch() of worker scripts (WHATWG
// Fetch as workerd implements it) and the outbound policy every subrequest
// goes through: the per-request subrequest budget, the host allowlist, the
// SSRF guard against private network addresses, the cross-routine loop
// guard and the hop limit.
//
// Install it in a realm after webapi.Install:
//
//	inst := fetch.Installer(fetch.Config{AllowedHosts: []string{"api.example.com"}})
//	inst(r) // on every isolate's loop goroutine
//
// Every fetch() runs on its own goroutine under the request context's Go
// context, so ending the request cancels it. Response bodies are streamed:
// nothing is buffered unless script asks for text(), json() and the like.
//
// Wiring it into a host (what the runtime does):
//
//   - call Installer once per routine, with Subrequests from the routine's
//     limits and RoutineName set, and apply it to every isolate's realm;
//   - when a request context is created, call SetIncomingHops(ctx,
//     HopsFromHeader(req.Header));
//   - when the fetch event's Request is made with webapi.NewIncomingRequest,
//     call MarkIncoming(ctx, q), so that fetch(event.request) goes to
//     Config.Origin;
//   - register the routine's hosts in a process-wide Registry.
//
// Policy failures reject with a TypeError whose message names the rule
// (and the Config field that controls it); Go sees them in Config.OnEvent
// and Config.Stats. fetchtest provides a transport for tests.
//
// data: URLs (ProcessDataURL) and blob: URLs (URL.createObjectURL, which
// this package defines, with a blob URL store per routine) are answered in
// process: they are not subrequests, so the policy does not apply to them,
// they cost nothing from the budget and produce no events.
package fetch

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/workerhost/workerhost/limits"
)

// HopHeader is added to every outbound request with the number of routines
// the request has passed through (the incoming value + 1).
const HopHeader = "X-Workerhost-Hops"

// DefaultMaxHops is Config.MaxHops when zero.
const DefaultMaxHops = 10

// MaxRedirects is how many redirects fetch() follows before failing (Fetch
// §4.4 "HTTP-redirect fetch").
const MaxRedirects = 20

// Config configures fetch() for one routine. The zero value fetches any
// public http(s) host through a shared, tuned transport.
type Config struct {
	// Transport sends the subrequests that go to the network. Default: a
	// process-wide *http.Transport (see NewTransport) with keep-alive pools,
	// 256 idle connections per host, timeouts, and the SSRF guard at dial
	// time. A custom transport gets the policy checks that need no DNS
	// (IP literals); host names are not resolved before it is called.
	Transport http.RoundTripper
	// Origin serves, in process and without a network hop, fetch() of the
	// incoming request (fetch(event.request), see MarkIncoming) and of URLs
	// whose host is one of OwnHosts (or registered to RoutineName in
	// Registry). Nil: such requests go to the network like any other.
	Origin http.Handler
	// OwnHosts are the routine's own domains ("shop.example.com" or
	// "*.example.com"): fetch() to them goes to Origin.
	OwnHosts []string
	// Subrequests bounds the fetch() calls of one request, each followed
	// redirect counting as one more. 0 means limits' default (50); a
	// negative value disables the budget.
	Subrequests int
	// AllowedHosts, when not empty, is the allowlist of hosts fetch() may
	// reach: exact names ("api.example.com"), wildcards ("*.example.com",
	// any subdomain but not the apex), IP addresses ("127.0.0.1") and CIDR
	// prefixes ("10.1.0.0/16"). IP and prefix entries also exempt those
	// addresses from the private-address guard. Requests routed to Origin
	// are not subject to it.
	AllowedHosts []string
	// AllowPrivate disables the SSRF guard. By default fetch() refuses
	// loopback, private, link-local, unspecified, multicast, carrier-grade
	// NAT and broadcast addresses, checking IP literals at once and every
	// address a host name resolves to at dial time.
	AllowPrivate bool
	// Registry is the process-wide map of host → routine. fetch() refuses
	// hosts that another routine of this process serves (the loop guard);
	// hosts registered to RoutineName are own hosts.
	Registry *Registry
	// RoutineName is this routine's name in Registry and in events.
	RoutineName string
	// MaxHops bounds how many routines a request may pass through (the
	// X-Workerhost-Hops header, see SetIncomingHops). 0 means
	// DefaultMaxHops; negative disables the check (the header is still sent).
	MaxHops int
	// OnEvent, if set, is told about every subrequest sent (each redirect
	// hop included) and every refusal, with the reason. It is called from
	// the loop or from fetch goroutines: it must be fast and safe for
	// concurrent use.
	OnEvent func(Event)
	// Stats, if set, counts subrequests, failures and refusals.
	Stats *Stats
}

// Reason says why fetch() refused a request.
type Reason uint8

// Refusal reasons.
const (
	ReasonNone           Reason = iota
	ReasonNoRequest             // fetch() outside a request (static initialization)
	ReasonSubrequests           // the subrequest budget is spent
	ReasonScheme                // not an http:, https:, data: or blob: URL
	ReasonHostNotAllowed        // not in Config.AllowedHosts
	ReasonPrivateAddress        // the SSRF guard
	ReasonLoop                  // a host served by another routine of this process (or by this one with no Origin)
	ReasonHops                  // too many hops (X-Workerhost-Hops)
	numReasons
)

var reasonNames = [numReasons]string{"none", "no-request", "subrequests", "scheme", "host-not-allowed", "private-address", "loop", "hops"}

// String returns the reason's name ("private-address", ...).
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// Errors a refusal matches with errors.Is (besides limits.ErrSubrequests for
// the subrequest budget).
var (
	ErrNoRequest      = errors.New("fetch() is only possible while handling a request")
	ErrScheme         = errors.New("unsupported URL scheme")
	ErrHostNotAllowed = errors.New("host not in the allowlist")
	ErrPrivateAddress = errors.New("private network address")
	ErrLoop           = errors.New("host served by a routine of this process")
	ErrTooManyHops    = errors.New("too many hops")
)

func reasonErr(r Reason) error {
	switch r {
	case ReasonNoRequest:
		return ErrNoRequest
	case ReasonSubrequests:
		return limits.ErrSubrequests
	case ReasonScheme:
		return ErrScheme
	case ReasonHostNotAllowed:
		return ErrHostNotAllowed
	case ReasonPrivateAddress:
		return ErrPrivateAddress
	case ReasonLoop:
		return ErrLoop
	case ReasonHops:
		return ErrTooManyHops
	}
	return nil
}

// RefusedError is a policy refusal. Its message is what script sees in
// the TypeError; errors.Is matches the reason's sentinel error.
type RefusedError struct {
	Reason Reason
	Host   string
	Msg    string
}

func (e *RefusedError) Error() string { return e.Msg }

// Unwrap returns the reason's sentinel (limits.ErrSubrequests, ErrPrivateAddress, ...).
func (e *RefusedError) Unwrap() error { return reasonErr(e.Reason) }

func refused(reason Reason, host, msg string) *RefusedError {
	return &RefusedError{Reason: reason, Host: host, Msg: msg}
}

// EventKind tells subrequests from refusals.
type EventKind uint8

// Event kinds.
const (
	// EventSubrequest: a request was sent (Status set) or failed (Err set).
	EventSubrequest EventKind = iota + 1
	// EventRefused: the policy refused a request (Reason and Err set).
	EventRefused
)

func (k EventKind) String() string {
	switch k {
	case EventSubrequest:
		return "subrequest"
	case EventRefused:
		return "refused"
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// Event describes one subrequest or refusal (Config.OnEvent).
type Event struct {
	Kind      EventKind
	Routine   string
	RequestID string
	Method    string
	URL       string // without fragment; may be empty for refusals before URL parsing
	ToOrigin  bool   // served in process by Config.Origin
	Redirect  int    // 0 for the request itself, n for the n-th redirect hop
	Status    int    // response status, 0 on failure or refusal
	Duration  time.Duration
	Reason    Reason // refusals
	Err       error  // *RefusedError for refusals, the network error for failures
}

// Stats counts subrequests (atomically; share one across isolates).
type Stats struct {
	// Subrequests counts requests sent, redirect hops included.
	Subrequests atomic.Int64
	// Failed counts subrequests that ended in a network error.
	Failed  atomic.Int64
	refused [numReasons]atomic.Int64
}

// Refused returns how many requests were refused for reason.
func (s *Stats) Refused(reason Reason) int64 {
	if reason >= numReasons {
		return 0
	}
	return s.refused[reason].Load()
}

// RefusedTotal returns how many requests were refused for any reason.
func (s *Stats) RefusedTotal() int64 {
	var n int64
	for i := range s.refused {
		n += s.refused[i].Load()
	}
	return n
}

// RefusedByReason returns the non-zero refusal counts by reason name.
func (s *Stats) RefusedByReason() map[string]int64 {
	m := map[string]int64{}
	for i := range s.refused {
		if n := s.refused[i].Load(); n > 0 {
			m[Reason(i).String()] = n
		}
	}
	return m
}

// HopsFromHeader parses the X-Workerhost-Hops header of an incoming request
// (0 when absent or malformed); pass it to SetIncomingHops.
func HopsFromHeader(h http.Header) int {
	v := strings.TrimSpace(h.Get(HopHeader))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	if n > 1<<20 {
		n = 1 << 20
	}
	return n
}
