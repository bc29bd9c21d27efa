package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/webapi"
	"github.com/workerhost/workerhost/webapi/dom"
	weburl "github.com/workerhost/workerhost/webapi/url"
)

// state is one Config made ready: shared by every isolate of a routine.
type state struct {
	cfg       Config
	transport http.RoundTripper
	origin    http.RoundTripper // nil without Config.Origin
	own       hostSet
	allowed   hostSet
	guard     *addrGuard
	budget    int // < 0: unlimited
	maxHops   int // < 0: unlimited
	cfgErrs   []error
	blobs     blobStore // the routine's blob URLs
}

func newState(cfg Config) *state {
	st := &state{cfg: cfg, budget: cfg.Subrequests, maxHops: cfg.MaxHops}
	if st.budget == 0 {
		st.budget = limits.Defaults().Subrequests
	}
	if st.maxHops == 0 {
		st.maxHops = DefaultMaxHops
	}
	var errs []error
	st.own, errs = newHostSet(cfg.OwnHosts)
	st.cfgErrs = append(st.cfgErrs, errs...)
	st.allowed, errs = newHostSet(cfg.AllowedHosts)
	st.cfgErrs = append(st.cfgErrs, errs...)
	st.guard = &addrGuard{allowPrivate: cfg.AllowPrivate, exempt: hostSet{prefixes: st.allowed.prefixes}}
	if cfg.Transport != nil {
		st.transport = cfg.Transport
	} else {
		st.transport = sharedTransport(st.guard)
	}
	if cfg.Origin != nil {
		st.origin = HandlerTransport(cfg.Origin)
	}
	return st
}

// Installer returns the function that defines fetch() in a realm; call it
// once per routine and apply the result to every isolate (after
// webapi.Install), so that they share the transport and policy.
func Installer(cfg Config) func(*realm.Realm) {
	st := newState(cfg)
	return func(r *realm.Realm) { install(r, st) }
}

// Install defines fetch() in r with cfg (Installer(cfg)(r)).
func Install(r *realm.Realm, cfg Config) { Installer(cfg)(r) }

type realmState struct {
	st          *state
	r           *realm.Realm
	requestCtor *goja.Object
}

func install(r *realm.Realm, st *state) {
	for _, err := range st.cfgErrs {
		r.Logger().Warn("workerhost: fetch configuration: "+err.Error()+" (entry ignored)", "routine", r.Routine())
	}
	rs := &realmState{st: st, r: r}
	rs.requestCtor, _ = r.VM().GlobalObject().Get("Request").(*goja.Object)
	r.DefineGlobal("fetch", r.Func("fetch", 1, rs.fetch))
	rs.installObjectURLs()
}

// reqState is fetch's per-request state (a realm.Context value).
type reqState struct {
	used     atomic.Int64 // subrequests made
	hops     int
	incoming *webapi.Request
}

type reqKey struct{}

// reqStateOf returns ctx's state, creating it. Loop goroutine only.
func reqStateOf(ctx *realm.Context) *reqState {
	if s, ok := ctx.Value(reqKey{}).(*reqState); ok {
		return s
	}
	s := &reqState{}
	ctx.SetValue(reqKey{}, s)
	return s
}

// SetIncomingHops records the X-Workerhost-Hops value of the request ctx
// handles (see HopsFromHeader); subrequests carry n+1. Call it on the
// loop goroutine when the request context is created.
func SetIncomingHops(ctx *realm.Context, n int) {
	if n < 0 {
		n = 0
	}
	reqStateOf(ctx).hops = n
}

// MarkIncoming records q as the request ctx handles (event.request), so
// that fetch(event.request) is sent to Config.Origin. Call it on the loop
// goroutine with the Request made by webapi.NewIncomingRequest. Without
// it, a Request of mode "navigate" (which only NewIncomingRequest makes)
// is taken as the incoming request.
func MarkIncoming(ctx *realm.Context, q *webapi.Request) {
	reqStateOf(ctx).incoming = q
}

// Subrequests returns how many subrequests the request ctx has made. Loop
// goroutine only.
func Subrequests(ctx *realm.Context) int { return int(reqStateOf(ctx).used.Load()) }

const staticInitMsg = "fetch() cannot be called during static initialization: I/O is only possible while handling a request (call fetch() inside a fetch event listener)"

