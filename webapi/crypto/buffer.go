package crypto

import (
	"reflect"
	"unsafe"

	"github.com/dop251/goja"
)

// Export types of goja's buffer objects.
var (
	typeArrayBuffer = reflect.TypeOf(goja.ArrayBuffer{})
	typeBytes       = reflect.TypeOf([]byte(nil))
	typeInt8s       = reflect.TypeOf([]int8(nil))
	typeInt16s      = reflect.TypeOf([]int16(nil))
	typeUint16s     = reflect.TypeOf([]uint16(nil))
	typeInt32s      = reflect.TypeOf([]int32(nil))
	typeUint32s     = reflect.TypeOf([]uint32(nil))
	typeInt64s      = reflect.TypeOf([]int64(nil))
	typeUint64s     = reflect.TypeOf([]uint64(nil))
	typeFloat32s    = reflect.TypeOf([]float32(nil))
	typeFloat64s    = reflect.TypeOf([]float64(nil))
	typeMap         = reflect.TypeOf(map[string]any(nil))
)

type viewKindT uint8

const (
	viewNone viewKindT = iota
	viewInteger
	viewFloat
	viewDataView
	viewBuffer // an ArrayBuffer, not a view
)

// viewKind classifies o as an integer typed array, a float typed array, a
// DataView, an ArrayBuffer or something else.
func (s *state) viewKind(o *goja.Object) viewKindT {
	switch et := o.ExportType(); et {
	case typeArrayBuffer:
		return viewBuffer
	case typeBytes, typeInt8s, typeInt16s, typeUint16s, typeInt32s, typeUint32s, typeInt64s, typeUint64s:
		if o.ClassName() == "Array" { // a wrapped Go slice, not a typed array
			return viewNone
		}
		return viewInteger
	case typeFloat32s, typeFloat64s:
		if o.ClassName() == "Array" {
			return viewNone
		}
		return viewFloat
	case typeMap:
		if s.isDataView(o) {
			return viewDataView
		}
	}
	return viewNone
}

// isDataView reports whether o (which exports as a map) is an
// ArrayBufferView, which then can only be a DataView.
func (s *state) isDataView(o *goja.Object) bool {
	if s.isView == nil {
		ab, _ := s.vm.GlobalObject().Get("ArrayBuffer").(*goja.Object)
		if ab == nil {
			return false
		}
		fn, ok := goja.AssertFunction(ab.Get("isView"))
		if !ok {
			return false
		}
		s.isView = fn
	}
	res, err := s.isView(goja.Undefined(), o)
	return err == nil && res.ToBoolean()
}

// viewBytes returns the bytes a typed array or DataView views (sharing
// memory). A view on a detached buffer has no bytes.
func (s *state) viewBytes(o *goja.Object) (b []byte, ok bool) {
	defer func() {
		if recover() != nil { // goja slices a detached buffer's nil data
			b, ok = nil, true
		}
	}()
	if o.ExportType() == typeBytes {
		// Uint8Array and Uint8ClampedArray: goja's Export computes their
		// slice with pointer arithmetic, even over a detached buffer (it then
		// points at unmapped memory; with checkptr it is a fatal error), so
		// look at the buffer first. A script that redefines the buffer getter
		// cannot get memory outside a live ArrayBuffer either: the slice is
		// used only if it lies within the memory of the buffer reported.
		buf, _ := o.Get("buffer").(*goja.Object)
		if buf == nil {
			return nil, true
		}
		ab, isAB := buf.Export().(goja.ArrayBuffer)
		if !isAB || ab.Detached() {
			return nil, true
		}
		v, _ := o.Export().([]byte)
		if len(v) == 0 || !within(v, ab.Bytes()) {
			return nil, true
		}
		return v, true
	}
	// Other views export by slicing the buffer's data (bounds-checked).
	if err := s.vm.ExportTo(o, &b); err != nil {
		return nil, false
	}
	return b, true
}

// within reports whether sub lies inside the memory of buf (pointer
// comparison only; sub is not dereferenced).
func within(sub, buf []byte) bool {
	if len(buf) == 0 || len(sub) > len(buf) {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return start >= base && start-base <= uintptr(len(buf)-len(sub))
}

// bufferSource returns the bytes of a BufferSource (ArrayBuffer or view),
// sharing memory with it; ok is false for any other value.
func (s *state) bufferSource(v goja.Value) ([]byte, bool) {
	o, isObj := v.(*goja.Object)
	if !isObj {
		return nil, false
	}
	switch s.viewKind(o) {
	case viewBuffer:
		ab, _ := o.Export().(goja.ArrayBuffer)
		return ab.Bytes(), true
	case viewInteger, viewFloat, viewDataView:
		return s.viewBytes(o)
	}
	return nil, false
}

// bytesArg converts argument v of a SubtleCrypto method to bytes, throwing
// the WebIDL TypeError for anything but a BufferSource. With copyBytes the
// result is a private copy (needed when work continues off the loop).
func (s *state) bytesArg(v goja.Value, method string, pos int, copyBytes bool) []byte {
	b, ok := s.bufferSource(v)
	if !ok {
		throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': parameter %d is not of type '(ArrayBuffer or ArrayBufferView)'.", method, pos)
	}
	if copyBytes {
		return append([]byte{}, b...)
	}
	return b
}

// newArrayBuffer wraps b (owned by the caller from now on) as an ArrayBuffer.
func (s *state) newArrayBuffer(b []byte) goja.Value {
	if b == nil {
		b = []byte{}
	}
	return s.vm.ToValue(s.vm.NewArrayBuffer(b))
}
