package streams

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

//go:embed streams.js
var streamsSource string

// program is the compiled streams.js, shared by every realm of the process.
var program = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("workerhost:streams.js", streamsSource, true)
})

// globalNames are the interfaces Install exposes, in definition order.
var globalNames = []string{
	"ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
	"ReadableByteStreamController", "ReadableStreamDefaultController",
	"WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController",
	"TransformStream", "TransformStreamDefaultController",
	"ByteLengthQueuingStrategy", "CountQueuingStrategy",
	"TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream",
}

// realmSym marks ReadableStream.prototype of each realm with a Go value that
// leads back to the realm's state, so that functions given only a
// goja.Value (IsReadableStream, TakeGoSource, ...) can find it.
var realmSym = goja.NewSymbol("workerhost.streams")

// realmTag is what realmSym holds. It has no exported fields or methods, so
// script sees an empty object.
type realmTag struct{ st *state }

// state is the per-realm instance of the streams program.
type state struct {
	r        *realm.Realm
	globals  *goja.Object
	isRS     goja.Callable
	isLocked goja.Callable
	isDist   goja.Callable
	newGo    goja.Callable
	deliver  goja.Callable
	goToken  goja.Callable
	takeGo   goja.Callable
	takeLazy goja.Callable
	fromB    goja.Callable
	acquire  goja.Callable
	read     goja.Callable
	readAll  goja.Callable
	cancel   goja.Callable
	tee      goja.Callable
	cancelS  goja.Callable
	failed   error
	complete bool
	assigned map[string]bool // globals that script overwrote before init
}

var stateKey = realm.NewKey[*state]()

