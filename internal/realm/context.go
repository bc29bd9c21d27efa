package realm

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"
)

var nextRequestID atomic.Uint64

// Context is a request context: everything that JavaScript does on behalf of
// one incoming request (its fetch event, timers, subrequests, waitUntil work)
// runs under it. Host objects created while it is current are bound to it.
//
// A Context is created and ended on the realm's loop goroutine. Its Go
// context is cancelled when it ends.
type Context struct {
	realm  *Realm
	id     uint64
	idStr  string
	ctx    context.Context
	cancel context.CancelFunc
	ended  bool
	onEnd  []func()
	values []kv // few per request: a slice beats a map
	cpu    time.Duration
}

type kv struct{ k, v any }

// NewContext starts a request context whose Go context derives from parent.
// It must be called on the loop goroutine.
func (r *Realm) NewContext(parent context.Context, id string) *Context {
	c := &Context{realm: r, id: nextRequestID.Add(1)}
	if id != "" {
		c.idStr = id
	}
	c.ctx, c.cancel = context.WithCancel(parent)
	return c
}

// Realm returns the realm the context runs in.
func (c *Context) Realm() *Realm { return c.realm }

// ID returns a process-unique number for the request.
func (c *Context) ID() uint64 { return c.id }

// IDString returns the request id used in logs ("-" for no request).
func (c *Context) IDString() string {
	if c == nil {
		return "-"
	}
	if c.idStr == "" {
		c.idStr = strconv.FormatUint(c.id, 10)
	}
	return c.idStr
}

// Go returns the Go context of the request, cancelled when it ends.
func (c *Context) Go() context.Context { return c.ctx }

// Ended reports whether End has run.
func (c *Context) Ended() bool { return c.ended }

// OnEnd registers f to run (on the loop goroutine) when the context ends,
// for example to cancel its timers. Functions run in reverse order.
func (c *Context) OnEnd(f func()) {
	if c.ended {
		f()
		return
	}
	c.onEnd = append(c.onEnd, f)
}

// End finishes the context: cleanup functions run, its Go context is
// cancelled and its pending tasks will be dropped. Idempotent.
func (c *Context) End() {
	if c.ended {
		return
	}
	c.ended = true
	for i := len(c.onEnd) - 1; i >= 0; i-- {
		c.onEnd[i]()
	}
	c.onEnd = nil
	c.cancel()
}

// Value returns per-request state stored under key.
func (c *Context) Value(key any) any {
	for i := range c.values {
		if c.values[i].k == key {
			return c.values[i].v
		}
	}
	return nil
}

// SetValue stores per-request state under key (use an unexported key type).
func (c *Context) SetValue(key, v any) {
	for i := range c.values {
		if c.values[i].k == key {
			c.values[i].v = v
			return
		}
	}
	c.values = append(c.values, kv{key, v})
}

// AddCPU charges d of CPU time to the request and returns its total.
func (c *Context) AddCPU(d time.Duration) time.Duration {
	c.cpu += d
	return c.cpu
}

// CPU returns the CPU time charged to the request so far.
func (c *Context) CPU() time.Duration { return c.cpu }
