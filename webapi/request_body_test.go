package webapi_test

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
)

// new Request(input) takes input's body through a proxy (Fetch, Request
// constructor, "If initBody is null and inputBody is non-null"): input is
// used afterwards, and input.body stays the same (now locked) object.
func TestRequestFromRequestTakesTheBody(t *testing.T) {
	e := env(t)
	// input.body never read by script: the source moves as is.
	require.Equal(t, "false|true|true|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const before = a.bodyUsed;
		const b = new Request(a);
		return [before, a.bodyUsed, a.body.locked, await b.text()].join('|');
	})()`))
	// input.body already a stream: same object afterwards, locked, used;
	// the new request has a new stream with the data.
	require.Equal(t, "true|true|true|true|abc|TypeError", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const s = a.body;
		const b = new Request(a);
		const err = await a.text().then(() => 'read', e => e.name);
		return [a.bodyUsed, a.body === s, s.locked, b.body !== s, await b.text(), err].join('|');
	})()`))
	// A ReadableStream body.
	require.Equal(t, "true|true|hello", e.MustRun(`(async () => {
		const s = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('hel')); c.enqueue(new TextEncoder().encode('lo')); c.close(); } });
		const a = new Request('http://x/', {method: 'POST', body: s, duplex: 'half'});
		const b = new Request(a);
		return [a.bodyUsed, a.body === s, await b.text()].join('|');
	})()`))
	// init.body: null is the same as no init.body: input's body is taken.
	require.Equal(t, "true|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const b = new Request(a, {body: null});
		return a.bodyUsed + '|' + await b.text();
	})()`))
}

// When init.body replaces input's body, input's body is left alone (the
// spec proxies input's body only when initBody is null), whatever its state.
func TestRequestInitBodyReplacesInputBody(t *testing.T) {
	e := env(t)
	require.Equal(t, "false|new|old", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'old'});
		const b = new Request(a, {body: 'new'});
		return [a.bodyUsed, await b.text(), await a.text()].join('|');
	})()`))
	require.Equal(t, "new", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'old'});
		await a.text();
		return await new Request(a, {body: 'new'}).text();
	})()`))
	require.Equal(t, "new", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'old'});
		a.body.getReader();
		return await new Request(a, {body: 'new'}).text();
	})()`))
}

// An input Request whose body is disturbed or locked cannot give its body.
func TestRequestFromUnusableRequestThrows(t *testing.T) {
	e := env(t)
	for name, setup := range map[string]string{
		"used":             `await a.text();`,
		"locked":           `a.body.getReader();`,
		"read":             `a.body.getReader().read();`,
		"read, released":   `const r = a.body.getReader(); await r.read(); r.releaseLock();`,
		"cancelled":        `await a.body.cancel();`,
		"moved to another": `new Request(a);`,
	} {
		res := e.Run(`(async () => {
			const a = new Request('http://x/', {method: 'POST', body: 'abc'});
			` + setup + `
			new Request(a);
		})()`)
		require.Equal(t, "TypeError", res.Name, name)
		require.Contains(t, res.Err, "already been used or is locked", name)
	}
	// A constructor that throws leaves the input's body untouched.
	require.Equal(t, "false|false|false|abc", e.MustRun(`(async () => {
		const a = new Request('http://x/', {method: 'POST', body: 'abc'});
		const seen = [];
		for (const init of [{method: 'GET'}, {method: 'HEAD', body: null}, {method: 'CONNECT'}]) {
			try { new Request(a, init); seen.push('no throw'); } catch (e) { seen.push(a.bodyUsed); }
		}
		return [...seen, await a.text()].join('|');
	})()`))
}

// A ReadableStream body needs duplex: "half" (its source is null); duplex
// accepts only "half"; other bodies do without it.
func TestRequestStreamBodyNeedsDuplex(t *testing.T) {
	e := env(t)
	res := e.Run(`new Request('http://x/', {method: 'POST', body: new ReadableStream()})`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, "duplex")
	require.Equal(t, "TypeError", e.Run(`new Request('http://x/', {method: 'POST', body: new ReadableStream(), duplex: undefined})`).Name)
	for _, body := range []string{`new ReadableStream()`, `'x'`, `null`, `new Uint8Array(3)`, `new Blob([])`} {
		res := e.Run(`new Request('http://x/', {method: 'POST', body: ` + body + `, duplex: 'full'})`)
		require.Equal(t, "TypeError", res.Name, body)
	}
	require.Equal(t, "half|true", e.MustRun(`{
		const s = new ReadableStream();
		const r = new Request('http://x/', {method: 'POST', body: s, duplex: 'half'});
		r.duplex + '|' + (r.body === s)}`))
	for _, body := range []string{`'x'`, `null`, `new Uint8Array(3)`, `new Blob([])`, `new URLSearchParams('a=1')`, `new FormData()`} {
		require.Equal(t, "half", e.MustRun(`new Request('http://x/', {method: 'POST', body: `+body+`}).duplex`), body)
	}
	// The duplex requirement is on init.body: a Request input with a
	// stream body needs none.
	require.Equal(t, "abc", e.MustRun(`(async () => {
		const s = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('abc')); c.close(); } });
		const a = new Request('http://x/', {method: 'POST', body: s, duplex: 'half'});
		return await new Request(a).text();
	})()`))
	// A null-source body needs a CORS-capable mode, from init or input.
	require.Equal(t, "TypeError", e.Run(`new Request('http://x/', {method: 'POST', mode: 'no-cors', body: new ReadableStream(), duplex: 'half'})`).Name)
	require.Equal(t, "TypeError", e.Run(`{
		const a = new Request('http://x/', {method: 'POST', body: new ReadableStream(), duplex: 'half'});
		new Request(a, {mode: 'no-cors'})}`).Name)
	require.Equal(t, "ok", e.MustRun(`{
		new Request('http://x/', {method: 'POST', mode: 'no-cors', body: 'x'});
		new Request('http://x/', {method: 'POST', mode: 'same-origin', body: new ReadableStream(), duplex: 'half'});
		'ok'}`))
}

