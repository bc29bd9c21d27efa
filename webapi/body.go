package webapi

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/fileapi"
	"github.com/workerhost/workerhost/webapi/url"
)

// MaxBufferedBody bounds how many bytes text(), json(), arrayBuffer() and
// friends will buffer from one body. Larger bodies must be streamed.
var MaxBufferedBody int64 = 128 << 20

// ErrBodyTooLarge is reported when a body exceeds MaxBufferedBody.
var ErrBodyTooLarge = errors.New("body exceeds the buffering limit")

// Body is the body of a Request or Response (Fetch §5 "body"): a source
// that is consumed once. Exactly one of the sources is set, or none (null
// body). A JS ReadableStream is created only when script asks for .body.
type Body struct {
	text    string        // string source
	hasText bool          //
	bytes   []byte        // byte source, owned by the body
	reader  io.ReadCloser // Go source not yet read (incoming request, subrequest response)
	stream  goja.Value    // JS ReadableStream
	length  int64         // total length when known, else -1
	used    bool
	// consumed: a non-null source was read or taken without a JS stream.
	// The body is not null: .body is then a disturbed, locked stream.
	consumed bool
	// fromStream: the body was extracted from a ReadableStream, so its
	// source is null (Fetch "body/source"): it cannot be replayed.
	fromStream bool
	// ContentType is the type extracted from the body init, if any.
	ContentType string
}

// IsNull reports whether there is no body.
func (b *Body) IsNull() bool {
	return !b.hasText && b.bytes == nil && b.reader == nil && b.stream == nil && !b.consumed
}

// Used reports whether the body has been consumed (bodyUsed).
func (b *Body) Used(r *realm.Realm) bool {
	if b.used {
		return true
	}
	if b.stream != nil && streamHooks.disturbed != nil {
		return streamHooks.disturbed(b.stream)
	}
	return false
}

// Length returns the body length if known without reading it, else -1.
func (b *Body) Length() int64 {
	switch {
	case b.hasText:
		return int64(len(b.text))
	case b.bytes != nil:
		return int64(len(b.bytes))
	case b.reader != nil:
		return b.length
	case b.stream == nil:
		return 0 // null or consumed
	}
	return -1
}

// ReaderBody returns a body read from rc (length -1 when unknown): bodies of
// subrequest responses and client requests. Nothing is read until script
// or Go consumes it.
func ReaderBody(rc io.ReadCloser, length int64) Body {
	var b Body
	b.SetReader(rc, length)
	return b
}

// BytesBody returns a body holding p (owned by the body from now on).
func BytesBody(p []byte) Body {
	var b Body
	b.SetBytes(p)
	return b
}

// SetText makes s the body.
func (b *Body) SetText(s string) { *b = Body{text: s, hasText: true, length: int64(len(s))} }

// SetBytes makes p (owned by the body from now on) the body.
func (b *Body) SetBytes(p []byte) {
	if p == nil {
		p = []byte{}
	}
	*b = Body{bytes: p, length: int64(len(p))}
}

// SetReader makes a Go reader the body; length is -1 when unknown.
func (b *Body) SetReader(rc io.ReadCloser, length int64) { *b = Body{reader: rc, length: length} }

// streamHooks connect bodies to the streams package (set by Install when
// streams are available), keeping this file free of a hard dependency.
var streamHooks struct {
	isStream   func(v goja.Value) bool
	disturbed  func(v goja.Value) bool
	locked     func(v goja.Value) bool
	fromBytes  func(r *realm.Realm, b []byte) *goja.Object
	fromReader func(r *realm.Realm, ctx *realm.Context, rc io.ReadCloser) *goja.Object
	readAll    func(r *realm.Realm, stream goja.Value, limit int64, done func([]byte, goja.Value))
	tee        func(r *realm.Realm, stream goja.Value) (goja.Value, goja.Value)
	goReader   func(r *realm.Realm, ctx *realm.Context, stream goja.Value) io.ReadCloser
	takeGo     func(stream goja.Value) (io.ReadCloser, bool)
	cancel     func(stream goja.Value)
}

// extract implements "extract a body" for BodyInit values.
func (b *Body) extract(r *realm.Realm, v goja.Value) { b.extractFor(r, v, false) }

