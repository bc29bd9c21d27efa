package jstest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/dom"
)

func TestRunAndPromises(t *testing.T) {
	e := New(t, dom.Install)
	require.Equal(t, int64(3), e.MustRun(`1+2`))
	require.Equal(t, "ok", e.MustRun(`Promise.resolve('ok')`))
	r := e.Run(`(async () => { throw new TypeError('bad') })()`)
	require.Equal(t, "TypeError", r.Name)
	require.Equal(t, "TypeError: bad", r.Err)
	r = e.Run(`throw new DOMException('nope', 'AbortError')`)
	require.Equal(t, "AbortError", r.Name)
	require.Equal(t, "AbortError: nope", r.Err)
	require.Equal(t, true, e.MustRun(`new DOMException('x','AbortError') instanceof Error && new DOMException('x','AbortError').code === 20`))
	r = e.Run(`DOMException('x')`)
	require.Equal(t, "TypeError", r.Name)
}
