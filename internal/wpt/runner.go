package wpt

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

//go:embed scope.js
var scopeSource string

var scopeProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("wpt:scope.js", scopeSource, true)
})

// Subtest statuses, as testharness.js numbers them.
var statusNames = []string{"PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"}

// Harness statuses.
var harnessNames = []string{"OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"}

// HarnessSubtest is the name under which a harness-level failure (a script
// that threw while loading, an uncaught error, a file timeout, a Go panic)
// is counted and recorded in expectations.
const HarnessSubtest = "(harness)"

// Subtest is the outcome of one test() / promise_test() / async_test().
type Subtest struct {
	Name    string
	Status  string // PASS, FAIL, TIMEOUT, NOTRUN, PRECONDITION_FAILED
	Message string
}

// Passed reports whether the subtest passed.
func (s Subtest) Passed() bool { return s.Status == "PASS" }

// FileResult is the outcome of one test file.
type FileResult struct {
	Test     Test
	Subtests []Subtest // includes a HarnessSubtest entry when the harness did not end OK
	Harness  string    // OK, ERROR, TIMEOUT, PRECONDITION_FAILED, CRASH
	Message  string    // harness message
	Logs     []string  // what the realm logged (uncaught errors, ...)
	Duration time.Duration
}

// Counts returns the number of passed and failed subtests.
func (f *FileResult) Counts() (pass, fail int) {
	for _, s := range f.Subtests {
		if s.Passed() {
			pass++
		} else {
			fail++
		}
	}
	return
}

// Options configure RunFile.
type Options struct {
	Root        string        // WPT checkout
	Timeout     time.Duration // per file; default 10 s
	LongTimeout time.Duration // files with META timeout=long; default 30 s
}

// realFetch, set by server.go, returns the installer of the real fetch()
// serving the checkout; without it the runner's shim is used.
var realFetch func(root string) func(*realm.Realm)

// testHookInstall, when set by tests, runs after webapi.Install.
var testHookInstall func(*realm.Realm)

var errTimeout = errors.New("wpt: file timed out")

// fileState is shared by the loop goroutine and RunFile.
type fileState struct {
	mu       sync.Mutex
	results  []Subtest // from add_result_callback
	complete []Subtest // from add_completion_callback
	harness  string
	message  string
	crash    string
	finished bool
	done     chan struct{}
	fire     goja.Callable
}

func (st *fileState) finish() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.finished {
		st.finished = true
		close(st.done)
	}
}

func (st *fileState) setCrash(msg string) {
	st.mu.Lock()
	if st.crash == "" {
		st.crash = msg
	}
	st.mu.Unlock()
}

// TestURL is the URL the file runs at: what location.href says and what
// relative fetches resolve against.
func TestURL(t Test) *url.URL {
	p := t.Path
	if strings.HasSuffix(p, ".any.js") {
		p = strings.TrimSuffix(p, ".js") + ".worker.js"
	}
	u := &url.URL{Scheme: "http", Host: "web-platform.test:8000", Path: "/" + p}
	if strings.Contains(t.Path, ".https.") || strings.Contains(t.Path, "/https/") {
		u.Scheme, u.Host = "https", "web-platform.test:8443"
	}
	if t.Variant != "" {
		q := strings.TrimPrefix(t.Variant, "?")
		if i := strings.Index(q, "#"); i >= 0 {
			u.Fragment = q[i+1:]
			q = q[:i]
		}
		u.RawQuery = q
	}
	return u
}

