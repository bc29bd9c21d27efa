package streams_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadableDefaultHappyPath(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const rs = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } });
	  assert(rs.locked === false, 'unlocked');
	  const out = await collect(rs);
	  assert(rs.locked === true, 'locked by reader');
	  return out.join(',');`)
	require.Equal(t, "a,b", got)
}

func TestReadableBackpressureAndPullCounts(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let pulls = 0, ctrl;
	  const rs = new ReadableStream({
	    start(c) { ctrl = c; },
	    pull(c) { pulls++; c.enqueue(pulls); },
	  }, { highWaterMark: 3 });
	  const before = [pulls, ctrl.desiredSize];
	  await flush();
	  const filled = [pulls, ctrl.desiredSize];
	  const r = rs.getReader();
	  const a = await r.read();
	  await flush();
	  return [...before, ...filled, a.value, pulls, ctrl.desiredSize].join(',');`)
	// Before start settles nothing is pulled; the queue then fills to the
	// high-water mark (3 pulls); one read makes room for exactly one more.
	require.Equal(t, "0,3,3,0,1,4,0", got)
}

func TestReadableHighWaterMarkZeroPullsOnlyOnRead(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let pulls = 0;
	  const rs = new ReadableStream({ pull(c) { pulls++; c.enqueue(pulls); } }, { highWaterMark: 0 });
	  await flush();
	  const p0 = pulls;
	  const r = rs.getReader();
	  await r.read(); await r.read();
	  await flush();
	  return [p0, pulls].join(',');`)
	require.Equal(t, "0,2", got)
}

func TestReadableSizeStrategy(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let ctrl;
	  new ReadableStream({ start(c) { ctrl = c; } }, new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
	  ctrl.enqueue(new Uint8Array(4));
	  const a = ctrl.desiredSize;
	  ctrl.enqueue(new Uint8Array(8));
	  return [a, ctrl.desiredSize].join(',');`)
	require.Equal(t, "6,-2", got)

	// The size function's result is converted with ToNumber.
	got = js(t, e, `
	  let ctrl;
	  new ReadableStream({ start(c) { ctrl = c; } }, { highWaterMark: 5, size() { return '2'; } });
	  ctrl.enqueue('x');
	  return ctrl.desiredSize;`)
	require.Equal(t, int64(3), got)

	r := jsErr(t, e, `
	  let ctrl;
	  const rs = new ReadableStream({ start(c) { ctrl = c; } }, { size() { return -1; } });
	  try { ctrl.enqueue('x'); } catch (e) { await rs.getReader().closed.catch(() => {}); throw e; }`)
	require.Equal(t, "RangeError", r.Name)
}

func TestReadableErrors(t *testing.T) {
	e := newEnv(t)
	cases := map[string]string{
		`new ReadableStream({ start() { throw new SyntaxError('boom'); } })`:          "SyntaxError",
		`new ReadableStream({}, { highWaterMark: -1 })`:                               "RangeError",
		`new ReadableStream({}, { highWaterMark: NaN })`:                              "RangeError",
		`new ReadableStream({ type: 'nope' })`:                                        "TypeError",
		`new ReadableStream({ type: 'bytes' }, { size() { return 1; } })`:             "RangeError",
		`new ReadableStream({ pull: 5 })`:                                             "TypeError",
		`new ReadableStream(null)`:                                                    "TypeError",
		`ReadableStream()`:                                                            "TypeError",
		`ReadableStream.prototype.getReader.call({})`:                                 "TypeError",
		`const rs = new ReadableStream(); rs.getReader(); rs.getReader()`:             "TypeError",
		`new ReadableStream().getReader({ mode: 'bytes' })`:                           "TypeError",
		`new ReadableStream().getReader({ mode: 'byob' })`:                            "TypeError",
		`new ReadableStreamDefaultController()`:                                       "TypeError",
		`new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 0 })`:             "TypeError",
		`let c; new ReadableStream({ start(x) { c = x; } }); c.close(); c.enqueue(1)`: "TypeError",
	}
	for src, name := range cases {
		r := e.Run(src)
		require.Equal(t, name, r.Name, "%s: %s", src, r.Err)
	}
	// Promise-returning members reject instead of throwing.
	r := jsErr(t, e, `await ReadableStream.prototype.cancel.call(1)`)
	require.Equal(t, "TypeError", r.Name)
	r = jsErr(t, e, `const rs = new ReadableStream(); rs.getReader(); await rs.cancel()`)
	require.Equal(t, "TypeError", r.Name)
	// A rejected pull errors the stream; reads reject with that reason.
	r = jsErr(t, e, `await new ReadableStream({ pull() { return Promise.reject(new RangeError('pull failed')); } }).getReader().read()`)
	require.Equal(t, "RangeError: pull failed", r.Err)
	// controller.error() rejects pending reads and closed.
	got := js(t, e, `
	  let c; const rs = new ReadableStream({ start(x) { c = x; } });
	  const r = rs.getReader();
	  const p = r.read();
	  c.error(new TypeError('bad'));
	  const results = await Promise.allSettled([p, r.closed]);
	  return results.map(x => x.status + ':' + x.reason.message).join(',');`)
	require.Equal(t, "rejected:bad,rejected:bad", got)
}

