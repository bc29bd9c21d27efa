package streams_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWritableHappyPathAndBackpressure(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const written = [];
	  let release;
	  const ws = new WritableStream({
	    write(chunk) { written.push(chunk); return new Promise(r => { release = r; }); },
	  }, { highWaterMark: 2 });
	  const w = ws.getWriter();
	  const sizes = [w.desiredSize];
	  const p1 = w.write('a');
	  sizes.push(w.desiredSize);
	  const p2 = w.write('b');
	  sizes.push(w.desiredSize);
	  let readyResolved = false;
	  w.ready.then(() => { readyResolved = true; });
	  await flush();
	  const readyBefore = readyResolved;
	  release();
	  await p1;
	  await flush();
	  release();
	  await p2;
	  await w.close();
	  await w.closed;
	  return [sizes.join('/'), readyBefore, readyResolved, written.join('')].join(',');`)
	require.Equal(t, "2/1/0,false,true,ab", got)
}

func TestWritableAbort(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let abortReason, release;
	  const ws = new WritableStream({
	    write() { return new Promise(r => { release = r; }); },
	    abort(r) { abortReason = r; },
	  });
	  const w = ws.getWriter();
	  const p1 = w.write(1);
	  const p2 = w.write(2);
	  await flush(); // the first write is now in flight
	  const ap = w.abort('stop');
	  await flush();
	  const abortedEarly = abortReason;
	  release();
	  const res = await Promise.allSettled([p1, p2, ap, w.closed]);
	  return [abortedEarly === undefined, abortReason, res.map(r => r.status + ':' + (r.reason ?? '')).join(';')].join('|');`)
	// The sink's abort waits for the in-flight write; queued writes reject.
	require.Equal(t, "true|stop|fulfilled:;rejected:stop;fulfilled:;rejected:stop", got)
}

func TestWritableSinkErrors(t *testing.T) {
	e := newEnv(t)
	r := jsErr(t, e, `
	  const ws = new WritableStream({ write() { throw new RangeError('sink broke'); } });
	  const w = ws.getWriter();
	  await w.write('x');`)
	require.Equal(t, "RangeError: sink broke", r.Err)
	got := js(t, e, `
	  let c;
	  const ws = new WritableStream({ start(x) { c = x; } });
	  const w = ws.getWriter();
	  c.error(new TypeError('errored by controller'));
	  const res = await Promise.allSettled([w.write('x'), w.closed, w.ready]);
	  const errs = [];
	  try { ws.getWriter(); } catch (e) { errs.push(e.name); }
	  w.releaseLock();
	  try { w.desiredSize; } catch (e) { errs.push(e.name); }
	  return [res.map(r => r.reason.message).join(';'), errs.join(';')].join('|');`)
	require.Equal(t, "errored by controller;errored by controller;errored by controller|TypeError;TypeError", got)
	for src, name := range map[string]string{
		`new WritableStream({ type: 'bytes' })`:                         "RangeError",
		`new WritableStream({ write: 1 })`:                              "TypeError",
		`new WritableStream({}, { size: 1 })`:                           "TypeError",
		`new WritableStreamDefaultWriter({})`:                           "TypeError",
		`WritableStream.prototype.getWriter.call(new ReadableStream())`: "TypeError",
	} {
		r := e.Run(src)
		require.Equal(t, name, r.Name, src)
	}
	r = jsErr(t, e, `const ws = new WritableStream(); const w = ws.getWriter(); await w.close(); await w.write(1)`)
	require.Equal(t, "TypeError", r.Name)
}

func TestWritableControllerSignal(t *testing.T) {
	e := newEnv(t)
	if !hasGlobal(e, "AbortController") {
		t.Skip("AbortController is not installed yet (webapi/dom)")
	}
	got := js(t, e, `
	  let signal, seen;
	  const ws = new WritableStream({ start(c) { signal = c.signal; signal.addEventListener('abort', () => { seen = signal.reason; }); } });
	  await ws.abort('why');
	  return [signal.aborted, seen].join(',');`)
	require.Equal(t, "true,why", got)
}

