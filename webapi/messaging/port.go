package messaging

import (
	"errors"
	"strconv"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

// MessagePort is the Go side of an HTML MessagePort
// (https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports).
// It is used on the realm's loop goroutine only.
type MessagePort struct {
	dom.EventTarget
	st  *state
	obj *goja.Object

	other   *MessagePort // the entangled port, nil when not entangled
	movedTo *MessagePort // the port this one was transferred to

	// queue is the port message queue: messages not yet delivered, in
	// order. Those of an enabled queue each have a task scheduled.
	queue    []*message
	enabled  bool
	detached bool // [[Detached]]: transferred or closed
	dead     bool // its request ended, or it was lost with a message
	regIdx   int  // index in its request's registry, -1 when not in it
}

// message is a posted message on its way to a port.
type message struct {
	port      *MessagePort   // the port whose queue holds it; nil once delivered or dropped
	from      *realm.Context // the request that posted it
	ctx       *realm.Context // the request of its delivery task, once scheduled
	scheduled bool
	data      goja.Value
	ports     []*MessagePort // transferred ports, in transfer-list order
}

// Object returns the port's JavaScript object.
func (p *MessagePort) Object() *goja.Object { return p.obj }

// PortFrom returns the MessagePort behind a script value.
func PortFrom(v goja.Value) (*MessagePort, bool) {
	return realm.Unwrap[*MessagePort](v)
}

// newPort makes a port bound to the current request. A registered port is
// closed when its request ends; ports made by PrepareTransfer are
// registered only once the transfer is committed.
func (s *state) newPort(register bool) *MessagePort {
	p := &MessagePort{st: s, regIdx: -1}
	p.Bind(s.r)
	p.obj = s.port.Wrap(p)
	if register {
		p.register()
	}
	return p
}

// register adds p to its request's registry. A port of a request that has
// already ended (made by a promise continuation of that request) is
// closed at once.
func (p *MessagePort) register() {
	ctx := p.Owner()
	if ctx == nil || p.regIdx >= 0 {
		return
	}
	reg := p.st.registry(ctx)
	if reg == nil {
		p.destroy(ctx)
		return
	}
	p.regIdx = len(reg.ports)
	reg.ports = append(reg.ports, p)
}

// unregister takes p out of its request's registry (it holds nothing a
// request end must release any more).
func (p *MessagePort) unregister() {
	ctx := p.Owner()
	if ctx == nil || p.regIdx < 0 {
		return
	}
	reg, _ := ctx.Value(regKey{}).(*registry)
	if reg == nil || p.regIdx >= len(reg.ports) || reg.ports[p.regIdx] != p {
		p.regIdx = -1
		return
	}
	last := len(reg.ports) - 1
	reg.ports[p.regIdx] = reg.ports[last]
	reg.ports[p.regIdx].regIdx = p.regIdx
	reg.ports[last] = nil
	reg.ports = reg.ports[:last]
	p.regIdx = -1
}

// entangle makes a and b the two ends of a channel.
func entangle(a, b *MessagePort) {
	a.other, b.other = b, a
}

// disentangle breaks p's channel and fires "close" at the other port. cur
// is the request on whose behalf it happens.
func (p *MessagePort) disentangle(cur *realm.Context) {
	o := p.other
	if o == nil {
		return
	}
	p.other, o.other = nil, nil
	o.queueClose(cur)
}

// queueClose fires "close" at p from a task of p's request (or of cur for
// a port of no request); nothing is fired when that request has ended.
func (p *MessagePort) queueClose(cur *realm.Context) {
	ctx := p.Owner()
	if ctx == nil {
		ctx = cur
	}
	if p.dead || ctx != nil && ctx.Ended() {
		return
	}
	s := p.st
	fire := func() {
		if p.dead || !p.HasListeners("close") {
			return
		}
		obj, ev := dom.NewEvent(s.r, "close", false, false)
		ev.SetTrusted(true)
		s.dispatch(p, obj)
	}
	if ctx == nil {
		s.microtask(fire)
		return
	}
	s.r.Submit(ctx, fire)
}

// close is close(): it sets [[Detached]] and disentangles the port.
// Messages already in its queue are still delivered.
func (p *MessagePort) close(cur *realm.Context) {
	p.detached = true
	p.disentangle(cur)
	if len(p.queue) == 0 {
		p.unregister()
	}
}

// destroy closes p for good: its request ended, or it was transferred in a
// message that was lost. Its queued messages are dropped.
func (p *MessagePort) destroy(cur *realm.Context) {
	if p.dead {
		return
	}
	p.dead, p.detached = true, true
	q := p.queue
	p.queue = nil
	for _, m := range q {
		m.port = nil
		m.discard(cur)
	}
	p.disentangle(cur)
	p.unregister()
}

// discard drops a message that will never be delivered; the ports it
// carried are lost with it.
func (m *message) discard(cur *realm.Context) {
	ports := m.ports
	m.ports, m.data = nil, nil
	for _, np := range ports {
		np.destroy(cur)
	}
}

// start enables the port message queue.
func (p *MessagePort) start() {
	if p.enabled {
		return
	}
	p.enabled = true
	for _, m := range append([]*message(nil), p.queue...) {
		if m.port == p && !m.scheduled {
			p.schedule(m)
		}
	}
}

// enqueue adds m to the port message queue of p (or of the port p was
// transferred to: the queue moved there).
func (p *MessagePort) enqueue(m *message) {
	for p.movedTo != nil {
		p = p.movedTo
	}
	if p.dead {
		m.discard(m.from)
		return
	}
	m.port = p
	p.queue = append(p.queue, m)
	if p.Owner() == nil && m.from != nil {
		p.st.addForeign(m.from, p)
	}
	if p.enabled {
		p.schedule(m)
	}
}

// deliveryContext is the request a message for p belongs to: p's, else
// the poster's, else fallback's (the request that starts the port).
func (p *MessagePort) deliveryContext(m *message, fallback *realm.Context) *realm.Context {
	if ctx := p.Owner(); ctx != nil {
		return ctx
	}
	if m.from != nil {
		return m.from
	}
	return fallback
}

// schedule queues the task that delivers m, a message in p's enabled queue.
func (p *MessagePort) schedule(m *message) {
	s := p.st
	ctx := p.deliveryContext(m, s.r.Current())
	if ctx != nil && ctx.Ended() {
		p.remove(m)
		m.discard(ctx)
		return
	}
	m.ctx, m.scheduled = ctx, true
	if ctx != nil && p.Owner() == nil && ctx != m.from {
		s.addForeign(ctx, p)
	}
	task := func() { p.deliver(m) }
	if ctx == nil {
		// No request: deliver from a microtask of the code running now
		// (static initialization), within its CPU budget.
		s.microtask(task)
		return
	}
	s.r.Submit(ctx, task)
}

// remove takes m out of p's queue.
func (p *MessagePort) remove(m *message) {
	m.port = nil
	for i, x := range p.queue {
		if x == m {
			if i == 0 {
				p.queue[0] = nil
				p.queue = p.queue[1:]
			} else {
				p.queue = append(p.queue[:i], p.queue[i+1:]...)
			}
			break
		}
	}
	if len(p.queue) == 0 {
		p.queue = nil
	}
}

// deliver is the task of the message port post message steps: it fires
// "message" at the port whose queue holds m now, or "messageerror" when m
// cannot be received.
func (p *MessagePort) deliver(m *message) {
	if m.port != p {
		return // delivered, dropped, or moved with a transferred queue
	}
	p.remove(m)
	if p.detached && len(p.queue) == 0 {
		defer p.unregister()
	}
	s := p.st
	cur := s.r.Current()
	// Receiving the transferred ports: they become the receiving request's.
	// One whose request ended meanwhile is gone, and so is the message.
	lost := false
	for _, np := range m.ports {
		lost = lost || np.dead
	}
	if lost {
		m.discard(cur)
		if p.HasListeners("messageerror") {
			e := s.newEvent("messageerror", nil, nil)
			s.dispatch(p, s.event.Wrap(e))
		}
		return
	}
	typ := "message"
	if !p.HasListeners(typ) {
		m.discard(cur) // nobody can see the ports: they are garbage
		return
	}
	ports := make([]*goja.Object, len(m.ports))
	for i, np := range m.ports {
		np.rebind(cur)
		ports[i] = np.obj
	}
	e := s.newEvent(typ, m.data, ports)
	m.data, m.ports = nil, nil
	s.dispatch(p, s.event.Wrap(e))
}

// rebind makes a received port belong to ctx.
func (p *MessagePort) rebind(ctx *realm.Context) {
	if p.Owner() == ctx {
		return
	}
	p.unregister()
	p.BindTo(ctx)
	p.register()
}

// newEvent makes a trusted MessageEvent fired by a port.
func (s *state) newEvent(typ string, data goja.Value, ports []*goja.Object) *MessageEvent {
	e := &MessageEvent{data: data, portList: ports}
	e.Bind(s.r)
	e.Init(typ, false, false)
	e.SetTrusted(true)
	return e
}

// dispatch fires an event at p. Listener exceptions are reported by
// package dom; an interrupt is raised again.
func (s *state) dispatch(p *MessagePort, ev *goja.Object) {
	if _, err := dom.Dispatch(s.r, p.obj, ev); err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			s.r.Interrupt(ie.Value())
		}
	}
}

