package fetch_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi"
)

func TestObjectURLs(t *testing.T) {
	stats := &fetch.Stats{}
	e := newHarness(t, fetch.Config{Subrequests: 1, AllowedHosts: []string{"example.com"}, Stats: stats})
	u := e.MustRun(`URL.createObjectURL(new Blob(['x']))`).(string)
	require.Regexp(t, regexp.MustCompile(`^blob:null/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), u)
	require.Equal(t, "200|OK|basic|true|11|text/plain|Blob's data|Blob's data|true", e.MustRun(`(async () => {
		const blob = new Blob(["Blob's data"], { type: "text/plain" });
		const url = URL.createObjectURL(blob);
		const r = await fetch(url + "#frag");
		const b = new Uint8Array(await r.arrayBuffer());
		b[0] = 0; // the Blob is not changed
		const again = await (await fetch(url)).text();
		return [r.status, r.statusText, r.type, r.url === url, r.headers.get("content-length"), r.headers.get("content-type"),
			new TextDecoder().decode(b.subarray(1)).replace(/^/, "B"), again, url !== URL.createObjectURL(blob)].join("|");
	})()`))
	// A type that is not a parsable MIME type is sent as "".
	require.Equal(t, "||0", e.MustRun(`(async () => {
		const r1 = await fetch(URL.createObjectURL(new Blob([], { type: "invalid" })));
		const r2 = await fetch(URL.createObjectURL(new Blob(["abc"]).slice(0, 0, "\0")));
		return [r1.headers.get("content-type"), r2.headers.get("content-type"), r2.headers.get("content-length")].join("|");
	})()`))
	for _, src := range []string{
		`fetch(URL.createObjectURL(new Blob(['x'])), { method: 'POST', body: 'y' })`,
		`fetch(URL.createObjectURL(new Blob(['x'])), { method: 'HEAD' })`,
		`fetch(URL.createObjectURL(new Blob(['x'])) + '?q')`,
		`fetch("blob:not-backed-by-a-blob/")`,
		`(() => { const u = URL.createObjectURL(new Blob(['x'])); URL.revokeObjectURL(u); return fetch(u) })()`,
		`URL.createObjectURL('not a blob')`,
		`URL.createObjectURL()`,
		`URL.revokeObjectURL()`,
	} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
	// Only the exact URL revokes.
	require.Equal(t, "x", e.MustRun(`(async () => {
		const u = URL.createObjectURL(new Blob(['x']));
		URL.revokeObjectURL(u + '#frag');
		URL.revokeObjectURL('https://example.com/');
		return (await fetch(u)).text();
	})()`))
	// blob: fetches are not subrequests.
	require.Equal(t, int64(0), stats.Subrequests.Load())
	// A URL made by a request ends with it.
	require.Equal(t, "TypeError", e.Run(`fetch("`+u+`")`).Name)
}

func TestObjectURLsArePerRoutine(t *testing.T) {
	inst := fetch.Installer(local())
	a := jstest.New(t, webapi.Install, inst)
	b := jstest.New(t, webapi.Install, inst) // another isolate of the same routine
	other := jstest.New(t, webapi.Install, fetch.Installer(local()))
	// Made during static initialization: lives as long as the routine.
	res := a.RunInit(`globalThis.u = URL.createObjectURL(new Blob(['shared'], { type: 'text/x' }))`)
	require.Empty(t, res.Err)
	u := res.Value.(string)
	require.Equal(t, "shared", a.MustRun(`(async () => (await fetch(u)).text())()`))
	require.Equal(t, "shared", b.MustRun(`(async () => (await fetch("`+u+`")).text())()`))
	require.Equal(t, "TypeError", other.Run(`fetch("`+u+`")`).Name)
	require.Empty(t, b.Run(`URL.revokeObjectURL("`+u+`")`).Err)
	require.Equal(t, "TypeError", a.Run(`fetch(u)`).Name)
}
