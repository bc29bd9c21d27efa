// Package dom implements the DOM Standard interfaces a worker has:
// DOMException (WebIDL), Event, CustomEvent, EventTarget, AbortController and
// AbortSignal (https://dom.spec.whatwg.org/).
//
// Install defines the globals. Everything else is the Go API that other Web
// API packages build on; all of it must be used on the realm's loop
// goroutine.
//
// Events from Go. NewEvent creates an initialized Event; SetTrusted marks a
// host event (isTrusted). To define another event interface, embed Event in
// a struct, make its class with EventClass(r) as parent, and initialize
// instances with (*Event).Init; every Event accessor and method works on it
// because they accept any EventObject. Dispatch fires an event at a target
// and returns !defaultPrevented; listener exceptions are reported with
// ReportException ("Uncaught ..." on the realm's logger), never returned.
//
// Event targets from Go. NewEventTarget creates a plain target. To define
// another target interface, embed EventTarget and use EventTargetClass(r)
// as parent; DefineEventHandler adds on<type> attributes. ExposeEventTarget
// turns a non-host object, such as the global scope, into an event target
// (addEventListener('fetch', ...) in a service worker). An EventTarget has
// no parent: the event path is the target alone.
//
// Abort signals from Go. NewAbortSignal creates a signal (request.signal),
// Abort aborts it, Aborted and Reason read it, AddAlgorithm registers a Go
// callback run synchronously on abort (cancel a Go request there, and call
// the returned remove function when the request completes), SignalFrom
// reads a script value (the signal option of fetch).
//
// Request binding. Objects are bound to the request that created them
// (realm.Host.Bind); addEventListener, removeEventListener, dispatchEvent,
// on<type> setters and AbortController.abort throw a TypeError when called
// from another request. Objects made during static initialization are
// shared by all requests. AbortSignal.timeout timers belong to the request
// that created them and are stopped when it ends; during initialization no
// timer is armed and the signal never times out.
package dom
