package webapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// body.json() parses with a native parser; it must agree with JSON.parse.
func TestBodyJSONMatchesJSONParse(t *testing.T) {
	e := env(t)
	for _, src := range []string{
		`{"a":1,"b":[1,2.5,-3e2,0,-0],"c":{"d":null,"e":true,"f":false},"g":"x\u00e9\ud83d\ude00\n\t\"\\/"}`,
		`[]`, `{}`, `"just a string"`, `12.5`, `null`, ` [ 1 , [ 2 , [ 3 ] ] ] `,
		`{"a":1,"a":2,"b":3}`, `{"__proto__":{"x":1}}`, `"\ud800"`, `{"k":"\udc00x"}`, "\ufeff{\"bom\":1}",
		`"naïve ☃"`, `[1e-7, 123456789012345678901234567890, 0.1, 5e-324]`,
	} {
		res := e.MustRun(`(async () => {
			const text = String.raw` + "`" + src + "`" + `;
			const viaBody = await new Response(text).json();
			const viaParse = JSON.parse(text.replace(/^\ufeff/, ''));
			const same = JSON.stringify(viaBody) === JSON.stringify(viaParse) &&
				Object.keys(Object(viaBody)).join() === Object.keys(Object(viaParse)).join() &&
				(viaBody === null || typeof viaBody !== 'object' || Object.getPrototypeOf(viaBody) === Object.getPrototypeOf(viaParse));
			return same ? 'same' : JSON.stringify(viaBody) + ' != ' + JSON.stringify(viaParse);
		})()`)
		require.Equal(t, "same", res, src)
	}
	// ECMAScript's JSON.parse rounds out-of-range numbers to Infinity (goja's
	// own JSON.parse rejects them).
	require.Equal(t, true, e.MustRun(`new Response('[1e400]').json().then(v => v[0] === Infinity)`))
	for _, bad := range []string{`{`, `[1,]`, `{"a" 1}`, `01`, `1.`, `"\x"`, `tru`, `{"a":1}x`, "\"a\nb\"", ``} {
		r := e.Run(`new Response(String.raw` + "`" + bad + "`" + `).json()`)
		require.Equal(t, "SyntaxError", r.Name, bad)
	}
}