func (rs *realmState) fetch(call goja.FunctionCall) goja.Value {
	r := rs.r
	vm := r.VM()
	ctx := r.Current()
	if ctx == nil || ctx.Ended() {
		msg := staticInitMsg
		if ctx != nil {
			msg = "fetch() cannot be called after the request it belongs to has ended"
		}
		re := refused(ReasonNoRequest, "", msg)
		rs.st.refusal(r, Event{Routine: rs.st.cfg.RoutineName, RequestID: ctx.IDString()}, re)
		panic(r.NewTypeError(re.Msg))
	}
	p, resolve, reject := vm.NewPromise()
	if ex := vm.Try(func() { rs.start(ctx, call, resolve, reject) }); ex != nil {
		_ = reject(ex.Value())
	}
	return vm.ToValue(p)
}

// call is one fetch() in flight.
type call struct {
	rs      *realmState
	ctx     *realm.Context
	reqID   string
	gctx    context.Context
	cancel  context.CancelFunc
	resolve func(any) error
	reject  func(any) error
	settled bool // (loop) the promise is settled

	rq       *reqState
	method   string
	href     string // WHATWG serialization of url, without fragment
	url      *neturl.URL
	header   http.Header
	payload  webapi.Payload
	mode     string // follow, error, manual
	toOrigin bool

	abortErr atomic.Pointer[AbortedError]
	// stopClose cancels the close-on-cancel of the response body; set on
	// the fetch goroutine before the response is handed to the loop.
	stopClose func() bool
}

// done ends the call's Go context without the close-on-cancel goroutine.
func (c *call) done() {
	if c.stopClose != nil {
		c.stopClose()
	}
	c.cancel()
}

// AbortedError is the error of a response body read after the fetch's
// signal aborted. JSValue returns the abort reason (use it on the loop
// goroutine only).
type AbortedError struct {
	reason goja.Value
	msg    string
}

func (e *AbortedError) Error() string { return e.msg }

// JSValue returns the signal's abort reason.
func (e *AbortedError) JSValue() goja.Value { return e.reason }

func throwErr(err error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		panic(ex.Value())
	}
	panic(err) // an interrupt: let it through
}

// fastURL handles the commonest call, fetch("https://...") with no init,
// without building a Request object: it returns the serialized URL when
// input is a string the Request constructor would accept as is (a valid
// URL without credentials). Anything else takes the constructor's path,
// which does all the validation and produces the errors.
func fastURL(fc goja.FunctionCall) (string, bool) {
	switch len(fc.Arguments) {
	case 1:
	case 2:
		if !goja.IsUndefined(fc.Arguments[1]) {
			return "", false
		}
	default:
		return "", false
	}
	in := fc.Arguments[0]
	if !goja.IsString(in) {
		return "", false
	}
	s := in.String()
	if !utf8.ValidString(s) {
		return "", false
	}
	rec, err := weburl.Parse(s, nil)
	if err != nil || rec.Username() != "" || rec.Password() != "" {
		return "", false
	}
	return rec.String(), true
}

