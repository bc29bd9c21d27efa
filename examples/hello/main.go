// Command hello is the smallest embedding: a script served on 127.0.0.1:8080.
package main

import (
	"log"
	"net/http"

	"github.com/workerhost/workerhost/runtime"
)

const script = `
addEventListener('fetch', (event) => {
  event.respondWith(new Response('hello from JS\n'));
});`

func main() {
	routine, err := runtime.New(script, runtime.Options{Name: "hello"})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", routine))
}
