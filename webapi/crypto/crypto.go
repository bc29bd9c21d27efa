package crypto

import (
	"crypto/rand"
	"fmt"
	"runtime"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
)

// MaxRandomBytes is the largest buffer getRandomValues fills (WebCrypto §10.1.1).
const MaxRandomBytes = 65536

// InlineLimit is the input size up to which digests, MACs and AES operations
// run on the loop goroutine; larger inputs are processed on a goroutine.
const InlineLimit = 16 << 10

// MaxPBKDF2Iterations bounds PBKDF2 iteration counts (NotSupportedError
// beyond): a script must not be able to occupy a CPU for hours.
const MaxPBKDF2Iterations = 10_000_000

// state is the per-realm crypto environment, created on first use.
type state struct {
	r  *realm.Realm
	vm *goja.Runtime

	cryptoCls *realm.Class
	subtleCls *realm.Class
	keyCls    *realm.Class

	cryptoObj *goja.Object
	subtleObj *goja.Object

	isView goja.Callable

	bufferGetter    goja.Callable // %TypedArray%.prototype.buffer's getter
	bufferGetterSet bool
}

var stateKey = realm.NewKey[*state]()

// cryptoHost backs the Crypto object, subtleHost the SubtleCrypto object.
type cryptoHost struct{ realm.Host }
type subtleHost struct{ realm.Host }

