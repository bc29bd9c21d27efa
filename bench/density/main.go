// Command density loads N distinct routines in one process, sends each its
// first request, and reports load→first-response latency (p50, p99) and
// resident memory per routine.
//
//	go run ./bench/density            # 1,000 routines
//	go run ./bench/density -n 200
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/workerhost/workerhost/runtime"
)

func rssKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func main() {
	n := flag.Int("n", 1000, "routines to load")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	goruntime.GC()
	base := rssKB()
	lat := make([]time.Duration, 0, *n)
	routines := make([]*runtime.Routine, 0, *n)
	start := time.Now()
	for i := 0; i < *n; i++ {
		src := fmt.Sprintf(`const id = %d;
addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  event.respondWith(new Response('routine ' + id + ' ' + url.pathname, { headers: { 'x-id': String(id) } }));
});`, i)
		t0 := time.Now()
		rt, err := runtime.New(src, runtime.Options{Name: fmt.Sprintf("r%d", i), Logger: logger})
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/first", nil))
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), fmt.Sprintf("routine %d ", i)) {
			fmt.Fprintln(os.Stderr, "bad first response:", rec.Code, rec.Body.String())
			os.Exit(1)
		}
		lat = append(lat, time.Since(t0))
		routines = append(routines, rt)
	}
	total := time.Since(start)
	goruntime.GC()
	rss := rssKB()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	fmt.Printf("routines: %d loaded in %v\n", *n, total.Round(time.Millisecond))
	fmt.Printf("load → first response: p50 %v, p99 %v, max %v\n", pct(0.50).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	fmt.Printf("RSS: %.1f MB total, %.1f MB baseline, %.1f KB per routine\n", float64(rss)/1024, float64(base)/1024, float64(rss-base)/float64(*n))
	for _, rt := range routines {
		rt.Close()
	}
}
