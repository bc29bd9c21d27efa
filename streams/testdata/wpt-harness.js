// A minimal testharness.js-compatible shim for running web-platform-tests
// streams tests in a workerhost realm (see wpt_test.go). Own code.
// Minimal testharness.js-compatible shim (own code) for running WPT streams tests.
(function () {
  const g = globalThis;
  g.self = g;
  const queue = [];
  const results = [];
  let current = null;
  function fmt(v) {
    try {
      if (typeof v === 'string') return JSON.stringify(v);
      if (typeof v === 'symbol') return v.toString();
      if (Array.isArray(v)) return '[' + v.map(fmt).join(', ') + ']';
      if (v && typeof v === 'object') { const n = v.constructor && v.constructor.name; return n ? ('object ' + n + (v.message !== undefined ? '(' + v.message + ')' : '')) : String(v); }
      if (Object.is(v, -0)) return '-0';
      return String(v);
    } catch (e) { return '<unprintable>'; }
  }
  g.format_value = fmt;
  class AssertionError extends Error {}
  function fail(msg) { throw new AssertionError(msg); }
  function same(a, b) { return Object.is(a, b); }
  g.assert_equals = (a, e, m) => { if (!same(a, e)) fail(`assert_equals: ${m || ''} expected ${fmt(e)} but got ${fmt(a)}`); };
  g.assert_not_equals = (a, e, m) => { if (same(a, e)) fail(`assert_not_equals: ${m || ''} got disallowed ${fmt(a)}`); };
  g.assert_true = (a, m) => { if (a !== true) fail(`assert_true: ${m || ''} got ${fmt(a)}`); };
  g.assert_false = (a, m) => { if (a !== false) fail(`assert_false: ${m || ''} got ${fmt(a)}`); };
  g.assert_unreached = (m) => fail('assert_unreached: ' + (m || ''));
  g.assert_array_equals = (a, e, m) => {
    if (!a || a.length !== e.length) fail(`assert_array_equals: ${m || ''} lengths differ, expected ${fmt(e)} got ${fmt(a)}`);
    for (let i = 0; i < e.length; i++) if (!same(a[i], e[i])) fail(`assert_array_equals: ${m || ''} index ${i} expected ${fmt(e[i])} got ${fmt(a[i])} (expected ${fmt(e)} got ${fmt(a)})`);
  };
  g.assert_object_equals = (a, e, m) => {
    const seen = new Set();
    const rec = (a, e, path) => {
      if (typeof e !== 'object' || e === null) { if (!same(a, e)) fail(`assert_object_equals: ${m || ''} ${path} expected ${fmt(e)} got ${fmt(a)}`); return; }
      if (seen.has(e)) return; seen.add(e);
      if (typeof a !== 'object' || a === null) fail(`assert_object_equals: ${m || ''} ${path} expected object got ${fmt(a)}`);
      for (const k in e) { if (!(k in a)) fail(`assert_object_equals: ${m || ''} ${path}.${k} missing`); rec(a[k], e[k], path + '.' + k); }
      for (const k in a) if (!(k in e)) fail(`assert_object_equals: ${m || ''} unexpected ${path}.${k}`);
    };
    rec(a, e, '');
  };
  g.assert_less_than = (a, b, m) => { if (!(a < b)) fail(`assert_less_than: ${m || ''} ${fmt(a)} < ${fmt(b)}`); };
  g.assert_greater_than = (a, b, m) => { if (!(a > b)) fail(`assert_greater_than: ${m || ''} ${fmt(a)} > ${fmt(b)}`); };
  g.assert_less_than_equal = (a, b, m) => { if (!(a <= b)) fail(`assert_less_than_equal: ${m || ''}`); };
  g.assert_greater_than_equal = (a, b, m) => { if (!(a >= b)) fail(`assert_greater_than_equal: ${m || ''}`); };
  g.assert_approx_equals = (a, b, eps, m) => { if (Math.abs(a - b) > eps) fail(`assert_approx_equals: ${m || ''} ${a} vs ${b}`); };
  g.assert_in_array = (a, arr, m) => { if (!arr.some(x => same(x, a))) fail(`assert_in_array: ${m || ''} ${fmt(a)}`); };
  g.assert_own_property = (o, p, m) => { if (!Object.prototype.hasOwnProperty.call(o, p)) fail(`assert_own_property: ${m || ''} ${String(p)}`); };
  g.assert_not_own_property = (o, p, m) => { if (Object.prototype.hasOwnProperty.call(o, p)) fail(`assert_not_own_property: ${m || ''} ${String(p)}`); };
  g.assert_regexp_match = (a, re, m) => { if (!re.test(a)) fail(`assert_regexp_match: ${m || ''} ${a}`); };
  g.assert_class_string = (o, c, m) => { const s = Object.prototype.toString.call(o); if (s !== '[object ' + c + ']') fail(`assert_class_string: ${m || ''} expected [object ${c}] got ${s}`); };
  g.assert_implements = (c, m) => { if (!c) throw Object.assign(new Error('NOTRUN ' + (m || '')), { notrun: true }); };
  g.assert_implements_optional = g.assert_implements;
  g.assert_throws_js = (C, f, m) => {
    try { f(); } catch (e) {
      if (e instanceof AssertionError) throw e;
      if (!(e instanceof C) || (e && e.constructor !== C && C !== Error)) fail(`assert_throws_js: ${m || ''} expected ${C.name} got ${fmt(e)}`);
      return;
    }
    fail(`assert_throws_js: ${m || ''} did not throw (expected ${C.name})`);
  };
  g.assert_throws_exactly = (v, f, m) => {
    try { f(); } catch (e) { if (!same(e, v)) fail(`assert_throws_exactly: ${m || ''} expected ${fmt(v)} got ${fmt(e)}`); return; }
    fail(`assert_throws_exactly: ${m || ''} did not throw`);
  };
  g.assert_throws_dom = (name, f, m) => {
    try { f(); } catch (e) { if (!e || e.name !== name) fail(`assert_throws_dom: ${m || ''} expected ${name} got ${fmt(e)}`); return; }
    fail(`assert_throws_dom: ${m || ''} did not throw`);
  };
  g.promise_rejects_js = (t, C, p, m) => p.then(() => fail(`promise_rejects_js: ${m || ''} fulfilled, expected ${C.name}`), (e) => {
    if (!(e instanceof C) || (e.constructor !== C && C !== Error)) fail(`promise_rejects_js: ${m || ''} expected ${C.name} got ${fmt(e)}`);
  });
  g.promise_rejects_exactly = (t, v, p, m) => p.then(() => fail(`promise_rejects_exactly: ${m || ''} fulfilled`), (e) => {
    if (!same(e, v)) fail(`promise_rejects_exactly: ${m || ''} expected ${fmt(v)} got ${fmt(e)}`);
  });
  g.promise_rejects_dom = (t, name, p, m) => p.then(() => fail(`promise_rejects_dom: ${m || ''} fulfilled`), (e) => {
    if (!e || e.name !== name) fail(`promise_rejects_dom: ${m || ''} expected ${name} got ${fmt(e)}`);
  });
  class Test {
    constructor(name) { this.name = name; this.cleanups = []; this.error = undefined; this.doneResolve = undefined; }
    step(f, thisObj, ...args) { try { return f.apply(thisObj, args); } catch (e) { if (this.error === undefined) this.error = e; throw e; } }
    step_func(f, thisObj) { return (...args) => this.step(f, thisObj, ...args); }
    step_func_done(f, thisObj) { return (...args) => { if (f) this.step(f, thisObj, ...args); this.done(); }; }
    unreached_func(m) { return this.step_func(() => assert_unreached(m)); }
    add_cleanup(f) { this.cleanups.push(f); }
    step_timeout(f, ms, ...a) { return setTimeout(this.step_func(() => f(...a)), ms); }
    done() { if (this.doneResolve) this.doneResolve(); }
  }
  g.step_timeout = (f, ms, ...a) => setTimeout(() => f(...a), ms);
  g.test = (f, name) => queue.push({ kind: 'sync', f, name });
  g.promise_test = (f, name) => queue.push({ kind: 'promise', f, name });
  g.async_test = (f, name) => { if (typeof f === 'string') { name = f; f = undefined; } queue.push({ kind: 'async', f, name }); };
  g.setup = () => {};
  g.done = () => {};
  g.garbageCollect = () => {};
  g.GLOBAL = { isWindow: () => false, isWorker: () => false, isShadowRealm: () => false };
  g.__runTests = async (report) => {
    for (const item of queue) {
      const t = new Test(item.name);
      current = t;
      let status = 'PASS', msg = '';
      try {
        if (item.kind === 'sync') {
          item.f(t);
        } else if (item.kind === 'promise') {
          await Promise.race([item.f(t), new Promise((_, rej) => setTimeout(() => rej(new Error('TIMEOUT')), 2000))]);
        } else {
          await Promise.race([new Promise((res) => { t.doneResolve = res; if (item.f) t.step(item.f, t, t); }),
            new Promise((_, rej) => setTimeout(() => rej(new Error('TIMEOUT')), 2000))]);
        }
        if (t.error !== undefined) throw t.error;
      } catch (e) {
        if (e && e.notrun) { status = 'NOTRUN'; msg = e.message; }
        else { status = 'FAIL'; msg = (e && e.message) || String(e); }
      }
      for (const c of t.cleanups) { try { await c(); } catch (e) {} }
      report(status, item.name, msg);
    }
  };
})();
globalThis.promise_rejects = (t, expected, p, m) => p.then(() => { throw new Error('promise_rejects: fulfilled ' + (m || '')); }, (e) => {
  if (typeof expected === 'object' && expected !== null && !(e === expected || (e && e.name === expected.name))) throw new Error(`promise_rejects: ${m || ''} expected ${format_value(expected)} got ${format_value(e)}`);
});
globalThis.structuredClone = globalThis.structuredClone || ((v) => v);
globalThis.setInterval = (f, ms) => { let stop = false; const tick = () => { if (stop) return; f(); setTimeout(tick, ms); }; setTimeout(tick, ms); return { stop: () => { stop = true; } }; };
globalThis.clearInterval = (h) => { if (h) h.stop(); };
