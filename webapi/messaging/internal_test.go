package messaging

import (
	"context"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

func internalEnv(t *testing.T) *jstest.Env {
	return jstest.New(t, dom.Install, structuredclone.Install, Install)
}

// port returns the MessagePort behind a global expression.
func port(t *testing.T, e *jstest.Env, expr string) *MessagePort {
	t.Helper()
	var p *MessagePort
	e.Do(func() {
		v, err := e.R.VM().RunString(expr)
		require.NoError(t, err)
		var ok bool
		p, ok = PortFrom(v)
		require.True(t, ok, expr)
	})
	return p
}

func run(t *testing.T, e *jstest.Env, ctx *realm.Context, src string) {
	t.Helper()
	done := make(chan error, 1)
	e.R.Submit(ctx, func() {
		_, err := e.R.VM().RunString(src)
		done <- err
	})
	require.NoError(t, <-done)
}

func TestRequestEndReleasesPorts(t *testing.T) {
	e := internalEnv(t)
	require.Empty(t, e.RunInit(`
		globalThis.g = new MessageChannel();
		globalThis.closes = 0;
		g.port2.onclose = () => closes++;
	`).Err)
	var a *realm.Context
	e.Do(func() { a = e.R.NewContext(context.Background(), "A") })
	run(t, e, a, `
		globalThis.ac = new MessageChannel();
		ac.port1.postMessage(1);
		ac.port1.postMessage(2, [new ArrayBuffer(8)]);
		globalThis.closed = new MessageChannel();
		closed.port1.close();
		// A port of A entangled with g.port2, a port of no request.
		globalThis.carrier = new MessageChannel();
		carrier.port1.postMessage(null, [g.port1]);
		globalThis.idle = new MessageChannel();
	`)
	// A port of no request that holds A's messages.
	require.Empty(t, e.RunInit(`globalThis.free = new MessageChannel();`).Err)
	run(t, e, a, `free.port1.postMessage("from A"); free.port1.postMessage("from A again");`)

	ac2 := port(t, e, `ac.port2`)
	g2 := port(t, e, `g.port2`)
	free2 := port(t, e, `free.port2`)
	var moved *MessagePort
	e.Do(func() {
		assert.Len(t, ac2.queue, 2)
		require.NotNil(t, g2.other)
		moved = g2.other
		assert.Equal(t, a, moved.Owner())
		assert.Len(t, free2.queue, 2)
		reg := a.Value(regKey{}).(*registry)
		// ac (2), closed.port2, carrier (2), the port moved from g.port1,
		// idle (2); closed.port1 left the registry when it was closed.
		assert.Len(t, reg.ports, 8)
		assert.Contains(t, reg.foreign, free2)
	})

	e.Do(a.End)
	e.Do(func() {
		assert.True(t, ac2.dead)
		assert.Nil(t, ac2.queue)
		assert.Nil(t, ac2.other)
		assert.Equal(t, -1, ac2.regIdx)
		assert.True(t, moved.dead)
		assert.Nil(t, g2.other, "the port of no request is disentangled")
		assert.False(t, g2.dead)
		assert.Nil(t, free2.queue, "A's messages at a port of no request are dropped")
		reg := a.Value(regKey{}).(*registry)
		assert.Empty(t, reg.ports)
		assert.Empty(t, reg.foreign)
	})
	// No close event: g.port2 belongs to no request and A has ended.
	e.Do(func() {})
	var closes int64
	e.Do(func() { closes = e.R.VM().Get("closes").ToInteger() })
	assert.Zero(t, closes)
}

func TestClosedAndDeliveredPortsLeaveTheRegistry(t *testing.T) {
	e := internalEnv(t)
	var a *realm.Context
	e.Do(func() { a = e.R.NewContext(context.Background(), "A") })
	var p1, p2 *MessagePort
	done := make(chan struct{})
	e.R.Submit(a, func() {
		defer close(done)
		v, err := e.R.VM().RunString(`
			const c = new MessageChannel();
			c.port2.onmessage = () => {};
			c.port1.postMessage(1);
			c.port2.close(); // a message still queued: registered until it is delivered
			c.port1.close();
			c`)
		require.NoError(t, err)
		o := v.(*goja.Object)
		p1, _ = PortFrom(o.Get("port1"))
		p2, _ = PortFrom(o.Get("port2"))
		assert.Equal(t, -1, p1.regIdx)
		assert.GreaterOrEqual(t, p2.regIdx, 0)
	})
	<-done
	e.Do(func() {}) // the delivery task has run
	e.Do(func() {
		assert.Nil(t, p2.queue)
		assert.Equal(t, -1, p2.regIdx)
		reg := a.Value(regKey{}).(*registry)
		assert.Empty(t, reg.ports)
	})
	e.Do(a.End)
}

func TestPortsMadeAfterTheRequestEnded(t *testing.T) {
	e := internalEnv(t)
	var a *realm.Context
	e.Do(func() {
		a = e.R.NewContext(context.Background(), "A")
		_ = e.R.VM().Set("currentID", func() string { return e.R.Current().IDString() })
	})
	run(t, e, a, `globalThis.early = new MessageChannel();
	new Promise((r) => globalThis.resume = r).then(() => {
		globalThis.lateID = currentID();
		globalThis.late = new MessageChannel();
	})`)
	e.Do(a.End)
	// A promise continuation of the ended request runs as it.
	run(t, e, nil, `resume()`)
	p1, p2 := port(t, e, `late.port1`), port(t, e, `late.port2`)
	e.Do(func() {
		assert.Equal(t, "A", e.R.VM().Get("lateID").String())
		assert.Equal(t, a, p1.Owner())
		assert.True(t, p1.dead)
		assert.True(t, p2.dead)
		assert.Nil(t, p1.other)
		assert.Equal(t, -1, p1.regIdx)
	})
}

func TestMessageEventFromGo(t *testing.T) {
	e := internalEnv(t)
	e.Do(func() {
		obj, ev := NewMessageEvent(e.R, "message", e.R.VM().ToValue(5), nil)
		ev.SetOrigin("wss://h.example")
		assert.True(t, ev.IsTrusted())
		assert.Equal(t, int64(5), ev.Data().ToInteger())
		assert.Empty(t, ev.Ports())
		assert.Equal(t, "wss://h.example", ev.Origin())
		assert.Equal(t, "wss://h.example", obj.Get("origin").String())
		ports := obj.Get("ports").(*goja.Object)
		assert.Equal(t, int64(0), ports.Get("length").ToInteger())
		assert.Equal(t, true, obj.Get("isTrusted").ToBoolean())
	})
}
