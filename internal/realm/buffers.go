package realm

import (
	"reflect"

	"github.com/dop251/goja"
)

var arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})

var numericKinds = map[reflect.Kind]bool{
	reflect.Int8: true, reflect.Uint8: true, reflect.Int16: true, reflect.Uint16: true,
	reflect.Int32: true, reflect.Uint32: true, reflect.Int64: true, reflect.Uint64: true,
	reflect.Float32: true, reflect.Float64: true,
}

type bufferCtors struct {
	uint8Array *goja.Object
	dataView   *goja.Object
}

var bufferKey = NewKey[*bufferCtors]()

func (r *Realm) bufferCtors() *bufferCtors {
	b := bufferKey.Get(r)
	if b == nil {
		g := r.vm.GlobalObject()
		b = &bufferCtors{}
		b.uint8Array, _ = g.Get("Uint8Array").(*goja.Object)
		b.dataView, _ = g.Get("DataView").(*goja.Object)
		bufferKey.Set(r, b)
	}
	return b
}

// Bytes returns the bytes of a BufferSource (an ArrayBuffer, a typed array
// or a DataView), sharing its memory, and whether v was one. Copy the slice
// before keeping it past the current task.
func (r *Realm) Bytes(v goja.Value) ([]byte, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	t := o.ExportType()
	switch {
	case t == arrayBufferType:
		ab := o.Export().(goja.ArrayBuffer)
		if ab.Detached() {
			return []byte{}, true
		}
		return ab.Bytes(), true
	case t != nil && t.Kind() == reflect.Slice && numericKinds[t.Elem().Kind()]:
		// typed arrays export as slices of their element type (plain
		// arrays export as []interface{} and are not BufferSources)
	default:
		if dv := r.bufferCtors().dataView; dv == nil || !r.vm.InstanceOf(o, dv) {
			return nil, false
		}
	}
	// A view on a detached buffer has byteLength 0; goja's export of it
	// would point at freed memory, so never export it.
	if bl := o.Get("byteLength"); bl == nil || bl.ToInteger() == 0 {
		return []byte{}, true
	}
	var b []byte
	if err := r.vm.ExportTo(o, &b); err != nil {
		return nil, false
	}
	return b, true
}

// IsBufferSource reports whether v is an ArrayBuffer or ArrayBufferView.
func (r *Realm) IsBufferSource(v goja.Value) bool {
	_, ok := r.Bytes(v)
	return ok
}

// NewUint8Array wraps b (without copying) in a new Uint8Array.
func (r *Realm) NewUint8Array(b []byte) *goja.Object {
	o, err := r.vm.New(r.bufferCtors().uint8Array, r.vm.ToValue(r.vm.NewArrayBuffer(b)))
	if err != nil {
		panic(err)
	}
	return o
}

// NewArrayBuffer wraps b (without copying) in a new ArrayBuffer.
func (r *Realm) NewArrayBuffer(b []byte) goja.Value {
	return r.vm.ToValue(r.vm.NewArrayBuffer(b))
}
