package fileapi

import (
	"math"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// ProgressEvent is the Go side of the XMLHttpRequest Standard's
// ProgressEvent (https://xhr.spec.whatwg.org/#interface-progressevent),
// which FileReader fires. Make one from Go with NewProgressEvent.
type ProgressEvent struct {
	dom.Event
	lengthComputable bool
	loaded, total    float64 // unsigned long long values, exact below 2^53
}

// LengthComputable returns the lengthComputable attribute.
func (e *ProgressEvent) LengthComputable() bool { return e.lengthComputable }

// Loaded returns the loaded attribute.
func (e *ProgressEvent) Loaded() float64 { return e.loaded }

// Total returns the total attribute.
func (e *ProgressEvent) Total() float64 { return e.total }

// readerState is the per-realm FileReader and ProgressEvent interfaces.
type readerState struct {
	progress *realm.Class
	reader   *realm.Class
}

var readerKey = realm.NewKey[*readerState]()

func getReaderState(r *realm.Realm) *readerState {
	if s := readerKey.Get(r); s != nil {
		return s
	}
	s := &readerState{}
	readerKey.Set(r, s)
	s.progress = installProgressEvent(r)
	s.reader = makeFileReaderClass(r, s)
	return s
}

// NewProgressEvent creates a trusted, initialized ProgressEvent object
// (not bubbling, not cancelable) from Go, bound to the current request
// context, ready for dom.Dispatch. Call it on the loop goroutine.
func NewProgressEvent(r *realm.Realm, typ string, lengthComputable bool, loaded, total uint64) (*goja.Object, *ProgressEvent) {
	e := &ProgressEvent{lengthComputable: lengthComputable, loaded: float64(loaded), total: float64(total)}
	e.Bind(r)
	e.Init(typ, false, false)
	e.SetTrusted(true)
	return getReaderState(r).progress.Wrap(e), e
}

// toUnsignedLongLong is WebIDL's conversion to unsigned long long (no
// [Clamp] or [EnforceRange]): NaN and infinities become 0, the value is
// truncated and wrapped modulo 2^64.
func toUnsignedLongLong(v goja.Value) float64 {
	x := v.ToFloat()
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	x = math.Trunc(x)
	if x >= 0 && x < 1<<64 {
		return x
	}
	x = math.Mod(x, 1<<64)
	if x < 0 {
		x += 1 << 64
	}
	return x
}

func installProgressEvent(r *realm.Realm) *realm.Class {
	vm := r.VM()
	var c *realm.Class
	this := func(call goja.FunctionCall) *ProgressEvent {
		return realm.This[*ProgressEvent](r, call, "ProgressEvent")
	}
	c = r.NewClassExact("ProgressEvent", 1, func(call goja.ConstructorCall) *goja.Object {
		r.RequireArgs(len(call.Arguments), 1, "ProgressEvent", "")
		typ := r.ToJSString(call.Argument(0)).String()
		dict := dictionary(r, call.Argument(1), "Failed to construct 'ProgressEvent'", "ProgressEventInit")
		// Members in WebIDL order: the inherited EventInit ones first, each
		// dictionary's in lexicographic order.
		bubbles := boolMember(dict, "bubbles")
		cancelable := boolMember(dict, "cancelable")
		composed := boolMember(dict, "composed")
		e := &ProgressEvent{}
		e.lengthComputable = boolMember(dict, "lengthComputable")
		if v := member(dict, "loaded"); v != nil {
			e.loaded = toUnsignedLongLong(v)
		}
		if v := member(dict, "total"); v != nil {
			e.total = toUnsignedLongLong(v)
		}
		e.Bind(r)
		e.Init(typ, bubbles, cancelable)
		e.SetComposed(composed)
		return c.WrapFor(call, e)
	}, dom.EventClass(r))
	c.Getter("lengthComputable", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).lengthComputable)
	})
	c.Getter("loaded", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).loaded)
	})
	c.Getter("total", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).total)
	})
	return c
}

// boolMember reads a boolean dictionary member (false when absent).
func boolMember(dict *goja.Object, name string) bool {
	v := member(dict, name)
	return v != nil && v.ToBoolean()
}
