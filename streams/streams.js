// WHATWG Streams Standard (https://streams.spec.whatwg.org/) for workerhost.
//
// This script is compiled once per process and run once per realm, lazily.
// It evaluates to a function taking the Go natives N and returning
// { globals, api }. Abstract operations follow the spec text and use its
// names; internal slots live on plain "record" objects (RStream, RReader, ...)
// that the public classes reach through a private field, so that script
// cannot see or forge them.
(function (N) {
'use strict';

const INTERNAL = {};
const ReflectApply = Reflect.apply;
const PromiseCtor = Promise;
const thenCall = Function.prototype.call.bind(Promise.prototype.then);
const promiseResolve = Promise.resolve.bind(Promise);
const promiseReject = Promise.reject.bind(Promise);
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ReflectOwnKeys = Reflect.ownKeys;
const ArrayBufferCtor = ArrayBuffer;
const Uint8ArrayCtor = Uint8Array;
// structuredClone (HTML) clones the chunks of a body's second branch when a
// Request or Response is cloned; captured now so script cannot patch it.
const structuredCloneFn = typeof structuredClone === 'function' ? structuredClone : undefined;
const DataViewCtor = DataView;
const isView = ArrayBuffer.isView;
const abSlice = Function.prototype.call.bind(ArrayBuffer.prototype.slice);
// Array methods are captured so that script patching Array.prototype cannot
// reach the internal lists.
const arraySlice = Function.prototype.call.bind(Array.prototype.slice);
const arrayShift = Function.prototype.call.bind(Array.prototype.shift);
function append(list, v) { list[list.length] = v; }
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const taTagGetter = Function.prototype.call.bind(ObjectGetOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get);
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolIterator = Symbol.iterator;
const NumberIsNaN = Number.isNaN;
const MathMin = Math.min;
const MathTrunc = Math.trunc;
const globalObj = globalThis;

const typedArrayInfo = {
  Int8Array: [Int8Array, 1], Uint8Array: [Uint8Array, 1], Uint8ClampedArray: [Uint8ClampedArray, 1],
  Int16Array: [Int16Array, 2], Uint16Array: [Uint16Array, 2], Int32Array: [Int32Array, 4],
  Uint32Array: [Uint32Array, 4], Float32Array: [Float32Array, 4], Float64Array: [Float64Array, 8],
  BigInt64Array: [BigInt64Array, 8], BigUint64Array: [BigUint64Array, 8],
};
if (typeof Float16Array === 'function') typedArrayInfo.Float16Array = [Float16Array, 2];

const noop = () => {};
const returnUndefined = () => undefined;
const RESOLVED = promiseResolve(undefined);

// ---------------------------------------------------------------- helpers

function isObject(x) { return (typeof x === 'object' && x !== null) || typeof x === 'function'; }
function resolved(v) { return promiseResolve(v); }
// WebIDL "a promise resolved with" v (and the conversion of a value to a
// Promise type): always a new promise, so a promise v is adopted through a
// then() job, two microtask ticks later, where Promise.resolve(v) would
// return v itself. The spec's reaction order depends on the difference.
function promiseResolvedWith(v) {
  if (!isObject(v)) return promiseResolve(v);
  return new PromiseCtor((res) => res(v));
}
function rejected(e) { return promiseReject(e); }
function upon(p, f, r) { return thenCall(p, f, r); }
function setHandled(p) { thenCall(p, undefined, noop); }
function queueMicrotaskJob(f) { thenCall(RESOLVED, f); }
function illegal(iface) { return new TypeError('Illegal invocation: the receiver is not a ' + iface); }

class Deferred {
  constructor() {
    this.settled = false;
    this.p = new PromiseCtor((res, rej) => { this.res = res; this.rej = rej; });
  }
  resolve(v) { if (!this.settled) { this.settled = true; this.res(v); } }
  reject(e) { if (!this.settled) { this.settled = true; this.rej(e); } }
}
function settledDeferred(p) {
  const d = Object.create(Deferred.prototype);
  d.settled = true; d.p = p; d.res = noop; d.rej = noop;
  return d;
}

// A FIFO with O(1) shift.
class Queue {
  constructor() { this.a = []; this.h = 0; }
  get length() { return this.a.length - this.h; }
  push(v) { this.a[this.a.length] = v; }
  peek() { return this.a[this.h]; }
  shift() {
    const a = this.a;
    const v = a[this.h];
    a[this.h++] = undefined;
    if (this.h === a.length) { a.length = 0; this.h = 0; }
    else if (this.h > 1024 && this.h * 2 > a.length) { this.a = arraySlice(a, this.h); this.h = 0; }
    return v;
  }
  drain() { const a = arraySlice(this.a, this.h); this.a = []; this.h = 0; return a; }
}

// WebIDL conversions.
function toDict(v, what) {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new TypeError(what + ' must be an object');
  return v;
}
function toCallback(v, what) {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new TypeError(what + ' must be a function');
  return v;
}
function toBoolean(v) { return !!v; }
function enforceRangeULL(v, what) {
  const x = +v;
  if (NumberIsNaN(x) || x === Infinity || x === -Infinity) throw new TypeError(what + ' must be a finite number');
  const t = MathTrunc(x);
  if (t < 0 || t > 9007199254740991) throw new TypeError(what + ' is outside the accepted range');
  return t === 0 ? 0 : t;
}

function toQueuingStrategy(v) {
  const d = toDict(v, 'The queuing strategy');
  const out = { highWaterMark: undefined, size: undefined };
  if (d === undefined) return out;
  const hwm = d.highWaterMark;
  if (hwm !== undefined) out.highWaterMark = +hwm;
  out.size = toCallback(d.size, 'The queuing strategy size');
  return out;
}
function extractHighWaterMark(strategy, def) {
  const hwm = strategy.highWaterMark;
  if (hwm === undefined) return def;
  if (NumberIsNaN(hwm) || hwm < 0) throw new RangeError('highWaterMark must be a non-negative number, got ' + hwm);
  return hwm;
}
const sizeOne = () => 1;
function extractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  // QueuingStrategySize returns an unrestricted double: ToNumber the result.
  return (chunk) => +ReflectApply(size, undefined, [chunk]);
}
// "invoke a callback function" that returns a promise: never throws.
function promiseCall(fn, thisArg, args) {
  try {
    return promiseResolvedWith(ReflectApply(fn, thisArg, args));
  } catch (e) {
    return rejected(e);
  }
}
function isNonNegativeNumber(v) {
  return typeof v === 'number' && !NumberIsNaN(v) && v >= 0;
}

function isDetached(ab) { return N.isDetached(ab); }
function transferArrayBuffer(ab) { return N.transfer(ab); }
function copyBytes(dst, dstOff, src, srcOff, n) { N.copy(dst, dstOff, src, srcOff, n); }
function cloneArrayBuffer(ab, off, len) { return abSlice(ab, off, off + len); }
function typedArrayName(v) { return taTagGetter(v); }

// ---------------------------------------------------------------- queue-with-sizes

function dequeueValue(c) {
  const pair = c.queue.shift();
  c.queueTotalSize -= pair.size;
  if (c.queueTotalSize < 0) c.queueTotalSize = 0;
  return pair.value;
}
function enqueueValueWithSize(c, value, size) {
  if (!isNonNegativeNumber(size)) throw new RangeError('The chunk size must be a non-negative number');
  if (size === Infinity) throw new RangeError('The chunk size must be finite');
  c.queue.push({ value, size });
  c.queueTotalSize += size;
}
function peekQueueValue(c) { return c.queue.peek().value; }
function resetQueue(c) { c.queue = new Queue(); c.queueTotalSize = 0; }

// ================================================================ ReadableStream

class RStream {
  constructor() {
    this.state = 'readable';
    this.reader = undefined;
    this.storedError = undefined;
    this.disturbed = false;
    this.controller = undefined;
    this.pub = undefined;
    this.go = undefined;
    this.lazy = false;
  }
}

// LazyGo stands in for the RStream of a Go-fed byte stream until script
// first touches the stream: most fetched bodies are only handed back to Go
// (new Response(upstream.body)), and building the controller, its promises
// and closures would cost more than the rest of such a request's JS.
// takeGo on an untouched stream only marks it taken; any other use
// materializes the real RStream (locked and disturbed if taken).
class LazyGo {
  constructor(token, pull, cancel) {
    this.lazy = true;
    this.token = token;
    this.pull = pull;
    this.cancel = cancel;
    this.taken = false;
    this.pub = undefined;
  }
}

function materializeGo(lz) {
  const pull = lz.pull, cancel = lz.cancel;
  const s = createReadableByteStream(returnUndefined, () => pull(s.controller), (reason) => { cancel(reason); return RESOLVED; });
  s.go = lz.token;
  s.pub = lz.pub;
  if (lz.taken) {
    acquireReadableStreamDefaultReader(s);
    s.disturbed = true;
    readableByteStreamControllerClearAlgorithms(s.controller);
  }
  return s;
}

class RReader {
  constructor(byob) {
    this.byob = byob;
    this.stream = undefined;
    this.closed = undefined;
    this.requests = new Queue(); // read requests or read-into requests
    this.pub = undefined;
  }
}

class RDefaultController {
  constructor() {
    this.isByte = false;
    this.stream = undefined;
    this.queue = undefined;
    this.queueTotalSize = 0;
    this.started = false;
    this.closeRequested = false;
    this.pullAgain = false;
    this.pulling = false;
    this.strategySizeAlgorithm = undefined;
    this.strategyHWM = 0;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.onPulled = undefined;
    this.onPullFailed = undefined;
    this.pub = undefined;
  }
}

class RByteController {
  constructor() {
    this.isByte = true;
    this.stream = undefined;
    this.queue = undefined;
    this.queueTotalSize = 0;
    this.started = false;
    this.closeRequested = false;
    this.pullAgain = false;
    this.pulling = false;
    this.byobRequest = null;
    this.autoAllocateChunkSize = undefined;
    this.pendingPullIntos = [];
    this.strategyHWM = 0;
    this.pullAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.onPulled = undefined;
    this.onPullFailed = undefined;
    this.pub = undefined;
  }
}

let rsOf, rawRS, readerOf, byobReaderOf, rsDefaultControllerOf, rsByteControllerOf, byobRequestOf;
let pubRS, pubDefaultReader, pubBYOBReader, pubDefaultController, pubByteController, pubBYOBRequest;

class ReadableStream {
  #i;
  static {
    rsOf = (o) => {
      if (!isObject(o) || !(#i in o)) return undefined;
      const s = o.#i;
      return s.lazy ? (o.#i = materializeGo(s)) : s;
    };
    rawRS = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubRS = (s) => s.pub || new ReadableStream(INTERNAL, s);
  }
  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === INTERNAL) { this.#i = strategy; strategy.pub = this; return; }
    if (underlyingSource !== undefined && !isObject(underlyingSource)) {
      throw new TypeError('Failed to construct \'ReadableStream\': the underlying source must be an object');
    }
    const strat = toQueuingStrategy(strategy);
    const src = toDict(underlyingSource, 'The underlying source');
    const dict = { autoAllocateChunkSize: undefined, cancel: undefined, pull: undefined, start: undefined, type: undefined };
    if (src !== undefined) {
      const aacs = src.autoAllocateChunkSize;
      if (aacs !== undefined) dict.autoAllocateChunkSize = enforceRangeULL(aacs, 'autoAllocateChunkSize');
      dict.cancel = toCallback(src.cancel, 'The underlying source cancel');
      dict.pull = toCallback(src.pull, 'The underlying source pull');
      dict.start = toCallback(src.start, 'The underlying source start');
      const type = src.type;
      if (type !== undefined) {
        const t = String(type);
        if (t !== 'bytes') throw new TypeError('The underlying source type must be "bytes", got "' + t + '"');
        dict.type = t;
      }
    }
    const s = new RStream();
    this.#i = s;
    s.pub = this;
    if (dict.type === 'bytes') {
      if (strat.size !== undefined) throw new RangeError('The strategy for a byte stream cannot have a size function');
      const hwm = extractHighWaterMark(strat, 0);
      setUpReadableByteStreamControllerFromUnderlyingSource(s, src, dict, hwm);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strat);
      const hwm = extractHighWaterMark(strat, 1);
      setUpReadableStreamDefaultControllerFromUnderlyingSource(s, src, dict, hwm, sizeAlgorithm);
    }
  }
  static from(asyncIterable) {
    return pubRS(readableStreamFromIterable(asyncIterable));
  }
  get locked() {
    const s = rsOf(this);
    if (s === undefined) throw illegal('ReadableStream');
    return isReadableStreamLocked(s);
  }
  cancel(reason = undefined) {
    const s = rsOf(this);
    if (s === undefined) return rejected(illegal('ReadableStream'));
    if (isReadableStreamLocked(s)) return rejected(new TypeError('Cannot cancel a ReadableStream that is locked to a reader'));
    return readableStreamCancel(s, reason);
  }
  getReader(options = undefined) {
    const s = rsOf(this);
    if (s === undefined) throw illegal('ReadableStream');
    const o = toDict(options, 'The getReader options');
    let mode;
    if (o !== undefined && o.mode !== undefined) {
      mode = String(o.mode);
      if (mode !== 'byob') throw new TypeError('The reader mode must be "byob", got "' + mode + '"');
    }
    if (mode === undefined) return pubDefaultReader(acquireReadableStreamDefaultReader(s));
    return pubBYOBReader(acquireReadableStreamBYOBReader(s));
  }
  pipeThrough(transform, options = undefined) {
    const s = rsOf(this);
    if (s === undefined) throw illegal('ReadableStream');
    const pair = toDict(transform, 'The transform stream');
    if (pair === undefined) throw new TypeError('pipeThrough requires a { readable, writable } pair');
    const readableV = pair.readable;
    if (readableV === undefined) throw new TypeError('pipeThrough: the pair\'s readable member is required');
    const readable = rsOf(readableV);
    if (readable === undefined) throw new TypeError('pipeThrough: the pair\'s readable member must be a ReadableStream');
    const writableV = pair.writable;
    if (writableV === undefined) throw new TypeError('pipeThrough: the pair\'s writable member is required');
    const writable = wsOf(writableV);
    if (writable === undefined) throw new TypeError('pipeThrough: the pair\'s writable member must be a WritableStream');
    const opts = toPipeOptions(options);
    if (isReadableStreamLocked(s)) throw new TypeError('Cannot pipe a ReadableStream that is locked to a reader');
    if (isWritableStreamLocked(writable)) throw new TypeError('Cannot pipe to a WritableStream that is locked to a writer');
    const promise = readableStreamPipeTo(s, writable, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    setHandled(promise);
    return readableV;
  }
  pipeTo(destination, options = undefined) {
    const s = rsOf(this);
    if (s === undefined) return rejected(illegal('ReadableStream'));
    const dest = wsOf(destination);
    if (dest === undefined) return rejected(new TypeError('pipeTo: the destination must be a WritableStream'));
    let opts;
    try { opts = toPipeOptions(options); } catch (e) { return rejected(e); }
    if (isReadableStreamLocked(s)) return rejected(new TypeError('Cannot pipe a ReadableStream that is locked to a reader'));
    if (isWritableStreamLocked(dest)) return rejected(new TypeError('Cannot pipe to a WritableStream that is locked to a writer'));
    return readableStreamPipeTo(s, dest, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
  }
  tee() {
    const s = rsOf(this);
    if (s === undefined) throw illegal('ReadableStream');
    const branches = readableStreamTee(s, false);
    return [pubRS(branches[0]), pubRS(branches[1])];
  }
  values(options = undefined) {
    const s = rsOf(this);
    if (s === undefined) throw illegal('ReadableStream');
    const o = toDict(options, 'The iterator options');
    const preventCancel = o === undefined ? false : toBoolean(o.preventCancel);
    const reader = acquireReadableStreamDefaultReader(s);
    return newAsyncIterator(reader, preventCancel);
  }
}

function toPipeOptions(options) {
  const o = toDict(options, 'The pipe options');
  const out = { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  if (o === undefined) return out;
  out.preventAbort = toBoolean(o.preventAbort);
  out.preventCancel = toBoolean(o.preventCancel);
  out.preventClose = toBoolean(o.preventClose);
  const signal = o.signal;
  if (signal !== undefined) {
    // A brand check (the Go host object behind the value), not instanceof:
    // Object.create(AbortSignal.prototype) is not an AbortSignal. A signal
    // of another request is refused too.
    N.checkAbortSignal(signal);
    out.signal = signal;
  }
  return out;
}

// ---- async iteration

// %AsyncIteratorPrototype%, shared with async generators (internal/realm).
const AsyncIteratorPrototype = N.AsyncIteratorPrototype;
const END_OF_ITERATION = {};

class RIterator {
  constructor(reader, preventCancel) {
    this.reader = reader;
    this.preventCancel = preventCancel;
    this.ongoing = undefined;
    this.finished = false;
  }
}
let iterOf;
class ReadableStreamAsyncIterator {
  #i;
  static { iterOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined; }
  constructor(a, b) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
  }
  next() {
    const it = iterOf(this);
    if (it === undefined) return rejected(illegal('ReadableStream AsyncIterator'));
    const nextSteps = () => {
      if (it.finished) return resolved({ value: undefined, done: true });
      const nextPromise = iteratorGetNext(it);
      return upon(nextPromise, (next) => {
        it.ongoing = undefined;
        if (next === END_OF_ITERATION) {
          it.finished = true;
          return { value: undefined, done: true };
        }
        return { value: next, done: false };
      }, (reason) => {
        it.ongoing = undefined;
        it.finished = true;
        throw reason;
      });
    };
    const p = it.ongoing !== undefined ? upon(it.ongoing, nextSteps, nextSteps) : nextSteps();
    it.ongoing = p;
    return p;
  }
  return(value) {
    const it = iterOf(this);
    if (it === undefined) return rejected(illegal('ReadableStream AsyncIterator'));
    const returnSteps = () => {
      if (it.finished) return resolved({ value, done: true });
      it.finished = true;
      return iteratorReturn(it, value);
    };
    const p = it.ongoing !== undefined ? upon(it.ongoing, returnSteps, returnSteps) : returnSteps();
    it.ongoing = p;
    return upon(p, () => ({ value, done: true }));
  }
}
const ReadableStreamAsyncIteratorPrototype = ReadableStreamAsyncIterator.prototype;
Object.setPrototypeOf(ReadableStreamAsyncIteratorPrototype, AsyncIteratorPrototype);
delete ReadableStreamAsyncIteratorPrototype.constructor;

function newAsyncIterator(reader, preventCancel) {
  return new ReadableStreamAsyncIterator(INTERNAL, new RIterator(reader, preventCancel));
}

class IteratorReadRequest {
  constructor(reader, d) { this.reader = reader; this.d = d; }
  chunk(c) { this.d.resolve(c); }
  close() { readableStreamDefaultReaderRelease(this.reader); this.d.resolve(END_OF_ITERATION); }
  error(e) { readableStreamDefaultReaderRelease(this.reader); this.d.reject(e); }
}
function iteratorGetNext(it) {
  const reader = it.reader;
  if (reader.stream === undefined) return rejected(new TypeError('The iterator\'s reader has been released'));
  const d = new Deferred();
  readableStreamDefaultReaderRead(reader, new IteratorReadRequest(reader, d));
  return d.p;
}
function iteratorReturn(it, arg) {
  const reader = it.reader;
  if (reader.stream === undefined) return resolved(undefined);
  if (!it.preventCancel) {
    const result = readableStreamReaderGenericCancel(reader, arg);
    readableStreamDefaultReaderRelease(reader);
    return result;
  }
  readableStreamDefaultReaderRelease(reader);
  return resolved(undefined);
}

// ---- ReadableStream.from

function getMethod(obj, key) {
  const f = obj[key];
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'function') throw new TypeError(String(key.description || key) + ' is not a function');
  return f;
}
function getAsyncIterator(obj) {
  if (obj === undefined || obj === null) throw new TypeError('ReadableStream.from requires an iterable or async iterable');
  let method = getMethod(Object(obj), SymbolAsyncIterator);
  if (method === undefined) {
    const syncMethod = getMethod(Object(obj), SymbolIterator);
    if (syncMethod === undefined) throw new TypeError('ReadableStream.from: the argument is not iterable');
    const syncIterator = ReflectApply(syncMethod, obj, []);
    if (!isObject(syncIterator)) throw new TypeError('The iterator method did not return an object');
    const syncNext = syncIterator.next;
    return createAsyncFromSyncIterator(syncIterator, syncNext);
  }
  const iterator = ReflectApply(method, obj, []);
  if (!isObject(iterator)) throw new TypeError('The async iterator method did not return an object');
  return { iterator, next: iterator.next };
}
function createAsyncFromSyncIterator(syncIterator, syncNext) {
  const continuation = (result) => {
    if (!isObject(result)) throw new TypeError('The iterator result is not an object');
    const done = !!result.done;
    const value = result.value;
    return upon(promiseResolve(value), (v) => ({ value: v, done }), (e) => {
      if (!done) {
        const ret = syncIterator.return;
        if (ret !== undefined && ret !== null) { try { ReflectApply(ret, syncIterator, []); } catch (_) { /* the value's rejection wins */ } }
      }
      throw e;
    });
  };
  const iterator = {
    next(v) {
      try { return continuation(ReflectApply(syncNext, syncIterator, [])); } catch (e) { return rejected(e); }
    },
    return(v) {
      try {
        const ret = getMethod(syncIterator, 'return');
        if (ret === undefined) return resolved({ value: v, done: true });
        const result = ReflectApply(ret, syncIterator, [v]);
        if (!isObject(result)) return rejected(new TypeError('The iterator return() result is not an object'));
        return continuation(result);
      } catch (e) { return rejected(e); }
    },
  };
  return { iterator, next: iterator.next };
}
function readableStreamFromIterable(asyncIterable) {
  const record = getAsyncIterator(asyncIterable);
  let stream;
  const pullAlgorithm = () => {
    let nextResult;
    try { nextResult = ReflectApply(record.next, record.iterator, []); } catch (e) { return rejected(e); }
    return upon(promiseResolvedWith(nextResult), (iterResult) => {
      if (!isObject(iterResult)) throw new TypeError('The iterator result is not an object');
      if (iterResult.done) {
        readableStreamDefaultControllerClose(stream.controller);
      } else {
        readableStreamDefaultControllerEnqueue(stream.controller, iterResult.value);
      }
    });
  };
  const cancelAlgorithm = (reason) => {
    const iterator = record.iterator;
    let returnMethod, returnResult;
    try {
      returnMethod = getMethod(iterator, 'return');
      if (returnMethod === undefined) return resolved(undefined);
      returnResult = ReflectApply(returnMethod, iterator, [reason]);
    } catch (e) { return rejected(e); }
    return upon(promiseResolvedWith(returnResult), (iterResult) => {
      if (!isObject(iterResult)) throw new TypeError('The iterator return() result is not an object');
    });
  };
  stream = createReadableStream(returnUndefined, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// ---- readers (public)

class PromiseReadRequest {
  constructor(d) { this.d = d; }
  chunk(c) { this.d.resolve({ value: c, done: false }); }
  close(chunk) { this.d.resolve({ value: chunk, done: true }); }
  error(e) { this.d.reject(e); }
}

class ReadableStreamDefaultReader {
  #i;
  static {
    readerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubDefaultReader = (r) => r.pub || new ReadableStreamDefaultReader(INTERNAL, r);
  }
  constructor(stream, internal = undefined) {
    if (stream === INTERNAL) { this.#i = internal; internal.pub = this; return; }
    const s = rsOf(stream);
    if (s === undefined) throw new TypeError('Failed to construct \'ReadableStreamDefaultReader\': the argument is not a ReadableStream');
    const r = new RReader(false);
    setUpReadableStreamDefaultReader(r, s);
    this.#i = r;
    r.pub = this;
  }
  get closed() {
    const r = readerOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamDefaultReader'));
    return r.closed.p;
  }
  cancel(reason = undefined) {
    const r = readerOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamDefaultReader'));
    if (r.stream === undefined) return rejected(new TypeError('The reader has been released'));
    return readableStreamReaderGenericCancel(r, reason);
  }
  read() {
    const r = readerOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamDefaultReader'));
    if (r.stream === undefined) return rejected(new TypeError('The reader has been released'));
    const d = new Deferred();
    readableStreamDefaultReaderRead(r, new PromiseReadRequest(d));
    return d.p;
  }
  releaseLock() {
    const r = readerOf(this);
    if (r === undefined) throw illegal('ReadableStreamDefaultReader');
    if (r.stream === undefined) return;
    readableStreamDefaultReaderRelease(r);
  }
}

class ReadableStreamBYOBReader {
  #i;
  static {
    byobReaderOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubBYOBReader = (r) => r.pub || new ReadableStreamBYOBReader(INTERNAL, r);
  }
  constructor(stream, internal = undefined) {
    if (stream === INTERNAL) { this.#i = internal; internal.pub = this; return; }
    const s = rsOf(stream);
    if (s === undefined) throw new TypeError('Failed to construct \'ReadableStreamBYOBReader\': the argument is not a ReadableStream');
    const r = new RReader(true);
    setUpReadableStreamBYOBReader(r, s);
    this.#i = r;
    r.pub = this;
  }
  get closed() {
    const r = byobReaderOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamBYOBReader'));
    return r.closed.p;
  }
  cancel(reason = undefined) {
    const r = byobReaderOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamBYOBReader'));
    if (r.stream === undefined) return rejected(new TypeError('The reader has been released'));
    return readableStreamReaderGenericCancel(r, reason);
  }
  read(view, options = undefined) {
    const r = byobReaderOf(this);
    if (r === undefined) return rejected(illegal('ReadableStreamBYOBReader'));
    if (!isView(view)) return rejected(new TypeError('read() requires an ArrayBufferView'));
    let min = 1;
    try {
      const o = toDict(options, 'The read options');
      if (o !== undefined && o.min !== undefined) min = enforceRangeULL(o.min, 'min');
    } catch (e) { return rejected(e); }
    const name = typedArrayName(view);
    const buffer = view.buffer;
    if (view.byteLength === 0) return rejected(new TypeError('The view must have a non-zero byteLength'));
    if (buffer.byteLength === 0) return rejected(new TypeError('The view\'s buffer must have a non-zero byteLength'));
    if (isDetached(buffer)) return rejected(new TypeError('The view\'s buffer has been detached'));
    if (min === 0) return rejected(new TypeError('min must be greater than 0'));
    if (name !== undefined) {
      if (min > view.length) return rejected(new RangeError('min is greater than the view\'s length'));
    } else if (min > view.byteLength) {
      return rejected(new RangeError('min is greater than the view\'s byteLength'));
    }
    if (r.stream === undefined) return rejected(new TypeError('The reader has been released'));
    const d = new Deferred();
    readableStreamBYOBReaderRead(r, view, min, new PromiseReadRequest(d));
    return d.p;
  }
  releaseLock() {
    const r = byobReaderOf(this);
    if (r === undefined) throw illegal('ReadableStreamBYOBReader');
    if (r.stream === undefined) return;
    readableStreamBYOBReaderRelease(r);
  }
}

// ---- controllers (public)

class ReadableStreamDefaultController {
  #i;
  static {
    rsDefaultControllerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubDefaultController = (c) => c.pub || new ReadableStreamDefaultController(INTERNAL, c);
  }
  constructor(a = undefined, b = undefined) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
    b.pub = this;
  }
  get desiredSize() {
    const c = rsDefaultControllerOf(this);
    if (c === undefined) throw illegal('ReadableStreamDefaultController');
    return readableStreamDefaultControllerGetDesiredSize(c);
  }
  close() {
    const c = rsDefaultControllerOf(this);
    if (c === undefined) throw illegal('ReadableStreamDefaultController');
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits close');
    readableStreamDefaultControllerClose(c);
  }
  enqueue(chunk = undefined) {
    const c = rsDefaultControllerOf(this);
    if (c === undefined) throw illegal('ReadableStreamDefaultController');
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits enqueue');
    readableStreamDefaultControllerEnqueue(c, chunk);
  }
  error(e = undefined) {
    const c = rsDefaultControllerOf(this);
    if (c === undefined) throw illegal('ReadableStreamDefaultController');
    readableStreamDefaultControllerError(c, e);
  }
}

class ReadableByteStreamController {
  #i;
  static {
    rsByteControllerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubByteController = (c) => c.pub || new ReadableByteStreamController(INTERNAL, c);
  }
  constructor(a = undefined, b = undefined) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
    b.pub = this;
  }
  get byobRequest() {
    const c = rsByteControllerOf(this);
    if (c === undefined) throw illegal('ReadableByteStreamController');
    const req = readableByteStreamControllerGetBYOBRequest(c);
    return req === null ? null : pubBYOBRequest(req);
  }
  get desiredSize() {
    const c = rsByteControllerOf(this);
    if (c === undefined) throw illegal('ReadableByteStreamController');
    return readableByteStreamControllerGetDesiredSize(c);
  }
  close() {
    const c = rsByteControllerOf(this);
    if (c === undefined) throw illegal('ReadableByteStreamController');
    if (c.closeRequested) throw new TypeError('The stream has already been closed');
    if (c.stream.state !== 'readable') throw new TypeError('The stream is not readable');
    readableByteStreamControllerClose(c);
  }
  enqueue(chunk) {
    const c = rsByteControllerOf(this);
    if (c === undefined) throw illegal('ReadableByteStreamController');
    if (!isView(chunk)) throw new TypeError('enqueue() requires an ArrayBufferView');
    if (chunk.byteLength === 0) throw new TypeError('The chunk must have a non-zero byteLength');
    if (chunk.buffer.byteLength === 0) throw new TypeError('The chunk\'s buffer must have a non-zero byteLength');
    if (c.closeRequested) throw new TypeError('The stream has already been closed');
    if (c.stream.state !== 'readable') throw new TypeError('The stream is not readable');
    readableByteStreamControllerEnqueue(c, chunk);
  }
  error(e = undefined) {
    const c = rsByteControllerOf(this);
    if (c === undefined) throw illegal('ReadableByteStreamController');
    readableByteStreamControllerError(c, e);
  }
}

class RBYOBRequest {
  constructor(controller, view) { this.controller = controller; this.view = view; this.pub = undefined; }
}
class ReadableStreamBYOBRequest {
  #i;
  static {
    byobRequestOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubBYOBRequest = (r) => r.pub || new ReadableStreamBYOBRequest(INTERNAL, r);
  }
  constructor(a = undefined, b = undefined) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
    b.pub = this;
  }
  get view() {
    const r = byobRequestOf(this);
    if (r === undefined) throw illegal('ReadableStreamBYOBRequest');
    return r.view;
  }
  respond(bytesWritten) {
    const r = byobRequestOf(this);
    if (r === undefined) throw illegal('ReadableStreamBYOBRequest');
    const n = enforceRangeULL(bytesWritten, 'bytesWritten');
    if (r.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
    if (isDetached(r.view.buffer)) throw new TypeError('The BYOB request\'s buffer has been detached');
    readableByteStreamControllerRespond(r.controller, n);
  }
  respondWithNewView(view) {
    const r = byobRequestOf(this);
    if (r === undefined) throw illegal('ReadableStreamBYOBRequest');
    if (!isView(view)) throw new TypeError('respondWithNewView() requires an ArrayBufferView');
    if (r.controller === undefined) throw new TypeError('This BYOB request has been invalidated');
    if (isDetached(view.buffer)) throw new TypeError('The view\'s buffer has been detached');
    readableByteStreamControllerRespondWithNewView(r.controller, view);
  }
}

// ---- ReadableStream abstract operations

function acquireReadableStreamBYOBReader(stream) {
  const r = new RReader(true);
  setUpReadableStreamBYOBReader(r, stream);
  return r;
}
function acquireReadableStreamDefaultReader(stream) {
  const r = new RReader(false);
  setUpReadableStreamDefaultReader(r, stream);
  return r;
}
function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = new RStream();
  const c = new RDefaultController();
  setUpReadableStreamDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}
function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
  const stream = new RStream();
  const c = new RByteController();
  setUpReadableByteStreamController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
  return stream;
}
function isReadableStreamLocked(stream) { return stream.reader !== undefined; }

function readableStreamCancel(stream, reason) {
  stream.disturbed = true;
  if (stream.state === 'closed') return resolved(undefined);
  if (stream.state === 'errored') return rejected(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.byob) {
    const reqs = reader.requests.drain();
    reader.requests = new Queue();
    for (let i = 0; i < reqs.length; i++) reqs[i].close(undefined);
  }
  const c = stream.controller;
  const sourceCancelPromise = c.isByte ? byteControllerCancelSteps(c, reason) : defaultControllerCancelSteps(c, reason);
  return upon(sourceCancelPromise, returnUndefined);
}
function readableStreamClose(stream) {
  stream.state = 'closed';
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.resolve(undefined);
  if (!reader.byob) {
    const reqs = reader.requests.drain();
    for (let i = 0; i < reqs.length; i++) reqs[i].close();
  }
}
function readableStreamError(stream, e) {
  stream.state = 'errored';
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.reject(e);
  setHandled(reader.closed.p);
  const reqs = reader.requests.drain();
  for (let i = 0; i < reqs.length; i++) reqs[i].error(e);
}
function readableStreamAddReadRequest(stream, req) { stream.reader.requests.push(req); }
function readableStreamFulfillReadRequest(stream, chunk, done) {
  const req = stream.reader.requests.shift();
  if (done) req.close(); else req.chunk(chunk);
}
function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
  const req = stream.reader.requests.shift();
  if (done) req.close(chunk); else req.chunk(chunk);
}
function readableStreamGetNumReadRequests(stream) { return stream.reader.requests.length; }
function readableStreamHasDefaultReader(stream) { return stream.reader !== undefined && !stream.reader.byob; }
function readableStreamHasBYOBReader(stream) { return stream.reader !== undefined && stream.reader.byob; }

function readableStreamReaderGenericInitialize(reader, stream) {
  reader.stream = stream;
  stream.reader = reader;
  if (stream.state === 'readable') {
    reader.closed = new Deferred();
  } else if (stream.state === 'closed') {
    reader.closed = settledDeferred(resolved(undefined));
  } else {
    reader.closed = settledDeferred(rejected(stream.storedError));
    setHandled(reader.closed.p);
  }
}
function readableStreamReaderGenericCancel(reader, reason) { return readableStreamCancel(reader.stream, reason); }
function readableStreamReaderGenericRelease(reader) {
  const stream = reader.stream;
  const e = new TypeError('The reader\'s lock was released');
  if (stream.state === 'readable') reader.closed.reject(e);
  else reader.closed = settledDeferred(rejected(e));
  setHandled(reader.closed.p);
  const c = stream.controller;
  if (c.isByte) byteControllerReleaseSteps(c);
  stream.reader = undefined;
  reader.stream = undefined;
}
function readableStreamReaderErrorRequests(reader, e) {
  const reqs = reader.requests.drain();
  for (let i = 0; i < reqs.length; i++) reqs[i].error(e);
}
function readableStreamDefaultReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamReaderErrorRequests(reader, new TypeError('The reader\'s lock was released'));
}
function readableStreamBYOBReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamReaderErrorRequests(reader, new TypeError('The reader\'s lock was released'));
}
function setUpReadableStreamDefaultReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError('The ReadableStream is already locked to a reader');
  readableStreamReaderGenericInitialize(reader, stream);
  reader.requests = new Queue();
}
function setUpReadableStreamBYOBReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError('The ReadableStream is already locked to a reader');
  if (!stream.controller.isByte) throw new TypeError('A BYOB reader can only be used with a byte stream (type: "bytes")');
  readableStreamReaderGenericInitialize(reader, stream);
  reader.requests = new Queue();
}
function readableStreamDefaultReaderRead(reader, req) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'closed') req.close();
  else if (stream.state === 'errored') req.error(stream.storedError);
  else {
    const c = stream.controller;
    if (c.isByte) byteControllerPullSteps(c, req); else defaultControllerPullSteps(c, req);
  }
}
function readableStreamBYOBReaderRead(reader, view, min, req) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === 'errored') req.error(stream.storedError);
  else readableByteStreamControllerPullInto(stream.controller, view, min, req);
}

