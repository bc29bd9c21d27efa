package ecma

import (
	"math"
	"reflect"

	"github.com/dop251/goja"
)

// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction
// bits. The largest finite value is 65504, the smallest normal 2^-14 and
// the smallest subnormal 2^-24.
const (
	f16SignMask = 0x8000
	f16ExpMask  = 0x7c00
	f16FracMask = 0x03ff
	f16Inf      = 0x7c00
	f16NaN      = 0x7e00 // the quiet NaN written for every NaN
)

// float16Bits rounds f to the nearest binary16 value, ties to even, as
// ECMAScript's Number-to-Float16 conversion does (ES2025 6.2.9.x, used by
// Math.f16round, Float16Array and DataView.prototype.setFloat16). It
// rounds once, from the float64: rounding through a float32 first would
// round some values twice (a float64 just above a binary16 tie can become
// the tie as a float32, which then rounds to even, the wrong way). Values
// whose magnitude rounds past 65504 become ±Infinity, -0 stays -0, and
// every NaN becomes the same quiet NaN.
func float16Bits(f float64) uint16 {
	b := math.Float64bits(f)
	sign := uint16(b>>48) & f16SignMask
	exp := int(b>>52) & 0x7ff
	frac := b & (1<<52 - 1)
	if exp == 0x7ff {
		if frac != 0 {
			return sign | f16NaN
		}
		return sign | f16Inf
	}
	e := exp - 1023 // unbiased; a float64 zero or subnormal is far below 2^-25
	switch {
	case e > 15:
		return sign | f16Inf
	case e >= -14:
		// Normal: keep 10 of the 52 fraction bits. A carry out of the
		// fraction increments the exponent, up to Infinity (0x7c00) for
		// values from 65520 up.
		h := uint16(e+15)<<10 | uint16(frac>>42)
		return sign | roundHalfEven(h, frac&(1<<42-1), 1<<41)
	case e >= -25:
		// Subnormal (or rounds to zero, or to the smallest normal): the
		// value in units of 2^-24 is m·2^(e-52+24), m with its leading bit.
		m := frac | 1<<52
		shift := uint(28 - e) // 43..53
		h := uint16(m >> shift)
		return sign | roundHalfEven(h, m&(1<<shift-1), 1<<(shift-1))
	}
	return sign // below 2^-25: rounds to ±0
}

// roundHalfEven adds one unit to h when the dropped bits rest exceed half
// a unit, or equal it and h is odd.
func roundHalfEven(h uint16, rest, half uint64) uint16 {
	if rest > half || rest == half && h&1 == 1 {
		h++
	}
	return h
}

// float16Value widens a binary16 value to a float64, exactly.
func float16Value(h uint16) float64 {
	exp := int(h&f16ExpMask) >> 10
	frac := float64(h & f16FracMask)
	var f float64
	switch exp {
	case 0:
		f = math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		f = math.Inf(1)
	default:
		f = math.Ldexp(1024+frac, exp-25)
	}
	if h&f16SignMask != 0 {
		f = -f
	}
	return f
}

// f16round is ECMAScript's Math.f16round conversion on a Number.
func f16round(f float64) float64 { return float16Value(float16Bits(f)) }

// installMathF16Round defines Math.f16round (ES2025 21.3.2.17).
func (st *state) installMathF16Round() {
	m, _ := st.vm.GlobalObject().Get("Math").(*goja.Object)
	if m == nil || m.Get("f16round") != nil {
		return
	}
	vm := st.vm
	st.method(m, "f16round", 1, func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(f16round(call.Argument(0).ToFloat()))
	})
}

// installDataViewFloat16 defines DataView.prototype.getFloat16 and
// setFloat16 (ES2025 25.3.4.7, 25.3.4.17) on top of goja's getUint16 and
// setUint16, which do the receiver check, ToIndex, the byte order, the
// detached (TypeError) and bounds (RangeError) checks in the order
// GetViewValue and SetViewValue specify. setFloat16 converts its index and
// value first, in the specified order, and passes them on as primitives.
// The two are looked up on first use, as realm.viewIntrinsics captures its
// built-ins: reading them from the prototype now would cost every isolate
// 21 allocations (goja makes its built-in methods on first access).
func (st *state) installDataViewFloat16() {
	dv, _ := st.vm.GlobalObject().Get("DataView").(*goja.Object)
	if dv == nil || st.isView == nil { // isView is needed by thisDataView
		return
	}
	proto, _ := dv.Get("prototype").(*goja.Object)
	if proto == nil || proto.Get("getFloat16") != nil {
		return
	}
	var getU16, setU16 goja.Callable
	intrinsics := func() {
		if getU16 == nil {
			getU16, _ = goja.AssertFunction(proto.Get("getUint16"))
			setU16, _ = goja.AssertFunction(proto.Get("setUint16"))
			if getU16 == nil || setU16 == nil {
				getU16, setU16 = nil, nil
				st.r.ThrowTypeError("DataView.prototype.getUint16 and setUint16 are not usable")
			}
		}
	}
	vm := st.vm
	st.method(proto, "getFloat16", 1, func(call goja.FunctionCall) goja.Value {
		st.thisDataView(call.This, "DataView.prototype.getFloat16")
		intrinsics()
		v := st.call(getU16, call.This, call.Argument(0), call.Argument(1))
		return vm.ToValue(float16Value(uint16(v.ToInteger())))
	})
	st.method(proto, "setFloat16", 2, func(call goja.FunctionCall) goja.Value {
		st.thisDataView(call.This, "DataView.prototype.setFloat16")
		intrinsics()
		idx := st.toIndex(call.Argument(0), "DataView.prototype.setFloat16")
		bits := float16Bits(call.Argument(1).ToFloat())
		return st.call(setU16, call.This, vm.ToValue(idx), vm.ToValue(bits), vm.ToValue(call.Argument(2).ToBoolean()))
	})
}

// thisDataView is RequireInternalSlot(view, [[DataView]]): only a DataView
// is an ArrayBufferView that does not export as a Go slice (goja exports a
// typed array as a slice of its element type).
func (st *state) thisDataView(this goja.Value, method string) {
	if o, ok := this.(*goja.Object); ok {
		if t := o.ExportType(); t == nil || t.Kind() != reflect.Slice {
			if res, err := st.isView(goja.Undefined(), o); err == nil && res.ToBoolean() {
				return
			}
		}
	}
	st.r.ThrowTypeError("Method %s called on incompatible receiver %s", method, st.describe(this))
}