func (rs *realmState) start(ctx *realm.Context, fc goja.FunctionCall, resolve, reject func(any) error) {
	r, st := rs.r, rs.st
	vm := r.VM()
	rq := reqStateOf(ctx)
	var (
		method, fullURL, redirect string
		q                         *webapi.Request // nil on the fast path
		sig                       *dom.AbortSignal
		incoming                  bool
	)
	if u, ok := fastURL(fc); ok {
		method, fullURL, redirect = http.MethodGet, u, "follow"
	} else {
		if rs.requestCtor == nil {
			panic(r.NewTypeError("fetch() is unavailable: the Request interface is not installed (install webapi before fetch)"))
		}
		input := fc.Argument(0)
		args := fc.Arguments
		if len(args) > 2 {
			args = args[:2]
		}
		reqObj, err := vm.New(rs.requestCtor, args...)
		if err != nil {
			throwErr(err)
		}
		var ok bool
		if q, ok = webapi.RequestFrom(reqObj); !ok {
			panic(r.NewTypeError("fetch(): the Request constructor did not return a Request"))
		}
		method, fullURL, redirect = q.Method, q.URL, q.Redirect

		// The signal: only a Request input or init.signal can carry one.
		inReq, inputIsReq := webapi.RequestFrom(input)
		hasSignal := inputIsReq
		if init, ok := fc.Argument(1).(*goja.Object); ok && !hasSignal {
			if v := init.Get("signal"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				hasSignal = true
			}
		}
		if hasSignal {
			sig, _ = dom.SignalFrom(q.Signal(r))
			if sig != nil && sig.Aborted() {
				_ = reject(sig.Reason())
				return
			}
		}
		if inputIsReq {
			if rq.incoming != nil {
				incoming = inReq == rq.incoming
			} else if o, ok := input.(*goja.Object); ok {
				if m := o.Get("mode"); m != nil && m.String() == "navigate" {
					incoming = true
				}
			}
		}
	}

	ev := Event{Routine: st.cfg.RoutineName, RequestID: ctx.IDString(), Method: method}
	href, _, _ := strings.Cut(fullURL, "#")
	ev.URL = href
	if strings.HasPrefix(href, "data:") {
		// A data: URL never reaches the network: no policy applies to it
		// and it costs no subrequest.
		resolveDataURL(r, method, href, resolve, reject)
		return
	}
	if isBlobURL(href) {
		// Neither does a blob: URL, read from the routine's store.
		rs.resolveBlobURL(r, method, href, resolve, reject)
		return
	}
	if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
		scheme, _, _ := strings.Cut(href, ":")
		re := refused(ReasonScheme, "", "Fetch API cannot load "+strconv.Quote(href)+": the "+scheme+": scheme is not supported (only http: and https: URLs can be fetched)")
		st.refusal(r, ev, re)
		panic(r.NewTypeError(re.Msg))
	}
	u, err := neturl.Parse(href)
	if err != nil || u.Host == "" {
		panic(r.NewTypeError("fetch failed: cannot send a request to " + strconv.Quote(href) + ": the URL is not valid for HTTP"))
	}
	if re := st.checkHops(u.Hostname(), rq.hops); re != nil {
		st.refusal(r, ev, re)
		panic(r.NewTypeError(re.Msg))
	}
	toOrigin, re := st.route(u.Hostname(), incoming)
	if re != nil {
		st.refusal(r, ev, re)
		panic(r.NewTypeError(re.Msg))
	}
	if re := st.spend(rq); re != nil {
		st.refusal(r, ev, re)
		panic(r.NewTypeError(re.Msg))
	}
	var payload webapi.Payload
	var h http.Header
	if q != nil {
		if payload, err = q.Body().TakePayload(r, ctx); err != nil {
			rq.used.Add(-1) // nothing was sent
			panic(r.NewTypeError("fetch(): cannot send the request body: " + err.Error()))
		}
		h = q.Headers(r).HTTPHeader()
		cleanRequestHeader(h)
	} else {
		h = make(http.Header, 2)
	}
	h.Set(HopHeader, strconv.Itoa(rq.hops+1))
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""} // Go sends no default User-Agent then
	}

	c := &call{
		rs: rs, ctx: ctx, reqID: ev.RequestID, resolve: resolve, reject: reject,
		rq: rq, method: method, href: href, url: u, header: h, payload: payload,
		mode: redirect, toOrigin: toOrigin,
	}
	c.gctx, c.cancel = context.WithCancel(ctx.Go())
	if sig != nil {
		ctx.OnEnd(sig.AddAlgorithm(c.onAbort))
	}
	go c.run()
}

// hop-by-hop and framing headers that must not be forwarded as-is.
var dropHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade", "Host", "Content-Length"}

func cleanRequestHeader(h http.Header) {
	for _, v := range h["Connection"] {
		for _, tok := range strings.Split(v, ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				h.Del(tok)
			}
		}
	}
	for _, k := range dropHeaders {
		delete(h, k)
	}
}

// checkHops refuses a request past the hop limit.
func (st *state) checkHops(host string, hops int) *RefusedError {
	if st.maxHops < 0 || hops+1 <= st.maxHops {
		return nil
	}
	return refused(ReasonHops, normHost(host), fmt.Sprintf(
		"fetch() to %s refused: this request has already passed through %d routines (%s header), and the limit is %d (Config.MaxHops); is a routine fetching itself?",
		normHost(host), hops, HopHeader, st.maxHops))
}

// spend takes one subrequest from the request's budget.
func (st *state) spend(rq *reqState) *RefusedError {
	n := rq.used.Add(1)
	if st.budget >= 0 && n > int64(st.budget) {
		rq.used.Add(-1)
		return refused(ReasonSubrequests, "", "Too many subrequests: the limit is "+strconv.Itoa(st.budget)+" per request")
	}
	return nil
}

