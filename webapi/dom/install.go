package dom

import "github.com/workerhost/workerhost/internal/realm"

// Install defines the DOM globals (DOMException, Event, EventTarget,
// AbortController, AbortSignal, ...) in r.
func Install(r *realm.Realm) {
	domExceptionClass(r)
}
