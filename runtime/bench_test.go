package runtime_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"testing"

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
