// Package structuredclone implements structuredClone(value, {transfer}): the
// HTML StructuredSerializeInternal and StructuredDeserialize algorithms
// within one realm. Values are copied in a single pass (serialization and
// deserialization fused), which is observably the same as the spec's two
// passes: every user-visible step (getters, iterators) happens in the same
// order, and nothing created before an error escapes.
package structuredclone

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

// maxDepth bounds the nesting of the object graph, so that a very deep
// structure throws a RangeError instead of exhausting the Go stack.
const maxDepth = 10000

// maxTransfer bounds the transfer list (it is read from an iterator).
const maxTransfer = 1 << 16

// core holds the built-ins every clone uses, captured when the package is
// installed (before any script runs).
type core struct {
	objectKeys  goja.Callable
	objectProto *goja.Object
}

var coreKey = realm.NewKey[*core]()

func coreOf(r *realm.Realm) *core {
	if c := coreKey.Get(r); c != nil {
		return c
	}
	vm := r.VM()
	c := &core{objectProto: vm.NewObject().Prototype()}
	if object, ok := vm.GlobalObject().Get("Object").(*goja.Object); ok {
		c.objectKeys, _ = goja.AssertFunction(object.Get("keys"))
	}
	if c.objectKeys == nil {
		panic(r.NewTypeError("structuredClone: the built-in Object.keys has been removed"))
	}
	coreKey.Set(r, c)
	return c
}

// Install defines the global structuredClone.
func Install(r *realm.Realm) {
	coreOf(r)
	r.DefineGlobal("structuredClone", r.Func("structuredClone", 1, func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) == 0 {
			panic(r.NewTypeError("structuredClone(): 1 argument required, but only 0 present"))
		}
		var transfer []goja.Value
		switch opts := call.Argument(1).(type) {
		case *goja.Object:
			if tv := opts.Get("transfer"); tv != nil && !goja.IsUndefined(tv) {
				transfer = objectSequence(r, tv, "structuredClone(): options.transfer")
			}
		default:
			if !goja.IsUndefined(opts) && !goja.IsNull(opts) {
				panic(r.NewTypeError("structuredClone(): parameter 2 (options) is not an object"))
			}
		}
		return clone(r, call.Argument(0), transfer)
	}))
}

// Clone returns a structured clone of v made in r, transferring the
// ArrayBuffers in transfer (they are detached, and their contents move to
// the clone without copying) and the Transferable host objects in it
// (MessagePorts: see Transferable). It must be called on r's loop goroutine. On
// failure the error is a *goja.Exception whose Value is the thrown value: a
// DOMException named "DataCloneError" for values that cannot be cloned, or
// whatever a getter of the value threw. Rethrow it from a native with
// panic(err).
func Clone(r *realm.Realm, v goja.Value, transfer []goja.Value) (res goja.Value, err error) {
	if ex := r.VM().Try(func() { res = clone(r, v, transfer) }); ex != nil {
		return nil, ex
	}
	return res, nil
}

type cloner struct {
	r      *realm.Realm
	vm     *goja.Runtime
	core   *core
	in     *intrinsics
	memory map[*goja.Object]goja.Value // source object → clone (nil: array under construction)
	path   []segment
	depth  int
}

type segKind uint8

const (
	segProp segKind = iota
	segIndex
	segMapKey
	segMapValue
	segSetEntry
	segBuffer
)

// segment is one step of the path to the value being cloned, kept to say
// where an uncloneable value was found.
type segment struct {
	kind segKind
	key  string
	n    int
}

type transferred struct {
	src *goja.Object
	ab  goja.ArrayBuffer
	// For a Transferable (t non-nil), commit completes its transfer.
	t      Transferable
	commit func()
}

// detached reports whether the transferred object was detached.
func (t transferred) detached() bool {
	if t.t != nil {
		return t.t.TransferDetached()
	}
	return t.ab.Detached()
}

func clone(r *realm.Realm, v goja.Value, transfer []goja.Value) goja.Value {
	c := &cloner{r: r, vm: r.VM(), core: coreOf(r)}
	var moved []transferred
	if len(transfer) > 0 {
		moved = c.prepareTransfer(transfer)
	}
	out := c.value(v)
	for i, t := range moved {
		if t.detached() {
			c.path = c.path[:0]
			c.failf("%s at index %d of the transfer list was detached while the value was being cloned", c.transferName(t.src), i)
		}
	}
	for _, t := range moved {
		if t.t != nil {
			t.commit()
		} else {
			t.ab.Detach()
		}
	}
	return out
}

