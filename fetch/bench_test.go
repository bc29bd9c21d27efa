package fetch_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

const blobSize = 64 << 10

func blobOrigin(b *testing.B) *httptest.Server {
	blob := bytes.Repeat([]byte("0123456789abcdef"), blobSize/16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(blob)))
		_, _ = w.Write(blob)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// fetchRunner calls fetch(url) → text() in a fresh request context per
// call and reports the body length through a channel.
type fetchRunner struct {
	h  *harness
	fn goja.Callable
}

func newFetchRunner(b *testing.B) *fetchRunner {
	h := newHarness(b, fetch.Config{AllowPrivate: true})
	fr := &fetchRunner{h: h}
	h.Do(func() {
		v, err := h.R.VM().RunString(`(function (url, done) { fetch(url).then(r => r.text()).then(t => done(t.length), e => done(-1, String(e))) })`)
		if err != nil {
			b.Fatal(err)
		}
		fr.fn, _ = goja.AssertFunction(v)
	})
	return fr
}

func (fr *fetchRunner) one(b *testing.B, url string) {
	r := fr.h.R
	done := make(chan int64, 1)
	r.Submit(nil, func() {
		ctx := r.NewContext(context.Background(), "")
		r.RunTask(ctx, func() {
			vm := r.VM()
			_, err := fr.fn(goja.Undefined(), vm.ToValue(url), vm.ToValue(func(c goja.FunctionCall) goja.Value {
				ctx.End()
				done <- c.Argument(0).ToInteger()
				return goja.Undefined()
			}))
			if err != nil {
				done <- -2
			}
		})
	})
	if n := <-done; n != blobSize {
		b.Fatalf("got %d bytes", n)
	}
}

// BenchmarkFetch64K: fetch() of a 64 KiB body from a local origin, text() consumed.
func BenchmarkFetch64K(b *testing.B) {
	srv := blobOrigin(b)
	fr := newFetchRunner(b)
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fr.one(b, srv.URL+"/blob64k")
	}
}

// BenchmarkFetch64KParallel: the same with requests in flight concurrently on one isolate.
func BenchmarkFetch64KParallel(b *testing.B) {
	srv := blobOrigin(b)
	fr := newFetchRunner(b)
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fr.one(b, srv.URL+"/blob64k")
		}
	})
}

func goGet(b *testing.B, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	p, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || len(p) != blobSize {
		b.Fatalf("got %d bytes, %v", len(p), err)
	}
	_ = string(p) // text(): a string of the body
}

// BenchmarkGoClient64K: Go's http.Client doing the same (the ceiling).
func BenchmarkGoClient64K(b *testing.B) {
	srv := blobOrigin(b)
	c := &http.Client{Transport: fetch.NewTransport(fetch.TransportOptions{AllowPrivate: true})}
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		goGet(b, c, srv.URL+"/blob64k")
	}
}

// BenchmarkGoClient64KParallel: Go's http.Client, concurrently.
func BenchmarkGoClient64KParallel(b *testing.B) {
	srv := blobOrigin(b)
	c := &http.Client{Transport: fetch.NewTransport(fetch.TransportOptions{AllowPrivate: true})}
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			goGet(b, c, srv.URL+"/blob64k")
		}
	})
}

// BenchmarkFetch64KPassthrough: W4's path: fetch(), then the body goes to
// Go untouched (as for "return upstream" or new Response(upstream.body))
// and is copied there, with a 32 KiB buffer as the runtime does.
func BenchmarkFetch64KPassthrough(b *testing.B) {
	srv := blobOrigin(b)
	h := newHarness(b, fetch.Config{AllowPrivate: true})
	var fn goja.Callable
	h.Do(func() {
		v, err := h.R.VM().RunString(`(function (url, done) { fetch(url).then(done, e => done(null)) })`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ = goja.AssertFunction(v)
	})
	r := h.R
	url := srv.URL + "/blob64k"
	buf := make([]byte, 32<<10)
	type taken struct {
		ctx *realm.Context
		rc  io.ReadCloser
	}
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch := make(chan taken, 1)
		r.Submit(nil, func() {
			ctx := r.NewContext(context.Background(), "")
			r.RunTask(ctx, func() {
				vm := r.VM()
				_, _ = fn(goja.Undefined(), vm.ToValue(url), vm.ToValue(func(c goja.FunctionCall) goja.Value {
					resp, ok := webapi.ResponseFrom(c.Argument(0))
					if !ok {
						ch <- taken{ctx, nil}
						return goja.Undefined()
					}
					p, _ := resp.Body().TakePayload(r, ctx)
					ch <- taken{ctx, p.Reader}
					return goja.Undefined()
				}))
			})
		})
		tk := <-ch
		if tk.rc == nil {
			b.Fatal("fetch failed")
		}
		n := 0
		for {
			k, err := tk.rc.Read(buf)
			n += k
			if err != nil {
				break
			}
		}
		_ = tk.rc.Close()
		r.Submit(nil, func() { tk.ctx.End() })
		if n != blobSize {
			b.Fatalf("got %d bytes", n)
		}
	}
}

// BenchmarkGoClient64KPassthrough: Go's http.Client with the same copy loop.
func BenchmarkGoClient64KPassthrough(b *testing.B) {
	srv := blobOrigin(b)
	c := &http.Client{Transport: fetch.NewTransport(fetch.TransportOptions{AllowPrivate: true})}
	buf := make([]byte, 32<<10)
	b.SetBytes(blobSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := c.Get(srv.URL + "/blob64k")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			k, err := resp.Body.Read(buf)
			n += k
			if err != nil {
				break
			}
		}
		_ = resp.Body.Close()
		if n != blobSize {
			b.Fatalf("got %d bytes", n)
		}
	}
}
