package fetch_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/fetch/fetchtest"
)

func okHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
}

func TestAllowlist(t *testing.T) {
	tr := &fetchtest.Transport{}
	tr.Handle("api.example.com", okHandler("api"))
	tr.Handle("*.good.test", okHandler("good"))
	tr.Handle("good.test", okHandler("apex"))
	tr.Handle("evil.test", okHandler("evil"))
	stats := &fetch.Stats{}
	var mu sync.Mutex
	var refusals []fetch.Event
	e := newHarness(t, fetch.Config{
		Transport:    tr,
		AllowedHosts: []string{"API.example.com", "*.good.test"},
		Stats:        stats,
		OnEvent: func(ev fetch.Event) {
			if ev.Kind == fetch.EventRefused {
				mu.Lock()
				refusals = append(refusals, ev)
				mu.Unlock()
			}
		},
	})
	require.Equal(t, "api", e.MustRun(`fetch("https://api.example.com/x").then(r => r.text())`))
	require.Equal(t, "good", e.MustRun(`fetch("https://a.b.good.test/x").then(r => r.text())`))
	for _, u := range []string{"https://evil.test/", "https://good.test/", "https://api.example.com.evil.test/", "https://xapi.example.com/"} {
		r := e.Run(`fetch("` + u + `")`)
		require.Equal(t, "TypeError", r.Name, u)
		require.Contains(t, r.Err, "refused: the host is not in the allowlist (Config.AllowedHosts)", u)
	}
	require.Equal(t, int64(4), stats.Refused(fetch.ReasonHostNotAllowed))
	mu.Lock()
	require.Len(t, refusals, 4)
	require.True(t, errors.Is(refusals[0].Err, fetch.ErrHostNotAllowed))
	require.Equal(t, "evil.test", refusals[0].Err.(*fetch.RefusedError).Host)
	mu.Unlock()
	// A redirect to a host outside the allowlist is refused too.
	tr.Respond("https://api.example.com/jump", 302, "", http.Header{"Location": {"https://evil.test/"}})
	r := e.Run(`fetch("https://api.example.com/jump")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "fetch() to evil.test refused: the host is not in the allowlist")
}

func TestSSRFGuard(t *testing.T) {
	srv := httptest.NewServer(okHandler("local"))
	defer srv.Close()
	stats := &fetch.Stats{}
	e := newHarness(t, fetch.Config{Stats: stats}) // default transport, guard on
	cases := map[string]string{
		srv.URL + "/":                    "fetch() to 127.0.0.1 refused: loopback addresses are blocked (Config.AllowPrivate)",
		"http://10.0.0.1/":               "fetch() to 10.0.0.1 refused: private network addresses are blocked (Config.AllowPrivate)",
		"http://192.168.1.1:8080/":       "fetch() to 192.168.1.1 refused: private network addresses are blocked",
		"http://172.16.5.4/":             "private network addresses are blocked",
		"http://169.254.169.254/latest/": "fetch() to 169.254.169.254 refused: link-local addresses are blocked",
		"http://[::1]/":                  "fetch() to ::1 refused: loopback addresses are blocked",
		"http://[fd00::1]/":              "private network addresses are blocked",
		"http://[::ffff:127.0.0.1]/":     "loopback addresses are blocked",
		"http://0.0.0.0/":                "unspecified addresses are blocked",
		"http://224.0.0.1/":              "multicast addresses are blocked",
		"http://100.64.0.1/":             "carrier-grade NAT addresses are blocked",
		"http://0x7f.1/":                 "fetch() to 127.0.0.1 refused: loopback", // the URL parser canonicalizes it
		"http://localhost:1/":            "fetch() to localhost refused: it resolves to",
	}
	for u, want := range cases {
		r := e.Run(`fetch("` + u + `")`)
		require.Equal(t, "TypeError", r.Name, u)
		require.Contains(t, r.Err, want, u)
	}
	require.Equal(t, int64(len(cases)), stats.Refused(fetch.ReasonPrivateAddress))

	// Explicitly allowed addresses pass.
	e2 := newHarness(t, fetch.Config{AllowedHosts: []string{"127.0.0.1"}})
	require.Equal(t, "local", e2.MustRun(`fetch("`+srv.URL+`/").then(r => r.text())`))
	r := e2.Run(`fetch("http://10.0.0.1/")`)
	require.Contains(t, r.Err, "not in the allowlist")
	e3 := newHarness(t, fetch.Config{AllowedHosts: []string{"127.0.0.0/8", "*.example.com"}})
	require.Equal(t, "local", e3.MustRun(`fetch("`+srv.URL+`/").then(r => r.text())`))
	e4 := newHarness(t, fetch.Config{AllowPrivate: true})
	require.Equal(t, "local", e4.MustRun(`fetch("`+srv.URL+`/").then(r => r.text())`))
	// A redirect from an allowed origin to a private address is refused.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.1.2.3/", http.StatusFound)
	}))
	defer redir.Close()
	r = e2.Run(`fetch("` + redir.URL + `/")`)
	require.Contains(t, r.Err, "not in the allowlist")
	e5 := newHarness(t, fetch.Config{AllowedHosts: []string{"127.0.0.1", "10.1.2.4"}})
	r = e5.Run(`fetch("` + redir.URL + `/")`)
	require.Contains(t, r.Err, "not in the allowlist")
}

func TestLoopGuard(t *testing.T) {
	reg := fetch.NewRegistry()
	require.NoError(t, reg.Register("shop", "shop.test", "*.shop.test"))
	require.NoError(t, reg.Register("blog", "blog.test"))
	require.Error(t, reg.Register("other", "shop.test"))
	r, ok := reg.Lookup("A.Shop.Test.")
	require.True(t, ok)
	require.Equal(t, "shop", r)

	tr := &fetchtest.Transport{}
	tr.Handle("api.example.com", okHandler("api"))
	origin := okHandler("from origin")
	stats := &fetch.Stats{}
	e := newHarness(t, fetch.Config{Transport: tr, Registry: reg, RoutineName: "shop", Origin: origin, Stats: stats})
	res := e.Run(`fetch("https://blog.test/")`)
	require.Equal(t, "TypeError", res.Name)
	require.Contains(t, res.Err, `fetch() to blog.test refused: the host is served by routine "blog" in this process`)
	require.Equal(t, int64(1), stats.Refused(fetch.ReasonLoop))
	// Own (registered) hosts go to the origin, in process.
	require.Equal(t, "from origin", e.MustRun(`fetch("https://x.shop.test/").then(r => r.text())`))
	require.Equal(t, "api", e.MustRun(`fetch("https://api.example.com/").then(r => r.text())`))
	// Without an origin, fetching one's own host would loop: refused.
	e2 := newHarness(t, fetch.Config{Transport: tr, Registry: reg, RoutineName: "shop"})
	res = e2.Run(`fetch("https://shop.test/")`)
	require.Contains(t, res.Err, "served by this routine itself and no origin is configured")
	require.True(t, errors.Is(&fetch.RefusedError{Reason: fetch.ReasonLoop}, fetch.ErrLoop))
	// A redirect into another routine's domain is refused.
	tr.Respond("https://api.example.com/to-blog", 301, "", http.Header{"Location": {"https://blog.test/"}})
	res = e.Run(`fetch("https://api.example.com/to-blog")`)
	require.Contains(t, res.Err, `served by routine "blog"`)
	reg.Unregister("blog")
	_, ok = reg.Lookup("blog.test")
	require.False(t, ok)
}

func TestOriginRouting(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Host+" "+r.RequestURI+" client="+r.Header.Get("X-Client")+" hops="+r.Header.Get(fetch.HopHeader)+" body="+string(b))
		mu.Unlock()
		w.Header().Set("X-Origin", "1")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, "origin says hi")
	})
	tr := &fetchtest.Transport{}
	tr.Respond("https://elsewhere.test/", 200, "network", nil)
	e := newHarness(t, fetch.Config{Transport: tr, Origin: origin, OwnHosts: []string{"www.mine.test"}})
	// fetch(event.request) goes to the origin whatever its host.
	require.Equal(t, "201,1,origin says hi", e.MustRun(`(async () => {
		const r = await fetch(__incoming("GET", "https://elsewhere.test/page?q=1"));
		return [r.status, r.headers.get("x-origin"), await r.text()].join(",");
	})()`))
	// So do own hosts, with bodies streamed both ways.
	require.Equal(t, "origin says hi", e.MustRun(`fetch("https://WWW.mine.test/post", {method: "POST", body: "payload"}).then(r => r.text())`))
	// Other hosts go to the transport, also for a copy of the incoming request.
	require.Equal(t, "network", e.MustRun(`fetch("https://elsewhere.test/").then(r => r.text())`))
	require.Equal(t, "network", e.MustRun(`fetch(new Request(__incoming("GET", "https://elsewhere.test/"))).then(r => r.text())`))
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{
		"GET elsewhere.test /page?q=1 client=yes hops=1 body=",
		"POST www.mine.test /post client= hops=1 body=payload",
	}, seen)
	require.Len(t, tr.Requests(), 2)
}

func TestOriginHandlerFailures(t *testing.T) {
	origin := http.NewServeMux()
	origin.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	origin.HandleFunc("/panic-late", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("late boom")
	})
	origin.HandleFunc("/sniff", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<html><body>x</body></html>") })
	e := newHarness(t, fetch.Config{Origin: origin, OwnHosts: []string{"o.test"}, Transport: &fetchtest.Transport{}})
	r := e.Run(`fetch("https://o.test/panic")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "fetch failed: the handler panicked: boom")
	r = e.Run(`fetch("https://o.test/panic-late").then(r => r.text())`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "late boom")
	require.Equal(t, "text/html; charset=utf-8", e.MustRun(`fetch("https://o.test/sniff").then(r => r.headers.get("content-type"))`))
	require.Equal(t, int64(404), e.MustRun(`fetch("https://o.test/none").then(r => r.status)`))
}