// RunFile runs one test file in a fresh realm and returns its results. It
// never panics: Go panics in tasks, VM interrupts and timeouts end up in
// the result as a harness failure.
func RunFile(o Options, t Test) (res FileResult) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.LongTimeout <= 0 {
		o.LongTimeout = 3 * o.Timeout
	}
	start := time.Now()
	res.Test = t
	sink := &logSink{}
	defer func() {
		if p := recover(); p != nil {
			res.Harness = "CRASH"
			res.Message = fmt.Sprintf("Go panic in the runner: %v", p)
		}
		res.Test = t
		res.Logs = sink.snapshot()
		res.Duration = time.Since(start)
		if res.Harness != "OK" {
			res.Subtests = append(res.Subtests, Subtest{Name: HarnessSubtest, Status: "FAIL", Message: res.Harness + ": " + res.Message})
		}
	}()

	r := realm.New(realm.Options{Logger: slog.New(sink), Routine: "wpt"})
	st := &fileState{done: make(chan struct{})}
	r.OnFatal = func(ctx *realm.Context, err error) {
		st.setCrash(firstLine(err.Error()))
		st.finish()
	}
	go r.Loop().Run()
	defer func() {
		r.Loop().Stop()
		select {
		case <-r.Loop().Done():
		case <-time.After(2 * time.Second):
			sink.add("wpt: the realm's loop did not stop (stuck in Go code?); abandoned")
		}
	}()

	u := TestURL(t)
	var ctx *realm.Context
	ready := make(chan struct{})
	r.Submit(nil, func() {
		defer close(ready)
		webapi.Install(r)
		if testHookInstall != nil {
			testHookInstall(r)
		}
		if err := setupScope(r, o.Root, u, st); err != nil {
			st.setCrash("setting up the worker scope: " + err.Error())
			st.finish()
			return
		}
		ctx = r.NewContext(context.Background(), t.ID())
	})
	<-ready
	if ctx == nil {
		st.setCrash("Web API installation failed")
		return collect(st, "CRASH")
	}
	defer r.Submit(nil, func() { ctx.End() })

	r.Submit(ctx, func() { runScripts(r, o.Root, t, st) })

	limit := o.Timeout
	if t.Long {
		limit = o.LongTimeout
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-st.done:
		return collect(st, "")
	case <-timer.C:
	}
	// Timeout: stop whatever JS runs, then let testharness.js mark the
	// remaining tests TIMEOUT and complete.
	r.Interrupt(errTimeout)
	r.Submit(ctx, func() {
		r.VM().ClearInterrupt()
		if fn, ok := goja.AssertFunction(r.VM().Get("timeout")); ok {
			_, _ = fn(goja.Undefined())
		}
	})
	select {
	case <-st.done:
		res := collect(st, "")
		if res.Harness == "OK" {
			res.Harness, res.Message = "TIMEOUT", fmt.Sprintf("the file did not complete within %v", limit)
		}
		return res
	case <-time.After(3 * time.Second):
		r.Interrupt(errTimeout)
		st.mu.Lock()
		st.message = fmt.Sprintf("the file did not complete within %v and the harness did not respond", limit)
		st.mu.Unlock()
		return collect(st, "TIMEOUT")
	}
}

// collect turns the state into a result; force, if not "", is the harness
// status to report.
func collect(st *fileState, force string) FileResult {
	st.mu.Lock()
	defer st.mu.Unlock()
	var res FileResult
	if st.complete != nil {
		res.Subtests = append(res.Subtests, st.complete...)
	} else {
		res.Subtests = append(res.Subtests, st.results...)
	}
	res.Harness, res.Message = st.harness, st.message
	if res.Harness == "" {
		res.Harness = "TIMEOUT"
	}
	if force != "" {
		res.Harness = force
	}
	if st.crash != "" {
		res.Harness, res.Message = "CRASH", st.crash
	}
	return res
}

