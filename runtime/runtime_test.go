package runtime_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
	"github.com/workerhost/workerhost/runtime/runtimetest"
)

// quietLogger returns a logger whose output is collected for assertions.
func quietLogger() (*slog.Logger, *jstest.LogBuffer) {
	lb := &jstest.LogBuffer{}
	return slog.New(slog.NewTextHandler(lb, nil)), lb
}

func load(t *testing.T, src string, opts runtime.Options) *runtimetest.Routine {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger, _ = quietLogger()
	}
	if raceEnabled && opts.Limits.CPUTime == 0 {
		// The race detector slows goja ~10x: the lazy set-up of the
		// streams classes alone would take most of the 50 ms budget.
		opts.Limits.CPUTime = time.Second
	}
	return runtimetest.New(t, src, opts)
}

func TestHelloAndAsyncRespond(t *testing.T) {
	w := load(t, `
		addEventListener('fetch', (event) => {
			const url = new URL(event.request.url);
			if (url.pathname === '/sync') {
				event.respondWith(new Response('sync', { status: 201, headers: { 'x-a': '1' } }));
				return;
			}
			event.respondWith((async () => {
				await null;
				return new Response('async ' + event.request.method + ' ' + url.pathname);
			})());
		});`, runtime.Options{})
	res := w.Get("/sync")
	require.Equal(t, 201, res.StatusCode)
	require.Equal(t, "sync", res.Text)
	require.Equal(t, "1", res.Header.Get("X-A"))
	require.Equal(t, "text/plain;charset=UTF-8", res.Header.Get("Content-Type"))
	require.Equal(t, "4", res.Header.Get("Content-Length"))
	res = w.Get("/a/b?c")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "async GET /a/b", res.Text)
}

func TestRequestProperties(t *testing.T) {
	w := load(t, `
		addEventListener('fetch', (event) => {
			event.respondWith((async () => {
				const r = event.request;
				const body = await r.text();
				let immutable = '';
				try { r.headers.set('x', 'y') } catch (e) { immutable = e.name }
				return Response.json({
					method: r.method, url: r.url, ua: r.headers.get('user-agent'),
					multi: r.headers.get('x-multi'), body, bodyUsed: r.bodyUsed, immutable,
					signal: r.signal.aborted,
				});
			})());
		});`, runtime.Options{})
	req := httptest.NewRequest("PUT", "http://example.com/p?q=1", strings.NewReader("payload"))
	req.Header.Set("User-Agent", "test-agent")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	res := w.Do(req)
	require.Equal(t, 200, res.StatusCode)
	require.JSONEq(t, `{"method":"PUT","url":"http://example.com/p?q=1","ua":"test-agent","multi":"a, b",
		"body":"payload","bodyUsed":true,"immutable":"TypeError","signal":false}`, res.Text)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
}

func TestLargeRequestBodyIsStreamedFromClient(t *testing.T) {
	w := load(t, `
		addEventListener('fetch', (event) => {
			event.respondWith(event.request.arrayBuffer().then(b => new Response(String(b.byteLength))));
		});`, runtime.Options{})
	body := strings.Repeat("x", 1<<20)
	req := httptest.NewRequest("POST", "/", io.NopCloser(strings.NewReader(body)))
	req.ContentLength = -1
	res := w.Do(req)
	require.Equal(t, "1048576", res.Text)
}

func TestNoRespondWithGoesToOrigin(t *testing.T) {
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "origin %s %s %s", r.Method, r.URL.Path, b)
	})
	w := load(t, `addEventListener('fetch', (event) => { /* not answering */ });`, runtime.Options{Origin: origin})
	res := w.Post("/x", "text/plain", "body-kept")
	require.Equal(t, "origin POST /x body-kept", res.Text)
}

func TestNoOriginConfigured(t *testing.T) {
	w := load(t, `addEventListener('fetch', () => {});`, runtime.Options{})
	res := w.Get("/")
	require.Equal(t, 502, res.StatusCode)
	require.Contains(t, res.Text, "no origin is configured")
}

