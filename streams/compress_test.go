package streams_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
)

func compressGo(t testing.TB, format string, data []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch format {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	default:
		w, _ = flate.NewWriter(&buf, flate.BestSpeed)
	}
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func decompressGo(t testing.TB, format string, data []byte) []byte {
	var r io.Reader
	var err error
	switch format {
	case "gzip":
		r, err = gzip.NewReader(bytes.NewReader(data))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(data))
	default:
		r = flate.NewReader(bytes.NewReader(data))
	}
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

// codecEnv defines input (a Uint8Array copy of data) and run(stream, input,
// pieces) which writes input in pieces to stream.writable and resolves with
// { bytes: ArrayBuffer, chunks, maxChunk } read from stream.readable.
func codecEnv(t testing.TB, data []byte) *jstest.Env {
	e := newEnv(t)
	e.Do(func() {
		vm := e.R.VM()
		_ = vm.Set("inputBuffer", vm.NewArrayBuffer(bytes.Clone(data)))
	})
	r := e.RunInit(`
	  globalThis.run = async (ts, input, pieces = 3) => {
	    const w = ts.writable.getWriter();
	    const step = Math.ceil(input.length / pieces) || 1;
	    const writes = [];
	    for (let i = 0; i < input.length; i += step) writes.push(w.write(input.subarray(i, i + step)).catch(() => {}));
	    writes.push(w.close().catch(() => {}));
	    const chunks = await collect(ts.readable);
	    await Promise.all(writes);
	    let len = 0, maxChunk = 0;
	    for (const c of chunks) { len += c.length; maxChunk = Math.max(maxChunk, c.length); }
	    const out = new Uint8Array(len);
	    let off = 0;
	    for (const c of chunks) { out.set(c, off); off += c.length; }
	    return { bytes: out.buffer, chunks: chunks.length, maxChunk };
	  };`)
	require.Empty(t, r.Err)
	return e
}

func resultBytes(t testing.TB, v any) []byte {
	m, ok := v.(map[string]any)
	require.True(t, ok, "%T", v)
	return bytes.Clone(m["bytes"].(goja.ArrayBuffer).Bytes())
}

func TestCompressionRoundTripsWithGo(t *testing.T) {
	data := bytes.Repeat([]byte("workerhost streams compression test data. "), 5000)
	for _, format := range []string{"gzip", "deflate", "deflate-raw"} {
		t.Run(format, func(t *testing.T) {
			e := codecEnv(t, data)
			// JS compresses, Go decompresses.
			v := e.MustRun(`run(new CompressionStream('` + format + `'), new Uint8Array(inputBuffer), 7)`)
			compressed := resultBytes(t, v)
			require.Less(t, len(compressed), len(data)/10)
			require.Equal(t, data, decompressGo(t, format, compressed))
			// Go compresses, JS decompresses.
			e.Do(func() {
				vm := e.R.VM()
				_ = vm.Set("compressed", vm.NewArrayBuffer(compressGo(t, format, data)))
			})
			v = e.MustRun(`run(new DecompressionStream('` + format + `'), new Uint8Array(compressed), 5)`)
			require.Equal(t, data, resultBytes(t, v))
			// JS to JS, one byte at a time.
			v = e.MustRun(`(async () => {
			  const small = new Uint8Array(inputBuffer).subarray(0, 300);
			  const c = await run(new CompressionStream('` + format + `'), small, 1);
			  const d = await run(new DecompressionStream('` + format + `'), new Uint8Array(c.bytes), c.bytes.byteLength);
			  return d;
			})()`)
			require.Equal(t, data[:300], resultBytes(t, v))
		})
	}
}

func TestDecompressionLargeOutputIsChunked(t *testing.T) {
	data := make([]byte, 8<<20) // zeros: compresses ~1000:1
	e := codecEnv(t, nil)
	e.Do(func() {
		vm := e.R.VM()
		_ = vm.Set("compressed", vm.NewArrayBuffer(compressGo(t, "gzip", data)))
	})
	v := e.MustRun(`run(new DecompressionStream('gzip'), new Uint8Array(compressed), 1)`)
	m := v.(map[string]any)
	require.Equal(t, len(data), len(resultBytes(t, v)))
	require.LessOrEqual(t, m["maxChunk"], int64(64<<10))
	require.GreaterOrEqual(t, m["chunks"], int64(128))

	// Output is produced only as it is read: with nobody reading, one small
	// compressed write yields at most one piece.
	got := e.MustRun(`(async () => {
	  const ds = new DecompressionStream('gzip');
	  const w = ds.writable.getWriter();
	  w.write(new Uint8Array(compressed));
	  await flush(100);
	  const r = ds.readable.getReader();
	  const first = await r.read();
	  await r.cancel();
	  return first.value.length;
	})()`)
	require.LessOrEqual(t, got, int64(64<<10))
}

func TestDecompressionErrors(t *testing.T) {
	good := compressGo(t, "gzip", []byte("hello hello hello"))
	e := codecEnv(t, nil)
	e.Do(func() {
		vm := e.R.VM()
		_ = vm.Set("good", vm.NewArrayBuffer(good))
		_ = vm.Set("trailing", vm.NewArrayBuffer(append(bytes.Clone(good), 1, 2, 3)))
		_ = vm.Set("truncated", vm.NewArrayBuffer(bytes.Clone(good[:len(good)-5])))
		corrupt := bytes.Clone(good)
		corrupt[len(corrupt)-6] ^= 0xff // CRC mismatch
		_ = vm.Set("corrupt", vm.NewArrayBuffer(corrupt))
	})
	for _, name := range []string{"trailing", "truncated", "corrupt"} {
		r := e.Run(`run(new DecompressionStream('gzip'), new Uint8Array(` + name + `), 2)`)
		require.Equal(t, "TypeError", r.Name, name+": "+r.Err)
	}
	r := e.Run(`run(new DecompressionStream('deflate'), new Uint8Array([1, 2, 3, 4, 5]), 1)`)
	require.Equal(t, "TypeError", r.Name, r.Err)
	r = e.Run(`run(new DecompressionStream('gzip'), new Uint8Array(0), 1)`)
	require.Equal(t, "TypeError", r.Name, r.Err)
	r = e.Run(`const cs = new CompressionStream('gzip'); cs.readable.getReader().read().catch(() => {}); cs.writable.getWriter().write('not bytes')`)
	require.Equal(t, "TypeError", r.Name, r.Err)
	for _, src := range []string{`new CompressionStream('brotli')`, `new DecompressionStream('zip')`, `new CompressionStream()`} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
	v := e.MustRun(`run(new DecompressionStream('gzip'), new Uint8Array(good), 4)`)
	require.Equal(t, "hello hello hello", string(resultBytes(t, v)))

	// A decompressor made by a request that has ended is stopped (its
	// coroutine does not outlive the request) and fails cleanly.
	e.MustRun(`globalThis.leftover = new DecompressionStream('gzip'); 1`)
	r = e.Run(`run(leftover, new Uint8Array(good), 1)`)
	require.Equal(t, "TypeError", r.Name, r.Err)
	require.Contains(t, r.Err, "no longer be used")
}

// A small repetitive input comes out shorter than it went in (the DEFLATE
// stream ends with a 2-3 byte fixed-Huffman block, not flate.Writer's 5-6
// byte stored one), and output is not held back until close(): a large
// write yields compressed bytes at once.
func TestCompressionSmallInputAndStreaming(t *testing.T) {
	data := bytes.Repeat([]byte("abc"), 10)[:29]
	e := codecEnv(t, data)
	for _, format := range []string{"gzip", "deflate", "deflate-raw"} {
		v := e.MustRun(`run(new CompressionStream('` + format + `'), new Uint8Array(inputBuffer), 1)`)
		compressed := resultBytes(t, v)
		require.Less(t, len(compressed), len(data), format)
		require.Equal(t, data, decompressGo(t, format, compressed), format)
	}
	big := make([]byte, 1<<20)
	x := uint32(1)
	for i := range big {
		x = x*1103515245 + 12345
		big[i] = byte(x>>24) & 15
	}
	e.Do(func() {
		vm := e.R.VM()
		_ = vm.Set("bigBuffer", vm.NewArrayBuffer(big))
	})
	got := e.MustRun(`(async () => {
	  const cs = new CompressionStream('gzip');
	  const w = cs.writable.getWriter();
	  const big = new Uint8Array(bigBuffer);
	  w.write(big);
	  const r = cs.readable.getReader();
	  let first;
	  r.read().then((v) => { first = v; });
	  await flush();
	  const early = first !== undefined && !first.done && first.value.length > 0;
	  w.close();
	  let total = first ? first.value.length : 0;
	  for (;;) { const { value, done } = await r.read(); if (done) break; total += value.length; }
	  return [early, total < big.length].join(',');
	})()`)
	require.Equal(t, "true,true", got)
}
