package timers_test

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/timers"
)

// newEnv returns an environment and what its realm logs. The realm takes
// slog.Default() when it is created, so newEnv swaps the default logger
// around jstest.New.
func newEnv(t *testing.T) (*jstest.Env, *jstest.LogBuffer) {
	t.Helper()
	logs := &jstest.LogBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, nil)))
	e := jstest.New(t, dom.Install, timers.Install)
	slog.SetDefault(prev)
	return e, logs
}

func TestOrderingByDueTimeThenCreation(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		setTimeout(() => log.push("c30"), 30);
		setTimeout(() => log.push("a10"), 10);
		setTimeout(() => log.push("b20"), 20);
		setTimeout(() => log.push("z0-1"));
		setTimeout(() => log.push("z0-2"), 0);
		setTimeout(() => log.push("z0-3"), -50);
		setTimeout(() => resolve(log.join(",")), 45);
	})`)
	require.Equal(t, "z0-1,z0-2,z0-3,a10,b20,c30", v)
}

func TestSameDueTimeRunsInCreationOrder(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		for (let i = 0; i < 50; i++) setTimeout(() => log.push(i), 5);
		setTimeout(() => resolve(log), 5);
	})`)
	want := make([]any, 50)
	for i := range want {
		want[i] = int64(i)
	}
	require.Equal(t, want, v)
}

func TestArgumentsAndThis(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		setTimeout(function (a, b, c) {
			resolve([a, b, c, arguments.length, this === globalThis]);
		}, 1, "x", 2, undefined);
	})`)
	require.Equal(t, []any{"x", int64(2), nil, int64(3), true}, v)
}

func TestIDsArePositiveUniqueIntegers(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`
		const ids = [setTimeout(() => {}, 1000), setInterval(() => {}, 1000), setTimeout(() => {})];
		ids.every(id => Number.isInteger(id) && id > 0) && new Set(ids).size === 3`)
	require.Equal(t, true, v)
}

func TestClearInsideCallback(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		let b;
		setTimeout(() => { log.push("a"); clearTimeout(b); }, 10);
		b = setTimeout(() => log.push("b"), 10);
		const c = setTimeout(() => { log.push("c"); clearTimeout(c); }, 12);
		setTimeout(() => resolve(log.join(",")), 30);
	})`)
	require.Equal(t, "a,c", v)
}

func TestIntervalCountedAndCleared(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		let n = 0;
		const id = setInterval((step) => {
			n += step;
			if (n === 5) {
				clearInterval(id);
				setTimeout(() => resolve(n), 20); // no tick after the clear
			}
		}, 2, 1);
	})`)
	require.Equal(t, int64(5), v)
}

func TestClearFunctionsShareOneMap(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		const i = setInterval(() => log.push("interval"), 1);
		clearTimeout(i);
		const t = setTimeout(() => log.push("timeout"), 1);
		clearInterval(t);
		// Unknown ids and non-numbers are ignored.
		clearTimeout(123456); clearTimeout("nope"); clearTimeout(); clearInterval(null);
		clearTimeout({}); clearTimeout(-1); clearTimeout(0);
		const s = setTimeout(() => log.push("string id"), 1);
		clearTimeout(String(s)); // WebIDL long conversion: "5" is 5
		setTimeout(() => resolve(log.join(",")), 20);
	})`)
	require.Equal(t, "", v)
}

