// Package encoding implements the WHATWG Encoding Standard's TextEncoder and
// TextDecoder and HTML's atob()/btoa() for workerhost realms, plus the Go
// helpers other Web API packages use to move text between JavaScript strings
// and bytes (EncodeUTF8, DecodeUTF8, NewDecoder).
package encoding

import (
	"reflect"
	"strconv"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

type state struct {
	nat *intrinsics // captured on first use
}

var stateKey = realm.NewKey[*state]()

// Install defines TextEncoder, TextDecoder, atob and btoa in r.
func Install(r *realm.Realm) {
	st := &state{}
	stateKey.Set(r, st)
	installTextEncoder(r, st)
	installTextDecoder(r, st)
	installBase64(r)
}

// textEncoder backs a TextEncoder object (it has no state).
type textEncoder struct{ realm.Host }

// textDecoder backs a TextDecoder object.
type textDecoder struct {
	realm.Host
	d *Decoder
}

func installTextEncoder(r *realm.Realm, st *state) {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("TextEncoder", 0, func(call goja.ConstructorCall) *goja.Object {
		return c.WrapFor(call, &textEncoder{})
	}, nil)
	utf8Name := vm.ToValue("utf-8")
	c.Getter("encoding", func(call goja.FunctionCall) goja.Value {
		realm.This[*textEncoder](r, call, "TextEncoder")
		return utf8Name
	})
	c.Method("encode", 0, func(call goja.FunctionCall) goja.Value {
		realm.This[*textEncoder](r, call, "TextEncoder")
		var b []byte
		if in := call.Argument(0); !goja.IsUndefined(in) {
			b = EncodeUTF8(in)
		}
		return st.intrinsics(r).newUint8Array(r, b)
	})
	c.Method("encodeInto", 2, func(call goja.FunctionCall) goja.Value {
		realm.This[*textEncoder](r, call, "TextEncoder")
		if len(call.Arguments) < 2 {
			panic(r.NewTypeError("Failed to execute 'encodeInto' on 'TextEncoder': 2 arguments required, but only " +
				strconv.Itoa(len(call.Arguments)) + " present."))
		}
		src := toJSString(call.Arguments[0])
		dst, ok := st.intrinsics(r).uint8ArrayBytes(call.Arguments[1])
		if !ok {
			panic(r.NewTypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'."))
		}
		read, written := encodeInto(src, dst)
		res := vm.NewObject()
		_ = res.Set("read", read)
		_ = res.Set("written", written)
		return res
	})
	c.Global()
}

func installTextDecoder(r *realm.Realm, st *state) {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("TextDecoder", 0, func(call goja.ConstructorCall) *goja.Object {
		label := "utf-8"
		if a := call.Argument(0); !goja.IsUndefined(a) {
			label = toJSString(a).String()
		}
		var fatal, ignoreBOM bool
		if o := dictionary(r, call.Argument(1), "Failed to construct 'TextDecoder'", "TextDecoderOptions"); o != nil {
			fatal = boolMember(o, "fatal")
			ignoreBOM = boolMember(o, "ignoreBOM")
		}
		d, err := NewDecoder(label, fatal, ignoreBOM)
		if err != nil {
			if len(label) > 64 {
				label = label[:64] + "…"
			}
			panic(r.NewError("RangeError", "Failed to construct 'TextDecoder': The encoding label provided ('"+label+"') is invalid."))
		}
		return c.WrapFor(call, &textDecoder{d: d})
	}, nil)
	c.Getter("encoding", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*textDecoder](r, call, "TextDecoder").d.name)
	})
	c.Getter("fatal", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*textDecoder](r, call, "TextDecoder").d.fatal)
	})
	c.Getter("ignoreBOM", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*textDecoder](r, call, "TextDecoder").d.ignoreBOM)
	})
	c.Method("decode", 0, func(call goja.FunctionCall) goja.Value {
		td := realm.This[*textDecoder](r, call, "TextDecoder")
		var p []byte
		if in := call.Argument(0); !goja.IsUndefined(in) {
			var ok bool
			if p, ok = st.intrinsics(r).bufferSource(in); !ok {
				panic(r.NewTypeError("Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'ArrayBuffer or ArrayBufferView'."))
			}
		}
		stream := false
		if o := dictionary(r, call.Argument(1), "Failed to execute 'decode' on 'TextDecoder'", "TextDecodeOptions"); o != nil {
			stream = boolMember(o, "stream")
		}
		s, err := td.d.Decode(p, stream)
		if err != nil {
			panic(r.NewTypeError("Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid for encoding " + td.d.name + "."))
		}
		return vm.ToValue(s)
	})
	c.Global()
}

