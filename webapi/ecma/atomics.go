package ecma

import (
	"math"
	"math/big"
	"reflect"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// elemKind is the element type of an integer typed array.
type elemKind uint8

const (
	kInt8 elemKind = iota
	kUint8
	kInt16
	kUint16
	kInt32
	kUint32
	kBigInt64
	kBigUint64
)

// atomicKinds are the typed arrays Atomics operates on: the integer ones
// but Uint8ClampedArray (IsUnclampedIntegerElementType or
// IsBigIntElementType).
var atomicKinds = map[string]elemKind{
	"Int8Array": kInt8, "Uint8Array": kUint8, "Int16Array": kInt16, "Uint16Array": kUint16,
	"Int32Array": kInt32, "Uint32Array": kUint32, "BigInt64Array": kBigInt64, "BigUint64Array": kBigUint64,
}

func (k elemKind) isBigInt() bool { return k == kBigInt64 || k == kBigUint64 }

// mask keeps the bits of one element.
func (k elemKind) mask() uint64 {
	switch k {
	case kInt8, kUint8:
		return 0xff
	case kInt16, kUint16:
		return 0xffff
	case kInt32, kUint32:
		return 0xffffffff
	}
	return math.MaxUint64
}

// taRecord is a validated integer typed array.
type taRecord struct {
	o      *goja.Object
	kind   elemKind
	buf    *goja.Object
	ab     goja.ArrayBuffer
	length int
}

// buildAtomics makes the Atomics namespace object (ES2024 25.4, plus
// Atomics.pause of ES2025).
func (st *state) buildAtomics() *goja.Object {
	vm := st.vm
	a := vm.NewObject()
	rmw := func(name string, op func(old, v uint64) uint64) {
		st.method(a, name, 3, func(call goja.FunctionCall) goja.Value {
			return st.readModifyWrite(call, "Atomics."+name, op)
		})
	}
	rmw("add", func(old, v uint64) uint64 { return old + v })
	rmw("and", func(old, v uint64) uint64 { return old & v })
	st.method(a, "compareExchange", 4, st.compareExchange)
	rmw("exchange", func(_, v uint64) uint64 { return v })
	st.method(a, "isLockFree", 1, func(call goja.FunctionCall) goja.Value {
		switch toIntegerOrInfinity(call.Argument(0)) {
		case 1, 2, 4, 8:
			return vm.ToValue(true)
		}
		return vm.ToValue(false)
	})
	st.method(a, "load", 2, st.load)
	st.method(a, "notify", 3, st.notify)
	rmw("or", func(old, v uint64) uint64 { return old | v })
	st.method(a, "pause", 0, func(call goja.FunctionCall) goja.Value {
		if n := call.Argument(0); !goja.IsUndefined(n) {
			f, isNum := number(n)
			if !isNum || math.IsInf(f, 0) || math.IsNaN(f) || f != math.Trunc(f) {
				st.r.ThrowTypeError("Atomics.pause: the argument must be undefined or an integral Number")
			}
		}
		return goja.Undefined()
	})
	st.method(a, "store", 3, st.store)
	rmw("sub", func(old, v uint64) uint64 { return old - v })
	st.method(a, "wait", 4, func(call goja.FunctionCall) goja.Value { return st.doWait(call, false) })
	st.method(a, "waitAsync", 4, func(call goja.FunctionCall) goja.Value { return st.doWait(call, true) })
	rmw("xor", func(old, v uint64) uint64 { return old ^ v })
	st.toStringTag(a, "Atomics")
	return a
}

// number returns the value of a Number primitive (no conversion).
func number(v goja.Value) (float64, bool) {
	if _, isObj := v.(*goja.Object); isObj {
		return 0, false
	}
	if t := v.ExportType(); t != nil && (t.Kind() == reflect.Int64 || t.Kind() == reflect.Float64) {
		return v.ToFloat(), true
	}
	return 0, false
}

// validate is ValidateIntegerTypedArray: a typed array on a buffer that is
// not detached, of an integer element type (Int32Array or BigInt64Array
// when waitable).
func (st *state) validate(v goja.Value, waitable bool, fn string) *taRecord {
	name := st.r.TypedArrayName(v)
	if name == "" {
		st.r.ThrowTypeError("%s: the first argument is not a typed array", fn)
	}
	o := v.(*goja.Object)
	buf := st.r.ViewedBuffer(o)
	if buf == nil || buf.ExportType() != arrayBufferType {
		st.r.ThrowTypeError("%s: the typed array has no buffer", fn)
	}
	rec := &taRecord{o: o, buf: buf, ab: buf.Export().(goja.ArrayBuffer)}
	if rec.ab.Detached() {
		st.r.ThrowTypeError("%s: the typed array's buffer is detached", fn)
	}
	kind, ok := atomicKinds[name]
	if waitable && kind != kInt32 && kind != kBigInt64 {
		st.r.ThrowTypeError("%s: %s is not an Int32Array or a BigInt64Array", fn, name)
	}
	if !ok {
		st.r.ThrowTypeError("%s: %s is not an integer typed array", fn, name)
	}
	rec.kind = kind
	rec.length = reflect.ValueOf(o.Export()).Len()
	return rec
}

// access is ValidateAtomicAccess: the element index, a RangeError unless it
// is within the typed array.
func (st *state) access(rec *taRecord, index goja.Value, fn string) int {
	i := st.toIndex(index, fn)
	if i >= int64(rec.length) {
		st.r.ThrowRangeError("%s: index %d is out of range for a typed array of length %d", fn, i, rec.length)
	}
	return int(i)
}

// revalidate is RevalidateAtomicAccess, after conversions that may have
// run script: the buffer must not have been detached.
func (st *state) revalidate(rec *taRecord, fn string) {
	if rec.ab.Detached() {
		st.r.ThrowTypeError("%s: the typed array's buffer was detached", fn)
	}
}

// convert converts an operand to the element type: ToBigInt for BigInt
// arrays, ToIntegerOrInfinity otherwise. raw holds its low 64 bits (the
// element's bits are the low ones); v is the converted value (what
// Atomics.store returns).
func (st *state) convert(rec *taRecord, x goja.Value) (raw uint64, v goja.Value) {
	if rec.kind.isBigInt() {
		b := st.toBigInt(x)
		n, _ := b.Export().(*big.Int)
		return low64(n), b
	}
	f := toIntegerOrInfinity(x)
	return modular(f), st.vm.ToValue(f)
}

var two64 = new(big.Int).Lsh(big.NewInt(1), 64)

// low64 is n modulo 2^64 (two's complement for negative n).
func low64(n *big.Int) uint64 {
	if n == nil {
		return 0
	}
	if n.IsInt64() {
		return uint64(n.Int64())
	}
	return new(big.Int).Mod(n, two64).Uint64()
}

// modular is an integral Number modulo 2^64 (±∞ give 0), from which
// ToInt8 … ToUint32 are the low bits.
func modular(f float64) uint64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	if f > -(1<<63) && f < 1<<63 {
		return uint64(int64(f))
	}
	m := math.Mod(f, 1<<64) // exact
	switch {
	case m >= 1<<63:
		return uint64(m)
	case m >= -(1 << 63):
		return uint64(int64(m))
	default:
		return uint64(m + (1 << 64)) // exact: m is a multiple of 2^11
	}
}

