package fetch_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
)

type panicTransport struct{}

func (panicTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport bug") }

func TestPanicsDoNotEscape(t *testing.T) {
	e := newHarness(t, fetch.Config{Transport: panicTransport{}, OnEvent: func(fetch.Event) { panic("hook bug") }})
	r := e.Run(`fetch("https://example.com/")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "fetch failed: internal error: transport bug")
	// Refusals call the hook on the loop: its panic is contained too.
	r = e.Run(`fetch("http://10.0.0.1/")`)
	require.Contains(t, r.Err, "private network addresses are blocked")
	require.NoError(t, e.R.Err(), "the realm must stay healthy")
}

// TestProxyPassthrough is W4: the upstream body becomes the body of a new
// Response and reaches Go as the original reader (no JS in between).
func TestProxyPassthrough(t *testing.T) {
	blob := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", "1")
		_, _ = w.Write(blob)
	}))
	defer srv.Close()
	h := newHarness(t, local())
	done := make(chan string, 1)
	go func() {
		_, errStr := h.runFor(t, `(async () => {
			const upstream = await fetch("`+srv.URL+`/blob64k");
			const headers = new Headers(upstream.headers);
			headers.set("x-proxied-by", "worker");
			const res = new Response(upstream.body, {status: upstream.status, headers});
			if (res.headers.get("x-upstream") !== "1" || res.headers.get("x-proxied-by") !== "worker") throw new Error("headers");
			__take(res);
			await __hold();
		})()`, time.Minute)
		done <- errStr
	}()
	var rc io.ReadCloser
	select {
	case rc = <-h.taken:
	case errStr := <-done:
		t.Fatalf("script ended early: %s", errStr)
	case <-time.After(30 * time.Second):
		t.Fatal("no body")
	}
	require.Equal(t, "*fetch.respBody", fmt.Sprintf("%T", rc), "the upstream body must reach Go untouched by JS")
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, blob, got)
	require.NoError(t, rc.Close())
	close(h.release)
	require.Empty(t, <-done)
}

func TestAbortWhileReadingStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("y", 100)))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}))
	defer func() { close(release); srv.Close() }()
	e := newHarness(t, local())
	v := e.MustRun(`(async () => {
		const c = new AbortController();
		const res = await fetch("` + srv.URL + `/", {signal: c.signal});
		const rd = res.body.getReader();
		const first = await rd.read();
		setTimeout(() => c.abort(), 10);
		try { await rd.read(); return "no error" } catch (e) { return first.value.length + " " + String(e) }
	})()`)
	require.Contains(t, v, "100 ")
	require.Contains(t, v, "AbortError")
}