func TestTimeoutConversion(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		const start = Date.now();
		setTimeout(() => log.push("nan"), NaN);
		setTimeout(() => log.push("inf"), Infinity);
		setTimeout(() => log.push("wrap"), 2 ** 32 + 1); // ToInt32: 1 ms
		setTimeout(() => log.push("neg"), -1e9);
		setTimeout(() => log.push("str"), "15");
		setTimeout(() => log.push("obj"), { valueOf() { return 8; } });
		setTimeout(() => resolve(log.join(",")), 25);
	})`)
	require.Equal(t, "nan,inf,neg,wrap,obj,str", v)

	r := e.Run(`setTimeout(() => {}, Symbol("x"))`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`setTimeout(() => {}, 10n)`)
	require.Equal(t, "TypeError", r.Name)
}

func TestHandlerMustBeAFunction(t *testing.T) {
	e, _ := newEnv(t)
	r := e.Run(`setTimeout("globalThis.hacked = true", 0)`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "code generation from strings is not allowed")
	r = e.Run(`setInterval("1", 0)`)
	require.Contains(t, r.Err, "setInterval(): code generation from strings")
	r = e.Run(`setTimeout({}, 0)`)
	require.Equal(t, "TypeError: setTimeout(): parameter 1 (handler) is not a function", r.Err)
	r = e.Run(`setTimeout()`)
	require.Equal(t, "TypeError", r.Name)
	require.Equal(t, true, e.MustRun(`globalThis.hacked === undefined`))
	require.Equal(t, []any{int64(1), int64(1), int64(0), int64(0), "setTimeout"},
		e.MustRun(`[setTimeout.length, setInterval.length, clearTimeout.length, clearInterval.length, setTimeout.name]`))
}

func TestTimersRejectedDuringInitialization(t *testing.T) {
	e, _ := newEnv(t)
	r := e.RunInit(`setTimeout(() => {}, 10)`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "setTimeout() can only be used while handling a request")
	require.Contains(t, r.Err, "static initialization")
	r = e.RunInit(`setInterval(() => {}, 10)`)
	require.Contains(t, r.Err, "setInterval() can only be used while handling a request")
	// Clearing and microtasks are harmless during initialization.
	require.Equal(t, "", e.RunInit(`clearTimeout(1); queueMicrotask(() => {}); performance.now()`).Err)
	require.Equal(t, 0, timers.Pending(e.R))
}

func TestCallbackErrorIsReportedAndLaterTimersRun(t *testing.T) {
	e, logs := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		setTimeout(() => { throw new RangeError("boom"); }, 1);
		setTimeout(() => { throw "plain string"; }, 2);
		let n = 0;
		const id = setInterval(() => {
			n++;
			if (n === 3) {
				clearInterval(id);
				setTimeout(() => resolve(n), 5);
			}
			throw new Error("tick " + n);
		}, 1);
	})`)
	require.Equal(t, int64(3), v)
	out := logs.String()
	require.Contains(t, out, `msg="Uncaught RangeError: boom"`)
	require.Contains(t, out, `msg="Uncaught plain string"`)
	require.Contains(t, out, `msg="Uncaught Error: tick 3"`)
	require.Contains(t, out, "source=setInterval")
	require.Contains(t, out, "request=")
	require.NotContains(t, out, "request=-")
}

func TestCallbackRunsAsItsRequest(t *testing.T) {
	e, _ := newEnv(t)
	r := e.R
	var ctx *realm.Context
	got := make(chan *realm.Context, 1)
	e.Do(func() {
		_ = r.VM().Set("reportCtx", func() { got <- r.Current() })
		ctx = r.NewContext(context.Background(), "req-7")
		r.RunTask(ctx, func() {
			_, err := r.VM().RunString(`setTimeout(() => reportCtx(), 1)`)
			require.NoError(t, err)
		})
	})
	select {
	case c := <-got:
		require.Same(t, ctx, c)
	case <-time.After(2 * time.Second):
		t.Fatal("timer did not fire")
	}
	e.Do(func() { ctx.End() })
}

