// Command gateway mounts a routine in front of an httputil.ReverseProxy:
// the script adds headers and answers /edge itself; everything else passes
// through to the origin (which this example also starts, on 127.0.0.1:9090).
package main

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/workerhost/workerhost/runtime"
)

const script = `
addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.pathname === '/edge') {
    event.respondWith(new Response('answered at the edge\n', { headers: { 'x-edge': '1' } }));
    return;
  }
  // Not calling respondWith forwards the request to the origin.
  // passThroughOnException sends it there too if this script throws.
  event.passThroughOnException();
});`

func main() {
	origin := http.NewServeMux()
	origin.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "origin saw %s %s\n", r.Method, r.URL.Path)
	})
	go func() { log.Fatal(http.ListenAndServe("127.0.0.1:9090", origin)) }()

	u, _ := url.Parse("http://127.0.0.1:9090")
	routine, err := runtime.New(script, runtime.Options{Name: "gateway", Origin: httputil.NewSingleHostReverseProxy(u)})
	if err != nil {
		log.Fatal(err)
	}
	log.Println("gateway on http://127.0.0.1:8080 (try /edge and /anything)")
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", routine))
}
