// Package ecma adds to a realm the ECMAScript built-ins that goja lacks and
// that Web API code and web-platform-tests rely on:
//
//   - ArrayBuffer.prototype.transfer, transferToFixedLength and the detached
//     getter (ES2024);
//   - SharedArrayBuffer, for a single agent: its instances are goja
//     ArrayBuffer objects (so every typed array constructor and DataView
//     accepts them) whose prototype is SharedArrayBuffer.prototype, branded on
//     the Go side (realm.IsSharedArrayBuffer) so that host code can tell them
//     from ArrayBuffers; ArrayBuffer.prototype's byteLength and slice refuse
//     them, as the spec says and goja's own brand check does not;
//   - Date.prototype.toGMTString (Annex B, which V8 and every browser
//     implement: the same function object as toUTCString);
//   - Atomics, on shared and non-shared integer typed arrays. The agent
//     cannot suspend ([[CanBlock]] is false, as on a browser's main thread),
//     so Atomics.wait throws a TypeError; Atomics.waitAsync and
//     Atomics.notify work within the isolate;
//   - Float16Array, Math.f16round and DataView.prototype.getFloat16 and
//     setFloat16 (ES2025). goja has no binary16 typed array: a Float16Array
//     is a Proxy over a Uint16Array that converts on element access (see
//     float16array.go); IsFloat16Array and Float16ArrayBytes let host code
//     recognise one.
//
// goja's ArrayBuffers are not resizable, so neither are these buffers:
// transfer() returns a fixed-length buffer, and a SharedArrayBuffer cannot
// be made growable (the constructor throws a RangeError when asked to).
// Buffers are allocated through the ArrayBuffer constructor, so the
// allocation guard (limits.InstallGuards) bounds them.
//
// SharedArrayBuffer, Atomics and Float16Array are built on first use (see
// lazyGlobal), as url and crypto build their interfaces.
package ecma

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

type state struct {
	r  *realm.Realm
	vm *goja.Runtime

	abCtor  *goja.Object // ArrayBuffer as installed (with its allocation guard)
	sabCtor *goja.Object
	u16Ctor *goja.Object // Uint16Array as installed (with its allocation guard)

	// ArrayBuffer.isView as goja defines it (the Float16Array global
	// replaces it once built).
	isView    goja.Callable
	isViewObj *goja.Object

	f16 *f16Realm // once the Float16Array global is built

	waiters map[waiterKey][]*waiter
}

var arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})

// Install defines SharedArrayBuffer, Atomics, Float16Array, Math.f16round,
// DataView.prototype.getFloat16 and setFloat16 and the ES2024 ArrayBuffer
// methods in r. Call it after the allocation guards (limits.InstallGuards):
// buffers are allocated through the ArrayBuffer constructor found then, so
// the guard bounds them too.
func Install(r *realm.Realm) {
	vm := r.VM()
	st := &state{r: r, vm: vm}
	st.abCtor, _ = vm.GlobalObject().Get("ArrayBuffer").(*goja.Object)
	if st.abCtor == nil {
		return
	}
	if o, ok := st.abCtor.Get("isView").(*goja.Object); ok {
		if fn, ok := goja.AssertFunction(o); ok {
			st.isView, st.isViewObj = fn, o
		}
	}
	st.installArrayBuffer()
	st.installDateAnnexB()
	st.installMathF16Round()
	st.installDataViewFloat16()
	st.lazyGlobal("SharedArrayBuffer", st.buildSharedArrayBuffer)
	st.lazyGlobal("Atomics", st.buildAtomics)
	st.u16Ctor, _ = vm.GlobalObject().Get("Uint16Array").(*goja.Object)
	if st.u16Ctor != nil && st.u16Ctor.Prototype() != nil && st.isView != nil {
		st.lazyGlobal("Float16Array", st.buildFloat16Array)
	}
}