// setupScope defines the worker-scope globals, the result hooks and, when
// no fetch is installed, the file-serving fetch shim.
func setupScope(r *realm.Realm, root string, u *url.URL, st *fileState) error {
	vm := r.VM()
	prog, err := scopeProgram()
	if err != nil {
		return err
	}
	fnv, err := vm.RunProgram(prog)
	if err != nil {
		return err
	}
	fn, ok := goja.AssertFunction(fnv)
	if !ok {
		return errors.New("scope.js did not evaluate to a function")
	}
	port := u.Port()
	loc := vm.NewObject()
	for _, kv := range [][2]string{
		{"href", u.String()},
		{"origin", u.Scheme + "://" + u.Host},
		{"protocol", u.Scheme + ":"},
		{"host", u.Host},
		{"hostname", u.Hostname()},
		{"port", port},
		{"pathname", u.EscapedPath()},
		{"search", prefixed("?", u.RawQuery)},
		{"hash", prefixed("#", u.Fragment)},
	} {
		_ = loc.Set(kv[0], kv[1])
	}
	fire, err := fn(goja.Undefined(), vm.GlobalObject(), loc, vm.ToValue(u.Scheme == "https"))
	if err != nil {
		return err
	}
	st.fire, _ = goja.AssertFunction(fire)

	r.OnUnhandledRejection = func(ctx *realm.Context, reason goja.Value) {
		ev := vm.NewObject()
		_ = ev.Set("type", "unhandledrejection")
		_ = ev.Set("reason", reason)
		if !st.fireEvent(vm, "unhandledrejection", ev) {
			r.Logger().Error("Uncaught (in promise) " + realm.ErrorString(reason))
		}
	}

	g := vm.GlobalObject()
	_ = g.DefineDataProperty("__wpt_result", vm.ToValue(func(call goja.FunctionCall) goja.Value {
		st.mu.Lock()
		st.results = append(st.results, subtestOf(call.Argument(0), call.Argument(1), call.Argument(2)))
		st.mu.Unlock()
		return goja.Undefined()
	}), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = g.DefineDataProperty("__wpt_complete", vm.ToValue(func(call goja.FunctionCall) goja.Value {
		var list []Subtest
		if arr, ok := call.Argument(0).(*goja.Object); ok {
			n := int(arr.Get("length").ToInteger())
			for i := 0; i < n; i++ {
				t, _ := arr.Get(fmt.Sprint(i)).(*goja.Object)
				if t == nil {
					continue
				}
				list = append(list, subtestOf(t.Get("name"), t.Get("status"), t.Get("message")))
			}
		}
		hs := int(call.Argument(1).ToInteger())
		st.mu.Lock()
		st.complete = list
		if st.complete == nil {
			st.complete = []Subtest{}
		}
		if hs >= 0 && hs < len(harnessNames) {
			st.harness = harnessNames[hs]
		} else {
			st.harness = fmt.Sprint(hs)
		}
		if m := call.Argument(2); !goja.IsUndefined(m) && !goja.IsNull(m) {
			st.message = m.String()
		}
		st.mu.Unlock()
		st.finish()
		return goja.Undefined()
	}), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)

	_ = g.DefineDataProperty("importScripts", vm.ToValue(func(call goja.FunctionCall) goja.Value {
		for _, a := range call.Arguments {
			ref, err := u.Parse(a.String())
			if err != nil {
				panic(r.NewError("SyntaxError", "importScripts: bad URL "+a.String()))
			}
			rel, ok := localPath(ref)
			if !ok {
				panic(r.NewError("NetworkError", "importScripts: cannot load "+ref.String()))
			}
			src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rewrite(rel))))
			if err != nil {
				panic(r.NewError("NetworkError", "importScripts: cannot load "+ref.String()))
			}
			if _, err := runScript(vm, "/"+rel, string(src)); err != nil {
				var ex *goja.Exception
				if errors.As(err, &ex) {
					panic(ex)
				}
				panic(err)
			}
		}
		return goja.Undefined()
	}), goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)

	switch {
	case os.Getenv("WPT_FETCH") == "none":
	case os.Getenv("WPT_FETCH") == "shim" || realFetch == nil:
		installFetchShim(r, root, u)
	default:
		realFetch(root)(r)
	}
	// A worker resolves relative fetch() URLs against its location; the
	// runtime has no base URL (as in workerd), so the runner does it, with
	// the rule scope.js applies to new Request(): any input that is not a
	// Request is converted to a string and parsed against location.
	if _, err := vm.RunString(relativeFetch); err != nil {
		return err
	}
	return nil
}

