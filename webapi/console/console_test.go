package console_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/console"
)

type record struct {
	Level slog.Level
	Msg   string
	Attrs map[string]string
}

// capture is a slog.Handler recording messages at or above min.
type capture struct {
	mu   sync.Mutex
	min  slog.Level
	recs []record
}

func (c *capture) Enabled(_ context.Context, l slog.Level) bool { return l >= c.min }
func (c *capture) WithAttrs([]slog.Attr) slog.Handler           { return c }
func (c *capture) WithGroup(string) slog.Handler                { return c }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	rec := record{Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool { rec.Attrs[a.Key] = a.Value.String(); return true })
	c.mu.Lock()
	c.recs = append(c.recs, rec)
	c.mu.Unlock()
	return nil
}

func (c *capture) take() []record {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.recs
	c.recs = nil
	return out
}

type env struct {
	t   *testing.T
	r   *realm.Realm
	log *capture
}

func newEnv(t *testing.T, min slog.Level) *env {
	h := &capture{min: min}
	r := realm.New(realm.Options{Logger: slog.New(h), Routine: "rt"})
	go r.Loop().Run()
	t.Cleanup(func() {
		r.Loop().Stop()
		<-r.Loop().Done()
	})
	e := &env{t: t, r: r, log: h}
	e.do(func() { console.Install(r) })
	return e
}

func (e *env) do(f func()) {
	done := make(chan struct{})
	e.r.Submit(nil, func() { defer close(done); f() })
	<-done
}

// run evaluates src in a request context "req-1" and returns the messages
// logged. The script must not throw.
func (e *env) run(src string) []record {
	e.t.Helper()
	var err error
	e.do(func() {
		ctx := e.r.NewContext(context.Background(), "req-1")
		e.r.RunTask(ctx, func() { _, err = e.r.VM().RunString(src) })
		ctx.End()
	})
	require.NoError(e.t, err, src)
	require.NoError(e.t, e.r.Err(), "a Go panic escaped")
	return e.log.take()
}

// one runs src and returns the single message it logged.
func (e *env) one(src string) string {
	e.t.Helper()
	recs := e.run(src)
	require.Len(e.t, recs, 1, src)
	return recs[0].Msg
}

func TestLevelsAndAttributes(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	recs := e.run(`console.log("l"); console.info("i"); console.debug("d"); console.warn("w"); console.error("e")`)
	require.Len(t, recs, 5)
	want := []struct {
		msg   string
		level slog.Level
	}{{"l", slog.LevelInfo}, {"i", slog.LevelInfo}, {"d", slog.LevelDebug}, {"w", slog.LevelWarn}, {"e", slog.LevelError}}
	for i, w := range want {
		require.Equal(t, w.msg, recs[i].Msg)
		require.Equal(t, w.level, recs[i].Level)
		require.Equal(t, map[string]string{"routine": "rt", "request": "req-1", "source": "console"}, recs[i].Attrs)
	}
	// Outside a request (static initialization) the request is "-".
	e.do(func() { _, _ = e.r.VM().RunString(`console.log("init")`) })
	recs = e.log.take()
	require.Len(t, recs, 1)
	require.Equal(t, "-", recs[0].Attrs["request"])
	// Methods do not need their receiver; console is a namespace object.
	require.Equal(t, "x 1", e.one(`const {log} = console; log("x", 1)`))
	require.Equal(t, "x", e.one(`[ "x" ].forEach(console.info)`[:0]+`["x"].forEach(s => console.info.call(undefined, s))`))
	require.Equal(t, "[object console] false", e.one(`console.log(Object.prototype.toString.call(console), Object.keys(globalThis).includes("console"))`))
	require.Empty(t, e.run(`console.log()`))
}

func TestNamespaceObject(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	require.Equal(t, "true true 0 log function",
		e.one(`console.log(console.log === console.log, Object.keys(console).includes("timeEnd"), console.log.length, console.log.name, typeof console.groupCollapsed)`))
	require.Equal(t, "mine:x", e.one(`const orig = console.log; console.log = (s) => orig("mine:" + s); console.log("x"); console.log = orig`))
	require.Equal(t, "false true", e.one(`delete console.clear; console.custom = 1; console.log("clear" in console, Object.keys(console).includes("custom"))`))
	require.Equal(t, "true", e.one(`console.clear = () => {}; console.log(String("clear" in console))`))
	d := e.one(`const d = Object.getOwnPropertyDescriptor(console, "warn"); console.log(d.writable, d.enumerable, d.configurable)`)
	require.Equal(t, "true true true", d)
}

