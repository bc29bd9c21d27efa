package structuredclone

import (
	"strconv"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// The intrinsics programs collect the built-ins the clone needs to read
// internal slots goja has no Go API for (Map and Set entries, RegExp source
// and flags, typed array views) and to create objects of built-in types. The
// getters are the brand-checking natives from the prototypes, called with the
// object as receiver, so own properties of the object being cloned cannot
// interfere. They are captured on first need, in two groups, because making
// goja build these built-ins costs a realm noticeable time and memory (the
// typed array constructors most of all).
var intrinsicsProgram = goja.MustCompile("workerhost:structuredclone", `(function () {
  "use strict";
  const gopd = Object.getOwnPropertyDescriptor;
  const getter = (o, k) => gopd(o, k).get;
  const RE = RegExp.prototype;
  return [
    Map, Set, Date, RegExp,
    Map.prototype.forEach, Set.prototype.forEach, Map.prototype.set, Set.prototype.add,
    String.prototype.valueOf,
    getter(RE, "source"),
    getter(RE, "global"), getter(RE, "ignoreCase"), getter(RE, "multiline"),
    getter(RE, "dotAll"), getter(RE, "unicode"), getter(RE, "sticky"),
    gopd,
    { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError },
  ];
})()`, true)

var viewIntrinsicsProgram = goja.MustCompile("workerhost:structuredclone-views", `(function () {
  "use strict";
  const getter = (o, k) => Object.getOwnPropertyDescriptor(o, k).get;
  const TA = Object.getPrototypeOf(Uint8Array.prototype);
  const DV = DataView.prototype;
  return [
    DataView,
    getter(TA, Symbol.toStringTag), getter(TA, "buffer"), getter(TA, "byteOffset"), getter(TA, "length"),
    getter(DV, "buffer"), getter(DV, "byteOffset"), getter(DV, "byteLength"),
    { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
      Float32Array, Float64Array, BigInt64Array, BigUint64Array },
  ];
})()`, true)

// regexpFlags are the flags goja supports, in the order RegExp.prototype.flags
// lists them.
var regexpFlags = [...]byte{'g', 'i', 'm', 's', 'u', 'y'}

type intrinsics struct {
	mapCtor, setCtor, dateCtor, regexpCtor goja.Value

	mapForEach, setForEach, mapSet, setAdd goja.Callable
	stringValueOf                          goja.Callable
	reSource                               goja.Callable
	reFlags                                [len(regexpFlags)]goja.Callable
	getOwnPropertyDescriptor               goja.Callable
	errorCtors                             map[string]goja.Value

	// collector is the forEach callback that copies Map and Set entries
	// into entries.
	collector goja.Value
	entries   []goja.Value
	pairs     bool
}

type viewIntrinsics struct {
	dataViewCtor                            goja.Value
	taTag, taBuffer, taByteOffset, taLength goja.Callable
	dvBuffer, dvByteOffset, dvByteLength    goja.Callable
	typedArrayCtors                         map[string]goja.Value
}

var (
	intrinsicsKey     = realm.NewKey[*intrinsics]()
	viewIntrinsicsKey = realm.NewKey[*viewIntrinsics]()
)

// captured runs an intrinsics program and checks what it returned.
type captured struct {
	r    *realm.Realm
	list []goja.Value
}

func capture(r *realm.Realm, p *goja.Program, n int) captured {
	fail := func() { panic(r.NewTypeError("structuredClone: could not capture the built-ins it needs")) }
	v, err := r.VM().RunProgram(p)
	if err != nil {
		panic(err)
	}
	arr, ok := v.(*goja.Object)
	if !ok || arr.Get("length").ToInteger() != int64(n) {
		fail()
	}
	c := captured{r: r, list: make([]goja.Value, n)}
	for i := range c.list {
		c.list[i] = arr.Get(strconv.Itoa(i))
	}
	return c
}

func (c captured) fn(i int) goja.Callable {
	f, ok := goja.AssertFunction(c.list[i])
	if !ok {
		panic(c.r.NewTypeError("structuredClone: a built-in it needs is missing"))
	}
	return f
}

func (c captured) table(i int) map[string]goja.Value {
	o, _ := c.list[i].(*goja.Object)
	if o == nil {
		panic(c.r.NewTypeError("structuredClone: could not capture the built-ins it needs"))
	}
	m := map[string]goja.Value{}
	for _, k := range o.Keys() {
		m[k] = o.Get(k)
	}
	return m
}

// intrinsicsOf captures the built-ins for Map, Set, Date, RegExp, String and
// Error objects on first use in a realm. Once captured, they are immune to
// later changes to the globals and prototypes.
func intrinsicsOf(r *realm.Realm) *intrinsics {
	if in := intrinsicsKey.Get(r); in != nil {
		return in
	}
	c := capture(r, intrinsicsProgram, 18)
	in := &intrinsics{
		mapCtor: c.list[0], setCtor: c.list[1], dateCtor: c.list[2], regexpCtor: c.list[3],
		mapForEach: c.fn(4), setForEach: c.fn(5), mapSet: c.fn(6), setAdd: c.fn(7),
		stringValueOf:            c.fn(8),
		reSource:                 c.fn(9),
		getOwnPropertyDescriptor: c.fn(16),
		errorCtors:               c.table(17),
	}
	for i := range in.reFlags {
		in.reFlags[i] = c.fn(10 + i)
	}
	in.collector = r.Func("collect", 2, func(call goja.FunctionCall) goja.Value {
		if in.pairs {
			in.entries = append(in.entries, call.Argument(1), call.Argument(0))
		} else {
			in.entries = append(in.entries, call.Argument(0))
		}
		return goja.Undefined()
	})
	intrinsicsKey.Set(r, in)
	return in
}

// viewIntrinsicsOf captures the typed array and DataView built-ins.
func viewIntrinsicsOf(r *realm.Realm) *viewIntrinsics {
	if in := viewIntrinsicsKey.Get(r); in != nil {
		return in
	}
	c := capture(r, viewIntrinsicsProgram, 9)
	in := &viewIntrinsics{
		dataViewCtor: c.list[0],
		taTag:        c.fn(1), taBuffer: c.fn(2), taByteOffset: c.fn(3), taLength: c.fn(4),
		dvBuffer: c.fn(5), dvByteOffset: c.fn(6), dvByteLength: c.fn(7),
		typedArrayCtors: c.table(8),
	}
	viewIntrinsicsKey.Set(r, in)
	return in
}
