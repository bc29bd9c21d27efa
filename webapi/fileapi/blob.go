package fileapi

import (
	"strconv"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/encoding"
)

// Blob is the Go side of a Blob object (https://w3c.github.io/FileAPI/#blob):
// an immutable byte sequence and a MIME type. Slices share the bytes of the
// Blob they were cut from.
type Blob struct {
	realm.Host
	data []byte // never modified once the Blob exists; may be shared
	typ  string // normalized: printable ASCII, lowercase, or ""
}

// Bytes returns the Blob's bytes. They are shared with the Blob (and with
// other Blobs sliced from the same data): do not modify them.
func (b *Blob) Bytes() []byte { return b.data }

// Type returns the type attribute: a lowercase MIME type or "".
func (b *Blob) Type() string { return b.typ }

// Size returns the size attribute, the number of bytes.
func (b *Blob) Size() int { return len(b.data) }

func (b *Blob) blob() *Blob { return b }

// File is the Go side of a File object (https://w3c.github.io/FileAPI/#file):
// a Blob with a name and a last modification date.
type File struct {
	Blob
	name         string
	lastModified int64 // milliseconds since the Unix epoch
}

// Name returns the name attribute.
func (f *File) Name() string { return f.name }

// LastModified returns the lastModified attribute, in milliseconds since the
// Unix epoch.
func (f *File) LastModified() int64 { return f.lastModified }

// blobObject is implemented by *Blob and *File: every object that is a Blob.
type blobObject interface {
	realm.HostObject
	blob() *Blob
}

// BlobFrom returns the bytes and type of v when v is a Blob or File object
// (including instances of script subclasses). Call it on the loop
// goroutine. The bytes are shared with the Blob and must not be modified
// (copy them before handing them to anything that may write to them, such as
// an ArrayBuffer); they stay valid (Blobs are immutable) and may be read from
// any goroutine. contentType is the type attribute: a lowercase MIME type,
// or "" when the Blob has none (Fetch's "extract a body" then sets no
// Content-Type).
func BlobFrom(v goja.Value) (data []byte, contentType string, ok bool) {
	b, ok := realm.Unwrap[blobObject](v)
	if !ok {
		return nil, "", false
	}
	bl := b.blob()
	return bl.data, bl.typ, true
}

// FileFrom returns the Go side of v when v is a File object (on the loop
// goroutine).
func FileFrom(v goja.Value) (*File, bool) {
	return realm.Unwrap[*File](v)
}

// NewBlob creates a Blob object holding data, which the Blob owns from now
// on: the caller must not modify it afterwards. contentType is normalized as
// the Blob constructor does (ASCII-lowercased; "" if it contains a character
// outside U+0020–U+007E). Use it for Body.blob(). Call it on the loop
// goroutine.
func NewBlob(r *realm.Realm, data []byte, contentType string) *goja.Object {
	b := &Blob{data: data, typ: normalizeType(contentType)}
	return getState(r).blob.Wrap(b)
}

// NewFile creates a File object holding data (owned by the File from now on)
// with the given name, type (normalized as in NewBlob) and lastModified
// (milliseconds since the Unix epoch). Call it on the loop goroutine.
func NewFile(r *realm.Realm, data []byte, name, contentType string, lastModified int64) *goja.Object {
	f := &File{Blob: Blob{data: data, typ: normalizeType(contentType)}, name: name, lastModified: lastModified}
	return getState(r).file.Wrap(f)
}

// normalizeType applies the Blob type rules: a string with any character
// outside U+0020–U+007E becomes "", others are ASCII-lowercased.
func normalizeType(t string) string {
	lower := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < 0x20 || c > 0x7E {
			return ""
		}
		if 'A' <= c && c <= 'Z' {
			lower = false
		}
	}
	if lower {
		return t
	}
	b := []byte(t)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// blobPart is one converted element of a blobParts sequence.
