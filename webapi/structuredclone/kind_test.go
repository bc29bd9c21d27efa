package structuredclone

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
)

// TestKinds pins the goja implementation types the classifier relies on.
func TestKinds(t *testing.T) {
	e := jstest.New(t)
	cases := []struct {
		src  string
		want kind
	}{
		{`({})`, kindPlain}, {`Object.create(null)`, kindPlain}, {`new (class A {})()`, kindPlain},
		{`Math`, kindPlain}, {`JSON`, kindPlain}, {`Object.prototype`, kindPlain}, {`RegExp.prototype`, kindPlain},
		{`(function () { return arguments; })(1)`, kindPlain},
		{`[]`, kindArray}, {`[1, 2]`, kindArray}, {`(() => { const a = []; a[1e6] = 1; return a; })()`, kindArray},
		{`Array.prototype`, kindArray},
		{`new Boolean(true)`, kindPrimitive}, {`new Number(1)`, kindPrimitive}, {`Object(1n)`, kindPrimitive},
		{`Object(Symbol())`, kindPrimitive}, {`new String("s")`, kindString},
		{`new Date()`, kindDate}, {`/x/g`, kindRegExp}, {`new TypeError("x")`, kindError},
		{`new (class E extends Error {})()`, kindError},
		{`new Map()`, kindMap}, {`new (class M extends Map {})()`, kindMap}, {`new Set()`, kindSet},
		{`new ArrayBuffer(1)`, kindArrayBuffer}, {`new Uint8Array(1)`, kindTypedArray},
		{`new BigInt64Array(1)`, kindTypedArray}, {`new DataView(new ArrayBuffer(1))`, kindDataView},
		{`new Proxy({}, {})`, kindProxy},
		{`new WeakMap()`, kindOther}, {`new WeakSet()`, kindOther}, {`Promise.resolve()`, kindOther},
		{`new Map().entries()`, kindOther}, {`[].values()`, kindOther}, {`(function* () {})()`, kindOther},
		{`(function () {})`, kindOther}, {`Map`, kindOther}, {`(() => {}).bind(null)`, kindOther},
	}
	e.Do(func() {
		for _, c := range cases {
			v, err := e.R.VM().RunString(c.src)
			require.NoError(t, err, c.src)
			require.Equal(t, c.want, kindOf(v.(*goja.Object)), "%s is %s", c.src, implName(v.(*goja.Object)))
		}
		require.Equal(t, kindOther, kindOf(e.R.VM().ToValue(struct{ A int }{1}).(*goja.Object)))
		require.Equal(t, kindOther, kindOf(e.R.VM().ToValue(map[string]any{}).(*goja.Object)))
	})
}
