package ecma

import (
	"encoding/binary"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"weak"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Float16Array (ES2025 23.2) on a VM that has no such typed array.
//
// Design. A Float16Array is a goja Proxy (native traps, one
// ProxyTrapConfig per realm) whose target is a real Uint16Array over the
// same buffer, byte offset and length, with Float16Array.prototype as its
// prototype. The element size is the same, so the target already behaves
// as an integer-indexed exotic object with exactly the right keys: the
// proxy traps only the reads and writes of integer keys (get, set,
// getOwnPropertyDescriptor, defineProperty), which convert between the
// stored binary16 bits and Numbers; everything else reaches the target
// unchanged. So `in`, delete, Object.keys, preventExtensions and freeze,
// the non-integer canonical numeric keys ("-0", "1.5": undefined, writes
// ignored), expandos (Symbol keys too) and the prototype chain all behave
// as on any typed array, and the Proxy invariants hold because the
// target's index properties are configurable and always the same set as
// the proxy reports. (A goja DynamicObject would be cheaper per access but
// cannot hold Symbol-keyed, accessor or non-writable expandos.)
//
// The Go side keeps, for each target, the buffer, byte offset and length
// (f16Array), found by the target's identity: a weak map that a cleanup
// empties when the target is collected. That map is the brand: script
// cannot reach a target, so `this` is a Float16Array exactly when it is a
// Proxy whose target is in the map (IsFloat16Array).
//
// Float16Array.prototype inherits from %TypedArray%.prototype and
// Float16Array from %TypedArray%, as the spec lays them out; since goja's
// %TypedArray% methods reject a Proxy receiver, Float16Array.prototype has
// its own copy of each of them and of the buffer, byteLength, byteOffset,
// length and @@toStringTag getters (each forwards any other receiver to
// goja's), and Float16Array has its own from and of. toString is
// inherited: it is Array.prototype.toString, which calls join. The
// iterators are %ArrayIteratorPrototype% objects from Array.prototype's
// values, keys and entries, which read through the proxy.
//
// Everything is built when script first reads the Float16Array global (see
// lazyGlobal); ArrayBuffer.isView learns about Float16Arrays then, since
// none can exist before.

// f16Array is the Go side of one Float16Array.
type f16Array struct {
	buf *goja.Object     // [[ViewedArrayBuffer]]: an ArrayBuffer or SharedArrayBuffer object
	ab  goja.ArrayBuffer // its data
	off int              // [[ByteOffset]]
	n   int              // [[ArrayLength]] (buffers are never resized)
}

// length is TypedArrayLength, 0 once the buffer is detached.
func (a *f16Array) length() int {
	if a.ab.Detached() {
		return 0
	}
	return a.n
}

func (a *f16Array) detached() bool { return a.ab.Detached() }

// valid is IsValidIntegerIndex.
func (a *f16Array) valid(i int) bool { return i >= 0 && i < a.length() }

// data is the viewed bytes; the buffer must not be detached.
func (a *f16Array) data() []byte {
	return a.ab.Bytes()[a.off : a.off+2*a.n]
}

// bits reads element i (valid) in the platform's byte order, as goja's
// typed arrays do.
func (a *f16Array) bits(i int) uint16 {
	return binary.NativeEndian.Uint16(a.ab.Bytes()[a.off+2*i:])
}

func (a *f16Array) get(i int) float64 { return float16Value(a.bits(i)) }

func (a *f16Array) put(i int, h uint16) {
	binary.NativeEndian.PutUint16(a.ab.Bytes()[a.off+2*i:], h)
}

// f16Realm is the per-realm Float16Array machinery.
type f16Realm struct {
	ctor, proto *goja.Object
	traps       *goja.ProxyTrapConfig

	taBuffer goja.Callable // the getter of %TypedArray%.prototype.buffer

	mu   sync.Mutex // recs is emptied by cleanups, on other goroutines
	recs map[weak.Pointer[goja.Object]]*f16Array
}

var f16Key = realm.NewKey[*f16Realm]()

var (
	proxyType   = reflect.TypeOf(goja.Proxy{})
	uint16sType = reflect.TypeOf([]uint16(nil))
)

// register records target as the target of a Float16Array.
func (f *f16Realm) register(target *goja.Object, a *f16Array) {
	wp := weak.Make(target)
	f.mu.Lock()
	f.recs[wp] = a
	f.mu.Unlock()
	runtime.AddCleanup(target, func(wp weak.Pointer[goja.Object]) {
		f.mu.Lock()
		delete(f.recs, wp)
		f.mu.Unlock()
	}, wp)
}

// rec returns the Float16Array whose target is target, or nil.
func (f *f16Realm) rec(target *goja.Object) *f16Array {
	if target == nil || target.ExportType() != uint16sType {
		return nil
	}
	wp := weak.Make(target)
	f.mu.Lock()
	a := f.recs[wp]
	f.mu.Unlock()
	return a
}

// of returns the Float16Array v is, or nil.
func (f *f16Realm) of(v goja.Value) *f16Array {
	o, ok := v.(*goja.Object)
	if !ok || o.ExportType() != proxyType {
		return nil
	}
	return f.rec(o.Export().(goja.Proxy).Target())
}

// IsFloat16Array reports whether v is a Float16Array of r (a goja Proxy,
// which host code would otherwise take for a plain object).
func IsFloat16Array(r *realm.Realm, v goja.Value) bool {
	f := f16Key.Get(r)
	return f != nil && f.of(v) != nil
}

// Float16ArrayBytes returns the bytes a Float16Array views (two per
// element, binary16 in the platform's byte order, as the other typed arrays
// store theirs), sharing its memory, and whether v is a Float16Array of r.
// A Float16Array on a detached buffer has no bytes. Copy the slice before
// keeping it past the current task.
func Float16ArrayBytes(r *realm.Realm, v goja.Value) ([]byte, bool) {
	f := f16Key.Get(r)
	if f == nil {
		return nil, false
	}
	b, _, ok := f.view(v)
	return b, ok
}

// view returns the bytes and the viewed buffer object of a Float16Array of
// this realm (no bytes when the buffer is detached). It is also the realm's
// view hook, which makes Float16Arrays BufferSources for host APIs.
func (f *f16Realm) view(v goja.Value) ([]byte, *goja.Object, bool) {
	a := f.of(v)
	if a == nil {
		return nil, nil, false
	}
	if a.detached() {
		return []byte{}, a.buf, true
	}
	return a.data(), a.buf, true
}

// Float16ArrayView returns what structuredClone needs to copy a
// Float16Array of r: its viewed buffer object, byte offset and length, and
// the realm's Float16Array constructor.
func Float16ArrayView(r *realm.Realm, v goja.Value) (buf *goja.Object, byteOffset, length int, ctor *goja.Object, ok bool) {
	f := f16Key.Get(r)
	if f == nil {
		return nil, 0, 0, nil, false
	}
	a := f.of(v)
	if a == nil {
		return nil, 0, 0, nil, false
	}
	if a.detached() {
		return a.buf, 0, 0, f.ctor, true
	}
	return a.buf, a.off, a.n, f.ctor, true
}

// f16Intrinsics are the built-ins Float16Array borrows, captured when it
// is built (as realm.viewIntrinsics captures its own: on first use).
type f16Intrinsics struct {
	taProto                                     *goja.Object // %TypedArray%.prototype
	arrayValues, arrayKeys, arrayEntries, toLoc goja.Callable
	reflectSet                                  goja.Callable
	dummy                                       *goja.Object
	getters                                     map[string]goja.Callable // of %TypedArray%.prototype
}

var f16IntrinsicsProgram = goja.MustCompile("workerhost:float16", `(function (TA) {
  var A = Array.prototype, P = TA.prototype;
  var g = function (k) { var d = Object.getOwnPropertyDescriptor(P, k); return d && d.get; };
  return [P, A.values, A.keys, A.entries, A.toLocaleString, Reflect.set, Object.create(null),
    g("buffer"), g("byteLength"), g("byteOffset"), g("length"), g(Symbol.toStringTag)];
})`, true)

var f16Getters = [...]string{"buffer", "byteLength", "byteOffset", "length", "[Symbol.toStringTag]"}

// buildFloat16Array makes the Float16Array constructor and prototype.
func (st *state) buildFloat16Array() *goja.Object {
	vm := st.vm
	taCtor := st.u16Ctor.Prototype() // %TypedArray%
	in := &f16Intrinsics{}
	res, err := vm.RunProgram(f16IntrinsicsProgram)
	if err != nil {
		panic(err)
	}
	mk, _ := goja.AssertFunction(res)
	arr := st.call(mk, goja.Undefined(), taCtor).(*goja.Object)
	in.taProto = arr.Get("0").(*goja.Object)
	in.arrayValues, _ = goja.AssertFunction(arr.Get("1"))
	in.arrayKeys, _ = goja.AssertFunction(arr.Get("2"))
	in.arrayEntries, _ = goja.AssertFunction(arr.Get("3"))
	in.toLoc, _ = goja.AssertFunction(arr.Get("4"))
	in.reflectSet, _ = goja.AssertFunction(arr.Get("5"))
	in.dummy = arr.Get("6").(*goja.Object)
	in.getters = map[string]goja.Callable{}
	for i, name := range f16Getters {
		in.getters[name], _ = goja.AssertFunction(arr.Get(strconv.Itoa(7 + i)))
	}

	f := &f16Realm{recs: map[weak.Pointer[goja.Object]]*f16Array{}, taBuffer: in.getters["buffer"]}
	if f.taBuffer == nil {
		panic(st.r.NewTypeError("the typed array built-ins are not usable"))
	}
	st.f16 = f
	f16Key.Set(st.r, f)
	st.r.SetViewHook(func(o *goja.Object) ([]byte, *goja.Object, bool) { return f.view(o) })
	f.traps = st.f16Traps(f, in)

	c := st.r.NewClass("Float16Array", 3, st.constructF16, nil)
	f.ctor, f.proto = c.Ctor, c.Proto
	_ = f.ctor.SetPrototype(taCtor)
	_ = f.proto.SetPrototype(in.taProto)
	two := vm.ToValue(2)
	_ = f.ctor.DefineDataProperty("BYTES_PER_ELEMENT", two, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = f.proto.DefineDataProperty("BYTES_PER_ELEMENT", two, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	st.method(f.ctor, "from", 1, st.f16From)
	st.method(f.ctor, "of", 0, st.f16Of)
	st.f16Prototype(in)

	// ArrayBuffer.isView(f16) is true: replace goja's (still the value
	// Install found), keeping its name, length and attributes.
	if st.isView != nil {
		if cur, ok := st.abCtor.Get("isView").(*goja.Object); ok && cur.SameAs(st.isViewObj) {
			orig := st.isView
			isView := st.fn("isView", 1, func(call goja.FunctionCall) goja.Value {
				if f.of(call.Argument(0)) != nil {
					return vm.ToValue(true)
				}
				return st.call(orig, goja.Undefined(), call.Argument(0))
			})
			_ = st.abCtor.DefineDataProperty("isView", isView, goja.FLAG_NOT_SET, goja.FLAG_NOT_SET, goja.FLAG_NOT_SET)
		}
	}
	return f.ctor
}

// f16Traps makes the proxy handler shared by every Float16Array of the
// realm. Only integer keys are trapped (goja passes canonical integer
// strings to the *Idx traps); the target does the rest.
func (st *state) f16Traps(f *f16Realm, in *f16Intrinsics) *goja.ProxyTrapConfig {
	vm := st.vm
	return &goja.ProxyTrapConfig{
		GetIdx: func(target *goja.Object, i int, _ goja.Value) goja.Value {
			if a := f.rec(target); a != nil && a.valid(i) {
				return vm.ToValue(a.get(i))
			}
			return goja.Undefined()
		},
		// [[Set]] (10.4.5.5): on the array itself, TypedArraySetElement
		// (convert, then write if the index is still valid); through a
		// receiver inheriting from it, an ordinary set on the receiver for
		// a valid index.
		SetIdx: func(target *goja.Object, i int, v goja.Value, receiver goja.Value) bool {
			a := f.rec(target)
			if a == nil {
				return false
			}
			if ro, ok := receiver.(*goja.Object); ok && ro.ExportType() == proxyType && ro.Export().(goja.Proxy).Target() == target {
				st.setF16(a, i, v)
				return true
			}
			if !a.valid(i) {
				return true
			}
			// OrdinarySet with a writable data property found: what
			// Reflect.set does from an object with nothing inherited.
			res := st.call(in.reflectSet, goja.Undefined(), in.dummy, vm.ToValue(i), v, receiver)
			return res.ToBoolean()
		},
		GetOwnPropertyDescriptorIdx: func(target *goja.Object, i int) goja.PropertyDescriptor {
			if a := f.rec(target); a != nil && a.valid(i) {
				return goja.PropertyDescriptor{Value: vm.ToValue(a.get(i)), Writable: goja.FLAG_TRUE, Enumerable: goja.FLAG_TRUE, Configurable: goja.FLAG_TRUE}
			}
			return goja.PropertyDescriptor{}
		},
		// [[DefineOwnProperty]] (10.4.5.3).
		DefinePropertyIdx: func(target *goja.Object, i int, desc goja.PropertyDescriptor) bool {
			a := f.rec(target)
			if a == nil || !a.valid(i) {
				return false
			}
			if desc.Configurable == goja.FLAG_FALSE || desc.Enumerable == goja.FLAG_FALSE || desc.Getter != nil || desc.Setter != nil || desc.Writable == goja.FLAG_FALSE {
				return false
			}
			if desc.Value != nil {
				st.setF16(a, i, desc.Value)
			}
			return true
		},
	}
}

// setF16 is TypedArraySetElement: ToNumber first (which may run script,
// even detach the buffer), then the write if the index is valid.
func (st *state) setF16(a *f16Array, i int, v goja.Value) {
	h := float16Bits(v.ToFloat())
	if a.valid(i) {
		a.put(i, h)
	}
}

// wrapF16 makes the Float16Array whose target is target, a new
// Uint16Array over buf.
func (st *state) wrapF16(target, buf *goja.Object, off, n int, proto *goja.Object) (*goja.Object, *f16Array) {
	f := st.f16
	_ = target.SetPrototype(proto)
	a := &f16Array{buf: buf, ab: buf.Export().(goja.ArrayBuffer), off: off, n: n}
	f.register(target, a)
	return st.vm.ToValue(st.vm.NewProxy(target, f.traps)).(*goja.Object), a
}

// newF16View makes a Float16Array over buf (not detached, bounds checked)
// with the given prototype.
func (st *state) newF16View(buf *goja.Object, off, n int, proto *goja.Object) *goja.Object {
	vm := st.vm
	target := st.construct(st.u16Ctor, buf, vm.ToValue(off), vm.ToValue(n))
	o, _ := st.wrapF16(target, buf, off, n, proto)
	return o
}

// newF16 makes a Float16Array of n zeros (AllocateTypedArray with a
// length). Its target comes from the Uint16Array constructor Install found,
// in one call, so that the allocation guard bounds it (a RangeError from
// the guard names where instead).
func (st *state) newF16(n int64, proto *goja.Object, where string) (*goja.Object, *f16Array) {
	target, err := st.vm.New(st.u16Ctor, st.vm.ToValue(n))
	if err != nil {
		panic(st.renameGuardError(err, "new Uint16Array: ", where))
	}
	if target.ExportType() != uint16sType {
		st.r.ThrowTypeError("%s: Uint16Array did not make a Uint16Array", where)
	}
	buf, _ := st.call(st.f16.taBuffer, target).(*goja.Object)
	if buf == nil || buf.ExportType() != arrayBufferType {
		st.r.ThrowTypeError("%s: Uint16Array made a typed array without a buffer", where)
	}
	return st.wrapF16(target, buf, 0, int(n), proto)
}

// protoFrom is GetPrototypeFromConstructor(newTarget, %Float16Array.prototype%).
func (st *state) protoFrom(newTarget *goja.Object) *goja.Object {
	if newTarget != nil {
		if p, ok := newTarget.Get("prototype").(*goja.Object); ok {
			return p
		}
	}
	return st.f16.proto
}

// constructF16 is the Float16Array constructor (23.2.5.1); realm.NewClass
// throws the TypeError for a call without new.
func (st *state) constructF16(call goja.ConstructorCall) *goja.Object {
	const where = "new Float16Array"
	first := call.Argument(0)
	src, isObj := first.(*goja.Object)
	if !isObj {
		n := st.toIndex(first, where)
		o, _ := st.newF16(n, st.protoFrom(call.NewTarget), where)
		return o
	}
	proto := st.protoFrom(call.NewTarget)
	if a := st.f16.of(src); a != nil {
		// InitializeTypedArrayFromTypedArray, same type: copy the bits.
		if a.detached() {
			st.r.ThrowTypeError("%s: the source typed array's buffer is detached", where)
		}
		o, b := st.newF16(int64(a.n), proto, where)
		if !a.detached() {
			copy(b.data(), a.data())
		}
		return o
	}
	if name := st.r.TypedArrayName(src); name != "" {
		get, n := st.typedArrayReader(src, name, where)
		o, b := st.newF16(int64(n), proto, where)
		for i := 0; i < n; i++ {
			b.put(i, float16Bits(get(i)))
		}
		return o
	}
	if src.ExportType() == arrayBufferType {
		return st.f16OnBuffer(src, call.Argument(1), call.Argument(2), proto)
	}
	if it := st.getMethod(src, goja.SymIterator, where); it != nil {
		// InitializeTypedArrayFromList: iterate first, then convert.
		vals := st.iterateToList(src, it, where)
		o, b := st.newF16(int64(len(vals)), proto, where)
		for i, v := range vals {
			st.setF16(b, i, v)
		}
		return o
	}
	// InitializeTypedArrayFromArrayLike.
	n := st.lengthOfArrayLike(src)
	o, b := st.newF16(n, proto, where)
	for i := int64(0); i < n; i++ {
		st.setF16(b, int(i), getIndex(src, int(i)))
	}
	return o
}

// f16OnBuffer is InitializeTypedArrayFromArrayBuffer (23.2.5.1.3).
func (st *state) f16OnBuffer(buf *goja.Object, byteOffset, length goja.Value, proto *goja.Object) *goja.Object {
	const where = "new Float16Array"
	off := st.toIndex(byteOffset, where)
	if off%2 != 0 {
		st.r.ThrowRangeError("%s: start offset of Float16Array should be a multiple of 2", where)
	}
	var newLength int64
	hasLength := !goja.IsUndefined(length)
	if hasLength {
		newLength = st.toIndex(length, where)
	}
	ab := buf.Export().(goja.ArrayBuffer)
	if ab.Detached() {
		st.r.ThrowTypeError("%s: the ArrayBuffer is detached", where)
	}
	bufLen := int64(len(ab.Bytes()))
	var byteLen int64
	if !hasLength {
		if bufLen%2 != 0 {
			st.r.ThrowRangeError("%s: byte length of Float16Array should be a multiple of 2", where)
		}
		byteLen = bufLen - off
		if byteLen < 0 {
			st.r.ThrowRangeError("%s: start offset %d is outside the bounds of the buffer (%d bytes)", where, off, bufLen)
		}
	} else {
		byteLen = newLength * 2
		if off+byteLen > bufLen {
			st.r.ThrowRangeError("%s: invalid typed array length %d for a buffer of %d bytes at offset %d", where, newLength, bufLen, off)
		}
	}
	return st.newF16View(buf, int(off), int(byteLen/2), proto)
}

// typedArrayReader reads the elements of one of goja's typed arrays as
// Numbers (InitializeTypedArrayFromTypedArray, SetTypedArrayFromTypedArray):
// a TypeError when its buffer is detached or its elements are BigInts.
func (st *state) typedArrayReader(o *goja.Object, name, where string) (func(int) float64, int) {
	if buf := st.r.ViewedBuffer(o); buf == nil || buf.ExportType() != arrayBufferType || buf.Export().(goja.ArrayBuffer).Detached() {
		st.r.ThrowTypeError("%s: the source typed array's buffer is detached", where)
	}
	switch s := o.Export().(type) {
	case []int8:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []uint8:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []int16:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []uint16:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []int32:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []uint32:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []float32:
		return func(i int) float64 { return float64(s[i]) }, len(s)
	case []float64:
		return func(i int) float64 { return s[i] }, len(s)
	}
	st.r.ThrowTypeError("%s: cannot mix BigInt and other types: %s holds BigInts", where, name)
	return nil, 0
}

// getMethod is GetMethod(o, sym): undefined and null are no method, other
// values must be callable.
func (st *state) getMethod(o *goja.Object, sym *goja.Symbol, where string) goja.Callable {
	m := o.GetSymbol(sym)
	if m == nil || goja.IsUndefined(m) || goja.IsNull(m) {
		return nil
	}
	f, ok := goja.AssertFunction(m)
	if !ok {
		st.r.ThrowTypeError("%s: %s is not a function", where, sym.String())
	}
	return f
}

// iterateToList is IteratorToList(GetIteratorFromMethod(obj, method)).
func (st *state) iterateToList(obj goja.Value, method goja.Callable, where string) []goja.Value {
	it, ok := st.call(method, obj).(*goja.Object)
	if !ok {
		st.r.ThrowTypeError("%s: the iterator is not an object", where)
	}
	nextV := it.Get("next")
	next, ok := goja.AssertFunction(nextV)
	var vals []goja.Value
	for {
		if !ok {
			st.r.ThrowTypeError("%s: the iterator's next is not a function", where)
		}
		res, isObj := st.call(next, it).(*goja.Object)
		if !isObj {
			st.r.ThrowTypeError("%s: the iterator result is not an object", where)
		}
		if d := res.Get("done"); d != nil && d.ToBoolean() {
			return vals
		}
		v := res.Get("value")
		if v == nil {
			v = goja.Undefined()
		}
		vals = append(vals, v)
	}
}

// getIndex is Get(o, ToString(k)): undefined for a missing property
// (where goja's Object.Get returns nil).
func getIndex(o *goja.Object, k int) goja.Value {
	if v := o.Get(strconv.Itoa(k)); v != nil {
		return v
	}
	return goja.Undefined()
}

// lengthOfArrayLike is LengthOfArrayLike: ToLength(Get(o, "length")).
func (st *state) lengthOfArrayLike(o *goja.Object) int64 {
	l := toIntegerOrInfinity(o.Get("length"))
	return int64(min(max(l, 0), maxSafeInteger))
}

// typedArray is a validated typed array: a Float16Array (f non-nil) or
// one of goja's.
type typedArray struct {
	o      *goja.Object
	f      *f16Array
	name   string
	length int
}

// validateTypedArray is ValidateTypedArray: a typed array whose buffer is
// not detached.
func (st *state) validateTypedArray(v goja.Value, where string) typedArray {
	o, _ := v.(*goja.Object)
	if a := st.f16.of(v); a != nil {
		if a.detached() {
			st.r.ThrowTypeError("%s: the typed array's buffer is detached", where)
		}
		return typedArray{o: o, f: a, name: "Float16Array", length: a.n}
	}
	name := ""
	if o != nil {
		name = st.r.TypedArrayName(o)
	}
	if name == "" {
		st.r.ThrowTypeError("%s: %s is not a typed array", where, st.describe(v))
	}
	buf := st.r.ViewedBuffer(o)
	if buf == nil || buf.ExportType() != arrayBufferType || buf.Export().(goja.ArrayBuffer).Detached() {
		st.r.ThrowTypeError("%s: the typed array's buffer is detached", where)
	}
	return typedArray{o: o, name: name, length: reflect.ValueOf(o.Export()).Len()}
}

// typedArrayCreate is TypedArrayCreateFromConstructor(ctor, args), with
// the content type check of TypedArraySpeciesCreate (the exemplar is a
// Float16Array: its elements are Numbers).
func (st *state) typedArrayCreate(ctor *goja.Object, where string, args ...goja.Value) typedArray {
	var o *goja.Object
	if ctor == st.f16.ctor {
		o = st.constructF16(goja.ConstructorCall{NewTarget: ctor, Arguments: args})
	} else {
		o = st.construct(ctor, args...)
	}
	ta := st.validateTypedArray(o, where)
	if len(args) == 1 {
		if n, isNum := number(args[0]); isNum && float64(ta.length) < n {
			st.r.ThrowTypeError("%s: the constructor made a typed array of length %d, less than %s", where, ta.length, strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	if ta.name == "BigInt64Array" || ta.name == "BigUint64Array" {
		st.r.ThrowTypeError("%s: the constructor made a %s, whose elements are BigInts", where, ta.name)
	}
	return ta
}

// speciesCreate is TypedArraySpeciesCreate(exemplar, args).
func (st *state) speciesCreate(exemplar *goja.Object, where string, args ...goja.Value) typedArray {
	return st.typedArrayCreate(st.speciesConstructor(exemplar, st.f16.ctor, where), where, args...)
}

// setIndex is Set(ta, k, v, true) on a typed array.
func (st *state) setIndex(ta typedArray, k int, v goja.Value) {
	if ta.f != nil {
		st.setF16(ta.f, k, v)
		return
	}
	if err := ta.o.Set(strconv.Itoa(k), v); err != nil {
		panic(err)
	}
}

// f16From is Float16Array.from(source, mapfn, thisArg) (%TypedArray%.from,
// 23.2.2.1).
func (st *state) f16From(call goja.FunctionCall) goja.Value {
	const where = "Float16Array.from"
	c, ok := call.This.(*goja.Object)
	if _, isCtor := goja.AssertConstructor(call.This); !ok || !isCtor {
		st.r.ThrowTypeError("%s: %s is not a constructor", where, st.describe(call.This))
	}
	var mapFn goja.Callable
	if m := call.Argument(1); !goja.IsUndefined(m) {
		if mapFn, ok = goja.AssertFunction(m); !ok {
			st.r.ThrowTypeError("%s: %s is not a function", where, st.describe(m))
		}
	}
	thisArg := call.Argument(2)
	source := call.Argument(0)
	mapped := func(v goja.Value, k int) goja.Value {
		if mapFn == nil {
			return v
		}
		return st.call(mapFn, thisArg, v, st.vm.ToValue(k))
	}
	srcObj := source.ToObject(st.vm) // GetMethod's GetV: a TypeError for undefined and null
	if it := st.getMethod(srcObj, goja.SymIterator, where); it != nil {
		vals := st.iterateToList(source, it, where)
		ta := st.typedArrayCreate(c, where, st.vm.ToValue(len(vals)))
		for k, v := range vals {
			st.setIndex(ta, k, mapped(v, k))
		}
		return ta.o
	}
	n := st.lengthOfArrayLike(srcObj)
	ta := st.typedArrayCreate(c, where, st.vm.ToValue(n))
	for k := 0; k < int(n); k++ {
		st.setIndex(ta, k, mapped(getIndex(srcObj, k), k))
	}
	return ta.o
}

// f16Of is Float16Array.of(...items) (%TypedArray%.of, 23.2.2.2).
func (st *state) f16Of(call goja.FunctionCall) goja.Value {
	const where = "Float16Array.of"
	c, ok := call.This.(*goja.Object)
	if _, isCtor := goja.AssertConstructor(call.This); !ok || !isCtor {
		st.r.ThrowTypeError("%s: %s is not a constructor", where, st.describe(call.This))
	}
	ta := st.typedArrayCreate(c, where, st.vm.ToValue(len(call.Arguments)))
	for k, v := range call.Arguments {
		st.setIndex(ta, k, v)
	}
	return ta.o
}

// f16Method is the implementation of a Float16Array.prototype method for a
// Float16Array receiver.
type f16Method func(a *f16Array, call goja.FunctionCall) goja.Value

// f16Prototype defines the methods and accessors of Float16Array.prototype.
// Each one hands a receiver that is not a Float16Array to goja's
// %TypedArray%.prototype function of the same name, so that they behave as
// the shared %TypedArray% functions would.
func (st *state) f16Prototype(in *f16Intrinsics) {
	vm := st.vm
	f := st.f16
	p := f.proto
	undef := goja.Undefined()

	method := func(name string, length int, impl f16Method) *goja.Object {
		var orig goja.Callable // looked up when first needed: goja makes it then
		fn := st.fn(name, length, func(call goja.FunctionCall) goja.Value {
			if a := f.of(call.This); a != nil {
				return impl(a, call)
			}
			if orig == nil {
				orig, _ = goja.AssertFunction(in.taProto.Get(name))
			}
			if orig == nil {
				st.r.ThrowTypeError("Method %%TypedArray%%.prototype.%s called on incompatible receiver %s", name, st.describe(call.This))
			}
			return st.call(orig, call.This, call.Arguments...)
		})
		_ = p.DefineDataProperty(name, fn, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		return fn
	}
	getter := func(name string, impl func(a *f16Array) goja.Value) {
		orig := in.getters[name]
		get := st.fn("get "+name, 0, func(call goja.FunctionCall) goja.Value {
			if a := f.of(call.This); a != nil {
				return impl(a)
			}
			if orig == nil {
				st.r.ThrowTypeError("Method get %%TypedArray%%.prototype.%s called on incompatible receiver %s", name, st.describe(call.This))
			}
			return st.call(orig, call.This)
		})
		if name == "[Symbol.toStringTag]" {
			_ = p.DefineAccessorPropertySymbol(goja.SymToStringTag, get, nil, goja.FLAG_TRUE, goja.FLAG_FALSE)
			return
		}
		_ = p.DefineAccessorProperty(name, get, nil, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	val := func(a *f16Array, k int) goja.Value {
		if a.valid(k) {
			return vm.ToValue(a.get(k))
		}
		return undef
	}
	validate := func(a *f16Array, where string) int {
		if a.detached() {
			st.r.ThrowTypeError("%s: the typed array's buffer is detached", where)
		}
		return a.n
	}
	callback := func(v goja.Value, where string) goja.Callable {
		fn, ok := goja.AssertFunction(v)
		if !ok {
			st.r.ThrowTypeError("%s: %s is not a function", where, st.describe(v))
		}
		return fn
	}
	// relative resolves a relative index argument against l
	// (ToIntegerOrInfinity, negative from the end, clamped to [0, l]);
	// undefined is def.
	relative := func(v goja.Value, l int, def int) int {
		if goja.IsUndefined(v) {
			return def
		}
		return int(relIndex(toIntegerOrInfinity(v), float64(l)))
	}

	getter("buffer", func(a *f16Array) goja.Value { return a.buf })
	getter("byteLength", func(a *f16Array) goja.Value { return vm.ToValue(2 * a.length()) })
	getter("byteOffset", func(a *f16Array) goja.Value {
		if a.detached() {
			return vm.ToValue(0)
		}
		return vm.ToValue(a.off)
	})
	getter("length", func(a *f16Array) goja.Value { return vm.ToValue(a.length()) })
	getter("[Symbol.toStringTag]", func(*f16Array) goja.Value { return vm.ToValue("Float16Array") })

	method("at", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.at")
		rel := toIntegerOrInfinity(call.Argument(0))
		if rel < 0 {
			rel += float64(l)
		}
		if rel < 0 || rel >= float64(l) {
			return undef
		}
		return val(a, int(rel))
	})
	method("copyWithin", 2, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.copyWithin"
		l := validate(a, where)
		to := relative(call.Argument(0), l, 0)
		from := relative(call.Argument(1), l, 0)
		final := relative(call.Argument(2), l, l)
		if count := min(final-from, l-to); count > 0 {
			validate(a, where)
			d := a.data()
			copy(d[2*to:], d[2*from:2*(from+count)])
		}
		return call.This
	})
	iter := func(name string, fn goja.Callable) {
		method(name, 0, func(a *f16Array, call goja.FunctionCall) goja.Value {
			validate(a, "Float16Array.prototype."+name)
			return st.call(fn, call.This)
		})
	}
	iter("entries", in.arrayEntries)
	iter("keys", in.arrayKeys)
	method("every", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.every"
		l := validate(a, where)
		cb := callback(call.Argument(0), where)
		for k := 0; k < l; k++ {
			if !st.call(cb, call.Argument(1), val(a, k), vm.ToValue(k), call.This).ToBoolean() {
				return vm.ToValue(false)
			}
		}
		return vm.ToValue(true)
	})
	method("fill", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.fill"
		l := validate(a, where)
		h := float16Bits(call.Argument(0).ToFloat())
		k := relative(call.Argument(1), l, 0)
		final := relative(call.Argument(2), l, l)
		validate(a, where)
		for ; k < final; k++ {
			a.put(k, h)
		}
		return call.This
	})
	method("filter", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.filter"
		l := validate(a, where)
		cb := callback(call.Argument(0), where)
		var kept []goja.Value
		for k := 0; k < l; k++ {
			v := val(a, k)
			if st.call(cb, call.Argument(1), v, vm.ToValue(k), call.This).ToBoolean() {
				kept = append(kept, v)
			}
		}
		ta := st.speciesCreate(call.This.(*goja.Object), where, vm.ToValue(len(kept)))
		for n, v := range kept {
			st.setIndex(ta, n, v)
		}
		return ta.o
	})
	find := func(name string, fromEnd, index bool) {
		where := "Float16Array.prototype." + name
		method(name, 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
			l := validate(a, where)
			cb := callback(call.Argument(0), where)
			for i := 0; i < l; i++ {
				k := i
				if fromEnd {
					k = l - 1 - i
				}
				v := val(a, k)
				if st.call(cb, call.Argument(1), v, vm.ToValue(k), call.This).ToBoolean() {
					if index {
						return vm.ToValue(k)
					}
					return v
				}
			}
			if index {
				return vm.ToValue(-1)
			}
			return undef
		})
	}
	find("find", false, false)
	find("findIndex", false, true)
	find("findLast", true, false)
	find("findLastIndex", true, true)
	method("forEach", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.forEach"
		l := validate(a, where)
		cb := callback(call.Argument(0), where)
		for k := 0; k < l; k++ {
			st.call(cb, call.Argument(1), val(a, k), vm.ToValue(k), call.This)
		}
		return undef
	})
	method("includes", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.includes")
		if l == 0 {
			return vm.ToValue(false)
		}
		k, ok := fromIndex(call.Argument(1), l)
		if !ok {
			return vm.ToValue(false)
		}
		search := call.Argument(0)
		x, isNum := number(search)
		for ; k < l; k++ {
			if !a.valid(k) { // detached by fromIndex's conversion: Get is undefined
				return vm.ToValue(goja.IsUndefined(search))
			}
			if isNum {
				if v := a.get(k); v == x || math.IsNaN(v) && math.IsNaN(x) {
					return vm.ToValue(true)
				}
			}
		}
		return vm.ToValue(false)
	})
	method("indexOf", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.indexOf")
		if l == 0 {
			return vm.ToValue(-1)
		}
		k, ok := fromIndex(call.Argument(1), l)
		if !ok {
			return vm.ToValue(-1)
		}
		if x, isNum := number(call.Argument(0)); isNum {
			for ; k < l && a.valid(k); k++ {
				if a.get(k) == x {
					return vm.ToValue(k)
				}
			}
		}
		return vm.ToValue(-1)
	})
	method("join", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.join")
		sep := ","
		if s := call.Argument(0); !goja.IsUndefined(s) {
			sep = st.toString(s)
		}
		var b strings.Builder
		for k := 0; k < l; k++ {
			if k > 0 {
				b.WriteString(sep)
			}
			if a.valid(k) {
				b.WriteString(vm.ToValue(a.get(k)).String())
			}
		}
		return vm.ToValue(b.String())
	})
	method("lastIndexOf", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.lastIndexOf")
		if l == 0 {
			return vm.ToValue(-1)
		}
		n := float64(l - 1)
		if len(call.Arguments) > 1 {
			n = toIntegerOrInfinity(call.Arguments[1])
		}
		if math.IsInf(n, -1) {
			return vm.ToValue(-1)
		}
		if float64(l)+n < 0 {
			return vm.ToValue(-1)
		}
		var k int
		if n >= 0 {
			k = int(min(n, float64(l-1)))
		} else {
			k = int(float64(l) + n)
		}
		if x, isNum := number(call.Argument(0)); isNum {
			for ; k >= 0; k-- {
				if a.valid(k) && a.get(k) == x {
					return vm.ToValue(k)
				}
			}
		}
		return vm.ToValue(-1)
	})
	method("map", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.map"
		l := validate(a, where)
		cb := callback(call.Argument(0), where)
		ta := st.speciesCreate(call.This.(*goja.Object), where, vm.ToValue(l))
		for k := 0; k < l; k++ {
			st.setIndex(ta, k, st.call(cb, call.Argument(1), val(a, k), vm.ToValue(k), call.This))
		}
		return ta.o
	})
	reduce := func(name string, fromEnd bool) {
		where := "Float16Array.prototype." + name
		method(name, 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
			l := validate(a, where)
			cb := callback(call.Argument(0), where)
			i := 0
			idx := func(i int) int {
				if fromEnd {
					return l - 1 - i
				}
				return i
			}
			var acc goja.Value
			if len(call.Arguments) > 1 {
				acc = call.Arguments[1]
			} else {
				if l == 0 {
					st.r.ThrowTypeError("%s: reduce of an empty array with no initial value", where)
				}
				acc = val(a, idx(0))
				i = 1
			}
			for ; i < l; i++ {
				k := idx(i)
				acc = st.call(cb, undef, acc, val(a, k), vm.ToValue(k), call.This)
			}
			return acc
		})
	}
	reduce("reduce", false)
	reduce("reduceRight", true)
	method("reverse", 0, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.reverse")
		for lo, hi := 0, l-1; lo < hi; lo, hi = lo+1, hi-1 {
			x, y := a.bits(lo), a.bits(hi)
			a.put(lo, y)
			a.put(hi, x)
		}
		return call.This
	})
	method("set", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		st.f16Set(a, call.Argument(0), call.Argument(1))
		return undef
	})
	method("slice", 2, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.slice"
		l := validate(a, where)
		start := relative(call.Argument(0), l, 0)
		end := relative(call.Argument(1), l, l)
		count := max(end-start, 0)
		ta := st.speciesCreate(call.This.(*goja.Object), where, vm.ToValue(count))
		if count > 0 {
			l = validate(a, where)
			end = min(end, l)
			if ta.f != nil {
				// Same type: the bytes, one by one from the first (the
				// two may share a buffer).
				src, dst := a.data()[2*start:], ta.f.data()
				for i := 0; i < 2*max(end-start, 0); i++ {
					dst[i] = src[i]
				}
			} else {
				for k, n := start, 0; k < end; k, n = k+1, n+1 {
					st.setIndex(ta, n, val(a, k))
				}
			}
		}
		return ta.o
	})
	method("some", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.some"
		l := validate(a, where)
		cb := callback(call.Argument(0), where)
		for k := 0; k < l; k++ {
			if st.call(cb, call.Argument(1), val(a, k), vm.ToValue(k), call.This).ToBoolean() {
				return vm.ToValue(true)
			}
		}
		return vm.ToValue(false)
	})
	method("sort", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.sort"
		cmp := st.comparator(call.Argument(0), where)
		l := validate(a, where)
		vals := st.sortedValues(a, l, cmp)
		for k, v := range vals {
			if a.valid(k) {
				a.put(k, float16Bits(v))
			}
		}
		return call.This
	})
	method("subarray", 2, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.subarray"
		l := a.length()
		begin := relative(call.Argument(0), l, 0)
		end := relative(call.Argument(1), l, l)
		n := max(end-begin, 0)
		ta := st.speciesCreate(call.This.(*goja.Object), where, a.buf, vm.ToValue(a.off+2*begin), vm.ToValue(n))
		return ta.o
	})
	method("toLocaleString", 0, func(a *f16Array, call goja.FunctionCall) goja.Value {
		validate(a, "Float16Array.prototype.toLocaleString")
		return st.call(in.toLoc, call.This, call.Arguments...)
	})
	method("toReversed", 0, func(a *f16Array, call goja.FunctionCall) goja.Value {
		l := validate(a, "Float16Array.prototype.toReversed")
		o, b := st.newF16(int64(l), f.proto, "Float16Array.prototype.toReversed")
		for k := 0; k < l; k++ {
			b.put(k, a.bits(l-1-k))
		}
		return o
	})
	method("toSorted", 1, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.toSorted"
		cmp := st.comparator(call.Argument(0), where)
		l := validate(a, where)
		o, b := st.newF16(int64(l), f.proto, where)
		for k, v := range st.sortedValues(a, l, cmp) {
			b.put(k, float16Bits(v))
		}
		return o
	})
	values := method("values", 0, func(a *f16Array, call goja.FunctionCall) goja.Value {
		validate(a, "Float16Array.prototype.values")
		return st.call(in.arrayValues, call.This)
	})
	_ = p.DefineDataPropertySymbol(goja.SymIterator, values, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	method("with", 2, func(a *f16Array, call goja.FunctionCall) goja.Value {
		const where = "Float16Array.prototype.with"
		l := validate(a, where)
		rel := toIntegerOrInfinity(call.Argument(0))
		actual := rel
		if rel < 0 {
			actual = float64(l) + rel
		}
		h := float16Bits(call.Argument(1).ToFloat())
		if actual < 0 || actual >= float64(a.length()) {
			st.r.ThrowRangeError("%s: index %s is out of range", where, strconv.FormatFloat(rel, 'f', -1, 64))
		}
		o, b := st.newF16(int64(l), f.proto, where)
		for k := 0; k < l; k++ {
			switch {
			case k == int(actual):
				b.put(k, h)
			case a.valid(k):
				b.put(k, a.bits(k))
			default:
				b.put(k, f16NaN) // Get is undefined: ToNumber gives NaN
			}
		}
		return o
	})
}