func subtestOf(name, status, msg goja.Value) Subtest {
	s := Subtest{Name: valueString(name), Status: "FAIL"}
	if n := int(status.ToInteger()); n >= 0 && n < len(statusNames) {
		s.Status = statusNames[n]
	}
	if !goja.IsUndefined(msg) && !goja.IsNull(msg) {
		s.Message = firstLine(msg.String())
	}
	return s
}

func valueString(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

const relativeFetch = `(function (g) {
  const f = g.fetch, R = g.Request;
  if (typeof f !== "function") return;
  const wrapped = { fetch(input, init) {
    const args = Array.prototype.slice.call(arguments);
    if (args.length > 0 && !(typeof R === "function" && input instanceof R)) {
      let s;
      try { s = ` + "`${input}`" + `; } catch (e) { return Promise.reject(e); }
      try { args[0] = new URL(s, g.location.href).href; } catch (e) { args[0] = s; }
    }
    return Reflect.apply(f, this, args);
  } }.fetch;
  Object.defineProperty(g, "fetch", { value: wrapped, writable: true, configurable: true, enumerable: true });
})(globalThis);`

// hook is evaluated right after testharness.js.
const hook = `
add_result_callback(function (t) { __wpt_result(t.name, t.status, t.message); });
add_completion_callback(function (tests, status) {
  __wpt_complete(tests.map(function (t) { return { name: t.name, status: t.status, message: t.message }; }),
                 status.status, status.message);
});
`

// runScripts loads testharness.js, the META scripts and the file, as the
// .any.worker.js wrapper of the WPT server does, in one task of the
// request context.
func runScripts(r *realm.Realm, root string, t Test, st *fileState) {
	vm := r.VM()
	load := func(rel string) error {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rewrite(rel))))
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", rel, err)
		}
		text := string(src)
		if strings.Contains(path.Base(rel), ".sub.") {
			text = substitute(text)
		}
		if patch, ok := patches[rel]; ok {
			text = patch(text)
		}
		_, err = runScript(vm, "/"+rel, text)
		return err
	}
	fail := func(what string, err error) {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			return // the file timed out: RunFile completes it
		}
		msg := what + ": " + scriptError(err)
		ev := vm.NewObject()
		_ = ev.Set("type", "error")
		_ = ev.Set("message", msg)
		var ex *goja.Exception
		if errors.As(err, &ex) {
			_ = ev.Set("error", ex.Value())
		}
		if !st.fireEvent(vm, "error", ev) {
			st.setCrash(msg)
			st.finish()
			return
		}
		// The harness recorded the error; make sure it completes.
		st.mu.Lock()
		if st.message == "" {
			st.message = msg
		}
		st.mu.Unlock()
	}
	if t.Title != "" {
		_ = vm.GlobalObject().Set("META_TITLE", t.Title)
	}
	if !t.Worker {
		if err := load("resources/testharness.js"); err != nil {
			st.setCrash("testharness.js: " + scriptError(err))
			st.finish()
			return
		}
		if _, err := vm.RunString(hook); err != nil {
			st.setCrash("hooking testharness.js: " + scriptError(err))
			st.finish()
			return
		}
		for _, s := range t.Scripts {
			if err := load(s); err != nil {
				fail("loading "+s, err)
				return
			}
		}
	} else {
		// A .worker.js file loads testharness.js itself with importScripts;
		// hook it right after.
		orig := vm.Get("importScripts")
		of, _ := goja.AssertFunction(orig)
		_ = vm.GlobalObject().Set("importScripts", func(call goja.FunctionCall) goja.Value {
			v, err := of(goja.Undefined(), call.Arguments...)
			if err != nil {
				panic(err)
			}
			for _, a := range call.Arguments {
				if strings.HasSuffix(a.String(), "testharness.js") {
					if _, err := vm.RunString(hook); err != nil {
						panic(err)
					}
				}
			}
			return v
		})
	}
	if err := load(t.Path); err != nil {
		fail("running "+t.Path, err)
		return
	}
	if !t.Worker {
		if fn, ok := goja.AssertFunction(vm.Get("done")); ok {
			if _, err := fn(goja.Undefined()); err != nil {
				fail("done()", err)
			}
		}
	}
}

