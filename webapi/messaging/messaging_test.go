package messaging_test

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/fileapi"
	"github.com/workerhost/workerhost/webapi/messaging"
	"github.com/workerhost/workerhost/webapi/structuredclone"
	"github.com/workerhost/workerhost/webapi/timers"
)

var installers = []jstest.Installer{dom.Install, timers.Install, structuredclone.Install, fileapi.Install, messaging.Install}

func env(t *testing.T) *jstest.Env {
	t.Helper()
	return jstest.New(t, installers...)
}

// helpersJS: tick(ms) waits for a timer, so that every message task queued
// before has run.
const helpersJS = `const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
`

// mustJSON runs body as the body of an async function and returns the
// JSON of its result.
func mustJSON(t *testing.T, e *jstest.Env, body string) string {
	t.Helper()
	v := e.MustRun("(async () => { " + helpersJS + "return JSON.stringify(await (async () => {" + body + "})()); })()")
	s, ok := v.(string)
	require.True(t, ok, "script returned %T %v", v, v)
	return s
}

func TestInterfaces(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const c = new MessageChannel();
		const P = MessagePort.prototype;
		const d = (o, k) => Object.getOwnPropertyDescriptor(o, k);
		return [typeof MessageChannel, typeof MessagePort, typeof MessageEvent,
			c.port1 instanceof MessagePort, c.port2 instanceof EventTarget, c.port1 === c.port1, c.port1 !== c.port2,
			Object.prototype.toString.call(c), Object.prototype.toString.call(c.port1),
			c.port1.onmessage, c.port1.onmessageerror, c.port1.onclose,
			MessageChannel.length, MessagePort.length, MessageEvent.length, P.postMessage.length,
			P.start.length, P.close.length, MessageEvent.prototype.initMessageEvent.length,
			Object.getPrototypeOf(P) === EventTarget.prototype,
			Object.getPrototypeOf(MessageEvent.prototype) === Event.prototype,
			Object.keys(P), Object.keys(MessageChannel.prototype),
			Object.keys(MessageEvent.prototype),
			typeof d(P, "onmessage").set, typeof d(MessageChannel.prototype, "port1").set,
			d(globalThis, "MessageChannel").enumerable, d(globalThis, "MessagePort").writable];`)
	assert.JSONEq(t, `["function","function","function",true,true,true,true,
		"[object MessageChannel]","[object MessagePort]",null,null,null,
		0,0,1,1,0,0,1,true,true,
		["postMessage","start","close","onmessage","onmessageerror","onclose"],
		["port1","port2"],
		["data","origin","lastEventId","source","ports","initMessageEvent"],
		"function","undefined",false,true]`, got)

	assert.Contains(t, e.MustThrow("TypeError", `new MessagePort()`), "Illegal constructor")
	assert.Contains(t, e.MustThrow("TypeError", `MessageChannel()`), "Please use the 'new' operator")
	assert.Contains(t, e.MustThrow("TypeError", `MessagePort.prototype.start.call({})`), "Illegal invocation")
	assert.Contains(t, e.MustThrow("TypeError", `MessagePort.prototype.postMessage.call(new EventTarget(), 1)`), "Illegal invocation")
	assert.Contains(t, e.MustThrow("TypeError",
		`Object.getOwnPropertyDescriptor(MessageChannel.prototype, "port1").get.call({})`), "Illegal invocation")
	assert.Contains(t, e.MustThrow("TypeError",
		`Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data").get.call(new Event("x"))`), "Illegal invocation")
	// Subclassing works (new.target).
	assert.Equal(t, true, e.MustRun(`class C extends MessageChannel {}; const c = new C(); c instanceof C && c.port1 instanceof MessagePort`))
}

