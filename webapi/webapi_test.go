package webapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi"
)

func env(t *testing.T) *jstest.Env { return jstest.New(t, webapi.Install) }

func TestHeadersBasics(t *testing.T) {
	e := env(t)
	require.Equal(t, "a=1, 2|b=3|c=x|set-cookie=s1|set-cookie=s2", e.MustRun(`{
		const h = new Headers({ 'C': 'x' });
		h.append('A', '1'); h.append('a', '2'); h.set('b', '  3\t');
		h.append('Set-Cookie', 's1'); h.append('set-cookie', 's2');
		[...h].map(([k, v]) => k + '=' + v).join('|')}`))
	require.Equal(t, true, e.MustRun(`{
		const h = new Headers([['x', '1'], ['X', '2']]);
		h.get('x') === '1, 2' && h.has('X') && !h.has('y') && h.get('y') === null}`))
	require.Equal(t, "s1,s2", e.MustRun(`{
		const h = new Headers(); h.append('set-cookie', 's1'); h.append('set-cookie', 's2');
		h.getSetCookie().join(',')}`))
	require.Equal(t, "c", e.MustRun(`{
		const h = new Headers({ a: '1', b: '2', c: '3' });
		const seen = [];
		for (const [k] of h) { seen.push(k); if (k === 'a') h.delete('a'); }
		seen.slice(1).join(',')}`))
	require.Equal(t, "[object Headers Iterator]", e.MustRun(`Object.prototype.toString.call(new Headers().entries())`))
}

func TestHeadersErrors(t *testing.T) {
	e := env(t)
	for _, src := range []string{
		`new Headers({ 'bad name': 'x' })`,
		`new Headers().append('x', 'a\nb')`,
		`new Headers().set('ü', 'x')`,
		`new Headers([['a']])`,
		`new Headers('str')`,
		`new Headers().get()`,
		`Headers()`,
		`Headers.prototype.get.call({}, 'a')`,
	} {
		res := e.Run(src)
		require.Equal(t, "TypeError", res.Name, src)
	}
	res := e.Run(`new Headers({ 'bad name': 'x' })`)
	require.Contains(t, res.Err, `Invalid header name: "bad name"`)
}

func TestRequest(t *testing.T) {
	e := env(t)
	require.Equal(t, `POST|https://example.com/a?b|application/json|{"x":1}|true`, e.MustRun(`
		(async () => {
			const r = new Request('https://example.com/a?b', { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
			const t = await r.text();
			return [r.method, r.url, r.headers.get('content-type'), t, r.bodyUsed].join('|');
		})()`))
	require.Equal(t, "text/plain;charset=UTF-8", e.MustRun(`new Request('http://x/', {method: 'PUT', body: 'a'}).headers.get('content-type')`))
	for _, src := range []string{
		`new Request('/relative')`,
		`new Request('http://x/', { method: 'GET', body: 'a' })`,
		`new Request('http://x/', { method: 'bad method' })`,
		`new Request('http://x/', { method: 'CONNECT' })`,
		`new Request('http://user:pass@x/')`,
		`new Request('http://x/', { mode: 'navigate' })`,
		`new Request('http://x/', { redirect: 'nope' })`,
	} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
	// body read twice
	res := e.Run(`(async () => { const r = new Request('http://x/', {method: 'POST', body: 'a'}); await r.text(); await r.text(); })()`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, "already been used")
	// new Request(request) moves the body
	require.Equal(t, "true|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const b = new Request(a);
		return a.bodyUsed + '|' + await b.text();
	})()`))
	require.Equal(t, "abc|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const b = a.clone();
		return await a.text() + '|' + await b.text();
	})()`))
	require.Equal(t, "GET|http://x/|follow|cors|false", e.MustRun(`{
		const r = new Request('http://x'); [r.method, r.url, r.redirect, r.mode, r.signal.aborted].join('|')}`))
}

