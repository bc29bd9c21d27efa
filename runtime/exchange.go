package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/webapi"
	"github.com/workerhost/workerhost/webapi/dom"
)

type outcomeKind uint8

const (
	outRespond outcomeKind = iota + 1
	outFallback
	outError
)

// outcome is what the loop tells the HTTP goroutine to send.
type outcome struct {
	kind    outcomeKind
	status  int
	header  http.Header
	payload webapi.Payload
	err     error
	stack   string
}

// exchange is one HTTP request travelling through an isolate. Fields
// marked (loop) are used only on the loop goroutine.
type exchange struct {
	iso  *isolate
	req  *http.Request
	body webapi.Body
	out  chan outcome // buffered 1: the loop never blocks on it

	ctx         *realm.Context // (loop)
	evObj       *goja.Object   // (loop) the FetchEvent
	early       bool           // the loop released the response piece itself
	sent        bool           // (loop) an outcome was sent
	passThrough bool           // (loop)
	pending     int            // (loop) response + waitUntil promises outstanding
	signal      *dom.AbortSignal
	wallTimer   *time.Timer
	ended       bool // (loop)
}

// maxPrefetch is the largest request body read before dispatch, on the
// HTTP goroutine, so that small bodies cost the isolate no I/O hop.
const maxPrefetch = 64 << 10

// ServeHTTP dispatches req as a fetch event to one of the routine's isolates.
func (rt *Routine) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			rt.opts.Logger.Error("workerhost: panic while serving a request", "routine", rt.opts.Name, "error", realm.PanicError(p))
			http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		}
	}()
	if rt.closed.Load() {
		http.Error(w, "503 Service Unavailable: routine is closed", http.StatusServiceUnavailable)
		return
	}
	x := &exchange{req: req, out: make(chan outcome, 1)}
	if req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0 {
		if req.ContentLength > 0 && req.ContentLength <= maxPrefetch {
			p := make([]byte, req.ContentLength)
			if _, err := io.ReadFull(req.Body, p); err != nil {
				http.Error(w, "400 Bad Request: could not read the request body", http.StatusBadRequest)
				return
			}
			x.body.SetBytes(p)
			req.Body = io.NopCloser(bytes.NewReader(p))
		} else {
			x.body.SetReader(req.Body, req.ContentLength)
			// The script may stream its response while it still reads
			// the request body (an echo or a transform).
			_ = http.NewResponseController(w).EnableFullDuplex()
		}
	}
	gateway := time.NewTimer(rt.opts.Limits.GatewayTimeout)
	defer gateway.Stop()
	if err := rt.admit(req.Context().Done(), gateway.C); err != nil {
		switch {
		case errors.Is(err, limits.ErrQueueFull):
			rt.opts.Logger.Warn("workerhost: request rejected", "routine", rt.opts.Name, "error", err)
			http.Error(w, "503 Service Unavailable: too many requests in flight, retry later", http.StatusServiceUnavailable)
		case errors.Is(err, limits.ErrGatewayTimeout):
			http.Error(w, "504 Gateway Timeout: no isolate was free in time", http.StatusGatewayTimeout)
		}
		return
	}
	iso := rt.pick()
	for iso == nil {
		// The pool is being refilled after its isolates were retired.
		select {
		case <-req.Context().Done():
			rt.leave()
			return
		case <-gateway.C:
			rt.leave()
			http.Error(w, "504 Gateway Timeout: no isolate was available in time", http.StatusGatewayTimeout)
			return
		case <-time.After(time.Millisecond):
		}
		iso = rt.pick()
	}
	x.iso = iso
	iso.inflight.Add(1)
	if iso.dead.Load() || !iso.r.Loop().Submit(func() { iso.dispatch(x) }) {
		iso.inflight.Add(-1)
		rt.leave()
		http.Error(w, "503 Service Unavailable: the isolate is restarting, retry", http.StatusServiceUnavailable)
		return
	}
	var out outcome
	select {
	case out = <-x.out:
	case <-req.Context().Done():
		iso.r.Loop().Submit(func() { x.abort(errors.New("the client closed the connection")) })
		return
	case <-gateway.C:
		iso.r.Loop().Submit(func() {
			x.abort(fmt.Errorf("%w (%v)", limits.ErrGatewayTimeout, rt.opts.Limits.GatewayTimeout))
		})
		rt.opts.Logger.Error("workerhost: gateway timeout", "routine", rt.opts.Name, "after", rt.opts.Limits.GatewayTimeout)
		http.Error(w, "504 Gateway Timeout: the routine did not respond in time", http.StatusGatewayTimeout)
		return
	}
	rt.write(w, req, x, out)
}