func TestPostMessageDelivers(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const seen = [];
		const done = new Promise((r) => port2.onmessage = (e) => { seen.push(e); if (seen.length === 3) r(); });
		const obj = {a: [1, 2], d: new Date(0)};
		port1.postMessage(obj);
		obj.a.push(3); // after postMessage: not seen by the receiver
		port1.postMessage("two");
		port1.postMessage(undefined);
		const sync = seen.length;
		await Promise.resolve();
		const afterMicrotask = seen.length;
		await done;
		const e = seen[0];
		return [sync, afterMicrotask, e.data, e.data === obj, e.data.d instanceof Date, seen[1].data, seen[2].data === undefined,
			e.type, e.origin, e.lastEventId, e.source, e.ports, Object.isFrozen(e.ports), e.ports === e.ports,
			e.isTrusted, e.bubbles, e.cancelable, e.composed, e.target === port2, e instanceof MessageEvent,
			e.eventPhase, e.currentTarget, e.defaultPrevented];`)
	assert.JSONEq(t, `[0,0,{"a":[1,2],"d":"1970-01-01T00:00:00.000Z"},false,true,"two",true,
		"message","","",null,[],true,true,true,false,false,false,true,true,0,null,false]`, got)
}

func TestBothDirectionsAndOrder(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const log = [];
		port2.onmessage = (e) => { log.push("2 got " + e.data); port2.postMessage(e.data * 10); };
		port1.onmessage = (e) => log.push("1 got " + e.data);
		for (let i = 1; i <= 3; i++) port1.postMessage(i);
		await tick(20);
		return log;`)
	assert.JSONEq(t, `["2 got 1","2 got 2","2 got 3","1 got 10","1 got 20","1 got 30"]`, got)
}

func TestEachMessageIsATask(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const log = [];
		port2.onmessage = (e) => {
			log.push("message " + e.data);
			Promise.resolve().then(() => log.push("microtask after " + e.data));
		};
		port1.postMessage(1);
		port1.postMessage(2);
		Promise.resolve().then(() => log.push("microtask"));
		await tick(10);
		return log;`)
	assert.JSONEq(t, `["microtask","message 1","microtask after 1","message 2","microtask after 2"]`, got)
}

func TestQueueDisabledUntilStarted(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const log = [];
		port2.addEventListener("message", (e) => log.push(e.data));
		port1.postMessage(1);
		port1.postMessage(2);
		await tick(10);
		const beforeStart = log.slice();
		port2.start();
		port2.start(); // idempotent
		port1.postMessage(3);
		await tick(10);

		// Setting onmessage starts the queue; addEventListener does not.
		const c = new MessageChannel();
		const log2 = [];
		c.port2.addEventListener("message", (e) => log2.push("listener " + e.data));
		c.port1.postMessage("a");
		await tick(10);
		const beforeHandler = log2.slice();
		c.port2.onmessage = (e) => log2.push("handler " + e.data);
		await tick(10);
		return [beforeStart, log, beforeHandler, log2];`)
	assert.JSONEq(t, `[[],[1,2,3],[],["listener a","handler a"]]`, got)
}

func TestHandlerAndListenerDetails(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const log = [];
		const f = (e) => log.push("handler " + e.data);
		port2.onmessage = f;
		const same = port2.onmessage === f;
		port2.addEventListener("message", { handleEvent(e) { log.push("object " + e.data); } });
		port1.postMessage(1);
		await tick(10);
		port2.onmessage = null; // the queue stays enabled
		port1.postMessage(2);
		await tick(10);
		// A script-dispatched MessageEvent reaches the same listeners, untrusted.
		port2.onmessage = (e) => log.push("script " + e.data + " " + e.isTrusted);
		port2.dispatchEvent(new MessageEvent("message", {data: 3}));
		port2.onmessage = 5; // not an object: null
		return [same, log, port2.onmessage];`)
	assert.JSONEq(t, `[true,["handler 1","object 1","object 2","object 3","script 3 false"],null]`, got)
}

func TestListenerExceptionsAreReported(t *testing.T) {
	buf := &jstest.LogBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	e := env(t)
	slog.SetDefault(prev)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const log = [];
		port2.onmessage = (e) => { log.push(e.data); if (e.data === 1) throw new RangeError("listener failed"); };
		port1.postMessage(1);
		port1.postMessage(2);
		await tick(10);
		return log;`)
	assert.JSONEq(t, `[1,2]`, got)
	assert.Contains(t, buf.String(), "Uncaught RangeError: listener failed")
}

