package timers

import (
	"errors"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// ReportException implements HTML's "report the exception" for a value
// thrown by a callback the host invoked (a timer, a microtask): it is logged
// through the realm's logger as "Uncaught Name: message" with the routine,
// the request id, the API that ran the callback (source) and the stack. It
// never throws, even if reading the error's name or message runs a getter
// that throws. Call it on the loop goroutine.
func ReportException(r *realm.Realm, ctx *realm.Context, v goja.Value, source string) {
	report(r, ctx, v, "", source)
}

// reportError reports an error returned by a goja.Callable: a JS exception,
// or an interrupt (the request was stopped, for example by a CPU limit).
func reportError(r *realm.Realm, ctx *realm.Context, err error, source string) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		report(r, ctx, ex.Value(), ex.String(), source)
		return
	}
	r.Logger().Error("Uncaught "+err.Error(),
		"routine", r.Routine(), "request", ctx.IDString(), "source", source)
}

func report(r *realm.Realm, ctx *realm.Context, v goja.Value, trace, source string) {
	var msg, stack string
	if ex := r.VM().Try(func() {
		msg = realm.ErrorString(v)
		stack = realm.ErrorStack(v)
	}); ex != nil {
		msg = "exception (describing it threw another exception)"
		stack = ""
	}
	if stack == msg {
		stack = trace
	}
	attrs := []any{"routine", r.Routine(), "request", ctx.IDString(), "source", source}
	if stack != "" && stack != msg {
		attrs = append(attrs, "stack", stack)
	}
	r.Logger().Error("Uncaught "+msg, attrs...)
}
