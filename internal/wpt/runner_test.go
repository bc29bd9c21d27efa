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