// TransferDetached implements structuredclone.Transferable.
func (p *MessagePort) TransferDetached() bool { return p.detached }

// PrepareTransfer implements structuredclone.Transferable: the clone gets
// a new port, which on commit takes over p's entanglement and message
// queue (disabled until started), and p is detached.
func (p *MessagePort) PrepareTransfer(r *realm.Realm) (*goja.Object, func()) {
	p.CheckOwner(r, "MessagePort")
	np := p.st.newPort(false)
	return np.obj, func() { p.transferTo(np) }
}

var _ structuredclone.Transferable = (*MessagePort)(nil)

func (p *MessagePort) transferTo(np *MessagePort) {
	p.detached = true
	p.movedTo = np
	np.queue, p.queue = p.queue, nil
	for _, m := range np.queue {
		m.port, m.ctx, m.scheduled = np, nil, false
		if np.Owner() == nil && m.from != nil {
			np.st.addForeign(m.from, np)
		}
	}
	if o := p.other; o != nil {
		p.other = nil
		entangle(np, o)
	}
	p.unregister()
	np.register()
}

// registry lists what a request's end must release: its ports, and the
// ports of no request holding messages that belong to it.
type registry struct {
	ports   []*MessagePort
	foreign map[*MessagePort]struct{}
}

type regKey struct{}

