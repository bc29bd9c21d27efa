package realm

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"
)

type thing struct{ Host }

func TestHostObjectSymbolExpandos(t *testing.T) {
	r := New(Options{})
	vm := r.VM()
	var c *Class
	c = r.NewClass("Thing", 0, func(call goja.ConstructorCall) *goja.Object {
		return c.WrapFor(call, &thing{})
	}, nil, SymbolExpandos)
	c.Method("hi", 0, func(goja.FunctionCall) goja.Value { return vm.ToValue("hi") })
	c.Global()
	v, err := vm.RunString(`(() => {
		'use strict';
		const s = Symbol('s');
		const a = new Thing(), b = new Thing();
		a[s] = 1;
		a[s] = 2;
		a[Symbol.iterator] = function* () { yield 'x' };
		a.str = 'expando';
		return [a[s], String(b[s]), [...a].join(''), a.str, a.hi(), String(b[Symbol.iterator]),
			Object.getPrototypeOf(a) === Thing.prototype, a instanceof Thing,
			Object.prototype.toString.call(a), Object.getOwnPropertyNames(Thing.prototype).join(',')].join('|');
	})()`)
	require.NoError(t, err)
	require.Equal(t, "2|undefined|x|expando|hi|undefined|true|true|[object Thing]|constructor,hi", v.String())
	// The Go value stays reachable from the object.
	o, err := vm.RunString(`new Thing()`)
	require.NoError(t, err)
	_, ok := Unwrap[*thing](o)
	require.True(t, ok)
	// Read-only Symbol properties of the prototype are not shadowed.
	_, err = vm.RunString(`'use strict'; new Thing()[Symbol.toStringTag] = 'x'`)
	require.Error(t, err)
}

func TestReflectRemovedIsATypeError(t *testing.T) {
	r := New(Options{})
	var c *Class
	c = r.NewClass("Thing", 0, func(call goja.ConstructorCall) *goja.Object {
		return c.WrapFor(call, &thing{})
	}, nil, SymbolExpandos)
	c.Global()
	v, err := r.VM().RunString(`delete globalThis.Reflect;
		let r; try { Thing.prototype[Symbol('x')] } catch (e) { r = e.name } r`)
	require.NoError(t, err)
	require.Equal(t, "TypeError", v.String())
}
