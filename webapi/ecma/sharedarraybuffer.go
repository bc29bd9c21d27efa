package ecma

import (
	"github.com/dop251/goja"
)

// buildSharedArrayBuffer makes SharedArrayBuffer (ES2024 25.2). An
// instance is a goja ArrayBuffer object whose prototype is
// SharedArrayBuffer.prototype (which inherits from Object.prototype, not
// ArrayBuffer.prototype) and which realm.MarkSharedArrayBuffer brands.
func (st *state) buildSharedArrayBuffer() *goja.Object {
	vm := st.vm
	// realm.NewClass makes the constructor: goja's native constructors
	// cannot tell new SharedArrayBuffer() from a call, nor see new.target.
	var proto *goja.Object
	c := st.r.NewClass("SharedArrayBuffer", 1, func(call goja.ConstructorCall) *goja.Object {
		return st.constructShared(call, proto)
	}, nil)
	ctor := c.Ctor
	proto = c.Proto // with Symbol.toStringTag "SharedArrayBuffer"
	_ = ctor.DefineAccessorPropertySymbol(goja.SymSpecies, st.fn("get [Symbol.species]", 0, func(call goja.FunctionCall) goja.Value {
		return call.This
	}), nil, goja.FLAG_TRUE, goja.FLAG_FALSE)
	st.sabCtor = ctor

	_ = proto.DefineDataProperty("constructor", ctor, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	st.getter(proto, "byteLength", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(len(st.thisShared(call.This, "get SharedArrayBuffer.prototype.byteLength").Bytes()))
	})
	st.getter(proto, "growable", func(call goja.FunctionCall) goja.Value {
		st.thisShared(call.This, "get SharedArrayBuffer.prototype.growable")
		return vm.ToValue(false)
	})
	st.getter(proto, "maxByteLength", func(call goja.FunctionCall) goja.Value {
		// For a fixed-length buffer, its byte length.
		return vm.ToValue(len(st.thisShared(call.This, "get SharedArrayBuffer.prototype.maxByteLength").Bytes()))
	})
	st.method(proto, "grow", 1, func(call goja.FunctionCall) goja.Value {
		// RequireInternalSlot(O, [[ArrayBufferMaxByteLength]]): only
		// growable buffers have it, and none is.
		st.thisShared(call.This, "SharedArrayBuffer.prototype.grow")
		st.r.ThrowTypeError("SharedArrayBuffer.prototype.grow: the SharedArrayBuffer is not growable")
		return nil
	})
	st.method(proto, "slice", 2, st.sharedSlice)
	return ctor
}

// constructShared is new SharedArrayBuffer(length, options).
func (st *state) constructShared(call goja.ConstructorCall, defaultProto *goja.Object) *goja.Object {
	const where = "new SharedArrayBuffer"
	n := st.toIndex(call.Argument(0), where)
	if opts, ok := call.Argument(1).(*goja.Object); ok {
		if m := opts.Get("maxByteLength"); m != nil && !goja.IsUndefined(m) {
			maxLen := st.toIndex(m, where)
			if n > maxLen {
				st.r.ThrowRangeError("%s: byteLength %d exceeds maxByteLength %d", where, n, maxLen)
			}
			st.r.ThrowRangeError("%s: growable SharedArrayBuffers (maxByteLength) are not supported", where)
		}
	}
	// OrdinaryCreateFromConstructor(newTarget, "%SharedArrayBuffer.prototype%").
	proto, _ := call.NewTarget.Get("prototype").(*goja.Object)
	if proto == nil {
		proto = defaultProto
	}
	o := st.allocate(n, where)
	_ = o.SetPrototype(proto)
	st.r.MarkSharedArrayBuffer(o)
	return o
}

// thisShared is the receiver check of SharedArrayBuffer.prototype methods.
func (st *state) thisShared(this goja.Value, method string) goja.ArrayBuffer {
	if !st.r.IsSharedArrayBuffer(this) {
		st.r.ThrowTypeError("Method %s called on incompatible receiver %s", method, st.describe(this))
	}
	return this.(*goja.Object).Export().(goja.ArrayBuffer)
}

// sharedSlice is SharedArrayBuffer.prototype.slice(start, end) (ES2024
// 25.2.5.6).
func (st *state) sharedSlice(call goja.FunctionCall) goja.Value {
	const where = "SharedArrayBuffer.prototype.slice"
	ab := st.thisShared(call.This, where)
	o := call.This.(*goja.Object)
	l := float64(len(ab.Bytes()))
	first := relIndex(toIntegerOrInfinity(call.Argument(0)), l)
	final := l
	if end := call.Argument(1); !goja.IsUndefined(end) {
		final = relIndex(toIntegerOrInfinity(end), l)
	}
	newLen := int64(max(final-first, 0))
	ctor := st.speciesConstructor(o, st.sabCtor, where)
	res := st.construct(ctor, st.vm.ToValue(newLen))
	if !st.r.IsSharedArrayBuffer(res) {
		st.r.ThrowTypeError("%s: the species constructor did not return a SharedArrayBuffer", where)
	}
	if res == o {
		st.r.ThrowTypeError("%s: the species constructor returned the same SharedArrayBuffer", where)
	}
	dst := res.Export().(goja.ArrayBuffer).Bytes()
	if int64(len(dst)) < newLen {
		st.r.ThrowTypeError("%s: the species constructor returned a SharedArrayBuffer that is too small (%d bytes)", where, len(dst))
	}
	// A shared buffer cannot be detached from script; the bound check is
	// for Go code that detaches buffers without looking.
	if src := ab.Bytes(); newLen > 0 && int64(first)+newLen <= int64(len(src)) {
		copy(dst, src[int64(first):int64(first)+newLen])
	}
	return res
}

// relIndex resolves a relative index (negative: from the end) into [0, l].
func relIndex(rel, l float64) float64 {
	if rel < 0 {
		return max(l+rel, 0)
	}
	return min(rel, l)
}

// speciesConstructor is ECMAScript's SpeciesConstructor(o, def).
func (st *state) speciesConstructor(o, def *goja.Object, where string) *goja.Object {
	c := o.Get("constructor")
	if c == nil || goja.IsUndefined(c) {
		return def
	}
	co, ok := c.(*goja.Object)
	if !ok {
		st.r.ThrowTypeError("%s: the constructor property is not an object", where)
	}
	s := co.GetSymbol(goja.SymSpecies)
	if s == nil || goja.IsUndefined(s) || goja.IsNull(s) {
		return def
	}
	if _, ok := goja.AssertConstructor(s); !ok {
		st.r.ThrowTypeError("%s: the species is not a constructor", where)
	}
	return s.(*goja.Object)
}