func TestCloneErrors(t *testing.T) {
	e := env(t)
	setup := `const {port1, port2} = new MessageChannel(); `
	cases := []struct{ src, name, msg string }{
		{`port1.postMessage()`, "TypeError", "Failed to execute 'postMessage' on 'MessagePort': 1 argument required, but only 0 present."},
		{`port1.postMessage(() => 1)`, "DataCloneError", "could not be cloned"},
		{`port1.postMessage({ s: Symbol("x") })`, "DataCloneError", "could not be cloned"},
		{`port1.postMessage(new WeakMap())`, "DataCloneError", "#<WeakMap> could not be cloned"},
		{`port1.postMessage(port2)`, "DataCloneError", "#<MessagePort> could not be cloned"},
		{`port1.postMessage({ get x() { throw new RangeError("getter") } })`, "RangeError", "getter"},
		{`port1.postMessage(1, 5)`, "TypeError", "is not of type '(sequence<object> or StructuredSerializeOptions)'"},
		{`port1.postMessage(1, "abc")`, "TypeError", "is not of type"},
		{`port1.postMessage(1, { [Symbol.iterator]: 5 })`, "TypeError", "@@iterator property is not callable"},
		{`port1.postMessage(1, { transfer: 5 })`, "TypeError", "Failed to read the 'transfer' property from 'StructuredSerializeOptions' is not iterable"},
		{`port1.postMessage(1, [1])`, "TypeError", "must contain only objects"},
		{`port1.postMessage(1, [{}])`, "DataCloneError", "value at index 0 of the transfer list is not an ArrayBuffer or a MessagePort"},
		{`port1.postMessage(1, [new Blob([])])`, "DataCloneError", "is not an ArrayBuffer or a MessagePort"},
		{`port1.postMessage(1, [new Uint8Array(2)])`, "DataCloneError", "is not an ArrayBuffer or a MessagePort"},
		{`{ const b = new ArrayBuffer(1); port1.postMessage(1, [b, b]) }`, "DataCloneError", "ArrayBuffer at index 1 of the transfer list is listed more than once"},
		{`{ const b = new ArrayBuffer(1); port1.postMessage(1, [b]); port1.postMessage(1, [b]) }`, "DataCloneError", "ArrayBuffer at index 0 of the transfer list is already detached"},
		{`port1.postMessage(1, [port1])`, "DataCloneError", "the transfer list contains the source port (at index 0)"},
		{`port1.postMessage(1, { transfer: [new ArrayBuffer(1), port1] })`, "DataCloneError", "source port (at index 1)"},
		{`{ const c = new MessageChannel(); port1.postMessage(1, [c.port1, c.port1]) }`, "DataCloneError", "MessagePort at index 1 of the transfer list is listed more than once"},
		{`{ const c = new MessageChannel(); c.port1.close(); port1.postMessage(1, [c.port1]) }`, "DataCloneError", "MessagePort at index 0 of the transfer list is detached (already transferred or closed)"},
		{`{ const c = new MessageChannel(); port1.postMessage(1, [c.port1]); port1.postMessage(1, [c.port1]) }`, "DataCloneError", "MessagePort at index 0 of the transfer list is detached"},
	}
	for _, c := range cases {
		msg := e.MustThrow(c.name, "{ "+setup+c.src+" }")
		assert.Contains(t, msg, c.msg, c.src)
	}
	// A failed postMessage sends nothing and transfers nothing.
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const c = new MessageChannel();
		const log = [];
		port2.onmessage = (e) => log.push(e.data);
		const buf = new ArrayBuffer(4);
		try { port1.postMessage({ buf, f() {} }, [buf, c.port1]); } catch (e) { log.push(e.name); }
		port1.postMessage("ok");
		await tick(10);
		// c.port1 was not transferred: it still talks to c.port2.
		const got = new Promise((r) => c.port2.onmessage = (e) => r(e.data));
		c.port1.postMessage("still entangled");
		return [log, buf.byteLength, await got];`)
	assert.JSONEq(t, `[["DataCloneError","ok"],4,"still entangled"]`, got)
}

func TestTransferArrayBuffer(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const seen = [];
		const done = new Promise((r) => port2.onmessage = (e) => { seen.push(e.data); if (seen.length === 2) r(); });
		const buf = new Uint8Array([1, 2, 3]).buffer;
		port1.postMessage({ buf, view: new Uint8Array(buf, 1) }, [buf]);
		const afterFirst = buf.byteLength;
		const buf2 = new Uint8Array([9]).buffer;
		port1.postMessage(buf2, { transfer: new Set([buf2]) });
		await done;
		const [m1, m2] = seen;
		return [afterFirst, buf2.byteLength, Array.from(new Uint8Array(m1.buf)), Array.from(m1.view),
			m1.view.buffer === m1.buf, Array.from(new Uint8Array(m2))];`)
	assert.JSONEq(t, `[0,0,[1,2,3],[2,3],true,[9]]`, got)
}