// registry returns ctx's registry, or nil if ctx has ended.
func (s *state) registry(ctx *realm.Context) *registry {
	if ctx.Ended() {
		return nil
	}
	if reg, _ := ctx.Value(regKey{}).(*registry); reg != nil {
		return reg
	}
	reg := &registry{}
	ctx.SetValue(regKey{}, reg)
	ctx.OnEnd(func() { s.end(ctx, reg) })
	return reg
}

func (s *state) addForeign(ctx *realm.Context, p *MessagePort) {
	reg := s.registry(ctx)
	if reg == nil {
		return
	}
	if reg.foreign == nil {
		reg.foreign = map[*MessagePort]struct{}{}
	}
	reg.foreign[p] = struct{}{}
}

// end runs when ctx ends: its ports are destroyed (queues dropped,
// channels broken) and its messages queued at ports of no request dropped.
func (s *state) end(ctx *realm.Context, reg *registry) {
	ports := reg.ports
	reg.ports = nil
	for _, p := range ports {
		p.regIdx = -1
	}
	for _, p := range ports {
		p.destroy(ctx)
	}
	foreign := reg.foreign
	reg.foreign = nil
	for p := range foreign {
		p.dropMessagesOf(ctx)
	}
}

// dropMessagesOf drops the messages in p's queue that belong to ctx.
func (p *MessagePort) dropMessagesOf(ctx *realm.Context) {
	if len(p.queue) == 0 {
		return
	}
	var dropped []*message
	kept := p.queue[:0]
	for _, m := range p.queue {
		mc := m.ctx
		if !m.scheduled {
			mc = p.deliveryContext(m, nil)
		}
		if mc == ctx {
			dropped = append(dropped, m)
			continue
		}
		kept = append(kept, m)
	}
	clear(p.queue[len(kept):])
	p.queue = kept
	if len(kept) == 0 {
		p.queue = nil
	}
	for _, m := range dropped {
		m.port = nil
		m.discard(ctx)
	}
}

func thisPort(s *state, call goja.FunctionCall) *MessagePort {
	return realm.ThisBound[*MessagePort](s.r, call, "MessagePort")
}

