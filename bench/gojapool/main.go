// Command gojapool is the W3 comparator: the same JS (bench/handler.js's
// renderTable) on a bare pool of goja VMs, with no Web API layer. The
// workerhost W3 figure is compared against it to isolate host overhead.
package main

import (
	"io"
	"net/http"
	"os"
	"runtime"

	"github.com/dop251/goja"
)

const src = `
function fnv(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
function renderTable(seed) {
  let html = "<table>";
  for (let i = 0; i < 200; i++) {
    html += "<tr><td>" + i + "</td><td>item-" + (i * seed % 97) + "</td><td>" + (i * 3.25).toFixed(2) + "</td></tr>";
  }
  html += "</table>";
  return html + "<!--" + fnv(html) + "-->";
}
renderTable`

func main() {
	prog := goja.MustCompile("handler.js", src, false)
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