// prepareTransfer checks the transfer list and maps each buffer to a new one
// sharing its bytes (the source is detached once the clone has succeeded)
// and each Transferable to the object it prepares.
func (c *cloner) prepareTransfer(list []goja.Value) []transferred {
	c.memory = make(map[*goja.Object]goja.Value, len(list)+8)
	moved := make([]transferred, 0, len(list))
	for i, v := range list {
		o, ok := v.(*goja.Object)
		var tr Transferable
		if ok && kindOf(o) == kindHost {
			tr, _ = realm.Unwrap[Transferable](o)
		}
		if !ok || kindOf(o) != kindArrayBuffer && tr == nil {
			c.failf("value at index %d of the transfer list is not an ArrayBuffer or a MessagePort; only those can be transferred", i)
		}
		if _, dup := c.memory[o]; dup {
			c.failf("%s at index %d of the transfer list is listed more than once", c.transferName(o), i)
		}
		if tr != nil {
			if tr.TransferDetached() {
				c.failf("%s at index %d of the transfer list is detached (already transferred or closed)", c.transferName(o), i)
			}
			clone, commit := tr.PrepareTransfer(c.r)
			c.memory[o] = clone
			moved = append(moved, transferred{src: o, t: tr, commit: commit})
			continue
		}
		if c.r.IsSharedArrayBuffer(o) {
			c.failf("SharedArrayBuffer at index %d of the transfer list cannot be transferred", i)
		}
		ab := o.Export().(goja.ArrayBuffer)
		if ab.Detached() {
			c.failf("ArrayBuffer at index %d of the transfer list is already detached", i)
		}
		c.memory[o] = c.vm.ToValue(c.vm.NewArrayBuffer(ab.Bytes()))
		moved = append(moved, transferred{src: o, ab: ab})
	}
	return moved
}

// transferName names an entry of the transfer list in messages
// ("ArrayBuffer", "MessagePort").
func (c *cloner) transferName(o *goja.Object) string {
	if kindOf(o) == kindArrayBuffer {
		return "ArrayBuffer"
	}
	return strings.TrimSuffix(strings.TrimPrefix(c.describe(o), "#<"), ">")
}

func (c *cloner) intr() *intrinsics {
	if c.in == nil {
		c.in = intrinsicsOf(c.r)
	}
	return c.in
}

// value clones any value.
func (c *cloner) value(v goja.Value) goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		if v == nil {
			return goja.Undefined()
		}
		if s, isSym := v.(*goja.Symbol); isSym {
			c.fail("Symbol(" + s.String() + ")")
		}
		return v // primitives, BigInt included, are immutable
	}
	if out, seen := c.memory[o]; seen {
		if out == nil {
			out = c.vm.NewArray()
			c.memory[o] = out
		}
		return out
	}
	if c.memory == nil {
		c.memory = make(map[*goja.Object]goja.Value, 16)
	}
	c.depth++
	if c.depth > maxDepth {
		panic(c.r.NewError("RangeError", "structuredClone(): the value is nested more than "+
			strconv.Itoa(maxDepth)+" levels deep"))
	}
	out := c.object(o)
	c.depth--
	return out
}

