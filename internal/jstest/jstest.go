// Package jstest runs JavaScript against a realm from Go tests, so that each
// Web API package can be tested on its own, without the HTTP runtime.
package jstest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Env is a realm whose loop runs on its own goroutine for the test's life.
type Env struct {
	R *realm.Realm
	t testing.TB
	// Ctx is the request context scripts run in (Run starts one per call
	// when nil is passed to RunIn).
}

// Installer adds globals to a realm (each Web API package has one: Install).
type Installer func(*realm.Realm)

// New starts a realm with the given installers. The loop stops at test end.
func New(t testing.TB, install ...Installer) *Env {
	t.Helper()
	r := realm.New(realm.Options{Routine: "test"})
	e := &Env{R: r, t: t}
	go r.Loop().Run()
	t.Cleanup(func() {
		r.Loop().Stop()
		<-r.Loop().Done()
	})
	e.Do(func() {
		for _, in := range install {
			in(r)
		}
	})
	return e
}

// Do runs f on the loop goroutine (no request context) and waits for it.
func (e *Env) Do(f func()) {
	done := make(chan struct{})
	e.R.Submit(nil, func() { defer close(done); f() })
	<-done
}

// Result is the outcome of a script.
type Result struct {
	Value any    // exported result (the fulfilled value when a promise)
	Err   string // "Name: message" of the thrown value or rejection, "" if none
	Name  string // the error's name property (TypeError, AbortError, ...)
}

// Run evaluates src as a script in a new request context; if it returns a
// promise, Run waits (up to 5 s) until it settles. The context ends after.
func (e *Env) Run(src string) Result {
	return e.run(src, true)
}

// MustThrow runs src (as Run does) and fails the test unless it throws, or
// its promise rejects, with an error whose name is name; it returns the
// error's "Name: message".
func (e *Env) MustThrow(name, src string) string {
	e.t.Helper()
	res := e.Run(src)
	if res.Err == "" {
		e.t.Fatalf("jstest: expected %s from:\n%s", name, src)
	}
	if res.Name != name {
		e.t.Fatalf("jstest: expected %s, got %s\nscript:\n%s", name, res.Err, src)
	}
	return res.Err
}

// RunInit evaluates src as static initialization (no request context).
func (e *Env) RunInit(src string) Result {
	return e.run(src, false)
}

func (e *Env) run(src string, request bool) Result {
	e.t.Helper()
	res := make(chan Result, 1)
	var ctx *realm.Context
	e.Do(func() {
		if request {
			ctx = e.R.NewContext(context.Background(), "")
		} else {
			e.R.SetInitializing(true)
		}
	})
	e.R.Submit(ctx, func() {
		if !request {
			defer e.R.SetInitializing(false)
		}
		v, err := e.R.VM().RunString(src)
		if err != nil {
			res <- errResult(err)
			return
		}
		if p, ok := v.Export().(*goja.Promise); ok {
			e.settle(ctx, p, res)
			return
		}
		res <- Result{Value: v.Export()}
	})
	select {
	case r := <-res:
		if ctx != nil {
			e.Do(func() { ctx.End() })
		}
		return r
	case <-time.After(5 * time.Second):
		e.t.Fatalf("jstest: script did not settle within 5s:\n%s", src)
		return Result{}
	}
}

func (e *Env) settle(ctx *realm.Context, p *goja.Promise, res chan Result) {
	switch p.State() {
	case goja.PromiseStateFulfilled:
		res <- Result{Value: p.Result().Export()}
		return
	case goja.PromiseStateRejected:
		res <- valueErr(p.Result())
		return
	}
	// Still pending: poll on later tasks (timers and I/O complete as tasks).
	time.AfterFunc(time.Millisecond, func() {
		e.R.Submit(ctx, func() { e.settle(ctx, p, res) })
	})
}

func errResult(err error) Result {
	if ex, ok := err.(*goja.Exception); ok {
		return valueErr(ex.Value())
	}
	return Result{Err: err.Error(), Name: fmt.Sprintf("%T", err)}
}

func valueErr(v goja.Value) Result {
	r := Result{Err: realm.ErrorString(v)}
	if o, ok := v.(*goja.Object); ok {
		if n := o.Get("name"); n != nil {
			r.Name = n.String()
		}
	}
	if r.Err == "" {
		r.Err = "(empty error)"
	}
	return r
}

// MustRun runs src and fails the test if it throws or rejects.
func (e *Env) MustRun(src string) any {
	e.t.Helper()
	r := e.Run(src)
	if r.Err != "" {
		e.t.Fatalf("jstest: script failed: %s\n%s", r.Err, src)
	}
	return r.Value
}

// LogBuffer collects log output (a slog handler's destination) for
// assertions; safe for the loop goroutine and the test at once.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