func TestTimersCancelledWhenRequestEnds(t *testing.T) {
	e, _ := newEnv(t)
	r := e.R
	base := runtime.NumGoroutine()
	e.MustRun(`globalThis.fired = 0; globalThis.ticks = 0;`)
	e.Do(func() {
		for i := 0; i < 20; i++ {
			ctx := r.NewContext(context.Background(), "")
			r.RunTask(ctx, func() {
				_, err := r.VM().RunString(`
					setTimeout(() => { globalThis.fired++; }, 0);
					setInterval(() => { globalThis.ticks++; }, 1);
					queueMicrotask(() => {});`)
				require.NoError(t, err)
			})
			require.Equal(t, 2, timers.Pending(r))
			ctx.End() // in the same loop task: no timer can have run yet
			require.Equal(t, 0, timers.Pending(r))
		}
	})
	require.Equal(t, 0, timers.Pending(r))
	time.Sleep(60 * time.Millisecond)
	require.Equal(t, []any{int64(0), int64(0)}, e.MustRun(`[globalThis.fired, globalThis.ticks]`))

	// An interval that has already ticked stops when its request ends.
	e.MustRun(`new Promise(resolve => {
		setInterval(() => { globalThis.ticks++; }, 1);
		setTimeout(resolve, 15);
	})`)
	after := e.MustRun(`globalThis.ticks`).(int64)
	require.Positive(t, after)
	time.Sleep(30 * time.Millisecond)
	require.Equal(t, after, e.MustRun(`globalThis.ticks`))
	require.Equal(t, 0, timers.Pending(r))

	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), base)
}

func TestNestingClampBoundsZeroDelayChains(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const start = performance.now();
		let depth = 0;
		function step() {
			if (++depth === 15) return resolve(performance.now() - start);
			setTimeout(step, 0);
		}
		setTimeout(step, 0);
	})`)
	// Levels above 5 wait at least 4 ms each: 9 × 4 ms.
	require.GreaterOrEqual(t, v.(float64), 36.0)
}

func TestAfterRunsAsTaskOfContext(t *testing.T) {
	e, _ := newEnv(t)
	r := e.R
	var ctx *realm.Context
	got := make(chan *realm.Context, 3)
	e.Do(func() {
		ctx = r.NewContext(context.Background(), "")
		timers.After(r, ctx, 5*time.Millisecond, func() { got <- r.Current() })
		cancel := timers.After(r, ctx, 5*time.Millisecond, func() { got <- nil })
		cancel()
		cancel()
		timers.After(r, nil, time.Millisecond, func() { got <- r.Current() })
	})
	var seen []*realm.Context
	for i := 0; i < 2; i++ {
		select {
		case c := <-got:
			seen = append(seen, c)
		case <-time.After(2 * time.Second):
			t.Fatal("After did not fire")
		}
	}
	require.Nil(t, seen[0])
	require.Same(t, ctx, seen[1])

	// Ending the context cancels its Go timers too.
	fired := make(chan struct{}, 1)
	e.Do(func() {
		timers.After(r, ctx, 5*time.Millisecond, func() { fired <- struct{}{} })
		ctx.End()
		require.Equal(t, 0, timers.Pending(r))
		timers.After(r, ctx, 0, func() { fired <- struct{}{} }) // ended: never runs
	})
	select {
	case <-fired:
		t.Fatal("timer of an ended context fired")
	case <-time.After(30 * time.Millisecond):
	}
}

func TestAfterReportsThrownJSValues(t *testing.T) {
	e, logs := newEnv(t)
	r := e.R
	done := make(chan struct{})
	e.Do(func() {
		timers.After(r, nil, 0, func() { panic(r.NewTypeError("from Go")) })
		timers.After(r, nil, 1*time.Millisecond, func() { close(done) })
	})
	<-done
	require.Contains(t, logs.String(), "Uncaught TypeError: from Go")
	require.NoError(t, r.Err())
}

func TestManyTimersStress(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		let n = 0;
		const ids = [];
		for (let i = 0; i < 2000; i++) ids.push(setTimeout(() => n++, i % 7));
		for (let i = 0; i < 2000; i += 2) clearTimeout(ids[i]);
		setTimeout(() => resolve(n), 20);
	})`)
	require.Equal(t, int64(1000), v)
	require.Equal(t, 0, timers.Pending(e.R))
}

func TestReportExceptionNeverThrows(t *testing.T) {
	e, logs := newEnv(t)
	e.MustRun(`new Promise(resolve => {
		setTimeout(() => {
			const err = {};
			Object.defineProperty(err, "name", { get() { throw new Error("nested"); } });
			throw err;
		}, 1);
		setTimeout(resolve, 10);
	})`)
	require.True(t, strings.Contains(logs.String(), "Uncaught exception (describing it threw"), logs.String())
}
