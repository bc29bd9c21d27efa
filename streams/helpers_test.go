package streams_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/streams"
	"github.com/workerhost/workerhost/webapi/dom"
)

// prelude defines helpers for the JS tests: flush() lets pending promise
// jobs run; assert(cond, msg) throws.
const prelude = `
globalThis.flush = async (n = 30) => { for (let i = 0; i < n; i++) await null; };
globalThis.assert = (c, m) => { if (!c) throw new Error('assertion failed: ' + m); };
globalThis.collect = async (rs) => { const out = []; const r = rs.getReader(); for (;;) { const { value, done } = await r.read(); if (done) return out; out.push(value); } };
`

func newEnv(t testing.TB) *jstest.Env {
	e := jstest.New(t, dom.Install, streams.Install)
	r := e.RunInit(prelude)
	require.Empty(t, r.Err)
	return e
}

// js runs an async function body and returns its exported result.
func js(t testing.TB, e *jstest.Env, body string) any {
	t.Helper()
	return e.MustRun("(async () => {\n" + body + "\n})()")
}

// jsErr runs an async function body that must fail, and returns the error.
func jsErr(t testing.TB, e *jstest.Env, body string) jstest.Result {
	t.Helper()
	r := e.Run("(async () => {\n" + body + "\n})()")
	require.NotEmpty(t, r.Err, "expected an error")
	return r
}

func hasGlobal(e *jstest.Env, name string) bool {
	var ok bool
	e.Do(func() {
		v := e.R.VM().GlobalObject().Get(name)
		ok = v != nil && !goja.IsUndefined(v)
	})
	return ok
}