func (c *cloner) object(o *goja.Object) goja.Value {
	switch kindOf(o) {
	case kindPlain:
		if o == c.vm.GlobalObject() {
			c.fail("the global object")
		}
		return c.plain(o)
	case kindArray:
		return c.array(o)
	case kindPrimitive:
		return c.primitiveWrapper(o)
	case kindString:
		s := c.call(c.intr().stringValueOf, o)
		return c.remember(o, s.ToObject(c.vm))
	case kindDate:
		ms := math.NaN()
		if t, ok := o.Export().(time.Time); ok {
			ms = float64(t.UnixMilli())
		}
		return c.remember(o, c.construct(c.intr().dateCtor, c.vm.ToValue(ms)))
	case kindRegExp:
		return c.regexp(o)
	case kindError:
		return c.error(o)
	case kindMap:
		return c.mapOrSet(o, true)
	case kindSet:
		return c.mapOrSet(o, false)
	case kindArrayBuffer:
		if c.r.IsSharedArrayBuffer(o) {
			// Serializing a SharedArrayBuffer needs an agent cluster to
			// share it with; a worker has none (workerd throws too).
			c.fail("#<SharedArrayBuffer>")
		}
		ab := o.Export().(goja.ArrayBuffer)
		if ab.Detached() {
			c.fail("a detached ArrayBuffer")
		}
		data := make([]byte, len(ab.Bytes()))
		copy(data, ab.Bytes())
		return c.remember(o, c.vm.ToValue(c.vm.NewArrayBuffer(data)))
	case kindTypedArray:
		return c.typedArray(o)
	case kindDataView:
		return c.dataView(o)
	case kindHost:
		if e, ok := dom.IsDOMException(o); ok {
			return c.domException(o, e)
		}
		// Blob and File are serializable: their bytes are immutable, so
		// the clone shares them.
		if f, ok := fileapi.FileFrom(o); ok {
			return c.remember(o, fileapi.NewFile(c.r, f.Bytes(), f.Name(), f.Type(), f.LastModified()))
		}
		if data, typ, ok := fileapi.BlobFrom(o); ok {
			return c.remember(o, fileapi.NewBlob(c.r, data, typ))
		}
		c.fail(c.describe(o))
	case kindProxy:
		if buf, off, n, ctor, ok := ecma.Float16ArrayView(c.r, o); ok {
			// a Float16Array (webapi/ecma builds it as a Proxy)
			c.path = append(c.path, segment{kind: segBuffer})
			nb := c.value(buf)
			c.path = c.path[:len(c.path)-1]
			return c.remember(o, c.construct(ctor, nb, c.vm.ToValue(off), c.vm.ToValue(n)))
		}
		c.fail("a Proxy object")
	default:
		if _, callable := goja.AssertFunction(o); callable {
			c.fail(c.describeFunction(o))
		}
		c.fail(c.describe(o))
	}
	return nil // unreachable: fail panics
}

func (c *cloner) remember(src *goja.Object, out goja.Value) goja.Value {
	c.memory[src] = out
	return out
}

// plain clones an ordinary object: its own enumerable string-keyed
// properties, read with [[Get]] (getters run), defined as data properties.
//
// The clone is built without a prototype, so that plain [[Set]] creates own
// data properties exactly like CreateDataProperty (no inherited setter, such
// as __proto__, can intercept), and gets Object.prototype once it is filled.
// No script can see it in between.
func (c *cloner) plain(o *goja.Object) goja.Value {
	out := c.vm.CreateObject(nil)
	c.memory[o] = out
	for _, k := range c.keys(o) {
		v := c.get(o, k)
		if v == nil {
			continue // deleted by a getter that ran meanwhile
		}
		c.path = append(c.path, segment{kind: segProp, key: k.s})
		cv := c.value(v)
		c.path = c.path[:len(c.path)-1]
		if k.raw != nil {
			c.putRaw(out, k.raw, cv)
		} else if err := out.Set(k.s, cv); err != nil {
			panic(err)
		}
	}
	if err := out.SetPrototype(c.core.objectProto); err != nil {
		panic(err)
	}
	return out
}

// propKey is a property key. goja's Go API names properties with Go
// strings, which cannot hold lone UTF-16 surrogates; keys that do not survive
// the conversion keep their JS value in raw and take a slower path.
type propKey struct {
	s   string
	raw goja.Value
}

