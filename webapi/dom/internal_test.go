package dom

import (
	"runtime"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
)

// Dependent signals that script no longer references (and that have no
// listeners) are dropped from their source's list, as the spec's weak set.
func TestUnreferencedDependentsAreSwept(t *testing.T) {
	e := jstest.New(t, Install)
	e.RunInit(`
		globalThis.src = new AbortController();
		for (let i = 0; i < 1000; i++) AbortSignal.any([src.signal]);
	`)
	signal := func() *AbortSignal {
		s, _ := SignalFrom(e.R.VM().Get("src").(*goja.Object).Get("signal"))
		return s
	}
	var before int
	e.Do(func() { before = len(signal().deps.dependents) })
	require.LessOrEqual(t, before, 1000) // a GC during the loop may already have swept some
	// Collection is not deterministic (goja's value stack may still hold
	// recent objects until it is overwritten), so allow a few rounds; each
	// round adds 100 more, which an unswept list would keep.
	var after int
	for round := 0; round < 10; round++ {
		runtime.GC()
		runtime.GC()
		e.RunInit(`for (let i = 0; i < 100; i++) AbortSignal.any([src.signal])`)
		e.Do(func() { after = len(signal().deps.dependents) })
		if after < 300 {
			break
		}
	}
	require.Less(t, after, 300)
	// Aborting still works and clears the list.
	e.RunInit(`src.abort()`)
	e.Do(func() { assert.Empty(t, signal().deps.dependents) })
}

// Listeners added with a signal and removed again do not leave abort
// algorithms behind on a long-lived signal.
func TestSignalOptionUnsubscribes(t *testing.T) {
	e := jstest.New(t, Install)
	e.RunInit(`
		globalThis.ctl = new AbortController();
		const t = new EventTarget();
		for (let i = 0; i < 100; i++) {
			const f = () => {};
			t.addEventListener('x', f, {signal: ctl.signal});
			t.removeEventListener('x', f);
			t.addEventListener('y', () => {}, {signal: ctl.signal, once: true});
		}
		t.dispatchEvent(new Event('y'));
		globalThis.t = t;
	`)
	e.Do(func() {
		s, _ := SignalFrom(e.R.VM().Get("ctl").(*goja.Object).Get("signal"))
		assert.Empty(t, s.algorithms)
		et, ok := realm.Unwrap[*EventTarget](e.R.VM().Get("t"))
		assert.True(t, ok)
		assert.Empty(t, et.listeners)
	})
}

// A dependent signal is held strongly only while it has abort listeners or
// algorithms: once they are removed, it can be collected again.
func TestDependentsUnpinnedWhenUnobserved(t *testing.T) {
	e := jstest.New(t, Install)
	e.RunInit(`
		globalThis.src = new AbortController();
		globalThis.kept = AbortSignal.any([src.signal]);
		kept.addEventListener('abort', () => { globalThis.keptFired = true });
		for (let i = 0; i < 1000; i++) {
			const d = AbortSignal.any([src.signal]);
			const f = () => {};
			d.addEventListener('abort', f);
			d.onabort = f;
			d.removeEventListener('abort', f);
			d.onabort = null;
		}
	`)
	src := func() *AbortSignal {
		s, _ := SignalFrom(e.R.VM().Get("src").(*goja.Object).Get("signal"))
		return s
	}
	sweep := func() int {
		runtime.GC()
		runtime.GC()
		e.Do(func() { src().deps.sweepAt = 0 }) // force a sweep on the next add
		e.RunInit(`AbortSignal.any([src.signal])`)
		var n int
		e.Do(func() { n = len(src().deps.dependents) })
		return n
	}
	sweep()      // unpins the dependents that lost their listeners
	n := sweep() // drops them once collected
	require.Less(t, n, 10)
	e.RunInit(`src.abort()`)
	require.Equal(t, true, e.MustRun(`kept.aborted && keptFired`))
}