func TestErrorsGive500WithoutStack(t *testing.T) {
	logger, logs := quietLogger()
	src := `
		addEventListener('fetch', (event) => {
			const p = new URL(event.request.url).pathname;
			if (p === '/sync') throw new Error('boom-sync');
			if (p === '/notresponse') { event.respondWith(Promise.resolve(42)); return; }
			event.respondWith((async () => { await null; throw new TypeError('boom-async'); })());
		});`
	w := load(t, src, runtime.Options{Logger: logger})
	for _, path := range []string{"/sync", "/async"} {
		res := w.Get(path)
		require.Equal(t, 500, res.StatusCode, path)
		require.NotContains(t, res.Text, "boom")
		require.NotContains(t, res.Text, "at ")
	}
	res := w.Get("/notresponse")
	require.Equal(t, 500, res.StatusCode)
	require.Contains(t, logs.String(), "boom-sync")
	require.Contains(t, logs.String(), "TypeError: boom-async")
	require.Contains(t, logs.String(), "not a Response")

	dbg := load(t, src, runtime.Options{Debug: true})
	res = dbg.Get("/sync")
	require.Equal(t, 500, res.StatusCode)
	require.Contains(t, res.Text, "Error: boom-sync")
	require.Contains(t, res.Text, "routine.js:4")
}

func TestPassThroughOnException(t *testing.T) {
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") })
	w := load(t, `
		addEventListener('fetch', (event) => {
			event.passThroughOnException();
			event.respondWith((async () => { await null; throw new Error('fail') })());
		});`, runtime.Options{Origin: origin})
	res := w.Get("/")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "from origin", res.Text)
}

func TestLoadErrors(t *testing.T) {
	_, err := runtime.New("let x = ;", runtime.Options{Filename: "w.js"})
	var se *runtime.ScriptError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, runtime.ErrSyntax)
	require.Equal(t, 1, se.Line)
	require.Equal(t, 9, se.Column)

	_, err = runtime.New("\n\n  null.x;\naddEventListener('fetch', e => {})", runtime.Options{Filename: "w.js"})
	require.ErrorIs(t, err, runtime.ErrInit)
	require.ErrorAs(t, err, &se)
	require.Equal(t, "w.js", se.File)
	require.Equal(t, 3, se.Line)
	require.Contains(t, err.Error(), "w.js:3:")
	require.Contains(t, err.Error(), "TypeError")

	_, err = runtime.New("const a = 1;", runtime.Options{Filename: "w.js"})
	require.ErrorIs(t, err, runtime.ErrNoFetchHandler)
	require.Contains(t, err.Error(), "w.js:1:1")

	_, err = runtime.New(strings.Repeat(" ", 100)+"addEventListener('fetch', e => {})", runtime.Options{Limits: limits.Limits{CodeSize: 50}})
	require.ErrorIs(t, err, limits.ErrCodeSize)

	_, err = runtime.New("while (true) {}", runtime.Options{Limits: limits.Limits{InitCPUTime: 20 * time.Millisecond}})
	require.ErrorIs(t, err, limits.ErrInitCPUTime)
}

func TestInitPhaseRestrictions(t *testing.T) {
	w := load(t, `
		let lateErr = '';
		const initHeaders = new Headers({ a: '1' });       // constructors are allowed
		const initB64 = btoa('hi') + atob('aGk=');
		addEventListener('fetch', (event) => {
			try { addEventListener('fetch', () => {}) } catch (e) { lateErr = e.name + ': ' + e.message }
			event.respondWith(new Response(lateErr + '|' + initHeaders.get('a') + '|' + initB64));
		});`, runtime.Options{})
	res := w.Get("/")
	require.Contains(t, res.Text, "TypeError: addEventListener() can only be called during the routine's static initialization")
	require.Contains(t, res.Text, "|1|aGk=hi")

	_, err := runtime.New(`setTimeout(() => {}, 1); addEventListener('fetch', e => {})`, runtime.Options{})
	require.ErrorIs(t, err, runtime.ErrInit)
	require.Contains(t, err.Error(), "TypeError")
	_, err = runtime.New(`fetch('https://example.com/'); addEventListener('fetch', e => {})`, runtime.Options{})
	require.ErrorIs(t, err, runtime.ErrInit)
	require.Contains(t, err.Error(), "TypeError")
}

