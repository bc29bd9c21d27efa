package streams_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TransformStream's error/terminate/cancel/abort interplay as the current
// spec (with transformer.cancel and [[finishPromise]], whatwg/streams#1283)
// has it; upstream WPT checks the same cases (transform-streams/errors,
// general, reentrant-strategies, cancel).
func TestTransformStreamFinishRaces(t *testing.T) {
	e := newEnv(t)
	e.RunInit(`globalThis.settle = (p) => p.then(() => 'ok', (e) => 'rejected ' + (e && e.name === 'TypeError' ? 'TypeError' : e));`)

	// writer.abort() during start, then readable.cancel(): the abort's
	// reason wins, and both calls succeed. The start promise is adopted
	// through a new promise ("a promise resolved with"), so the writable
	// is still erroring when cancel's reaction runs.
	got := js(t, e, `
	  const ts = new TransformStream();
	  const w = ts.writable.getWriter();
	  const a = w.abort('abortReason');
	  const c = ts.readable.cancel('cancelReason');
	  return (await Promise.all([settle(a), settle(c), settle(w.closed)])).join(',');`)
	require.Equal(t, "ok,ok,rejected abortReason", got)

	// controller.error() right after readable.cancel(): the writable is
	// errored with the controller's error at once (cancel is still settling).
	got = js(t, e, `
	  let ctrl;
	  const ts = new TransformStream({ start(c) { ctrl = c; } });
	  const c = ts.readable.cancel('cancelReason');
	  ctrl.error('ctrlError');
	  return (await Promise.all([settle(c), settle(ts.writable.getWriter().closed)])).join(',');`)
	require.Equal(t, "ok,rejected ctrlError", got)

	// terminate() right after readable.cancel(): errors the writable with
	// the terminate TypeError.
	got = js(t, e, `
	  let ctrl;
	  const ts = new TransformStream({ start(c) { ctrl = c; } });
	  const c = ts.readable.cancel('cancelReason');
	  ctrl.terminate();
	  return (await Promise.all([settle(c), settle(ts.writable.getWriter().closed)])).join(',');`)
	require.Equal(t, "ok,rejected TypeError", got)

	// Once cancel() has resolved, error() and terminate() do nothing.
	got = js(t, e, `
	  let ctrl;
	  const ts = new TransformStream({ start(c) { ctrl = c; } });
	  await ts.readable.cancel('cancelReason');
	  ctrl.error('ignored');
	  ctrl.terminate();
	  return settle(ts.writable.getWriter().closed);`)
	require.Equal(t, "rejected cancelReason", got)

	// writer.abort() inside the readable strategy's size(): the chunk being
	// enqueued is still delivered; the readable errors once the transformer's
	// cancel has settled.
	got = js(t, e, `
	  let ctrl, abortPromise;
	  const ts = new TransformStream({ start(c) { ctrl = c; } }, undefined, {
	    size() { abortPromise = ts.writable.abort('abortReason'); return 1; },
	    highWaterMark: 1,
	  });
	  const r = ts.readable.getReader();
	  await flush();
	  ctrl.enqueue('a');
	  const first = await r.read();
	  return [first.value, await settle(r.read()), await settle(abortPromise)].join(',');`)
	require.Equal(t, "a,rejected abortReason,ok", got)
}