// get reads element i (zero-extended bits).
func (rec *taRecord) get(i int) uint64 {
	switch s := rec.o.Export().(type) {
	case []int8:
		return uint64(uint8(s[i]))
	case []uint8:
		return uint64(s[i])
	case []int16:
		return uint64(uint16(s[i]))
	case []uint16:
		return uint64(s[i])
	case []int32:
		return uint64(uint32(s[i]))
	case []uint32:
		return uint64(s[i])
	case []int64:
		return uint64(s[i])
	case []uint64:
		return s[i]
	}
	panic("ecma: unexpected typed array export")
}

// set writes the low bits of raw to element i.
func (rec *taRecord) set(i int, raw uint64) {
	switch s := rec.o.Export().(type) {
	case []int8:
		s[i] = int8(raw)
	case []uint8:
		s[i] = uint8(raw)
	case []int16:
		s[i] = int16(raw)
	case []uint16:
		s[i] = uint16(raw)
	case []int32:
		s[i] = int32(raw)
	case []uint32:
		s[i] = uint32(raw)
	case []int64:
		s[i] = int64(raw)
	case []uint64:
		s[i] = raw
	default:
		panic("ecma: unexpected typed array export")
	}
}

// byteIndex is the index in the buffer of element i.
func (rec *taRecord) byteIndex(i int) int64 {
	el := reflect.ValueOf(rec.o.Export()).Index(i).UnsafeAddr()
	base := reflect.ValueOf(rec.ab.Bytes()).Pointer()
	return int64(el - base)
}

