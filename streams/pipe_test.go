package streams_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A chunk that reaches a waiting pipe through enqueue() is written from a
// microtask, not inside enqueue(); chunks the pipe takes from the queue are
// written at once. Every chunk read is still written, in order, before the
// close or abort that follows it.
func TestPipeToWritesOutsideEnqueue(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const log = [];
	  let con;
	  const rs = new ReadableStream({ start(c) { con = c; } }, { highWaterMark: 0 });
	  const ws = new WritableStream({ write(ch) { log.push('write ' + ch); }, close() { log.push('close'); } });
	  const p = rs.pipeTo(ws);
	  await flush();
	  log.push('enqueue a'); con.enqueue('a'); log.push('enqueued a');
	  await flush();
	  con.enqueue('b'); con.enqueue('c'); log.push('enqueued b c'); con.close();
	  await p;
	  return log.join(';');`)
	require.Equal(t, "enqueue a;enqueued a;write a;enqueued b c;write b;write c;close", got)

	// enqueue() then error(): the chunk read is written before the abort.
	got = js(t, e, `
	  const log = [];
	  let con;
	  const rs = new ReadableStream({ start(c) { con = c; } }, { highWaterMark: 0 });
	  const ws = new WritableStream({ write(ch) { log.push('write ' + ch); }, abort(r) { log.push('abort ' + r); } });
	  const p = rs.pipeTo(ws);
	  await flush();
	  con.enqueue('a'); con.error('boom');
	  log.push(await p.then(() => 'resolved', e => 'rejected ' + e));
	  return log.join(';');`)
	require.Equal(t, "write a;abort boom;rejected boom", got)

	// A pull() that enqueues inside the pipe's read: the sink still does
	// not run inside enqueue().
	got = js(t, e, `
	  let inEnqueue = false, nested = false, n = 0;
	  const rs = new ReadableStream({ pull(c) {
	    if (n === 3) { c.close(); return; }
	    inEnqueue = true; c.enqueue(n++); inEnqueue = false;
	  } }, { highWaterMark: 0 });
	  const out = [];
	  await rs.pipeTo(new WritableStream({ write(ch) { nested ||= inEnqueue; out.push(ch); } }));
	  return out.join('') + ',' + nested;`)
	require.Equal(t, "012,false", got)
}

// pipeTo's signal option is brand-checked (a forged AbortSignal rejects the
// promise and locks nothing), and the signal is watched through its Go side:
// patched AbortSignal/EventTarget members are not used.
func TestPipeToSignalBrandCheck(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const rs = new ReadableStream(), ws = new WritableStream();
	  const fake = Object.create(AbortSignal.prototype);
	  let p;
	  try { p = rs.pipeTo(ws, { signal: fake }); } catch (e) { return 'threw ' + e; }
	  const res = await p.then(() => 'ok', e => e.name);
	  let thrown = 'none';
	  try { rs.pipeThrough(new TransformStream(), { signal: fake }); } catch (e) { thrown = e.name; }
	  return [res, rs.locked, ws.locked, thrown].join(',');`)
	require.Equal(t, "TypeError,false,false,TypeError", got)

	// A signal of another request is refused the same way, as its own
	// members would refuse to be used.
	e.MustRun(`globalThis.foreign = new AbortController().signal; 1`)
	got = js(t, e, `
	  const rs = new ReadableStream();
	  const res = await rs.pipeTo(new WritableStream(), { signal: foreign }).then(() => 'ok', e => e.name + ': ' + e.message);
	  return [res.includes('different request'), res.slice(0, 9), rs.locked].join(',');`)
	require.Equal(t, "true,TypeError,false", got)

	e = newEnv(t)
	got = js(t, e, `
	  const ac = new AbortController();
	  const signal = ac.signal;
	  const boom = () => { throw new Error('patched member used'); };
	  EventTarget.prototype.addEventListener = boom;
	  EventTarget.prototype.removeEventListener = boom;
	  Object.defineProperty(AbortSignal.prototype, 'aborted', { get: boom });
	  Object.defineProperty(AbortSignal.prototype, 'reason', { get: boom });
	  let cancelReason, abortReason;
	  const rs = new ReadableStream({ pull(c) { c.enqueue('x'); }, cancel(r) { cancelReason = r; } }, { highWaterMark: 0 });
	  const ws = new WritableStream({ write() {}, abort(r) { abortReason = r; } });
	  const p = rs.pipeTo(ws, { signal });
	  await flush();
	  ac.abort('halt');
	  const res = await p.then(() => 'ok', e => e);
	  // An already aborted signal.
	  const ac2 = new AbortController();
	  ac2.abort('early');
	  const res2 = await new ReadableStream().pipeTo(new WritableStream(), { signal: ac2.signal }).then(() => 'ok', e => e);
	  // A finished pipe no longer watches its signal.
	  const ac3 = new AbortController();
	  const ws3 = new WritableStream();
	  await new ReadableStream({ start(c) { c.close(); } }).pipeTo(ws3, { signal: ac3.signal, preventClose: true });
	  ac3.abort('late');
	  await flush();
	  await ws3.getWriter().write(1);
	  return [res, cancelReason, abortReason, res2].join(',');`)
	require.Equal(t, "halt,halt,halt,early", got)
}