func TestFetchtest(t *testing.T) {
	tr := &fetchtest.Transport{}
	tr.Respond("https://api.test/v1/user", 200, `{"name":"ada"}`, http.Header{"content-type": {"application/json"}})
	tr.Respond("https://api.test/v1/user?id=2", 200, `{"name":"bob"}`, nil)
	tr.HandleFunc("https://api.test/v1/*", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, "prefix "+r.Method+" "+r.URL.Path+" "+strings.ToUpper(string(b)))
	})
	tr.Respond("api.test", 418, "host", nil)
	tr.Respond("*.cdn.test", 200, "wild", nil)
	e := newHarness(t, fetch.Config{Transport: tr})
	require.Equal(t, "ada,application/json", e.MustRun(`fetch("https://api.test/v1/user?other=1").then(async r => (await r.json()).name + "," + r.headers.get("content-type"))`))
	require.Equal(t, "bob", e.MustRun(`fetch("https://api.test/v1/user?id=2").then(async r => (await r.json()).name)`))
	require.Equal(t, "prefix POST /v1/items BODY", e.MustRun(`fetch("https://api.test/v1/items", {method: "POST", body: "body"}).then(r => r.text())`))
	require.Equal(t, "418 host", e.MustRun(`fetch("https://api.test/other").then(async r => r.status + " " + await r.text())`))
	require.Equal(t, "wild", e.MustRun(`fetch("https://a.cdn.test/").then(r => r.text())`))
	r := e.Run(`fetch("https://unknown.test/x")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "fetchtest: no route for GET https://unknown.test/x")
	reqs := tr.Requests()
	require.Len(t, reqs, 6)
	require.Equal(t, "POST", reqs[2].Method)
	require.Equal(t, "body", string(reqs[2].Body))
	require.Equal(t, "https://api.test/v1/*", reqs[2].Pattern)
	require.Equal(t, "1", reqs[2].Header.Get(fetch.HopHeader))
	require.Equal(t, "", reqs[5].Pattern)
	tr.Reset()
	require.Empty(t, tr.Requests())

	// The transport is usable from plain Go too.
	resp, err := (&http.Client{Transport: tr}).Get("https://x.cdn.test/")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, "wild", string(b))
}