type blobPart struct {
	data  []byte      // bytes of a Blob (immutable) or a BufferSource (copied on assembly)
	str   goja.String // a USVString part
	isStr bool
	blob  bool // data is a Blob's
}

// readParts converts the blobParts argument (an optional
// sequence<BlobPart>) as WebIDL does: the @@iterator method is fetched once
// and each element is converted as it is produced.
func (s *state) readParts(v goja.Value, where string) []blobPart {
	r := s.r
	if v == nil || goja.IsUndefined(v) {
		return nil
	}
	notSeq := where + ": The provided value cannot be converted to a sequence."
	o, ok := v.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(notSeq))
	}
	method, ok := goja.AssertFunction(o.GetSymbol(goja.SymIterator))
	if !ok {
		panic(r.NewTypeError(notSeq))
	}
	iv, err := method(o)
	if err != nil {
		panic(err)
	}
	iter, ok := iv.(*goja.Object)
	if !ok {
		panic(r.NewTypeError(where + ": the iterator of the blob parts is not an object"))
	}
	next, ok := goja.AssertFunction(iter.Get("next"))
	if !ok {
		panic(r.NewTypeError(where + ": the iterator of the blob parts has no next() method"))
	}
	var parts []blobPart
	var size int64
	for {
		res, err := next(iter)
		if err != nil {
			panic(err)
		}
		ro, ok := res.(*goja.Object)
		if !ok {
			panic(r.NewTypeError(where + ": the iterator result is not an object"))
		}
		if d := ro.Get("done"); d != nil && d.ToBoolean() {
			return parts
		}
		el := ro.Get("value")
		if el == nil {
			el = goja.Undefined()
		}
		p := convertPart(r, el)
		if p.isStr {
			size += int64(p.str.Length())
		} else {
			size += int64(len(p.data))
		}
		// Fail early (assemble checks exactly). A lone Blob part is shared,
		// not copied, so it may be larger than the limit.
		if size > s.maxBlobSize && len(parts) > 0 {
			s.tooLarge(where, size)
		}
		parts = append(parts, p)
	}
}

// convertPart converts one element to (BufferSource or Blob or USVString).
func convertPart(r *realm.Realm, v goja.Value) blobPart {
	if _, ok := v.(*goja.Object); ok {
		if b, ok := realm.Unwrap[blobObject](v); ok {
			return blobPart{data: b.blob().data, blob: true}
		}
		if p, ok := encoding.BufferSource(r, v); ok {
			return blobPart{data: p}
		}
	}
	return blobPart{str: r.ToJSString(v), isStr: true}
}

// assemble implements "process blob parts": the bytes of every part in
// order, strings UTF-8 encoded (with line endings converted to "\n" when
// native is set). A single Blob part is shared, not copied. It throws a
// RangeError when the result would exceed the realm's MaxBlobSize.
func (s *state) assemble(parts []blobPart, native bool, where string) []byte {
	if len(parts) == 1 && parts[0].blob {
		return parts[0].data
	}
	limit := s.maxBlobSize
	n := int64(0)
	for _, p := range parts {
		if p.isStr {
			n += int64(p.str.Length()) // exact for ASCII, a lower bound otherwise
		} else {
			n += int64(len(p.data))
		}
		if n > limit {
			s.tooLarge(where, n)
		}
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		if !p.isStr {
			out = append(out, p.data...)
			continue
		}
		start := len(out)
		out = encoding.AppendUTF8(out, p.str)
		if native {
			out = out[:start+nativeEndings(out[start:])]
		}
		if int64(len(out)) > limit {
			s.tooLarge(where, int64(len(out)))
		}
	}
	return out
}

func (s *state) tooLarge(where string, n int64) {
	panic(s.r.NewError("RangeError", where+": the blob would hold at least "+strconv.FormatInt(n, 10)+
		" bytes, more than the limit of "+strconv.FormatInt(s.maxBlobSize, 10)+" bytes"))
}