func TestTransferPort(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const a = new MessageChannel(), b = new MessageChannel();
		const got = new Promise((r) => a.port2.onmessage = r);
		a.port1.postMessage({ port: b.port2, n: 1 }, [b.port2]);
		const ev = await got;
		const np = ev.ports[0];
		const shape = [ev.ports.length, np instanceof MessagePort, np === ev.data.port, np !== b.port2,
			Object.isFrozen(ev.ports)];

		// The new port is entangled with b.port1, in both directions.
		const atPort1 = new Promise((r) => b.port1.onmessage = (e) => r(e.data));
		np.postMessage("from the new port");
		const atNew = new Promise((r) => np.onmessage = (e) => r(e.data));
		b.port1.postMessage("to the new port");

		// The original is detached: what it posts goes nowhere, and it
		// cannot be transferred again.
		b.port2.postMessage("lost");
		let again;
		try { a.port1.postMessage(null, [b.port2]); } catch (e) { again = e.name; }
		return [shape, await atPort1, await atNew, again];`)
	assert.JSONEq(t, `[[1,true,true,true,true],"from the new port","to the new port","DataCloneError"]`, got)
}

func TestTransferMovesQueuedMessages(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const a = new MessageChannel(), b = new MessageChannel();
		b.port1.postMessage("queued 1");
		b.port2.start(); // enabled: its delivery tasks are queued ...
		b.port1.postMessage("queued 2");
		const got = new Promise((r) => a.port2.onmessage = r);
		a.port1.postMessage(null, [b.port2]); // ... but the queue moves before they run
		let oldPortGot = 0;
		b.port2.onmessage = () => oldPortGot++;
		const np = (await got).ports[0];
		b.port1.postMessage("after");
		const log = [];
		np.addEventListener("message", (e) => log.push(e.data));
		await tick(10);
		const beforeStart = log.length; // the new port's queue starts disabled
		np.start();
		await tick(10);
		return [oldPortGot, beforeStart, log];`)
	assert.JSONEq(t, `[0,0,["queued 1","queued 2","after"]]`, got)
}

func TestTransferTargetPortLosesTheChannel(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		let got = 0;
		port2.onmessage = () => got++;
		const closed = new Promise((r) => port1.onclose = (e) => r(e.type + " " + e.isTrusted));
		port1.postMessage("doomed", [port2]);
		const closeEvent = await closed;
		port1.postMessage("nobody listens");
		port2.postMessage("detached");
		await tick(10);
		return [got, closeEvent];`)
	assert.JSONEq(t, `[0,"close true"]`, got)
}

func TestClose(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const results = {};
		{ // A message sent to a closed port does not arrive.
			const c = new MessageChannel();
			let n = 0;
			c.port1.onmessage = () => n++;
			c.port1.close();
			c.port2.postMessage("x");
			await tick(10);
			results.toClosed = n;
		}
		{ // Nor one sent from a closed port.
			const c = new MessageChannel();
			let n = 0;
			c.port1.onmessage = () => n++;
			c.port2.close();
			c.port2.postMessage("x");
			await tick(10);
			results.fromClosed = n;
		}
		{ // Messages in flight arrive even when the sender closes afterwards.
			const c = new MessageChannel();
			const got = new Promise((r) => c.port1.onmessage = (e) => r(e.data));
			c.port2.postMessage("in flight");
			c.port2.close();
			results.inFlight = await got;
		}
		{ // Closing in onmessage does not cancel the messages already queued.
			const c = new MessageChannel();
			const log = [];
			c.port1.onmessage = (e) => { log.push(e.data); c.port1.close(); };
			c.port2.postMessage("first");
			c.port2.postMessage("second");
			await tick(10);
			c.port2.postMessage("after close");
			await tick(10);
			results.closeInHandler = log;
		}
		{ // close fires "close" at the other port only, as a task; twice is harmless.
			const c = new MessageChannel();
			const log = [];
			c.port1.onclose = (e) => log.push("port1 " + e.type + " " + e.isTrusted + " " + (e.target === c.port1));
			c.port2.addEventListener("close", () => log.push("port2"));
			c.port1.close();
			c.port1.close();
			c.port2.close();
			log.push("sync");
			await tick(10);
			results.closeEvent = log;
		}
		{ // A closed port cannot be transferred, by postMessage or structuredClone.
			const c = new MessageChannel();
			c.port1.close();
			try { structuredClone(c.port1, { transfer: [c.port1] }); } catch (e) { results.transferClosed = e.name; }
		}
		return results;`)
	assert.JSONEq(t, `{"toClosed":0,"fromClosed":0,"inFlight":"in flight",
		"closeInHandler":["first","second"],
		"closeEvent":["sync","port2"],
		"transferClosed":"DataCloneError"}`, got)
}

