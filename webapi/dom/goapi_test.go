package dom_test

import (
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

func TestGoEventAccessors(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.Do(func() {
		r := e.R
		assert.Same(t, dom.EventClass(r), dom.EventClass(r))
		assert.Equal(t, "AbortSignal", dom.AbortSignalClass(r).Name)
		assert.Equal(t, "AbortController", dom.AbortControllerClass(r).Name)
		assert.Equal(t, "CustomEvent", dom.CustomEventClass(r).Name)
		assert.Equal(t, "EventTarget", dom.EventTargetClass(r).Name)
		assert.WithinDuration(t, time.Now(), dom.TimeOrigin(r), time.Minute)

		obj, ev := dom.NewEvent(r, "x", true, true)
		assert.True(t, ev.Initialized())
		assert.True(t, ev.Bubbles())
		assert.True(t, ev.Cancelable())
		assert.False(t, ev.Composed())
		ev.SetComposed(true)
		assert.True(t, ev.Composed())
		assert.False(t, ev.IsTrusted())
		_ = r.VM().Set("goEv", obj)
		var zero dom.Event
		assert.False(t, zero.Initialized())
	})
	require.Equal(t, true, e.MustRun(`goEv.composed && goEv.bubbles && goEv instanceof Event && goEv.timeStamp >= 0`))
	e.Do(func() {
		r := e.R
		tgt, _ := dom.NewEventTarget(r)
		_ = r.VM().Set("goTgt", tgt)
		obj, ev := dom.NewEvent(r, "y", false, false)
		_ = r.VM().Set("goEv2", obj)
		_ = ev
	})
	e.RunInit(`goTgt.addEventListener('y', (e) => e.stopPropagation())`)
	e.Do(func() {
		ev, ok := realm.Unwrap[dom.EventObject](e.R.VM().Get("goEv2"))
		assert.True(t, ok)
		_, err := dom.Dispatch(e.R, e.R.VM().Get("goTgt").(*goja.Object), e.R.VM().Get("goEv2").(*goja.Object))
		assert.NoError(t, err)
		// The stop-propagation flag is cleared when the dispatch ends.
		assert.False(t, ev.DOMEvent().PropagationStopped())
	})
	e.RunInit(`globalThis.ce = new CustomEvent('c', {detail: 'd'})`)
	e.Do(func() {
		ce, ok := realm.Unwrap[*dom.CustomEvent](e.R.VM().Get("ce"))
		assert.True(t, ok)
		assert.Equal(t, "d", ce.Detail().String())
		ce.SetDetail(nil)
	})
	require.Nil(t, e.MustRun(`ce.detail`))
}

func TestGoAbortControllerAccess(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.RunInit(`globalThis.ctl = new AbortController(); globalThis.reasons = []; ctl.signal.onabort = () => reasons.push(ctl.signal.reason)`)
	e.Do(func() {
		ctl, ok := realm.Unwrap[*dom.AbortController](e.R.VM().Get("ctl"))
		assert.True(t, ok)
		ctl.Signal().Abort(e.R, e.R.VM().ToValue("from go"))
	})
	require.Equal(t, "from go", e.MustRun(`reasons.join()`))
}

// An interrupt while an abort listener runs stops the remaining events but
// not the Go abort algorithms, and stays armed for the caller.
func TestAbortInterruptedFromGo(t *testing.T) {
	e := jstest.New(t, dom.Install)
	e.RunInit(`
		globalThis.spin = new AbortController();
		spin.signal.addEventListener('abort', () => { for (;;) {} });
		spin.signal.addEventListener('abort', () => { globalThis.after = true });
		globalThis.dep = AbortSignal.any([spin.signal]);
		dep.onabort = () => { globalThis.depFired = true };
	`)
	timer := time.AfterFunc(50*time.Millisecond, func() { e.R.Interrupt("cpu limit") })
	defer timer.Stop()
	var algorithm goja.Value
	e.Do(func() {
		dep, ok := dom.SignalFrom(e.R.VM().Get("dep"))
		assert.True(t, ok)
		dep.AddAlgorithm(func(reason goja.Value) { algorithm = reason })
		spin, _ := realm.Unwrap[*dom.AbortController](e.R.VM().Get("spin"))
		spin.Signal().Abort(e.R, nil)
		assert.True(t, dep.Aborted())
	})
	require.NotNil(t, algorithm)
	r := e.RunInit(`1`)
	require.Contains(t, r.Err, "cpu limit")
	e.Do(func() { e.R.VM().ClearInterrupt() })
	require.Equal(t, "undefined,undefined", e.MustRun(`[typeof after, typeof depFired].join()`))
}

func TestReportExceptionNeverThrows(t *testing.T) {
	e, logs := newLogged(t)
	e.RunInit(`globalThis.evil = { get name() { throw new Error('no') }, get message() { throw new Error('no') } }; 1`)
	e.Do(func() {
		dom.ReportException(e.R, e.R.VM().Get("evil"))
		dom.ReportException(e.R, nil)
	})
	require.Contains(t, logs.String(), "Uncaught (an exception was thrown while formatting the exception)")
	require.Contains(t, logs.String(), "Uncaught undefined")
}
