package realm

import (
	"strconv"

	"github.com/dop251/goja"
)

// ToJSString applies ECMAScript ToString, as WebIDL's DOMString conversion
// does, keeping the exact UTF-16 string: an object's toString/valueOf may
// run (and throw), a Symbol throws a TypeError. Call it from a native, where
// such panics become JS exceptions. (A USVString is its String(), with
// unpaired surrogates as U+FFFD.)
func (r *Realm) ToJSString(v goja.Value) goja.String {
	if v == nil {
		v = goja.Undefined()
	}
	if o, ok := v.(*goja.Object); ok {
		v = o.ToString() // ToPrimitive with hint string
	}
	switch x := v.(type) {
	case goja.String:
		return x
	case *goja.Symbol:
		panic(r.NewTypeError("Cannot convert a Symbol value to a string"))
	}
	// Numbers, booleans, null, undefined and BigInts: their String() is
	// the ECMAScript ToString result.
	if s, ok := r.vm.ToValue(v.String()).(goja.String); ok {
		return s
	}
	return goja.StringFromUTF16(nil)
}

// RequireArgs throws WebIDL's TypeError for a missing required argument of
// iface's method (method "" for its constructor) when got < want.
func (r *Realm) RequireArgs(got, want int, iface, method string) {
	if got >= want {
		return
	}
	where := "Failed to execute '" + method + "' on '" + iface + "'"
	if method == "" {
		where = "Failed to construct '" + iface + "'"
	}
	s := "s"
	if want == 1 {
		s = ""
	}
	panic(r.NewTypeError(where + ": " + strconv.Itoa(want) + " argument" + s +
		" required, but only " + strconv.Itoa(got) + " present."))
}
