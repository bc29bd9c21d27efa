package dom

import (
	"bytes"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// legacyCodes maps DOMException names to their legacy numeric codes (WebIDL §2.8.1).
var legacyCodes = map[string]int{
	"IndexSizeError": 1, "HierarchyRequestError": 3, "WrongDocumentError": 4,
	"InvalidCharacterError": 5, "NoModificationAllowedError": 7, "NotFoundError": 8,
	"NotSupportedError": 9, "InvalidStateError": 11, "SyntaxError": 12,
	"InvalidModificationError": 13, "NamespaceError": 14, "InvalidAccessError": 15,
	"TypeMismatchError": 17, "SecurityError": 18, "NetworkError": 19, "AbortError": 20,
	"URLMismatchError": 21, "QuotaExceededError": 22, "TimeoutError": 23,
	"InvalidNodeTypeError": 24, "DataCloneError": 25,
}

var legacyConstants = []struct {
	name string
	code int
}{
	{"INDEX_SIZE_ERR", 1}, {"DOMSTRING_SIZE_ERR", 2}, {"HIERARCHY_REQUEST_ERR", 3},
	{"WRONG_DOCUMENT_ERR", 4}, {"INVALID_CHARACTER_ERR", 5}, {"NO_DATA_ALLOWED_ERR", 6},
	{"NO_MODIFICATION_ALLOWED_ERR", 7}, {"NOT_FOUND_ERR", 8}, {"NOT_SUPPORTED_ERR", 9},
	{"INUSE_ATTRIBUTE_ERR", 10}, {"INVALID_STATE_ERR", 11}, {"SYNTAX_ERR", 12},
	{"INVALID_MODIFICATION_ERR", 13}, {"NAMESPACE_ERR", 14}, {"INVALID_ACCESS_ERR", 15},
	{"VALIDATION_ERR", 16}, {"TYPE_MISMATCH_ERR", 17}, {"SECURITY_ERR", 18},
	{"NETWORK_ERR", 19}, {"ABORT_ERR", 20}, {"URL_MISMATCH_ERR", 21},
	{"QUOTA_EXCEEDED_ERR", 22}, {"TIMEOUT_ERR", 23}, {"INVALID_NODE_TYPE_ERR", 24},
	{"DATA_CLONE_ERR", 25},
}

// DOMException is the Go side of a JS DOMException.
type DOMException struct {
	realm.Host
	Name    string
	Message string

	quota, requested *float64 // QuotaExceededError only
}

var domExceptionKey = realm.NewKey[*realm.Class]()

func installDOMException(r *realm.Realm) *realm.Class {
	vm := r.VM()
	c := r.NewClass("DOMException", 0, func(call goja.ConstructorCall) *goja.Object {
		e := &DOMException{Name: "Error"}
		if a := call.Argument(0); !goja.IsUndefined(a) {
			e.Message = a.String()
		}
		if a := call.Argument(1); !goja.IsUndefined(a) {
			e.Name = a.String()
		}
		return domExceptionClass(r).WrapFor(call, e)
	}, nil)
	// DOMException.prototype inherits from Error.prototype (WebIDL).
	if errCtor, ok := vm.GlobalObject().Get("Error").(*goja.Object); ok {
		if p, ok := errCtor.Get("prototype").(*goja.Object); ok {
			_ = c.Proto.SetPrototype(p)
		}
	}
	c.Getter("name", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*DOMException](r, call, "DOMException").Name)
	})
	c.Getter("message", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(realm.This[*DOMException](r, call, "DOMException").Message)
	})
	c.Getter("code", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(legacyCodes[realm.This[*DOMException](r, call, "DOMException").Name])
	})
	for _, lc := range legacyConstants {
		c.Constant(lc.name, lc.code)
	}
	c.Global()
	domExceptionKey.Set(r, c)
	return c
}

func domExceptionClass(r *realm.Realm) *realm.Class {
	if c := domExceptionKey.Get(r); c != nil {
		return c
	}
	return installDOMException(r)
}

// NewDOMException creates a DOMException with the given name
// ("AbortError", "InvalidCharacterError", ...) and message. It carries a
// `stack` own property like other errors, captured where it was created.
func NewDOMException(r *realm.Realm, name, message string) *goja.Object {
	e := &DOMException{Name: name, Message: message}
	o := domExceptionClass(r).Wrap(e)
	var frames [10]goja.StackFrame
	st := r.VM().CaptureCallStack(len(frames), frames[:0])
	var b bytes.Buffer
	b.WriteString(name + ": " + message)
	for _, f := range st {
		b.WriteString("\n    at ")
		f.Write(&b)
	}
	e.Set("stack", r.VM().ToValue(b.String()))
	return o
}

// Throw throws a new DOMException from a native function.
func Throw(r *realm.Realm, name, message string) {
	panic(NewDOMException(r, name, message))
}

// IsDOMException reports whether v is a DOMException and returns it.
func IsDOMException(v goja.Value) (*DOMException, bool) {
	return realm.Unwrap[*DOMException](v)
}