// ---- tee

function readableStreamTee(stream, cloneForBranch2) {
  if (stream.controller.isByte) return readableByteStreamTee(stream);
  return readableStreamDefaultTee(stream, cloneForBranch2);
}

function readableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = acquireReadableStreamDefaultReader(stream);
  let reading = false, readAgain = false, canceled1 = false, canceled2 = false;
  let reason1, reason2, branch1, branch2;
  const cancelPromise = new Deferred();
  const readRequest = {
    chunk(chunk) {
      queueMicrotaskJob(() => {
        readAgain = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled2 && cloneForBranch2 && structuredCloneFn !== undefined) {
          try {
            chunk2 = structuredCloneFn(chunk2);
          } catch (e) {
            readableStreamDefaultControllerError(branch1.controller, e);
            readableStreamDefaultControllerError(branch2.controller, e);
            cancelPromise.resolve(readableStreamCancel(stream, e));
            return;
          }
        }
        if (!canceled1) readableStreamDefaultControllerEnqueue(branch1.controller, chunk1);
        if (!canceled2) readableStreamDefaultControllerEnqueue(branch2.controller, chunk2);
        reading = false;
        if (readAgain) pullAlgorithm();
      });
    },
    close() {
      reading = false;
      if (!canceled1) readableStreamDefaultControllerClose(branch1.controller);
      if (!canceled2) readableStreamDefaultControllerClose(branch2.controller);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    },
    error() { reading = false; },
  };
  const pullAlgorithm = () => {
    if (reading) { readAgain = true; return RESOLVED; }
    reading = true;
    readableStreamDefaultReaderRead(reader, readRequest);
    return RESOLVED;
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.p;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.p;
  };
  branch1 = createReadableStream(returnUndefined, pullAlgorithm, cancel1Algorithm);
  branch2 = createReadableStream(returnUndefined, pullAlgorithm, cancel2Algorithm);
  upon(reader.closed.p, undefined, (r) => {
    readableStreamDefaultControllerError(branch1.controller, r);
    readableStreamDefaultControllerError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

function cloneAsUint8Array(view) {
  return new Uint8ArrayCtor(cloneArrayBuffer(view.buffer, view.byteOffset, view.byteLength));
}

function readableByteStreamTee(stream) {
  let reader = acquireReadableStreamDefaultReader(stream);
  let reading = false, readAgainForBranch1 = false, readAgainForBranch2 = false;
  let canceled1 = false, canceled2 = false, reason1, reason2, branch1, branch2;
  const cancelPromise = new Deferred();
  const forwardReaderError = (thisReader) => {
    upon(thisReader.closed.p, undefined, (r) => {
      if (thisReader !== reader) return;
      readableByteStreamControllerError(branch1.controller, r);
      readableByteStreamControllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
  };
  const afterChunk = () => {
    reading = false;
    if (readAgainForBranch1) pull1Algorithm();
    else if (readAgainForBranch2) pull2Algorithm();
  };
  const pullWithDefaultReader = () => {
    if (reader.byob) {
      readableStreamBYOBReaderRelease(reader);
      reader = acquireReadableStreamDefaultReader(stream);
      forwardReaderError(reader);
    }
    readableStreamDefaultReaderRead(reader, {
      chunk(chunk) {
        queueMicrotaskJob(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          let chunk2 = chunk;
          if (!canceled1 && !canceled2) {
            try {
              chunk2 = cloneAsUint8Array(chunk);
            } catch (e) {
              readableByteStreamControllerError(branch1.controller, e);
              readableByteStreamControllerError(branch2.controller, e);
              cancelPromise.resolve(readableStreamCancel(stream, e));
              return;
            }
          }
          if (!canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk);
          if (!canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2);
          afterChunk();
        });
      },
      close() {
        reading = false;
        if (!canceled1) readableByteStreamControllerClose(branch1.controller);
        if (!canceled2) readableByteStreamControllerClose(branch2.controller);
        if (branch1.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch1.controller, 0);
        if (branch2.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch2.controller, 0);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      error() { reading = false; },
    });
  };
  const pullWithBYOBReader = (view, forBranch2) => {
    if (!reader.byob) {
      readableStreamDefaultReaderRelease(reader);
      reader = acquireReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    readableStreamBYOBReaderRead(reader, view, 1, {
      chunk(chunk) {
        queueMicrotaskJob(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            let cloned;
            try {
              cloned = cloneAsUint8Array(chunk);
            } catch (e) {
              readableByteStreamControllerError(byobBranch.controller, e);
              readableByteStreamControllerError(otherBranch.controller, e);
              cancelPromise.resolve(readableStreamCancel(stream, e));
              return;
            }
            if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            readableByteStreamControllerEnqueue(otherBranch.controller, cloned);
          } else if (!byobCanceled) {
            readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          }
          afterChunk();
        });
      },
      close(chunk) {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
        if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
        if (chunk !== undefined) {
          if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) {
            readableByteStreamControllerRespond(otherBranch.controller, 0);
          }
        }
        if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
      },
      error() { reading = false; },
    });
  };
  const pull1Algorithm = () => {
    if (reading) { readAgainForBranch1 = true; return RESOLVED; }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, false);
    return RESOLVED;
  };
  const pull2Algorithm = () => {
    if (reading) { readAgainForBranch2 = true; return RESOLVED; }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, true);
    return RESOLVED;
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.p;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.p;
  };
  branch1 = createReadableByteStream(returnUndefined, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(returnUndefined, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// ---- pipeTo

// PipeReadRequest is the pipe's read request. A chunk the read takes from
// the source's queue is written at once: the pipe loop runs in a promise job
// of its own. A chunk that arrives later is delivered from inside the
// source's enqueue() (script's, or a pull() called by the read); it is
// written from a microtask, so that the destination's write algorithm (and
// its size()) never runs inside enqueue(). The pipe loop waits for that
// write to be issued before reading again, so backpressure is still seen.
class PipeReadRequest {
  constructor(pipe, d, fromQueue) { this.pipe = pipe; this.d = d; this.fromQueue = fromQueue; }
  chunk(chunk) {
    if (this.fromQueue) {
      pipeWrite(this.pipe, chunk);
      this.d.resolve(false);
      return;
    }
    queueMicrotaskJob(() => {
      pipeWrite(this.pipe, chunk);
      this.d.resolve(false);
    });
  }
  close() { this.d.resolve(true); }
  error(e) { this.d.reject(e); }
}
function pipeWrite(pipe, chunk) {
  // A deferred write can come after finalize released the writer (the
  // destination could not take it any more).
  if (pipe.writer.stream === undefined) return;
  pipe.currentWrite = upon(writableStreamDefaultWriterWrite(pipe.writer, chunk), undefined, noop);
}
function hasQueuedChunk(stream) {
  const c = stream.controller;
  return stream.state === 'readable' && (c.isByte ? c.queueTotalSize > 0 : c.queue.length > 0);
}

// waitForAll runs each action and returns a promise fulfilled when all of
// their promises are, or rejected with the first rejection (WebIDL "wait for
// all"), without going through the patchable Promise.all.
function waitForAll(actions) {
  const d = new Deferred();
  let pending = actions.length;
  if (pending === 0) {
    d.resolve(undefined);
    return d.p;
  }
  const onFulfilled = () => { if (--pending === 0) d.resolve(undefined); };
  const onRejected = (e) => { d.reject(e); };
  for (let i = 0; i < actions.length; i++) upon(actions[i](), onFulfilled, onRejected);
  return d.p;
}

function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
  const reader = acquireReadableStreamDefaultReader(source);
  const writer = acquireWritableStreamDefaultWriter(dest);
  source.disturbed = true;
  const pipe = { writer, currentWrite: RESOLVED };
  let shuttingDown = false;
  const promise = new Deferred();
  let removeAbortAlgorithm;

  const waitForWritesToFinish = () => {
    const old = pipe.currentWrite;
    return upon(old, () => (old !== pipe.currentWrite ? waitForWritesToFinish() : undefined));
  };
  const finalize = (isError, error) => {
    writableStreamDefaultWriterRelease(writer);
    readableStreamDefaultReaderRelease(reader);
    if (removeAbortAlgorithm !== undefined) removeAbortAlgorithm();
    if (isError) promise.reject(error); else promise.resolve(undefined);
  };
  const shutdownWithAction = (action, originalIsError, originalError) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      upon(action(), () => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
    };
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
      upon(waitForWritesToFinish(), doTheRest);
    } else {
      doTheRest();
    }
  };
  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) {
      upon(waitForWritesToFinish(), () => finalize(isError, error));
    } else {
      finalize(isError, error);
    }
  };

  if (signal !== undefined) {
    // The signal is read and watched through its Go side (the DOM's "add
    // an abort algorithm"), not through its patchable public members.
    const abortAlgorithm = () => {
      const error = N.signalReason(signal);
      const actions = [];
      if (!preventAbort) {
        actions[actions.length] = () => (dest.state === 'writable' ? writableStreamAbort(dest, error) : resolved(undefined));
      }
      if (!preventCancel) {
        actions[actions.length] = () => (source.state === 'readable' ? readableStreamCancel(source, error) : resolved(undefined));
      }
      shutdownWithAction(() => waitForAll(actions), true, error);
    };
    if (N.signalAborted(signal)) {
      abortAlgorithm();
      return promise.p;
    }
    removeAbortAlgorithm = N.signalAdd(signal, abortAlgorithm);
  }

  const readStep = () => {
    const d = new Deferred();
    readableStreamDefaultReaderRead(reader, new PipeReadRequest(pipe, d, hasQueuedChunk(source)));
    return d.p;
  };
  const pipeStep = () => {
    if (shuttingDown) return resolved(true);
    return upon(writer.ready.p, readStep);
  };
  const pipeLoop = () => new PromiseCtor((resolveLoop, rejectLoop) => {
    const next = (done) => {
      if (done) resolveLoop();
      else upon(pipeStep(), next, rejectLoop);
    };
    next(false);
  });

  // Errors must be propagated forward.
  if (source.state === 'errored') {
    onSourceErrored(source.storedError);
  } else {
    upon(reader.closed.p, undefined, (e) => onSourceErrored(e));
  }
  function onSourceErrored(storedError) {
    if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  }
  // Errors must be propagated backward.
  if (dest.state === 'errored') {
    onDestErrored(dest.storedError);
  } else {
    upon(writer.closed.p, undefined, (e) => onDestErrored(e));
  }
  function onDestErrored(storedError) {
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  }
  // Closing must be propagated forward.
  if (source.state === 'closed') {
    onSourceClosed();
  } else {
    upon(reader.closed.p, onSourceClosed, noop);
  }
  function onSourceClosed() {
    if (!preventClose) shutdownWithAction(() => writableStreamDefaultWriterCloseWithErrorPropagation(writer));
    else shutdown();
  }
  // Closing must be propagated backward.
  if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
    const destClosed = new TypeError('The destination WritableStream closed before all data could be piped to it');
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }
  setHandled(pipeLoop());
  return promise.p;
}