// dictionary converts v to a WebIDL dictionary: nil for undefined or null,
// the object otherwise; anything else is a TypeError.
func dictionary(r *realm.Realm, v goja.Value, where, typ string) *goja.Object {
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(where + ": The provided value is not of type '" + typ + "'."))
	}
	return o
}

func boolMember(o *goja.Object, name string) bool {
	v := o.Get(name)
	return v != nil && v.ToBoolean()
}

func installBase64(r *realm.Realm) {
	vm := r.VM()
	r.DefineGlobal("btoa", r.Func("btoa", 1, func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) < 1 {
			panic(r.NewTypeError("Failed to execute 'btoa': 1 argument required, but only 0 present."))
		}
		s, err := Btoa(toJSString(call.Arguments[0]))
		if err != nil {
			dom.Throw(r, "InvalidCharacterError", "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.")
		}
		return vm.ToValue(s)
	}))
	r.DefineGlobal("atob", r.Func("atob", 1, func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) < 1 {
			panic(r.NewTypeError("Failed to execute 'atob': 1 argument required, but only 0 present."))
		}
		b, err := Atob(toJSString(call.Arguments[0]))
		if err != nil {
			dom.Throw(r, "InvalidCharacterError", "Failed to execute 'atob': The string to be decoded is not correctly encoded.")
		}
		return latin1String(vm, b)
	}))
}

// intrinsics are the built-in functions used to recognise typed arrays and
// DataViews and to read their buffer, offset and length without trusting
// properties a script may have redefined on the instance. They are captured
// on first use (not in Install: touching the typed array built-ins costs
// about 20 µs of start-up).
type intrinsics struct {
	r                      *realm.Realm
	u8Ctor                 *goja.Object
	taTag                  goja.Callable
	taBuffer, taOff, taLen goja.Callable
	dvBuffer, dvOff, dvLen goja.Callable
}

var intrinsicsProgram = goja.MustCompile("workerhost:encoding", `(function () {
  var TA = Object.getPrototypeOf(Uint8Array.prototype);
  var DV = DataView.prototype;
  function g(o, k) { return Object.getOwnPropertyDescriptor(o, k).get; }
  return [Uint8Array, g(TA, Symbol.toStringTag), g(TA, "buffer"), g(TA, "byteOffset"), g(TA, "byteLength"),
    g(DV, "buffer"), g(DV, "byteOffset"), g(DV, "byteLength")];
})()`, true)

var arrayBufferType = reflect.TypeOf(goja.ArrayBuffer{})

func (st *state) intrinsics(r *realm.Realm) *intrinsics {
	if st.nat != nil {
		return st.nat
	}
	v, err := r.VM().RunProgram(intrinsicsProgram)
	if err != nil {
		panic(r.NewTypeError("encoding: the typed array built-ins are not usable: " + err.Error()))
	}
	arr, _ := v.(*goja.Object)
	n := &intrinsics{r: r}
	fns := []*goja.Callable{nil, &n.taTag, &n.taBuffer, &n.taOff, &n.taLen, &n.dvBuffer, &n.dvOff, &n.dvLen}
	for i, dst := range fns {
		var item goja.Value
		if arr != nil {
			item = arr.Get(strconv.Itoa(i))
		}
		if i == 0 {
			n.u8Ctor, _ = item.(*goja.Object)
			if n.u8Ctor == nil {
				panic(r.NewTypeError("encoding: Uint8Array is not usable"))
			}
			continue
		}
		fn, ok := goja.AssertFunction(item)
		if !ok {
			panic(r.NewTypeError("encoding: the typed array built-ins are not usable"))
		}
		*dst = fn
	}
	st.nat = n
	return n
}