// extractFor is extract with the keepalive flag of the request the body is
// for: a keepalive request cannot have a ReadableStream body.
func (b *Body) extractFor(r *realm.Realm, v goja.Value, keepalive bool) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		*b = Body{}
		return
	}
	if p, ok := r.Bytes(v); ok {
		b.SetBytes(append([]byte(nil), p...))
		return
	}
	if o, ok := v.(*goja.Object); ok {
		if streamHooks.isStream != nil && streamHooks.isStream(o) {
			if keepalive {
				panic(r.NewTypeError("A keepalive request cannot have a ReadableStream body"))
			}
			if streamHooks.disturbed(o) || streamHooks.locked(o) {
				panic(r.NewTypeError("The ReadableStream passed as a body is locked or has already been read"))
			}
			*b = Body{stream: o, length: -1, fromStream: true}
			return
		}
		if data, typ, ok := fileapi.BlobFrom(o); ok {
			// Blobs are immutable but arrayBuffer() hands the bytes to
			// script, so the body gets its own copy.
			b.SetBytes(append([]byte(nil), data...))
			b.ContentType = typ
			return
		}
		if fd, ok := fileapi.FormDataFrom(o); ok {
			body, typ := fileapi.SerializeMultipart(fd)
			b.SetBytes(body)
			b.ContentType = typ
			return
		}
		if sp, ok := realm.Unwrap[*url.SearchParams](o); ok {
			b.SetText(sp.String())
			b.ContentType = "application/x-www-form-urlencoded;charset=UTF-8"
			return
		}
	}
	b.SetText(usvString(v))
	b.ContentType = "text/plain;charset=UTF-8"
}

