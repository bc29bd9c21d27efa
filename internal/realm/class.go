package realm

import (
	"reflect"

	"github.com/dop251/goja"
)

// Host is embedded in every Go struct that backs a JavaScript object. It
// implements goja.DynamicObject for the object's own (expando) properties, so
// that the struct itself is what (*goja.Object).Export returns and a method
// can recover its receiver with one type assertion. It also records the
// request context the object is bound to.
type Host struct {
	props map[string]goja.Value
	keys  []string
	// syms holds Symbol-keyed expandos (obj[sym] = v). goja's dynamic
	// objects have no own Symbol properties: the class prototype's Proxy
	// (see newSymbolTraps) stores and finds them here.
	syms  map[*goja.Symbol]goja.Value
	owner *Context
	bound bool
}

// Get implements goja.DynamicObject.
func (h *Host) Get(k string) goja.Value {
	if h.props == nil {
		return nil
	}
	return h.props[k]
}

// Set implements goja.DynamicObject.
func (h *Host) Set(k string, v goja.Value) bool {
	if h.props == nil {
		h.props = map[string]goja.Value{}
	}
	if _, ok := h.props[k]; !ok {
		h.keys = append(h.keys, k)
	}
	h.props[k] = v
	return true
}

// Has implements goja.DynamicObject.
func (h *Host) Has(k string) bool {
	_, ok := h.props[k]
	return ok
}

// Delete implements goja.DynamicObject.
func (h *Host) Delete(k string) bool {
	if _, ok := h.props[k]; ok {
		delete(h.props, k)
		for i, x := range h.keys {
			if x == k {
				h.keys = append(h.keys[:i], h.keys[i+1:]...)
				break
			}
		}
	}
	return true
}

// Keys implements goja.DynamicObject.
func (h *Host) Keys() []string { return append([]string(nil), h.keys...) }

// Bind ties the object to the realm's current request context (none during
// initialization: such objects may be used by any request).
func (h *Host) Bind(r *Realm) {
	h.owner = r.cur
	h.bound = true
}

// BindTo ties the object to ctx.
func (h *Host) BindTo(ctx *Context) {
	h.owner = ctx
	h.bound = true
}

// Owner returns the request context the object is bound to.
func (h *Host) Owner() *Context { return h.owner }

// CheckOwner throws a TypeError when the object is bound to a request other
// than the one running now. what names the interface ("Request").
func (h *Host) CheckOwner(r *Realm, what string) {
	if !h.bound || h.owner == nil || h.owner == r.cur {
		return
	}
	cur := "static initialization"
	if r.cur != nil {
		cur = "request " + r.cur.IDString()
	}
	panic(r.NewTypeError("Cannot use a " + what + " object that belongs to a different request " +
		"(it was created by request " + h.owner.IDString() + " and is being used by " + cur + "). " +
		"Request, Response, Headers, body and event objects are bound to the request context that created them; " +
		"share plain values such as strings or ArrayBuffers between requests instead."))
}

// HostObject is what Class.Wrap accepts: a struct embedding Host.
type HostObject interface {
	goja.DynamicObject
	host() *Host
}

func (h *Host) host() *Host { return h }

// Class is a WebIDL interface: a constructor, its prototype and helpers to
// define operations and attributes on it. Build classes once per realm.
type Class struct {
	r     *Realm
	Name  string
	Ctor  *goja.Object
	Proto *goja.Object
}

// Constructor builds an instance for `new Name(...args)` (at most four
// arguments are passed; len(call.Arguments) is the number given, up to 4). Build the
// result with Class.WrapFor so that subclasses get their prototype.
type Constructor func(call goja.ConstructorCall) *goja.Object

// NewClass creates an interface. With ctor nil, `new Name()` throws
// "Illegal constructor" (objects are made from Go only). parent may be nil.
// The constructor is not put on the global object; use Global for that.
func (r *Realm) NewClass(name string, length int, ctor Constructor, parent *Class, opts ...ClassOption) *Class {
	return r.newClass(name, length, ctor, parent, false, opts)
}

// ClassOption changes how NewClass builds an interface.
type ClassOption int