func TestDisabledLevelsSkipFormatting(t *testing.T) {
	e := newEnv(t, slog.LevelInfo)
	require.Empty(t, e.run(`globalThis.touched = false; console.debug({ get x() { globalThis.touched = true; return 1 } })`))
	require.Equal(t, "false", e.one(`console.log(String(globalThis.touched))`))
}

func TestFormatter(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	for src, want := range map[string]string{
		`console.log("a", 1, "b", true, null, undefined)`:   "a 1 b true null undefined",
		`console.log("%s is %d years", "Bob", 42.9)`:        "Bob is 42 years",
		`console.log("%i|%d|%d|%d", "42px", -7.5, {}, "x")`: "42|-7|NaN|NaN",
		`console.log("%f|%f|%f", "3.5e2x", 1.25, Symbol())`: "350|1.25|NaN",
		`console.log("%o and %O", {a: [1]}, [1, {b: 2}])`:   "{ a: [ 1 ] } and [ 1, { b: 2 } ]",
		`console.log("%cstyled%c!", "color: red", "")`:      "styled!",
		`console.log("100%% %s", "done")`:                   "100% done",
		`console.log("100%%")`:                              "100%%",
		`console.log("%s %s", "only")`:                      "only %s",
		`console.log("%s", "a", "b", {c: 1})`:               "a b { c: 1 }",
		`console.log("%x %s", 1)`:                           "%x 1",
		`console.log("%s", Symbol("s"))`:                    "Symbol(s)",
		`console.log("%s", {a: {b: 1}})`:                    "{ a: [Object] }",
		`console.log("%d", 10n)`:                            "10",
		`console.log(1, "%s", 2)`:                           "1 %s 2",
		`console.log("end %")`:                              "end %",
		`console.log("%s%", 1)`:                             "1%",
	} {
		require.Equal(t, want, e.one(src), src)
	}
}