// lazyGlobal defines the global name, whose value build makes on first
// read (as url and crypto do: building the two costs about 270
// allocations, 5% of BenchmarkColdStart, and few scripts use them). Until
// then the global is an accessor; reading it replaces it with the data
// property (writable, configurable, not enumerable) ECMAScript specifies,
// and assigning to it works as for that property.
func (st *state) lazyGlobal(name string, build func() *goja.Object) {
	var v *goja.Object
	get := st.fn("get "+name, 0, func(goja.FunctionCall) goja.Value {
		if v == nil {
			v = build()
		}
		st.r.DefineGlobal(name, v)
		return v
	})
	set := st.fn("set "+name, 1, func(call goja.FunctionCall) goja.Value {
		st.r.DefineGlobal(name, call.Argument(0))
		return goja.Undefined()
	})
	_ = st.vm.GlobalObject().DefineAccessorProperty(name, get, set, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// fn makes a built-in function object. Like realm.Func, but a length of
// 0 is left as goja sets it (Install runs at every isolate start).
func (st *state) fn(name string, length int, f func(goja.FunctionCall) goja.Value) *goja.Object {
	o := st.vm.ToValue(f).(*goja.Object)
	_ = o.DefineDataProperty("name", st.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	if length != 0 {
		_ = o.DefineDataProperty("length", st.vm.ToValue(length), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	return o
}

// method defines a built-in method: writable, configurable, not enumerable.
func (st *state) method(o *goja.Object, name string, length int, f func(goja.FunctionCall) goja.Value) {
	_ = o.DefineDataProperty(name, st.fn(name, length, f), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// getter defines a built-in accessor without setter: configurable, not
// enumerable.
func (st *state) getter(o *goja.Object, name string, f func(goja.FunctionCall) goja.Value) {
	_ = o.DefineAccessorProperty(name, st.fn("get "+name, 0, f), nil, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

func (st *state) toStringTag(o *goja.Object, tag string) {
	_ = o.DefineDataPropertySymbol(goja.SymToStringTag, st.vm.ToValue(tag), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// describe renders a receiver for error messages without calling script.
func (st *state) describe(v goja.Value) string {
	if st.r.IsSharedArrayBuffer(v) {
		return "#<SharedArrayBuffer>"
	}
	if st.f16 != nil && st.f16.of(v) != nil {
		return "#<Float16Array>"
	}
	return describe(v)
}

func describe(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	if o, ok := v.(*goja.Object); ok {
		if o.ExportType() == arrayBufferType {
			return "#<ArrayBuffer>"
		}
		return "#<" + o.ClassName() + ">"
	}
	if _, ok := v.(*goja.Symbol); ok {
		return "a Symbol"
	}
	return v.String()
}

// toIntegerOrInfinity is ECMAScript's ToIntegerOrInfinity (ToNumber throws
// for BigInts and Symbols).
func toIntegerOrInfinity(v goja.Value) float64 {
	if v == nil {
		return 0
	}
	f := v.ToNumber().ToFloat()
	if math.IsNaN(f) || f == 0 {
		return 0
	}
	return math.Trunc(f)
}

const maxSafeInteger = 1<<53 - 1

// toIndex is ECMAScript's ToIndex: a RangeError unless 0 ≤ n ≤ 2^53−1.
func (st *state) toIndex(v goja.Value, what string) int64 {
	if v == nil || goja.IsUndefined(v) {
		return 0
	}
	f := toIntegerOrInfinity(v)
	if f < 0 || f > maxSafeInteger {
		st.r.ThrowRangeError("%s: %s is not a valid index or length", what, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return int64(f)
}

// toPrimitiveNumber is ToPrimitive(v, number).
func (st *state) toPrimitiveNumber(v goja.Value) goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		return v
	}
	if ex := o.GetSymbol(goja.SymToPrimitive); ex != nil && !goja.IsUndefined(ex) && !goja.IsNull(ex) {
		f, ok := goja.AssertFunction(ex)
		if !ok {
			st.r.ThrowTypeError("Symbol.toPrimitive is not a function")
		}
		res := st.call(f, o, st.vm.ToValue("number"))
		if _, isObj := res.(*goja.Object); isObj {
			st.r.ThrowTypeError("Cannot convert object to primitive value")
		}
		return res
	}
	for _, name := range [...]string{"valueOf", "toString"} {
		if f, ok := goja.AssertFunction(o.Get(name)); ok {
			res := st.call(f, o)
			if _, isObj := res.(*goja.Object); !isObj {
				return res
			}
		}
	}
	st.r.ThrowTypeError("Cannot convert object to primitive value")
	return nil
}

// toBigInt is ECMAScript's ToBigInt: BigInts, booleans and numeric strings
// convert; Numbers, undefined, null and Symbols are a TypeError, a
// malformed string a SyntaxError.
func (st *state) toBigInt(v goja.Value) goja.Value {
	p := st.toPrimitiveNumber(v)
	if p == nil || goja.IsUndefined(p) || goja.IsNull(p) {
		st.r.ThrowTypeError("Cannot convert %s to a BigInt", describe(p))
	}
	if _, ok := p.(*goja.Symbol); ok {
		st.r.ThrowTypeError("Cannot convert a Symbol to a BigInt")
	}
	switch x := p.Export().(type) {
	case *big.Int:
		return p
	case bool:
		if x {
			return st.vm.ToValue(big.NewInt(1))
		}
		return st.vm.ToValue(big.NewInt(0))
	case string:
		n, ok := stringToBigInt(x)
		if !ok {
			panic(st.r.NewError("SyntaxError", "Cannot convert "+strconv.Quote(x)+" to a BigInt"))
		}
		return st.vm.ToValue(n)
	}
	st.r.ThrowTypeError("Cannot convert %s to a BigInt", p.String())
	return nil
}

// stringToBigInt is StringToBigInt: an optionally signed decimal integer,
// or an unsigned 0x, 0o or 0b literal, between white space; "" is 0.
func stringToBigInt(s string) (*big.Int, bool) {
	s = strings.TrimFunc(s, isJSSpace)
	n := new(big.Int)
	if s == "" {
		return n, true
	}
	base, digits, neg := 10, s, false
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 10 {
			digits = s[2:]
		}
	}
	if base == 10 && (s[0] == '+' || s[0] == '-') {
		neg, digits = s[0] == '-', s[1:]
	}
	if digits == "" {
		return nil, false
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		default:
			return nil, false
		}
		if d >= base {
			return nil, false
		}
	}
	n.SetString(digits, base)
	if neg {
		n.Neg(n)
	}
	return n, true
}

// isJSSpace is ECMAScript's WhiteSpace or LineTerminator.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', ' ', 0xA0, 0xFEFF, '\n', '\r', 0x2028, 0x2029:
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// call invokes f and rethrows what it throws.
func (st *state) call(f goja.Callable, this goja.Value, args ...goja.Value) goja.Value {
	res, err := f(this, args...)
	if err != nil {
		panic(err)
	}
	return res
}

// construct runs new ctor(args...) and rethrows what it throws.
func (st *state) construct(ctor *goja.Object, args ...goja.Value) *goja.Object {
	o, err := st.vm.New(ctor, args...)
	if err != nil {
		panic(err)
	}
	return o
}

// allocate makes a zero-filled ArrayBuffer of n bytes through the
// installed ArrayBuffer constructor, so that the allocation guard applies.
// A RangeError from the guard names what (e.g. "new SharedArrayBuffer").
func (st *state) allocate(n int64, what string) *goja.Object {
	o, err := st.vm.New(st.abCtor, st.vm.ToValue(n))
	if err != nil {
		panic(st.renameGuardError(err, "new ArrayBuffer: ", what))
	}
	if o.ExportType() != arrayBufferType {
		st.r.ThrowTypeError("%s: ArrayBuffer did not make an ArrayBuffer", what)
	}
	return o
}

// renameGuardError returns err, a constructor's exception, to be thrown
// again; a RangeError whose message starts with prefix (the allocation
// guard's "new ArrayBuffer: ") gets what instead (e.g. "new
// SharedArrayBuffer: ").
func (st *state) renameGuardError(err error, prefix, what string) any {
	if ex, ok := err.(*goja.Exception); ok {
		if eo, ok := ex.Value().(*goja.Object); ok {
			msg := eo.Get("message")
			if name := eo.Get("name"); name != nil && name.String() == "RangeError" && msg != nil {
				if rest, ok := strings.CutPrefix(msg.String(), prefix); ok {
					return st.r.NewError("RangeError", what+": "+rest)
				}
			}
		}
	}
	return err
}

// installDateAnnexB defines Date.prototype.toGMTString (ECMAScript B.2.4.3:
// its initial value is %Date.prototype.toUTCString% itself).
func (st *state) installDateAnnexB() {
	date, _ := st.vm.GlobalObject().Get("Date").(*goja.Object)
	if date == nil {
		return
	}
	proto, _ := date.Get("prototype").(*goja.Object)
	if proto == nil || proto.Get("toGMTString") != nil {
		return
	}
	if utc, ok := proto.Get("toUTCString").(*goja.Object); ok {
		_ = proto.DefineDataProperty("toGMTString", utc, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}
