package fetch_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/limits"
)

// echoServer answers /echo with a JSON description of the request and
// offers redirect and slow endpoints.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Method", r.Method)
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		fmt.Fprintf(w, "%s %s|ct=%s|hops=%s|auth=%s|ua=%s|body=%s",
			r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), r.Header.Get(fetch.HopHeader),
			r.Header.Get("Authorization"), r.Header.Get("User-Agent"), b)
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/status/"), "%d", &code)
		w.WriteHeader(code)
	})
	// /redirect/N?code=C&to=URL: N hops of code C, then /echo (or to).
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/redirect/"), "%d", &n)
		code := 302
		if c := r.URL.Query().Get("code"); c != "" {
			fmt.Sscanf(c, "%d", &code)
		}
		loc := "/echo"
		if to := r.URL.Query().Get("to"); to != "" {
			loc = to
		}
		if n > 1 {
			loc = fmt.Sprintf("/redirect/%d?code=%d", n-1, code)
			if to := r.URL.Query().Get("to"); to != "" {
				loc += "&to=" + to
			}
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(code)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func local() fetch.Config { return fetch.Config{AllowPrivate: true} }

func TestFetchGET(t *testing.T) {
	srv := echoServer(t)
	e := newHarness(t, local())
	v := e.MustRun(`(async () => {
		const r = await fetch("` + srv.URL + `/echo?x=1#frag");
		let immutable = false;
		try { r.headers.set("x", "y") } catch (e) { immutable = e instanceof TypeError }
		return [r.status, r.statusText, r.ok, r.url, r.redirected, r.type, r.headers.get("x-method"),
			r.headers.getSetCookie ? r.headers.getSetCookie().length : 2, immutable, r.bodyUsed, await r.text(), r.bodyUsed].join(",");
	})()`)
	require.Equal(t, "200,OK,true,"+srv.URL+"/echo?x=1,false,basic,GET,2,true,false,GET /echo?x=1|ct=|hops=1|auth=|ua=|body=,true", v)
}

func TestFetchBodies(t *testing.T) {
	srv := echoServer(t)
	e := newHarness(t, local())
	cases := map[string]string{
		`"hello"`: "POST /echo|ct=text/plain;charset=UTF-8|hops=1|auth=|ua=|body=hello",
		`new TextEncoder().encode("bytes").buffer`:       "POST /echo|ct=|hops=1|auth=|ua=|body=bytes",
		`new Uint8Array([104, 105])`:                     "POST /echo|ct=|hops=1|auth=|ua=|body=hi",
		`new DataView(new Uint8Array([111,107]).buffer)`: "POST /echo|ct=|hops=1|auth=|ua=|body=ok",
	}
	for body, want := range cases {
		got := e.MustRun(`fetch("` + srv.URL + `/echo", {method: "POST", body: ` + body + `}).then(r => r.text())`)
		require.Equal(t, want, got, body)
	}
	got := e.MustRun(`fetch("` + srv.URL + `/echo", {method: "POST", body: new URLSearchParams("a=1&b=2")}).then(r => r.text())`)
	require.Contains(t, got, "body=a=1&b=2")
	// A Request as input, with init overriding its method and headers.
	got = e.MustRun(`(async () => {
		const q = new Request("` + srv.URL + `/echo", {method: "PUT", body: "from request", headers: {"content-type": "x/y", "authorization": "Bearer t"}});
		const r = await fetch(q);
		const q2 = new Request("` + srv.URL + `/echo?2", {method: "POST", body: "b2"});
		const r2 = await fetch(q2, {method: "PATCH", headers: {"user-agent": "ua/1"}});
		return (await r.text()) + "\n" + (await r2.text()) + "\n" + q.bodyUsed;
	})()`)
	require.Equal(t, "PUT /echo|ct=x/y|hops=1|auth=Bearer t|ua=|body=from request\nPATCH /echo?2|ct=|hops=1|auth=|ua=ua/1|body=b2\ntrue", got)
	// Validation is the Request constructor's, surfaced as a rejection.
	r := e.Run(`fetch("` + srv.URL + `/echo", {method: "GET", body: "x"})`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "GET/HEAD method cannot have body")
	r = e.Run(`fetch("not a url")`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`fetch()`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`fetch("http://user:pw@127.0.0.1/")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "includes credentials")
	// URL objects and relative-looking but absolute strings work like strings.
	require.Equal(t, "GET /echo?u=1|ct=|hops=1|auth=|ua=|body=", e.MustRun(`fetch(new URL("/echo?u=1", "`+srv.URL+`")).then(r => r.text())`))
	require.Equal(t, "GET /echo|ct=|hops=1|auth=|ua=|body=", e.MustRun(`fetch("  `+srv.URL+`/echo  ", undefined).then(r => r.text())`))
	// A used body cannot be sent again.
	r = e.Run(`(async () => { const q = new Request("` + srv.URL + `/echo", {method: "POST", body: "x"}); await q.text(); return fetch(q) })()`)
	require.Equal(t, "TypeError", r.Name)
	// An empty 200 has an empty (not null) body.
	require.Equal(t, "true,", e.MustRun(`fetch("`+srv.URL+`/status/200").then(async r => [r.body !== null, await r.text()].join(","))`))
	// HEAD and null-body statuses give a null body.
	require.Equal(t, "true,true,204", e.MustRun(`(async () => {
		const h = await fetch("`+srv.URL+`/echo", {method: "HEAD"});
		const n = await fetch("`+srv.URL+`/status/204");
		return [h.body === null || (await h.text()) === "", (await n.text()) === "", n.status].join(",");
	})()`))
}

func TestFetchNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	e := newHarness(t, local())
	r := e.Run(`fetch("` + addr + `/x")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "fetch failed: ")
	require.Contains(t, r.Err, "connection refused")
}

func TestFetchStaticInit(t *testing.T) {
	var events []fetch.Event
	var mu sync.Mutex
	stats := &fetch.Stats{}
	e := newHarness(t, fetch.Config{Stats: stats, OnEvent: func(ev fetch.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() }})
	r := e.RunInit(`fetch("https://example.com/")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "static initialization: I/O is only possible while handling a request")
	require.Equal(t, int64(1), stats.Refused(fetch.ReasonNoRequest))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 1)
	require.True(t, errors.Is(events[0].Err, fetch.ErrNoRequest))
}

func TestFetchSchemes(t *testing.T) {
	e := newHarness(t, local())
	for _, u := range []string{"ftp://example.com/x", "file:///etc/passwd"} {
		r := e.Run(`fetch("` + u + `")`)
		require.Equal(t, "TypeError", r.Name, u)
		require.Contains(t, r.Err, "only http: and https: URLs can be fetched", u)
	}
	// data: and blob: URLs are fetched too (dataurl_test.go, bloburl_test.go).
	r := e.Run(`fetch("blob:https://a/b")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "is not a blob: URL of this routine")
}

func TestFetchRedirects(t *testing.T) {
	srv := echoServer(t)
	other := echoServer(t) // another origin (port)
	e := newHarness(t, local())
	// follow: a chain of 3, redirected and url set.
	require.Equal(t, "200,true,"+srv.URL+"/echo,GET /echo|ct=|hops=1|auth=|ua=|body=", e.MustRun(`(async () => {
		const r = await fetch("`+srv.URL+`/redirect/3");
		return [r.status, r.redirected, r.url, await r.text()].join(",");
	})()`))
	// 303 turns a POST into a GET without body and body headers.
	require.Equal(t, "GET /echo|ct=|hops=1|auth=|ua=|body=", e.MustRun(`fetch("`+srv.URL+`/redirect/1?code=303", {method: "POST", body: "data", headers: {"content-type": "a/b"}}).then(r => r.text())`))
	// 301 and 302 turn a POST into a GET; a PUT keeps its method and body.
	require.Equal(t, "GET /echo|ct=|hops=1|auth=|ua=|body=", e.MustRun(`fetch("`+srv.URL+`/redirect/1?code=301", {method: "POST", body: "data"}).then(r => r.text())`))
	require.Equal(t, "PUT /echo|ct=text/plain;charset=UTF-8|hops=1|auth=|ua=|body=data", e.MustRun(`fetch("`+srv.URL+`/redirect/1?code=302", {method: "PUT", body: "data"}).then(r => r.text())`))
	// 307 and 308 re-send a replayable body.
	for _, code := range []string{"307", "308"} {
		require.Equal(t, "POST /echo|ct=text/plain;charset=UTF-8|hops=1|auth=|ua=|body=again", e.MustRun(`fetch("`+srv.URL+`/redirect/2?code=`+code+`", {method: "POST", body: "again"}).then(r => r.text())`))
	}
	// ...but not a streamed one.
	r := e.Run(`fetch(__bigRequest("POST", "` + srv.URL + `/redirect/1?code=307", 1000), {redirect: "follow"})`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "the request body is a stream, which cannot be sent again")
	// error mode.
	r = e.Run(`fetch("` + srv.URL + `/redirect/1", {redirect: "error"})`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, `redirect mode is "error"`)
	// manual mode: the 3xx response as is.
	require.Equal(t, "302,/echo,false,"+srv.URL+"/redirect/1", e.MustRun(`fetch("`+srv.URL+`/redirect/1", {redirect: "manual"}).then(r => [r.status, r.headers.get("location"), r.redirected, r.url].join(","))`))
	// 20 redirects are followed, 21 are too many.
	require.Equal(t, int64(200), e.MustRun(`fetch("`+srv.URL+`/redirect/20", {}).then(r => r.status)`))
	r = e.Run(`fetch("` + srv.URL + `/redirect/21")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "too many redirects (more than 20)")
	// Authorization is dropped on a cross-origin redirect, kept on a same-origin one.
	require.Contains(t, e.MustRun(`fetch("`+srv.URL+`/redirect/1?to=`+other.URL+`/echo", {headers: {authorization: "secret"}}).then(r => r.text())`), "auth=|")
	require.Contains(t, e.MustRun(`fetch("`+srv.URL+`/redirect/1", {headers: {authorization: "secret"}}).then(r => r.text())`), "auth=secret|")
	// A redirect to a non-HTTP scheme is a network error.
	r = e.Run(`fetch("` + srv.URL + `/redirect/1?to=ftp://x/y")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "not an http: or https: URL")
}

func TestFetchAbort(t *testing.T) {
	release := make(chan struct{})
	var handlerCancelled atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			handlerCancelled.Add(1)
		case <-release:
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/half", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			handlerCancelled.Add(1)
		case <-release:
		case <-time.After(10 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(release); srv.Close() })
	e := newHarness(t, local())

	// Already aborted: rejects with the reason, nothing is sent.
	r := e.Run(`const c = new AbortController(); c.abort(); fetch("` + srv.URL + `/hang", {signal: c.signal})`)
	require.Equal(t, "AbortError", r.Name)
	r = e.Run(`const c2 = new AbortController(); c2.abort(new RangeError("mine")); fetch("` + srv.URL + `/hang", {signal: c2.signal})`)
	require.Equal(t, "RangeError: mine", r.Err)

	// Aborted while waiting for the headers: the Go request is cancelled.
	r = e.Run(`(async () => {
		const c = new AbortController();
		setTimeout(() => c.abort(), 30);
		return await fetch("` + srv.URL + `/hang", {signal: c.signal});
	})()`)
	require.Equal(t, "AbortError", r.Name)
	require.Eventually(t, func() bool { return handlerCancelled.Load() == 1 }, 5*time.Second, 5*time.Millisecond)

	// A Request's signal is followed too.
	r = e.Run(`(async () => {
		const c = new AbortController();
		const q = new Request("` + srv.URL + `/hang", {signal: c.signal});
		setTimeout(() => c.abort(), 20);
		return await fetch(q);
	})()`)
	require.Equal(t, "AbortError", r.Name)
	require.Eventually(t, func() bool { return handlerCancelled.Load() == 2 }, 5*time.Second, 5*time.Millisecond)

	// Aborted mid-body: the response resolved, then reading the body fails
	// with the abort reason and the connection is torn down.
	r = e.Run(`(async () => {
		const c = new AbortController();
		const res = await fetch("` + srv.URL + `/half", {signal: c.signal});
		if (res.status !== 200) throw new Error("status " + res.status);
		setTimeout(() => c.abort(), 20);
		return await res.text();
	})()`)
	require.NotEmpty(t, r.Err)
	require.Contains(t, r.Err, "AbortError")
	require.Eventually(t, func() bool { return handlerCancelled.Load() == 3 }, 5*time.Second, 5*time.Millisecond)

	// Aborting after the body was read changes nothing.
	require.Equal(t, "ok", e.MustRun(`(async () => {
		const c = new AbortController();
		const res = await fetch("`+srv.URL+`/nothing", {signal: c.signal});
		await res.text();
		c.abort();
		return "ok";
	})()`))
}