func TestCrossRequestObjectThrows(t *testing.T) {
	// The seed's invalidRequest example.
	w := load(t, `
		let invalidRequest = null;
		let shared = null;
		addEventListener('fetch', (event) => {
			event.respondWith(handle(event));
		});
		async function handle(event) {
			if (invalidRequest) {
				try {
					invalidRequest.headers.get('user-agent');
					return new Response('no error');
				} catch (e) {
					return new Response(e.name + ': ' + e.message + ' | shared=' + shared);
				}
			}
			invalidRequest = event.request;
			shared = 'plain string from request 1';
			return new Response('first');
		}`, runtime.Options{})
	require.Equal(t, "first", w.Get("/").Text)
	res := w.Get("/")
	require.Contains(t, res.Text, "TypeError: Cannot use a Request object that belongs to a different request")
	require.Contains(t, res.Text, "shared=plain string from request 1")
}

func TestWaitUntilRunsAfterResponse(t *testing.T) {
	done := make(chan string, 1)
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { done <- r.URL.Path })
	w := load(t, `
		let log = [];
		addEventListener('fetch', (event) => {
			const p = new URL(event.request.url).pathname;
			if (p === '/log') { event.respondWith(new Response(log.join(','))); return; }
			event.waitUntil((async () => { for (let i = 0; i < 3; i++) await null; log.push('waited'); })());
			event.respondWith(new Response('ok'));
		});`, runtime.Options{Origin: origin, Isolates: 1})
	require.Equal(t, "ok", w.Get("/").Text)
	require.Equal(t, "waited", w.Get("/log").Text)
}

func TestConcurrentRequestsNoLeak(t *testing.T) {
	logger, logs := quietLogger()
	w := load(t, `
		addEventListener('fetch', (event) => {
			event.respondWith((async () => {
				const n = new URL(event.request.url).searchParams.get('n');
				await Promise.resolve();
				return new Response('n=' + n);
			})());
		});`, runtime.Options{Logger: logger})
	srv := httptest.NewServer(w)
	defer srv.Close()
	before := goruntime.NumGoroutine()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := client.Get(fmt.Sprintf("%s/?n=%d", srv.URL, i))
			if err != nil {
				if bad.Add(1) == 1 {
					t.Log(err)
				}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(b) != fmt.Sprintf("n=%d", i) {
				if bad.Add(1) == 1 {
					t.Log(res.StatusCode, string(b))
				}
			}
		}(i)
	}
	wg.Wait()
	require.Zero(t, bad.Load(), logs.String())
	client.CloseIdleConnections()
	require.Eventually(t, func() bool { return goruntime.NumGoroutine() <= before+2 }, 5*time.Second, 20*time.Millisecond,
		"goroutines: before %d, now %d", before, goruntime.NumGoroutine())
}

func TestCPULimitRetiresIsolate(t *testing.T) {
	logger, logs := quietLogger()
	w := load(t, `
		addEventListener('fetch', (event) => {
			if (new URL(event.request.url).pathname === '/spin') { while (true) {} }
			event.respondWith(new Response('fine'));
		});`, runtime.Options{Logger: logger, Limits: limits.Limits{CPUTime: 20 * time.Millisecond}, Isolates: 1})
	start := time.Now()
	res := w.Get("/spin")
	elapsed := time.Since(start)
	require.Equal(t, 503, res.StatusCode)
	require.Less(t, elapsed, time.Second)
	require.Contains(t, logs.String(), "CPU time limit exceeded")
	// The isolate is retired right after the response is sent.
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "retiring isolate") }, time.Second, time.Millisecond)
	m := regexp.MustCompile(`used ([0-9.]+m?s) of CPU time`).FindStringSubmatch(logs.String())
	require.NotNil(t, m, logs.String())
	used, err := time.ParseDuration(m[1])
	require.NoError(t, err)
	require.Less(t, used, 40*time.Millisecond, "breach must be caught within 2x the budget")
	require.Eventually(t, func() bool { return w.Get("/").Text == "fine" }, 2*time.Second, 10*time.Millisecond)
}