// ---- default controller

function setUpReadableStreamDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  resetQueue(c);
  c.started = false;
  c.closeRequested = false;
  c.pullAgain = false;
  c.pulling = false;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  stream.controller = c;
  const startResult = startAlgorithm();
  upon(promiseResolvedWith(startResult), () => {
    c.started = true;
    readableStreamDefaultControllerCallPullIfNeeded(c);
  }, (r) => {
    readableStreamDefaultControllerError(c, r);
  });
}
function setUpReadableStreamDefaultControllerFromUnderlyingSource(stream, source, dict, highWaterMark, sizeAlgorithm) {
  const c = new RDefaultController();
  let startAlgorithm = returnUndefined;
  let pullAlgorithm = () => RESOLVED;
  let cancelAlgorithm = () => RESOLVED;
  if (dict.start !== undefined) {
    const start = dict.start;
    startAlgorithm = () => ReflectApply(start, source, [pubDefaultController(c)]);
  }
  if (dict.pull !== undefined) {
    const pull = dict.pull;
    pullAlgorithm = () => promiseCall(pull, source, [pubDefaultController(c)]);
  }
  if (dict.cancel !== undefined) {
    const cancel = dict.cancel;
    cancelAlgorithm = (reason) => promiseCall(cancel, source, [reason]);
  }
  setUpReadableStreamDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
}
function readableStreamDefaultControllerCallPullIfNeeded(c) {
  if (!readableStreamDefaultControllerShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  if (c.onPulled === undefined) {
    // The reactions are made once per controller: this is the hot path.
    c.onPulled = () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        readableStreamDefaultControllerCallPullIfNeeded(c);
      }
    };
    c.onPullFailed = (e) => { readableStreamDefaultControllerError(c, e); };
  }
  upon(c.pullAlgorithm(), c.onPulled, c.onPullFailed);
}
function readableStreamDefaultControllerShouldCallPull(c) {
  const stream = c.stream;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return false;
  if (!c.started) return false;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  return readableStreamDefaultControllerGetDesiredSize(c) > 0;
}
function readableStreamDefaultControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}
function readableStreamDefaultControllerClose(c) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  }
}
function readableStreamDefaultControllerEnqueue(c, chunk) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return;
  const stream = c.stream;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
    readableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let chunkSize;
    try {
      chunkSize = c.strategySizeAlgorithm(chunk);
    } catch (e) {
      readableStreamDefaultControllerError(c, e);
      throw e;
    }
    try {
      enqueueValueWithSize(c, chunk, chunkSize);
    } catch (e) {
      readableStreamDefaultControllerError(c, e);
      throw e;
    }
  }
  readableStreamDefaultControllerCallPullIfNeeded(c);
}
function readableStreamDefaultControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== 'readable') return;
  resetQueue(c);
  readableStreamDefaultControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}
function readableStreamDefaultControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return c.strategyHWM - c.queueTotalSize;
}
function readableStreamDefaultControllerHasBackpressure(c) {
  return !readableStreamDefaultControllerShouldCallPull(c);
}
function readableStreamDefaultControllerCanCloseOrEnqueue(c) {
  return !c.closeRequested && c.stream.state === 'readable';
}
function defaultControllerCancelSteps(c, reason) {
  resetQueue(c);
  const result = c.cancelAlgorithm(reason);
  readableStreamDefaultControllerClearAlgorithms(c);
  return result;
}
function defaultControllerPullSteps(c, req) {
  const stream = c.stream;
  if (c.queue.length > 0) {
    const chunk = dequeueValue(c);
    if (c.closeRequested && c.queue.length === 0) {
      readableStreamDefaultControllerClearAlgorithms(c);
      readableStreamClose(stream);
    } else {
      readableStreamDefaultControllerCallPullIfNeeded(c);
    }
    req.chunk(chunk);
  } else {
    readableStreamAddReadRequest(stream, req);
    readableStreamDefaultControllerCallPullIfNeeded(c);
  }
}

// ---- byte controller

function setUpReadableByteStreamController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
  c.stream = stream;
  c.pullAgain = false;
  c.pulling = false;
  c.byobRequest = null;
  resetQueue(c);
  c.closeRequested = false;
  c.started = false;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.autoAllocateChunkSize = autoAllocateChunkSize;
  c.pendingPullIntos = [];
  stream.controller = c;
  const startResult = startAlgorithm();
  upon(promiseResolvedWith(startResult), () => {
    c.started = true;
    readableByteStreamControllerCallPullIfNeeded(c);
  }, (r) => {
    readableByteStreamControllerError(c, r);
  });
}
function setUpReadableByteStreamControllerFromUnderlyingSource(stream, source, dict, highWaterMark) {
  const c = new RByteController();
  let startAlgorithm = returnUndefined;
  let pullAlgorithm = () => RESOLVED;
  let cancelAlgorithm = () => RESOLVED;
  if (dict.start !== undefined) {
    const start = dict.start;
    startAlgorithm = () => ReflectApply(start, source, [pubByteController(c)]);
  }
  if (dict.pull !== undefined) {
    const pull = dict.pull;
    pullAlgorithm = () => promiseCall(pull, source, [pubByteController(c)]);
  }
  if (dict.cancel !== undefined) {
    const cancel = dict.cancel;
    cancelAlgorithm = (reason) => promiseCall(cancel, source, [reason]);
  }
  const autoAllocateChunkSize = dict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) throw new TypeError('autoAllocateChunkSize must be greater than 0');
  setUpReadableByteStreamController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
}
function byteControllerCancelSteps(c, reason) {
  readableByteStreamControllerClearPendingPullIntos(c);
  resetQueue(c);
  const result = c.cancelAlgorithm(reason);
  readableByteStreamControllerClearAlgorithms(c);
  return result;
}
function byteControllerPullSteps(c, req) {
  const stream = c.stream;
  if (c.queueTotalSize > 0) {
    readableByteStreamControllerFillReadRequestFromQueue(c, req);
    return;
  }
  const size = c.autoAllocateChunkSize;
  if (size !== undefined) {
    let buffer;
    try {
      buffer = new ArrayBufferCtor(size);
    } catch (e) {
      req.error(e);
      return;
    }
    append(c.pendingPullIntos, {
      buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0,
      minimumFill: 1, elementSize: 1, viewConstructor: Uint8ArrayCtor, readerType: 'default',
    });
  }
  readableStreamAddReadRequest(stream, req);
  readableByteStreamControllerCallPullIfNeeded(c);
}
function byteControllerReleaseSteps(c) {
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    first.readerType = 'none';
    c.pendingPullIntos = [first];
  }
}
function readableByteStreamControllerCallPullIfNeeded(c) {
  if (!readableByteStreamControllerShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  if (c.onPulled === undefined) {
    c.onPulled = () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        readableByteStreamControllerCallPullIfNeeded(c);
      }
    };
    c.onPullFailed = (e) => { readableByteStreamControllerError(c, e); };
  }
  upon(c.pullAlgorithm(), c.onPulled, c.onPullFailed);
}
function readableByteStreamControllerShouldCallPull(c) {
  const stream = c.stream;
  if (stream.state !== 'readable') return false;
  if (c.closeRequested) return false;
  if (!c.started) return false;
  if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  if (readableStreamHasBYOBReader(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  return readableByteStreamControllerGetDesiredSize(c) > 0;
}
function readableByteStreamControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}
function readableByteStreamControllerClearPendingPullIntos(c) {
  readableByteStreamControllerInvalidateBYOBRequest(c);
  c.pendingPullIntos = [];
}
function readableByteStreamControllerClose(c) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== 'readable') return;
  if (c.queueTotalSize > 0) {
    c.closeRequested = true;
    return;
  }
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
      readableByteStreamControllerError(c, e);
      throw e;
    }
  }
  readableByteStreamControllerClearAlgorithms(c);
  readableStreamClose(stream);
}
function readableByteStreamControllerCommitPullIntoDescriptor(stream, d) {
  let done = false;
  if (stream.state === 'closed') done = true;
  const filledView = readableByteStreamControllerConvertPullIntoDescriptor(d);
  if (d.readerType === 'default') readableStreamFulfillReadRequest(stream, filledView, done);
  else readableStreamFulfillReadIntoRequest(stream, filledView, done);
}
function readableByteStreamControllerConvertPullIntoDescriptor(d) {
  const buffer = transferArrayBuffer(d.buffer);
  const Ctor = d.viewConstructor;
  return new Ctor(buffer, d.byteOffset, d.bytesFilled / d.elementSize);
}
function readableByteStreamControllerEnqueue(c, chunk) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== 'readable') return;
  const buffer = chunk.buffer;
  const byteOffset = chunk.byteOffset;
  const byteLength = chunk.byteLength;
  if (isDetached(buffer)) throw new TypeError('The chunk\'s buffer has been detached');
  const transferredBuffer = transferArrayBuffer(buffer);
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (isDetached(first.buffer)) throw new TypeError('The BYOB request\'s buffer has been detached');
    readableByteStreamControllerInvalidateBYOBRequest(c);
    first.buffer = transferArrayBuffer(first.buffer);
    if (first.readerType === 'none') readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, first);
  }
  if (readableStreamHasDefaultReader(stream)) {
    readableByteStreamControllerProcessReadRequestsUsingQueue(c);
    if (readableStreamGetNumReadRequests(stream) === 0) {
      readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    } else {
      if (c.pendingPullIntos.length > 0) readableByteStreamControllerShiftPendingPullInto(c);
      const transferredView = new Uint8ArrayCtor(transferredBuffer, byteOffset, byteLength);
      readableStreamFulfillReadRequest(stream, transferredView, false);
    }
  } else if (readableStreamHasBYOBReader(stream)) {
    readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (let i = 0; i < filled.length; i++) readableByteStreamControllerCommitPullIntoDescriptor(stream, filled[i]);
  } else {
    readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
  }
  readableByteStreamControllerCallPullIfNeeded(c);
}
function readableByteStreamControllerEnqueueChunkToQueue(c, buffer, byteOffset, byteLength) {
  c.queue.push({ buffer, byteOffset, byteLength });
  c.queueTotalSize += byteLength;
}
function readableByteStreamControllerEnqueueClonedChunkToQueue(c, buffer, byteOffset, byteLength) {
  let clone;
  try {
    clone = cloneArrayBuffer(buffer, byteOffset, byteLength);
  } catch (e) {
    readableByteStreamControllerError(c, e);
    throw e;
  }
  readableByteStreamControllerEnqueueChunkToQueue(c, clone, 0, byteLength);
}
function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, d) {
  if (d.bytesFilled > 0) readableByteStreamControllerEnqueueClonedChunkToQueue(c, d.buffer, d.byteOffset, d.bytesFilled);
  readableByteStreamControllerShiftPendingPullInto(c);
}
function readableByteStreamControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== 'readable') return;
  readableByteStreamControllerClearPendingPullIntos(c);
  resetQueue(c);
  readableByteStreamControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}