// write sends an outcome on the HTTP goroutine and tells the loop when
// the response is complete.
func (rt *Routine) write(w http.ResponseWriter, req *http.Request, x *exchange, out outcome) {
	if !x.early {
		defer x.iso.r.Loop().Submit(func() { x.release() })
	}
	switch out.kind {
	case outFallback:
		rt.opts.Origin.ServeHTTP(w, req)
	case outError:
		status := out.status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		msg := strconv.Itoa(status) + " " + http.StatusText(status)
		if rt.opts.Debug && out.err != nil {
			msg += "\n\n" + out.err.Error()
			if out.stack != "" {
				msg += "\n" + out.stack
			}
		}
		http.Error(w, msg, status)
	case outRespond:
		h := w.Header()
		for k, v := range out.header {
			h[k] = v
		}
		p := out.payload
		noBody := req.Method == http.MethodHead || out.status == 204 || out.status == 304 || (out.status >= 100 && out.status < 200)
		if p.Length >= 0 && !noBody && h.Get("Content-Length") == "" {
			h.Set("Content-Length", strconv.FormatInt(p.Length, 10))
		}
		w.WriteHeader(out.status)
		switch {
		case noBody:
			if p.Reader != nil {
				_ = p.Reader.Close()
			}
		case p.Reader != nil:
			copyBody(w, p.Reader, p.Script)
			_ = p.Reader.Close()
		case p.Bytes != nil:
			_, _ = w.Write(p.Bytes)
		default:
			_, _ = io.WriteString(w, p.Text)
		}
	}
}

// bodyBufs holds the 32 KiB buffers streamed bodies are copied through.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyBody copies a streamed body to the client so that it sees data as it
// is produced, without a flush (and its extra write) per chunk where the
// source has more ready.
//
// A script's stream (script) is read one chunk per Read, each Read running
// the script's pull, and every chunk is flushed: nothing is pulled ahead of
// the client. A Go source (a subrequest's body passed through untouched) is
// read one chunk ahead on another goroutine, and the writer flushes only
// when the next chunk is not ready yet: a body that arrives at once (a
// proxied file) goes out in full writes, one that trickles (server-sent
// events) is flushed chunk by chunk.
func copyBody(w http.ResponseWriter, r io.Reader, script bool) {
	fl, _ := w.(http.Flusher)
	if fl == nil || script {
		bp := bodyBufs.Get().(*[]byte)
		defer bodyBufs.Put(bp)
		for {
			n, err := r.Read(*bp)
			if n > 0 {
				if _, werr := w.Write((*bp)[:n]); werr != nil {
					return
				}
				if fl != nil {
					fl.Flush()
				}
			}
			if err != nil {
				return
			}
		}
	}
	type chunk struct {
		buf *[]byte
		n   int
		err error
	}
	// Two buffers circulate: the reader fills one while the writer sends
	// the other. Both channels hold both, so no send ever blocks and the
	// reader can always finish after the writer has given up.
	free := make(chan *[]byte, 2)
	full := make(chan chunk, 2)
	free <- bodyBufs.Get().(*[]byte)
	free <- bodyBufs.Get().(*[]byte)
	go func() {
		for b := range free {
			n, err := r.Read(*b)
			full <- chunk{b, n, err}
			if err != nil {
				return
			}
		}
	}()
	unflushed := false
	for {
		var c chunk
		select {
		case c = <-full:
		default:
			if unflushed {
				fl.Flush()
				unflushed = false
			}
			c = <-full
		}
		if c.n > 0 {
			if _, err := w.Write((*c.buf)[:c.n]); err != nil {
				// The reader may still be reading into the other buffer:
				// it ends when the caller closes r; both buffers are left
				// to the garbage collector.
				close(free)
				return
			}
			unflushed = true
		}
		if c.err != nil {
			// The reader has returned: both buffers are ours again.
			bodyBufs.Put(c.buf)
			select {
			case b := <-free:
				bodyBufs.Put(b)
			default:
			}
			close(free)
			return
		}
		free <- c.buf
	}
}