func TestInspect(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	for src, want := range map[string]string{
		`[1, "two", [3, [4, [5, [6]]]]]`:        `[ 1, 'two', [ 3, [ 4, [Array] ] ] ]`,
		`({a: 1, b: "x", c: {d: {e: {f: 1}}}})`: `{ a: 1, b: 'x', c: { d: { e: [Object] } } }`,
		`[]`:                                    `[]`,
		`({})`:                                  `{}`,
		`["it's", "a\nb", 'say "hi"']`:          `[ "it's", 'a\nb', 'say "hi"' ]`,
		`({"a-b": 1, $ok: 2, _x: 3, 1: 4})`:     `{ '1': 4, 'a-b': 1, $ok: 2, _x: 3 }`,
		`new Map([["a", 1], [{k: 1}, [2]]])`:    `Map(2) { 'a' => 1, { k: 1 } => [ 2 ] }`,
		`new Set([1, "s"])`:                     `Set(2) { 1, 's' }`,
		`new Map()`:                             `Map(0) {}`,
		`new WeakMap()`:                         `WeakMap { <items unknown> }`,
		`function foo() {}; foo`:                `[Function: foo]`,
		`[() => {}]`:                            `[ [Function (anonymous)] ]`,
		`async function af() {}; af`:            `[AsyncFunction: af]`,
		`class Foo { constructor() { this.x = 1 } }; new Foo()`:            `Foo { x: 1 }`,
		`const np = Object.create(null); np.a = 1; np`:                     `[Object: null prototype] { a: 1 }`,
		`const o = {a: 1}; o.self = o; o`:                                  `{ a: 1, self: [Circular] }`,
		`const arr = [1]; arr.push(arr); arr`:                              `[ 1, [Circular] ]`,
		`const sh = {}; [sh, sh]`:                                          `[ {}, {} ]`,
		`({get bad() { throw new Error("no") }, ok: 1})`:                   `{ bad: [Getter threw], ok: 1 }`,
		`({get g() { return 5 }})`:                                         `{ g: 5 }`,
		`[1, , 3, , , 6]`:                                                  `[ 1, <1 empty item>, 3, <2 empty items>, 6 ]`,
		`const xs = [1, 2]; xs.extra = "e"; xs`:                            `[ 1, 2, extra: 'e' ]`,
		`[Symbol("s"), 10n, -0, 0, NaN, -Infinity, null, undefined, true]`: `[ Symbol(s), 10n, -0, 0, NaN, -Infinity, null, undefined, true ]`,
		`({[Symbol("k")]: 1})`:                                             `{ [Symbol(k)]: 1 }`,
		`new Date(0)`:                                                      `1970-01-01T00:00:00.000Z`,
		`new Date(NaN)`:                                                    `Invalid Date`,
		`/a+b/gi`:                                                          `/a+b/gi`,
		`Promise.resolve(1)`:                                               `Promise { 1 }`,
		`new Promise(() => {})`:                                            `Promise { <pending> }`,
		`const rp = Promise.reject(2); rp.catch(() => {}); rp`:             `Promise { <rejected> 2 }`,
		`new Uint8Array([1, 2, 3])`:                                        `Uint8Array(3) [ 1, 2, 3 ]`,
		`new ArrayBuffer(8)`:                                               `ArrayBuffer { byteLength: 8 }`,
		`[new Number(3), new String("s"), new Boolean(false)]`:             `[ [Number: 3], [String: 's'], [Boolean: false] ]`,
		`({e: new TypeError("bad")})`:                                      `{ e: [TypeError: bad] }`,
		`new Proxy({a: 1}, {get() { throw 1 }, ownKeys() { throw 1 }})`:    `{ a: 1 }`,
		`const pr = Proxy.revocable({}, {}); pr.revoke(); pr.proxy`:        `[Proxy (revoked)]`,
		`(function () { return arguments })(1, 2)`:                         `[Arguments] [ 1, 2 ]`,
		`({[Symbol.toStringTag]: "Tagged", a: 1})`:                         `Object [Tagged] { a: 1, [Symbol(Symbol.toStringTag)]: 'Tagged' }`,
		`class Bar {}; const bp = Object.create(Bar.prototype); Object.defineProperty(Bar.prototype, "constructor", {get() { throw 1 }}); bp`: `{}`,
	} {
		require.Equal(t, want, e.one(`console.log((() => { `+lastExpr(src)+` })())`), src)
	}
	// Long arrays are cut.
	require.Equal(t, "[ "+strings.Repeat("0, ", 100)[:3*100-2]+", ... 50 more items ]", e.one(`console.log(new Array(150).fill(0))`))
	// Top-level errors print their stack.
	msg := e.one(`function thrower() { return new RangeError("boom") } console.error(thrower())`)
	require.True(t, strings.HasPrefix(msg, "RangeError: boom\n"), msg)
	require.Contains(t, msg, "thrower")
}

// lastExpr turns "stmt; stmt; expr" into "stmt; stmt; return expr".
func lastExpr(src string) string {
	i := strings.LastIndex(src, "; ")
	if i < 0 || strings.Count(src[:i], "{") != strings.Count(src[:i], "}") {
		return "return " + src
	}
	return src[:i+2] + "return " + src[i+2:]
}

type widget struct{ realm.Host }

type fancy struct{ realm.Host }

func (*fancy) ConsoleInspect() string { return "Fancy <42>" }

func TestHostObjects(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	e.do(func() {
		w := e.r.NewClass("Widget", 0, nil, nil)
		f := e.r.NewClass("Fancy", 0, nil, nil)
		e.r.DefineGlobal("widget", w.Wrap(&widget{}))
		e.r.DefineGlobal("fancy", f.Wrap(&fancy{}))
	})
	require.Equal(t, "Widget {} Fancy <42>", e.one(`console.log(widget, fancy)`))
	require.Equal(t, "{ w: Widget { n: 1 } }", e.one(`widget.n = 1; console.log({w: widget})`))
}

func TestBounds(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	msg := e.one(`console.log("x".repeat(20000))`)
	require.True(t, strings.HasSuffix(msg, "[message truncated]"), msg[len(msg)-40:])
	require.LessOrEqual(t, len(msg), console.MaxMessageBytes+64)
	msg = e.one(`console.log(Array.from({length: 100}, (_, i) => ({i, s: "é".repeat(300)})))`)
	require.LessOrEqual(t, len(msg), console.MaxMessageBytes+64)
	require.True(t, strings.HasSuffix(msg, "[message truncated]"))
	msg = e.one(`console.log("€".repeat(10000))`)
	require.True(t, strings.HasSuffix(msg, "[message truncated]"))
	require.True(t, strings.HasPrefix(msg, "€€"))
	require.NotContains(t, msg, "\ufffd")
	msg = e.one(`console.log(["a".repeat(20000)])`)
	require.Contains(t, msg, "... 10000 more characters")
}