func TestStructuredCloneTransfersPorts(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const copy = structuredClone(port2, [port2].length ? { transfer: [port2] } : undefined);
		const msg = new Promise((r) => port1.onmessage = (e) => r(e.data));
		copy.postMessage("ohai");
		const out = [copy instanceof MessagePort, copy !== port2, await msg];
		// The interface object is not needed to make the clone.
		const c = new MessageChannel();
		const MP = globalThis.MessagePort;
		delete globalThis.MessagePort;
		try {
			out.push(structuredClone(c.port1, { transfer: [c.port1] }) instanceof MP);
		} finally {
			globalThis.MessagePort = MP;
		}
		// Nested, and with an ArrayBuffer.
		const d = new MessageChannel(), buf = new ArrayBuffer(3);
		const v = structuredClone({ list: [d.port1, d.port1], buf }, { transfer: [buf, d.port1] });
		out.push(v.list[0] === v.list[1], v.list[0] instanceof MessagePort, buf.byteLength, v.buf.byteLength);
		for (const src of [port2, c.port1]) {
			try { structuredClone(src, { transfer: [src] }); } catch (e) { out.push(e.name); }
		}
		try { structuredClone(new MessageChannel().port1); } catch (e) { out.push(e.name); }
		return out;`)
	assert.JSONEq(t, `[true,true,"ohai",true,true,true,0,3,"DataCloneError","DataCloneError","DataCloneError"]`, got)
}

func TestPortsAsBlobParts(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const c = new MessageChannel(), c2 = new MessageChannel();
		const got = new Promise((r) => c.port2.onmessage = r);
		c.port1.postMessage("", [c2.port1]);
		const ev = await got;
		return [new Blob(ev.ports).size, await new Blob(ev.ports).text()];`)
	assert.JSONEq(t, `[20,"[object MessagePort]"]`, got)
}

func TestMessageData(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const {port1, port2} = new MessageChannel();
		const got = new Promise((r) => port2.onmessage = (e) => r(e.data));
		const self = { name: "cycle" };
		self.self = self;
		port1.postMessage({
			blob: new Blob(["hi"], { type: "text/plain" }),
			file: new File(["x"], "f.txt"),
			err: new TypeError("t"),
			dom: new DOMException("m", "AbortError"),
			map: new Map([[1, "one"]]),
			self,
			big: 10n,
		});
		const d = await got;
		return [await d.blob.text(), d.blob.type, d.file.name, d.err instanceof TypeError, d.err.message,
			d.dom instanceof DOMException, d.dom.name, d.map.get(1), d.self.self === d.self, String(d.big)];`)
	assert.JSONEq(t, `["hi","text/plain","f.txt",true,"t",true,"AbortError","one",true,"10"]`, got)
}

func TestMessageEventConstructor(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const p = new MessageChannel().port1;
		const d = new MessageEvent("m");
		const ev = new MessageEvent("x", { data: { a: 1 }, origin: "https://o.example", lastEventId: "7",
			source: p, ports: [p], bubbles: true, cancelable: true, composed: true });
		const order = [];
		new MessageEvent("x", new Proxy({}, { get(t, k) { order.push(k); return undefined; } }));
		return [d.type, d.data, d.origin, d.lastEventId, d.source, d.ports, Object.isFrozen(d.ports), d.ports === d.ports,
			d.isTrusted, d.bubbles, d instanceof Event,
			ev.data.a, ev.origin, ev.lastEventId, ev.source === p, ev.ports[0] === p, ev.ports.length, Object.isFrozen(ev.ports),
			ev.bubbles, ev.cancelable, ev.composed,
			new MessageEvent("u", { data: undefined }).data, new MessageEvent("z", { data: 0 }).data,
			new MessageEvent(undefined).type, new MessageEvent("n", null).data,
			new MessageEvent("o", { origin: "\uD800x" }).origin === "\uFFFDx",
			new MessageEvent("l", { lastEventId: "\uD800" }).lastEventId === "\uD800",
			new MessageEvent("s", { ports: new Set([p]) }).ports.length,
			new MessageEvent("n", { source: null }).source,
			new MessageEvent("t", { origin: 5, lastEventId: { toString() { return "obj"; } } }).lastEventId,
			order];`)
	assert.JSONEq(t, `["m",null,"","",null,[],true,true,false,false,true,
		1,"https://o.example","7",true,true,1,true,true,true,true,
		null,0,"undefined",null,true,true,1,null,"obj",
		["bubbles","cancelable","composed","data","lastEventId","origin","ports","source"]]`, got)

	cases := []struct{ src, msg string }{
		{`new MessageEvent()`, "Failed to construct 'MessageEvent': 1 argument required, but only 0 present."},
		{`MessageEvent("x")`, "Please use the 'new' operator"},
		{`new MessageEvent("x", 5)`, "The provided value is not of type 'MessageEventInit'"},
		{`new MessageEvent(Symbol())`, "Cannot convert a Symbol value to a string"},
		{`new MessageEvent("x", { ports: 5 })`, "Failed to read the 'ports' property from 'MessageEventInit': The provided value cannot be converted to a sequence."},
		{`new MessageEvent("x", { ports: {} })`, "not iterable"},
		{`new MessageEvent("x", { ports: [{}] })`, "Failed to convert value to 'MessagePort'"},
		{`new MessageEvent("x", { source: {} })`, "Failed to read the 'source' property from 'MessageEventInit': The provided value is not of type '(MessagePort or ServiceWorker or WindowProxy)'."},
		{`new MessageEvent("x", { source: globalThis })`, "is not of type '(MessagePort"},
		{`new MessageEvent("x", { origin: Symbol() })`, "Cannot convert a Symbol value to a string"},
	}
	for _, c := range cases {
		assert.Contains(t, e.MustThrow("TypeError", c.src), c.msg, c.src)
	}
}

