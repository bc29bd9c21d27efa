package runtime_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
)

const helloScript = `addEventListener('fetch', (event) => { event.respondWith(new Response('hello')); });`

// BenchmarkColdStart measures loading a routine (compile, isolate creation
// with every Web API installed, static init) and serving its first request.
func BenchmarkColdStart(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rt, err := runtime.New(helloScript, runtime.Options{Isolates: 1})
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		rt.Close()
	}
}

func BenchmarkW2APIInProcess(b *testing.B) {
	src, err := os.ReadFile("../bench/worker.js")
	if err != nil {
		b.Fatal(err)
	}
	body, err := os.ReadFile("../bench/post.json")
	if err != nil {
		b.Fatal(err)
	}
	rt, err := runtime.New(string(src), runtime.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "http://127.0.0.1/api/items", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code, rec.Body.String())
			}
		}
	})
}

// BenchmarkW3CPUInProcess runs bench/handler.js's /cpu (renderTable) through
// the host, sequentially, and the same function on a bare goja VM: the ratio
// of the two is the host's overhead on JS-bound work (issue target: ≤ 10%).
// (bench/worker.js is bench/handler.js plus the addEventListener line.)
func BenchmarkW3CPUInProcess(b *testing.B) {
	src, err := os.ReadFile("../bench/worker.js")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("host", func(b *testing.B) {
		// a CPU budget that a loaded machine cannot breach
		rt, err := runtime.New(string(src), runtime.Options{Isolates: 1, Limits: limits.Limits{CPUTime: 5 * time.Second}})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1/cpu", nil))
			if rec.Code != 200 || rec.Body.Len() < 5000 {
				b.Fatal(rec.Code, rec.Body.String())
			}
		}
	})
	b.Run("bare-goja", func(b *testing.B) {
		vm := goja.New()
		_ = vm.Set("addEventListener", func(string, goja.Value) {})
		v, err := vm.RunScript("handler.js", string(src)+"\nrenderTable")
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := goja.AssertFunction(v)
		seven := vm.ToValue(7)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			v, err := fn(goja.Undefined(), seven)
			if err != nil || len(v.String()) < 5000 {
				b.Fatal(err)
			}
		}
	})
}