function readableByteStreamControllerFillHeadPullIntoDescriptor(c, size, d) {
  d.bytesFilled += size;
}
function readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, d) {
  const maxBytesToCopy = MathMin(c.queueTotalSize, d.byteLength - d.bytesFilled);
  const maxBytesFilled = d.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % d.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= d.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - d.bytesFilled;
    ready = true;
  }
  const queue = c.queue;
  while (totalBytesToCopyRemaining > 0) {
    const head = queue.peek();
    const bytesToCopy = MathMin(totalBytesToCopyRemaining, head.byteLength);
    const destStart = d.byteOffset + d.bytesFilled;
    copyBytes(d.buffer, destStart, head.buffer, head.byteOffset, bytesToCopy);
    if (head.byteLength === bytesToCopy) {
      queue.shift();
    } else {
      head.byteOffset += bytesToCopy;
      head.byteLength -= bytesToCopy;
    }
    c.queueTotalSize -= bytesToCopy;
    readableByteStreamControllerFillHeadPullIntoDescriptor(c, bytesToCopy, d);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}
function readableByteStreamControllerFillReadRequestFromQueue(c, req) {
  const entry = c.queue.shift();
  c.queueTotalSize -= entry.byteLength;
  readableByteStreamControllerHandleQueueDrain(c);
  const view = new Uint8ArrayCtor(entry.buffer, entry.byteOffset, entry.byteLength);
  req.chunk(view);
}
function readableByteStreamControllerGetBYOBRequest(c) {
  if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    const view = new Uint8ArrayCtor(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    c.byobRequest = new RBYOBRequest(c, view);
  }
  return c.byobRequest;
}
function readableByteStreamControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return c.strategyHWM - c.queueTotalSize;
}
function readableByteStreamControllerHandleQueueDrain(c) {
  if (c.queueTotalSize === 0 && c.closeRequested) {
    readableByteStreamControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  } else {
    readableByteStreamControllerCallPullIfNeeded(c);
  }
}
function readableByteStreamControllerInvalidateBYOBRequest(c) {
  const req = c.byobRequest;
  if (req === null) return;
  req.controller = undefined;
  req.view = null;
  c.byobRequest = null;
}
function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c) {
  const filled = [];
  while (c.pendingPullIntos.length > 0) {
    if (c.queueTotalSize === 0) break;
    const d = c.pendingPullIntos[0];
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, d)) {
      readableByteStreamControllerShiftPendingPullInto(c);
      append(filled, d);
    }
  }
  return filled;
}
function readableByteStreamControllerProcessReadRequestsUsingQueue(c) {
  const reader = c.stream.reader;
  while (reader.requests.length > 0) {
    if (c.queueTotalSize === 0) return;
    const req = reader.requests.shift();
    readableByteStreamControllerFillReadRequestFromQueue(c, req);
  }
}
function readableByteStreamControllerPullInto(c, view, min, req) {
  const stream = c.stream;
  let elementSize = 1;
  let Ctor = DataViewCtor;
  const name = typedArrayName(view);
  if (name !== undefined) {
    const info = typedArrayInfo[name];
    Ctor = info[0];
    elementSize = info[1];
  }
  const minimumFill = min * elementSize;
  const byteOffset = view.byteOffset;
  const byteLength = view.byteLength;
  let buffer;
  try {
    buffer = transferArrayBuffer(view.buffer);
  } catch (e) {
    req.error(e);
    return;
  }
  const d = {
    buffer, bufferByteLength: buffer.byteLength, byteOffset, byteLength, bytesFilled: 0,
    minimumFill, elementSize, viewConstructor: Ctor, readerType: 'byob',
  };
  if (c.pendingPullIntos.length > 0) {
    append(c.pendingPullIntos, d);
    readableStreamAddReadRequest(stream, req);
    return;
  }
  if (stream.state === 'closed') {
    req.close(new Ctor(d.buffer, d.byteOffset, 0));
    return;
  }
  if (c.queueTotalSize > 0) {
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, d)) {
      const filledView = readableByteStreamControllerConvertPullIntoDescriptor(d);
      readableByteStreamControllerHandleQueueDrain(c);
      req.chunk(filledView);
      return;
    }
    if (c.closeRequested) {
      const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
      readableByteStreamControllerError(c, e);
      req.error(e);
      return;
    }
  }
  append(c.pendingPullIntos, d);
  readableStreamAddReadRequest(stream, req);
  readableByteStreamControllerCallPullIfNeeded(c);
}
function readableByteStreamControllerRespond(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  const state = c.stream.state;
  if (state === 'closed') {
    if (bytesWritten !== 0) throw new TypeError('bytesWritten must be 0 when calling respond() on a closed stream');
  } else {
    if (bytesWritten === 0) throw new TypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError('bytesWritten out of range');
  }
  first.buffer = transferArrayBuffer(first.buffer);
  readableByteStreamControllerRespondInternal(c, bytesWritten);
}
function readableByteStreamControllerRespondInClosedState(c, first) {
  if (first.readerType === 'none') readableByteStreamControllerShiftPendingPullInto(c);
  const stream = c.stream;
  if (readableStreamHasBYOBReader(stream)) {
    const filled = [];
    while (filled.length < readableStreamGetNumReadRequests(stream)) {
      append(filled, readableByteStreamControllerShiftPendingPullInto(c));
    }
    for (let i = 0; i < filled.length; i++) readableByteStreamControllerCommitPullIntoDescriptor(stream, filled[i]);
  }
}
function readableByteStreamControllerRespondInReadableState(c, bytesWritten, d) {
  readableByteStreamControllerFillHeadPullIntoDescriptor(c, bytesWritten, d);
  if (d.readerType === 'none') {
    readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, d);
    const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (let i = 0; i < filled.length; i++) readableByteStreamControllerCommitPullIntoDescriptor(c.stream, filled[i]);
    return;
  }
  if (d.bytesFilled < d.minimumFill) return;
  readableByteStreamControllerShiftPendingPullInto(c);
  const remainderSize = d.bytesFilled % d.elementSize;
  if (remainderSize > 0) {
    const end = d.byteOffset + d.bytesFilled;
    readableByteStreamControllerEnqueueClonedChunkToQueue(c, d.buffer, end - remainderSize, remainderSize);
  }
  d.bytesFilled -= remainderSize;
  const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
  readableByteStreamControllerCommitPullIntoDescriptor(c.stream, d);
  for (let i = 0; i < filled.length; i++) readableByteStreamControllerCommitPullIntoDescriptor(c.stream, filled[i]);
}
function readableByteStreamControllerRespondInternal(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  readableByteStreamControllerInvalidateBYOBRequest(c);
  if (c.stream.state === 'closed') readableByteStreamControllerRespondInClosedState(c, first);
  else readableByteStreamControllerRespondInReadableState(c, bytesWritten, first);
  readableByteStreamControllerCallPullIfNeeded(c);
}
function readableByteStreamControllerRespondWithNewView(c, view) {
  const first = c.pendingPullIntos[0];
  const state = c.stream.state;
  if (state === 'closed') {
    if (view.byteLength !== 0) throw new TypeError('The view\'s length must be 0 when calling respondWithNewView() on a closed stream');
  } else if (view.byteLength === 0) {
    throw new TypeError('The view\'s length must be greater than 0 when calling respondWithNewView() on a readable stream');
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw new RangeError('The region specified by view does not match byobRequest');
  if (first.bufferByteLength !== view.buffer.byteLength) throw new RangeError('The buffer of view has different capacity than byobRequest');
  if (first.bytesFilled + view.byteLength > first.byteLength) throw new RangeError('The region specified by view is larger than byobRequest');
  const viewByteLength = view.byteLength;
  first.buffer = transferArrayBuffer(view.buffer);
  readableByteStreamControllerRespondInternal(c, viewByteLength);
}
function readableByteStreamControllerShiftPendingPullInto(c) {
  return arrayShift(c.pendingPullIntos);
}

// ================================================================ WritableStream

const CLOSE_SENTINEL = {};

class WStream {
  constructor() {
    this.state = 'writable';
    this.storedError = undefined;
    this.writer = undefined;
    this.controller = undefined;
    this.inFlightWriteRequest = undefined;
    this.closeRequest = undefined;
    this.inFlightCloseRequest = undefined;
    this.pendingAbortRequest = undefined;
    this.writeRequests = new Queue();
    this.backpressure = false;
    this.pub = undefined;
  }
}
class WWriter {
  constructor() { this.stream = undefined; this.ready = undefined; this.closed = undefined; this.pub = undefined; }
}
class WController {
  constructor() {
    this.stream = undefined;
    this.queue = undefined;
    this.queueTotalSize = 0;
    this.started = false;
    this.strategySizeAlgorithm = undefined;
    this.strategyHWM = 1;
    this.writeAlgorithm = undefined;
    this.closeAlgorithm = undefined;
    this.abortAlgorithm = undefined;
    this.abortController = undefined; // created lazily, when signal is first read
    this.aborted = false;
    this.abortReason = undefined;
    this.onWritten = undefined;
    this.onWriteFailed = undefined;
    this.pub = undefined;
  }
}

let wsOf, writerOf, wsControllerOf, pubWS, pubWriter, pubWSController;

class WritableStream {
  #i;
  static {
    wsOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubWS = (s) => s.pub || new WritableStream(INTERNAL, s);
  }
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === INTERNAL) { this.#i = strategy; strategy.pub = this; return; }
    if (underlyingSink !== undefined && !isObject(underlyingSink)) {
      throw new TypeError('Failed to construct \'WritableStream\': the underlying sink must be an object');
    }
    const strat = toQueuingStrategy(strategy);
    const sink = toDict(underlyingSink, 'The underlying sink');
    const dict = { abort: undefined, close: undefined, start: undefined, type: undefined, write: undefined };
    if (sink !== undefined) {
      dict.abort = toCallback(sink.abort, 'The underlying sink abort');
      dict.close = toCallback(sink.close, 'The underlying sink close');
      dict.start = toCallback(sink.start, 'The underlying sink start');
      dict.type = sink.type;
      dict.write = toCallback(sink.write, 'The underlying sink write');
    }
    if (dict.type !== undefined) throw new RangeError('Invalid type is specified');
    const s = new WStream();
    this.#i = s;
    s.pub = this;
    const sizeAlgorithm = extractSizeAlgorithm(strat);
    const hwm = extractHighWaterMark(strat, 1);
    setUpWritableStreamDefaultControllerFromUnderlyingSink(s, sink, dict, hwm, sizeAlgorithm);
  }
  get locked() {
    const s = wsOf(this);
    if (s === undefined) throw illegal('WritableStream');
    return isWritableStreamLocked(s);
  }
  abort(reason = undefined) {
    const s = wsOf(this);
    if (s === undefined) return rejected(illegal('WritableStream'));
    if (isWritableStreamLocked(s)) return rejected(new TypeError('Cannot abort a WritableStream that is locked to a writer'));
    return writableStreamAbort(s, reason);
  }
  close() {
    const s = wsOf(this);
    if (s === undefined) return rejected(illegal('WritableStream'));
    if (isWritableStreamLocked(s)) return rejected(new TypeError('Cannot close a WritableStream that is locked to a writer'));
    if (writableStreamCloseQueuedOrInFlight(s)) return rejected(new TypeError('Cannot close a WritableStream that is already closing'));
    return writableStreamClose(s);
  }
  getWriter() {
    const s = wsOf(this);
    if (s === undefined) throw illegal('WritableStream');
    return pubWriter(acquireWritableStreamDefaultWriter(s));
  }
}