// value converts the bits of an element to a Number or BigInt.
func (st *state) value(k elemKind, raw uint64) goja.Value {
	var n int64
	switch k {
	case kInt8:
		n = int64(int8(raw))
	case kUint8:
		n = int64(uint8(raw))
	case kInt16:
		n = int64(int16(raw))
	case kUint16:
		n = int64(uint16(raw))
	case kInt32:
		n = int64(int32(raw))
	case kUint32:
		n = int64(uint32(raw))
	case kBigInt64:
		return st.vm.ToValue(big.NewInt(int64(raw)))
	case kBigUint64:
		return st.vm.ToValue(new(big.Int).SetUint64(raw))
	}
	return st.vm.ToValue(n)
}

// readModifyWrite is AtomicReadModifyWrite: it returns the old value.
func (st *state) readModifyWrite(call goja.FunctionCall, fn string, op func(old, v uint64) uint64) goja.Value {
	rec := st.validate(call.Argument(0), false, fn)
	i := st.access(rec, call.Argument(1), fn)
	v, _ := st.convert(rec, call.Argument(2))
	st.revalidate(rec, fn)
	old := rec.get(i)
	rec.set(i, op(old, v))
	return st.value(rec.kind, old)
}

func (st *state) compareExchange(call goja.FunctionCall) goja.Value {
	const fn = "Atomics.compareExchange"
	rec := st.validate(call.Argument(0), false, fn)
	i := st.access(rec, call.Argument(1), fn)
	expected, _ := st.convert(rec, call.Argument(2))
	replacement, _ := st.convert(rec, call.Argument(3))
	st.revalidate(rec, fn)
	old := rec.get(i)
	if old == expected&rec.kind.mask() {
		rec.set(i, replacement)
	}
	return st.value(rec.kind, old)
}

func (st *state) load(call goja.FunctionCall) goja.Value {
	const fn = "Atomics.load"
	rec := st.validate(call.Argument(0), false, fn)
	i := st.access(rec, call.Argument(1), fn)
	st.revalidate(rec, fn)
	return st.value(rec.kind, rec.get(i))
}

func (st *state) store(call goja.FunctionCall) goja.Value {
	const fn = "Atomics.store"
	rec := st.validate(call.Argument(0), false, fn)
	i := st.access(rec, call.Argument(1), fn)
	raw, v := st.convert(rec, call.Argument(2))
	st.revalidate(rec, fn)
	rec.set(i, raw)
	return v
}

// waiterKey is a WaiterList's identity: a shared buffer and a byte index.
type waiterKey struct {
	buf   *goja.Object
	index int64
}

// waiter is an Atomics.waitAsync promise waiting for notify or its timeout.
type waiter struct {
	key     waiterKey
	ctx     *realm.Context
	resolve func(any) error
	timer   *time.Timer
	done    bool
}

