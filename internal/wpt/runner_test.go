package wpt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// fakeHarness is a tiny stand-in for testharness.js (written for these
// tests): enough of its API for the runner's plumbing to be exercised
// without a WPT checkout.
const fakeHarness = `(function (g) {
  const tests = [], onResult = [], onComplete = [];
  let pending = 0, finished = false, explicitDone = false;
  const report = (t) => { t.finished = true; onResult.forEach((cb) => cb(t)); };
  const complete = (status, message) => {
    if (finished) return;
    finished = true;
    onComplete.forEach((cb) => cb(tests, { status, message }));
  };
  const check = () => { if (explicitDone && pending === 0) complete(0, null); };
  g.test = (fn, name) => {
    const t = { name, status: 0, message: null };
    tests.push(t);
    try { fn(); } catch (e) { t.status = 1; t.message = String(e); }
    report(t);
  };
  g.promise_test = (fn, name) => {
    const t = { name, status: 0, message: null };
    tests.push(t);
    pending++;
    Promise.resolve().then(fn).catch((e) => { t.status = 1; t.message = String(e); })
      .then(() => { pending--; report(t); check(); });
  };
  g.add_result_callback = (cb) => onResult.push(cb);
  g.add_completion_callback = (cb) => onComplete.push(cb);
  g.done = () => { explicitDone = true; check(); };
  g.timeout = () => {
    tests.forEach((t) => { if (!t.finished) { t.status = 2; t.message = "timed out"; } });
    complete(2, "timeout");
  };
  g.addEventListener("error", (e) => complete(1, e.message));
})(self);
`

func fakeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files["resources/testharness.js"] = fakeHarness
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func statuses(f FileResult) string {
	var b []string
	for _, s := range f.Subtests {
		b = append(b, s.Name+"="+s.Status)
	}
	return strings.Join(b, " ")
}

func TestRunFile(t *testing.T) {
	root := fakeTree(t, map[string]string{
		"url/ok.any.js":    `test(() => {}, "a"); test(() => { throw new Error("x"); }, "b");`,
		"url/spin.any.js":  `test(() => {}, "before"); promise_test(() => new Promise(() => {}), "hangs"); for (;;) {}`,
		"url/throw.any.js": `test(() => {}, "a"); throw new Error("top-level");`,
		"url/panic.any.js": `test(() => {}, "a"); __panic();`,
		"url/fetch.any.js": `// META: script=/common/helper.js
promise_test(async () => {
  const r = await fetch("resources/data.json");
  const j = await r.json();
  if (j.v !== helper()) throw new Error("bad data " + JSON.stringify(j));
  if (location.pathname !== "/url/fetch.any.worker.js") throw new Error(location.pathname);
  if (!(self instanceof DedicatedWorkerGlobalScope) || !GLOBAL.isWorker()) throw new Error("scope");
}, "fetch");`,
		"url/resources/data.json": `{"v": 42}`,
		"common/helper.js":        `function helper() { return 42; }`,
		"url/window.any.js":       "// META: global=window\ntest(() => {}, \"w\");",
	})
	testHookInstall = func(r *realm.Realm) {
		r.DefineGlobal("__panic", r.Func("__panic", 0, func(goja.FunctionCall) goja.Value { panic("boom") }))
	}
	defer func() { testHookInstall = nil }()

	tests, skipped, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "window.any.js") {
		t.Errorf("skipped = %v", skipped)
	}
	byName := map[string]Test{}
	for _, tt := range tests {
		byName[filepath.Base(tt.Path)] = tt
	}
	opts := Options{Root: root, Timeout: 500 * time.Millisecond}
	run := func(name string) FileResult {
		tt, ok := byName[name]
		if !ok {
			t.Fatalf("%s not discovered: %v", name, tests)
		}
		start := time.Now()
		res := RunFile(opts, tt)
		if d := time.Since(start); d > 6*time.Second {
			t.Errorf("%s took %v", name, d)
		}
		return res
	}

	if res := run("ok.any.js"); statuses(res) != "a=PASS b=FAIL" || res.Harness != "OK" {
		t.Errorf("ok: %s %s %s", statuses(res), res.Harness, res.Message)
	}
	if res := run("spin.any.js"); res.Harness != "TIMEOUT" || !strings.Contains(statuses(res), "(harness)=FAIL") {
		t.Errorf("spin: %s %s %s", statuses(res), res.Harness, res.Message)
	}
	if res := run("throw.any.js"); res.Harness != "ERROR" || !strings.Contains(res.Message, "top-level") {
		t.Errorf("throw: %s %s %s", statuses(res), res.Harness, res.Message)
	}
	if res := run("panic.any.js"); res.Harness != "CRASH" || !strings.Contains(res.Message, "boom") {
		t.Errorf("panic: %s %s %s", statuses(res), res.Harness, res.Message)
	}
	if res := run("fetch.any.js"); statuses(res) != "fetch=PASS" {
		t.Errorf("fetch: %s %s %s %v", statuses(res), res.Harness, res.Message, res.Subtests)
	}
}

