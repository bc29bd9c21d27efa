package messaging

import (
	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// state is what the package keeps per realm, built once.
type state struct {
	r       *realm.Realm
	port    *realm.Class
	channel *realm.Class
	event   *realm.Class

	// freeze is the original Object.freeze (FrozenArray attributes).
	freeze goja.Callable
	// later queues a microtask that calls its argument; built on first use
	// (messages posted outside any request).
	later goja.Callable
}

var stateKey = realm.NewKey[*state]()

// Install defines MessageChannel, MessagePort and MessageEvent as globals of
// r. The interfaces are built once per realm; calling Install again only
// redefines the globals. It must run before any script (it captures
// Object.freeze).
func Install(r *realm.Realm) {
	s := getState(r)
	s.channel.Global()
	s.port.Global()
	s.event.Global()
}

func getState(r *realm.Realm) *state {
	if s := stateKey.Get(r); s != nil {
		return s
	}
	s := &state{r: r}
	stateKey.Set(r, s)
	if object, ok := r.VM().GlobalObject().Get("Object").(*goja.Object); ok {
		s.freeze, _ = goja.AssertFunction(object.Get("freeze"))
	}
	s.port = installPort(s)
	s.channel = installChannel(s)
	s.event = installMessageEvent(s)
	return s
}

// frozenArray makes the value of a FrozenArray<T> attribute.
func (s *state) frozenArray(items []*goja.Object) *goja.Object {
	vals := make([]any, len(items))
	for i, o := range items {
		vals[i] = o
	}
	arr := s.r.VM().NewArray(vals...)
	if s.freeze != nil {
		if _, err := s.freeze(goja.Undefined(), arr); err != nil {
			panic(err)
		}
	}
	return arr
}

// laterProgram builds the function that runs a Go callback from a promise
// job (see queueMicrotask in package timers): `await undefined` queues one
// job through the engine's own PerformPromiseThen.
var laterProgram = goja.MustCompile("workerhost:messaging-later", `(async function (f) { await undefined; f(); })`, true)

// microtask runs fn from a microtask of the code running now.
func (s *state) microtask(fn func()) {
	if s.later == nil {
		v, err := s.r.VM().RunProgram(laterProgram)
		if err != nil {
			panic(err)
		}
		s.later, _ = goja.AssertFunction(v)
	}
	f := s.r.VM().ToValue(func(goja.FunctionCall) goja.Value {
		fn()
		return goja.Undefined()
	})
	if _, err := s.later(goja.Undefined(), f); err != nil {
		panic(err)
	}
}