// doWait is DoWait (ES2024 25.4.3.14). The agent cannot suspend, so in
// sync mode (Atomics.wait) it throws a TypeError once the arguments are
// validated; in async mode (Atomics.waitAsync) the waiter is woken by
// Atomics.notify or its timeout, each resolving the promise in a task of
// the request that waits.
func (st *state) doWait(call goja.FunctionCall, async bool) goja.Value {
	fn := "Atomics.wait"
	if async {
		fn = "Atomics.waitAsync"
	}
	rec := st.validate(call.Argument(0), true, fn)
	if !st.r.IsSharedArrayBuffer(rec.buf) {
		st.r.ThrowTypeError("%s: the typed array is not backed by a SharedArrayBuffer", fn)
	}
	i := st.access(rec, call.Argument(1), fn)
	var v uint64
	if rec.kind == kBigInt64 {
		n, _ := st.toBigInt(call.Argument(2)).Export().(*big.Int)
		v = low64(n)
	} else {
		v = modular(toIntegerOrInfinity(call.Argument(2))) & rec.kind.mask()
	}
	q := call.Argument(3).ToNumber().ToFloat()
	t := math.Inf(1)
	switch {
	case math.IsNaN(q) || math.IsInf(q, 1):
	case math.IsInf(q, -1):
		t = 0
	default:
		t = max(q, 0)
	}
	if !async {
		st.r.ThrowTypeError("%s cannot be called in this context: a worker's agent cannot suspend (use Atomics.waitAsync)", fn)
	}
	st.revalidate(rec, fn)
	result := func(isAsync bool, value goja.Value) goja.Value {
		o := st.vm.NewObject()
		_ = o.Set("async", isAsync)
		_ = o.Set("value", value)
		return o
	}
	if rec.get(i) != v {
		return result(false, st.vm.ToValue("not-equal"))
	}
	if t == 0 {
		return result(false, st.vm.ToValue("timed-out"))
	}
	p, resolve, _ := st.vm.NewPromise()
	w := &waiter{key: waiterKey{buf: rec.buf, index: rec.byteIndex(i)}, ctx: st.r.Current(), resolve: resolve}
	if st.waiters == nil {
		st.waiters = map[waiterKey][]*waiter{}
	}
	st.waiters[w.key] = append(st.waiters[w.key], w)
	if d := t * float64(time.Millisecond); d < math.MaxInt64 {
		r := st.r
		w.timer = time.AfterFunc(time.Duration(d), func() {
			r.Submit(w.ctx, func() {
				if !w.done {
					st.removeWaiter(w)
					w.done = true
					_ = w.resolve("timed-out")
				}
			})
		})
	}
	if w.ctx != nil {
		w.ctx.OnEnd(func() {
			if !w.done {
				w.done = true
				st.removeWaiter(w)
				if w.timer != nil {
					w.timer.Stop()
				}
			}
		})
	}
	return result(true, st.vm.ToValue(p))
}

// removeWaiter takes w out of its WaiterList.
func (st *state) removeWaiter(w *waiter) {
	list := st.waiters[w.key]
	for j, x := range list {
		if x == w {
			list = append(list[:j:j], list[j+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(st.waiters, w.key)
	} else {
		st.waiters[w.key] = list
	}
}

// notify is Atomics.notify(typedArray, index, count): it wakes up to count
// waiters (all when count is undefined) in FIFO order and returns how many.
func (st *state) notify(call goja.FunctionCall) goja.Value {
	const fn = "Atomics.notify"
	rec := st.validate(call.Argument(0), true, fn)
	i := st.access(rec, call.Argument(1), fn)
	c := math.Inf(1)
	if count := call.Argument(2); !goja.IsUndefined(count) {
		c = max(toIntegerOrInfinity(count), 0)
	}
	if !st.r.IsSharedArrayBuffer(rec.buf) || rec.ab.Detached() {
		return st.vm.ToValue(0)
	}
	key := waiterKey{buf: rec.buf, index: rec.byteIndex(i)}
	n := 0
	for list := st.waiters[key]; len(list) > 0 && float64(n) < c; list = st.waiters[key] {
		w := list[0]
		st.removeWaiter(w)
		w.done = true
		if w.timer != nil {
			w.timer.Stop()
		}
		st.r.Submit(w.ctx, func() { _ = w.resolve("ok") })
		n++
	}
	return st.vm.ToValue(n)
}