// requestURL rebuilds the absolute URL the client asked for.
func requestURL(req *http.Request) string {
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	}
	host := req.Host
	if host == "" {
		host = "localhost"
	}
	uri := req.RequestURI
	if uri == "" || !strings.HasPrefix(uri, "/") {
		uri = req.URL.RequestURI()
	}
	return scheme + "://" + host + uri
}

// dispatch runs on the loop goroutine: it creates the request context and
// fires the fetch event.
func (iso *isolate) dispatch(x *exchange) {
	if iso.dead.Load() {
		x.out <- outcome{kind: outError, status: http.StatusServiceUnavailable, err: errRetired}
		iso.inflight.Add(-1)
		iso.rt.leave()
		return
	}
	r := iso.r
	x.ctx = r.NewContext(context.WithoutCancel(x.req.Context()), "")
	if hops := fetch.HopsFromHeader(x.req.Header); hops > 0 {
		fetch.SetIncomingHops(x.ctx, hops)
	}
	x.pending = 1 // the response
	iso.exchanges[x] = struct{}{}
	x.wallTimer = time.AfterFunc(iso.rt.opts.Limits.WallTime, func() {
		r.Loop().Submit(func() {
			x.fail(fmt.Errorf("%w (%v)", limits.ErrWallTime, iso.rt.opts.Limits.WallTime), true)
			x.finish()
		})
	})
	r.RunTask(x.ctx, func() { iso.fire1(x) })
}

func (iso *isolate) fire1(x *exchange) {
	r := iso.r
	evObj, ev := webapi.NewFetchEvent(r, x.ctx, func() goja.Value {
		obj, q := webapi.NewIncomingRequest(r, x.ctx, webapi.IncomingRequest{
			Method: x.req.Method, URL: requestURL(x.req), Header: x.req.Header, Body: x.body,
			Signal: func(r *realm.Realm) *goja.Object {
				o, s := dom.NewAbortSignal(r)
				x.signal = s
				return o
			},
		})
		fetch.MarkIncoming(x.ctx, q)
		return obj
	}, x)
	x.evObj = evObj
	ev.SetDispatching(true)
	for _, l := range iso.listeners {
		var err error
		if fn, ok := goja.AssertFunction(l); ok {
			_, err = fn(evObj, evObj)
		} else if o, ok := l.(*goja.Object); ok {
			if he, ok := goja.AssertFunction(o.Get("handleEvent")); ok {
				_, err = he(o, evObj)
			}
		}
		if err != nil {
			ev.SetDispatching(false)
			x.fail(err, true)
			return
		}
		if ev.Responded() || x.ended {
			break
		}
	}
	ev.SetDispatching(false)
	if !ev.Responded() && !x.sent {
		x.send(outcome{kind: outFallback})
	}
}

// send hands an outcome to the HTTP goroutine once.
func (x *exchange) send(o outcome) {
	if x.sent {
		return
	}
	x.sent = true
	x.out <- o
}

// RespondWith implements webapi.FetchEventHooks.
func (x *exchange) RespondWith(v goja.Value) {
	if resp, ok := webapi.ResponseFrom(v); ok {
		x.deliver(resp)
		return
	}
	// An async handler that did not await has already fulfilled its
	// promise: take the Response without a round of promise reactions.
	if o, ok := v.(*goja.Object); ok {
		if p, ok := o.Export().(*goja.Promise); ok && p.State() == goja.PromiseStateFulfilled {
			x.respondSettled(p.Result())
			return
		}
	}
	x.iso.promiseHelpers().respond(v, x.evObj)
}

