package timers

import (
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Performance is the Go side of the `performance` object (High Resolution
// Time). Its clock is the realm's time origin.
type Performance struct {
	realm.Host
	st *state
}

func installPerformance(r *realm.Realm, st *state) {
	vm := r.VM()
	this := func(call goja.FunctionCall) *state {
		if call.This == st.perf {
			return st
		}
		return realm.This[*Performance](r, call, "Performance").st
	}
	c := r.NewClass("Performance", 0, nil, nil)
	c.Method("now", 0, func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).nowMs())
	})
	c.Getter("timeOrigin", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).originMs())
	})
	c.Method("toJSON", 0, func(call goja.FunctionCall) goja.Value {
		s := this(call)
		o := vm.NewObject()
		_ = o.Set("timeOrigin", s.originMs())
		return o
	})
	c.Global()
	st.perf = c.Wrap(&Performance{st: st})
	r.DefineGlobal("performance", st.perf)
}

// nowMs is performance.now(): milliseconds since the time origin, from the
// monotonic clock, with sub-millisecond precision.
func (st *state) nowMs() float64 {
	return float64(time.Since(st.origin)) / float64(time.Millisecond)
}

// originMs is performance.timeOrigin: the Unix time of the origin in ms.
func (st *state) originMs() float64 {
	return float64(st.origin.UnixNano()) / float64(time.Millisecond)
}

// Now returns performance.now() for r: milliseconds since r's time origin
// (a DOMHighResTimeStamp, for Event.timeStamp and the like).
func Now(r *realm.Realm) float64 { return stateOf(r).nowMs() }

// TimeOrigin returns performance.timeOrigin for r (Unix time in ms).
func TimeOrigin(r *realm.Realm) float64 { return stateOf(r).originMs() }