// route decides where a request for host goes: Origin (true) or the
// network (false), or refuses it. Safe on any goroutine.
func (st *state) route(hostname string, incoming bool) (bool, *RefusedError) {
	host := normHost(hostname)
	owner, registered := st.cfg.Registry.Lookup(host)
	self := registered && owner == st.cfg.RoutineName
	own := self || st.own.match(host)
	if st.origin != nil && (incoming || own) {
		return true, nil
	}
	if registered && !self {
		return false, refused(ReasonLoop, host, fmt.Sprintf(
			"fetch() to %s refused: the host is served by routine %q in this process, and a routine cannot fetch a domain another routine serves (loop guard)", host, owner))
	}
	if own {
		return false, refused(ReasonLoop, host, fmt.Sprintf(
			"fetch() to %s refused: the host is served by this routine itself and no origin is configured (Config.Origin), so the request would loop (loop guard)", host))
	}
	if !st.allowed.empty() && !st.allowed.match(host) {
		return false, refused(ReasonHostNotAllowed, host, fmt.Sprintf(
			"fetch() to %s refused: the host is not in the allowlist (Config.AllowedHosts)", host))
	}
	if a, err := literalAddr(host); err == nil {
		if re := st.guard.check(host, a); re != nil {
			return false, re
		}
	}
	return false, nil
}

// refusal counts, logs and reports a refusal.
func (st *state) refusal(r *realm.Realm, ev Event, re *RefusedError) {
	ev.Kind, ev.Reason, ev.Err = EventRefused, re.Reason, re
	if st.cfg.Stats != nil {
		st.cfg.Stats.refused[re.Reason].Add(1)
	}
	r.Logger().Warn("workerhost: "+re.Msg, "routine", r.Routine(), "request", ev.RequestID, "reason", re.Reason.String(), "url", ev.URL)
	st.emit(ev)
}

// emit calls Config.OnEvent; a panic in it is logged, never propagated.
func (st *state) emit(ev Event) {
	if st.cfg.OnEvent == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			slog.Error("workerhost: fetch: Config.OnEvent panicked", "routine", st.cfg.RoutineName, "panic", fmt.Sprint(p))
		}
	}()
	st.cfg.OnEvent(ev)
}

// onAbort is the signal's abort algorithm (loop goroutine).
func (c *call) onAbort(reason goja.Value) {
	msg := "AbortError: The operation was aborted."
	vm := c.rs.r.VM()
	_ = vm.Try(func() { msg = realm.ErrorString(reason) })
	c.abortErr.Store(&AbortedError{reason: reason, msg: msg})
	c.cancel()
	if !c.settled {
		c.settled = true
		_ = c.reject(reason)
	}
}

// run is the fetch goroutine.
func (c *call) run() {
	resp, finalURL, redirected, err := c.doSafe()
	if resp != nil {
		body := resp.Body
		// If the context ends first (the request ends, the signal aborts),
		// the body is closed, which also unblocks a pending Read. A body
		// read to its end or closed stops this first (see respBody).
		c.stopClose = context.AfterFunc(c.gctx, func() { _ = body.Close() })
	} else {
		c.cancel()
	}
	if !c.rs.r.Submit(c.ctx, func() { c.finish(resp, finalURL, redirected, err) }) {
		c.cancel()
	}
}

// finish settles the promise on the loop goroutine.
func (c *call) finish(resp *http.Response, finalURL string, redirected bool, err error) {
	r := c.rs.r
	if c.settled {
		c.cancel()
		return
	}
	c.settled = true
	if err != nil {
		var re *RefusedError
		switch {
		case errors.As(err, &re):
			c.rs.st.logRefusal(r, c.reqID, re)
			_ = c.reject(r.NewTypeError(re.Msg))
		default:
			_ = c.reject(r.NewTypeError("fetch failed: " + describeErr(err)))
		}
		return
	}
	status := resp.StatusCode
	statusText := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(status)))
	var body webapi.Body
	switch {
	case c.method == http.MethodHead || nullBodyStatus(status):
		c.done() // a null body
		if resp.Body != nil {
			_ = resp.Body.Close()
		}
	case resp.Body == nil || resp.Body == http.NoBody:
		c.done()
		body = webapi.BytesBody(nil) // empty, not null
	default:
		body = webapi.ReaderBody(&respBody{rc: resp.Body, c: c, url: finalURL}, resp.ContentLength)
	}
	hdr := resp.Header
	if hdr == nil {
		hdr = http.Header{}
	}
	obj, _ := webapi.NewResponse(r, status, statusText, hdr, body, finalURL, redirected)
	_ = c.resolve(obj)
}