// toString is ToString: a TypeError for a Symbol.
func (st *state) toString(v goja.Value) string {
	if _, ok := v.(*goja.Symbol); ok {
		st.r.ThrowTypeError("Cannot convert a Symbol value to a string")
	}
	return v.String()
}

// fromIndex resolves the fromIndex argument of includes and indexOf
// against len l > 0: the start index, or false when the search is empty.
func fromIndex(v goja.Value, l int) (int, bool) {
	n := toIntegerOrInfinity(v)
	switch {
	case math.IsInf(n, 1) || n >= float64(l):
		return 0, false
	case n >= 0:
		return int(n), true
	}
	return int(max(float64(l)+n, 0)), true
}

// comparator checks the comparefn argument of sort and toSorted.
func (st *state) comparator(v goja.Value, where string) goja.Callable {
	if goja.IsUndefined(v) {
		return nil
	}
	fn, ok := goja.AssertFunction(v)
	if !ok {
		st.r.ThrowTypeError("%s: the comparison function must be either a function or undefined", where)
	}
	return fn
}

// sortedValues is SortIndexedProperties with the typed array comparator
// (23.2.4.7): a stable sort, numeric by default with -0 before +0 and NaN
// last; with cmp, the sign of ToNumber(cmp(x, y)) (NaN counts as 0).
func (st *state) sortedValues(a *f16Array, l int, cmp goja.Callable) []float64 {
	vals := make([]float64, l)
	for k := range vals {
		vals[k] = a.get(k)
	}
	if cmp == nil {
		slices.SortStableFunc(vals, compareNumbers)
		return vals
	}
	vm := st.vm
	slices.SortStableFunc(vals, func(x, y float64) int {
		v := st.call(cmp, goja.Undefined(), vm.ToValue(x), vm.ToValue(y)).ToFloat()
		switch {
		case v < 0:
			return -1
		case v > 0:
			return 1
		}
		return 0
	})
	return vals
}