// Install defines the crypto, Crypto, SubtleCrypto and CryptoKey globals.
// The interfaces themselves are built on first access.
func Install(r *realm.Realm) {
	vm := r.VM()
	g := vm.GlobalObject()
	// crypto is a readonly attribute of the global scope ([SameObject]).
	_ = g.DefineAccessorProperty("crypto", r.Func("get crypto", 0, func(goja.FunctionCall) goja.Value {
		return getState(r).cryptoObj
	}), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
	for _, name := range []string{"Crypto", "SubtleCrypto", "CryptoKey"} {
		defineLazyCtor(r, name)
	}
}

// defineLazyCtor defines a global interface object binding that builds the
// interfaces on first read and then turns into an ordinary data property.
func defineLazyCtor(r *realm.Realm, name string) {
	g := r.VM().GlobalObject()
	set := func(v goja.Value) {
		_ = g.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	// Plain native functions (r.Func's name/length definitions would double
	// the cost of Install); they are replaced on first use anyway.
	getter := r.VM().ToValue(func(goja.FunctionCall) goja.Value {
		s := getState(r)
		var c *goja.Object
		switch name {
		case "Crypto":
			c = s.cryptoCls.Ctor
		case "SubtleCrypto":
			c = s.subtleCls.Ctor
		default:
			c = s.keyCls.Ctor
		}
		set(c)
		return c
	})
	setter := r.VM().ToValue(func(call goja.FunctionCall) goja.Value {
		set(call.Argument(0))
		return goja.Undefined()
	})
	_ = g.DefineAccessorProperty(name, getter, setter, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// getState returns the realm's crypto state, building the interfaces once.
func getState(r *realm.Realm) *state {
	if s := stateKey.Get(r); s != nil {
		return s
	}
	s := &state{r: r, vm: r.VM()}
	stateKey.Set(r, s)
	s.buildCrypto()
	s.buildSubtle()
	s.buildKey()
	s.cryptoObj = s.cryptoCls.Wrap(&cryptoHost{})
	s.subtleObj = s.subtleCls.Wrap(&subtleHost{})
	return s
}

func (s *state) buildCrypto() {
	r := s.r
	c := r.NewClass("Crypto", 0, nil, nil)
	c.Getter("subtle", func(call goja.FunctionCall) goja.Value {
		if o, ok := call.This.(*goja.Object); !ok || o != s.cryptoObj { // the only Crypto object
			realm.This[*cryptoHost](r, call, "Crypto")
		}
		return s.subtleObj
	})
	c.Method("getRandomValues", 1, s.getRandomValues)
	c.Method("randomUUID", 0, s.randomUUID)
	s.cryptoCls = c
}

const notIntegerArray = "Failed to execute 'getRandomValues' on 'Crypto': the provided ArrayBufferView is not an integer typed array (Float16Array, Float32Array, Float64Array and DataView are not accepted)."

// getRandomValues fills an integer typed array with random bytes (§10.1.1).
func (s *state) getRandomValues(call goja.FunctionCall) goja.Value {
	realm.This[*cryptoHost](s.r, call, "Crypto")
	if len(call.Arguments) < 1 {
		panic(s.r.NewTypeError("Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present."))
	}
	v := call.Argument(0)
	o, ok := v.(*goja.Object)
	if !ok {
		panic(s.r.NewTypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'."))
	}
	kind := s.viewKind(o)
	switch kind {
	case viewInteger:
	case viewFloat, viewDataView:
		dom.Throw(s.r, "TypeMismatchError", notIntegerArray)
	default:
		if ecma.IsFloat16Array(s.r, o) { // a Proxy to goja (see webapi/ecma)
			dom.Throw(s.r, "TypeMismatchError", notIntegerArray)
		}
		panic(s.r.NewTypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'."))
	}
	b, _ := s.viewBytes(o)
	if len(b) > MaxRandomBytes {
		panic(dom.NewQuotaExceededError(s.r, fmt.Sprintf("Failed to execute 'getRandomValues' on 'Crypto': the ArrayBufferView's byte length (%d) exceeds the number of bytes of entropy available via this API (%d).", len(b), MaxRandomBytes), nil, nil))
	}
	_, _ = rand.Read(b)
	return v
}

const hexDigits = "0123456789abcdef"

// randomUUID returns a version 4 UUID string (RFC 9562 §5.4).
func (s *state) randomUUID(call goja.FunctionCall) goja.Value {
	realm.This[*cryptoHost](s.r, call, "Crypto")
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var out [36]byte
	j := 0
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexDigits[b>>4]
		out[j+1] = hexDigits[b&15]
		j += 2
	}
	return s.vm.ToValue(string(out[:]))
}

// cryptoErr is an error with a DOMException name ("TypeError" for a JS
// TypeError). Code on the loop goroutine panics with it; guard turns it into
// the rejection reason. Work done off the loop returns it as an error.
type cryptoErr struct {
	name string
	msg  string
}

func (e *cryptoErr) Error() string { return e.name + ": " + e.msg }

func newErr(name, format string, args ...any) *cryptoErr {
	if len(args) == 0 {
		return &cryptoErr{name: name, msg: format}
	}
	return &cryptoErr{name: name, msg: fmt.Sprintf(format, args...)}
}

// throw panics with a cryptoErr (recovered by guard).
func throw(name, format string, args ...any) {
	panic(newErr(name, format, args...))
}

func opErr(format string, args ...any) *cryptoErr {
	return newErr("OperationError", format, args...)
}

// errValue converts an error into the JS value a promise is rejected with.
func (s *state) errValue(err error) goja.Value {
	ce, ok := err.(*cryptoErr)
	if !ok {
		ce = opErr("%s", err.Error())
	}
	if ce.name == "TypeError" {
		return s.r.NewTypeError(ce.msg)
	}
	return dom.NewDOMException(s.r, ce.name, ce.msg)
}

// guard runs f on the loop goroutine and returns the value it threw: a JS
// exception, a cryptoErr converted to a DOMException, or an OperationError
// for a Go runtime error (a bug, logged, that must not take the host down).
// Uncatchable goja panics (interrupts) propagate.
func (s *state) guard(f func()) (reason goja.Value) {
	defer func() {
		if x := recover(); x != nil {
			switch e := x.(type) {
			case *cryptoErr:
				reason = s.errValue(e)
			case runtime.Error:
				s.r.Logger().Error("webcrypto: internal error", "error", e, "routine", s.r.Routine())
				reason = s.errValue(opErr("internal error: %v", e))
			default:
				panic(x)
			}
		}
	}()
	if ex := s.vm.Try(f); ex != nil {
		return ex.Value()
	}
	return nil
}

// safeRun runs work (on any goroutine), converting a Go panic into an error.
func safeRun(s *state, work func() result) (res result, err error) {
	defer func() {
		if x := recover(); x != nil {
			if ce, ok := x.(*cryptoErr); ok {
				err = ce
				return
			}
			s.r.Logger().Error("webcrypto: internal error", "error", fmt.Sprint(x), "routine", s.r.Routine())
			err = opErr("internal error: %v", x)
		}
	}()
	return work(), nil
}