// usvString converts a JS value to a Go string, replacing lone surrogates.
func usvString(v goja.Value) string {
	s := v.String()
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// unusable reports whether a non-null body can no longer be read (Fetch
// Body "unusable"): it has been used, or its stream is locked.
func (b *Body) unusable(r *realm.Realm) bool {
	if b.Used(r) {
		return true
	}
	return b.stream != nil && streamHooks.locked != nil && streamHooks.locked(b.stream)
}

// proxy implements "creating a proxy" of an input Request's body for the
// Request constructor: it returns a body with the same data and leaves b
// used. When script has not made a stream of b, its source moves as is (a
// Go source stays a Go source); a stream made from a Go source nobody has
// read gives that source back (streams.TakeGoSource); any other stream is
// teed. In the last two cases b keeps its stream object (input.body is the
// same object as before), now locked.
func (b *Body) proxy(r *realm.Realm) Body {
	n := *b
	if b.stream == nil {
		*b = Body{used: true, consumed: true}
		return n
	}
	if streamHooks.takeGo != nil {
		if rc, ok := streamHooks.takeGo(b.stream); ok {
			n.stream, n.reader = nil, rc
			b.used = true
			return n
		}
	}
	if streamHooks.tee == nil {
		panic(r.NewTypeError("cannot use a streaming body: streams are not available"))
	}
	s1, s2 := streamHooks.tee(r, b.stream)
	if streamHooks.cancel != nil {
		// Nobody reads the second branch: without a cancel it would
		// buffer every chunk.
		streamHooks.cancel(s2)
	}
	n.stream = s1
	b.used = true
	return n
}

// clone implements "clone a body": byte sources are copied, streams teed.
func (b *Body) clone(r *realm.Realm) Body {
	switch {
	case b.hasText:
		return *b
	case b.bytes != nil:
		n := *b
		n.bytes = append([]byte(nil), b.bytes...)
		return n
	case b.reader != nil:
		b.ensureStream(r)
		fallthrough
	case b.stream != nil:
		if streamHooks.tee == nil {
			panic(r.NewTypeError("cannot clone a streaming body: streams are not available"))
		}
		s1, s2 := streamHooks.tee(r, b.stream)
		b.stream = s1
		n := *b
		n.stream = s2
		return n
	}
	return Body{}
}

// ensureStream turns the source into a JS ReadableStream (for .body).
func (b *Body) ensureStream(r *realm.Realm) goja.Value {
	if b.stream != nil {
		return b.stream
	}
	if b.IsNull() {
		return goja.Null()
	}
	if streamHooks.fromBytes == nil {
		panic(r.NewTypeError("ReadableStream bodies are not available in this build"))
	}
	switch {
	case b.consumed:
		// Consuming a body reads its stream to the end with a reader
		// (Fetch "fully read"): what script sees afterwards is a stream
		// that is disturbed and locked, whatever the source was.
		s := streamHooks.fromBytes(r, nil)
		streamHooks.readAll(r, s, 0, func([]byte, goja.Value) {})
		b.stream = s
		b.consumed = false
		return s
	case b.hasText:
		b.stream = streamHooks.fromBytes(r, []byte(b.text))
		b.text, b.hasText = "", false
	case b.bytes != nil:
		b.stream = streamHooks.fromBytes(r, b.bytes)
		b.bytes = nil
	case b.reader != nil:
		b.stream = streamHooks.fromReader(r, r.Current(), b.reader)
		b.reader = nil
	}
	return b.stream
}

// Payload is a body handed to Go: at most one field is set.
type Payload struct {
	Text   string
	Bytes  []byte
	Reader io.ReadCloser // read it off the loop goroutine; Close when done
	Length int64         // -1 when unknown
	// Script is set when Reader pulls from a JS ReadableStream: each Read
	// runs the script's pull on the loop, so a reader must not read ahead.
	Script bool
}

// TakePayload moves the body out for Go to send (to a client or upstream).
// JS sees it as used afterwards. A JS stream becomes a Reader that pulls
// chunks from the loop. Call on the loop goroutine.
func (b *Body) TakePayload(r *realm.Realm, ctx *realm.Context) (Payload, error) {
	if b.Used(r) {
		return Payload{}, errors.New("body has already been used")
	}
	b.used = true
	switch {
	case b.hasText:
		text := b.text
		b.text, b.hasText, b.consumed = "", false, true
		return Payload{Text: text, Length: int64(len(text))}, nil
	case b.bytes != nil:
		p := b.bytes
		b.bytes, b.consumed = nil, true
		return Payload{Bytes: p, Length: int64(len(p))}, nil
	case b.reader != nil:
		rc := b.reader
		b.reader, b.consumed = nil, true
		return Payload{Reader: rc, Length: b.length}, nil
	case b.stream != nil:
		if streamHooks.takeGo != nil {
			if rc, ok := streamHooks.takeGo(b.stream); ok {
				return Payload{Reader: rc, Length: b.length}, nil
			}
		}
		if streamHooks.locked(b.stream) {
			return Payload{}, errors.New("the body's ReadableStream is locked to a reader")
		}
		return Payload{Reader: streamHooks.goReader(r, ctx, b.stream), Length: -1, Script: true}, nil
	}
	return Payload{Length: 0}, nil
}

// readAll consumes the body and calls done on the loop goroutine with its
// bytes or a JS error value. share tells whether the returned slice may
// alias body-owned memory (false when the caller hands it to JS as a buffer
// it may mutate... the body is consumed either way, so sharing is safe).
func (b *Body) readAll(r *realm.Realm, done func([]byte, goja.Value)) {
	if b.Used(r) {
		done(nil, r.NewTypeError("Body has already been used: a Request or Response body can be read only once (use clone() to read it twice)"))
		return
	}
	if b.stream != nil && streamHooks.locked != nil && streamHooks.locked(b.stream) {
		done(nil, r.NewTypeError("Body is locked: its ReadableStream has a reader"))
		return
	}
	if b.IsNull() {
		// A null body reads as empty and, having no stream, is never "used".
		done([]byte{}, nil)
		return
	}
	b.used = true
	switch {
	case b.hasText:
		text := b.text
		b.text, b.hasText, b.consumed = "", false, true
		done([]byte(text), nil)
	case b.bytes != nil:
		p := b.bytes
		b.bytes, b.consumed = nil, true
		done(p, nil)
	case b.reader != nil:
		rc := b.reader
		b.reader, b.consumed = nil, true
		ctx := r.Current()
		go func() {
			p, err := io.ReadAll(io.LimitReader(rc, MaxBufferedBody+1))
			_ = rc.Close()
			r.Submit(ctx, func() {
				switch {
				case err != nil:
					done(nil, r.NewTypeError("Failed to read the body: "+err.Error()))
				case int64(len(p)) > MaxBufferedBody:
					done(nil, r.NewError("RangeError", ErrBodyTooLarge.Error()+" ("+itoa(int(MaxBufferedBody))+" bytes); read it as a stream instead"))
				default:
					done(p, nil)
				}
			})
		}()
	case b.stream != nil:
		b.used = false // the stream tracks its own disturbed state
		streamHooks.readAll(r, b.stream, MaxBufferedBody, done)
		b.used = true
	default:
		done([]byte{}, nil)
	}
}

// decodeUTF8 implements "UTF-8 decode": BOM stripped, invalid sequences
// replaced by U+FFFD.
func decodeUTF8(p []byte) string {
	if len(p) >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
		p = p[3:]
	}
	if utf8.Valid(p) {
		return string(p)
	}
	return decodeUTF8Hook(p)
}

