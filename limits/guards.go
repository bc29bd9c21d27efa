package limits

import (
	"math"
	"strconv"

	"github.com/dop251/goja"
)

// Guards are checks wrapped around the built-ins that can allocate an
// unbounded amount of memory in one native call, where no interrupt can
// stop them (goja runs a built-in to completion): String.prototype.repeat,
// padStart, padEnd, Array.prototype.join and fill, Array.from, the
// ArrayBuffer and typed-array constructors. A call whose result would
// exceed maxBytes (Limits.MaxAllocation) throws a catchable RangeError
// instead. Install them before any script runs.
//
// This bounds what one call can take; growth through many small steps is
// bounded by the CPU budget and the memory watchdog.
func InstallGuards(vm *goja.Runtime, maxBytes int64) error {
	if maxBytes <= 0 {
		return nil
	}
	g := &guards{vm: vm, max: maxBytes}
	if ex := vm.Try(func() { g.install() }); ex != nil {
		return ex
	}
	return nil
}

type guards struct {
	vm  *goja.Runtime
	max int64
}

func (g *guards) rangeError(what string, n float64) {
	ctor := g.vm.Get("RangeError").(*goja.Object)
	e, _ := g.vm.New(ctor, g.vm.ToValue(what+": the result ("+formatBytes(n)+") would exceed the memory limit of one allocation ("+formatBytes(float64(g.max))+")"))
	panic(e)
}

func formatBytes(n float64) string {
	switch {
	case n >= 1<<30:
		return ftoa(n/(1<<30)) + " GiB"
	case n >= 1<<20:
		return ftoa(n/(1<<20)) + " MiB"
	case n >= 1<<10:
		return ftoa(n/(1<<10)) + " KiB"
	}
	return ftoa(n) + " bytes"
}