func TestReadableCancel(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let reason;
	  const rs = new ReadableStream({ start(c) { c.enqueue(1); }, cancel(r) { reason = r; } });
	  const r = rs.getReader();
	  const res = await r.cancel('why');
	  const read = await r.read();
	  await r.closed;
	  return [reason, res === undefined, read.done].join(',');`)
	require.Equal(t, "why,true,true", got)
}

func TestReadableReleaseLock(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const rs = new ReadableStream();
	  const r = rs.getReader();
	  const pending = r.read();
	  r.releaseLock();
	  const res = await Promise.allSettled([pending, r.closed]);
	  return [rs.locked, res[0].reason.name, res[1].reason.name].join(',');`)
	require.Equal(t, "false,TypeError,TypeError", got)
}

func TestByteStreamBYOB(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let n = 0;
	  const rs = new ReadableStream({
	    type: 'bytes',
	    pull(c) {
	      const v = c.byobRequest.view;
	      v[0] = ++n; v[1] = ++n;
	      c.byobRequest.respond(2);
	      if (n >= 6) c.close();
	    },
	  });
	  const r = rs.getReader({ mode: 'byob' });
	  assert(r instanceof ReadableStreamBYOBReader, 'byob reader');
	  const buf = new Uint8Array(8);
	  const { value } = await r.read(buf);
	  assert(buf.byteLength === 0, 'the view is transferred (detached)');
	  assert(value.buffer.byteLength === 8, 'same-size buffer comes back');
	  const { value: v2 } = await r.read(new Uint8Array(4), { min: 4 });
	  const last = await r.read(new Uint8Array(4));
	  return [Array.from(value).join(''), Array.from(v2).join(''), last.done, last.value.byteLength].join('|');`)
	require.Equal(t, "12|3456|true|0", got)
}

func TestByteStreamEnqueueAndDefaultReader(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let c;
	  const rs = new ReadableStream({ type: 'bytes', start(x) { c = x; } });
	  const chunk = new Uint8Array([1, 2, 3, 4, 5]);
	  c.enqueue(chunk);
	  assert(chunk.byteLength === 0, 'enqueue transfers the buffer');
	  assert(c.desiredSize === -5, 'desiredSize counts bytes: ' + c.desiredSize);
	  c.close();
	  // A BYOB read smaller than the queued chunk takes part of it.
	  const r = rs.getReader({ mode: 'byob' });
	  const a = await r.read(new Uint8Array(2));
	  const b = await r.read(new Uint16Array(2));
	  const d = await r.read(new Uint8Array(2));
	  return [Array.from(a.value).join(''), b.value.constructor.name, b.value.length, d.done].join('|');`)
	// After the first read 3 bytes remain: a Uint16Array read takes the 2
	// that make one element, and the last byte is still there for the next
	// read (so the stream is not done yet).
	require.Equal(t, "12|Uint16Array|1|false", got)

	got = js(t, e, `
	  const rs = new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 16,
	    pull(c) { const v = c.byobRequest.view; v[0] = 42; c.byobRequest.respond(1); c.close(); } });
	  const { value } = await rs.getReader().read();
	  return [value.length, value[0], value.buffer.byteLength].join(',');`)
	require.Equal(t, "1,42,16", got)
}