// decodeUTF8Hook replaces invalid sequences (maximal subparts).
var decodeUTF8Hook = encoding.DecodeUTF8

// bodyHolder is implemented by Request and Response.
type bodyHolder interface {
	realm.HostObject
	bodyOf() *Body
	ifaceName() string
}

type bodyState struct {
	jsonParse goja.Callable
}

var bodyKey = realm.NewKey[*bodyState]()

// defineBodyMixin adds the Body mixin members to a class.
func defineBodyMixin(r *realm.Realm, c *realm.Class, name string) {
	vm := r.VM()
	this := func(call goja.FunctionCall) *Body {
		return realm.ThisBound[bodyHolder](r, call, name).bodyOf()
	}
	consume := func(method string, convert func(p []byte) goja.Value) {
		addBodyConsumer(r, c, name, method, false, func(p []byte, _ string) goja.Value { return convert(p) })
	}
	consume("text", func(p []byte) goja.Value { return vm.ToValue(decodeUTF8(p)) })
	consume("json", func(p []byte) goja.Value {
		if len(p) >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
			p = p[3:]
		}
		if utf8.Valid(p) {
			v, err := parseJSON(vm, p)
			if err == nil {
				return v
			}
			var se *jsonSyntaxError
			if errors.As(err, &se) {
				panic(r.NewError("SyntaxError", se.msg))
			}
			if err != errJSONFallback {
				panic(err)
			}
		}
		st := bodyKey.Get(r)
		if st == nil {
			st = &bodyState{}
			jsonObj := vm.GlobalObject().Get("JSON").(*goja.Object)
			st.jsonParse, _ = goja.AssertFunction(jsonObj.Get("parse"))
			bodyKey.Set(r, st)
		}
		v, err := st.jsonParse(goja.Undefined(), vm.ToValue(decodeUTF8(p)))
		if err != nil {
			panic(err)
		}
		return v
	})
	consume("arrayBuffer", func(p []byte) goja.Value { return r.NewArrayBuffer(p) })
	consume("bytes", func(p []byte) goja.Value { return r.NewUint8Array(p) })
	c.Getter("body", func(call goja.FunctionCall) goja.Value {
		return this(call).ensureStream(r)
	})
	c.Getter("bodyUsed", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).Used(r))
	})
}

// addBodyConsumer lets another package add a body-consuming method (blob,
// formData) to Request and Response: convert runs with the body's bytes and
// the holder's Content-Type header.
func addBodyConsumer(r *realm.Realm, c *realm.Class, name, method string, wantType bool, convert func(p []byte, contentType string) goja.Value) {
	vm := r.VM()
	c.Method(method, 0, func(call goja.FunctionCall) goja.Value {
		h := realm.ThisBound[bodyHolder](r, call, name)
		ct := ""
		if wantType {
			if hs := headersOf(h); hs != nil {
				ct, _ = hs.GetValue("content-type")
			}
		}
		p, resolve, reject := vm.NewPromise()
		h.bodyOf().readAll(r, func(data []byte, errv goja.Value) {
			if errv != nil {
				_ = reject(errv)
				return
			}
			var out goja.Value
			if ex := vm.Try(func() { out = convert(data, ct) }); ex != nil {
				_ = reject(ex.Value())
				return
			}
			_ = resolve(out)
		})
		return vm.ToValue(p)
	})
}

func defineBodyConsumers(r *realm.Realm, c *realm.Class, name string) {
	addBodyConsumer(r, c, name, "blob", true, func(p []byte, ct string) goja.Value {
		return fileapi.NewBlob(r, p, ct)
	})
	addBodyConsumer(r, c, name, "formData", true, func(p []byte, ct string) goja.Value {
		fd, err := fileapi.ParseFormData(r, p, ct)
		if err != nil {
			panic(r.NewTypeError(err.Error()))
		}
		return fd
	})
}