// DefaultMaxBlobSize is the largest Blob or File the constructors build in a
// realm where SetMaxBlobSize was not called: 128 MiB.
const DefaultMaxBlobSize = 128 << 20

// SetMaxBlobSize bounds the size of the Blobs and Files that the Blob and
// File constructors build in r (one native call could otherwise allocate
// without bound, e.g. new Blob(Array(1e6).fill(bigBlob))); beyond it they
// throw a RangeError. Pass the routine's per-allocation budget
// (limits.Limits.MaxAllocation); n <= 0 restores DefaultMaxBlobSize. Blobs
// made from Go (NewBlob, NewFile, the formData() parsers) are not bounded.
func SetMaxBlobSize(r *realm.Realm, n int64) {
	if n <= 0 {
		n = DefaultMaxBlobSize
	}
	getState(r).maxBlobSize = n
}

// nativeEndings converts CRLF and lone CR to LF in place ("convert line
// endings to native" where the native line ending is LF) and returns the new
// length.
func nativeEndings(b []byte) int {
	w := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			c = '\n'
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		}
		b[w] = c
		w++
	}
	return w
}

// readEndings converts the endings member ("transparent" or "native").
func readEndings(r *realm.Realm, dict *goja.Object, where string) bool {
	v := member(dict, "endings")
	if v == nil {
		return false
	}
	switch s := toUSV(r, v); s {
	case "transparent":
		return false
	case "native":
		return true
	default:
		panic(r.NewTypeError(where + ": The provided value '" + clip(s) +
			"' is not a valid enum value of type EndingType."))
	}
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

func installBlob(s *state) *realm.Class {
	r := s.r
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("Blob", 0, func(call goja.ConstructorCall) *goja.Object {
		const where = "Failed to construct 'Blob'"
		parts := s.readParts(call.Argument(0), where)
		dict := dictionary(r, call.Argument(1), where, "BlobPropertyBag")
		native := readEndings(r, dict, where)
		typ := ""
		if v := member(dict, "type"); v != nil {
			typ = normalizeType(toUSV(r, v))
		}
		return c.WrapFor(call, &Blob{data: s.assemble(parts, native, where), typ: typ})
	}, nil)

	this := func(call goja.FunctionCall) *Blob { return realm.This[blobObject](r, call, "Blob").blob() }
	c.Getter("size", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(len(this(call).data))
	})
	c.Getter("type", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).typ)
	})
	c.Method("slice", 0, func(call goja.FunctionCall) goja.Value {
		b := this(call)
		size := int64(len(b.data))
		rel := func(v goja.Value, def int64) int64 {
			if goja.IsUndefined(v) {
				return def
			}
			x := toClampedLongLong(v)
			if x < 0 {
				return max(size+x, 0)
			}
			return min(x, size)
		}
		start := rel(call.Argument(0), 0)
		end := rel(call.Argument(1), size)
		typ := ""
		if v := call.Argument(2); !goja.IsUndefined(v) {
			typ = normalizeType(toUSV(r, v))
		}
		span := max(end-start, 0)
		data := b.data[start : start+span : start+span]
		return s.blob.Wrap(&Blob{data: data, typ: typ})
	})
	// The promise-returning operations report a wrong receiver as a
	// rejection, as WebIDL says for operations that return promises.
	promiseThis := func(call goja.FunctionCall) (*Blob, goja.Value) {
		b, ok := realm.Unwrap[blobObject](call.This)
		if !ok {
			return nil, rejected(r, r.NewTypeError("Illegal invocation: the receiver is not a Blob"))
		}
		return b.blob(), nil
	}
	c.Method("text", 0, func(call goja.FunctionCall) goja.Value {
		b, rej := promiseThis(call)
		if b == nil {
			return rej
		}
		return resolved(r, encoding.DecodeUTF8Value(vm, b.data))
	})
	c.Method("arrayBuffer", 0, func(call goja.FunctionCall) goja.Value {
		b, rej := promiseThis(call)
		if b == nil {
			return rej
		}
		return resolved(r, r.NewArrayBuffer(append(make([]byte, 0, len(b.data)), b.data...)))
	})
	c.Method("bytes", 0, func(call goja.FunctionCall) goja.Value {
		b, rej := promiseThis(call)
		if b == nil {
			return rej
		}
		return resolved(r, r.NewUint8Array(append(make([]byte, 0, len(b.data)), b.data...)))
	})
	c.Method("stream", 0, func(call goja.FunctionCall) goja.Value {
		return newByteStream(r, this(call).data)
	})
	return c
}