func TestInitMessageEvent(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const p = new MessageChannel().port1;
		const ev = new MessageEvent("a", { data: 1, ports: [p] });
		const before = ev.ports;
		ev.initMessageEvent("b", true, true, "d", "o", "id", p, [p, p]);
		const r1 = [ev.type, ev.bubbles, ev.cancelable, ev.data, ev.origin, ev.lastEventId, ev.source === p,
			ev.ports.length, ev.ports !== before, Object.isFrozen(ev.ports)];
		ev.initMessageEvent("c");
		const r2 = [ev.type, ev.bubbles, ev.data, ev.origin, ev.lastEventId, ev.source, ev.ports];
		// During dispatch it has no effect.
		const t = new EventTarget();
		let inside;
		t.addEventListener("c", (e) => { e.initMessageEvent("changed", false, false, "new"); inside = [e.type, e.data]; });
		t.dispatchEvent(ev);
		return [r1, r2, inside];`)
	assert.JSONEq(t, `[["b",true,true,"d","o","id",true,2,true,true],["c",false,null,"","",null,[]],["c",null]]`, got)
	assert.Contains(t, e.MustThrow("TypeError", `new MessageEvent("a").initMessageEvent()`),
		"Failed to execute 'initMessageEvent' on 'MessageEvent': 1 argument required, but only 0 present.")
	assert.Contains(t, e.MustThrow("TypeError", `new MessageEvent("a").initMessageEvent("b", false, false, null, "", "", {})`),
		"parameter 7")
	assert.Contains(t, e.MustThrow("TypeError", `new MessageEvent("a").initMessageEvent("b", false, false, null, "", "", null, [1])`),
		"Failed to convert value to 'MessagePort'")
}

func TestPortsOfOtherRequests(t *testing.T) {
	e := env(t)
	// Made by a request that has ended: unusable from another one.
	e.MustRun(`globalThis.old = new MessageChannel(); 1`)
	for _, src := range []string{
		`old.port1.postMessage(1)`,
		`old.port1.start()`,
		`old.port1.close()`,
		`old.port1.onmessage = () => {}`,
		`old.port1.onclose = () => {}`,
		`old.port1.addEventListener("message", () => {})`,
	} {
		assert.Contains(t, e.MustThrow("TypeError", src), "belongs to a different request", src)
	}
	// Reading is allowed; its request's end closed it, so it cannot be
	// transferred either.
	assert.Equal(t, true, e.MustRun(`old.port1.onmessage === null && old.port1 instanceof MessagePort`))
	e.MustThrow("DataCloneError", `new MessageChannel().port1.postMessage(null, [old.port2])`)
}