func (x *exchange) respondSettled(res goja.Value) {
	resp, ok := webapi.ResponseFrom(res)
	if !ok {
		x.failValue(x.iso.r.NewTypeError("FetchEvent.respondWith() received a value that is not a Response: " + describe(res)))
		return
	}
	x.deliver(resp)
}

func describe(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) {
		return "undefined"
	}
	if o, ok := v.(*goja.Object); ok {
		if c := o.Get("constructor"); c != nil {
			if co, ok := c.(*goja.Object); ok {
				if n := co.Get("name"); n != nil && n.String() != "" {
					return "an instance of " + n.String()
				}
			}
		}
		return "an object"
	}
	return v.String()
}

// helpersProgram builds the functions that attach promise reactions for
// respondWith and waitUntil without allocating Go closures per request:
// the FetchEvent object travels as the token.
var helpersProgram = goja.MustCompile("workerhost:promises", `(function (ok, fail) {
  return function (value, token) {
    Promise.resolve(value).then(function (v) { ok(token, v); }, function (e) { fail(token, e); });
  };
})`, true)

type promiseHelpers struct {
	respond   func(v, token goja.Value)
	waitUntil func(v, token goja.Value)
}

var promiseHelpersKey = realm.NewKey[*promiseHelpers]()

func (iso *isolate) promiseHelpers() *promiseHelpers {
	r := iso.r
	if h := promiseHelpersKey.Get(r); h != nil {
		return h
	}
	vm := r.VM()
	mk, err := vm.RunProgram(helpersProgram)
	if err != nil {
		panic(err)
	}
	maker, _ := goja.AssertFunction(mk)
	exchangeOf := func(token goja.Value) *exchange {
		ev, ok := realm.Unwrap[*webapi.FetchEvent](token)
		if !ok {
			return nil
		}
		x, _ := ev.Hooks().(*exchange)
		return x
	}
	build := func(ok, fail func(x *exchange, v goja.Value)) func(v, token goja.Value) {
		fn, err := maker(goja.Undefined(),
			r.Func("", 2, func(call goja.FunctionCall) goja.Value {
				if x := exchangeOf(call.Argument(0)); x != nil {
					ok(x, call.Argument(1))
				}
				return goja.Undefined()
			}),
			r.Func("", 2, func(call goja.FunctionCall) goja.Value {
				if x := exchangeOf(call.Argument(0)); x != nil {
					fail(x, call.Argument(1))
				}
				return goja.Undefined()
			}))
		if err != nil {
			panic(err)
		}
		call, _ := goja.AssertFunction(fn)
		return func(v, token goja.Value) {
			if _, err := call(goja.Undefined(), v, token); err != nil {
				panic(err)
			}
		}
	}
	h := &promiseHelpers{
		respond: build(func(x *exchange, v goja.Value) { x.respondSettled(v) },
			func(x *exchange, v goja.Value) { x.failValue(v) }),
		waitUntil: build(func(x *exchange, _ goja.Value) { x.release() },
			func(x *exchange, reason goja.Value) {
				x.iso.r.Logger().Error("Uncaught (in waitUntil promise) "+realm.ErrorStack(reason),
					"routine", x.iso.rt.opts.Name, "request", x.ctx.IDString())
				x.release()
			}),
	}
	promiseHelpersKey.Set(r, h)
	return h
}

