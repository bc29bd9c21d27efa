package crypto

import (
	"reflect"
	"runtime"
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
	if err != nil {
		propagate(err)
		return false
	}
	return res.ToBoolean()
}

// viewBytes returns the bytes a typed array or DataView views (sharing
// memory). A view on a detached buffer has no bytes.
func (s *state) viewBytes(o *goja.Object) (b []byte, ok bool) {
	defer func() {
		if x := recover(); x != nil {
			if _, isRT := x.(runtime.Error); !isRT {
				panic(x) // a JS exception or an interrupt
			}
			b, ok = nil, true // goja slices a detached buffer's nil data
		}
	}()
	if o.ExportType() == typeBytes {
		// Uint8Array and Uint8ClampedArray: goja's Export computes their
		// slice with pointer arithmetic, even over a detached buffer (it then
		// points at unmapped memory; with checkptr it is a fatal error), so
		// look at the buffer first. A script that redefines the buffer getter
		// cannot get memory outside a live ArrayBuffer either: the slice is
		// used only if it lies within the memory of the buffer reported.
		buf := s.viewedBuffer(o)
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

// viewedBuffer returns the buffer of typed array o (nil if none). It calls
// the %TypedArray%.prototype.buffer getter found on first use rather than
// looking the property up: on a typed array, goja first checks whether a
// property name is a canonical numeric string (for "buffer", by converting
// it to a number and back), which made that lookup about a tenth of the
// time of a whole crypto.subtle.sign of 1 KiB. If the getter cannot be
// found (the globals were tampered with), the property is looked up. Either
// way, what the getter returns is not trusted (see viewBytes).
func (s *state) viewedBuffer(o *goja.Object) *goja.Object {
	if !s.bufferGetterSet {
		s.bufferGetterSet = true
		s.bufferGetter = s.findBufferGetter()
	}
	if s.bufferGetter == nil {
		buf, _ := o.Get("buffer").(*goja.Object)
		return buf
	}
	v, err := s.bufferGetter(o)
	if err != nil {
		panic(err) // a JS exception is rethrown; an interrupt propagates
	}
	buf, _ := v.(*goja.Object)
	return buf
}

// findBufferGetter returns
// Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer').get,
// or nil.
func (s *state) findBufferGetter() (getter goja.Callable) {
	defer func() {
		if x := recover(); x != nil {
			if _, isEx := x.(*goja.Exception); !isEx {
				panic(x)
			}
			getter = nil
		}
	}()
	g := s.vm.GlobalObject()
	u8, _ := g.Get("Uint8Array").(*goja.Object)
	obj, _ := g.Get("Object").(*goja.Object)
	if u8 == nil || obj == nil {
		return nil
	}
	proto, _ := u8.Get("prototype").(*goja.Object)
	gopd, ok := goja.AssertFunction(obj.Get("getOwnPropertyDescriptor"))
	if proto == nil || proto.Prototype() == nil || !ok {
		return nil
	}
	d, err := gopd(obj, proto.Prototype(), s.vm.ToValue("buffer"))
	if err != nil {
		propagate(err)
		return nil
	}
	desc, _ := d.(*goja.Object)
	if desc == nil {
		return nil
	}
	getter, _ = goja.AssertFunction(desc.Get("get"))
	return getter
}

// propagate panics with err unless it is a JS exception: an interrupt (or
// another uncatchable error) must reach the event loop.
func propagate(err error) {
	if _, isEx := err.(*goja.Exception); !isEx {
		panic(err)
	}
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
	src, ok := s.asSource(v)
	if !ok {
		return nil, false
	}
	return s.bytes(src), true
}

// source is a BufferSource argument as WebIDL converts it: a reference to
// the buffer or view, whose bytes the method's steps read later ("get a copy
// of the bytes held by the buffer source"), after normalizing the algorithm.
type source struct {
	o    *goja.Object
	kind viewKindT
}

// asSource converts v to a BufferSource; ok is false for any other value.
func (s *state) asSource(v goja.Value) (source, bool) {
	o, isObj := v.(*goja.Object)
	if !isObj {
		return source{}, false
	}
	k := s.viewKind(o)
	return source{o: o, kind: k}, k != viewNone
}

// sourceArg converts argument v of a SubtleCrypto method to a BufferSource,
// throwing the WebIDL TypeError for anything else.
func (s *state) sourceArg(v goja.Value, method string, pos int) source {
	src, ok := s.asSource(v)
	if !ok {
		throw("TypeError", "Failed to execute '%s' on 'SubtleCrypto': parameter %d is not of type '(ArrayBuffer or ArrayBufferView)'.", method, pos)
	}
	return src
}

// bytes returns the bytes src holds now, sharing its memory (none when its
// buffer is detached). Copy them before script can run again or before
// handing them to another goroutine.
func (s *state) bytes(src source) []byte {
	if src.kind == viewBuffer {
		ab, _ := src.o.Export().(goja.ArrayBuffer)
		return ab.Bytes()
	}
	b, _ := s.viewBytes(src.o)
	return b
}

// newArrayBuffer wraps b (owned by the caller from now on) as an ArrayBuffer.
func (s *state) newArrayBuffer(b []byte) goja.Value {
	if b == nil {
		b = []byte{}
	}
	return s.vm.ToValue(s.vm.NewArrayBuffer(b))
}
