package dom

import (
	"math"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// QuotaExceededError (WebIDL) is the DOMException subclass thrown when a
// quota is exceeded; it carries the optional quota and requested amounts.
// Its Go side is a *DOMException whose Name is "QuotaExceededError".

var quotaKey = realm.NewKey[*realm.Class]()

func quotaClass(r *realm.Realm) *realm.Class {
	if c := quotaKey.Get(r); c != nil {
		return c
	}
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("QuotaExceededError", 0, func(call goja.ConstructorCall) *goja.Object {
		e := &DOMException{Name: "QuotaExceededError"}
		if a := call.Argument(0); !goja.IsUndefined(a) {
			e.Message = a.String()
		}
		if o, ok := call.Argument(1).(*goja.Object); ok {
			read := func(key string) *float64 {
				v := o.Get(key)
				if v == nil || goja.IsUndefined(v) {
					return nil
				}
				f := v.ToFloat()
				if math.IsNaN(f) || math.IsInf(f, 0) {
					panic(r.NewTypeError("Failed to construct 'QuotaExceededError': " + key + " is not a finite number."))
				}
				if f < 0 {
					panic(r.NewError("RangeError", "Failed to construct 'QuotaExceededError': "+key+" must not be negative."))
				}
				return &f
			}
			e.quota, e.requested = read("quota"), read("requested")
			if e.quota != nil && e.requested != nil && *e.requested < *e.quota {
				panic(r.NewError("RangeError", "Failed to construct 'QuotaExceededError': requested must not be less than quota."))
			}
		}
		return c.WrapFor(call, e)
	}, domExceptionClass(r))
	num := func(p *float64) goja.Value {
		if p == nil {
			return goja.Null()
		}
		return vm.ToValue(*p)
	}
	c.Getter("quota", func(call goja.FunctionCall) goja.Value {
		return num(realm.This[*DOMException](r, call, "QuotaExceededError").quota)
	})
	c.Getter("requested", func(call goja.FunctionCall) goja.Value {
		return num(realm.This[*DOMException](r, call, "QuotaExceededError").requested)
	})
	c.Global()
	quotaKey.Set(r, c)
	return c
}

// NewQuotaExceededError creates a QuotaExceededError; quota and requested
// may be nil (reported as null).
func NewQuotaExceededError(r *realm.Realm, message string, quota, requested *float64) *goja.Object {
	e := &DOMException{Name: "QuotaExceededError", Message: message, quota: quota, requested: requested}
	return quotaClass(r).Wrap(e)
}
