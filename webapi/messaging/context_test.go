package messaging_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
)

// reqEnv is an env whose scripts can see currentID(), the id of the
// request running them ("-" for none), and whose tests drive request
// contexts by hand.
func reqEnv(t *testing.T) *jstest.Env {
	e := env(t)
	e.Do(func() {
		_ = e.R.VM().Set("currentID", func() string { return e.R.Current().IDString() })
	})
	return e
}

func newCtx(e *jstest.Env, id string) *realm.Context {
	var c *realm.Context
	e.Do(func() { c = e.R.NewContext(context.Background(), id) })
	return c
}

// runIn runs src as a task of ctx and returns its exported value.
func runIn(t *testing.T, e *jstest.Env, ctx *realm.Context, src string) any {
	t.Helper()
	type result struct {
		v   any
		err error
	}
	ch := make(chan result, 1)
	e.R.Submit(ctx, func() {
		v, err := e.R.VM().RunString(src)
		if err != nil {
			ch <- result{err: err}
			return
		}
		ch <- result{v: v.Export()}
	})
	select {
	case r := <-ch:
		require.NoError(t, r.err, src)
		return r.v
	case <-time.After(5 * time.Second):
		t.Fatalf("script did not run: %s", src)
		return nil
	}
}

// eventually evaluates expr (outside any request) until it is true.
func eventually(t *testing.T, e *jstest.Env, expr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ok bool
		var err error
		e.Do(func() {
			var v goja.Value
			v, err = e.R.VM().RunString(expr)
			ok = err == nil && v.ToBoolean()
		})
		require.NoError(t, err, expr)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var log string
			e.Do(func() { v, _ := e.R.VM().RunString(`JSON.stringify(globalThis.log)`); log = v.String() })
			t.Fatalf("condition never became true: %s (log: %s)", expr, log)
		}
		time.Sleep(time.Millisecond)
	}
}

func jsonOf(t *testing.T, e *jstest.Env, expr string) string {
	t.Helper()
	var s string
	e.Do(func() {
		v, err := e.R.VM().RunString(`JSON.stringify(` + expr + `)`)
		require.NoError(t, err)
		s = v.String()
	})
	return s
}

func TestDeliveryTaskBelongsToARequest(t *testing.T) {
	e := reqEnv(t)
	require.Empty(t, e.RunInit(`
		globalThis.log = [];
		// A channel of no request, started at initialization.
		globalThis.g = new MessageChannel();
		g.port2.onmessage = (e) => log.push(e.data + "@" + currentID());
		// Not started: messages wait in its queue.
		globalThis.h = new MessageChannel();
		// Posted at initialization, started later.
		globalThis.k = new MessageChannel();
		k.port1.postMessage("init");
	`).Err)

	// The receiving port belongs to no request: the task is the poster's.
	a, b := newCtx(e, "A"), newCtx(e, "B")
	runIn(t, e, a, `g.port1.postMessage("a")`)
	runIn(t, e, b, `g.port1.postMessage("b")`)
	eventually(t, e, `log.length === 2`)
	assert.Equal(t, `["a@A","b@B"]`, jsonOf(t, e, `log`))

	// The messages a request posted to a port of no request die with it.
	runIn(t, e, a, `h.port1.postMessage("from A")`)
	e.Do(a.End)
	runIn(t, e, b, `h.port2.onmessage = (e) => log.push(e.data + "@" + currentID()); h.port1.postMessage("from B")`)
	// A message posted outside any request is delivered as a task of the
	// request that starts the port.
	c := newCtx(e, "C")
	runIn(t, e, c, `k.port2.onmessage = (e) => log.push(e.data + "@" + currentID())`)
	eventually(t, e, `log.length === 4`)
	assert.Equal(t, `["a@A","b@B","from B@B","init@C"]`, jsonOf(t, e, `log`))

	// A port made by a request belongs to it: its messages are its tasks.
	runIn(t, e, c, `
		const m = new MessageChannel();
		m.port2.onmessage = (e) => log.push(e.data + "@" + currentID());
		m.port1.postMessage("own");
	`)
	eventually(t, e, `log.length === 5`)
	assert.Equal(t, `"own@C"`, jsonOf(t, e, `log[4]`))
	e.Do(b.End)
	e.Do(c.End)
}

func TestTasksOfAnEndedRequestAreDropped(t *testing.T) {
	e := reqEnv(t)
	require.Empty(t, e.RunInit(`
		globalThis.log = [];
		globalThis.g = new MessageChannel();
		g.port2.onmessage = (e) => log.push(e.data);
	`).Err)
	a := newCtx(e, "A")
	// The delivery task is queued behind the end of the request: both are
	// submitted from one loop task, so the post runs (and queues its
	// delivery) only after the end is queued.
	e.Do(func() {
		e.R.Submit(a, func() {
			_, err := e.R.VM().RunString(`g.port1.postMessage("late")`)
			assert.NoError(t, err)
		})
		e.R.Submit(nil, a.End)
	})
	b := newCtx(e, "B")
	runIn(t, e, b, `g.port1.postMessage("next")`)
	eventually(t, e, `log.length === 1`)
	e.Do(func() {}) // any task queued before has run
	assert.Equal(t, `["next"]`, jsonOf(t, e, `log`))
	e.Do(b.End)
}

