package fetch_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

// harness is a realm with webapi, fetch(cfg) and Go helpers for tests:
//
//	__setHops(n)              fetch.SetIncomingHops on the current request
//	__incoming(method, url)   an incoming Request (NewIncomingRequest + MarkIncoming)
//	__bigRequest(method, url, size)  a Request whose body is a Go reader of size bytes (not marked incoming)
//	__take(response)          hands the response body's Go reader to the test (taken channel)
//	__hold()                  a promise resolved when the test closes h.release (or after 1 minute)
type harness struct {
	*jstest.Env
	taken   chan io.ReadCloser
	release chan struct{} // closing it resolves the promises of __hold()
	mu      sync.Mutex
	src     map[string]*countingReader
}

func newHarness(t testing.TB, cfg fetch.Config) *harness {
	h := &harness{taken: make(chan io.ReadCloser, 4), release: make(chan struct{}), src: map[string]*countingReader{}}
	h.Env = jstest.New(t, webapi.Install, fetch.Installer(cfg), h.install)
	return h
}

func (h *harness) install(r *realm.Realm) {
	vm := r.VM()
	r.DefineGlobal("__setHops", r.Func("__setHops", 1, func(c goja.FunctionCall) goja.Value {
		fetch.SetIncomingHops(r.Current(), int(c.Argument(0).ToInteger()))
		return goja.Undefined()
	}))
	r.DefineGlobal("__incoming", r.Func("__incoming", 2, func(c goja.FunctionCall) goja.Value {
		hdr := http.Header{"X-Client": {"yes"}}
		obj, q := webapi.NewIncomingRequest(r, r.Current(), webapi.IncomingRequest{
			Method: c.Argument(0).String(), URL: c.Argument(1).String(), Header: hdr,
		})
		fetch.MarkIncoming(r.Current(), q)
		return obj
	}))
	r.DefineGlobal("__bigRequest", r.Func("__bigRequest", 3, func(c goja.FunctionCall) goja.Value {
		size := c.Argument(2).ToInteger()
		cr := &countingReader{left: size}
		h.mu.Lock()
		h.src[c.Argument(1).String()] = cr
		h.mu.Unlock()
		obj, _ := webapi.NewIncomingRequest(r, r.Current(), webapi.IncomingRequest{
			Method: c.Argument(0).String(), URL: c.Argument(1).String(), Header: http.Header{},
			Body: webapi.ReaderBody(cr, -1),
		})
		return obj
	}))
	r.DefineGlobal("__hold", r.Func("__hold", 0, func(c goja.FunctionCall) goja.Value {
		p, resolve, _ := vm.NewPromise()
		ctx := r.Current()
		go func() {
			select {
			case <-h.release:
			case <-time.After(time.Minute):
			}
			r.Submit(ctx, func() { _ = resolve(goja.Undefined()) })
		}()
		return vm.ToValue(p)
	}))
	r.DefineGlobal("__take", r.Func("__take", 1, func(c goja.FunctionCall) goja.Value {
		resp, ok := webapi.ResponseFrom(c.Argument(0))
		if !ok {
			panic(r.NewTypeError("__take: not a Response"))
		}
		p, err := resp.Body().TakePayload(r, r.Current())
		if err != nil {
			panic(r.NewTypeError(err.Error()))
		}
		if p.Reader == nil {
			panic(r.NewTypeError("__take: the body is not a reader"))
		}
		h.taken <- p.Reader
		return vm.ToValue(p.Length)
	}))
}

// countingReader produces left bytes of a repeating pattern, and counts
// the bytes read; Closed records a Close.
type countingReader struct {
	mu     sync.Mutex
	left   int64
	read   int64
	closed bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > c.left {
		n = c.left
	}
	for i := int64(0); i < n; i++ {
		p[i] = byte('a' + (c.read+i)%26)
	}
	c.left -= n
	c.read += n
	return int(n), nil
}

func (c *countingReader) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

var settleProgram = goja.MustCompile("settle", `(function (v, ok, fail) { Promise.resolve(v).then(ok, fail); })`, true)

// runFor runs js in a new request context and waits up to d for the
// promise it returns. It returns the exported value or the error string.
func (h *harness) runFor(t testing.TB, js string, d time.Duration) (any, string) {
	t.Helper()
	type res struct {
		v   any
		err string
	}
	done := make(chan res, 1)
	var ctx *realm.Context
	r := h.R
	h.Do(func() { ctx = r.NewContext(context.Background(), "") })
	defer h.Do(func() { ctx.End() })
	r.Submit(ctx, func() {
		vm := r.VM()
		v, err := vm.RunString(js)
		if err != nil {
			done <- res{err: realm.ExceptionString(err)}
			return
		}
		mk, _ := vm.RunProgram(settleProgram)
		fn, _ := goja.AssertFunction(mk)
		_, _ = fn(goja.Undefined(), v,
			vm.ToValue(func(c goja.FunctionCall) goja.Value { done <- res{v: c.Argument(0).Export()}; return goja.Undefined() }),
			vm.ToValue(func(c goja.FunctionCall) goja.Value {
				done <- res{err: realm.ErrorString(c.Argument(0))}
				return goja.Undefined()
			}))
	})
	select {
	case x := <-done:
		return x.v, x.err
	case <-time.After(d):
		t.Fatalf("script did not settle within %v:\n%s", d, js)
		return nil, ""
	}
}
