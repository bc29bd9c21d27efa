package fetch_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const bigSize = 100 << 20

// heapPeak samples the Go heap while f runs and returns the peak growth
// over the heap in use before.
func heapPeak(t *testing.T, f func()) uint64 {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < 60_000; i++ { // at most 5 minutes
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

func bigServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var received atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		received.Store(n)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, n)
	})
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(bigSize))
		buf := make([]byte, 32<<10)
		for i := range buf {
			buf[i] = byte(i)
		}
		for sent := 0; sent < bigSize; sent += len(buf) {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &received
}

func skipBig(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MiB transfer skipped in -short mode")
	}
}

// TestUploadStreamFromJS sends 100 MiB produced by a JS ReadableStream.
func TestUploadStreamFromJS(t *testing.T) {
	skipBig(t)
	srv, received := bigServer(t)
	h := newHarness(t, local())
	var got any
	var errStr string
	peak := heapPeak(t, func() {
		got, errStr = h.runFor(t, `(async () => {
			const chunk = 64 * 1024, total = `+strconv.Itoa(bigSize)+`;
			let sent = 0;
			const body = new ReadableStream({
				pull(c) {
					if (sent >= total) { c.close(); return }
					c.enqueue(new Uint8Array(chunk));
					sent += chunk;
				},
			});
			const r = await fetch("`+srv.URL+`/upload", {method: "POST", body, duplex: "half"});
			return r.status + " " + await r.text();
		})()`, 3*time.Minute)
	})
	require.Empty(t, errStr)
	require.Equal(t, "200 "+strconv.Itoa(bigSize), got)
	require.Equal(t, int64(bigSize), received.Load())
	t.Logf("peak heap growth during a 100 MiB JS-stream upload: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(40<<20), "the upload must not be buffered")
}

// TestUploadGoReader sends 100 MiB from a Go reader body (a client
// request body passed through fetch()).
func TestUploadGoReader(t *testing.T) {
	skipBig(t)
	srv, received := bigServer(t)
	h := newHarness(t, local())
	var got any
	var errStr string
	peak := heapPeak(t, func() {
		got, errStr = h.runFor(t, `fetch(__bigRequest("POST", "`+srv.URL+`/upload", `+strconv.Itoa(bigSize)+`)).then(r => r.text())`, 3*time.Minute)
	})
	require.Empty(t, errStr)
	require.Equal(t, strconv.Itoa(bigSize), got)
	require.Equal(t, int64(bigSize), received.Load())
	h.mu.Lock()
	src := h.src[srv.URL+"/upload"]
	h.mu.Unlock()
	src.mu.Lock()
	require.True(t, src.closed, "the transport closes the request body")
	src.mu.Unlock()
	t.Logf("peak heap growth during a 100 MiB Go-reader upload: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(40<<20), "the upload must not be buffered")
}

// TestDownloadChunkByChunk reads 100 MiB from response.body in JS.
func TestDownloadChunkByChunk(t *testing.T) {
	skipBig(t)
	srv, _ := bigServer(t)
	h := newHarness(t, local())
	var got any
	var errStr string
	peak := heapPeak(t, func() {
		got, errStr = h.runFor(t, `(async () => {
			const r = await fetch("`+srv.URL+`/download");
			const rd = r.body.getReader();
			let n = 0, chunks = 0;
			for (;;) {
				const {done, value} = await rd.read();
				if (done) break;
				n += value.byteLength; chunks++;
			}
			return n + " " + (chunks > 1) + " " + r.headers.get("content-length");
		})()`, 3*time.Minute)
	})
	require.Empty(t, errStr)
	require.Equal(t, strconv.Itoa(bigSize)+" true "+strconv.Itoa(bigSize), got)
	t.Logf("peak heap growth during a 100 MiB chunked download: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(40<<20), "the download must not be buffered")
}

// TestDownloadGoSide takes the response body as a Go reader (as the
// runtime does for `return fetch(...)`) and reads it with a small buffer.
func TestDownloadGoSide(t *testing.T) {
	skipBig(t)
	srv, _ := bigServer(t)
	h := newHarness(t, local())
	var n int64
	peak := heapPeak(t, func() {
		done := make(chan string, 1)
		go func() {
			_, errStr := h.runFor(t, `(async () => {
				const r = await fetch("`+srv.URL+`/download");
				__take(r);
				await __hold(); // keep the request alive until Go has read the body
			})()`, 3*time.Minute)
			done <- errStr
		}()
		var rc io.ReadCloser
		select {
		case rc = <-h.taken:
		case <-time.After(time.Minute):
			t.Fatal("no body taken")
		}
		buf := make([]byte, 16<<10)
		for {
			k, err := rc.Read(buf)
			n += int64(k)
			if err != nil {
				require.Equal(t, io.EOF, err)
				break
			}
		}
		_ = rc.Close()
		close(h.release)
		require.Empty(t, <-done)
	})
	require.Equal(t, int64(bigSize), n)
	t.Logf("peak heap growth during a 100 MiB Go-side download: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(24<<20), "the download must not be buffered")
}