func TestGoAPI(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	e.do(func() {
		vm := e.r.VM()
		v, err := vm.RunString(`({a: "x", get b() { throw new Error("no") }})`)
		require.NoError(t, err)
		require.Equal(t, "{ a: 'x', b: [Getter threw] }", console.Inspect(vm, v))
		require.Equal(t, "'s'", console.Inspect(vm, vm.ToValue("s")))
		require.Equal(t, "n=3 { a: 'x', b: [Getter threw] } tail", console.Format(vm, vm.ToValue("n=%d"), vm.ToValue(3), v, vm.ToValue("tail")))
	})
}

func TestTraceAndAssert(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	recs := e.run(`function outer() { inner() } function inner() { console.trace("where %s", "here") } outer()`)
	require.Len(t, recs, 1)
	require.Equal(t, slog.LevelError, recs[0].Level)
	require.True(t, strings.HasPrefix(recs[0].Msg, "Trace: where here\n    at inner"), recs[0].Msg)
	require.Contains(t, recs[0].Msg, "at outer")
	require.Equal(t, "Trace", strings.SplitN(e.one(`console.trace()`), "\n", 2)[0])

	require.Empty(t, e.run(`console.assert(true, "never"); console.assert(1)`))
	recs = e.run(`console.assert(false, "x %d", 5)`)
	require.Equal(t, "Assertion failed: x 5", recs[0].Msg)
	require.Equal(t, slog.LevelError, recs[0].Level)
	require.Equal(t, "Assertion failed", e.one(`console.assert(0)`))
	require.Equal(t, "Assertion failed: plain", e.one(`console.assert(null, "plain")`))
	require.Equal(t, "Assertion failed { a: 1 } 2", e.one(`console.assert("", {a: 1}, 2)`))
}

func TestCountTimeGroup(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	msgs := func(recs []record) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r.Msg)
		}
		return out
	}
	require.Equal(t, []string{"default: 1", "default: 2", "x: 1", "x: 1"},
		msgs(e.run(`console.count(); console.count(undefined); console.count("x"); console.countReset("x"); console.count("x")`)))
	recs := e.run(`console.countReset("nope")`)
	require.Equal(t, "Count for 'nope' does not exist", recs[0].Msg)
	require.Equal(t, slog.LevelWarn, recs[0].Level)

	recs = e.run(`console.time("t"); console.time("t"); console.timeLog("t", "extra", {a: 1}); console.timeEnd("t"); console.timeEnd("t"); console.timeLog()`)
	require.Len(t, recs, 5)
	require.Equal(t, "Timer 't' already exists", recs[0].Msg)
	require.Regexp(t, regexp.MustCompile(`^t: \d+\.\d{3}ms extra \{ a: 1 \}$`), recs[1].Msg)
	require.Regexp(t, regexp.MustCompile(`^t: \d+\.\d{3}ms$`), recs[2].Msg)
	require.Equal(t, "Timer 't' does not exist", recs[3].Msg)
	require.Equal(t, slog.LevelWarn, recs[3].Level)
	require.Equal(t, "Timer 'default' does not exist", recs[4].Msg)

	require.Equal(t, []string{"G 1", "  in", "  C", "    deeper\n    line2", "  back", "out"},
		msgs(e.run(`console.group("G", 1); console.log("in"); console.groupCollapsed("C"); console.log("deeper\nline2"); console.groupEnd(); console.log("back"); console.groupEnd(); console.groupEnd(); console.log("out")`)))
	require.Equal(t, []string{"  x"}, msgs(e.run(`console.group(); console.info("x"); console.groupEnd()`)))

	// Label tables are bounded.
	recs = e.run(`for (let i = 0; i < 1001; i++) console.time("t" + i)`)
	require.Equal(t, "console.time: too many labels (limit 1000); reset or end some first", recs[len(recs)-1].Msg)
	require.Len(t, recs, 1)
	require.Len(t, e.run(`for (let i = 0; i < 1000; i++) console.timeEnd("t" + i); console.time("again")`), 1000)
}

