package runtimetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/workerhost/workerhost/runtime"
	"github.com/workerhost/workerhost/runtime/runtimetest"
)

// Test a script file from a Go test: load it, send requests, assert.
func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "worker")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "worker.js")
	_ = os.WriteFile(path, []byte(`
		addEventListener('fetch', (event) => {
			event.respondWith((async () => {
				const body = await event.request.json();
				return Response.json({ sum: body.a + body.b });
			})());
		});`), 0o644)

	t := &testing.T{} // in a real test, use the *testing.T you are given
	w := runtimetest.Load(t, path, runtime.Options{})
	res := w.Post("/add", "application/json", `{"a": 2, "b": 3}`)
	fmt.Println(res.StatusCode, res.Header.Get("Content-Type"), res.Text)
	// Output: 200 application/json {"sum":5}
}
