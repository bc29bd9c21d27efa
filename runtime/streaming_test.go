package runtime_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
)

// heapWatch samples the Go heap until stopped and reports the peak.
func heapWatch() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms goruntime.MemStats
			goruntime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

func streamSize() int64 {
	if raceEnabled {
		return 128 << 20 // the race detector makes goja ~10x slower; CI runs with -race
	}
	return 1 << 30
}

// inChild re-runs the calling test in a fresh process, so that its heap
// figures are the server's own and not what earlier tests left behind. It
// reports whether the caller is that child (and should do the work).
func inChild(t *testing.T) bool {
	if os.Getenv("WORKERHOST_TEST_CHILD") == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Env = append(os.Environ(), "WORKERHOST_TEST_CHILD="+t.Name())
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "peak heap") || strings.Contains(line, "Error") || strings.Contains(line, "expected") || strings.Contains(line, "actual") {
			t.Log(strings.TrimSpace(line))
		}
	}
	require.NoError(t, err, "child test failed:\n%s", out)
	return false
}

func TestStreamedResponseBoundedMemory(t *testing.T) {
	if !inChild(t) {
		return
	}
	total := streamSize()
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			const total = Number(new URL(event.request.url).searchParams.get('n'));
			const chunk = new Uint8Array(64 * 1024).fill(97);
			let sent = 0;
			event.respondWith(new Response(new ReadableStream({
				pull(controller) {
					if (sent >= total) { controller.close(); return; }
					controller.enqueue(chunk.slice());
					sent += chunk.length;
				},
			}, { highWaterMark: 1 })));
		});`, runtime.Options{Logger: discard(), Limits: limitsLong()})
	require.NoError(t, err)
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()
	goruntime.GC()
	stop := heapWatch()
	res, err := http.Get(srv.URL + "/?n=" + strconv.FormatInt(total, 10))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, []string{"chunked"}, res.TransferEncoding)
	buf := make([]byte, 64<<10)
	var got int64
	for i := 0; ; i++ {
		n, err := res.Body.Read(buf)
		got += int64(n)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if i%512 == 0 {
			time.Sleep(time.Millisecond) // a slow client
		}
	}
	peak := stop()
	require.Equal(t, total, got)
	require.Less(t, peak, uint64(64<<20), "peak heap %d MiB", peak>>20)
	t.Logf("streamed %d MiB, peak heap %d MiB", total>>20, peak>>20)
}

func TestUploadThroughTransformStreamEcho(t *testing.T) {
	if !inChild(t) {
		return
	}
	total := streamSize()
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk) } });
			event.respondWith(new Response(event.request.body.pipeThrough(upper)));
		});`, runtime.Options{Logger: discard(), Limits: limitsLong()})
	require.NoError(t, err)
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()
	goruntime.GC()
	stop := heapWatch()
	pr, pw := io.Pipe()
	sum := sha256.New()
	go func() {
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = byte(i)
		}
		for sent := int64(0); sent < total; sent += int64(len(chunk)) {
			sum.Write(chunk)
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", srv.URL, pr)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	echo := sha256.New()
	n, err := io.Copy(echo, res.Body)
	require.NoError(t, err)
	peak := stop()
	require.Equal(t, total, n)
	require.Equal(t, sum.Sum(nil), echo.Sum(nil))
	require.Less(t, peak, uint64(64<<20), "peak heap %d MiB", peak>>20)
	t.Logf("echoed %d MiB, peak heap %d MiB", total>>20, peak>>20)
}

func TestFirstChunkBeforeSecondIsProduced(t *testing.T) {
	var allowSecond atomic.Bool
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			event.respondWith(new Response(new ReadableStream({
				start(c) { c.enqueue(new TextEncoder().encode('first\n')) },
				async pull(c) {
					while (!secondAllowed()) await new Promise((r) => setTimeout(r, 2));
					c.enqueue(new TextEncoder().encode('second\n'));
					c.close();
				},
			}, { highWaterMark: 0 })));
		});`, runtime.Options{Logger: discard(), Install: func(vm *goja.Runtime) error {
		return vm.Set("secondAllowed", func() bool { return allowSecond.Load() })
	}})
	require.NoError(t, err)
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "first\n", line, "the first chunk arrives while the producer has not made the second")
	allowSecond.Store(true)
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	require.Equal(t, "second\n", string(rest))
}

func TestClientDisconnectMidStreamLeavesNothing(t *testing.T) {
	var cancelled atomic.Int64
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			event.respondWith(new Response(new ReadableStream({
				pull(c) { c.enqueue(new Uint8Array(16 * 1024)) },
				cancel() { onCancel() },
			})));
		});`, runtime.Options{Logger: discard(), Isolates: 2, Install: func(vm *goja.Runtime) error {
		return vm.Set("onCancel", func() { cancelled.Add(1) })
	}})
	require.NoError(t, err)
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	base := goruntime.NumGoroutine()
	const n = 1000
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		res, err := client.Do(req)
		require.NoError(t, err)
		_, err = io.ReadFull(res.Body, make([]byte, 32*1024))
		require.NoError(t, err)
		cancel()
		res.Body.Close()
	}
	tr.CloseIdleConnections()
	require.Eventually(t, func() bool { return cancelled.Load() == n }, 10*time.Second, 10*time.Millisecond,
		"source cancel ran %d of %d times", cancelled.Load(), n)
	require.Eventually(t, func() bool { return goruntime.NumGoroutine() <= base+2 }, 10*time.Second, 20*time.Millisecond,
		"goroutines: %d before, %d after", base, goruntime.NumGoroutine())
	require.Eventually(t, func() bool { return rt.InFlight() == 0 }, 5*time.Second, 10*time.Millisecond, "no request state left")
}

func limitsLong() limits.Limits {
	return limits.Limits{CPUTime: 10 * time.Minute, WallTime: 10 * time.Minute}
}

// A subrequest's body passed through untouched is copied Go to Go, flushed
// only when the next chunk is not ready: a trickling upstream must still
// reach the client chunk by chunk, and a large one intact.
func TestProxiedBodyIsFlushedWhenTheUpstreamPauses(t *testing.T) {
	release := make(chan struct{})
	big := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			_, _ = io.WriteString(w, big)
			return
		}
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, "second\n")
	}))
	defer upstream.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	rt, err := runtime.New(`
		addEventListener('fetch', (event) => {
			event.respondWith((async () => {
				const up = await fetch(UPSTREAM + new URL(event.request.url).pathname);
				return new Response(up.body, { headers: { 'x-via': 'worker' } });
			})());
		});`, runtime.Options{Logger: discard(), Fetch: fetch.Config{AllowPrivate: true}, Install: func(vm *goja.Runtime) error {
		return vm.Set("UPSTREAM", upstream.URL)
	}})
	require.NoError(t, err)
	defer rt.Close()
	srv := httptest.NewServer(rt)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/trickle", nil)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, "worker", res.Header.Get("X-Via"))
	br := bufio.NewReader(res.Body)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "first\n", line, "the first chunk arrives while the upstream holds the second")
	close(release)
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	require.Equal(t, "second\n", string(rest))

	for i := 0; i < 3; i++ {
		res, err := http.Get(srv.URL + "/big")
		require.NoError(t, err)
		got, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, len(big), len(got))
		require.True(t, string(got) == big, "the proxied body arrives intact")
	}
}
