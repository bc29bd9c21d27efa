package runtime_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/workerhost/workerhost/runtime"
)

// A script is loaded once and mounted as an http.Handler.
func Example() {
	routine, err := runtime.New(`
		addEventListener('fetch', (event) => {
			event.respondWith(new Response('hello ' + event.request.method));
		});`, runtime.Options{Name: "example"})
	if err != nil {
		panic(err)
	}
	defer routine.Close()

	rec := httptest.NewRecorder()
	routine.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 hello GET
}

// Load errors carry the position in the script.
func ExampleNew_syntaxError() {
	_, err := runtime.New("addEventListener('fetch', e => {\n  let x = ;\n})", runtime.Options{Filename: "worker.js"})
	fmt.Println(err)
	// Output: worker.js:2:11: syntax error: Unexpected token ;
}
