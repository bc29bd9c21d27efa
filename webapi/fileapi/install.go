// Package fileapi implements the W3C File API's Blob and File and the
// WHATWG XMLHttpRequest Standard's FormData for workerhost realms, plus the
// Go helpers the Fetch body code uses to turn them into bytes and back:
// BlobFrom and NewBlob, FormDataFrom and (*FormData).Entries,
// SerializeMultipart (HTML's multipart/form-data encoding algorithm) and the
// formData() parsers ParseFormData, ParseMultipart and ParseURLEncoded.
//
// Blobs are immutable byte sequences held in Go memory. They are not bound
// to a request context, so a Blob created while one request runs may be used
// by another; slices share the bytes of the Blob they were cut from.
//
// Fetch bodies use them like this (on the loop goroutine):
//
//   - extracting a BodyInit: for a Blob, data, typ, ok := BlobFrom(v) gives
//     the bytes (shared: copy them if the body may expose them as a mutable
//     ArrayBuffer) and the Content-Type (none when typ is ""); for a
//     FormData, fd, ok := FormDataFrom(v) then SerializeMultipart(fd) gives
//     the body and its Content-Type.
//   - blob(): NewBlob(r, bytes, contentTypeHeader).
//   - formData(): ParseFormData(r, bytes, contentTypeHeader); on error,
//     reject with a TypeError whose message is err.Error().
//
// Everything here runs on the realm's loop goroutine.
package fileapi

import (
	"math"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// state is what the package keeps per realm: the three interfaces, built once.
type state struct {
	r        *realm.Realm
	blob     *realm.Class
	file     *realm.Class
	formData *realm.Class

	maxBlobSize int64 // see SetMaxBlobSize
}

var stateKey = realm.NewKey[*state]()

// Install defines Blob, File and FormData as globals of r. The prototypes
// are built once per realm; calling Install again only redefines the
// globals. The Go constructors (NewBlob, NewFile, NewFormData) work whether
// or not Install has run.
func Install(r *realm.Realm) {
	s := getState(r)
	s.blob.Global()
	s.file.Global()
	s.formData.Global()
	installFileReader(r)
}

func getState(r *realm.Realm) *state {
	if s := stateKey.Get(r); s != nil {
		return s
	}
	s := &state{r: r, maxBlobSize: DefaultMaxBlobSize}
	stateKey.Set(r, s)
	s.blob = installBlob(s)
	s.file = installFile(s)
	s.formData = installFormData(s)
	return s
}

// toUSV converts v to a USVString (ToString, then unpaired surrogates become
// U+FFFD, which goja's String does) as a Go string.
func toUSV(r *realm.Realm, v goja.Value) string {
	return r.ToJSString(v).String()
}

// toLongLong is WebIDL's conversion to long long (no [Clamp] or
// [EnforceRange]): NaN and infinities become 0, the value is truncated and
// wrapped modulo 2^64 into the signed range.
func toLongLong(v goja.Value) int64 {
	x := v.ToFloat()
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	x = math.Trunc(x)
	if x >= -(1<<63) && x < 1<<63 {
		return int64(x)
	}
	x = math.Mod(x, 1<<64)
	if x < 0 {
		x += 1 << 64
	}
	if x >= 1<<63 {
		x -= 1 << 64
	}
	return int64(x)
}

// toClampedLongLong is WebIDL's [Clamp] long long conversion: NaN becomes 0,
// the value is clamped to ±(2^53−1) and rounded half to even.
func toClampedLongLong(v goja.Value) int64 {
	x := v.ToFloat()
	if math.IsNaN(x) {
		return 0
	}
	const limit = 1<<53 - 1
	x = math.Max(-limit, math.Min(limit, x))
	return int64(math.RoundToEven(x))
}

// dictionary returns v as a WebIDL dictionary: nil for undefined and null
// (every member takes its default), a TypeError for other non-objects.
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

// member reads a dictionary member; nil when dict is nil or the member is
// undefined (absent).
func member(dict *goja.Object, name string) goja.Value {
	if dict == nil {
		return nil
	}
	v := dict.Get(name)
	if v == nil || goja.IsUndefined(v) {
		return nil
	}
	return v
}

// resolved returns a promise fulfilled with v.
func resolved(r *realm.Realm, v goja.Value) goja.Value {
	p, resolve, _ := r.VM().NewPromise()
	_ = resolve(v)
	return r.VM().ToValue(p)
}

// rejected returns a promise rejected with reason.
func rejected(r *realm.Realm, reason goja.Value) goja.Value {
	p, _, reject := r.VM().NewPromise()
	_ = reject(reason)
	return r.VM().ToValue(p)
}