func TestTransformStream(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const ts = new TransformStream({
	    transform(chunk, c) { c.enqueue(chunk.toUpperCase()); c.enqueue('|'); },
	    flush(c) { c.enqueue('END'); },
	  });
	  const w = ts.writable.getWriter();
	  w.write('a'); w.write('b'); w.close();
	  return (await collect(ts.readable)).join('');`)
	require.Equal(t, "A|B|END", got)

	// Identity transform, terminate and error.
	got = js(t, e, `
	  const id = new TransformStream();
	  const w = id.writable.getWriter();
	  w.write(1); w.close();
	  const a = await collect(id.readable);
	  let ctrl;
	  const ts = new TransformStream({ start(c) { ctrl = c; } });
	  ctrl.terminate();
	  const b = await collect(ts.readable);
	  const res = await ts.writable.getWriter().write(1).then(() => 'ok', e => e.name);
	  const te = new TransformStream({ transform() { throw new SyntaxError('nope'); } });
	  const tw = te.writable.getWriter();
	  // The readable side's high-water mark is 0: a write is transformed
	  // only once somebody reads.
	  const [r1, r2] = await Promise.all([
	    tw.write(1).then(() => 'ok', e => e.name),
	    te.readable.getReader().read().then(() => 'ok', e => e.message)]);
	  return [a.join(''), b.length, res, r1, r2].join(',');`)
	require.Equal(t, "1,0,TypeError,SyntaxError,nope", got)
}

func TestTransformBackpressure(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let transforms = 0;
	  const ts = new TransformStream({ transform(ch, c) { transforms++; c.enqueue(ch); } }, undefined, { highWaterMark: 1 });
	  const w = ts.writable.getWriter();
	  w.write(1); w.write(2); w.write(3);
	  await flush();
	  const t0 = transforms, ds = w.desiredSize;
	  const r = ts.readable.getReader();
	  await r.read();
	  await flush();
	  return [t0, ds, transforms].join(',');`)
	// The readable side buffers one chunk, so only the first write is
	// transformed; the other two wait in the writable queue (desiredSize
	// 1-2); one read lets exactly one more transform run.
	require.Equal(t, "1,-1,2", got)
}

func TestTransformCancelPropagation(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let tcancel, scancel;
	  const src = new ReadableStream({ pull(c) { c.enqueue('x'); }, cancel(r) { scancel = r; } });
	  const ts = new TransformStream({ cancel(r) { tcancel = r; } });
	  const out = src.pipeThrough(ts).pipeThrough(new TransformStream());
	  const r = out.getReader();
	  await r.read();
	  await r.cancel('enough');
	  await flush(60);
	  return [tcancel, scancel].join(',');`)
	require.Equal(t, "enough,enough", got)
}

func TestPipeTo(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const out = [];
	  let closed = false;
	  const rs = new ReadableStream({ start(c) { for (let i = 0; i < 5; i++) c.enqueue(i); c.close(); } });
	  const ws = new WritableStream({ write(c) { out.push(c); }, close() { closed = true; } });
	  await rs.pipeTo(ws);
	  return [out.join(''), closed, rs.locked, ws.locked].join(',');`)
	require.Equal(t, "01234,true,false,false", got)

	got = js(t, e, `
	  let closed = false;
	  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } });
	  const ws = new WritableStream({ close() { closed = true; } });
	  await rs.pipeTo(ws, { preventClose: true });
	  const w = ws.getWriter();
	  await w.write(2);
	  return closed;`)
	require.Equal(t, false, got)
}

