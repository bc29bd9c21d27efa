// Package workerhost runs service-worker-style JavaScript handlers — the
// programming model of Alibaba EdgeRoutine and Cloudflare Workers — inside
// any Go program.
//
// A script registers a fetch listener during its static initialization:
//
//	addEventListener('fetch', (event) => {
//		event.respondWith(new Response('hello'));
//	});
//
// and runtime.New turns it into an http.Handler:
//
//	routine, err := runtime.New(script, runtime.Options{})
//	http.ListenAndServe("127.0.0.1:8080", routine)
//
// The packages:
//
//   - runtime: routines, the isolate pool, fetch-event dispatch, the http.Handler.
//   - runtime/runtimetest: test scripts from `go test` without a network.
//   - webapi: Headers, Request, Response, FetchEvent and the body mixin; its
//     subpackages hold URL, encoding, DOM events and abort, timers,
//     structuredClone, console and Web Crypto.
//   - streams: WHATWG streams and the Go⇄JS stream bridges.
//   - limits: CPU, wall-time, memory, size and subrequest budgets.
//
// See ARCHITECTURE.md for how a request flows through them.
package workerhost
