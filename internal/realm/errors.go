package realm

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/dop251/goja"
)

type panicError struct {
	err   error
	stack string
}

func (e *panicError) Error() string { return "panic: " + e.err.Error() + "\n" + e.stack }
func (e *panicError) Unwrap() error { return e.err }

func stack() string { return string(debug.Stack()) }

// ErrPanic is matched (errors.Is) by errors made from recovered Go panics.
var ErrPanic = errors.New("go panic in host code")

func (e *panicError) Is(target error) bool { return target == ErrPanic }

// NewTypeError creates a JS TypeError. Throw it with panic(...) from a native.
func (r *Realm) NewTypeError(msg string) *goja.Object { return r.vm.NewTypeError("%s", msg) }

// NewError creates an error of a built-in JS error class ("RangeError",
// "SyntaxError", "Error", ...).
func (r *Realm) NewError(class, msg string) *goja.Object {
	ctor, ok := r.errCtors[class]
	if !ok {
		ctor, _ = r.vm.GlobalObject().Get(class).(*goja.Object)
		if ctor == nil {
			ctor = r.vm.GlobalObject().Get("Error").(*goja.Object)
		}
		r.errCtors[class] = ctor
	}
	o, err := r.vm.New(ctor, r.vm.ToValue(msg))
	if err != nil {
		return r.vm.NewTypeError("%s", msg)
	}
	return o
}

// ThrowTypeError throws a TypeError with a formatted message.
func (r *Realm) ThrowTypeError(format string, args ...any) {
	panic(r.vm.NewTypeError("%s", fmt.Sprintf(format, args...)))
}

// ThrowRangeError throws a RangeError with a formatted message.
func (r *Realm) ThrowRangeError(format string, args ...any) {
	panic(r.NewError("RangeError", fmt.Sprintf(format, args...)))
}

// ErrorString renders a thrown JS value for logs: "Name: message" for
// errors (without the stack), String(v) otherwise.
func ErrorString(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if o, ok := v.(*goja.Object); ok {
		name := o.Get("name")
		msg := o.Get("message")
		if name != nil && msg != nil && !goja.IsUndefined(msg) {
			return name.String() + ": " + msg.String()
		}
	}
	return v.String()
}

// ErrorStack renders a thrown JS value with its stack, when it has one.
func ErrorStack(v goja.Value) string {
	if o, ok := v.(*goja.Object); ok {
		if s := o.Get("stack"); s != nil && !goja.IsUndefined(s) {
			st := s.String()
			if st != "" {
				return st
			}
		}
	}
	return ErrorString(v)
}

// ExceptionString renders a *goja.Exception (or any error) with its stack.
func ExceptionString(err error) string {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return strings.TrimSpace(ex.String())
	}
	return err.Error()
}