// streamChunk is the size of the chunks Blob.stream() enqueues.
const streamChunk = 64 << 10

// newByteStream makes a ReadableStream of data (a readable byte stream whose
// pull enqueues copies of up to streamChunk bytes), built through the realm's
// global ReadableStream constructor.
func newByteStream(r *realm.Realm, data []byte) goja.Value {
	vm := r.VM()
	ctor, ok := vm.GlobalObject().Get("ReadableStream").(*goja.Object)
	if ok {
		_, ok = goja.AssertConstructor(ctor)
	}
	if !ok {
		panic(r.NewTypeError("Blob.stream() is not available: streams are unavailable in this realm (there is no global ReadableStream constructor)"))
	}
	call := func(c *goja.Object, method string, args ...goja.Value) {
		fn, ok := goja.AssertFunction(c.Get(method))
		if !ok {
			panic(r.NewTypeError("Blob.stream(): the stream controller has no " + method + "() method"))
		}
		if _, err := fn(c, args...); err != nil {
			panic(err)
		}
	}
	off := 0
	src := vm.NewObject()
	_ = src.Set("type", "bytes")
	_ = src.Set("pull", r.Func("pull", 1, func(fc goja.FunctionCall) goja.Value {
		c, ok := fc.Argument(0).(*goja.Object)
		if !ok {
			panic(r.NewTypeError("Blob.stream(): pull() was called without a controller"))
		}
		if off < len(data) {
			n := min(streamChunk, len(data)-off)
			chunk := append(make([]byte, 0, n), data[off:off+n]...)
			off += n
			call(c, "enqueue", r.NewUint8Array(chunk))
		}
		if off >= len(data) {
			call(c, "close")
		}
		return goja.Undefined()
	}))
	o, err := vm.New(ctor, src)
	if err != nil {
		panic(err)
	}
	return o
}

func installFile(s *state) *realm.Class {
	r := s.r
	vm := r.VM()
	var c *realm.Class
	c = r.NewClassExact("File", 2, func(call goja.ConstructorCall) *goja.Object {
		const where = "Failed to construct 'File'"
		r.RequireArgs(len(call.Arguments), 2, "File", "")
		parts := s.readParts(call.Argument(0), where)
		name := toUSV(r, call.Argument(1))
		dict := dictionary(r, call.Argument(2), where, "FilePropertyBag")
		// Members of the inherited BlobPropertyBag first, then lastModified.
		native := readEndings(r, dict, where)
		typ := ""
		if v := member(dict, "type"); v != nil {
			typ = normalizeType(toUSV(r, v))
		}
		var mod int64
		if v := member(dict, "lastModified"); v != nil {
			mod = toLongLong(v)
		} else {
			mod = time.Now().UnixMilli()
		}
		f := &File{Blob: Blob{data: s.assemble(parts, native, where), typ: typ}, name: name, lastModified: mod}
		return c.WrapFor(call, f)
	}, s.blob)
	this := func(call goja.FunctionCall) *File { return realm.This[*File](r, call, "File") }
	c.Getter("name", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).name)
	})
	c.Getter("lastModified", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).lastModified)
	})
	empty := vm.ToValue("")
	c.Getter("webkitRelativePath", func(call goja.FunctionCall) goja.Value {
		this(call)
		return empty
	})
	return c
}