// Install defines the stream globals in r. It is cheap: each global is an
// accessor that runs the streams program the first time any of them is
// touched, after which all of them are replaced by ordinary data properties
// (writable, configurable, not enumerable, as WebIDL says).
func Install(r *realm.Realm) {
	if stateKey.Get(r) != nil {
		return
	}
	st := &state{r: r}
	stateKey.Set(r, st)
	vm := r.VM()
	g := vm.GlobalObject()
	for _, name := range globalNames {
		// One native serves as both getter (called with no argument) and
		// setter (called with one), which halves the cost of Install.
		acc := vm.ToValue(func(call goja.FunctionCall) goja.Value {
			if len(call.Arguments) == 0 {
				st.mustInit()
				return st.globals.Get(name)
			}
			if st.assigned == nil {
				st.assigned = map[string]bool{}
			}
			st.assigned[name] = true
			_ = g.DefineDataProperty(name, call.Argument(0), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
			return goja.Undefined()
		})
		_ = g.DefineAccessorProperty(name, acc, acc, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}

// get returns r's initialized state, installing the package if needed.
func get(r *realm.Realm) *state {
	st := stateKey.Get(r)
	if st == nil {
		Install(r)
		st = stateKey.Get(r)
	}
	st.mustInit()
	return st
}

// mustInit runs the program once; failures become a JS TypeError.
func (st *state) mustInit() {
	if st.complete {
		return
	}
	if st.failed == nil {
		st.failed = st.init()
	}
	if st.failed != nil {
		panic(st.r.NewTypeError("streams are unavailable: " + st.failed.Error()))
	}
}

func (st *state) init() error {
	prog, err := program()
	if err != nil {
		return err
	}
	vm := st.r.VM()
	fv, err := vm.RunProgram(prog)
	if err != nil {
		return err
	}
	fn, ok := goja.AssertFunction(fv)
	if !ok {
		return fmt.Errorf("streams.js did not evaluate to a function")
	}
	res, err := fn(goja.Undefined(), st.natives())
	if err != nil {
		return err
	}
	out := res.ToObject(vm)
	st.globals = out.Get("globals").ToObject(vm)
	api := out.Get("api").ToObject(vm)
	for _, f := range []struct {
		name string
		dst  *goja.Callable
	}{
		{"isReadableStream", &st.isRS}, {"isLocked", &st.isLocked}, {"isDisturbed", &st.isDist},
		{"newGoStream", &st.newGo}, {"deliver", &st.deliver}, {"goToken", &st.goToken},
		{"takeGo", &st.takeGo}, {"takeLazy", &st.takeLazy}, {"fromBytes", &st.fromB}, {"acquire", &st.acquire},
		{"read", &st.read}, {"readAll", &st.readAll}, {"cancel", &st.cancel},
		{"tee", &st.tee}, {"cancelStream", &st.cancelS},
	} {
		c, ok := goja.AssertFunction(api.Get(f.name))
		if !ok {
			return fmt.Errorf("streams.js api.%s is missing", f.name)
		}
		*f.dst = c
	}
	g := vm.GlobalObject()
	for _, name := range globalNames {
		if st.assigned[name] {
			continue
		}
		_ = g.DefineDataProperty(name, st.globals.Get(name), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	rsProto := st.globals.Get("ReadableStream").ToObject(vm).Get("prototype").ToObject(vm)
	_ = rsProto.DefineDataPropertySymbol(realmSym, vm.ToValue(&realmTag{st: st}), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	st.complete = true
	return nil
}

// call invokes a JS API function and rethrows its exception as a JS panic
// (the caller is a native or a Go bridge that converts it).
func (st *state) call(fn goja.Callable, args ...goja.Value) goja.Value {
	v, err := fn(goja.Undefined(), args...)
	if err != nil {
		if ex, ok := err.(*goja.Exception); ok {
			panic(ex.Value())
		}
		panic(err)
	}
	return v
}

// tryCall invokes a JS API function and returns its exception, if any, as a
// JS value.
func (st *state) tryCall(fn goja.Callable, args ...goja.Value) (goja.Value, goja.Value) {
	v, err := fn(goja.Undefined(), args...)
	if err != nil {
		if ex, ok := err.(*goja.Exception); ok {
			return nil, ex.Value()
		}
		return nil, st.r.NewTypeError(err.Error())
	}
	return v, nil
}

// stateOf finds the realm state behind a value made by this package. It never
// panics: a Proxy whose trap throws simply yields nil.
func stateOf(v goja.Value) (st *state) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			if _, isEx := p.(*goja.Exception); !isEx {
				panic(p)
			}
			st = nil
		}
	}()
	tv, ok := o.GetSymbol(realmSym).(*goja.Object)
	if !ok {
		return nil
	}
	tag, ok := tv.Export().(*realmTag)
	if !ok {
		return nil
	}
	return tag.st
}

// natives are the Go functions streams.js uses for byte work.
func (st *state) natives() *goja.Object {
	r := st.r
	vm := r.VM()
	n := vm.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) {
		_ = n.Set(name, fn)
	}
	_ = n.Set("AsyncIteratorPrototype", r.AsyncIteratorPrototype())
	set("isDetached", func(call goja.FunctionCall) goja.Value {
		ab, ok := arrayBuffer(call.Argument(0))
		return vm.ToValue(ok && ab.Detached())
	})
	set("isArrayBuffer", func(call goja.FunctionCall) goja.Value {
		_, ok := arrayBuffer(call.Argument(0))
		return vm.ToValue(ok)
	})
	set("transfer", func(call goja.FunctionCall) goja.Value {
		ab, ok := arrayBuffer(call.Argument(0))
		if !ok {
			panic(r.NewTypeError("Cannot transfer a value that is not an ArrayBuffer"))
		}
		if ab.Detached() {
			panic(r.NewTypeError("Cannot transfer a detached ArrayBuffer"))
		}
		b := ab.Bytes()
		ab.Detach()
		return vm.ToValue(vm.NewArrayBuffer(b))
	})
	set("copy", func(call goja.FunctionCall) goja.Value {
		dst, ok1 := arrayBuffer(call.Argument(0))
		src, ok2 := arrayBuffer(call.Argument(2))
		if !ok1 || !ok2 {
			panic(r.NewTypeError("copy: not an ArrayBuffer"))
		}
		dOff, sOff, cnt := call.Argument(1).ToInteger(), call.Argument(3).ToInteger(), call.Argument(4).ToInteger()
		db, sb := dst.Bytes(), src.Bytes()
		if dOff < 0 || sOff < 0 || cnt < 0 || dOff+cnt > int64(len(db)) || sOff+cnt > int64(len(sb)) {
			panic(r.NewError("RangeError", "copy: out of bounds"))
		}
		copy(db[dOff:dOff+cnt], sb[sOff:sOff+cnt])
		return goja.Undefined()
	})
	set("newCodec", func(call goja.FunctionCall) goja.Value {
		return newCodecObject(r, call.Argument(0).String(), call.Argument(1).ToBoolean())
	})
	// AbortSignal, for pipeTo's signal option: a brand check and the
	// signal's state, read from its Go side so that nothing script can
	// patch (or a forged Object.create(AbortSignal.prototype)) is involved.
	// checkAbortSignal throws a TypeError unless its argument is an
	// AbortSignal usable by the current request (as the signal's own
	// members would).
	set("checkAbortSignal", func(call goja.FunctionCall) goja.Value {
		s, ok := dom.SignalFrom(call.Argument(0))
		if !ok {
			panic(r.NewTypeError("The pipe options signal must be an AbortSignal"))
		}
		s.CheckOwner(r, "AbortSignal")
		return goja.Undefined()
	})
	set("signalAborted", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(mustSignal(r, call.Argument(0)).Aborted())
	})
	set("signalReason", func(call goja.FunctionCall) goja.Value {
		if reason := mustSignal(r, call.Argument(0)).Reason(); reason != nil {
			return reason
		}
		return goja.Undefined()
	})
	// signalAdd(signal, f) adds f as an abort algorithm of signal and
	// returns the function that removes it.
	set("signalAdd", func(call goja.FunctionCall) goja.Value {
		s := mustSignal(r, call.Argument(0))
		f, ok := goja.AssertFunction(call.Argument(1))
		if !ok {
			panic(r.NewTypeError("signalAdd: not a function"))
		}
		remove := s.AddAlgorithm(func(goja.Value) {
			if _, err := f(goja.Undefined()); err != nil {
				// The algorithm does not throw; an interrupt must still
				// take effect.
				var ie *goja.InterruptedError
				if errors.As(err, &ie) {
					r.Interrupt(ie.Value())
				}
			}
		})
		return vm.ToValue(func(goja.FunctionCall) goja.Value {
			remove()
			return goja.Undefined()
		})
	})
	return n
}

func mustSignal(r *realm.Realm, v goja.Value) *dom.AbortSignal {
	s, ok := dom.SignalFrom(v)
	if !ok {
		panic(r.NewTypeError("not an AbortSignal"))
	}
	return s
}

func arrayBuffer(v goja.Value) (goja.ArrayBuffer, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return goja.ArrayBuffer{}, false
	}
	ab, ok := o.Export().(goja.ArrayBuffer)
	return ab, ok
}

// bytesOf returns the bytes (ab, off, n) name, as passed by streams.js.
func bytesOf(r *realm.Realm, abv, offv, nv goja.Value) []byte {
	ab, ok := arrayBuffer(abv)
	if !ok {
		panic(r.NewTypeError("expected an ArrayBuffer"))
	}
	b := ab.Bytes()
	off, n := offv.ToInteger(), nv.ToInteger()
	if off < 0 || n < 0 || off+n > int64(len(b)) {
		panic(r.NewTypeError("the chunk's buffer is detached or too small"))
	}
	return b[off : off+n]
}