func TestMessageErrorWhenTransferredPortsAreGone(t *testing.T) {
	e := reqEnv(t)
	require.Empty(t, e.RunInit(`
		globalThis.log = [];
		globalThis.g = new MessageChannel();
	`).Err)

	// Request B takes g.port2 (a transferred port becomes the receiving
	// request's), so g.port1, a port of no request, talks to B.
	b := newCtx(e, "B")
	runIn(t, e, b, `
		const c = new MessageChannel();
		c.port2.onmessage = (e) => {
			globalThis.bp = e.ports[0];
			bp.onmessage = (ev) => {
				log.push("message " + ev.data + " " + ev.ports.length + "@" + currentID());
				ev.ports[0].postMessage("reply from B");
			};
			bp.onmessageerror = (ev) => log.push("messageerror " + ev.data + " " + ev.ports.length + " " + ev.isTrusted + "@" + currentID());
			log.push("ready");
		};
		c.port1.postMessage(null, [g.port2]);
	`)
	eventually(t, e, `log.length === 1`)

	// Request A sends B a port: B receives it and can use it.
	a := newCtx(e, "A")
	runIn(t, e, a, `
		globalThis.x = new MessageChannel();
		x.port2.onmessage = (e) => log.push("A got " + e.data + "@" + currentID());
		g.port1.postMessage("one", [x.port1]);
	`)
	eventually(t, e, `log.length === 3`)

	// B cannot transfer a port of A.
	assert.Contains(t, fmt.Sprint(runIn(t, e, b, `
		try { new MessageChannel().port1.postMessage(null, [x.port2]); "no error" } catch (e) { e.name + ": " + e.message }
	`)), "TypeError: Cannot use a MessagePort object that belongs to a different request")

	// A2 sends a port and ends before B's task runs: the port is gone, so
	// B gets messageerror.
	a2 := newCtx(e, "A2")
	e.R.Submit(a2, func() {
		_, err := e.R.VM().RunString(`g.port1.postMessage("two", [new MessageChannel().port1])`)
		assert.NoError(t, err)
	})
	e.R.Submit(nil, a2.End)
	eventually(t, e, `log.length === 4`)
	assert.Equal(t, `["ready","message one 1@B","A got reply from B@A","messageerror null 0 true@B"]`, jsonOf(t, e, `log`))
	e.Do(a.End)
	e.Do(b.End)
}

func TestStaticInitialization(t *testing.T) {
	e := reqEnv(t)
	// Outside a request, messages are delivered from microtasks of the code
	// that posted them: here, before RunInit returns.
	res := e.RunInit(`
		globalThis.initLog = [];
		const c = new MessageChannel();
		c.port2.onmessage = (e) => initLog.push(e.data + "@" + currentID());
		c.port1.postMessage(1);
		c.port1.postMessage(2);
		initLog.push("sync");
		const d = new MessageChannel();
		d.port1.onmessage = (e) => { if (e.data < 1000) d.port1.postMessage(e.data + 1); else initLog.push("pong " + e.data); };
		d.port2.onmessage = (e) => d.port2.postMessage(e.data + 1);
		d.port2.postMessage(0);
		// close events too
		const f = new MessageChannel();
		f.port2.onclose = () => initLog.push("closed");
		f.port1.close();
	`)
	require.Empty(t, res.Err)
	assert.Equal(t, `["sync","1@-","2@-","closed","pong 1000"]`, jsonOf(t, e, `initLog`))

	// A message loop during initialization runs within the initialization
	// (and its CPU limit, which interrupts the VM), not forever after it.
	go func() {
		time.Sleep(50 * time.Millisecond)
		e.R.Interrupt("initialization took too long")
	}()
	res = e.RunInit(`
		const loop = new MessageChannel();
		loop.port1.onmessage = (e) => loop.port2.postMessage(e.data);
		loop.port2.onmessage = (e) => loop.port1.postMessage(e.data);
		loop.port1.postMessage("forever");
	`)
	assert.Contains(t, res.Err, "initialization took too long")
	e.Do(func() { e.R.VM().ClearInterrupt() })
}

func TestNoGoroutines(t *testing.T) {
	e := reqEnv(t)
	e.MustRun(`1`) // warm up
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		e.MustRun(`(async () => {
			const ports = [];
			for (let i = 0; i < 50; i++) {
				const c = new MessageChannel();
				c.port1.postMessage(new ArrayBuffer(1024));  // never started: dropped at the end
				c.port2.postMessage(i, [new MessageChannel().port1]);
				ports.push(c);
			}
			const last = new MessageChannel();
			const got = new Promise((r) => last.port2.onmessage = r);
			last.port1.postMessage("x");
			await got;
		})()`)
	}
	time.Sleep(10 * time.Millisecond)
	after := runtime.NumGoroutine()
	assert.LessOrEqual(t, after, before+1, "goroutines before %d, after %d", before, after)
}

func TestErrorMessagesName(t *testing.T) {
	e := env(t)
	msg := e.MustThrow("DataCloneError", `{ const c = new MessageChannel(); c.port1.postMessage(1, [c.port1]) }`)
	assert.True(t, strings.HasPrefix(msg, "DataCloneError: Failed to execute 'postMessage' on 'MessagePort'"), msg)
}