func TestDirAndTable(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	require.Equal(t, "'s'", e.one(`console.dir("s")`))
	require.Equal(t, "{ a: { b: { c: [Object] } } }", e.one(`console.dir({a: {b: {c: {d: 1}}}})`))
	require.Equal(t, strings.Join([]string{
		"┌─────────┬───┬─────┬──────┐",
		"│ (index) │ a │ b   │ c    │",
		"├─────────┼───┼─────┼──────┤",
		"│ 0       │ 1 │ 'x' │      │",
		"│ 1       │ 2 │     │ true │",
		"└─────────┴───┴─────┴──────┘",
	}, "\n"), e.one(`console.table([{a: 1, b: "x"}, {a: 2, c: true}])`))
	require.Equal(t, strings.Join([]string{
		"┌─────────┬────────┐",
		"│ (index) │ Values │",
		"├─────────┼────────┤",
		"│ p       │ 'q'    │",
		"│ r       │ 5      │",
		"└─────────┴────────┘",
	}, "\n"), e.one(`console.table({p: "q", r: 5})`))
	require.Equal(t, strings.Join([]string{
		"┌─────────┬───┐",
		"│ (index) │ b │",
		"├─────────┼───┤",
		"│ 0       │ 2 │",
		"└─────────┴───┘",
	}, "\n"), e.one(`console.table([{a: 1, b: 2}], ["b"])`))
	require.Equal(t, "5 extra", e.one(`console.table(5, "extra")`))
	require.Contains(t, e.one(`console.table([{get g() { throw 1 }}])`), "[Getter threw]")
}

func TestExoticValuesNeverPanic(t *testing.T) {
	e := newEnv(t, slog.LevelDebug)
	for _, src := range []string{
		`console.log(Symbol.iterator, Object.create(Array.prototype), Object.create(Map.prototype))`,
		`const p = Proxy.revocable([], {}); p.revoke(); console.log([p.proxy], {p: p.proxy}); console.table(p.proxy)`,
		`console.log(new Proxy(function f() {}, {}))`,
		`const e = new Error("m"); Object.defineProperty(e, "stack", {get() { throw 1 }}); console.log(e, [e])`,
		`const e2 = new Error("m"); e2.name = {toString() { throw 1 }}; console.log(e2)`,
		`console.log(globalThis)`,
		`console.log(console)`,
		`console.log(Object.create(null, {x: {get() { throw new Error() }, enumerable: true}}))`,
		`console.log({toString() { throw 1 }, valueOf() { throw 2 }}, "%s %d %f", {toString() { throw 1 }}, {valueOf() { throw 1 }}, {})`,
		`console.count({toString() { return "obj" }}); console.count(Symbol("s"))`,
		`const deep = []; let cur = deep; for (let i = 0; i < 10000; i++) { const n = []; cur.push(n); cur = n } console.log(deep)`,
		`const m = new Map(); m[Symbol.iterator] = () => { throw 1 }; console.log(m)`,
		`Map.prototype[Symbol.iterator] = function () { throw 1 }; console.log(new Map([[1, 2]])); delete Map.prototype[Symbol.iterator]`,
	} {
		e.run(src)
	}
}

func BenchmarkConsoleLogString(b *testing.B) {
	benchLog(b, `(() => (s) => console.log(s))()`, "hello world, this is a log line")
}

func BenchmarkConsoleLogObject(b *testing.B) {
	benchLog(b, `(() => (s) => console.log("req", {url: s, n: 1, tags: ["a", "b"], nested: {ok: true}}))()`, "https://example.com/")
}

func BenchmarkConsoleDebugDisabled(b *testing.B) {
	benchLog(b, `(() => (s) => console.debug("req", {url: s}))()`, "x")
}

func benchLog(b *testing.B, setup, arg string) {
	h := slog.NewTextHandler(discard{}, &slog.HandlerOptions{Level: slog.LevelInfo})
	r := realm.New(realm.Options{Logger: slog.New(h)})
	console.Install(r)
	vm := r.VM()
	fv, err := vm.RunString(setup)
	if err != nil {
		b.Fatal(err)
	}
	fn, _ := goja.AssertFunction(fv)
	a := vm.ToValue(arg)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fn(goja.Undefined(), a); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := realm.New(realm.Options{})
		console.Install(r)
	}
}