// compareNumbers orders Numbers as %TypedArray%.prototype.sort does.
func compareNumbers(x, y float64) int {
	switch {
	case math.IsNaN(x) && math.IsNaN(y):
		return 0
	case math.IsNaN(x):
		return 1
	case math.IsNaN(y):
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	case x == 0 && y == 0:
		sx, sy := math.Signbit(x), math.Signbit(y)
		switch {
		case sx && !sy:
			return -1
		case !sx && sy:
			return 1
		}
	}
	return 0
}

// f16Set is %TypedArray%.prototype.set(source, offset) (23.2.3.26) on a
// Float16Array.
func (st *state) f16Set(a *f16Array, source, offset goja.Value) {
	const where = "Float16Array.prototype.set"
	targetOffset := toIntegerOrInfinity(offset)
	if targetOffset < 0 {
		st.r.ThrowRangeError("%s: offset %s is out of bounds", where, strconv.FormatFloat(targetOffset, 'f', -1, 64))
	}
	src, _ := source.(*goja.Object)
	name := ""
	srcF16 := st.f16.of(source)
	if src != nil && srcF16 == nil {
		name = st.r.TypedArrayName(src)
	}
	if srcF16 != nil || name != "" {
		// SetTypedArrayFromTypedArray.
		if a.detached() {
			st.r.ThrowTypeError("%s: the typed array's buffer is detached", where)
		}
		l := a.n
		var get func(int) float64
		var n int
		if srcF16 != nil {
			if srcF16.detached() {
				st.r.ThrowTypeError("%s: the source typed array's buffer is detached", where)
			}
			n = srcF16.n
		} else {
			if name == "BigInt64Array" || name == "BigUint64Array" {
				// Checked after the bounds below in the spec, but a
				// BigInt typed array cannot be read as Numbers at all.
				if buf := st.r.ViewedBuffer(src); buf == nil || buf.Export().(goja.ArrayBuffer).Detached() {
					st.r.ThrowTypeError("%s: the source typed array's buffer is detached", where)
				}
				n = reflect.ValueOf(src.Export()).Len()
				if math.IsInf(targetOffset, 1) || float64(n)+targetOffset > float64(l) {
					st.r.ThrowRangeError("%s: the source is too long for the target at offset %s", where, strconv.FormatFloat(targetOffset, 'f', -1, 64))
				}
			}
			get, n = st.typedArrayReader(src, name, where)
		}
		if math.IsInf(targetOffset, 1) || float64(n)+targetOffset > float64(l) {
			st.r.ThrowRangeError("%s: the source is too long for the target at offset %s", where, strconv.FormatFloat(targetOffset, 'f', -1, 64))
		}
		to := int(targetOffset)
		if srcF16 != nil {
			// Same type: bytes, as if by memmove.
			copy(a.data()[2*to:], srcF16.data())
			return
		}
		// Read everything first: the source may share the buffer.
		vals := make([]uint16, n)
		for i := range vals {
			vals[i] = float16Bits(get(i))
		}
		for i, h := range vals {
			a.put(to+i, h)
		}
		return
	}
	// SetTypedArrayFromArrayLike.
	if a.detached() {
		st.r.ThrowTypeError("%s: the typed array's buffer is detached", where)
	}
	l := a.n
	obj := source.ToObject(st.vm)
	n := st.lengthOfArrayLike(obj)
	if math.IsInf(targetOffset, 1) || float64(n)+targetOffset > float64(l) {
		st.r.ThrowRangeError("%s: the source is too long for the target at offset %s", where, strconv.FormatFloat(targetOffset, 'f', -1, 64))
	}
	to := int(targetOffset)
	for k := 0; k < int(n); k++ {
		st.setF16(a, to+k, getIndex(obj, k))
	}
}
