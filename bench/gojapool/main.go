// Command gojapool is the W3 comparator: the same JS (bench/handler.js's
// renderTable) on a bare pool of goja VMs, with no Web API layer. The
// workerhost W3 figure is compared against it to isolate host overhead.
//
//	gojapool [addr [path/to/handler.js]]
package main

import (
	"io"
	"net/http"
	"os"
	"runtime"

	"github.com/dop251/goja"
)

func main() {
	// The W3 code of bench/handler.js runs unchanged; only renderTable is called.
	path := "bench/handler.js"
	if len(os.Args) > 2 {
		path = os.Args[2]
	}
	src, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	prog := goja.MustCompile("handler.js", string(src)+"\nrenderTable", false)
	seven := goja.New().ToValue(7)
	pool := make(chan goja.Callable, runtime.GOMAXPROCS(0))
	for i := 0; i < cap(pool); i++ {
		vm := goja.New()
		v, err := vm.RunProgram(prog)
		if err != nil {
			panic(err)
		}
		fn, _ := goja.AssertFunction(v)
		pool <- fn
	}
	http.HandleFunc("/cpu", func(w http.ResponseWriter, r *http.Request) {
		fn := <-pool
		v, err := fn(goja.Undefined(), seven)
		pool <- fn
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("content-type", "text/html")
		io.WriteString(w, v.String())
	})
	addr := "127.0.0.1:9400"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	http.ListenAndServe(addr, nil)
}