func TestByteStreamRespondErrors(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let req;
	  const rs = new ReadableStream({ type: 'bytes', pull(c) { req = c.byobRequest; } });
	  const r = rs.getReader({ mode: 'byob' });
	  r.read(new Uint8Array(4));
	  await flush();
	  const errs = [];
	  try { req.respond(5); } catch (e) { errs.push(e.name); }
	  try { req.respond(0); } catch (e) { errs.push(e.name); }
	  try { req.respondWithNewView(new Uint8Array(2)); } catch (e) { errs.push(e.name); }
	  return errs.join(',');`)
	require.Equal(t, "RangeError,TypeError,RangeError", got)
}

func TestTeeDefault(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let cancelReason;
	  const rs = new ReadableStream({ start(c) { c.enqueue('x'); c.enqueue('y'); c.close(); } });
	  const [a, b] = rs.tee();
	  const [ra, rb] = await Promise.all([collect(a), collect(b)]);
	  const src = new ReadableStream({ cancel(r) { cancelReason = r; } });
	  const [c1, c2] = src.tee();
	  const p1 = c1.cancel('r1');
	  await flush();
	  const before = cancelReason;
	  await c2.cancel('r2');
	  await p1;
	  return [ra.join(''), rb.join(''), before === undefined, JSON.stringify(cancelReason)].join('|');`)
	require.Equal(t, `xy|xy|true|["r1","r2"]`, got)
}

func TestTeeBytes(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const rs = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
	  const [a, b] = rs.tee();
	  const ra = a.getReader({ mode: 'byob' });
	  const x = await ra.read(new Uint8Array(8));
	  const y = await b.getReader().read();
	  x.value[0] = 9;
	  return [Array.from(x.value).join(''), Array.from(y.value).join(''), x.value.buffer !== y.value.buffer].join('|');`)
	require.Equal(t, "923|123|true", got)
}

func TestTeeErrorPropagates(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let c;
	  const rs = new ReadableStream({ start(x) { c = x; } });
	  const [a, b] = rs.tee();
	  c.error(new Error('oops'));
	  const res = await Promise.allSettled([a.getReader().closed, b.getReader().closed]);
	  return res.map(r => r.reason.message).join(',');`)
	require.Equal(t, "oops,oops", got)
}

func TestAsyncIterator(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  assert(ReadableStream.prototype[Symbol.asyncIterator] === ReadableStream.prototype.values, 'alias');
	  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
	  const it = rs[Symbol.asyncIterator]();
	  assert(it[Symbol.asyncIterator]() === it, 'iterator is async iterable');
	  const a = await it.next(), b = await it.next(), c = await it.next();
	  return [a.value, b.value, c.done, rs.locked].join(',');`)
	require.Equal(t, "1,2,true,false", got)

	// return() cancels the stream and releases the lock.
	got = js(t, e, `
	  let reason = 'not cancelled';
	  const rs = new ReadableStream({ pull(c) { c.enqueue('v'); }, cancel(r) { reason = r; } });
	  const it = rs.values();
	  await it.next();
	  const ret = await it.return('stop');
	  const after = await it.next();
	  return [reason, ret.value, ret.done, after.done, rs.locked].join(',');`)
	require.Equal(t, "stop,stop,true,true,false", got)

	// preventCancel keeps the stream alive.
	got = js(t, e, `
	  let cancelled = false;
	  const rs = new ReadableStream({ pull(c) { c.enqueue('v'); }, cancel() { cancelled = true; } });
	  const it = rs.values({ preventCancel: true });
	  await it.next();
	  await it.return();
	  const r = rs.getReader();
	  const { value } = await r.read();
	  return [cancelled, value].join(',');`)
	require.Equal(t, "false,v", got)

	// next() calls queue behind each other.
	got = js(t, e, `
	  let c;
	  const rs = new ReadableStream({ start(x) { c = x; } });
	  const it = rs.values();
	  const p1 = it.next(), p2 = it.next();
	  c.enqueue('a'); c.enqueue('b');
	  const [r1, r2] = await Promise.all([p1, p2]);
	  return r1.value + r2.value;`)
	require.Equal(t, "ab", got)
}

func TestReadableFrom(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const a = await collect(ReadableStream.from([1, 2, Promise.resolve(3)]));
	  let i = 0, returned;
	  const asyncIterable = { [Symbol.asyncIterator]() { return {
	    next() { i++; return Promise.resolve(i > 2 ? { done: true } : { value: 'v' + i, done: false }); },
	    return(r) { returned = r; return Promise.resolve({ done: true }); },
	  }; } };
	  const b = await collect(ReadableStream.from(asyncIterable));
	  const rs = ReadableStream.from({ [Symbol.asyncIterator]() { return { next() { return { value: 1, done: false }; }, return(r) { returned = r; return {}; } }; } });
	  await rs.cancel('bye');
	  return [a.join(''), b.join(''), returned].join('|');`)
	require.Equal(t, "123|v1v2|bye", got)
	r := e.Run(`ReadableStream.from(5)`)
	require.Equal(t, "TypeError", r.Name)
}

