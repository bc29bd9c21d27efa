package runtime_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
)

// neighbour is a well-behaved routine served over loopback while a hostile
// one runs; it counts answers and failures.
type neighbour struct {
	srv      *httptest.Server
	ok, fail atomic.Int64
	stop     chan struct{}
	done     sync.WaitGroup
}

func startNeighbour(t *testing.T) *neighbour {
	rt, err := runtime.New(`addEventListener('fetch', e => e.respondWith(new Response('neighbour')));`,
		runtime.Options{Name: "neighbour", Logger: discard()})
	require.NoError(t, err)
	n := &neighbour{srv: httptest.NewServer(rt), stop: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	n.done.Add(1)
	go func() {
		defer n.done.Done()
		deadline := time.Now().Add(30 * time.Second) // bounded in time and count
		for i := 0; i < 100000 && time.Now().Before(deadline); i++ {
			select {
			case <-n.stop:
				return
			default:
			}
			res, err := client.Get(n.srv.URL)
			if err != nil {
				n.fail.Add(1)
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(b) == "neighbour" {
				n.ok.Add(1)
			} else {
				n.fail.Add(1)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	t.Cleanup(func() {
		n.finish()
		n.srv.Close()
		client.CloseIdleConnections()
		rt.Close()
	})
	return n
}

func (n *neighbour) finish() {
	select {
	case <-n.stop:
	default:
		close(n.stop)
	}
	n.done.Wait()
}

func discard() *slog.Logger { l, _ := quietLogger(); return l }

func heapInUse() uint64 {
	goruntime.GC()
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestHostileScripts runs each hostile script next to a neighbour routine
// and checks the outcome, that the neighbour kept answering, and that
// goroutines and heap return to their baseline.
func TestHostileScripts(t *testing.T) {
	lim := limits.Limits{
		CPUTime: 50 * time.Millisecond, GatewayTimeout: 300 * time.Millisecond,
		Memory: 64 << 20, WallTime: 2 * time.Second,
	}
	cases := []struct {
		name   string
		script string
		path   string
		status int
		body   string        // substring expected in the response body
		budget time.Duration // the outcome must come within 2x this
		check  func(t *testing.T, w *hostileRoutine)
		lim    *limits.Limits // overrides the suite's limits
		log    string         // substring expected in the hostile routine's log
	}{
		{name: "busy loop in handler", status: 503, budget: lim.CPUTime,
			script: `addEventListener('fetch', e => { while (true) {} })`},
		{name: "microtask spin", status: 503, budget: lim.CPUTime,
			script: `addEventListener('fetch', e => e.respondWith((async () => { for (;;) await null })()))`},
		{name: "infinite promise chain", status: 503, budget: lim.CPUTime,
			script: `addEventListener('fetch', e => { const f = () => Promise.resolve().then(f); f(); e.respondWith(new Promise(() => {})) })`},
		{name: "huge repeat", status: 200, body: "RangeError",
			script: `addEventListener('fetch', e => { try { 'x'.repeat(2 ** 30) } catch (err) { e.respondWith(new Response(err.name)); return } e.respondWith(new Response('allocated')) })`},
		{name: "huge ArrayBuffer", status: 500,
			script: `addEventListener('fetch', e => { new ArrayBuffer(2 ** 31); e.respondWith(new Response('allocated')) })`},
		{name: "growing array of strings", status: 503, log: "memory limit exceeded",
			// a CPU budget large enough that the memory budget is what stops it
			lim:    &limits.Limits{CPUTime: 5 * time.Second, Memory: 32 << 20, GatewayTimeout: 10 * time.Second},
			script: `addEventListener('fetch', e => { const s = 'y'.repeat(1 << 20), a = []; for (;;) a.push(s + a.length) })`},
		{name: "deep recursion caught", status: 200, body: "RangeError: Maximum call stack size exceeded",
			script: `function f() { return f() + 1 }
				addEventListener('fetch', e => { try { f() } catch (err) { e.respondWith(new Response(String(err instanceof RangeError) + ' ' + err)) } })`,
			check: func(t *testing.T, w *hostileRoutine) {
				require.Equal(t, "true RangeError: Maximum call stack size exceeded", w.get("/"), "the isolate keeps serving")
			}},
		{name: "deep recursion uncaught", status: 500, log: "Uncaught RangeError: Maximum call stack size exceeded",
			script: `function f() { return f() + 1 } addEventListener('fetch', e => { f() })`},
		{name: "deep recursion through natives, arrows and methods", status: 200, body: "RangeError",
			// 4,000 levels through Array.prototype.map take longer than 50 ms under -race
			lim: &limits.Limits{CPUTime: 2 * time.Second, GatewayTimeout: 10 * time.Second, Memory: 64 << 20, WallTime: 10 * time.Second},
			script: `const o = { m(n) { return [n].map(x => o.m(x + 1)) } }, g = n => g(n + 1)
				addEventListener('fetch', e => e.respondWith((async () => {
					let a = 'none', b = 'none'
					try { o.m(0) } catch (err) { a = err.name }
					try { g(0) } catch (err) { b = err.name }
					return new Response(a + ' ' + b)
				})()))`,
			check: func(t *testing.T, w *hostileRoutine) {
				require.Equal(t, "RangeError RangeError", w.get("/"))
			}},
		{name: "never responds", status: 504, budget: lim.GatewayTimeout,
			script: `addEventListener('fetch', e => e.respondWith(new Promise(() => {})))`},
		{name: "interval after response", status: 200, body: "started",
			script: `let ticks = 0; addEventListener('fetch', e => {
				if (new URL(e.request.url).pathname === '/ticks') { e.respondWith(new Response(String(ticks))); return }
				setInterval(() => { ticks++ }, 1); e.respondWith(new Response('started')) })`,
			check: func(t *testing.T, w *hostileRoutine) {
				time.Sleep(20 * time.Millisecond)
				a := w.get("/ticks")
				time.Sleep(30 * time.Millisecond)
				require.Equal(t, a, w.get("/ticks"), "the interval must end with its request")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			baseG := goruntime.NumGoroutine()
			baseHeap := heapInUse()
			n := startNeighbour(t)
			logger, logs := quietLogger()
			l := lim
			if tc.lim != nil {
				l = *tc.lim
			}
			rt, err := runtime.New(tc.script, runtime.Options{Name: "hostile", Logger: logger, Limits: l, Isolates: 1})
			require.NoError(t, err)
			w := &hostileRoutine{rt: rt}
			path := tc.path
			if path == "" {
				path = "/"
			}
			start := time.Now()
			status, body := w.do(path)
			elapsed := time.Since(start)
			require.Equal(t, tc.status, status, body)
			if tc.body != "" {
				require.Contains(t, body, tc.body)
			}
			if tc.log != "" {
				require.Eventually(t, func() bool { return strings.Contains(logs.String(), tc.log) }, time.Second, time.Millisecond, logs.String())
			}
			if tc.budget > 0 {
				require.Less(t, elapsed, 2*tc.budget+100*time.Millisecond, "breach reported late")
			}
			if tc.check != nil {
				tc.check(t, w)
			}
			// The routine recovers and the neighbour kept answering.
			time.Sleep(50 * time.Millisecond)
			n.finish()
			require.Positive(t, n.ok.Load(), "neighbour answered nothing")
			require.Zero(t, n.fail.Load(), "neighbour failed")
			rt.Close()
			n.srv.Close()
			require.Eventually(t, func() bool { return goruntime.NumGoroutine() <= baseG+3 }, 5*time.Second, 20*time.Millisecond,
				"goroutines: baseline %d, now %d", baseG, goruntime.NumGoroutine())
			require.Eventually(t, func() bool { return heapInUse() < baseHeap+32<<20 }, 5*time.Second, 50*time.Millisecond,
				"heap did not return to baseline (%d MiB → %d MiB)", baseHeap>>20, heapInUse()>>20)
		})
	}
}

type hostileRoutine struct{ rt *runtime.Routine }

func (w *hostileRoutine) do(path string) (int, string) {
	rec := httptest.NewRecorder()
	w.rt.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func (w *hostileRoutine) get(path string) string {
	_, b := w.do(path)
	return b
}

func TestHostileLoadTimeScripts(t *testing.T) {
	_, err := runtime.New(`while (true) {}`, runtime.Options{Logger: discard()})
	require.ErrorIs(t, err, limits.ErrInitCPUTime)
	big := "addEventListener('fetch', e => {});\n//" + strings.Repeat("x", 5<<20)
	_, err = runtime.New(big, runtime.Options{Logger: discard()})
	require.ErrorIs(t, err, limits.ErrCodeSize)
	require.Contains(t, err.Error(), fmt.Sprint(4<<20))
}

// TestHostileGoStack: scripts that would deepen the Go stack of the loop
// goroutine (or the parser's) until Go aborts the process. Each must end
// with an error value, the process alive.
func TestHostileGoStack(t *testing.T) {
	for name, src := range map[string]string{
		"nested parentheses": "addEventListener('fetch', e => {});\n" + strings.Repeat("(", 300000) + "1" + strings.Repeat(")", 300000),
		"nested templates":   "addEventListener('fetch', e => {});\n" + strings.Repeat("`${", 300000) + "1" + strings.Repeat("}`", 300000),
		"nested arrays":      "addEventListener('fetch', e => {});\nx = " + strings.Repeat("[", 300000) + strings.Repeat("]", 300000),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := runtime.New(src, runtime.Options{Logger: discard()})
			require.ErrorIs(t, err, runtime.ErrSyntax)
			var se *runtime.ScriptError
			require.ErrorAs(t, err, &se)
			require.Equal(t, 2, se.Line)
			require.Contains(t, se.Message, "nested more than 10000 levels")
		})
	}

	// The limit is configurable.
	_, err := runtime.New("addEventListener('fetch', e => {});\nx = ((((((1))))))", runtime.Options{Logger: discard(), Limits: limits.Limits{MaxNesting: 5}})
	require.ErrorIs(t, err, runtime.ErrSyntax)
	_, err = runtime.New("addEventListener('fetch', e => {});\nx = (((((1)))))", runtime.Options{Logger: discard(), Limits: limits.Limits{MaxNesting: 5}})
	require.NoError(t, err)

	// yield* to a fresh generator of itself: goja's call stack stays flat
	// while the Go stack grows by a dozen frames per level.
	lim := limits.Limits{CPUTime: 2 * time.Second}
	w := load(t, `function* g(n) { yield* g(n + 1) }
		addEventListener('fetch', e => {
			let r = 'none'
			try { g(0).next() } catch (err) { r = String(err) }
			e.respondWith(new Response(r))
		})`, runtime.Options{Limits: lim})
	res := w.Get("/")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "RangeError: Maximum call stack size exceeded", res.Text)

	// Code made from strings would escape the instrumentation: as in workerd,
	// it is not allowed.
	w = load(t, `addEventListener('fetch', e => {
			const out = []
			for (const make of [
				() => eval('1 + 1'),
				() => (0, eval)('1 + 1'),
				() => Function('return 1')(),
				() => new Function('return 1')(),
				() => (function () {}).constructor('return 1'),
				() => Object.getPrototypeOf(function* () {}).constructor('yield 1'),
				() => Object.getPrototypeOf(async function () {}).constructor('return 1'),
			]) {
				try { make(); out.push('allowed') } catch (err) { out.push(err.name) }
			}
			out.push(typeof Function, (() => {}) instanceof Function, Function.prototype.constructor === Function, Function.name, eval.name)
			e.respondWith(new Response(out.join(' ')))
		})`, runtime.Options{})
	res = w.Get("/")
	require.Equal(t, "EvalError EvalError EvalError EvalError EvalError EvalError EvalError function true true Function eval", res.Text)
}