func TestPipeToErrorPropagation(t *testing.T) {
	e := newEnv(t)
	// Source error aborts the destination.
	got := js(t, e, `
	  let c, abortReason;
	  const rs = new ReadableStream({ start(x) { c = x; } });
	  const ws = new WritableStream({ abort(r) { abortReason = r; } });
	  const p = rs.pipeTo(ws);
	  c.error('src failed');
	  const res = await p.then(() => 'ok', e => e);
	  return [res, abortReason].join(',');`)
	require.Equal(t, "src failed,src failed", got)

	// Destination error cancels the source.
	got = js(t, e, `
	  let cancelReason;
	  const rs = new ReadableStream({ pull(c) { c.enqueue('x'); }, cancel(r) { cancelReason = r; } });
	  const ws = new WritableStream({ write() { throw 'dest failed'; } });
	  const res = await rs.pipeTo(ws).then(() => 'ok', e => e);
	  return [res, cancelReason].join(',');`)
	require.Equal(t, "dest failed,dest failed", got)

	// preventAbort / preventCancel.
	got = js(t, e, `
	  let aborted = false, cancelled = false;
	  const rs1 = new ReadableStream({ start(c) { c.error('e1'); } });
	  const ws1 = new WritableStream({ abort() { aborted = true; } });
	  const r1 = await rs1.pipeTo(ws1, { preventAbort: true }).then(() => 'ok', e => e);
	  const rs2 = new ReadableStream({ cancel() { cancelled = true; } });
	  const ws2 = new WritableStream({ start(c) { c.error('e2'); } });
	  const r2 = await rs2.pipeTo(ws2, { preventCancel: true }).then(() => 'ok', e => e);
	  return [r1, aborted, ws1.locked, r2, cancelled, rs2.locked].join(',');`)
	require.Equal(t, "e1,false,false,e2,false,false", got)

	// Locked streams and bad arguments reject.
	got = js(t, e, `
	  const rs = new ReadableStream(); rs.getReader();
	  const a = await rs.pipeTo(new WritableStream()).then(() => 'ok', e => e.name);
	  const b = await new ReadableStream().pipeTo({}).then(() => 'ok', e => e.name);
	  const c = await new ReadableStream().pipeTo(new WritableStream(), { signal: 1 }).then(() => 'ok', e => e.name);
	  return [a, b, c].join(',');`)
	require.Equal(t, "TypeError,TypeError,TypeError", got)
}

func TestPipeToSignal(t *testing.T) {
	e := newEnv(t)
	// The signal must be a real AbortSignal (pipeTo brand-checks it).
	require.True(t, hasGlobal(e, "AbortController"))
	e.RunInit(`globalThis.makeSignal = () => { const ac = new AbortController(); const s = ac.signal; s.abort = (r) => ac.abort(r); return s; };`)
	got := js(t, e, `
	  let cancelReason, abortReason;
	  const rs = new ReadableStream({ pull(c) { c.enqueue('x'); }, cancel(r) { cancelReason = r; } }, { highWaterMark: 0 });
	  const ws = new WritableStream({ write() {}, abort(r) { abortReason = r; } });
	  const signal = makeSignal();
	  const p = rs.pipeTo(ws, { signal });
	  await flush();
	  signal.abort('halt');
	  const res = await p.then(() => 'ok', e => e);
	  return [res, cancelReason, abortReason].join(',');`)
	require.Equal(t, "halt,halt,halt", got)
}

func TestQueuingStrategies(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const b = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
	  const c = new CountQueuingStrategy({ highWaterMark: 4 });
	  const b2 = new ByteLengthQueuingStrategy({ highWaterMark: 1 });
	  return [b.highWaterMark, b.size(new Uint8Array(5)), c.highWaterMark, c.size('x'),
	    b.size === b2.size, b.size.name, b.size.length].join(',');`)
	require.Equal(t, "16,5,4,1,true,size,1", got)
	for _, src := range []string{`new CountQueuingStrategy()`, `new CountQueuingStrategy({})`, `new ByteLengthQueuingStrategy(1)`} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
}