func ftoa(f float64) string {
	if f > 1e15 {
		return "a huge number of"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// wrap replaces obj[name] with a native that runs check(this, args) and
// then calls the original.
func (g *guards) wrap(obj *goja.Object, name string, check func(this goja.Value, args []goja.Value)) {
	orig, ok := goja.AssertFunction(obj.Get(name))
	if !ok {
		return
	}
	length := obj.Get(name).ToObject(g.vm).Get("length")
	fn := g.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		check(call.This, call.Arguments)
		v, err := orig(call.This, call.Arguments...)
		if err != nil {
			panic(err)
		}
		return v
	}).(*goja.Object)
	_ = fn.DefineDataProperty("name", g.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = fn.DefineDataProperty("length", length, goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = obj.DefineDataProperty(name, fn, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// strLen is the length of ToString(v) without converting huge values twice.
func strLen(v goja.Value) float64 {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	if s, ok := v.Export().(string); ok {
		return float64(len(s))
	}
	return float64(len(v.String()))
}

func num(v goja.Value, def float64) float64 {
	if v == nil || goja.IsUndefined(v) {
		return def
	}
	f := v.ToFloat()
	if math.IsNaN(f) {
		return 0
	}
	return f
}

func (g *guards) install() {
	vm := g.vm
	strProto := vm.Get("String").(*goja.Object).Get("prototype").(*goja.Object)
	// A JS string may take 2 bytes per code unit.
	g.wrap(strProto, "repeat", func(this goja.Value, args []goja.Value) {
		n := strLen(this) * num(argAt(args, 0), 0) * 2
		if n > float64(g.max) {
			g.rangeError("String.prototype.repeat", n)
		}
	})
	pad := func(name string) {
		g.wrap(strProto, name, func(this goja.Value, args []goja.Value) {
			n := num(argAt(args, 0), 0) * 2
			if n > float64(g.max) {
				g.rangeError("String.prototype."+name, n)
			}
		})
	}
	pad("padStart")
	pad("padEnd")
	arrProto := vm.Get("Array").(*goja.Object).Get("prototype").(*goja.Object)
	g.wrap(arrProto, "join", func(this goja.Value, args []goja.Value) {
		o, ok := this.(*goja.Object)
		if !ok {
			return
		}
		n := num(o.Get("length"), 0)
		sep := 1.0
		if s := argAt(args, 0); s != nil && !goja.IsUndefined(s) {
			sep = strLen(s)
		}
		if est := n * sep * 2; est > float64(g.max) {
			g.rangeError("Array.prototype.join", est)
		}
	})
	g.wrap(arrProto, "fill", func(this goja.Value, args []goja.Value) {
		o, ok := this.(*goja.Object)
		if !ok {
			return
		}
		// Filling a sparse array makes it dense: 16 bytes per slot at least.
		if est := num(o.Get("length"), 0) * 16; est > float64(g.max) {
			g.rangeError("Array.prototype.fill", est)
		}
	})
	arr := vm.Get("Array").(*goja.Object)
	g.wrap(arr, "from", func(this goja.Value, args []goja.Value) {
		if o, ok := argAt(args, 0).(*goja.Object); ok {
			if est := num(o.Get("length"), 0) * 16; est > float64(g.max) {
				g.rangeError("Array.from", est)
			}
		}
	})
	g.guardCtors()
}

// ctorGuard makes the replacement of one constructor: a function that
// checks the first argument and constructs the original with
// Reflect.construct (so new.target and subclasses work). The rest of the
// wrapping is done from Go (cheaper than in JS at every isolate start).
// goja's Proxy cannot be used because instanceof rejects proxies of
// functions.
var ctorGuard = goja.MustCompile("workerhost:guard", `(function (Target, i, check) {
  const Guarded = function () {
    if (new.target === undefined) return Target.apply(undefined, arguments);
    check(i, arguments[0]);
    return Reflect.construct(Target, arguments, new.target === Guarded ? Target : new.target);
  };
  return Guarded;
})`, true)

var guardedCtors = []struct {
	name string
	size float64
}{{"ArrayBuffer", 1}, {"Int8Array", 1}, {"Uint8Array", 1}, {"Uint8ClampedArray", 1}, {"Int16Array", 2}, {"Uint16Array", 2},
	{"Int32Array", 4}, {"Uint32Array", 4}, {"Float32Array", 4}, {"Float64Array", 8}, {"BigInt64Array", 8}, {"BigUint64Array", 8}}

// guardCtors wraps the ArrayBuffer and typed-array constructors. Each
// guard shares the original's prototype (instanceof and x.constructor keep
// working) and its static properties.
func (g *guards) guardCtors() {
	vm := g.vm
	mk, err := vm.RunProgram(ctorGuard)
	if err != nil {
		panic(err)
	}
	factory, _ := goja.AssertFunction(mk)
	check := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		c := guardedCtors[call.Argument(0).ToInteger()]
		a := call.Argument(1)
		if _, isObj := a.(*goja.Object); !isObj && !goja.IsUndefined(a) {
			if n := num(a, 0) * c.size; n > float64(g.max) {
				g.rangeError("new "+c.name, n)
			}
		}
		return goja.Undefined()
	})
	global := vm.GlobalObject()
	for i, c := range guardedCtors {
		target, ok := global.Get(c.name).(*goja.Object)
		if !ok {
			continue
		}
		gv, err := factory(goja.Undefined(), target, vm.ToValue(i), check)
		if err != nil {
			panic(err)
		}
		guarded := gv.(*goja.Object)
		for _, k := range target.GetOwnPropertyNames() {
			if k == "prototype" {
				continue
			}
			// Statics: name and length are configurable, the rest
			// (BYTES_PER_ELEMENT, isView) keep the original's value.
			_ = guarded.DefineDataProperty(k, target.Get(k), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		}
		_ = guarded.SetPrototype(target.Prototype())
		proto := target.Get("prototype")
		_ = guarded.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
		if po, ok := proto.(*goja.Object); ok {
			_ = po.DefineDataProperty("constructor", guarded, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		}
		_ = global.DefineDataProperty(c.name, guarded, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}

func argAt(args []goja.Value, i int) goja.Value {
	if i < len(args) {
		return args[i]
	}
	return nil
}