func TestClientDisconnectAbortsSignal(t *testing.T) {
	aborted := make(chan string, 1)
	// Use a routine with a Go-side report hook.
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			const signal = event.request.signal;
			event.respondWith(new Promise(() => {
				signal.addEventListener('abort', () => report(signal.reason.name + ':' + signal.aborted));
			}));
		});`, runtime.Options{Install: func(vm *goja.Runtime) error {
		return vm.Set("report", func(s string) { aborted <- s })
	}})
	require.NoError(t, err)
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() { rt.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case s := <-aborted:
		require.Equal(t, "AbortError:true", s)
	case <-time.After(2 * time.Second):
		t.Fatal("abort event did not fire")
	}
	<-done
}

func TestGatewayTimeout(t *testing.T) {
	w := load(t, `addEventListener('fetch', (event) => { event.respondWith(new Promise(() => {})); });`,
		runtime.Options{Limits: limits.Limits{GatewayTimeout: 200 * time.Millisecond}})
	start := time.Now()
	res := w.Get("/")
	require.Equal(t, 504, res.StatusCode)
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	require.Less(t, time.Since(start), 400*time.Millisecond, "reported within 2x the budget")
}

func TestHandleEventObjectAndMultipleListeners(t *testing.T) {
	w := load(t, `
		const calls = [];
		addEventListener('fetch', { handleEvent(e) { calls.push('obj') } });
		addEventListener('fetch', (e) => { calls.push('fn'); e.respondWith(new Response(calls.join())) });
		addEventListener('fetch', (e) => { calls.push('never') });
	`, runtime.Options{Isolates: 1})
	require.Equal(t, "obj,fn", w.Get("/").Text)
}

func TestRespondWithTwiceAndLate(t *testing.T) {
	w := load(t, `
		addEventListener('fetch', (event) => {
			event.respondWith(new Response('first'));
			try { event.respondWith(new Response('second')) } catch (e) { globalThis.twice = e.name }
		});
		addEventListener('fetch', () => {});
	`, runtime.Options{Isolates: 1})
	require.Equal(t, "first", w.Get("/").Text)
}

func BenchmarkW1HelloInProcess(b *testing.B) {
	src, err := os.ReadFile("../bench/worker.js")
	require.NoError(b, err)
	rt, err := runtime.New(string(src), runtime.Options{})
	require.NoError(b, err)
	defer rt.Close()
	req := httptest.NewRequest("GET", "http://127.0.0.1/hello", nil)
	b.ReportAllocs()
	b.SetParallelism(16) // keep both isolates busy, as 64 connections would
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}

func TestInterleavedRequestsOnOneIsolate(t *testing.T) {
	w := load(t, `
		const log = [];
		addEventListener('fetch', (event) => {
			const url = new URL(event.request.url);
			const name = url.searchParams.get('name');
			const ms = Number(url.searchParams.get('ms'));
			if (url.pathname === '/log') { event.respondWith(new Response(log.join(','))); return; }
			event.respondWith((async () => {
				log.push(name + ':start');
				await new Promise((resolve) => setTimeout(resolve, ms));
				log.push(name + ':end');
				return new Response(name);
			})());
		});`, runtime.Options{Isolates: 1})
	var wg sync.WaitGroup
	results := make([]string, 2)
	for i, q := range []string{"/?name=slow&ms=150", "/?name=fast&ms=10"} {
		wg.Add(1)
		go func(i int, q string) {
			defer wg.Done()
			results[i] = w.Get(q).Text
		}(i, q)
		time.Sleep(20 * time.Millisecond) // slow starts first
	}
	wg.Wait()
	require.Equal(t, []string{"slow", "fast"}, results)
	require.Equal(t, "slow:start,fast:start,fast:end,slow:end", w.Get("/log").Text)
}

func TestIntervalCancelledWhenRequestEnds(t *testing.T) {
	w := load(t, `
		let ticks = 0;
		addEventListener('fetch', (event) => {
			if (new URL(event.request.url).pathname === '/ticks') { event.respondWith(new Response(String(ticks))); return; }
			setInterval(() => { ticks++ }, 1);
			event.respondWith(new Response('started'));
		});`, runtime.Options{Isolates: 1})
	require.Equal(t, "started", w.Get("/").Text)
	time.Sleep(30 * time.Millisecond)
	first := w.Get("/ticks").Text
	time.Sleep(30 * time.Millisecond)
	require.Equal(t, first, w.Get("/ticks").Text, "the interval must stop when its request ends")
}

// goja's call-depth limit raises an uncatchable error (*goja.StackOverflowError):
// the request fails with a 500 and a logged RangeError, and the isolate
// keeps serving.
func TestStackOverflowFailsRequestOnly(t *testing.T) {
	logger, logs := quietLogger()
	w := load(t, `
		function f(n) { return f(n + 1) + 1 }
		addEventListener('fetch', (event) => {
			if (new URL(event.request.url).pathname === '/deep') f(0);
			event.respondWith(new Response('ok'));
		});`, runtime.Options{Logger: logger, Isolates: 1})
	res := w.Get("/deep")
	require.Equal(t, 500, res.StatusCode)
	require.Contains(t, logs.String(), "Maximum call stack size exceeded")
	require.Equal(t, "ok", w.Get("/").Text)
}

func TestHostileAllocationsAreRangeErrors(t *testing.T) {
	w := load(t, `
		addEventListener('fetch', (event) => {
			const out = [];
			for (const f of [() => 'x'.repeat(2 ** 30), () => new ArrayBuffer(2 ** 31), () => new Array(2 ** 30).join('ab')]) {
				try { f(); out.push('no error') } catch (e) { out.push(e.name) }
			}
			event.respondWith(new Response(out.join(',')));
		});`, runtime.Options{})
	require.Equal(t, "RangeError,RangeError,RangeError", w.Get("/").Text)
}

func TestConcurrencyQueueThen503(t *testing.T) {
	w := load(t, `addEventListener('fetch', (event) => {
		event.respondWith(new Promise((resolve) => setTimeout(() => resolve(new Response('ok')), 100)));
	});`, runtime.Options{Isolates: 1, Limits: limits.Limits{MaxConcurrentPerIsolate: 2, MaxQueue: 2}})
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = w.Get("/").StatusCode
		}(i)
	}
	wg.Wait()
	ok, busy := 0, 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 503:
			busy++
		}
	}
	require.Equal(t, 4, ok, "2 in flight + 2 queued are served: %v", codes)
	require.Equal(t, 2, busy, "the rest get 503: %v", codes)
}

func TestMemoryLimitRetiresIsolate(t *testing.T) {
	logger, logs := quietLogger()
	w := load(t, `
		addEventListener('fetch', (event) => {
			if (new URL(event.request.url).pathname === '/grow') {
				const s = 'x'.repeat(1 << 20), a = [];
				for (;;) a.push(s + a.length);
			}
			event.respondWith(new Response('fine'));
		});`, runtime.Options{Logger: logger, Isolates: 1,
		Limits: limits.Limits{Memory: 32 << 20, CPUTime: 5 * time.Second}})
	s0, _ := limits.WatchdogStats()
	res := w.Get("/grow")
	require.Equal(t, 503, res.StatusCode)
	s1, maxGrowth := limits.WatchdogStats()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "memory limit exceeded") }, time.Second, time.Millisecond,
		"%s\nwatchdog samples during the request: %d, largest growth seen: %d MiB", logs.String(), s1-s0, maxGrowth>>20)
	require.Eventually(t, func() bool { return w.Get("/").Text == "fine" }, 2*time.Second, 10*time.Millisecond)
}

func TestFetchProxyAndOrigin(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Up", "1")
		fmt.Fprintf(w, "upstream %s hops=%s", r.URL.Path, r.Header.Get("X-Workerhost-Hops"))
	}))
	defer upstream.Close()
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "origin %s", r.URL.Path) })
	w := load(t, `
		addEventListener('fetch', (event) => {
			const url = new URL(event.request.url);
			event.respondWith((async () => {
				if (url.pathname === '/origin') return fetch(event.request);
				if (url.pathname === '/budget') {
					let n = 0;
					try { for (;;) { await fetch(UPSTREAM + '/x'); n++ } } catch (e) { return new Response(n + ' ' + e.name + ': ' + e.message) }
				}
				const up = await fetch(UPSTREAM + url.pathname);
				const headers = new Headers(up.headers);
				headers.set('x-proxied-by', 'worker');
				return new Response(up.body, { status: up.status, headers });
			})());
		});`, runtime.Options{Origin: origin, Fetch: fetch.Config{AllowPrivate: true}, Install: func(vm *goja.Runtime) error {
		return vm.Set("UPSTREAM", upstream.URL)
	}})
	res := w.Get("/a")
	require.Equal(t, "upstream /a hops=1", res.Text)
	require.Equal(t, "worker", res.Header.Get("X-Proxied-By"))
	require.Equal(t, "1", res.Header.Get("X-Up"))
	require.Equal(t, "origin /origin", w.Get("/origin").Text)
	res = w.Get("/budget")
	require.Contains(t, res.Text, "50 TypeError")
	require.Contains(t, res.Text, "subrequest")
}

func TestFetchBlocksPrivateByDefault(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "reached") }))
	defer upstream.Close()
	w := load(t, `addEventListener('fetch', (event) => {
		event.respondWith(fetch(UPSTREAM).then(r => r.text(), e => e.name + ': ' + e.message).then(t => new Response(t)));
	});`, runtime.Options{Install: func(vm *goja.Runtime) error { return vm.Set("UPSTREAM", upstream.URL) }})
	res := w.Get("/")
	require.Contains(t, res.Text, "TypeError")
	require.NotContains(t, res.Text, "reached")
}

// goja's parser panics on the escape \u{10FFFF}; internal/realm reads it as
// the surrogate pair, so the script loads (other parser panics come back as
// ErrSyntax).
func TestMaxCodePointEscapeLoads(t *testing.T) {
	w := load(t, `const s = "\u{10FFFF}"; addEventListener('fetch', e => e.respondWith(new Response(s === "\uDBFF\uDFFF" ? 'same' : 'different')))`, runtime.Options{})
	require.Equal(t, "same", w.Get("/").Text)
}

// TestDescheduledTaskIsNotCPUTime: a task that spends wall time without CPU
// (here a host native that sleeps; on a saturated machine, a descheduled
// thread) is not stopped at twice its CPU budget.
func TestDescheduledTaskIsNotCPUTime(t *testing.T) {
	logger, logs := quietLogger()
	w := load(t, `addEventListener('fetch', (event) => { hostSleep(150); event.respondWith(new Response('slept')) })`,
		runtime.Options{Logger: logger, Limits: limits.Limits{CPUTime: 50 * time.Millisecond}, Install: func(vm *goja.Runtime) error {
			return vm.Set("hostSleep", func(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) })
		}})
	res := w.Get("/")
	require.Equal(t, 200, res.StatusCode, logs.String())
	require.Equal(t, "slept", res.Text)
	require.NotContains(t, logs.String(), "retiring isolate")
}

// Async iteration, which goja lacks, works in routines (internal/realm
// lowers it): for await over the request body, and an async generator
// feeding ReadableStream.from for the response.
func TestAsyncIterationInRoutines(t *testing.T) {
	w := load(t, `
		async function* upper(body) {
			const dec = new TextDecoder();
			let n = 0;
			for await (const chunk of body) {
				n += chunk.byteLength;
				yield new TextEncoder().encode(dec.decode(chunk, { stream: true }).toUpperCase());
			}
			yield new TextEncoder().encode(' (' + n + ' bytes)');
		}
		addEventListener('fetch', (event) => {
			event.respondWith(new Response(ReadableStream.from(upper(event.request.body))));
		});`, runtime.Options{})
	body := strings.Repeat("abc", 50000)
	req := httptest.NewRequest("POST", "/", io.NopCloser(strings.NewReader(body)))
	req.ContentLength = -1
	res := w.Do(req)
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, strings.ToUpper(body)+" (150000 bytes)", res.Text)

	_, err := runtime.New("addEventListener('fetch', e => {});\nfunction f() { for await (const x of []) ; }", runtime.Options{})
	var se *runtime.ScriptError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Line)
	require.Contains(t, se.Message, "for await is only valid in async functions")
}

// goja panics on arguments used only in arrow functions (internal/realm
// works around it): a debounce-style wrapper answers instead of failing.
func TestArgumentsInArrowFunctions(t *testing.T) {
	w := load(t, `
		function later(fn) { return function () { return Promise.resolve().then(() => fn.apply(this, arguments)) } }
		const greet = later((a, b) => new Response(a + ' ' + b));
		addEventListener('fetch', e => e.respondWith(greet('hello', 'there')));`, runtime.Options{})
	res := w.Get("/")
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "hello there", res.Text)
}