class WritableStreamDefaultWriter {
  #i;
  static {
    writerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubWriter = (w) => w.pub || new WritableStreamDefaultWriter(INTERNAL, w);
  }
  constructor(stream, internal = undefined) {
    if (stream === INTERNAL) { this.#i = internal; internal.pub = this; return; }
    const s = wsOf(stream);
    if (s === undefined) throw new TypeError('Failed to construct \'WritableStreamDefaultWriter\': the argument is not a WritableStream');
    const w = new WWriter();
    setUpWritableStreamDefaultWriter(w, s);
    this.#i = w;
    w.pub = this;
  }
  get closed() {
    const w = writerOf(this);
    if (w === undefined) return rejected(illegal('WritableStreamDefaultWriter'));
    return w.closed.p;
  }
  get desiredSize() {
    const w = writerOf(this);
    if (w === undefined) throw illegal('WritableStreamDefaultWriter');
    if (w.stream === undefined) throw new TypeError('The writer has been released');
    return writableStreamDefaultWriterGetDesiredSize(w);
  }
  get ready() {
    const w = writerOf(this);
    if (w === undefined) return rejected(illegal('WritableStreamDefaultWriter'));
    return w.ready.p;
  }
  abort(reason = undefined) {
    const w = writerOf(this);
    if (w === undefined) return rejected(illegal('WritableStreamDefaultWriter'));
    if (w.stream === undefined) return rejected(new TypeError('The writer has been released'));
    return writableStreamAbort(w.stream, reason);
  }
  close() {
    const w = writerOf(this);
    if (w === undefined) return rejected(illegal('WritableStreamDefaultWriter'));
    const s = w.stream;
    if (s === undefined) return rejected(new TypeError('The writer has been released'));
    if (writableStreamCloseQueuedOrInFlight(s)) return rejected(new TypeError('The stream is already closing'));
    return writableStreamClose(s);
  }
  releaseLock() {
    const w = writerOf(this);
    if (w === undefined) throw illegal('WritableStreamDefaultWriter');
    if (w.stream === undefined) return;
    writableStreamDefaultWriterRelease(w);
  }
  write(chunk = undefined) {
    const w = writerOf(this);
    if (w === undefined) return rejected(illegal('WritableStreamDefaultWriter'));
    if (w.stream === undefined) return rejected(new TypeError('The writer has been released'));
    return writableStreamDefaultWriterWrite(w, chunk);
  }
}

class WritableStreamDefaultController {
  #i;
  static {
    wsControllerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubWSController = (c) => c.pub || new WritableStreamDefaultController(INTERNAL, c);
  }
  constructor(a = undefined, b = undefined) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
    b.pub = this;
  }
  get signal() {
    const c = wsControllerOf(this);
    if (c === undefined) throw illegal('WritableStreamDefaultController');
    if (c.abortController === undefined) {
      const AC = globalObj.AbortController;
      if (typeof AC !== 'function') throw new TypeError('WritableStreamDefaultController.signal requires AbortController');
      c.abortController = new AC();
      if (c.aborted) c.abortController.abort(c.abortReason);
    }
    return c.abortController.signal;
  }
  error(e = undefined) {
    const c = wsControllerOf(this);
    if (c === undefined) throw illegal('WritableStreamDefaultController');
    if (c.stream.state !== 'writable') return;
    writableStreamDefaultControllerError(c, e);
  }
}

function acquireWritableStreamDefaultWriter(stream) {
  const w = new WWriter();
  setUpWritableStreamDefaultWriter(w, stream);
  return w;
}
function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  const stream = new WStream();
  const c = new WController();
  setUpWritableStreamDefaultController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}
function isWritableStreamLocked(stream) { return stream.writer !== undefined; }

function signalAbort(c, reason) {
  if (c.aborted) return;
  c.aborted = true;
  c.abortReason = reason;
  if (c.abortController !== undefined) c.abortController.abort(reason);
}
function writableStreamAbort(stream, reason) {
  if (stream.state === 'closed' || stream.state === 'errored') return resolved(undefined);
  signalAbort(stream.controller, reason);
  const state = stream.state;
  if (state === 'closed' || state === 'errored') return resolved(undefined);
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.d.p;
  let wasAlreadyErroring = false;
  if (state === 'erroring') {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = new Deferred();
  stream.pendingAbortRequest = { d, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return d.p;
}
function writableStreamClose(stream) {
  const state = stream.state;
  if (state === 'closed' || state === 'errored') {
    return rejected(new TypeError('The stream is not in the writable state and cannot be closed'));
  }
  const d = new Deferred();
  stream.closeRequest = d;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === 'writable') writer.ready.resolve(undefined);
  writableStreamDefaultControllerClose(stream.controller);
  return d.p;
}
function writableStreamAddWriteRequest(stream) {
  const d = new Deferred();
  stream.writeRequests.push(d);
  return d.p;
}
function writableStreamCloseQueuedOrInFlight(stream) {
  return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}
function writableStreamDealWithRejection(stream, error) {
  if (stream.state === 'writable') {
    writableStreamStartErroring(stream, error);
    return;
  }
  writableStreamFinishErroring(stream);
}
function writableStreamFinishErroring(stream) {
  stream.state = 'errored';
  resetQueue(stream.controller);
  const storedError = stream.storedError;
  const reqs = stream.writeRequests.drain();
  for (let i = 0; i < reqs.length; i++) reqs[i].reject(storedError);
  const abortRequest = stream.pendingAbortRequest;
  if (abortRequest === undefined) {
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.d.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const c = stream.controller;
  const promise = c.abortAlgorithm(abortRequest.reason);
  writableStreamDefaultControllerClearAlgorithms(c);
  upon(promise, () => {
    abortRequest.d.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.d.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  });
}
function writableStreamFinishInFlightClose(stream) {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === 'erroring') {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.d.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = 'closed';
  const writer = stream.writer;
  if (writer !== undefined) writer.closed.resolve(undefined);
}
function writableStreamFinishInFlightCloseWithError(stream, error) {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.d.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  writableStreamDealWithRejection(stream, error);
}
function writableStreamFinishInFlightWrite(stream) {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
}
function writableStreamFinishInFlightWriteWithError(stream, error) {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  writableStreamDealWithRejection(stream, error);
}
function writableStreamHasOperationMarkedInFlight(stream) {
  return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}
function writableStreamMarkCloseRequestInFlight(stream) {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
}
function writableStreamMarkFirstWriteRequestInFlight(stream) {
  stream.inFlightWriteRequest = stream.writeRequests.shift();
}
function writableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closed.reject(stream.storedError);
    setHandled(writer.closed.p);
  }
}
function writableStreamStartErroring(stream, reason) {
  const c = stream.controller;
  stream.state = 'erroring';
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(stream) && c.started) writableStreamFinishErroring(stream);
}
function writableStreamUpdateBackpressure(stream, backpressure) {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) writer.ready = new Deferred();
    else writer.ready.resolve(undefined);
  }
  stream.backpressure = backpressure;
}

function setUpWritableStreamDefaultWriter(writer, stream) {
  if (isWritableStreamLocked(stream)) throw new TypeError('The WritableStream is already locked to a writer');
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  if (state === 'writable') {
    if (!writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure) writer.ready = new Deferred();
    else writer.ready = settledDeferred(resolved(undefined));
    writer.closed = new Deferred();
  } else if (state === 'erroring') {
    writer.ready = settledDeferred(rejected(stream.storedError));
    setHandled(writer.ready.p);
    writer.closed = new Deferred();
  } else if (state === 'closed') {
    writer.ready = settledDeferred(resolved(undefined));
    writer.closed = settledDeferred(resolved(undefined));
  } else {
    const e = stream.storedError;
    writer.ready = settledDeferred(rejected(e));
    setHandled(writer.ready.p);
    writer.closed = settledDeferred(rejected(e));
    setHandled(writer.closed.p);
  }
}
function writableStreamDefaultWriterCloseWithErrorPropagation(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') return resolved(undefined);
  if (state === 'errored') return rejected(stream.storedError);
  return writableStreamClose(stream);
}
function writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
  if (!writer.closed.settled) writer.closed.reject(error);
  else writer.closed = settledDeferred(rejected(error));
  setHandled(writer.closed.p);
}
function writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
  if (!writer.ready.settled) writer.ready.reject(error);
  else writer.ready = settledDeferred(rejected(error));
  setHandled(writer.ready.p);
}
function writableStreamDefaultWriterGetDesiredSize(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (state === 'errored' || state === 'erroring') return null;
  if (state === 'closed') return 0;
  return writableStreamDefaultControllerGetDesiredSize(stream.controller);
}
function writableStreamDefaultWriterRelease(writer) {
  const stream = writer.stream;
  const releasedError = new TypeError('The writer\'s lock was released');
  writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
  writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
}
function writableStreamDefaultWriterWrite(writer, chunk) {
  const stream = writer.stream;
  const c = stream.controller;
  const chunkSize = writableStreamDefaultControllerGetChunkSize(c, chunk);
  if (stream !== writer.stream) return rejected(new TypeError('The writer was released while computing the chunk size'));
  const state = stream.state;
  if (state === 'errored') return rejected(stream.storedError);
  if (writableStreamCloseQueuedOrInFlight(stream) || state === 'closed') {
    return rejected(new TypeError('The stream is closing or closed and cannot be written to'));
  }
  if (state === 'erroring') return rejected(stream.storedError);
  const promise = writableStreamAddWriteRequest(stream);
  writableStreamDefaultControllerWrite(c, chunk, chunkSize);
  return promise;
}

function setUpWritableStreamDefaultController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  resetQueue(c);
  c.started = false;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.writeAlgorithm = writeAlgorithm;
  c.closeAlgorithm = closeAlgorithm;
  c.abortAlgorithm = abortAlgorithm;
  writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
  const startResult = startAlgorithm();
  upon(promiseResolvedWith(startResult), () => {
    c.started = true;
    writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
  }, (r) => {
    c.started = true;
    writableStreamDealWithRejection(stream, r);
  });
}
function setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, sink, dict, highWaterMark, sizeAlgorithm) {
  const c = new WController();
  let startAlgorithm = returnUndefined;
  let writeAlgorithm = () => RESOLVED;
  let closeAlgorithm = () => RESOLVED;
  let abortAlgorithm = () => RESOLVED;
  if (dict.start !== undefined) {
    const start = dict.start;
    startAlgorithm = () => ReflectApply(start, sink, [pubWSController(c)]);
  }
  if (dict.write !== undefined) {
    const write = dict.write;
    writeAlgorithm = (chunk) => promiseCall(write, sink, [chunk, pubWSController(c)]);
  }
  if (dict.close !== undefined) {
    const close = dict.close;
    closeAlgorithm = () => promiseCall(close, sink, []);
  }
  if (dict.abort !== undefined) {
    const abort = dict.abort;
    abortAlgorithm = (reason) => promiseCall(abort, sink, [reason]);
  }
  setUpWritableStreamDefaultController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
}
function writableStreamDefaultControllerAdvanceQueueIfNeeded(c) {
  const stream = c.stream;
  if (!c.started) return;
  if (stream.inFlightWriteRequest !== undefined) return;
  const state = stream.state;
  if (state === 'erroring') {
    writableStreamFinishErroring(stream);
    return;
  }
  if (c.queue.length === 0) return;
  const value = peekQueueValue(c);
  if (value === CLOSE_SENTINEL) writableStreamDefaultControllerProcessClose(c);
  else writableStreamDefaultControllerProcessWrite(c, value);
}
function writableStreamDefaultControllerClearAlgorithms(c) {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}
function writableStreamDefaultControllerClose(c) {
  enqueueValueWithSize(c, CLOSE_SENTINEL, 0);
  writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
}
function writableStreamDefaultControllerError(c, error) {
  writableStreamDefaultControllerClearAlgorithms(c);
  writableStreamStartErroring(c.stream, error);
}
function writableStreamDefaultControllerErrorIfNeeded(c, error) {
  if (c.stream.state === 'writable') writableStreamDefaultControllerError(c, error);
}
function writableStreamDefaultControllerGetBackpressure(c) {
  return writableStreamDefaultControllerGetDesiredSize(c) <= 0;
}
function writableStreamDefaultControllerGetChunkSize(c, chunk) {
  if (c.strategySizeAlgorithm === undefined) return 1;
  try {
    return c.strategySizeAlgorithm(chunk);
  } catch (e) {
    writableStreamDefaultControllerErrorIfNeeded(c, e);
    return 1;
  }
}
function writableStreamDefaultControllerGetDesiredSize(c) {
  return c.strategyHWM - c.queueTotalSize;
}
function writableStreamDefaultControllerProcessClose(c) {
  const stream = c.stream;
  writableStreamMarkCloseRequestInFlight(stream);
  dequeueValue(c);
  const sinkClosePromise = c.closeAlgorithm();
  writableStreamDefaultControllerClearAlgorithms(c);
  upon(sinkClosePromise, () => {
    writableStreamFinishInFlightClose(stream);
  }, (reason) => {
    writableStreamFinishInFlightCloseWithError(stream, reason);
  });
}
function writableStreamDefaultControllerProcessWrite(c, chunk) {
  const stream = c.stream;
  writableStreamMarkFirstWriteRequestInFlight(stream);
  if (c.onWritten === undefined) {
    // The reactions are made once per controller: this is the hot path.
    c.onWritten = () => {
      writableStreamFinishInFlightWrite(stream);
      const state = stream.state;
      dequeueValue(c);
      if (!writableStreamCloseQueuedOrInFlight(stream) && state === 'writable') {
        writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
      }
      writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
    };
    c.onWriteFailed = (reason) => {
      if (stream.state === 'writable') writableStreamDefaultControllerClearAlgorithms(c);
      writableStreamFinishInFlightWriteWithError(stream, reason);
    };
  }
  upon(c.writeAlgorithm(chunk), c.onWritten, c.onWriteFailed);
}
function writableStreamDefaultControllerWrite(c, chunk, chunkSize) {
  try {
    enqueueValueWithSize(c, chunk, chunkSize);
  } catch (e) {
    writableStreamDefaultControllerErrorIfNeeded(c, e);
    return;
  }
  const stream = c.stream;
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === 'writable') {
    writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
  }
  writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
}