func (st *state) logRefusal(r *realm.Realm, reqID string, re *RefusedError) {
	r.Logger().Warn("workerhost: "+re.Msg, "routine", r.Routine(), "request", reqID, "reason", re.Reason.String())
}

func nullBodyStatus(s int) bool { return s == 101 || s == 103 || s == 204 || s == 205 || s == 304 }

func isRedirect(s int) bool { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308 }

// describeErr renders a transport error for "fetch failed: ...".
func describeErr(err error) string {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + ue.URL + ": " + ue.Err.Error()
	}
	return err.Error()
}

// errRedirect is a network error found while following redirects.
type errRedirect struct{ msg string }

func (e *errRedirect) Error() string { return e.msg }

// doSafe is do with a Go panic (from a custom transport, say) turned into
// a network error, so that no panic can escape the fetch goroutine.
func (c *call) doSafe() (resp *http.Response, finalURL string, redirected bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			if resp != nil && resp.Body != nil {
				_ = resp.Body.Close()
			}
			resp, finalURL, redirected = nil, "", false
			err = fmt.Errorf("internal error: %v", p)
			c.rs.r.Logger().Error("workerhost: fetch: Go panic while sending a subrequest", "routine", c.rs.r.Routine(), "request", c.reqID, "panic", fmt.Sprint(p))
		}
	}()
	return c.do()
}

