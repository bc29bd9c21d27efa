package streams_test

import (
	"context"
	"io"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/streams"
)

// jsChunks64MiB evaluates to a stream of 1024 chunks of 64 KiB.
const jsChunks64MiB = `(() => {
  let n = 0;
  const chunk = new Uint8Array(65536);
  return new ReadableStream({ pull(c) { if (n++ === 1024) c.close(); else c.enqueue(chunk); } }, { highWaterMark: 0 });
})()`

// BenchmarkGoReader64MiB pumps 64 MiB from a JS stream of 64 KiB Uint8Array
// chunks to Go through NewGoReader (io.Copy, so WriteTo).
func BenchmarkGoReader64MiB(b *testing.B) {
	e := newEnv(b)
	b.SetBytes(64 << 20)
	for b.Loop() {
		var ctx *realm.Context
		e.Do(func() { ctx = e.R.NewContext(context.Background(), "") })
		var rc io.ReadCloser
		done := make(chan struct{})
		e.R.Submit(ctx, func() {
			defer close(done)
			v, err := e.R.VM().RunString(jsChunks64MiB)
			if err == nil {
				rc = streams.NewGoReader(e.R, ctx, v)
			}
		})
		<-done
		require.NotNil(b, rc)
		n, err := io.Copy(io.Discard, rc)
		require.NoError(b, err)
		require.Equal(b, int64(64<<20), n)
		e.Do(func() { ctx.End() })
	}
}

// BenchmarkGoReaderRead is the same with 32 KiB Read calls (no WriteTo).
func BenchmarkGoReaderRead(b *testing.B) {
	e := newEnv(b)
	b.SetBytes(64 << 20)
	buf := make([]byte, 32<<10)
	for b.Loop() {
		var ctx *realm.Context
		e.Do(func() { ctx = e.R.NewContext(context.Background(), "") })
		var rc io.ReadCloser
		done := make(chan struct{})
		e.R.Submit(ctx, func() {
			defer close(done)
			v, err := e.R.VM().RunString(jsChunks64MiB)
			if err == nil {
				rc = streams.NewGoReader(e.R, ctx, v)
			}
		})
		<-done
		require.NotNil(b, rc)
		total := 0
		for {
			n, err := rc.Read(buf)
			total += n
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
		}
		require.Equal(b, 64<<20, total)
		e.Do(func() { ctx.End() })
	}
}

// BenchmarkReaderStreamToJS reads 64 MiB from a Go io.Reader in JS.
func BenchmarkReaderStreamToJS(b *testing.B) {
	e := newEnv(b)
	setGlobal(e, "makeBody", func(goja.FunctionCall) goja.Value {
		return streams.NewReadableFromReader(e.R, e.R.Current(), io.NopCloser(io.LimitReader(fastReader{}, 64<<20)), streams.ReaderOptions{})
	})
	b.SetBytes(64 << 20)
	for b.Loop() {
		js(b, e, `const r = makeBody().getReader(); let t = 0; for (;;) { const { value, done } = await r.read(); if (done) return t; t += value.length; }`)
	}
}

// BenchmarkPipeThroughTransform moves 1024 chunks of 64 KiB through
// pipeThrough(new TransformStream()) with a JS transform.
func BenchmarkPipeThroughTransform(b *testing.B) {
	e := newEnv(b)
	b.SetBytes(64 << 20)
	for b.Loop() {
		got := js(b, e, `
		  const chunk = new Uint8Array(65536);
		  let n = 0;
		  const rs = new ReadableStream({ pull(c) { if (n++ === 1024) c.close(); else c.enqueue(chunk); } });
		  const out = rs.pipeThrough(new TransformStream({ transform(ch, c) { c.enqueue(ch); } }));
		  const r = out.getReader();
		  let total = 0;
		  for (;;) { const { value, done } = await r.read(); if (done) break; total += value.length; }
		  return total;`)
		require.Equal(b, int64(64<<20), got)
	}
}

// BenchmarkInstall measures Install on a fresh realm (the lazy accessors only).
func BenchmarkInstall(b *testing.B) {
	for b.Loop() {
		r := realm.New(realm.Options{})
		streams.Install(r)
	}
}

// BenchmarkFirstUse measures Install plus the first touch of a stream global
// (running the shared, already compiled program in a fresh realm).
func BenchmarkFirstUse(b *testing.B) {
	for b.Loop() {
		r := realm.New(realm.Options{})
		streams.Install(r)
		if _, err := r.VM().RunString(`new ReadableStream()`); err != nil {
			b.Fatal(err)
		}
	}
}

// fastReader fills nothing: it measures the bridge, not the source.
type fastReader struct{}

func (fastReader) Read(p []byte) (int, error) { return len(p), nil }

// BenchmarkGoStreamTakeBack makes a Go-fed stream and hands its source back
// to Go untouched, as a proxy that returns a fetched body does.
func BenchmarkGoStreamTakeBack(b *testing.B) {
	e := newEnv(b)
	e.Do(func() {
		ctx := e.R.Current()
		for b.Loop() {
			s := streams.NewReadableFromReader(e.R, ctx, io.NopCloser(fastReader{}), streams.ReaderOptions{})
			if _, ok := streams.TakeGoSource(s); !ok {
				b.Fatal("not taken")
			}
		}
	})
}