func (st *fileState) fireEvent(vm *goja.Runtime, typ string, ev goja.Value) bool {
	if st.fire == nil {
		return false
	}
	v, err := st.fire(goja.Undefined(), vm.ToValue(typ), ev)
	if err != nil {
		return false
	}
	return v.ToBoolean()
}

func scriptError(err error) string {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return firstLine(realm.ErrorString(ex.Value()))
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return "interrupted (timeout)"
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

// localPath maps a URL of the test server to a path in the checkout.
func localPath(u *url.URL) (string, bool) {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() != "web-platform.test" {
		return "", false
	}
	p := path.Clean("/" + u.Path)
	return strings.TrimPrefix(p, "/"), p != "/"
}

// substitute applies the WPT server's template substitutions of ".sub."
// files for the host and port names the runner uses.
func substitute(s string) string {
	return strings.NewReplacer(
		"{{host}}", testHost,
		"{{hosts[][]}}", testHost,
		"{{domains[]}}", testHost,
		"{{domains[www]}}", "www."+testHost,
		"{{hosts[][www]}}", "www."+testHost,
		"{{ports[http][0]}}", "8000",
		"{{ports[http][1]}}", "8001",
		"{{ports[https][0]}}", "8443",
		"{{ports[https][1]}}", "8444",
		"{{location[host]}}", testHost+":8000",
		"{{location[hostname]}}", testHost,
		"{{location[port]}}", "8000",
		"{{location[scheme]}}", "http",
	).Replace(s)
}

// rewrites are the WPT server's path aliases (tools/serve/serve.py).
var rewrites = map[string]string{
	"resources/WebIDLParser.js": "resources/webidl2/lib/webidl2.js",
}

// rewrite applies rewrites to a path relative to the root.
// patches adapt shared WPT resources to an engine gap, each said in README:
// /common/sab.js reaches SharedArrayBuffer only through
// WebAssembly.Memory({shared: true}), and goja has no WebAssembly; the
// patched file falls back to the global SharedArrayBuffer (webapi/ecma).
var patches = map[string]func(string) string{
	"common/sab.js": func(src string) string {
		return strings.Replace(src, "sabConstructor = null;",
			`sabConstructor = typeof SharedArrayBuffer === "function" ? SharedArrayBuffer : null;`, 1)
	},
}

func rewrite(rel string) string {
	if to, ok := rewrites[rel]; ok {
		return to
	}
	return rel
}

// logSink is a slog.Handler that keeps what a realm logs.
type logSink struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
}

func (l *logSink) Enabled(context.Context, slog.Level) bool { return true }

func (l *logSink) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Level.String())
	b.WriteString(" ")
	b.WriteString(rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "routine" || a.Key == "stack" {
			return true
		}
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	l.add(b.String())
	return nil
}

func (l *logSink) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logSink) WithGroup(string) slog.Handler      { return l }

func (l *logSink) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) < 50 {
		l.lines = append(l.lines, firstLine(s))
	}
}

func (l *logSink) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// runScript runs a test's script as the runtime runs a routine: async
// iteration syntax lowered, recursion instrumented.
func runScript(vm *goja.Runtime, name, src string) (goja.Value, error) {
	prog, err := realm.ParseScript(name, src)
	if err != nil {
		return nil, err
	}
	realm.InstrumentStackChecks(prog)
	p, err := goja.CompileAST(prog, false)
	if err != nil {
		return nil, err
	}
	return vm.RunProgram(p)
}
