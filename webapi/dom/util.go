package dom

import (
	"errors"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// toDOMString converts v with WebIDL's DOMString rules (ToString, which
// throws a TypeError for symbols).
func toDOMString(r *realm.Realm, v goja.Value) string {
	if _, ok := v.(*goja.Symbol); ok {
		panic(r.NewTypeError("Cannot convert a Symbol value to a string"))
	}
	return v.String()
}

// requireArgs throws the WebIDL TypeError for a missing required argument.
func requireArgs(r *realm.Realm, call goja.FunctionCall, n int, iface, method string) {
	r.RequireArgs(len(call.Arguments), n, iface, method)
}

// requireCtorArgs is requireArgs for constructors.
func requireCtorArgs(r *realm.Realm, call goja.ConstructorCall, n int, iface string) {
	r.RequireArgs(len(call.Arguments), n, iface, "")
}

// dictionary returns v as a WebIDL dictionary object: nil for undefined and
// null (all members take their defaults), a TypeError for other non-objects.
// where is the message prefix ("Failed to construct 'Event'"), name the
// dictionary type ("EventInit").
func dictionary(r *realm.Realm, v goja.Value, where, name string) *goja.Object {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(where + ": The provided value is not of type '" + name + "'."))
	}
	return o
}

// member reads a dictionary member (undefined when absent or dict is nil).
func member(dict *goja.Object, name string) goja.Value {
	if dict == nil {
		return goja.Undefined()
	}
	if v := dict.Get(name); v != nil {
		return v
	}
	return goja.Undefined()
}

func boolMember(dict *goja.Object, name string) bool {
	if dict == nil {
		return false
	}
	v := dict.Get(name)
	return v != nil && v.ToBoolean()
}

// ReportException reports an exception that nothing can catch (a listener
// that threw, an abort algorithm's callback, ...) the way a browser reports
// it to the console: it is logged with the realm's logger as an error whose
// message is "Uncaught " followed by the error, with the routine, the request
// id and the stack as attributes. It never throws.
func ReportException(r *realm.Realm, v goja.Value) {
	var msg, st string
	if ex := r.VM().Try(func() {
		msg = realm.ErrorString(v)
		st = realm.ErrorStack(v)
	}); ex != nil {
		msg = "(an exception was thrown while formatting the exception)"
		st = ""
	}
	r.Logger().Error("Uncaught "+msg,
		"routine", r.Routine(), "request", r.Current().IDString(), "stack", st)
}

// reportCallError handles the error of a listener or handler call: an
// interrupt (the VM is being stopped) is returned so that the caller stops
// and propagates it; any other error is reported and nil returned.
func reportCallError(r *realm.Realm, err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return err
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		ReportException(r, ex.Value())
		return nil
	}
	msg := err.Error()
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		msg = "RangeError: Maximum call stack size exceeded"
	}
	r.Logger().Error("Uncaught "+msg,
		"routine", r.Routine(), "request", r.Current().IDString(), "stack", err.Error())
	return nil
}

// rethrow propagates an interrupt out of a native function.
func rethrow(err error) {
	if err != nil {
		panic(err)
	}
}