func TestFetchCancelledWhenRequestEnds(t *testing.T) {
	started := make(chan struct{})
	cancelled := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			cancelled <- struct{}{}
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-started:
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e := newHarness(t, local())
	// The script does not await the first fetch: once the second returns
	// (the server has seen the first), the request context ends.
	e.MustRun(`(async () => { fetch("` + srv.URL + `/hang"); await fetch("` + srv.URL + `/ping"); return 1 })()`)
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("ending the request did not cancel its fetch")
	}
}

func TestFetchHops(t *testing.T) {
	srv := echoServer(t)
	e := newHarness(t, fetch.Config{AllowPrivate: true, MaxHops: 5})
	require.Contains(t, e.MustRun(`__setHops(3); fetch("`+srv.URL+`/echo", {headers: {"x-workerhost-hops": "0"}}).then(r => r.text())`), "hops=4|")
	require.Contains(t, e.MustRun(`__setHops(4); fetch("`+srv.URL+`/echo").then(r => r.text())`), "hops=5|")
	r := e.Run(`__setHops(5); fetch("` + srv.URL + `/echo")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "already passed through 5 routines (X-Workerhost-Hops header), and the limit is 5 (Config.MaxHops)")
	require.Equal(t, 7, fetch.HopsFromHeader(http.Header{"X-Workerhost-Hops": {"7"}}))
	require.Equal(t, 0, fetch.HopsFromHeader(http.Header{"X-Workerhost-Hops": {"junk"}}))
}

func TestFetchSubrequestBudget(t *testing.T) {
	srv := echoServer(t)
	var mu sync.Mutex
	var refusals []fetch.Event
	sent := 0
	stats := &fetch.Stats{}
	e := newHarness(t, fetch.Config{AllowPrivate: true, Stats: stats, OnEvent: func(ev fetch.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Kind == fetch.EventRefused {
			refusals = append(refusals, ev)
		} else {
			sent++
		}
	}})
	got := e.MustRun(`(async () => {
		for (let i = 0; i < 50; i++) { const r = await fetch("` + srv.URL + `/echo?" + i); await r.arrayBuffer(); }
		try { await fetch("` + srv.URL + `/echo?51"); return "no error" } catch (e) { return e.name + ": " + e.message }
	})()`)
	require.Equal(t, "TypeError: Too many subrequests: the limit is 50 per request", got)
	mu.Lock()
	require.Equal(t, 50, sent)
	require.Len(t, refusals, 1)
	require.True(t, errors.Is(refusals[0].Err, limits.ErrSubrequests))
	require.Equal(t, fetch.ReasonSubrequests, refusals[0].Reason)
	mu.Unlock()
	require.Equal(t, int64(50), stats.Subrequests.Load())
	require.Equal(t, int64(1), stats.Refused(fetch.ReasonSubrequests))
	// The budget is per request: a new request starts afresh.
	require.Equal(t, int64(200), e.MustRun(`fetch("`+srv.URL+`/echo").then(r => r.status)`))
	// Redirect hops count as subrequests.
	e2 := newHarness(t, fetch.Config{AllowPrivate: true, Subrequests: 3})
	r := e2.Run(`fetch("` + srv.URL + `/redirect/3")`)
	require.Equal(t, "TypeError: Too many subrequests: the limit is 3 per request", r.Err)
	require.Equal(t, int64(200), e2.MustRun(`fetch("`+srv.URL+`/redirect/2").then(r => r.status)`))
}

func TestFetchEvents(t *testing.T) {
	srv := echoServer(t)
	var mu sync.Mutex
	var evs []fetch.Event
	e := newHarness(t, fetch.Config{AllowPrivate: true, RoutineName: "r1", OnEvent: func(ev fetch.Event) { mu.Lock(); evs = append(evs, ev); mu.Unlock() }})
	e.MustRun(`fetch("` + srv.URL + `/redirect/1", {method: "DELETE"}).then(r => r.text())`)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, evs, 2)
	require.Equal(t, fetch.EventSubrequest, evs[0].Kind)
	require.Equal(t, "DELETE", evs[0].Method)
	require.Equal(t, 302, evs[0].Status)
	require.Equal(t, srv.URL+"/redirect/1", evs[0].URL)
	require.Equal(t, 1, evs[1].Redirect)
	require.Equal(t, 200, evs[1].Status)
	require.Equal(t, "r1", evs[1].Routine)
	require.NotEmpty(t, evs[1].RequestID)
}
