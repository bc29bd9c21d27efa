// Dedicated-worker-like global scope for WPT files, run once per realm
// after the Web APIs are installed. It is called with the location fields
// computed in Go and returns the function the runner uses to fire "error"
// and "unhandledrejection" at the global scope.
(function (g, loc, secure) {
  "use strict";
  const def = (o, name, value) =>
    Object.defineProperty(o, name, { value, writable: true, configurable: true, enumerable: false });

  // WorkerGlobalScope / DedicatedWorkerGlobalScope, so that testharness.js
  // picks its dedicated-worker environment.
  function illegal() { throw new TypeError("Illegal constructor"); }
  const WorkerGlobalScope = function WorkerGlobalScope() { illegal(); };
  const DedicatedWorkerGlobalScope = function DedicatedWorkerGlobalScope() { illegal(); };
  const ETproto = typeof EventTarget === "function" ? EventTarget.prototype : Object.prototype;
  WorkerGlobalScope.prototype = Object.create(ETproto, {
    constructor: { value: WorkerGlobalScope, writable: true, configurable: true },
  });
  DedicatedWorkerGlobalScope.prototype = Object.create(WorkerGlobalScope.prototype, {
    constructor: { value: DedicatedWorkerGlobalScope, writable: true, configurable: true },
  });
  def(g, "WorkerGlobalScope", WorkerGlobalScope);
  def(g, "DedicatedWorkerGlobalScope", DedicatedWorkerGlobalScope);
  try {
    Object.setPrototypeOf(g, DedicatedWorkerGlobalScope.prototype);
  } catch (e) {
    const is = { value: (v) => v === g, configurable: true };
    Object.defineProperty(WorkerGlobalScope, Symbol.hasInstance, is);
    Object.defineProperty(DedicatedWorkerGlobalScope, Symbol.hasInstance, is);
  }

  // WorkerLocation.
  function WorkerLocation() { illegal(); }
  const location = Object.create(WorkerLocation.prototype);
  for (const k of Object.keys(loc)) {
    Object.defineProperty(location, k, { value: loc[k], enumerable: true });
  }
  def(location, "toString", function toString() { return loc.href; });
  def(g, "WorkerLocation", WorkerLocation);
  Object.defineProperty(g, "location", { get() { return location; }, configurable: true, enumerable: true });

  // A worker parses the URLs given to new Request() and Response.redirect()
  // against its location; the runtime has no base URL (as in workerd), so
  // the runner does it here, as workerd's WPT harness does
  // (src/wpt/harness/globals.ts). Only the test scope changes: Request
  // becomes a Proxy of the real constructor, so its prototype, statics,
  // name, length and subclassing stay those of the real one, and clones
  // are still instances of it. goja's instanceof and
  // Function.prototype.toString do not see through a Proxy of a function,
  // so the Proxy answers Symbol.hasInstance and toString itself.
  const resolve = (input) => {
    const s = `${input}`; // the USVString conversion (throws for Symbols)
    try {
      return new URL(s, loc.href).href;
    } catch (e) {
      return s; // let the real API throw its own TypeError
    }
  };
  if (typeof Request === "function") {
    const RealRequest = Request;
    const fnToString = Function.prototype.toString;
    const hasInstance = { [Symbol.hasInstance](v) { return v instanceof RealRequest; } }[Symbol.hasInstance];
    const toString = { toString() { return fnToString.call(this === WrappedRequest ? RealRequest : this); } }.toString;
    const WrappedRequest = new Proxy(RealRequest, {
      get(target, key, receiver) {
        if (key === Symbol.hasInstance) return hasInstance;
        const v = Reflect.get(target, key, receiver);
        return v === fnToString ? toString : v;
      },
      construct(target, args, newTarget) {
        if (args.length > 0 && !(args[0] instanceof RealRequest)) {
          args = [resolve(args[0]), ...args.slice(1)];
        }
        return Reflect.construct(target, args, newTarget === WrappedRequest ? target : newTarget);
      },
    });
    def(RealRequest.prototype, "constructor", WrappedRequest);
    def(g, "Request", WrappedRequest);
  }
  if (typeof Response === "function" && typeof Response.redirect === "function") {
    const realRedirect = Response.redirect;
    const d = Object.getOwnPropertyDescriptor(Response, "redirect");
    const redirect = {
      redirect(url, status) {
        const args = Array.prototype.slice.call(arguments);
        if (args.length > 0) args[0] = resolve(args[0]);
        return Reflect.apply(realRedirect, this, args);
      },
    }.redirect;
    Object.defineProperty(redirect, "length", { value: realRedirect.length, configurable: true });
    Object.defineProperty(Response, "redirect", {
      value: redirect, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable,
    });
  }

  if (!("self" in g)) def(g, "self", g);
  def(g, "GLOBAL", {
    isWindow() { return false; },
    isWorker() { return true; },
    isShadowRealm() { return false; },
  });
  def(g, "isSecureContext", secure);
  def(g, "origin", loc.origin);
  def(g, "postMessage", function postMessage() {});
  def(g, "close", function close() {});

  // The global scope is an EventTarget. "error" and "unhandledrejection"
  // listeners are kept here so that the runner can fire them with a plain
  // event-like object; other types go to a real EventTarget.
  const et = typeof EventTarget === "function" ? new EventTarget() : null;
  const own = { error: [], unhandledrejection: [] };
  def(g, "addEventListener", function addEventListener(type, cb, opts) {
    type = String(type);
    if (type in own) {
      if (cb != null && !own[type].includes(cb)) own[type].push(cb);
      return;
    }
    if (et) et.addEventListener(type, cb, opts);
  });
  def(g, "removeEventListener", function removeEventListener(type, cb, opts) {
    type = String(type);
    if (type in own) {
      const i = own[type].indexOf(cb);
      if (i >= 0) own[type].splice(i, 1);
      return;
    }
    if (et) et.removeEventListener(type, cb, opts);
  });
  def(g, "dispatchEvent", function dispatchEvent(ev) {
    if (!et) throw new TypeError("EventTarget is not implemented");
    return et.dispatchEvent(ev);
  });
  return function fire(type, ev) {
    let handled = false;
    for (const cb of own[type].slice()) {
      handled = true;
      try {
        if (typeof cb === "function") cb.call(g, ev);
        else cb.handleEvent(ev);
      } catch (e) {
        // A throwing listener is reported nowhere, as in a worker.
      }
    }
    return handled;
  };
})