func TestResponse(t *testing.T) {
	e := env(t)
	require.Equal(t, "200|true||text/plain;charset=UTF-8|hi", e.MustRun(`(async () => {
		const r = new Response('hi');
		return [r.status, r.ok, r.statusText, r.headers.get('content-type'), await r.text()].join('|');
	})()`))
	require.Equal(t, `201|Created|application/json|{"a":[1,2]}`, e.MustRun(`(async () => {
		const r = Response.json({a: [1, 2]}, {status: 201, statusText: 'Created'});
		return [r.status, r.statusText, r.headers.get('content-type'), await r.text()].join('|');
	})()`))
	require.Equal(t, "302|http://example.com/x", e.MustRun(`{
		const r = Response.redirect('http://example.com/x'); r.status + '|' + r.headers.get('location')}`))
	require.Equal(t, "error|0|true", e.MustRun(`{
		const r = Response.error(); [r.type, r.status, (() => { try { r.headers.set('a','b') } catch (e) { return e instanceof TypeError } })()].join('|')}`))
	require.Equal(t, "3|1,2,3", e.MustRun(`(async () => {
		const r = new Response(new Uint8Array([1, 2, 3]));
		const b = await r.arrayBuffer();
		return b.byteLength + '|' + Array.from(new Uint8Array(b)).join(',');
	})()`))
	require.Equal(t, "a,b", e.MustRun(`(async () => {
		const r = new Response('{"k":["a","b"]}');
		return (await r.json()).k.join(',');
	})()`))
	require.Equal(t, "SyntaxError", e.Run(`new Response('{bad').json()`).Name)
	require.Equal(t, "RangeError", e.Run(`new Response('x', {status: 99})`).Name)
	require.Equal(t, "RangeError", e.Run(`Response.redirect('http://x/', 200)`).Name)
	require.Equal(t, "TypeError", e.Run(`new Response('x', {status: 204})`).Name)
	require.Equal(t, "TypeError", e.Run(`new Response('x', {statusText: 'a\nb'})`).Name)
	require.Equal(t, "TypeError", e.Run(`Response.json(undefined)`).Name)
	require.Equal(t, "x|x|true", e.MustRun(`(async () => {
		const a = new Response('x'); const b = a.clone();
		return [await a.text(), await b.text(), a.bodyUsed].join('|');
	})()`))
	require.Equal(t, true, e.MustRun(`{class R extends Response { hi() { return 'hi' } }; const r = new R('x'); r instanceof Response && r.hi() === 'hi' && r.status === 200}`))
}

func TestObjectsBoundToRequest(t *testing.T) {
	e := env(t)
	e.MustRun(`globalThis.kept = new Headers({a: '1'}); globalThis.keptResp = new Response('x'); 1`)
	res := e.Run(`kept.get('a')`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, "belongs to a different request")
	require.Equal(t, "TypeError", e.Run(`keptResp.status`).Name)
	// Objects created during initialization are usable by every request.
	e.RunInit(`globalThis.shared = new Headers({b: '2'})`)
	require.Equal(t, "2", e.MustRun(`shared.get('b')`))
	require.Equal(t, "2", e.MustRun(`shared.get('b')`))
}

func TestBodiesFromBlobFormDataAndSearchParams(t *testing.T) {
	e := env(t)
	require.Equal(t, "text/x|abc|3", e.MustRun(`(async () => {
		const r = new Response(new Blob(['abc'], {type: 'text/x'}));
		const b = await r.blob();
		return [r.headers.get('content-type'), await b.text(), b.size].join('|');
	})()`))
	require.Equal(t, "application/x-www-form-urlencoded;charset=UTF-8|a=1&b=x+y", e.MustRun(`(async () => {
		const r = new Request('http://x/', {method: 'POST', body: new URLSearchParams({a: '1', b: 'x y'})});
		return r.headers.get('content-type') + '|' + await r.text();
	})()`))
	require.Equal(t, "true|1|hello.txt|hi", e.MustRun(`(async () => {
		const fd = new FormData(); fd.append('a', '1'); fd.append('f', new Blob(['hi']), 'hello.txt');
		const r = new Response(fd);
		const ct = r.headers.get('content-type');
		const back = await r.formData();
		return [ct.startsWith('multipart/form-data; boundary='), back.get('a'), back.get('f').name, await back.get('f').text()].join('|');
	})()`))
	require.Equal(t, "x=1,y=2", e.MustRun(`(async () => {
		const r = new Response('x=1&y=2', {headers: {'content-type': 'application/x-www-form-urlencoded'}});
		return [...(await r.formData())].map(([k, v]) => k + '=' + v).join(',');
	})()`))
	require.Equal(t, "TypeError", e.Run(`new Response('nope').formData()`).Name)
	require.Equal(t, "hello|true", e.MustRun(`(async () => {
		const r = new Response('hello');
		const reader = r.body.getReader();
		const { value } = await reader.read();
		return new TextDecoder().decode(value) + '|' + r.bodyUsed;
	})()`))
	require.Equal(t, "TypeError", e.Run(`(async () => { const r = new Response('x'); r.body.getReader(); await r.text() })()`).Name)
	require.Equal(t, "streamed", e.MustRun(`(async () => {
		const s = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('stream')); c.enqueue(new TextEncoder().encode('ed')); c.close() } });
		return await new Response(s).text();
	})()`))
	require.Equal(t, "a|a", e.MustRun(`(async () => {
		const r = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('a')); c.close() } }));
		const c2 = r.clone();
		return await r.text() + '|' + await c2.text();
	})()`))
}

func TestNoCorsRequestHeaders(t *testing.T) {
	e := env(t)
	require.Equal(t, "accept,content-type", e.MustRun(`{
		const r = new Request('http://x/', { mode: 'no-cors', headers: { 'x-custom': '1', accept: 'text/html', 'content-type': 'text/plain' } });
		r.headers.set('x-other', '2'); r.headers.append('content-type', 'application/json');
		[...r.headers.keys()].join(',')
	}`))
	require.Equal(t, "TypeError", e.Run(`new Request('http://x/', { mode: 'no-cors', method: 'PUT' })`).Name)
}