// do sends the request and follows redirects (fetch goroutine).
func (c *call) do() (resp *http.Response, finalURL string, redirected bool, err error) {
	st := c.rs.st
	u, href, method, header := c.url, c.href, c.method, c.header
	toOrigin := c.toOrigin
	p := c.payload
	streamed := p.Reader != nil
	hasBody := streamed || p.Bytes != nil || p.Text != "" || p.Length > 0
	defer func() {
		if streamed && p.Reader != nil && err != nil {
			_ = p.Reader.Close() // never handed to a transport
		}
	}()
	for hop := 0; ; hop++ {
		ev := Event{Routine: st.cfg.RoutineName, RequestID: c.reqID, Method: method, URL: href, ToOrigin: toOrigin, Redirect: hop}
		if hop > 0 {
			var re *RefusedError
			if re = st.checkHops(u.Hostname(), c.rq.hops); re == nil {
				if toOrigin, re = st.route(u.Hostname(), false); re == nil {
					re = st.spend(c.rq)
				}
			}
			if re != nil {
				st.refusalAsync(ev, re)
				return nil, "", false, re
			}
			ev.ToOrigin = toOrigin
		}
		req := (&http.Request{
			Method: method, URL: u, Header: header, Host: u.Host,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		}).WithContext(c.gctx)
		if hasBody {
			switch {
			case p.Reader != nil:
				req.Body, req.ContentLength = p.Reader, p.Length
				if p.Length < 0 {
					req.ContentLength = -1
				} else if p.Length == 0 {
					_ = p.Reader.Close()
				}
				p.Reader = nil // the transport owns (and closes) it now
			case p.Bytes != nil:
				b := p.Bytes
				req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
				req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
			default:
				s := p.Text
				req.Body, req.ContentLength = io.NopCloser(strings.NewReader(s)), int64(len(s))
				req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
			}
			if req.ContentLength == 0 {
				req.Body = http.NoBody
			}
		}
		rt := st.transport
		if toOrigin {
			rt = st.origin
		}
		t0 := time.Now()
		resp, err = rt.RoundTrip(req)
		ev.Duration = time.Since(t0)
		if err != nil {
			var re *RefusedError
			if errors.As(err, &re) {
				st.refusalAsync(ev, re)
				return nil, "", false, re
			}
			ev.Kind, ev.Err = EventSubrequest, err
			if st.cfg.Stats != nil {
				st.cfg.Stats.Subrequests.Add(1)
				if c.gctx.Err() == nil {
					st.cfg.Stats.Failed.Add(1)
				}
			}
			st.emit(ev)
			return nil, "", false, err
		}
		ev.Kind, ev.Status = EventSubrequest, resp.StatusCode
		if st.cfg.Stats != nil {
			st.cfg.Stats.Subrequests.Add(1)
		}
		st.emit(ev)
		if !isRedirect(resp.StatusCode) || c.mode == "manual" {
			return resp, href, hop > 0, nil
		}
		fail := func(msg string) (*http.Response, string, bool, error) {
			discard(resp.Body)
			return nil, "", false, &errRedirect{msg}
		}
		if c.mode == "error" {
			return fail(fmt.Sprintf("fetch failed: %s responded with a %d redirect%s, and the request's redirect mode is \"error\"",
				href, resp.StatusCode, locationSuffix(resp)))
		}
		loc, ok := resp.Header["Location"]
		if !ok || len(loc) == 0 {
			return resp, href, hop > 0, nil
		}
		base, perr := weburl.Parse(href, nil)
		var next *weburl.Record
		if perr == nil {
			next, perr = weburl.Parse(loc[0], base)
		}
		if perr != nil {
			return fail(fmt.Sprintf("fetch failed: %s responded with a %d redirect to an invalid URL %q", href, resp.StatusCode, loc[0]))
		}
		if s := next.Scheme(); s != "http" && s != "https" {
			return fail(fmt.Sprintf("fetch failed: %s redirected to %q, which is not an http: or https: URL", href, next.String()))
		}
		if hop >= MaxRedirects {
			return fail(fmt.Sprintf("fetch failed: too many redirects (more than %d), the last one from %s to %s", MaxRedirects, href, next.StringWithoutFragment()))
		}
		if next.Username() != "" || next.Password() != "" {
			return fail(fmt.Sprintf("fetch failed: %s redirected to a URL that includes credentials", href))
		}
		status := resp.StatusCode
		if status != 303 && hasBody && streamed {
			return fail(fmt.Sprintf("fetch failed: cannot follow the %d redirect from %s to %s: the request body is a stream, which cannot be sent again (send a string, ArrayBuffer or Blob body, or use redirect: \"manual\")",
				status, href, next.StringWithoutFragment()))
		}
		if ((status == 301 || status == 302) && method == http.MethodPost) ||
			(status == 303 && method != http.MethodGet && method != http.MethodHead) {
			method = http.MethodGet
			hasBody = false
			header = header.Clone()
			for _, k := range []string{"Content-Encoding", "Content-Language", "Content-Location", "Content-Type", "Content-Length"} {
				delete(header, k)
			}
		}
		nu, perr := neturl.Parse(next.StringWithoutFragment())
		if perr != nil || nu.Host == "" {
			return fail(fmt.Sprintf("fetch failed: %s redirected to %q, which cannot be requested", href, next.String()))
		}
		if !sameOrigin(u, nu) {
			if _, ok := header["Authorization"]; ok {
				header = header.Clone()
				delete(header, "Authorization")
			}
		}
		discard(resp.Body)
		resp = nil
		u, href = nu, next.StringWithoutFragment()
	}
}

func locationSuffix(resp *http.Response) string {
	if l := resp.Header.Get("Location"); l != "" {
		return " to " + strconv.Quote(l)
	}
	return ""
}

func sameOrigin(a, b *neturl.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *neturl.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// discard drains a little of a body (so the connection can be reused) and closes it.
func discard(rc io.ReadCloser) {
	if rc == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, rc, 64<<10)
	_ = rc.Close()
}

// refusalAsync is refusal from a fetch goroutine (the log happens on the loop).
func (st *state) refusalAsync(ev Event, re *RefusedError) {
	ev.Kind, ev.Reason, ev.Err = EventRefused, re.Reason, re
	if st.cfg.Stats != nil {
		st.cfg.Stats.refused[re.Reason].Add(1)
	}
	st.emit(ev)
}

// respBody is a subrequest's response body as handed to webapi.
type respBody struct {
	rc  io.ReadCloser
	c   *call
	url string
}

func (b *respBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == nil {
		return n, nil
	}
	if err == io.EOF {
		b.c.done() // the exchange is complete; the connection is back in its pool
		return n, err
	}
	if ab := b.c.abortErr.Load(); ab != nil {
		return n, ab
	}
	if b.c.ctx.Go().Err() != nil {
		return n, errors.New("the request that made this subrequest has ended")
	}
	return n, fmt.Errorf("the response body of %s could not be read: %v", b.url, err)
}

func (b *respBody) Close() error {
	err := b.rc.Close()
	b.c.done()
	return err
}
