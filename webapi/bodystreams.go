package webapi

import (
	"io"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/streams"
)

// Bodies become ReadableStreams through the streams package: lazily, when
// script reads .body, and never for bodies that go from Go to Go.
func init() {
	streamHooks.isStream = streams.IsReadableStream
	streamHooks.disturbed = streams.IsDisturbed
	streamHooks.locked = streams.IsLocked
	streamHooks.fromBytes = streams.NewReadableFromBytes
	streamHooks.fromReader = func(r *realm.Realm, ctx *realm.Context, rc io.ReadCloser) *goja.Object {
		return streams.NewReadableFromReader(r, ctx, rc, streams.ReaderOptions{})
	}
	streamHooks.readAll = streams.ReadAll
	streamHooks.tee = func(r *realm.Realm, s goja.Value) (goja.Value, goja.Value) {
		a, b, err := streams.Tee(r, s)
		if err != nil {
			panic(err)
		}
		return a, b
	}
	streamHooks.goReader = streams.NewGoReader
	streamHooks.takeGo = streams.TakeGoSource
	streamHooks.cancel = func(s goja.Value) { streams.Cancel(s, nil) }
}