func TestInterfaceShape(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  void ReadableStream; // the first use replaces the lazy accessors
	  const d = Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream');
	  const m = Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'getReader');
	  const tag = Object.prototype.toString.call(new ReadableStream());
	  const wtag = Object.prototype.toString.call(new WritableStream().getWriter());
	  return [typeof d.value, d.writable, d.enumerable, m.enumerable, tag, wtag, ReadableStream.length, ReadableStream.prototype.pipeTo.length].join(',');`)
	require.Equal(t, "function,true,false,true,[object ReadableStream],[object WritableStreamDefaultWriter],0,1", got)
}

func TestLazyInstallAndOverride(t *testing.T) {
	e := newEnv(t)
	// Assigning a global before the first use keeps the assignment, and the
	// other globals still work.
	got := js(t, e, `
	  globalThis.CountQueuingStrategy = 'mine';
	  const rs = new ReadableStream();
	  return [CountQueuingStrategy, typeof rs.getReader].join(',');`)
	require.Equal(t, "mine,function", got)
}

func TestByteStreamReleaseWithPendingBYOBRead(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  let ctrl;
	  const rs = new ReadableStream({ type: 'bytes', pull(c) { ctrl = c; } });
	  const r = rs.getReader({ mode: 'byob' });
	  const p = r.read(new Uint8Array(4));
	  await flush();
	  const req = ctrl.byobRequest;
	  r.releaseLock();
	  const rejected = await p.then(() => 'ok', e => e.name);
	  // The source may still answer the detached request; the bytes go to
	  // the queue for the next reader.
	  req.view[0] = 7;
	  req.respond(1);
	  const { value } = await rs.getReader().read();
	  return [rejected, value.length, value[0], req.view === null].join(',');`)
	require.Equal(t, "TypeError,1,7,true", got)
}

func TestByteStreamCancelWithPendingBYOBRead(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const rs = new ReadableStream({ type: 'bytes' });
	  const r = rs.getReader({ mode: 'byob' });
	  const p = r.read(new Uint16Array(2));
	  await r.cancel('bye');
	  const res = await p;
	  return [res.done, res.value].join(',');`)
	require.Equal(t, "true,", got)
}

func TestPatchedGlobalsAreNotUsed(t *testing.T) {
	e := newEnv(t)
	got := js(t, e, `
	  const push = Array.prototype.push, shift = Array.prototype.shift, all = Promise.all;
	  const getReader = ReadableStream.prototype.getReader, getWriter = WritableStream.prototype.getWriter;
	  const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
	  const out = [];
	  const ws = new WritableStream({ write(c) { out[out.length] = c; } });
	  const src = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([5])); c.close(); } });
	  // Internal steps must not resolve promises with plain objects (which
	  // would consult Object.prototype.then) nor use patchable methods.
	  let intercepted = 0;
	  Object.prototype.then = function (resolve) { intercepted++; delete Object.prototype.then; resolve(this); };
	  Array.prototype.push = () => { throw new Error('push used'); };
	  Array.prototype.shift = () => { throw new Error('shift used'); };
	  Promise.all = () => { throw new Error('all used'); };
	  ReadableStream.prototype.getReader = () => { throw new Error('getReader used'); };
	  WritableStream.prototype.getWriter = () => { throw new Error('getWriter used'); };
	  let branches;
	  try {
	    branches = src.tee();
	    await rs.pipeTo(ws);
	    await branches[0].pipeTo(new WritableStream());
	  } finally {
	    delete Object.prototype.then;
	    Array.prototype.push = push; Array.prototype.shift = shift; Promise.all = all;
	    ReadableStream.prototype.getReader = getReader; WritableStream.prototype.getWriter = getWriter;
	  }
	  const b = await collect(branches[1]);
	  return [intercepted, out.join(''), b[0][0]].join(',');`)
	require.Equal(t, "0,12,5", got)
}
