package ecma

import (
	"github.com/dop251/goja"
)

// installArrayBuffer adds transfer, transferToFixedLength and detached to
// ArrayBuffer.prototype, and makes byteLength and slice refuse
// SharedArrayBuffers (goja's brand check accepts any buffer object, and
// ours are buffer objects). slice also throws for a detached buffer when
// the result would be empty (goja checks only when it copies).
func (st *state) installArrayBuffer() {
	proto, _ := st.abCtor.Get("prototype").(*goja.Object)
	if proto == nil {
		return
	}
	vm := st.vm
	st.getter(proto, "byteLength", func(call goja.FunctionCall) goja.Value {
		ab := st.thisArrayBuffer(call.This, "get ArrayBuffer.prototype.byteLength")
		return vm.ToValue(len(ab.Bytes()))
	})
	if orig, ok := goja.AssertFunction(proto.Get("slice")); ok {
		st.method(proto, "slice", 2, func(call goja.FunctionCall) goja.Value {
			if st.thisArrayBuffer(call.This, "ArrayBuffer.prototype.slice").Detached() {
				// goja only checks when the result is not empty
				st.r.ThrowTypeError("ArrayBuffer.prototype.slice: the ArrayBuffer is detached")
			}
			res := st.call(orig, call.This, call.Arguments...)
			if st.r.IsSharedArrayBuffer(res) {
				st.r.ThrowTypeError("ArrayBuffer.prototype.slice: the species constructor returned a SharedArrayBuffer")
			}
			return res
		})
	}
	st.method(proto, "transfer", 0, func(call goja.FunctionCall) goja.Value {
		return st.transfer(call, "ArrayBuffer.prototype.transfer")
	})
	st.method(proto, "transferToFixedLength", 0, func(call goja.FunctionCall) goja.Value {
		return st.transfer(call, "ArrayBuffer.prototype.transferToFixedLength")
	})
	st.getter(proto, "detached", func(call goja.FunctionCall) goja.Value {
		ab := st.thisArrayBuffer(call.This, "get ArrayBuffer.prototype.detached")
		return vm.ToValue(ab.Detached())
	})
}

// thisArrayBuffer is the receiver check of ArrayBuffer.prototype methods:
// an ArrayBuffer that is not shared.
func (st *state) thisArrayBuffer(this goja.Value, method string) goja.ArrayBuffer {
	o, ok := this.(*goja.Object)
	if !ok || o.ExportType() != arrayBufferType || st.r.IsSharedArrayBuffer(o) {
		st.r.ThrowTypeError("Method %s called on incompatible receiver %s", method, st.describe(this))
	}
	return o.Export().(goja.ArrayBuffer)
}

// transfer is ArrayBufferCopyAndDetach (ES2024 25.1.3.3). goja's buffers
// are never resizable, so transfer and transferToFixedLength are the same.
// The bytes move without a copy when the length stays (or shrinks by less
// than half); a longer buffer is allocated through the ArrayBuffer
// constructor (and its allocation guard) and zero-extended.
func (st *state) transfer(call goja.FunctionCall, method string) goja.Value {
	ab := st.thisArrayBuffer(call.This, method)
	var n int64
	if arg := call.Argument(0); goja.IsUndefined(arg) {
		n = int64(len(ab.Bytes()))
	} else {
		n = st.toIndex(arg, method)
	}
	if ab.Detached() {
		st.r.ThrowTypeError("%s: the ArrayBuffer is detached", method)
	}
	data := ab.Bytes()
	var out goja.Value
	switch {
	case n == int64(len(data)):
		if data == nil {
			data = []byte{} // goja takes a nil slice for a detached buffer
		}
		out = st.vm.ToValue(st.vm.NewArrayBuffer(data))
	case n < int64(len(data)) && n >= int64(len(data))/2:
		out = st.vm.ToValue(st.vm.NewArrayBuffer(data[:n:n]))
	case n < int64(len(data)):
		b := make([]byte, n)
		copy(b, data)
		out = st.vm.ToValue(st.vm.NewArrayBuffer(b))
	default:
		nb := st.allocate(n, method)
		// The allocation ran the (script-visible) ArrayBuffer constructor.
		if ab.Detached() {
			st.r.ThrowTypeError("%s: the ArrayBuffer is detached", method)
		}
		copy(nb.Export().(goja.ArrayBuffer).Bytes(), ab.Bytes())
		out = nb
	}
	ab.Detach()
	return out
}