func TestExpectationsDiff(t *testing.T) {
	e := Expectations{"a.any.js": {"x": "bug: x", "gone": "bug: gone"}}
	f := &FileResult{Test: Test{Path: "a.any.js"}, Subtests: []Subtest{
		{Name: "x", Status: "PASS"}, {Name: "y", Status: "FAIL"}, {Name: "z", Status: "PASS"},
	}}
	reg, fixed, known := e.Diff(f)
	if !known || len(reg) != 1 || reg[0].Name != "y" || len(fixed) != 2 {
		t.Errorf("reg=%v fixed=%v known=%v", reg, fixed, known)
	}
	e.Update([]FileResult{*f})
	if got := e["a.any.js"]; len(got) != 1 || got["y"] == "" {
		t.Errorf("after update: %v", got)
	}
}

// TestScopeRelativeURLs checks what scope.js adds, as workerd's WPT harness
// does: relative URLs in new Request() and Response.redirect() resolve
// against location, and Request stays the real class for instanceof,
// prototype, statics and subclassing. fetch() reaches the Go handlers.
func TestScopeRelativeURLs(t *testing.T) {
	root := fakeTree(t, map[string]string{
		"fetch/api/request/rel.any.js": `
const base = "http://web-platform.test:8000/fetch/api/request/";
test(() => {
  const r = new Request("x?y");
  if (r.url !== base + "x?y") throw new Error(r.url);
  if (new Request("").url !== location.href) throw new Error("empty");
  if (new Request(new URL("/z", location.href)).url !== "http://web-platform.test:8000/z") throw new Error("URL");
  if (new Request(r, { method: "POST" }).url !== r.url) throw new Error("Request input");
  if (!(r instanceof Request) || !(r.clone() instanceof Request)) throw new Error("instanceof");
  if (Object.getPrototypeOf(r) !== Request.prototype || r.constructor !== Request) throw new Error("prototype");
  if (Request.name !== "Request" || Request.length !== 1) throw new Error("name/length " + Request.name + " " + Request.length);
  if (!String(Request).includes("function")) throw new Error("toString");
  class Sub extends Request {}
  const s = new Sub("sub");
  if (!(s instanceof Sub) || !(s instanceof Request) || s.url !== base + "sub") throw new Error("subclass");
  let threw = false;
  try { Request("x"); } catch (e) { threw = e instanceof TypeError; }
  if (!threw) throw new Error("call without new");
  threw = false;
  try { new Request("http://[bad"); } catch (e) { threw = e instanceof TypeError; }
  if (!threw) throw new Error("invalid URL");
}, "request");
test(() => {
  const r = Response.redirect("there", 301);
  if (r.headers.get("location") !== base + "there" || r.status !== 301) throw new Error(r.headers.get("location"));
  if (Response.redirect.length !== 1 || Response.redirect.name !== "redirect") throw new Error("redirect shape");
}, "redirect");
promise_test(async () => {
  const r = await fetch("../resources/inspect-headers.py?headers=x-a", { headers: { "x-a": "1" } });
  if (r.headers.get("x-request-x-a") !== "1") throw new Error("inspect-headers: " + [...r.headers]);
}, "handler");`,
	})
	tests, _, err := Discover(root)
	if err != nil || len(tests) != 1 {
		t.Fatalf("discover: %v %v", tests, err)
	}
	res := RunFile(Options{Root: root, Timeout: 5 * time.Second}, tests[0])
	if statuses(res) != "request=PASS redirect=PASS handler=PASS" {
		t.Errorf("%s %s %s %v", statuses(res), res.Harness, res.Message, res.Subtests)
	}
}