// ================================================================ TransformStream

class TStream {
  constructor() {
    this.readable = undefined;
    this.writable = undefined;
    this.backpressure = undefined;
    this.backpressureChangePromise = undefined;
    this.controller = undefined;
    this.pub = undefined;
  }
}
class TController {
  constructor() {
    this.stream = undefined;
    this.transformAlgorithm = undefined;
    this.flushAlgorithm = undefined;
    this.cancelAlgorithm = undefined;
    this.finishPromise = undefined;
    this.pub = undefined;
  }
}

let tsOf, tsControllerOf, pubTSController;

class TransformStream {
  #i;
  static { tsOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined; }
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer === INTERNAL) { this.#i = writableStrategy; writableStrategy.pub = this; return; }
    if (transformer !== undefined && !isObject(transformer)) {
      throw new TypeError('Failed to construct \'TransformStream\': the transformer must be an object');
    }
    const wStrat = toQueuingStrategy(writableStrategy);
    const rStrat = toQueuingStrategy(readableStrategy);
    const t = toDict(transformer, 'The transformer');
    const dict = { cancel: undefined, flush: undefined, readableType: undefined, start: undefined, transform: undefined, writableType: undefined };
    if (t !== undefined) {
      dict.cancel = toCallback(t.cancel, 'The transformer cancel');
      dict.flush = toCallback(t.flush, 'The transformer flush');
      dict.readableType = t.readableType;
      dict.start = toCallback(t.start, 'The transformer start');
      dict.transform = toCallback(t.transform, 'The transformer transform');
      dict.writableType = t.writableType;
    }
    if (dict.readableType !== undefined) throw new RangeError('Invalid readableType specified');
    if (dict.writableType !== undefined) throw new RangeError('Invalid writableType specified');
    const readableHighWaterMark = extractHighWaterMark(rStrat, 0);
    const readableSizeAlgorithm = extractSizeAlgorithm(rStrat);
    const writableHighWaterMark = extractHighWaterMark(wStrat, 1);
    const writableSizeAlgorithm = extractSizeAlgorithm(wStrat);
    const s = new TStream();
    this.#i = s;
    s.pub = this;
    const startPromise = new Deferred();
    initializeTransformStream(s, startPromise.p, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm);
    setUpTransformStreamDefaultControllerFromTransformer(s, t, dict);
    if (dict.start !== undefined) {
      startPromise.resolve(ReflectApply(dict.start, t, [pubTSController(s.controller)]));
    } else {
      startPromise.resolve(undefined);
    }
  }
  get readable() {
    const s = tsOf(this);
    if (s === undefined) throw illegal('TransformStream');
    return pubRS(s.readable);
  }
  get writable() {
    const s = tsOf(this);
    if (s === undefined) throw illegal('TransformStream');
    return pubWS(s.writable);
  }
}

