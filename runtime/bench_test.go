package runtime_test

import (
	"net/http/httptest"
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
