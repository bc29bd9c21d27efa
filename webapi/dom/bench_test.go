package dom_test

import (
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

// BenchmarkNewEventAndSignal measures what every HTTP request pays: an Event
// and an AbortSignal created from Go.
func BenchmarkNewEventAndSignal(b *testing.B) {
	e := jstest.New(b, dom.Install)
	e.Do(func() {
		r := e.R
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, ev := dom.NewEvent(r, "fetch", false, false)
			ev.SetTrusted(true)
			_, s := dom.NewAbortSignal(r)
			if s.Aborted() {
				b.Fatal("aborted")
			}
		}
	})
}

// BenchmarkDispatchFromGo measures a host-dispatched event reaching one JS
// listener.
func BenchmarkDispatchFromGo(b *testing.B) {
	e := jstest.New(b, dom.Install)
	e.RunInit(`globalThis.tgt = new EventTarget(); globalThis.n = 0; tgt.addEventListener('fetch', (e) => { n++ })`)
	e.Do(func() {
		r := e.R
		tgt := r.VM().Get("tgt").(*goja.Object)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			obj, ev := dom.NewEvent(r, "fetch", false, false)
			ev.SetTrusted(true)
			if _, err := dom.Dispatch(r, tgt, obj); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAbortUnobserved measures aborting a signal nobody listens to (the
// usual fate of request.signal): no event object is created.
func BenchmarkAbortUnobserved(b *testing.B) {
	e := jstest.New(b, dom.Install)
	e.Do(func() {
		r := e.R
		reason := r.VM().ToValue("done")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, s := dom.NewAbortSignal(r)
			s.Abort(r, reason)
		}
	})
}
