package fetch_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
)

func TestProcessDataURL(t *testing.T) {
	for _, c := range []struct {
		in, mime, body string
		fail           bool
	}{
		{in: "data:,X", mime: "text/plain;charset=US-ASCII", body: "X"},
		{in: "data:,", mime: "text/plain;charset=US-ASCII", body: ""},
		{in: "data:,X#X", mime: "text/plain;charset=US-ASCII", body: "X"},
		{in: "data:,%FF", mime: "text/plain;charset=US-ASCII", body: "\xff"},
		{in: "data:,%zz%4", mime: "text/plain;charset=US-ASCII", body: "%zz%4"},
		{in: "data:,response%27s%20body", mime: "text/plain;charset=US-ASCII", body: "response's body"},
		{in: "data:text/plain,X", mime: "text/plain", body: "X"},
		{in: "data:text/plain ,X", mime: "text/plain", body: "X"},
		{in: "data:text/plain%20,X", mime: "text/plain%20", body: "X"},
		{in: "data:text/plain;,X", mime: "text/plain", body: "X"},
		{in: "data:;x=x;charset=x,X", mime: "text/plain;x=x;charset=x", body: "X"},
		{in: "data:IMAGE/gif,%C2%B1", mime: "image/gif", body: "\xc2\xb1"},
		{in: "data:text/plain;Charset=UTF-8,%C2%B1", mime: "text/plain;charset=UTF-8", body: "\xc2\xb1"},
		{in: `data:text/plain;a="b;c",X`, mime: `text/plain;a="b;c"`, body: "X"},
		{in: `data:text/plain;a="\"",X`, mime: `text/plain;a="\""`, body: "X"},
		{in: "data:text/plain;a=1;a=2,X", mime: "text/plain;a=1", body: "X"},
		{in: "data:x/x;a=,X", mime: "x/x", body: "X"},
		{in: "data:text/html;charset=x   ,X", mime: "text/html;charset=x", body: "X"},
		{in: "data:nope,X", mime: "text/plain;charset=US-ASCII", body: "X"}, // invalid MIME type
		{in: "data:text/plain;base64,cmVzcG9uc2UncyBib2R5", mime: "text/plain", body: "response's body"},
		{in: "data:image/png;base64,cmVzcG9uc2UncyBib2R5", mime: "image/png", body: "response's body"},
		{in: "data:;base64,WID", mime: "text/plain;charset=US-ASCII", body: "X\x80"},
		{in: "data:;BASE64  ,YWJj", mime: "text/plain;charset=US-ASCII", body: "abc"}, // trailing spaces go first
		{in: "data:x/y;  base64,YWJj", mime: "x/y", body: "abc"},
		{in: "data:x/y;base64x,YWJj", mime: "x/y", body: "YWJj"},
		{in: "data:x/y;charset=base64,YWJj", mime: "x/y;charset=base64", body: "YWJj"},
		{in: "data:x/y;base64,%20Y%20W%20J%20j%20", mime: "x/y", body: "abc"},
		{in: "data:;base64,YWJj==", fail: true},
		{in: "data:x/y;base64,YQ==", mime: "x/y", body: "a"},
		{in: "data:x/y;base64,YQ", mime: "x/y", body: "a"},
		{in: "data:;base64,Y", fail: true},
		{in: "data:;base64,Y$Fj", fail: true},
		{in: "data:text/html", fail: true},
		{in: "data:", fail: true},
		{in: "http://x/,y", fail: true},
	} {
		d, ok := fetch.ProcessDataURL(c.in)
		if c.fail {
			assert.False(t, ok, c.in)
			continue
		}
		if assert.True(t, ok, c.in) {
			assert.Equal(t, c.mime, d.MIMEType, c.in)
			assert.Equal(t, c.body, string(d.Body), c.in)
		}
	}
}

func TestFetchDataURL(t *testing.T) {
	var events []fetch.Event
	var mu sync.Mutex
	stats := &fetch.Stats{}
	// A strict policy: one subrequest, one allowed host, no private
	// addresses. data: URLs never touch the network, so none of it applies.
	e := newHarness(t, fetch.Config{
		Subrequests: 1, AllowedHosts: []string{"example.com"}, Stats: stats,
		OnEvent: func(ev fetch.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() },
	})
	require.Equal(t, "200|OK|basic|true|data:,response%27s%20body|text/plain;charset=US-ASCII|false|response's body|true", e.MustRun(`(async () => {
		const r = await fetch("data:,response%27s%20body#frag");
		return [r.status, r.statusText, r.type, r.ok, r.url, r.headers.get("content-type"), r.bodyUsed, await r.text(), r.bodyUsed].join("|");
	})()`))
	require.Equal(t, "image/png|3|1,2,3", e.MustRun(`(async () => {
		const r = await fetch(new Request("data:image/png;base64,AQID", { method: "POST", body: "ignored" }));
		const b = new Uint8Array(await r.arrayBuffer());
		return [r.headers.get("content-type"), b.length, [...b].join(",")].join("|");
	})()`))
	// HEAD: a null body.
	require.Equal(t, "true|", e.MustRun(`(async () => {
		const r = await fetch("data:,abc", { method: "HEAD" });
		return [r.body === null, await r.text()].join("|");
	})()`))
	// Headers are immutable, as for any fetched response.
	require.Equal(t, "TypeError", e.Run(`(async () => { (await fetch("data:,x")).headers.set("a", "b") })()`).Name)
	// A data: URL that does not process is a network error (TypeError),
	// whose message keeps the URL's % escapes.
	res := e.Run(`fetch("data:;base64,%zz%41")`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, `"data:;base64,%zz%41" is not a valid data: URL`)
	res = e.Run(`fetch("data:notAdataUrl.com")`)
	require.Equal(t, "TypeError", res.Name)
	// Several data: fetches in one request: no subrequest spent, no event.
	require.Equal(t, "a,b,c", e.MustRun(`(async () => {
		const t = await Promise.all(["a", "b", "c"].map(async (s) => (await fetch("data:," + s)).text()));
		return t.join(",");
	})()`))
	require.Equal(t, int64(0), stats.Subrequests.Load())
	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, events)
}

// Error messages keep the URL as it is (goja's NewTypeError takes a format
// string; a URL used as one had its % escapes garbled).
func TestFetchErrorMessagesKeepPercentEscapes(t *testing.T) {
	e := newHarness(t, local())
	res := e.Run(`fetch("ftp://example.com/a%20b%zz%d")`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, `"ftp://example.com/a%20b%zz%d"`)
	require.NotContains(t, res.Err, "MISSING")
}
