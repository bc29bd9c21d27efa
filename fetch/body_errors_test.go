package fetch_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// brokenChunkServer sends the headers and one chunk, then, once released,
// a malformed chunk: the client sees a network error in the middle of the
// body (fetch/api/basic/error-after-response.any.js).
func brokenChunkServer(t *testing.T) (*httptest.Server, func()) {
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = io.WriteString(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\na\r\nTEST_CHUNK\r\n")
		_ = buf.Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(buf, "zz\r\nnot a chunk\r\n")
		_ = buf.Flush()
	}))
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(func() { free(); srv.Close() })
	return srv, free
}

// A network error after the response headers errors response.body as soon
// as it happens: reader.closed rejects though no read() is pending.
func TestFetchBodyErrorAfterResponseRejectsClosed(t *testing.T) {
	srv, free := brokenChunkServer(t)
	h := newHarness(t, local())
	h.Do(func() { _ = h.R.VM().Set("__fail", func() { free() }) })
	v := h.MustRun(`(async () => {
		const r = await fetch("` + srv.URL + `/");
		const reader = r.body.getReader();
		const { value } = await reader.read();
		__fail(); // the malformed chunk arrives with no read() pending
		const err = await reader.closed.then(() => null, e => e);
		return [new TextDecoder().decode(value), err && err.name].join("|");
	})()`)
	require.Equal(t, "TEST_CHUNK|TypeError", v)

	// And a read() made after it rejects too.
	srv2, free2 := brokenChunkServer(t)
	free2()
	v = h.MustRun(`(async () => {
		const r = await fetch("` + srv2.URL + `/");
		const reader = r.body.getReader();
		const first = await reader.read().then(x => new TextDecoder().decode(x.value), e => e.name);
		const second = await reader.read().then(() => "read", e => e.name);
		return first + "|" + second;
	})()`)
	require.Equal(t, "TEST_CHUNK|TypeError", v)
}

// fetch() builds its Request with the constructor: a ReadableStream body
// needs duplex "half", cannot go with keepalive, and a Request whose body
// is used or locked cannot be sent (and nothing reaches the network).
func TestFetchRequestBodyChecks(t *testing.T) {
	var hits int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, local())
	for name, src := range map[string]string{
		"stream without duplex": `fetch(URL, {method: "POST", body: new ReadableStream()})`,
		"duplex full":           `fetch(URL, {method: "POST", body: "x", duplex: "full"})`,
		"keepalive stream":      `fetch(URL, {method: "POST", keepalive: true, body: new ReadableStream(), duplex: "half"})`,
		"used request":          `(async () => { const q = new Request(URL, {method: "POST", body: "x"}); await q.text(); return fetch(q); })()`,
		"locked request":        `(async () => { const q = new Request(URL, {method: "POST", body: "x"}); q.body.getReader(); return fetch(q); })()`,
	} {
		res := h.Run(strings.ReplaceAll(src, "URL", `"`+srv.URL+`/"`))
		require.Equal(t, "TypeError", res.Name, name)
	}
	mu.Lock()
	require.Zero(t, hits, "no refused request reaches the server")
	mu.Unlock()

	// fetch(request) uses the request's body: the request is used after.
	v := h.MustRun(`(async () => {
		const s = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close(); } });
		const q = new Request("` + srv.URL + `/", {method: "POST", body: s, duplex: "half"});
		const r = await fetch(q);
		return [q.bodyUsed, await r.text()].join("|");
	})()`)
	require.Equal(t, "true|streamed", v)
	// A used request with a replacement body is fine.
	v = h.MustRun(`(async () => {
		const q = new Request("` + srv.URL + `/", {method: "POST", body: "old"});
		await q.text();
		const r = await fetch(q, {body: "new"});
		return await r.text();
	})()`)
	require.Equal(t, "new", v)
}
