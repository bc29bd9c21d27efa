// Package runtimetest makes scripts easy to test from `go test`: load a
// script, send it requests in-process (no network), assert on responses.
//
//	func TestWorker(t *testing.T) {
//		w := runtimetest.Load(t, "worker.js", runtime.Options{})
//		res := w.Get("/hello")
//		if res.StatusCode != 200 || res.Text != "hello" { t.Fatal(res.Status, res.Text) }
//	}
package runtimetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/workerhost/workerhost/runtime"
)

// Routine is a routine loaded for a test; it is closed when the test ends.
type Routine struct {
	*runtime.Routine
	t testing.TB
}

// Response is a recorded response with its body read into Text.
type Response struct {
	*http.Response
	Text string
}

// New loads a script from source. Load errors fail the test.
func New(t testing.TB, source string, opts runtime.Options) *Routine {
	t.Helper()
	rt, err := runtime.New(source, opts)
	if err != nil {
		t.Fatalf("runtimetest: loading script: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return &Routine{Routine: rt, t: t}
}

// Load loads a script file. Load errors fail the test.
func Load(t testing.TB, path string, opts runtime.Options) *Routine {
	t.Helper()
	rt, err := runtime.LoadFile(path, opts)
	if err != nil {
		t.Fatalf("runtimetest: loading %s: %v", path, err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return &Routine{Routine: rt, t: t}
}

// Do serves req and returns the recorded response.
func (r *Routine) Do(req *http.Request) *Response {
	r.t.Helper()
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	res := rec.Result()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatalf("runtimetest: reading response: %v", err)
	}
	return &Response{Response: res, Text: string(b)}
}

// Get sends a GET for target (a path like "/x?y=1" or an absolute URL).
func (r *Routine) Get(target string) *Response {
	r.t.Helper()
	return r.Do(httptest.NewRequest(http.MethodGet, target, nil))
}

// Post sends a POST with the given content type and body.
func (r *Routine) Post(target, contentType, body string) *Response {
	r.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return r.Do(req)
}