// deliver sends a Response to the client.
func (x *exchange) deliver(resp *webapi.Response) {
	if x.sent {
		return
	}
	r := x.iso.r
	if resp.Type == "error" {
		x.failValue(r.NewTypeError("FetchEvent.respondWith() received Response.error(), a network error"))
		return
	}
	payload, err := resp.Body().TakePayload(r, x.ctx)
	if err != nil {
		x.failValue(r.NewTypeError("FetchEvent.respondWith(): cannot send the Response: " + err.Error()))
		return
	}
	if payload.Reader == nil {
		// The body is in memory: the response needs nothing more from the
		// loop, so release it here, once this task (and any waitUntil it
		// registers) is done, sparing a wake-up of the loop.
		x.early = true
		x.iso.r.AfterTask(x.release)
	}
	x.send(outcome{kind: outRespond, status: resp.Status, header: resp.HTTPHeader(), payload: payload})
}

// WaitUntil implements webapi.FetchEventHooks.
func (x *exchange) WaitUntil(v goja.Value) {
	if x.ended {
		return
	}
	x.pending++
	x.iso.promiseHelpers().waitUntil(v, x.evObj)
}

// PassThroughOnException implements webapi.FetchEventHooks.
func (x *exchange) PassThroughOnException() { x.passThrough = true }

// failValue reports a thrown JS value (a rejected respondWith promise).
func (x *exchange) failValue(v goja.Value) { x.report(nil, v, true) }

// fail reports an error for the request. A JS error is logged with its
// stack; the client gets the fallback (passThroughOnException), a 503 for
// limit breaches, or a 500. own is false when the request fails because
// of something another request did.
func (x *exchange) fail(err error, own bool) {
	var ex *goja.Exception
	if errors.As(err, &ex) && ex.Value() != nil {
		x.report(err, ex.Value(), own)
		return
	}
	x.report(err, nil, own)
}

func (x *exchange) report(err error, val goja.Value, own bool) {
	iso := x.iso
	msg, stack := "", ""
	if val != nil {
		msg = realm.ErrorString(val)
		stack = realm.ErrorStack(val)
		err = errors.New(msg)
	} else if err != nil {
		msg = err.Error()
		var se *goja.StackOverflowError
		if errors.As(err, &se) {
			msg = "RangeError: Maximum call stack size exceeded"
		}
	}
	logArgs := []any{"routine", iso.rt.opts.Name, "request", x.ctx.IDString()}
	if stack != "" && stack != msg {
		logArgs = append(logArgs, "stack", stack)
	}
	iso.r.Logger().Error("Uncaught "+msg, logArgs...)
	if !x.sent {
		status := http.StatusInternalServerError
		if errors.Is(err, limits.ErrCPUTime) || errors.Is(err, limits.ErrMemory) || errors.Is(err, errRetired) || errors.Is(err, ErrClosed) {
			status = http.StatusServiceUnavailable
		}
		if errors.Is(err, limits.ErrWallTime) {
			status = http.StatusGatewayTimeout
		}
		if own && x.passThrough {
			x.send(outcome{kind: outFallback})
		} else {
			x.send(outcome{kind: outError, status: status, err: errors.New(msg), stack: stack})
		}
	}
	if !own || errors.Is(err, limits.ErrCPUTime) || errors.Is(err, limits.ErrWallTime) {
		x.finish()
	}
}

// release marks one outstanding piece (the response, a waitUntil promise)
// done; the request context ends when none is left.
func (x *exchange) release() {
	x.pending--
	if x.pending <= 0 {
		x.finish()
	}
}

// abort handles a client that went away or a gateway timeout: the
// request's signal fires and its work is dropped.
func (x *exchange) abort(reason error) {
	if x.ended {
		return
	}
	r := x.iso.r
	if x.signal != nil && x.ctx != nil {
		r.RunTask(x.ctx, func() {
			x.signal.Abort(r, dom.NewDOMException(r, "AbortError", reason.Error()))
		})
	}
	x.sent = true
	x.finish()
}

// finish ends the request context (timers cancelled, tasks dropped).
func (x *exchange) finish() {
	if x.ended {
		return
	}
	x.ended = true
	if x.wallTimer != nil {
		x.wallTimer.Stop()
	}
	if x.ctx != nil {
		x.ctx.End()
	}
	delete(x.iso.exchanges, x)
	x.iso.inflight.Add(-1)
	x.iso.rt.leave()
}