// newUint8Array returns a new Uint8Array over b (not copied).
func (n *intrinsics) newUint8Array(r *realm.Realm, b []byte) goja.Value {
	vm := r.VM()
	if b == nil {
		b = []byte{}
	}
	o, err := vm.New(n.u8Ctor, vm.ToValue(vm.NewArrayBuffer(b)))
	if err != nil {
		if ex, ok := err.(*goja.Exception); ok {
			panic(ex)
		}
		panic(r.NewTypeError("encoding: cannot create a Uint8Array: " + err.Error()))
	}
	return o
}

// view returns the bytes an ArrayBufferView covers, given the getters of
// its kind; a view on a detached buffer covers no bytes.
func view(o *goja.Object, buffer, off, length goja.Callable) ([]byte, bool) {
	bv, err := buffer(o)
	if err != nil {
		return nil, false
	}
	bo, _ := bv.(*goja.Object)
	if bo == nil || bo.ExportType() != arrayBufferType {
		return nil, false
	}
	data := bo.Export().(goja.ArrayBuffer).Bytes()
	if len(data) == 0 {
		return nil, true
	}
	ov, err1 := off(o)
	lv, err2 := length(o)
	if err1 != nil || err2 != nil {
		return nil, true
	}
	start, l := ov.ToInteger(), lv.ToInteger()
	if start < 0 || l < 0 || start > int64(len(data)) {
		return nil, true
	}
	end := min(start+l, int64(len(data)))
	return data[start:end:end], true
}

// BufferSource returns the bytes of an ArrayBuffer or ArrayBufferView (a
// typed array or DataView), sharing memory with it (copy them before
// keeping them past the current task). ok is false for any other value; a
// detached buffer has no bytes. As for WebIDL's BufferSource (without
// [AllowShared]), a SharedArrayBuffer or a view on one is not accepted; see
// BufferSourceAllowShared. The checks use the built-in accessors, not
// properties a script may have redefined. Call it on the loop goroutine.
func BufferSource(r *realm.Realm, v goja.Value) (b []byte, ok bool) {
	b, ok = BufferSourceAllowShared(r, v)
	if ok && (r.IsSharedArrayBuffer(v) || r.IsSharedView(v)) {
		return nil, false
	}
	return b, ok
}

// BufferSourceAllowShared is BufferSource for an [AllowShared] BufferSource:
// SharedArrayBuffers and views on them are accepted too.
func BufferSourceAllowShared(r *realm.Realm, v goja.Value) (b []byte, ok bool) {
	st := stateKey.Get(r)
	if st == nil {
		st = &state{}
		stateKey.Set(r, st)
	}
	return st.intrinsics(r).bufferSource(v)
}

// bufferSource returns the bytes of an ArrayBuffer or ArrayBufferView (any
// typed array or a DataView), shared or not ([AllowShared] BufferSource, as
// TextDecoder.decode takes), sharing memory with it. ok is false for any
// other value. A detached buffer has no bytes.
func (n *intrinsics) bufferSource(v goja.Value) ([]byte, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	if o.ExportType() == arrayBufferType {
		return o.Export().(goja.ArrayBuffer).Bytes(), true
	}
	if tag, err := n.taTag(o); err == nil && !goja.IsUndefined(tag) {
		return view(o, n.taBuffer, n.taOff, n.taLen)
	}
	if b, ok := view(o, n.dvBuffer, n.dvOff, n.dvLen); ok {
		return b, true
	}
	b, _, ok := n.r.HookedView(o) // views goja lacks (Float16Array)
	return b, ok
}

// uint8ArrayBytes returns the bytes of a Uint8Array, shared or not (the
// [AllowShared] Uint8Array of encodeInto), ok false otherwise.
func (n *intrinsics) uint8ArrayBytes(v goja.Value) ([]byte, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	tag, err := n.taTag(o)
	if err != nil || tag.String() != "Uint8Array" {
		return nil, false
	}
	return view(o, n.taBuffer, n.taOff, n.taLen)
}
