package fetch_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
)

// fetchGoroutines counts goroutines running code of package fetch.
func fetchGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "workerhost/fetch.(*call).run") || strings.Contains(g, "workerhost/fetch.(*pipeWriter).serve") {
			n++
		}
	}
	return n
}

// Bodies nobody reads, requests that end mid-download, origin handlers that
// block: once the request context ends, no goroutine of the package is left.
func TestNoGoroutineOutlivesTheRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000")
		_, _ = io.WriteString(w, strings.Repeat("x", 1000))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "first")
		for i := 0; i < 1000; i++ { // blocks on the pipe until the body is closed
			if _, err := io.WriteString(w, strings.Repeat("y", 4096)); err != nil {
				return
			}
		}
	})
	e := newHarness(t, fetch.Config{AllowPrivate: true, Origin: origin, OwnHosts: []string{"own.test"}})
	e.MustRun(`(async () => {
		const rs = [];
		for (let i = 0; i < 10; i++) rs.push(await fetch("` + srv.URL + `/" + i));
		for (let i = 0; i < 10; i++) rs.push(await fetch("https://own.test/" + i));
		return rs.length;
	})()`)
	require.Eventually(t, func() bool { return fetchGoroutines() == 0 }, 5*time.Second, 10*time.Millisecond,
		"goroutines of package fetch outlived their request")
}