class TransformStreamDefaultController {
  #i;
  static {
    tsControllerOf = (o) => (isObject(o) && #i in o) ? o.#i : undefined;
    pubTSController = (c) => c.pub || new TransformStreamDefaultController(INTERNAL, c);
  }
  constructor(a = undefined, b = undefined) {
    if (a !== INTERNAL) throw new TypeError('Illegal constructor');
    this.#i = b;
    b.pub = this;
  }
  get desiredSize() {
    const c = tsControllerOf(this);
    if (c === undefined) throw illegal('TransformStreamDefaultController');
    return readableStreamDefaultControllerGetDesiredSize(c.stream.readable.controller);
  }
  enqueue(chunk = undefined) {
    const c = tsControllerOf(this);
    if (c === undefined) throw illegal('TransformStreamDefaultController');
    transformStreamDefaultControllerEnqueue(c, chunk);
  }
  error(reason = undefined) {
    const c = tsControllerOf(this);
    if (c === undefined) throw illegal('TransformStreamDefaultController');
    transformStreamError(c.stream, reason);
  }
  terminate() {
    const c = tsControllerOf(this);
    if (c === undefined) throw illegal('TransformStreamDefaultController');
    transformStreamDefaultControllerTerminate(c);
  }
}

function initializeTransformStream(stream, startPromise, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm) {
  const startAlgorithm = () => startPromise;
  stream.writable = createWritableStream(startAlgorithm,
    (chunk) => transformStreamDefaultSinkWriteAlgorithm(stream, chunk),
    () => transformStreamDefaultSinkCloseAlgorithm(stream),
    (reason) => transformStreamDefaultSinkAbortAlgorithm(stream, reason),
    writableHighWaterMark, writableSizeAlgorithm);
  stream.readable = createReadableStream(startAlgorithm,
    () => transformStreamDefaultSourcePullAlgorithm(stream),
    (reason) => transformStreamDefaultSourceCancelAlgorithm(stream, reason),
    readableHighWaterMark, readableSizeAlgorithm);
  stream.backpressure = undefined;
  stream.backpressureChangePromise = undefined;
  transformStreamSetBackpressure(stream, true);
  stream.controller = undefined;
}
function transformStreamError(stream, e) {
  readableStreamDefaultControllerError(stream.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(stream, e);
}
function transformStreamErrorWritableAndUnblockWrite(stream, e) {
  transformStreamDefaultControllerClearAlgorithms(stream.controller);
  writableStreamDefaultControllerErrorIfNeeded(stream.writable.controller, e);
  transformStreamUnblockWrite(stream);
}
function transformStreamUnblockWrite(stream) {
  if (stream.backpressure) transformStreamSetBackpressure(stream, false);
}
function transformStreamSetBackpressure(stream, backpressure) {
  if (stream.backpressureChangePromise !== undefined) stream.backpressureChangePromise.resolve(undefined);
  stream.backpressureChangePromise = new Deferred();
  stream.backpressure = backpressure;
}
function setUpTransformStreamDefaultController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  c.transformAlgorithm = transformAlgorithm;
  c.flushAlgorithm = flushAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
}
function setUpTransformStreamDefaultControllerFromTransformer(stream, transformer, dict) {
  const c = new TController();
  let transformAlgorithm = (chunk) => {
    try {
      transformStreamDefaultControllerEnqueue(c, chunk);
      return RESOLVED;
    } catch (e) {
      return rejected(e);
    }
  };
  let flushAlgorithm = () => RESOLVED;
  let cancelAlgorithm = () => RESOLVED;
  if (dict.transform !== undefined) {
    const transform = dict.transform;
    transformAlgorithm = (chunk) => promiseCall(transform, transformer, [chunk, pubTSController(c)]);
  }
  if (dict.flush !== undefined) {
    const flush = dict.flush;
    flushAlgorithm = () => promiseCall(flush, transformer, [pubTSController(c)]);
  }
  if (dict.cancel !== undefined) {
    const cancel = dict.cancel;
    cancelAlgorithm = (reason) => promiseCall(cancel, transformer, [reason]);
  }
  setUpTransformStreamDefaultController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
}
function transformStreamDefaultControllerClearAlgorithms(c) {
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}
function transformStreamDefaultControllerEnqueue(c, chunk) {
  const stream = c.stream;
  const rc = stream.readable.controller;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(rc)) {
    throw new TypeError('The readable side of the TransformStream is not in a state that permits enqueue');
  }
  try {
    readableStreamDefaultControllerEnqueue(rc, chunk);
  } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(stream, e);
    throw stream.readable.storedError;
  }
  const backpressure = readableStreamDefaultControllerHasBackpressure(rc);
  if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
}
function transformStreamDefaultControllerPerformTransform(c, chunk) {
  return upon(c.transformAlgorithm(chunk), undefined, (r) => {
    transformStreamError(c.stream, r);
    throw r;
  });
}
function transformStreamDefaultControllerTerminate(c) {
  const stream = c.stream;
  readableStreamDefaultControllerClose(stream.readable.controller);
  transformStreamErrorWritableAndUnblockWrite(stream, new TypeError('The TransformStream has been terminated'));
}
function transformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
  const c = stream.controller;
  if (stream.backpressure) {
    return upon(stream.backpressureChangePromise.p, () => {
      const writable = stream.writable;
      if (writable.state === 'erroring') throw writable.storedError;
      return transformStreamDefaultControllerPerformTransform(c, chunk);
    });
  }
  return transformStreamDefaultControllerPerformTransform(c, chunk);
}
function transformStreamDefaultSinkAbortAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.p;
  const readable = stream.readable;
  const finish = c.finishPromise = new Deferred();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(c);
  upon(cancelPromise, () => {
    if (readable.state === 'errored') {
      finish.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerError(readable.controller, reason);
      finish.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.p;
}
function transformStreamDefaultSinkCloseAlgorithm(stream) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.p;
  const readable = stream.readable;
  const finish = c.finishPromise = new Deferred();
  const flushPromise = c.flushAlgorithm();
  transformStreamDefaultControllerClearAlgorithms(c);
  upon(flushPromise, () => {
    if (readable.state === 'errored') {
      finish.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerClose(readable.controller);
      finish.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.p;
}
function transformStreamDefaultSourcePullAlgorithm(stream) {
  transformStreamSetBackpressure(stream, false);
  return stream.backpressureChangePromise.p;
}
function transformStreamDefaultSourceCancelAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.p;
  const writable = stream.writable;
  const finish = c.finishPromise = new Deferred();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(c);
  upon(cancelPromise, () => {
    if (writable.state === 'errored') {
      finish.reject(writable.storedError);
    } else {
      writableStreamDefaultControllerErrorIfNeeded(writable.controller, reason);
      transformStreamUnblockWrite(stream);
      finish.resolve(undefined);
    }
  }, (r) => {
    writableStreamDefaultControllerErrorIfNeeded(writable.controller, r);
    transformStreamUnblockWrite(stream);
    finish.reject(r);
  });
  return finish.p;
}

// Creates a TransformStream record from internal algorithms (no public
// transformer object): used by the encoding and compression streams.
function createTransformStream(transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  const s = new TStream();
  initializeTransformStream(s, RESOLVED, 1, sizeOne, 0, sizeOne);
  const c = new TController();
  setUpTransformStreamDefaultController(s, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
  return s;
}

// ================================================================ queuing strategies

function toQueuingStrategyInit(init, iface) {
  const d = toDict(init, 'The ' + iface + ' init');
  const hwm = d === undefined ? undefined : d.highWaterMark;
  if (hwm === undefined) throw new TypeError('Failed to construct \'' + iface + '\': highWaterMark is required');
  return +hwm;
}
const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;
const countSize = { size() { return 1; } }.size;
let blqsOf, cqsOf;
class ByteLengthQueuingStrategy {
  #hwm;
  static { blqsOf = (o) => (isObject(o) && #hwm in o) ? o : undefined; }
  constructor(init) { this.#hwm = toQueuingStrategyInit(init, 'ByteLengthQueuingStrategy'); }
  get highWaterMark() {
    if (blqsOf(this) === undefined) throw illegal('ByteLengthQueuingStrategy');
    return this.#hwm;
  }
  get size() {
    if (blqsOf(this) === undefined) throw illegal('ByteLengthQueuingStrategy');
    return byteLengthSize;
  }
}
class CountQueuingStrategy {
  #hwm;
  static { cqsOf = (o) => (isObject(o) && #hwm in o) ? o : undefined; }
  constructor(init) { this.#hwm = toQueuingStrategyInit(init, 'CountQueuingStrategy'); }
  get highWaterMark() {
    if (cqsOf(this) === undefined) throw illegal('CountQueuingStrategy');
    return this.#hwm;
  }
  get size() {
    if (cqsOf(this) === undefined) throw illegal('CountQueuingStrategy');
    return countSize;
  }
}

// ================================================================ GenericTransformStream classes

function bufferSourceBytes(chunk, what) {
  if (isView(chunk)) return [chunk.buffer, chunk.byteOffset, chunk.byteLength];
  if (N.isArrayBuffer(chunk)) return [chunk, 0, chunk.byteLength];
  throw new TypeError(what + ': chunks must be an ArrayBuffer or ArrayBufferView');
}

let tesOf, tdsOf, csOf, dsOf;
class TextEncoderStream {
  #s; #enc; #pending = '';
  static { tesOf = (o) => (isObject(o) && #s in o) ? o : undefined; }
  constructor() {
    const TE = globalObj.TextEncoder;
    if (typeof TE !== 'function') throw new TypeError('TextEncoderStream requires TextEncoder');
    this.#enc = new TE();
    this.#s = createTransformStream((chunk) => {
      try {
        let str = String(chunk);
        if (this.#pending !== '') { str = this.#pending + str; this.#pending = ''; }
        if (str.length > 0) {
          const last = str.charCodeAt(str.length - 1);
          if (last >= 0xD800 && last <= 0xDBFF) { this.#pending = str[str.length - 1]; str = str.slice(0, -1); }
        }
        if (str.length > 0) transformStreamDefaultControllerEnqueue(this.#s.controller, this.#enc.encode(str));
        return RESOLVED;
      } catch (e) { return rejected(e); }
    }, () => {
      try {
        if (this.#pending !== '') {
          this.#pending = '';
          transformStreamDefaultControllerEnqueue(this.#s.controller, new Uint8ArrayCtor([0xEF, 0xBF, 0xBD]));
        }
        return RESOLVED;
      } catch (e) { return rejected(e); }
    }, () => RESOLVED);
  }
  get encoding() { if (tesOf(this) === undefined) throw illegal('TextEncoderStream'); return 'utf-8'; }
  get readable() { if (tesOf(this) === undefined) throw illegal('TextEncoderStream'); return pubRS(this.#s.readable); }
  get writable() { if (tesOf(this) === undefined) throw illegal('TextEncoderStream'); return pubWS(this.#s.writable); }
}

class TextDecoderStream {
  #s; #dec;
  static { tdsOf = (o) => (isObject(o) && #s in o) ? o : undefined; }
  constructor(label = undefined, options = undefined) {
    const TD = globalObj.TextDecoder;
    if (typeof TD !== 'function') throw new TypeError('TextDecoderStream requires TextDecoder');
    const dec = this.#dec = new TD(label === undefined ? 'utf-8' : label, options);
    const streamOpt = { stream: true };
    this.#s = createTransformStream((chunk) => {
      try {
        if (!isView(chunk) && !N.isArrayBuffer(chunk)) throw new TypeError('TextDecoderStream: chunks must be an ArrayBuffer or ArrayBufferView');
        // decode() reads a detached buffer as no bytes (WebIDL "get a copy
        // of the bytes"), so a transferred chunk gives no output.
        const out = dec.decode(chunk, streamOpt);
        if (out !== '') transformStreamDefaultControllerEnqueue(this.#s.controller, out);
        return RESOLVED;
      } catch (e) { return rejected(e); }
    }, () => {
      try {
        const out = dec.decode();
        if (out !== '') transformStreamDefaultControllerEnqueue(this.#s.controller, out);
        return RESOLVED;
      } catch (e) { return rejected(e); }
    }, () => RESOLVED);
  }
  get encoding() { if (tdsOf(this) === undefined) throw illegal('TextDecoderStream'); return this.#dec.encoding; }
  get fatal() { if (tdsOf(this) === undefined) throw illegal('TextDecoderStream'); return this.#dec.fatal; }
  get ignoreBOM() { if (tdsOf(this) === undefined) throw illegal('TextDecoderStream'); return this.#dec.ignoreBOM; }
  get readable() { if (tdsOf(this) === undefined) throw illegal('TextDecoderStream'); return pubRS(this.#s.readable); }
  get writable() { if (tdsOf(this) === undefined) throw illegal('TextDecoderStream'); return pubWS(this.#s.writable); }
}

// Compression: the Go native codec h has write(ab, off, len), finish() and
// resume(), each returning an array of ArrayBuffers (possibly empty), and
// pending(), true when it paused with more output to come (a decompressor
// produces at most 64 KiB before pausing). It throws a TypeError on corrupt
// input. Pending output is produced only as the readable side asks for it.
function codecTransformStream(h, what) {
  let s;
  const pump = (outs) => {
    for (;;) {
      for (let i = 0; i < outs.length; i++) {
        transformStreamDefaultControllerEnqueue(s.controller, new Uint8ArrayCtor(outs[i]));
      }
      if (!h.pending()) return undefined;
      if (s.backpressure) return upon(s.backpressureChangePromise.p, () => pump(h.resume()));
      outs = h.resume();
    }
  };
  s = createTransformStream((chunk) => {
    try {
      const b = bufferSourceBytes(chunk, what);
      return promiseResolve(pump(h.write(b[0], b[1], b[2])));
    } catch (e) { return rejected(e); }
  }, () => {
    try {
      return promiseResolve(pump(h.finish()));
    } catch (e) { return rejected(e); }
  }, () => { h.close(); return RESOLVED; });
  return s;
}
class CompressionStream {
  #s;
  static { csOf = (o) => (isObject(o) && #s in o) ? o : undefined; }
  constructor(format) {
    if (arguments.length < 1) throw new TypeError('Failed to construct \'CompressionStream\': 1 argument required');
    this.#s = codecTransformStream(N.newCodec(String(format), true), 'CompressionStream');
  }
  get readable() { if (csOf(this) === undefined) throw illegal('CompressionStream'); return pubRS(this.#s.readable); }
  get writable() { if (csOf(this) === undefined) throw illegal('CompressionStream'); return pubWS(this.#s.writable); }
}
class DecompressionStream {
  #s;
  static { dsOf = (o) => (isObject(o) && #s in o) ? o : undefined; }
  constructor(format) {
    if (arguments.length < 1) throw new TypeError('Failed to construct \'DecompressionStream\': 1 argument required');
    this.#s = codecTransformStream(N.newCodec(String(format), false), 'DecompressionStream');
  }
  get readable() { if (dsOf(this) === undefined) throw illegal('DecompressionStream'); return pubRS(this.#s.readable); }
  get writable() { if (dsOf(this) === undefined) throw illegal('DecompressionStream'); return pubWS(this.#s.writable); }
}

// ================================================================ WebIDL shaping

function finishClass(C, name) {
  const proto = C.prototype;
  const keys = ReflectOwnKeys(proto);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === 'constructor') continue;
    const desc = ObjectGetOwnPropertyDescriptor(proto, k);
    desc.enumerable = true;
    ObjectDefineProperty(proto, k, desc);
  }
  const skeys = ReflectOwnKeys(C);
  for (let i = 0; i < skeys.length; i++) {
    const k = skeys[i];
    if (k === 'length' || k === 'name' || k === 'prototype') continue;
    const desc = ObjectGetOwnPropertyDescriptor(C, k);
    desc.enumerable = true;
    ObjectDefineProperty(C, k, desc);
  }
  ObjectDefineProperty(proto, Symbol.toStringTag, { value: name, writable: false, enumerable: false, configurable: true });
}

const classes = {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableByteStreamController, ReadableStreamDefaultController,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
  TransformStream, TransformStreamDefaultController,
  ByteLengthQueuingStrategy, CountQueuingStrategy,
  TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream,
};
for (const name in classes) finishClass(classes[name], name);
finishClass(ReadableStreamAsyncIterator, 'ReadableStream AsyncIterator');
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
  value: ReadableStream.prototype.values, writable: true, enumerable: false, configurable: true,
});

// ================================================================ Go bridge API

class ChunkReadRequest {
  // Delivers each chunk to a Go callback cb(ab, off, len, done, err). A chunk
  // that is not a Uint8Array (or that Go rejects) cancels the stream with
  // the error, as Fetch's "read all bytes" does.
  constructor(cb, reader) { this.cb = cb; this.reader = reader; }
  chunk(c) {
    // Chunk steps must not throw into whoever enqueued the chunk: problems
    // are reported to Go as errors.
    let err;
    if (typedArrayName(c) !== 'Uint8Array') {
      err = new TypeError('The stream produced a chunk that is not a Uint8Array');
    } else if (isDetached(c.buffer)) {
      err = new TypeError('The stream produced a Uint8Array whose buffer is detached');
    } else {
      try {
        this.cb(c.buffer, c.byteOffset, c.byteLength, false, undefined);
        return;
      } catch (e) {
        err = e;
      }
    }
    const reader = this.reader;
    if (reader.stream !== undefined && reader.stream.state === 'readable') {
      setHandled(readableStreamReaderGenericCancel(reader, err));
    }
    this.cb(undefined, 0, 0, false, err);
  }
  close() { this.cb(undefined, 0, 0, true, undefined); }
  error(e) { this.cb(undefined, 0, 0, false, e); }
}

const api = {
  isReadableStream(v) { return rawRS(v) !== undefined; },
  isLocked(v) {
    const s = rawRS(v);
    if (s === undefined) return false;
    return s.lazy ? s.taken : isReadableStreamLocked(s);
  },
  isDisturbed(v) {
    const s = rawRS(v);
    if (s === undefined) return false;
    return s.lazy ? s.taken : s.disturbed;
  },
  // A byte stream fed by Go: pull(c) asks Go for data; Go answers through
  // deliver(). cancel(reason) is called once on cancellation. The stream's
  // machinery is built on first use (see LazyGo).
  newGoStream(token, pull, cancel) {
    return new ReadableStream(INTERNAL, new LazyGo(token, pull, cancel));
  },
  // deliver(c, ab, eof, err): enqueue ab (if any), then close (eof) or error
  // (err, a message for a TypeError). Ignored once the stream is not readable.
  deliver(c, ab, eof, err) {
    const stream = c.stream;
    if (stream.state !== 'readable' || c.closeRequested) return;
    if (ab !== undefined && ab.byteLength > 0) readableByteStreamControllerEnqueue(c, new Uint8ArrayCtor(ab));
    if (err !== undefined) {
      readableByteStreamControllerError(c, new TypeError(err));
    } else if (eof) {
      readableByteStreamControllerClose(c);
      if (c.pendingPullIntos.length > 0 && stream.state === 'closed') readableByteStreamControllerRespond(c, 0);
    }
  },
  goToken(v) {
    const s = rawRS(v);
    if (s === undefined) return undefined;
    return s.lazy ? s.token : s.go;
  },
  // takeLazy takes a Go-fed stream script has not touched and returns its
  // token, or returns undefined (the stream is then left as it was).
  takeLazy(v) {
    const s = rawRS(v);
    if (s === undefined || !s.lazy || s.taken) return undefined;
    s.taken = true;
    return s.token;
  },
  // takeGo locks a Go-fed stream that nobody has read, for handing its
  // source back to Go. It reports whether it did.
  takeGo(v) {
    const s = rsOf(v);
    if (s === undefined || s.go === undefined || s.disturbed || isReadableStreamLocked(s) || s.state !== 'readable') return false;
    if (s.controller.pulling || s.controller.queueTotalSize > 0) return false;
    acquireReadableStreamDefaultReader(s);
    s.disturbed = true;
    readableByteStreamControllerClearAlgorithms(s.controller);
    return true;
  },
  fromBytes(ab) {
    const s = createReadableByteStream(returnUndefined, () => RESOLVED, () => RESOLVED);
    if (ab.byteLength > 0) readableByteStreamControllerEnqueue(s.controller, new Uint8ArrayCtor(ab));
    readableByteStreamControllerClose(s.controller);
    return pubRS(s);
  },
  // acquire(v) returns a reader record for v, throwing a TypeError when v is
  // not a ReadableStream or is locked.
  acquire(v) {
    const s = rsOf(v);
    if (s === undefined) throw new TypeError('The body is not a ReadableStream');
    return acquireReadableStreamDefaultReader(s);
  },
  // read(reader, cb): read one chunk; see ChunkReadRequest.
  read(reader, cb) {
    if (reader.stream === undefined) { cb(undefined, 0, 0, false, new TypeError('The reader has been released')); return; }
    readableStreamDefaultReaderRead(reader, new ChunkReadRequest(cb, reader));
  },
  // readAll(reader, onChunk, onDone): onChunk(ab, off, len) returns an error
  // value to stop (the stream is then cancelled with it); onDone(err).
  readAll(reader, onChunk, onDone) {
    let inLoop = false, again = false, finished = false;
    const finish = (err) => {
      if (finished) return;
      finished = true;
      onDone(err);
    };
    const cb = (ab, off, len, done, err) => {
      if (err !== undefined) {
        finish(err);
        return;
      }
      if (done) { finish(undefined); return; }
      const stop = onChunk(ab, off, len);
      if (stop !== undefined) {
        setHandled(readableStreamReaderGenericCancel(reader, stop));
        finish(stop);
        return;
      }
      if (inLoop) again = true; else pump();
    };
    const req = new ChunkReadRequest(cb, reader);
    const pump = () => {
      do {
        again = false;
        inLoop = true;
        readableStreamDefaultReaderRead(reader, req);
        inLoop = false;
      } while (again && !finished);
    };
    pump();
  },
  // tee(v): the two branches of v (a TypeError when v is locked), as
  // cloning a body does: the second branch gets structured clones of the
  // chunks (byte streams copy them anyway).
  tee(v) {
    const s = rsOf(v);
    if (s === undefined) throw new TypeError('The body is not a ReadableStream');
    const b = readableStreamTee(s, true);
    return [pubRS(b[0]), pubRS(b[1])];
  },
  // cancelStream(v, reason): ReadableStream.prototype.cancel without the
  // lock check's exception (a locked stream is cancelled through its reader).
  cancelStream(v, reason) {
    const s = rsOf(v);
    if (s === undefined) return;
    setHandled(readableStreamCancel(s, reason));
  },
  // cancel(reader, reason): cancel the stream and release the reader.
  cancel(reader, reason) {
    if (reader.stream === undefined) return;
    setHandled(readableStreamReaderGenericCancel(reader, reason));
    if (reader.stream !== undefined) readableStreamDefaultReaderRelease(reader);
  },
};

return {
  globals: {
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
    ReadableByteStreamController, ReadableStreamDefaultController,
    WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
    TransformStream, TransformStreamDefaultController,
    ByteLengthQueuingStrategy, CountQueuingStrategy,
    TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream,
  },
  api,
};
})