// SymbolExpandos lets instances hold Symbol-keyed properties set by script
// (obj[Symbol.iterator] = f), which goja's DynamicObjects refuse. The
// interface prototype becomes a Proxy (see newSymbolTraps) and every property
// lookup that reaches it costs more (about 10% of the W1 handler when all
// classes had it), so only interfaces whose instances script customises
// this way in practice use it: the iterables that WebIDL sequence/record
// conversion inspects for @@iterator (Headers, URLSearchParams, FormData).
const SymbolExpandos ClassOption = 1

// NewClassExact is NewClass for interfaces whose constructor must tell an
// explicit trailing undefined argument from a missing one (new Event(undefined)
// makes an event of type "undefined"; new Event() throws). It costs about
// 1.5 µs more per construction (goja materialises `arguments`).
func (r *Realm) NewClassExact(name string, length int, ctor Constructor, parent *Class, opts ...ClassOption) *Class {
	return r.newClass(name, length, ctor, parent, true, opts)
}

func (r *Realm) newClass(name string, length int, ctor Constructor, parent *Class, exact bool, opts []ClassOption) *Class {
	c := &Class{r: r, Name: name}
	vm := r.vm
	impl := func(call goja.FunctionCall) goja.Value {
		if ctor == nil {
			panic(r.NewTypeError("Illegal constructor: " + name + " objects cannot be constructed from script"))
		}
		nt, _ := call.Argument(0).(*goja.Object)
		n := int(call.Argument(1).ToInteger())
		args := call.Arguments[2:]
		if n < len(args) {
			args = args[:n]
		}
		return ctor(goja.ConstructorCall{NewTarget: nt, Arguments: args})
	}
	c.Ctor = r.makeCtor(impl, name, exact)
	_ = c.Ctor.DefineDataProperty("name", vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = c.Ctor.DefineDataProperty("length", vm.ToValue(length), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	c.Proto = c.Ctor.Get("prototype").(*goja.Object)
	for _, o := range opts {
		if o == SymbolExpandos {
			c.Proto = r.prototypeProxy(c.Proto)
		}
	}
	_ = c.Ctor.DefineDataProperty("prototype", c.Proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	_ = c.Proto.DefineDataPropertySymbol(goja.SymToStringTag, vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	if parent != nil {
		_ = c.Proto.SetPrototype(parent.Proto)
		_ = c.Ctor.SetPrototype(parent.Ctor)
	}
	return c
}

// ctorProgram makes WebIDL constructors. goja's native constructors cannot
// see new.target, so constructors are small JS functions that check it and
// hand it to Go with the arguments. The argument count is that of the
// arguments up to the last one that is not undefined (reading `arguments`
// would cost more than the rest of a typical constructor).
var ctorProgram = goja.MustCompile("workerhost:ctor", `(function (impl, name) {
  return function (a, b, c, d) {
    if (new.target === undefined) {
      throw new TypeError("Failed to construct '" + name + "': Please use the 'new' operator, this object constructor cannot be called as a function.");
    }
    return impl(new.target, d !== undefined ? 4 : c !== undefined ? 3 : b !== undefined ? 2 : a !== undefined ? 1 : 0, a, b, c, d);
  };
})`, true)

// ctorExactProgram passes the exact argument count (see NewClassExact).
var ctorExactProgram = goja.MustCompile("workerhost:ctor-exact", `(function (impl, name) {
  return function (a, b, c, d) {
    if (new.target === undefined) {
      throw new TypeError("Failed to construct '" + name + "': Please use the 'new' operator, this object constructor cannot be called as a function.");
    }
    return impl(new.target, arguments.length, a, b, c, d);
  };
})`, true)

type ctorMakers struct{ fast, exact goja.Callable }

var ctorMakerKey = NewKey[*ctorMakers]()

func (r *Realm) makeCtor(impl func(goja.FunctionCall) goja.Value, name string, exact bool) *goja.Object {
	mk := ctorMakerKey.Get(r)
	if mk == nil {
		mk = &ctorMakers{}
		for _, p := range []struct {
			prog *goja.Program
			dst  *goja.Callable
		}{{ctorProgram, &mk.fast}, {ctorExactProgram, &mk.exact}} {
			v, err := r.vm.RunProgram(p.prog)
			if err != nil {
				panic(err)
			}
			*p.dst, _ = goja.AssertFunction(v)
		}
		ctorMakerKey.Set(r, mk)
	}
	fn := mk.fast
	if exact {
		fn = mk.exact
	}
	res, err := fn(goja.Undefined(), r.vm.ToValue(impl), r.vm.ToValue(name))
	if err != nil {
		panic(err)
	}
	return res.(*goja.Object)
}

// Global installs the constructor as a global binding (writable,
// configurable, not enumerable, as WebIDL says).
func (c *Class) Global() *Class {
	c.r.DefineGlobal(c.Name, c.Ctor)
	return c
}

// DefineGlobal defines a WebIDL-style global property.
func (r *Realm) DefineGlobal(name string, v goja.Value) {
	_ = r.vm.GlobalObject().DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// Func creates a native function with the given name and length.
func (r *Realm) Func(name string, length int, fn func(goja.FunctionCall) goja.Value) *goja.Object {
	o := r.vm.ToValue(fn).(*goja.Object)
	_ = o.DefineDataProperty("name", r.vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = o.DefineDataProperty("length", r.vm.ToValue(length), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	return o
}

// Method defines an operation on the prototype.
func (c *Class) Method(name string, length int, fn func(goja.FunctionCall) goja.Value) *Class {
	_ = c.Proto.DefineDataProperty(name, c.r.Func(name, length, fn), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	return c
}

// Static defines an operation on the constructor.
func (c *Class) Static(name string, length int, fn func(goja.FunctionCall) goja.Value) *Class {
	_ = c.Ctor.DefineDataProperty(name, c.r.Func(name, length, fn), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	return c
}

// Getter defines a read-only attribute on the prototype.
func (c *Class) Getter(name string, get func(goja.FunctionCall) goja.Value) *Class {
	return c.Accessor(name, get, nil)
}

// Accessor defines a read-write attribute on the prototype (set may be nil).
func (c *Class) Accessor(name string, get, set func(goja.FunctionCall) goja.Value) *Class {
	var g, s goja.Value
	if get != nil {
		g = c.r.Func("get "+name, 0, get)
	}
	if set != nil {
		s = c.r.Func("set "+name, 1, set)
	}
	_ = c.Proto.DefineAccessorProperty(name, g, s, goja.FLAG_TRUE, goja.FLAG_TRUE)
	return c
}

// Constant defines a constant on both the constructor and the prototype.
func (c *Class) Constant(name string, v any) *Class {
	val := c.r.vm.ToValue(v)
	_ = c.Ctor.DefineDataProperty(name, val, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = c.Proto.DefineDataProperty(name, val, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return c
}

// Wrap creates the JavaScript object for h with the class prototype.
func (c *Class) Wrap(h HostObject) *goja.Object {
	o := c.r.vm.NewDynamicObject(h)
	_ = o.SetPrototype(c.Proto)
	return o
}

// WrapFor creates the object for a constructor call, honouring new.target so
// that subclasses (class X extends Response) get their own prototype.
func (c *Class) WrapFor(call goja.ConstructorCall, h HostObject) *goja.Object {
	o := c.r.vm.NewDynamicObject(h)
	proto := c.Proto
	if nt := call.NewTarget; nt != nil && nt != c.Ctor {
		if p, ok := nt.Get("prototype").(*goja.Object); ok {
			proto = p
		}
	}
	_ = o.SetPrototype(proto)
	return o
}

// Unwrap returns the Go struct behind v if it is a T, or ok=false.
func Unwrap[T HostObject](v goja.Value) (t T, ok bool) {
	o, isObj := v.(*goja.Object)
	if !isObj {
		return t, false
	}
	if et := o.ExportType(); et == nil || et.Kind() != reflect.Pointer {
		return t, false
	}
	t, ok = o.Export().(T)
	return t, ok
}

// This returns the receiver of a method call as a T, or throws the WebIDL
// "Illegal invocation" TypeError.
func This[T HostObject](r *Realm, call goja.FunctionCall, iface string) T {
	t, ok := Unwrap[T](call.This)
	if !ok {
		panic(r.NewTypeError("Illegal invocation: the receiver is not a " + iface))
	}
	return t
}

// ThisBound is This plus the request-context check (CheckOwner).
func ThisBound[T HostObject](r *Realm, call goja.FunctionCall, iface string) T {
	t := This[T](r, call, iface)
	t.host().CheckOwner(r, iface)
	return t
}

// Symbol-keyed properties of host objects.
//
// A goja DynamicObject cannot have own Symbol properties: assigning one
// throws "Dynamic objects do not support Symbol properties". But goja
// hands such an assignment to the object's prototype chain first, and a
// Proxy there sees it with the instance as receiver. So an interface
// prototype object (Class.Proto) is a Proxy of the real prototype whose
// only traps are the Symbol [[Get]] and [[Set]]: when the receiver is a host
// object, obj[sym] = v stores v in its Host (after the ordinary checks along
// the prototype chain: a setter is called, a read-only property refuses)
// and obj[sym] finds it there; any other receiver gets Reflect.get/set.
// Every other operation goes to the prototype itself, so the Proxy is not
// observable (Headers.prototype is the Proxy; instanceof, getPrototypeOf
// and property descriptors behave as before). Limits: the stored symbols
// are not own properties as far as reflection goes (`in`, hasOwnProperty,
// Object.getOwnPropertySymbols and delete do not see them) and
// Object.defineProperty(obj, sym, ...) still throws.

var symbolTrapsKey = NewKey[*goja.ProxyTrapConfig]()

func (r *Realm) prototypeProxy(target *goja.Object) *goja.Object {
	traps := symbolTrapsKey.Get(r)
	if traps == nil {
		traps = r.newSymbolTraps()
		symbolTrapsKey.Set(r, traps)
	}
	return r.vm.ToValue(r.vm.NewProxy(target, traps)).(*goja.Object)
}

func (r *Realm) newSymbolTraps() *goja.ProxyTrapConfig {
	call := func(fn goja.Callable, args ...goja.Value) goja.Value {
		v, err := fn(goja.Undefined(), args...)
		if err != nil {
			panic(err)
		}
		return v
	}
	return &goja.ProxyTrapConfig{
		GetSym: func(target *goja.Object, sym *goja.Symbol, receiver goja.Value) goja.Value {
			if h := hostOf(receiver); h != nil {
				if v, ok := h.syms[sym]; ok {
					return v
				}
			}
			return call(r.Reflect().Get, target, sym, receiver)
		},
		SetSym: func(target *goja.Object, sym *goja.Symbol, value goja.Value, receiver goja.Value) bool {
			h := hostOf(receiver)
			if h == nil {
				return call(r.Reflect().Set, target, sym, value, receiver).ToBoolean()
			}
			if _, own := h.syms[sym]; !own {
				// OrdinarySet: the first property found along the chain
				// decides.
				for o := target; o != nil; o = o.Prototype() {
					d, ok := call(r.Reflect().GetOwnPropertyDescriptor, o, sym).(*goja.Object)
					if !ok {
						continue
					}
					accessor := false
					for _, k := range d.Keys() {
						accessor = accessor || k == "get" || k == "set"
					}
					if accessor {
						fn, ok := goja.AssertFunction(d.Get("set"))
						if !ok {
							return false
						}
						if _, err := fn(receiver, value); err != nil {
							panic(err)
						}
						return true
					}
					if !d.Get("writable").ToBoolean() {
						return false
					}
					break
				}
			}
			if h.syms == nil {
				h.syms = map[*goja.Symbol]goja.Value{}
			}
			h.syms[sym] = value
			return true
		},
	}
}

// hostOf returns the Host of a host object, or nil.
func hostOf(v goja.Value) *Host {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	if et := o.ExportType(); et == nil || et.Kind() != reflect.Pointer {
		return nil
	}
	if ho, ok := o.Export().(HostObject); ok {
		return ho.host()
	}
	return nil
}
