// Helpers for the lowered async iteration syntax (see asynciter.go). The
// value of this script is a function of %AsyncIteratorPrototype% (made in
// Go, see asynciter.go) returning a frozen object reached only through a
// hidden global; the rewritten code calls:
//   iter(obj)        GetIterator(obj, async) → record {i, n}
//   next(rec)        Call(rec.n, rec.i) (the caller awaits the result)
//   step(r)          r, or a TypeError when r is not an object
//   ret(rec)         undefined when the iterator has no return method,
//                    else [the result of calling it] (the caller awaits it)
//   obj(v)           TypeError unless v is an object
//   aw(v), dg(v)     await / yield* requests yielded to the driver
//   gen(this, args, genFn)
//                    the async generator object driving genFn's generator
//   fn(f, name)      f with the prototype chain of an async generator function
(function (AsyncIteratorPrototype) {
  'use strict';
  const ReflectApply = Reflect.apply;
  const ObjectCreate = Object.create;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectFreeze = Object.freeze;
  const PromiseCtor = Promise;
  const promiseResolve = Promise.resolve;
  const promiseReject = Promise.reject;
  const promiseThen = Promise.prototype.then;
  const TypeErrorCtor = TypeError;
  const WeakMapCtor = WeakMap;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const arrayPush = Array.prototype.push;
  const arrayShift = Array.prototype.shift;
  const SymbolIterator = Symbol.iterator;
  const SymbolAsyncIterator = Symbol.asyncIterator;
  const SymbolToStringTag = Symbol.toStringTag;
  const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype);
  const genNext = GeneratorPrototype.next;
  const genThrow = GeneratorPrototype.throw;
  const genReturn = GeneratorPrototype.return;

  const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';
  const resolved = (v) => ReflectApply(promiseResolve, PromiseCtor, [v]);
  const rejected = (e) => ReflectApply(promiseReject, PromiseCtor, [e]);
  const then = (p, f, r) => ReflectApply(promiseThen, p, [f, r]);

  // awaitValue(v, f, r): like `await v`, then f(value) or r(reason).
  function awaitValue(v, f, r) {
    let p;
    try {
      p = resolved(v);
    } catch (e) {
      r(e);
      return;
    }
    then(p, f, r);
  }

  function getMethod(o, key) {
    const m = o[key];
    if (m === undefined || m === null) return undefined;
    if (typeof m !== 'function') throw new TypeErrorCtor(`${String(key)} is not a function`);
    return m;
  }

  function method(o, name, fn) {
    ObjectDefineProperty(o, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }

  // CreateAsyncFromSyncIterator
  const AsyncFromSyncIteratorPrototype = ObjectCreate(AsyncIteratorPrototype);
  const syncRecords = new WeakMapCtor();

  function closeSync(it) {
    const m = getMethod(it, 'return');
    if (m !== undefined) {
      const r = ReflectApply(m, it, []);
      if (!isObject(r)) throw new TypeErrorCtor('iterator.return() did not return an object');
    }
  }

  function closeSyncQuietly(it) {
    try {
      closeSync(it);
    } catch (e) {
      // the original error wins
    }
  }

  // AsyncFromSyncIteratorContinuation
  function continuation(result, it, closeOnRejection) {
    const done = !!result.done;
    const value = result.value;
    let p;
    try {
      p = resolved(value);
    } catch (e) {
      if (!done && closeOnRejection) closeSyncQuietly(it);
      throw e;
    }
    return then(
      p,
      (v) => ({ value: v, done }),
      (e) => {
        if (!done && closeOnRejection) closeSyncQuietly(it);
        throw e;
      },
    );
  }

  function syncRecord(self) {
    const rec = ReflectApply(weakMapGet, syncRecords, [self]);
    if (rec === undefined) throw new TypeErrorCtor('not an Async-from-Sync Iterator');
    return rec;
  }

  method(AsyncFromSyncIteratorPrototype, 'next', function next(v) {
    try {
      const rec = syncRecord(this);
      const r = ReflectApply(rec.n, rec.i, arguments.length > 0 ? [v] : []);
      if (!isObject(r)) throw new TypeErrorCtor(`Iterator result ${String(r)} is not an object`);
      return continuation(r, rec.i, true);
    } catch (e) {
      return rejected(e);
    }
  });
  method(AsyncFromSyncIteratorPrototype, 'return', function (v) {
    try {
      const rec = syncRecord(this);
      const m = getMethod(rec.i, 'return');
      if (m === undefined) return resolved({ value: v, done: true });
      const r = ReflectApply(m, rec.i, arguments.length > 0 ? [v] : []);
      if (!isObject(r)) throw new TypeErrorCtor('iterator.return() did not return an object');
      return continuation(r, rec.i, false);
    } catch (e) {
      return rejected(e);
    }
  });
  method(AsyncFromSyncIteratorPrototype, 'throw', function (v) {
    try {
      const rec = syncRecord(this);
      const m = getMethod(rec.i, 'throw');
      if (m === undefined) {
        closeSync(rec.i);
        throw new TypeErrorCtor('The iterator does not provide a throw method');
      }
      const r = ReflectApply(m, rec.i, arguments.length > 0 ? [v] : []);
      if (!isObject(r)) throw new TypeErrorCtor('iterator.throw() did not return an object');
      return continuation(r, rec.i, true);
    } catch (e) {
      return rejected(e);
    }
  });

  // GetIterator(obj, async)
  function iter(obj) {
    if (obj === undefined || obj === null) throw new TypeErrorCtor(`${obj} is not async iterable`);
    const m = getMethod(obj, SymbolAsyncIterator);
    if (m === undefined) {
      const sm = getMethod(obj, SymbolIterator);
      if (sm === undefined) throw new TypeErrorCtor('object is not async iterable');
      const si = ReflectApply(sm, obj, []);
      if (!isObject(si)) throw new TypeErrorCtor('Result of the Symbol.iterator method is not an object');
      const ai = ObjectCreate(AsyncFromSyncIteratorPrototype);
      ReflectApply(weakMapSet, syncRecords, [ai, { i: si, n: si.next }]);
      return { i: ai, n: ai.next };
    }
    const it = ReflectApply(m, obj, []);
    if (!isObject(it)) throw new TypeErrorCtor('Result of the Symbol.asyncIterator method is not an object');
    return { i: it, n: it.next };
  }

  function next(rec) {
    return ReflectApply(rec.n, rec.i, []);
  }

  function step(r) {
    if (!isObject(r)) throw new TypeErrorCtor(`Iterator result ${String(r)} is not an object`);
    return r;
  }

  function ret(rec) {
    const m = getMethod(rec.i, 'return');
    if (m === undefined) return undefined;
    return [ReflectApply(m, rec.i, [])];
  }

  function obj(v) {
    if (!isObject(v)) throw new TypeErrorCtor('iterator.return() did not return an object');
  }

  // Requests from the generator to its driver. The operand travels in
  // `slot`: nothing runs between aw()/dg() and the yield that hands the
  // sentinel to the driver, which reads the slot at once.
  const AWAIT = ObjectFreeze({});
  const DELEGATE = ObjectFreeze({});
  let slot;
  function aw(v) {
    slot = v;
    return AWAIT;
  }
  function dg(v) {
    slot = v;
    return DELEGATE;
  }

  // The async generator objects.
  const AsyncGeneratorPrototype = ObjectCreate(AsyncIteratorPrototype);
  const states = new WeakMapCtor();

  function enqueue(self, kind, v) {
    let resolve, reject;
    const p = new PromiseCtor((a, b) => {
      resolve = a;
      reject = b;
    });
    const s = ReflectApply(weakMapGet, states, [self]);
    if (s === undefined) {
      reject(new TypeErrorCtor(`AsyncGenerator.prototype.${kind} called on an incompatible receiver`));
      return p;
    }
    ReflectApply(arrayPush, s.queue, [{ kind, v, resolve, reject }]);
    if (!s.running) drain(s);
    return p;
  }
  method(AsyncGeneratorPrototype, 'next', function next(v) {
    return enqueue(this, 'next', v);
  });
  method(AsyncGeneratorPrototype, 'return', function (v) {
    return enqueue(this, 'return', v);
  });
  method(AsyncGeneratorPrototype, 'throw', function (v) {
    return enqueue(this, 'throw', v);
  });
  ObjectDefineProperty(AsyncGeneratorPrototype, SymbolToStringTag, { value: 'AsyncGenerator', configurable: true });

  // settle completes the oldest request and goes on with the queue.
  function settle(s, ok, value) {
    s.running = false;
    const req = ReflectApply(arrayShift, s.queue, []);
    if (ok) req.resolve(value);
    else req.reject(value);
    drain(s);
  }

  function drain(s) {
    while (!s.running && s.queue.length > 0) {
      const req = s.queue[0];
      if (s.state === 'start' && req.kind !== 'next') {
        s.state = 'done';
        try {
          ReflectApply(genReturn, s.gen, [undefined]);
        } catch (e) {
          // not started: nothing can throw
        }
      }
      if (s.state === 'done') {
        if (req.kind === 'next') {
          ReflectApply(arrayShift, s.queue, []);
          req.resolve({ value: undefined, done: true });
          continue;
        }
        if (req.kind === 'throw') {
          ReflectApply(arrayShift, s.queue, []);
          req.reject(req.v);
          continue;
        }
        s.running = true;
        awaitValue(
          req.v,
          (v) => settle(s, true, { value: v, done: true }),
          (e) => settle(s, false, e),
        );
        return;
      }
      s.running = true;
      if (s.deleg !== null) {
        delegate(s, req.kind, req.v);
      } else if (req.kind === 'return') {
        awaitValue(
          req.v,
          (v) => resume(s, 'return', v),
          (e) => resume(s, 'throw', e),
        );
      } else {
        resume(s, req.kind, req.v);
      }
    }
  }

  // resume runs the generator to its next request or its end.
  function resume(s, kind, v) {
    let r;
    try {
      r = ReflectApply(kind === 'next' ? genNext : kind === 'throw' ? genThrow : genReturn, s.gen, [v]);
    } catch (e) {
      s.state = 'done';
      settle(s, false, e);
      return;
    }
    if (r.done) {
      s.state = 'done';
      settle(s, true, { value: r.value, done: true });
      return;
    }
    const y = r.value;
    if (y === AWAIT) {
      const w = slot;
      slot = undefined;
      awaitValue(
        w,
        (x) => resume(s, 'next', x),
        (e) => resume(s, 'throw', e),
      );
      return;
    }
    if (y === DELEGATE) {
      const w = slot;
      slot = undefined;
      try {
        s.deleg = iter(w);
      } catch (e) {
        resume(s, 'throw', e);
        return;
      }
      delegate(s, 'next', undefined);
      return;
    }
    // yield v: await v, then hand it to the oldest request.
    awaitValue(
      y,
      (x) => {
        s.state = 'yield';
        settle(s, true, { value: x, done: false });
      },
      (e) => resume(s, 'throw', e),
    );
  }

  // delegate forwards a request to the iterator of a yield*.
  function delegate(s, kind, v) {
    const rec = s.deleg;
    let p;
    try {
      if (kind === 'next') {
        p = ReflectApply(rec.n, rec.i, [v]);
      } else {
        const m = getMethod(rec.i, kind);
        if (m === undefined) {
          s.deleg = null;
          if (kind === 'return') {
            awaitValue(
              v,
              (x) => resume(s, 'return', x),
              (e) => resume(s, 'throw', e),
            );
            return;
          }
          // throw without a throw method: close the iterator, then a TypeError.
          const err = new TypeErrorCtor('The iterator does not provide a throw method');
          const c = ret(rec);
          if (c === undefined) {
            resume(s, 'throw', err);
            return;
          }
          awaitValue(
            c[0],
            (x) => resume(s, 'throw', isObject(x) ? err : new TypeErrorCtor('iterator.return() did not return an object')),
            (e) => resume(s, 'throw', e),
          );
          return;
        }
        p = ReflectApply(m, rec.i, [v]);
      }
    } catch (e) {
      s.deleg = null;
      resume(s, 'throw', e);
      return;
    }
    awaitValue(
      p,
      (r) => {
        let done, value;
        try {
          if (!isObject(r)) throw new TypeErrorCtor(`Iterator result ${String(r)} is not an object`);
          done = !!r.done;
          value = r.value;
        } catch (e) {
          s.deleg = null;
          resume(s, 'throw', e);
          return;
        }
        if (done) {
          s.deleg = null;
          resume(s, kind === 'return' ? 'return' : 'next', value);
          return;
        }
        s.state = 'yield';
        settle(s, true, { value, done: false });
      },
      (e) => {
        s.deleg = null;
        resume(s, 'throw', e);
      },
    );
  }

  // %AsyncGeneratorFunction.prototype%: fn(f, name) gives a lowered async
  // generator function its prototype chain and, for an anonymous function
  // expression, the name the binding would have inferred.
  const FunctionPrototype = Object.getPrototypeOf(Function);
  const AsyncGeneratorFunctionPrototype = ObjectCreate(FunctionPrototype);
  ObjectDefineProperty(AsyncGeneratorFunctionPrototype, 'prototype', { value: AsyncGeneratorPrototype, configurable: true });
  ObjectDefineProperty(AsyncGeneratorFunctionPrototype, SymbolToStringTag, { value: 'AsyncGeneratorFunction', configurable: true });
  ObjectDefineProperty(AsyncGeneratorPrototype, 'constructor', { value: AsyncGeneratorFunctionPrototype, configurable: true });
  const ObjectSetPrototypeOf = Object.setPrototypeOf;
  function fn(f, name) {
    ObjectSetPrototypeOf(f, AsyncGeneratorFunctionPrototype);
    ObjectDefineProperty(f, 'prototype', { value: ObjectCreate(AsyncGeneratorPrototype) });
    if (name !== undefined && f.name === '') ObjectDefineProperty(f, 'name', { value: name });
    return f;
  }

  function gen(thisArg, args, genFn) {
    const g = ReflectApply(genFn, thisArg, args);
    const o = ObjectCreate(AsyncGeneratorPrototype);
    ReflectApply(weakMapSet, states, [o, { gen: g, queue: [], state: 'start', running: false, deleg: null }]);
    return o;
  }

  return ObjectFreeze({ iter, next, step, ret, obj, aw, dg, gen, fn });
});
