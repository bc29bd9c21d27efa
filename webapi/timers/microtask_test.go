package timers_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/realm"
)

func TestMicrotaskOrderRelativeToPromises(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		setTimeout(() => log.push("timeout"), 0);
		Promise.resolve().then(() => log.push("p1"));
		queueMicrotask(() => {
			log.push("q1");
			queueMicrotask(() => log.push("q1.1"));
			Promise.resolve().then(() => log.push("p1.1"));
		});
		Promise.resolve().then(() => log.push("p2"));
		queueMicrotask(() => log.push("q2"));
		(async () => { await null; log.push("a1"); })();
		log.push("sync");
		setTimeout(() => resolve(log.join(",")), 5);
	})`)
	require.Equal(t, "sync,p1,q1,p2,q2,a1,q1.1,p1.1,timeout", v)
}

func TestMicrotaskRunsBeforeNextTimer(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		setTimeout(() => { log.push("t1"); queueMicrotask(() => log.push("m1")); }, 1);
		setTimeout(() => { log.push("t2"); }, 1);
		setTimeout(() => resolve(log.join(",")), 10);
	})`)
	require.Equal(t, "t1,m1,t2", v)
}

func TestMicrotaskExceptionIsReported(t *testing.T) {
	e, logs := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const log = [];
		let rejected = false;
		globalThis.onunhandledrejection = () => { rejected = true; };
		queueMicrotask(() => { throw new TypeError("in microtask"); });
		queueMicrotask(() => log.push("next"));
		setTimeout(() => resolve(log.join(",") + ":" + rejected), 5);
	})`)
	require.Equal(t, "next:false", v)
	out := logs.String()
	require.Contains(t, out, `msg="Uncaught TypeError: in microtask"`)
	require.Contains(t, out, "source=queueMicrotask")
	require.NotContains(t, out, "in promise")
}

func TestQueueMicrotaskValidatesCallback(t *testing.T) {
	e, _ := newEnv(t)
	for _, src := range []string{`queueMicrotask()`, `queueMicrotask(1)`, `queueMicrotask("x")`, `queueMicrotask({})`} {
		r := e.Run(src)
		require.Equal(t, "TypeError", r.Name, src)
		require.Contains(t, r.Err, "queueMicrotask(): parameter 1 (callback) is not a function")
	}
	require.Equal(t, []any{"queueMicrotask", int64(1), true},
		e.MustRun(`[queueMicrotask.name, queueMicrotask.length, (() => { try { new queueMicrotask(() => {}); } catch (e) { return e instanceof TypeError; } })()]`))
}

func TestMicrotaskUnaffectedByPatchedPromise(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const then = Promise.prototype.then;
		let patched = 0;
		Promise.prototype.then = function (...a) { patched++; return then.apply(this, a); };
		queueMicrotask(() => {
			Promise.prototype.then = then;
			resolve(patched);
		});
	})`)
	require.Equal(t, int64(0), v)
}

func TestMicrotaskRunsAsItsRequest(t *testing.T) {
	e, _ := newEnv(t)
	r := e.R
	var seen []*realm.Context
	var ctx *realm.Context
	e.Do(func() {
		_ = r.VM().Set("record", func() { seen = append(seen, r.Current()) })
		ctx = r.NewContext(context.Background(), "")
		r.RunTask(ctx, func() {
			_, err := r.VM().RunString(`queueMicrotask(record); Promise.resolve().then(() => queueMicrotask(record));`)
			require.NoError(t, err)
		})
		ctx.End()
	})
	require.Len(t, seen, 2)
	require.Same(t, ctx, seen[0])
	require.Same(t, ctx, seen[1])
}
