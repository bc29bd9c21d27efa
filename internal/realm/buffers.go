package realm

import (
	"reflect"
	"weak"

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
// before keeping it past the current task. As WebIDL says of BufferSource
// without [AllowShared], a SharedArrayBuffer and a view on one are not
// BufferSources (ok is false); use BytesAllowShared where the IDL type is
// [AllowShared].
func (r *Realm) Bytes(v goja.Value) ([]byte, bool) {
	return r.bytes(v, false)
}

// BytesAllowShared is Bytes for an [AllowShared] BufferSource: a
// SharedArrayBuffer or a view on one is accepted too.
func (r *Realm) BytesAllowShared(v goja.Value) ([]byte, bool) {
	return r.bytes(v, true)
}

func (r *Realm) bytes(v goja.Value, allowShared bool) ([]byte, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	t := o.ExportType()
	switch {
	case t == arrayBufferType:
		if !allowShared && r.IsSharedArrayBuffer(o) {
			return nil, false
		}
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
			if b, buf, ok := r.HookedView(o); ok {
				if !allowShared && buf != nil && r.IsSharedArrayBuffer(buf) {
					return nil, false
				}
				return b, true
			}
			return nil, false
		}
	}
	if !allowShared && r.IsSharedView(o) {
		return nil, false
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

// ViewHook returns the bytes a view goja does not know (webapi/ecma's
// Float16Array, a Proxy) shows, sharing its memory, and its viewed buffer
// object, when o is such a view.
type ViewHook func(o *goja.Object) (b []byte, buffer *goja.Object, ok bool)

var viewHookKey = NewKey[ViewHook]()

// SetViewHook makes the views h recognises BufferSources for Bytes and
// everything built on it (bodies, TextDecoder, crypto.subtle, Blob parts).
func (r *Realm) SetViewHook(h ViewHook) { viewHookKey.Set(r, h) }

// HookedView asks the view hook (SetViewHook) about o.
func (r *Realm) HookedView(o *goja.Object) (b []byte, buffer *goja.Object, ok bool) {
	if h := viewHookKey.Get(r); h != nil && o != nil {
		return h(o)
	}
	return nil, nil, false
}

// IsBufferSource reports whether v is an ArrayBuffer or ArrayBufferView
// (not shared: see Bytes).
func (r *Realm) IsBufferSource(v goja.Value) bool {
	_, ok := r.Bytes(v)
	return ok
}

// sharedBuffers is the brand of SharedArrayBuffer objects. goja has no
// shared buffers of its own: a SharedArrayBuffer (webapi/ecma) is a goja
// ArrayBuffer object with another prototype, so the brand lives here, on
// the Go side, where script cannot forge or remove it. The objects are held
// weakly: an entry whose buffer was collected is swept when the set has
// doubled since the last sweep. data counts the shared buffers by the
// address of their bytes (which never change: a shared buffer is neither
// detached nor resized), so that most non-shared buffers are told apart
// without making a weak pointer to them.
type sharedBuffers struct {
	set   map[weak.Pointer[goja.Object]]uintptr
	data  map[uintptr]int
	sweep int // sweep the dead entries when the set reaches this size
}

var sharedKey = NewKey[*sharedBuffers]()

func dataAddr(ab goja.ArrayBuffer) uintptr {
	return reflect.ValueOf(ab.Bytes()).Pointer()
}

// MarkSharedArrayBuffer brands o, an ArrayBuffer object, as a
// SharedArrayBuffer. Only the SharedArrayBuffer constructor (webapi/ecma)
// should call it, on buffers it has just made.
func (r *Realm) MarkSharedArrayBuffer(o *goja.Object) {
	if o == nil || o.ExportType() != arrayBufferType {
		panic(r.NewTypeError("MarkSharedArrayBuffer: not an ArrayBuffer object"))
	}
	s := sharedKey.Get(r)
	if s == nil {
		s = &sharedBuffers{set: map[weak.Pointer[goja.Object]]uintptr{}, data: map[uintptr]int{}, sweep: 64}
		sharedKey.Set(r, s)
		// Capture the view built-ins now, before script can use a shared
		// buffer with them.
		r.viewIntrinsics()
	}
	if len(s.set) >= s.sweep {
		for k, addr := range s.set {
			if k.Value() == nil {
				delete(s.set, k)
				if s.data[addr]--; s.data[addr] <= 0 {
					delete(s.data, addr)
				}
			}
		}
		s.sweep = max(64, 2*len(s.set))
	}
	addr := dataAddr(o.Export().(goja.ArrayBuffer))
	s.set[weak.Make(o)] = addr
	s.data[addr]++
}

// IsSharedArrayBuffer reports whether v is a SharedArrayBuffer (ECMAScript's
// IsSharedArrayBuffer): an object made by the SharedArrayBuffer constructor,
// whatever its prototype now is.
func (r *Realm) IsSharedArrayBuffer(v goja.Value) bool {
	s := sharedKey.Get(r)
	if s == nil || len(s.set) == 0 {
		return false // no shared buffer was ever made in this realm
	}
	o, ok := v.(*goja.Object)
	if !ok || o.ExportType() != arrayBufferType {
		return false
	}
	// (A detached buffer has no bytes: only Go code could have detached a
	// shared one, so look it up.)
	if addr := dataAddr(o.Export().(goja.ArrayBuffer)); addr != 0 && s.data[addr] == 0 {
		return false
	}
	_, ok = s.set[weak.Make(o)]
	return ok
}

// IsSharedView reports whether v is a typed array or a DataView whose
// buffer is a SharedArrayBuffer.
func (r *Realm) IsSharedView(v goja.Value) bool {
	if s := sharedKey.Get(r); s == nil || len(s.set) == 0 {
		return false
	}
	buf := r.ViewedBuffer(v)
	return buf != nil && r.IsSharedArrayBuffer(buf)
}

// viewFns are the built-in accessors that read the internal slots of typed
// arrays and DataViews ([[TypedArrayName]], [[ViewedArrayBuffer]]), so that
// host code does not trust properties a script may have redefined. They are
// captured on first use (touching the typed array built-ins at start-up
// would cost every isolate), from the constructors captured in New.
type viewFns struct {
	taTag, taBuffer, dvBuffer goja.Callable
}

var viewFnsKey = NewKey[*viewFns]()

var viewFnsProgram = goja.MustCompile("workerhost:views", `(function (TA, DV) {
  function g(o, k) { var d = Object.getOwnPropertyDescriptor(o, k); return d && d.get; }
  return [g(TA, Symbol.toStringTag), g(TA, "buffer"), g(DV, "buffer")];
})`, true)

func (r *Realm) viewIntrinsics() *viewFns {
	if f := viewFnsKey.Get(r); f != nil {
		return f
	}
	f := &viewFns{}
	b := r.bufferCtors()
	if b.uint8Array != nil && b.dataView != nil {
		u8p, _ := b.uint8Array.Get("prototype").(*goja.Object)
		dvp, _ := b.dataView.Get("prototype").(*goja.Object)
		if u8p != nil && dvp != nil && u8p.Prototype() != nil {
			if mk, err := r.vm.RunProgram(viewFnsProgram); err == nil {
				if fn, ok := goja.AssertFunction(mk); ok {
					if res, err := fn(goja.Undefined(), u8p.Prototype(), dvp); err == nil {
						if arr, ok := res.(*goja.Object); ok {
							f.taTag, _ = goja.AssertFunction(arr.Get("0"))
							f.taBuffer, _ = goja.AssertFunction(arr.Get("1"))
							f.dvBuffer, _ = goja.AssertFunction(arr.Get("2"))
						}
					}
				}
			}
		}
	}
	if f.taTag == nil || f.taBuffer == nil || f.dvBuffer == nil {
		panic(r.NewTypeError("the typed array built-ins are not usable"))
	}
	viewFnsKey.Set(r, f)
	return f
}

// TypedArrayName returns the [[TypedArrayName]] of v ("Uint8Array",
// "Int32Array", ...), or "" when v is not a typed array.
func (r *Realm) TypedArrayName(v goja.Value) string {
	o, ok := v.(*goja.Object)
	if !ok {
		return ""
	}
	tag, err := r.viewIntrinsics().taTag(o)
	if err != nil || tag == nil || goja.IsUndefined(tag) {
		return ""
	}
	return tag.String()
}

// ViewedBuffer returns the [[ViewedArrayBuffer]] of a typed array or a
// DataView (an ArrayBuffer or a SharedArrayBuffer object), or nil when v is
// neither.
func (r *Realm) ViewedBuffer(v goja.Value) *goja.Object {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	f := r.viewIntrinsics()
	if r.TypedArrayName(o) != "" {
		b, err := f.taBuffer(o)
		if err != nil {
			return nil
		}
		bo, _ := b.(*goja.Object)
		return bo
	}
	// The DataView getter throws for anything but a DataView.
	b, err := f.dvBuffer(o)
	if err != nil {
		if _, buf, ok := r.HookedView(o); ok {
			return buf
		}
		return nil
	}
	bo, _ := b.(*goja.Object)
	return bo
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