func installPort(s *state) *realm.Class {
	r := s.r
	c := r.NewClass("MessagePort", 0, nil, dom.EventTargetClass(r))
	c.Method("postMessage", 1, func(call goja.FunctionCall) goja.Value {
		p := thisPort(s, call)
		r.RequireArgs(len(call.Arguments), 1, "MessagePort", "postMessage")
		s.postMessage(p, call.Argument(0), s.transferArg(call.Argument(1)))
		return goja.Undefined()
	})
	c.Method("start", 0, func(call goja.FunctionCall) goja.Value {
		thisPort(s, call).start()
		return goja.Undefined()
	})
	c.Method("close", 0, func(call goja.FunctionCall) goja.Value {
		thisPort(s, call).close(r.Current())
		return goja.Undefined()
	})
	// Setting onmessage enables the port message queue, as start() does.
	c.Accessor("onmessage", func(call goja.FunctionCall) goja.Value {
		p := realm.This[*MessagePort](r, call, "MessagePort")
		if v := p.EventHandler("message"); v != nil {
			return v
		}
		return goja.Null()
	}, func(call goja.FunctionCall) goja.Value {
		p := thisPort(s, call)
		v, _ := call.Argument(0).(*goja.Object)
		p.SetEventHandler("message", v)
		p.start()
		return goja.Undefined()
	})
	dom.DefineEventHandler[*MessagePort](r, c, "messageerror")
	dom.DefineEventHandler[*MessagePort](r, c, "close")
	return c
}

// transferArg converts the second argument of postMessage, the overload
// (sequence<object> transfer) or (optional StructuredSerializeOptions
// options = {}), to the transfer list.
func (s *state) transferArg(v goja.Value) []goja.Value {
	r := s.r
	const w = "Failed to execute 'postMessage' on 'MessagePort'"
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(w + ": The provided value is not of type '(sequence<object> or StructuredSerializeOptions)'."))
	}
	// WebIDL overload resolution: an object with @@iterator is the
	// sequence, any other object the dictionary.
	switch m := o.GetSymbol(goja.SymIterator); {
	case m == nil || goja.IsUndefined(m) || goja.IsNull(m):
	default:
		if _, callable := goja.AssertFunction(m); !callable {
			panic(r.NewTypeError(w + ": The object's @@iterator property is not callable."))
		}
		return structuredclone.TransferList(r, o, w+": parameter 2")
	}
	tv := o.Get("transfer")
	if tv == nil || goja.IsUndefined(tv) {
		return nil
	}
	return structuredclone.TransferList(r, tv, w+": Failed to read the 'transfer' property from 'StructuredSerializeOptions'")
}

// postMessage runs the message port post message steps.
func (s *state) postMessage(p *MessagePort, msg goja.Value, transfer []goja.Value) {
	r := s.r
	target := p.other
	doomed := false
	for i, v := range transfer {
		if v == goja.Value(p.obj) {
			dom.Throw(r, "DataCloneError", "Failed to execute 'postMessage' on 'MessagePort': "+
				"the transfer list contains the source port (at index "+strconv.Itoa(i)+"); a port cannot transfer itself.")
		}
		if target != nil && v == goja.Value(target.obj) {
			// The target port is posted to itself: the message and the
			// channel are lost.
			doomed = true
		}
	}
	data, err := structuredclone.Clone(r, msg, transfer)
	if err != nil {
		panic(err)
	}
	m := &message{from: r.Current(), data: data}
	for _, v := range transfer {
		if tp, ok := PortFrom(v); ok && tp.movedTo != nil {
			m.ports = append(m.ports, tp.movedTo)
		}
	}
	if target == nil || doomed {
		m.discard(m.from)
		return
	}
	target.enqueue(m)
}

// MessageChannel is the Go side of an HTML MessageChannel.
type MessageChannel struct {
	realm.Host
	port1, port2 *MessagePort
}

// Ports returns the channel's two ports.
func (c *MessageChannel) Ports() (port1, port2 *MessagePort) { return c.port1, c.port2 }

// NewChannel makes a MessageChannel's pair of entangled ports from Go,
// bound to the current request.
func NewChannel(r *realm.Realm) (port1, port2 *MessagePort) {
	s := getState(r)
	port1, port2 = s.newPort(true), s.newPort(true)
	if !port1.dead && !port2.dead {
		entangle(port1, port2)
	}
	return port1, port2
}

func installChannel(s *state) *realm.Class {
	r := s.r
	var c *realm.Class
	c = r.NewClass("MessageChannel", 0, func(call goja.ConstructorCall) *goja.Object {
		ch := &MessageChannel{}
		ch.Bind(r)
		ch.port1, ch.port2 = NewChannel(r)
		return c.WrapFor(call, ch)
	}, nil)
	this := func(call goja.FunctionCall) *MessageChannel {
		return realm.This[*MessageChannel](r, call, "MessageChannel")
	}
	c.Getter("port1", func(call goja.FunctionCall) goja.Value { return this(call).port1.obj })
	c.Getter("port2", func(call goja.FunctionCall) goja.Value { return this(call).port2.obj })
	return c
}