// keepalive: true with a ReadableStream body is a TypeError (Fetch
// "extract a body" with keepalive).
func TestRequestKeepaliveStreamBody(t *testing.T) {
	e := env(t)
	res := e.Run(`new Request('http://x/', {method: 'POST', keepalive: true, body: new ReadableStream(), duplex: 'half'})`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, "keepalive")
	// The input's keepalive counts too.
	require.Equal(t, "TypeError", e.Run(`{
		const a = new Request('http://x/', {keepalive: true});
		new Request(a, {method: 'POST', body: new ReadableStream(), duplex: 'half'})}`).Name)
	require.Equal(t, "true|x", e.MustRun(`(async () => {
		const r = new Request('http://x/', {method: 'POST', keepalive: true, body: 'x'});
		return r.keepalive + '|' + await r.text();
	})()`))
	require.Equal(t, false, e.MustRun(`new Request('http://x/', {method: 'POST', keepalive: false, body: new ReadableStream(), duplex: 'half'}).keepalive`))
}

// failingReader returns data, then, once fail is closed, an error.
type failingReader struct {
	data []byte
	fail chan struct{}
	once sync.Once
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) > 0 {
		n := copy(p, f.data)
		f.data = f.data[n:]
		return n, nil
	}
	<-f.fail
	return 0, errors.New("connection reset")
}

func (f *failingReader) Close() error {
	f.once.Do(func() { close(f.fail) })
	return nil
}

// A body read from Go whose source fails after the last read() script
// made: the stream errors at once, so reader.closed rejects (as a network
// error after the response headers does in fetch()).
func TestGoBodyErrorWithoutPendingReadRejectsClosed(t *testing.T) {
	src := &failingReader{data: []byte("first"), fail: make(chan struct{})}
	e := jstest.New(t, webapi.Install, func(r *realm.Realm) {
		r.DefineGlobal("goResponse", r.Func("goResponse", 0, func(goja.FunctionCall) goja.Value {
			obj, _ := webapi.NewResponse(r, 200, "OK", http.Header{}, webapi.ReaderBody(src, -1), "", false)
			return obj
		}))
		r.DefineGlobal("failSource", r.Func("failSource", 0, func(goja.FunctionCall) goja.Value {
			src.once.Do(func() { close(src.fail) })
			return goja.Undefined()
		}))
	})
	require.Equal(t, "first|TypeError|true", e.MustRun(`(async () => {
		const reader = goResponse().body.getReader();
		const { value } = await reader.read();
		failSource(); // no read() is pending now
		const err = await reader.closed.then(() => null, e => e);
		return [new TextDecoder().decode(value), err.name, err.message.includes('connection reset')].join('|');
	})()`))
}

// And a source that ends after the last read() closes the stream without
// another read().
func TestGoBodyEOFWithoutPendingReadClosesStream(t *testing.T) {
	e := jstest.New(t, webapi.Install, func(r *realm.Realm) {
		r.DefineGlobal("goResponse", r.Func("goResponse", 0, func(goja.FunctionCall) goja.Value {
			rc := io.NopCloser(&oneChunkReader{data: []byte("only")})
			obj, _ := webapi.NewResponse(r, 200, "OK", http.Header{}, webapi.ReaderBody(rc, -1), "", false)
			return obj
		}))
	})
	require.Equal(t, "only|closed|true", e.MustRun(`(async () => {
		const reader = goResponse().body.getReader();
		const { value } = await reader.read();
		await reader.closed;
		const last = await reader.read();
		return [new TextDecoder().decode(value), 'closed', last.done].join('|');
	})()`))
}

// oneChunkReader returns its data in one Read, then io.EOF.
type oneChunkReader struct{ data []byte }

func (o *oneChunkReader) Read(p []byte) (int, error) {
	if len(o.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, o.data)
	o.data = o.data[n:]
	return n, nil
}