// keys returns o's own enumerable string keys. It calls Object.keys, which
// goja collects with far fewer allocations than Object.Keys' property
// iterator.
func (c *cloner) keys(o *goja.Object) []propKey {
	arr, _ := c.call(c.core.objectKeys, goja.Undefined(), o).(*goja.Object)
	if arr == nil {
		return nil
	}
	keys := make([]propKey, arr.Get("length").ToInteger())
	for i := range keys {
		kv := arr.Get(strconv.Itoa(i))
		s := kv.String()
		keys[i].s = s
		if !isASCII(s) && !c.vm.ToValue(s).StrictEquals(kv) {
			keys[i].raw = kv
		}
	}
	return keys
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// get reads o[k] ([[Get]]: getters run), or nil if o has no such property.
func (c *cloner) get(o *goja.Object, k propKey) goja.Value {
	if k.raw == nil {
		return o.Get(k.s)
	}
	h := helpersOf(c.r)
	v := c.call(h.get, goja.Undefined(), o, k.raw, h.miss)
	if v == h.miss {
		return nil
	}
	return v
}

// putRaw sets a property whose key has no Go string form.
func (c *cloner) putRaw(o *goja.Object, k, v goja.Value) {
	c.call(helpersOf(c.r).put, goja.Undefined(), o, k, v)
}

var helpersProgram = goja.MustCompile("workerhost:structuredclone-keys", `(function () {
  "use strict";
  return [(o, k, miss) => (k in o ? o[k] : miss), (o, k, v) => { o[k] = v; }, {}];
})()`, true)

type helpers struct {
	get, put goja.Callable
	miss     goja.Value
}

var helpersKey = realm.NewKey[*helpers]()

func helpersOf(r *realm.Realm) *helpers {
	if h := helpersKey.Get(r); h != nil {
		return h
	}
	v, err := r.VM().RunProgram(helpersProgram)
	if err != nil {
		panic(err)
	}
	arr := v.(*goja.Object)
	h := &helpers{miss: arr.Get("2")}
	h.get, _ = goja.AssertFunction(arr.Get("0"))
	h.put, _ = goja.AssertFunction(arr.Get("1"))
	helpersKey.Set(r, h)
	return h
}

func (c *cloner) define(o *goja.Object, k string, v goja.Value) {
	if err := o.DefineDataProperty(k, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
		panic(err)
	}
}

// array clones an Array: its length, holes and all own enumerable string
// properties. A dense array without extra properties is built in one go; the
// empty array is only made up front when a cycle leads back to it.
func (c *cloner) array(o *goja.Object) goja.Value {
	length := o.Get("length").ToInteger()
	keys := c.keys(o)
	dense := int64(len(keys)) == length &&
		(length == 0 || keys[length-1].s == strconv.FormatInt(length-1, 10))
	c.memory[o] = nil // under construction; value() makes it on a back-reference
	vals := make([]goja.Value, len(keys))
	for i, k := range keys {
		v := c.get(o, k)
		if v == nil {
			dense = false
			continue
		}
		if dense {
			c.path = append(c.path, segment{kind: segIndex, n: i})
		} else {
			c.path = append(c.path, segment{kind: segProp, key: k.s})
		}
		vals[i] = c.value(v)
		c.path = c.path[:len(c.path)-1]
	}
	out, _ := c.memory[o].(*goja.Object)
	if out == nil && dense {
		items := make([]any, len(vals))
		for i, v := range vals {
			items[i] = v
		}
		out = c.vm.NewArray(items...)
		c.memory[o] = out
		return out
	}
	if out == nil {
		out = c.vm.NewArray()
		c.memory[o] = out
	}
	if err := out.Set("length", length); err != nil {
		panic(err)
	}
	for i, k := range keys {
		switch {
		case vals[i] == nil:
		case k.raw != nil:
			c.putRaw(out, k.raw, vals[i])
		default:
			c.define(out, k.s, vals[i])
		}
	}
	return out
}

func (c *cloner) primitiveWrapper(o *goja.Object) goja.Value {
	switch p := o.Export().(type) {
	case bool, int64, float64, *big.Int:
		return c.remember(o, c.vm.ToValue(p).ToObject(c.vm))
	default:
		c.fail("a Symbol object")
		return nil
	}
}

func (c *cloner) regexp(o *goja.Object) goja.Value {
	in := c.intr()
	source := c.call(in.reSource, o)
	var flags [len(regexpFlags)]byte
	n := 0
	for i, get := range in.reFlags {
		if c.call(get, o).ToBoolean() {
			flags[n] = regexpFlags[i]
			n++
		}
	}
	return c.remember(o, c.construct(in.regexpCtor, source, c.vm.ToValue(string(flags[:n]))))
}

var errorNames = map[string]bool{
	"Error": true, "EvalError": true, "RangeError": true, "ReferenceError": true,
	"SyntaxError": true, "TypeError": true, "URIError": true,
}

// error clones an Error: its name (one of the seven native error names,
// otherwise "Error"), its own message, stack and cause data properties.
func (c *cloner) error(o *goja.Object) goja.Value {
	in := c.intr()
	name := "Error"
	if nv := o.Get("name"); nv != nil {
		if s, ok := nv.(goja.String); ok && errorNames[s.String()] {
			name = s.String()
		}
	}
	message, hasMessage := c.ownData(o, "message")
	if hasMessage {
		if _, isSym := message.(*goja.Symbol); isSym {
			panic(c.r.NewTypeError("Cannot convert a Symbol value to a string"))
		}
		message = c.vm.ToValue(message.String()) // ToString
	}
	out := c.construct(in.errorCtors[name])
	c.memory[o] = out
	if hasMessage {
		c.defineHidden(out, "message", message)
	}
	if stack, ok := c.ownData(o, "stack"); ok {
		if _, isString := stack.(goja.String); isString {
			c.defineHidden(out, "stack", stack)
		}
	} else {
		_ = out.Delete("stack")
	}
	if cause, ok := c.ownData(o, "cause"); ok {
		c.path = append(c.path, segment{kind: segProp, key: "cause"})
		cv := c.value(cause)
		c.path = c.path[:len(c.path)-1]
		c.defineHidden(out, "cause", cv)
	}
	return out
}

// ownData returns the value of o's own data property k, if it has one.
func (c *cloner) ownData(o *goja.Object, k string) (goja.Value, bool) {
	d, ok := c.call(c.intr().getOwnPropertyDescriptor, goja.Undefined(), o, c.vm.ToValue(k)).(*goja.Object)
	if !ok {
		return nil, false
	}
	if v := d.Get("get"); v != nil && !goja.IsUndefined(v) {
		return nil, false
	}
	if v := d.Get("set"); v != nil && !goja.IsUndefined(v) {
		return nil, false
	}
	v := d.Get("value")
	if v == nil {
		v = goja.Undefined()
	}
	return v, true
}

func (c *cloner) defineHidden(o *goja.Object, k string, v goja.Value) {
	if err := o.DefineDataProperty(k, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		panic(err)
	}
}

// mapOrSet copies the entries first, then clones them, as the spec does.
func (c *cloner) mapOrSet(o *goja.Object, isMap bool) goja.Value {
	in := c.intr()
	forEach, ctor, add := in.setForEach, in.setCtor, in.setAdd
	if isMap {
		forEach, ctor, add = in.mapForEach, in.mapCtor, in.mapSet
	}
	in.entries, in.pairs = in.entries[:0], isMap
	c.call(forEach, o, in.collector)
	entries := append([]goja.Value(nil), in.entries...)
	clear(in.entries)
	in.entries = in.entries[:0]
	out := c.construct(ctor)
	c.memory[o] = out
	if isMap {
		for i := 0; i < len(entries); i += 2 {
			c.path = append(c.path, segment{kind: segMapKey, n: i / 2})
			k := c.value(entries[i])
			c.path[len(c.path)-1].kind = segMapValue
			v := c.value(entries[i+1])
			c.path = c.path[:len(c.path)-1]
			c.call(add, out, k, v)
		}
		return out
	}
	for i, e := range entries {
		c.path = append(c.path, segment{kind: segSetEntry, n: i})
		v := c.value(e)
		c.path = c.path[:len(c.path)-1]
		c.call(add, out, v)
	}
	return out
}

func (c *cloner) typedArray(o *goja.Object) goja.Value {
	in := viewIntrinsicsOf(c.r)
	name := c.call(in.taTag, o).String()
	buf := c.call(in.taBuffer, o)
	offset := c.call(in.taByteOffset, o)
	length := c.call(in.taLength, o)
	ctor, ok := in.typedArrayCtors[name]
	if !ok {
		c.fail("#<" + name + ">")
	}
	c.path = append(c.path, segment{kind: segBuffer})
	nb := c.value(buf)
	c.path = c.path[:len(c.path)-1]
	return c.remember(o, c.construct(ctor, nb, offset, length))
}

func (c *cloner) dataView(o *goja.Object) goja.Value {
	in := viewIntrinsicsOf(c.r)
	buf := c.call(in.dvBuffer, o)
	offset := c.call(in.dvByteOffset, o)
	length := c.call(in.dvByteLength, o)
	c.path = append(c.path, segment{kind: segBuffer})
	nb := c.value(buf)
	c.path = c.path[:len(c.path)-1]
	return c.remember(o, c.construct(in.dataViewCtor, nb, offset, length))
}

// domException clones a DOMException (a serializable platform object): its
// name, message and stack.
func (c *cloner) domException(o *goja.Object, e *dom.DOMException) goja.Value {
	out := dom.NewDOMException(c.r, e.Name, e.Message)
	if s := e.Get("stack"); s != nil {
		if ne, ok := dom.IsDOMException(out); ok {
			ne.Set("stack", s)
		}
	}
	return c.remember(o, out)
}

// call invokes a captured built-in and rethrows what it throws.
func (c *cloner) call(f goja.Callable, this goja.Value, args ...goja.Value) goja.Value {
	v, err := f(this, args...)
	if err != nil {
		panic(err)
	}
	return v
}

func (c *cloner) construct(ctor goja.Value, args ...goja.Value) *goja.Object {
	o, err := c.vm.New(ctor, args...)
	if err != nil {
		panic(err)
	}
	return o
}

// fail throws a DataCloneError saying what could not be cloned and where.
func (c *cloner) fail(what string) {
	msg := what + " could not be cloned"
	if p := c.pathString(); p != "" {
		msg += " (found at " + p + ")"
	}
	dom.Throw(c.r, "DataCloneError", msg+".")
}

func (c *cloner) failf(format string, args ...any) {
	dom.Throw(c.r, "DataCloneError", fmt.Sprintf(format, args...)+".")
}

func (c *cloner) pathString() string {
	if len(c.path) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("value")
	for _, s := range c.path {
		switch s.kind {
		case segProp:
			if isIdentifier(s.key) {
				b.WriteString("." + s.key)
			} else {
				b.WriteString("[" + strconv.Quote(s.key) + "]")
			}
		case segIndex:
			b.WriteString("[" + strconv.Itoa(s.n) + "]")
		case segMapKey:
			b.WriteString(".<Map entry " + strconv.Itoa(s.n) + " key>")
		case segMapValue:
			b.WriteString(".<Map entry " + strconv.Itoa(s.n) + " value>")
		case segSetEntry:
			b.WriteString(".<Set entry " + strconv.Itoa(s.n) + ">")
		case segBuffer:
			b.WriteString(".buffer")
		}
	}
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// describe names an object that cannot be cloned, like V8 does ("#<WeakMap>").
func (c *cloner) describe(o *goja.Object) string {
	tag := ""
	_ = c.vm.Try(func() {
		if t, ok := o.GetSymbol(goja.SymToStringTag).(goja.String); ok {
			tag = t.String()
		}
	})
	if tag == "" {
		tag = o.ClassName()
	}
	return "#<" + tag + ">"
}

func (c *cloner) describeFunction(o *goja.Object) string {
	name := ""
	_ = c.vm.Try(func() {
		if n, ok := o.Get("name").(goja.String); ok {
			name = n.String()
		}
	})
	if name == "" {
		return "an anonymous function"
	}
	return "function '" + name + "'"
}

// objectSequence converts v to a WebIDL sequence<object> through the
// iterator protocol.
func objectSequence(r *realm.Realm, v goja.Value, what string) []goja.Value {
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(what + " is not iterable"))
	}
	method, ok := goja.AssertFunction(o.GetSymbol(goja.SymIterator))
	if !ok {
		panic(r.NewTypeError(what + " is not iterable"))
	}
	itv, err := method(o)
	if err != nil {
		panic(err)
	}
	it, ok := itv.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(what + ": the iterator is not an object"))
	}
	next, ok := goja.AssertFunction(it.Get("next"))
	if !ok {
		panic(r.NewTypeError(what + ": the iterator has no next method"))
	}
	var list []goja.Value
	for {
		res, err := next(it)
		if err != nil {
			panic(err)
		}
		ro, ok := res.(*goja.Object)
		if !ok {
			panic(r.NewTypeError(what + ": the iterator result is not an object"))
		}
		if done := ro.Get("done"); done != nil && done.ToBoolean() {
			return list
		}
		item := ro.Get("value")
		if _, isObj := item.(*goja.Object); !isObj {
			panic(r.NewTypeError(what + " must contain only objects (ArrayBuffers, MessagePorts), but item " +
				strconv.Itoa(len(list)) + " is not an object"))
		}
		if len(list) == maxTransfer {
			panic(r.NewError("RangeError", what+" has more than "+strconv.Itoa(maxTransfer)+" items"))
		}
		list = append(list, item)
	}
}
