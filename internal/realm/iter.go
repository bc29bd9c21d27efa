package realm

import "github.com/dop251/goja"

// Iterator is the Go state behind a WebIDL iterator object.
type Iterator struct {
	Host
	next func() (goja.Value, bool)
}

var iterProtoKey = NewKey[map[string]*goja.Object]()

// IteratorPrototype returns (creating once per realm) the prototype of
// "<name> Iterator" objects: it inherits %IteratorPrototype% and has next()
// and the toStringTag, as WebIDL's default iterator objects do.
func (r *Realm) IteratorPrototype(name string) *goja.Object {
	m := iterProtoKey.Get(r)
	if m == nil {
		m = map[string]*goja.Object{}
		iterProtoKey.Set(r, m)
	}
	if p := m[name]; p != nil {
		return p
	}
	vm := r.vm
	arrIter, _ := vm.RunString("Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))")
	p := vm.NewObject()
	if ip, ok := arrIter.(*goja.Object); ok {
		_ = p.SetPrototype(ip)
	}
	tag := name + " Iterator"
	_ = p.DefineDataProperty("next", r.Func("next", 0, func(call goja.FunctionCall) goja.Value {
		it, ok := Unwrap[*Iterator](call.This)
		if !ok {
			panic(r.NewTypeError("Illegal invocation: next() called on an object that is not a " + tag))
		}
		if o, _ := call.This.(*goja.Object); o == nil || o.Prototype() != p {
			panic(r.NewTypeError("Illegal invocation: next() called on an object that is not a " + tag))
		}
		return r.IterResult(it.advance())
	}), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	_ = p.DefineDataPropertySymbol(goja.SymToStringTag, vm.ToValue(tag), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	m[name] = p
	return p
}

func (it *Iterator) advance() (goja.Value, bool) {
	if it.next == nil {
		return goja.Undefined(), true
	}
	v, done := it.next()
	if done {
		it.next = nil
		return goja.Undefined(), true
	}
	return v, false
}

// NewIterator creates an iterator object of the named kind; next returns
// the next value, or done=true at the end.
func (r *Realm) NewIterator(name string, next func() (value goja.Value, done bool)) *goja.Object {
	o := r.vm.NewDynamicObject(&Iterator{next: next})
	_ = o.SetPrototype(r.IteratorPrototype(name))
	return o
}

// IterResult creates an iterator result object {value, done}.
func (r *Realm) IterResult(v goja.Value, done bool) *goja.Object {
	o := r.vm.NewObject()
	_ = o.Set("value", v)
	_ = o.Set("done", done)
	return o
}

// NewArray creates a JS array from values.
func (r *Realm) NewArray(vals ...goja.Value) *goja.Object {
	items := make([]any, len(vals))
	for i, v := range vals {
		items[i] = v
	}
	return r.vm.NewArray(items...)
}
