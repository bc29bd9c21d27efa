package streams_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/streams"
)

// patternReader produces n bytes (byte i is i%251) and records its use.
type patternReader struct {
	n, off   int
	reads    atomic.Int64
	closed   atomic.Bool
	failAt   int // if > 0, fail once off reaches it
	maxChunk int
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.closed.Load() {
		return 0, errors.New("read after close")
	}
	p.reads.Add(1)
	if p.failAt > 0 && p.off >= p.failAt {
		return 0, errors.New("disk on fire")
	}
	if p.off >= p.n {
		return 0, io.EOF
	}
	if len(b) > p.maxChunk && p.maxChunk > 0 {
		b = b[:p.maxChunk]
	}
	k := min(len(b), p.n-p.off)
	for i := range k {
		b[i] = byte((p.off + i) % 251)
	}
	p.off += k
	return k, nil
}

func (p *patternReader) Close() error { p.closed.Store(true); return nil }

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// setGlobal defines a global on the loop.
func setGlobal(e *jstest.Env, name string, v any) {
	e.Do(func() { _ = e.R.VM().Set(name, v) })
}

func TestReaderStreamLargeBoundedPull(t *testing.T) {
	e := newEnv(t)
	src := &patternReader{n: 10 << 20}
	setGlobal(e, "makeBody", func(goja.FunctionCall) goja.Value {
		return streams.NewReadableFromReader(e.R, e.R.Current(), src, streams.ReaderOptions{})
	})
	setGlobal(e, "srcReads", func() int64 { return src.reads.Load() })
	got := js(t, e, `
	  const body = makeBody();
	  await flush();
	  const readsBefore = srcReads();
	  const r = body.getReader();
	  let total = 0, reads = 0, maxAhead = 0, maxChunk = 0, ok = true;
	  for (;;) {
	    const { value, done } = await r.read();
	    if (done) break;
	    if (!(value instanceof Uint8Array)) ok = false;
	    if (value[0] !== total % 251) ok = false;
	    reads++;
	    total += value.length;
	    maxChunk = Math.max(maxChunk, value.length);
	    maxAhead = Math.max(maxAhead, srcReads() - reads);
	  }
	  return [readsBefore, total, ok, maxChunk, maxAhead <= 1].join(',');`)
	// Nothing is read before script reads; the source is read at most one
	// chunk ahead of script (the EOF read), 64 KiB at a time.
	require.Equal(t, "0,10485760,true,65536,true", got)
	require.Eventually(t, src.closed.Load, time.Second, time.Millisecond, "EOF closes the source")
}

func TestReaderStreamCancelAndContextEnd(t *testing.T) {
	e := newEnv(t)
	var last *patternReader
	setGlobal(e, "makeBody", func(goja.FunctionCall) goja.Value {
		last = &patternReader{n: 1 << 20}
		return streams.NewReadableFromReader(e.R, e.R.Current(), last, streams.ReaderOptions{ChunkSize: 1000})
	})
	got := js(t, e, `
	  const b = makeBody();
	  const r = b.getReader();
	  const { value } = await r.read();
	  await r.cancel('no more');
	  return value.length;`)
	require.Equal(t, int64(1000), got)
	require.Eventually(t, last.closed.Load, time.Second, time.Millisecond, "cancel closes the source")

	js(t, e, `makeBody(); return 1;`)
	require.Eventually(t, last.closed.Load, time.Second, time.Millisecond, "the end of the request closes the source")
	require.Equal(t, int64(0), last.reads.Load())
}

func TestReaderStreamErrorAndBYOB(t *testing.T) {
	e := newEnv(t)
	setGlobal(e, "makeBody", func(call goja.FunctionCall) goja.Value {
		src := &patternReader{n: 100, failAt: int(call.Argument(0).ToInteger())}
		return streams.NewReadableFromReader(e.R, e.R.Current(), src, streams.ReaderOptions{})
	})
	r := jsErr(t, e, `const r = makeBody(50).getReader(); await r.read(); await r.read();`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "disk on fire")

	got := js(t, e, `
	  const r = makeBody(0).getReader({ mode: 'byob' });
	  const a = await r.read(new Uint8Array(10));
	  const b = await r.read(new Uint8Array(1000));
	  const c = await r.read(new Uint8Array(10));
	  return [a.value.length, a.value[9], b.value.length, b.value[0], c.done].join(',');`)
	require.Equal(t, "10,9,90,10,true", got)
}

func TestTakeGoSource(t *testing.T) {
	e := newEnv(t)
	var srcs []*patternReader
	setGlobal(e, "makeBody", func(goja.FunctionCall) goja.Value {
		src := &patternReader{n: 10}
		srcs = append(srcs, src)
		return streams.NewReadableFromReader(e.R, e.R.Current(), src, streams.ReaderOptions{})
	})
	var taken io.ReadCloser
	setGlobal(e, "take", func(call goja.FunctionCall) goja.Value {
		rc, ok := streams.TakeGoSource(call.Argument(0))
		if ok && taken == nil {
			taken = rc
		}
		return e.R.VM().ToValue(ok)
	})
	got := js(t, e, `
	  const a = makeBody();
	  const first = take(a);
	  const second = take(a);
	  const b = makeBody();
	  await b.getReader().read();
	  const c = makeBody();
	  c.getReader().releaseLock();
	  const ok = new ReadableStream();
	  // A stream taken before script touched it behaves as locked once it is.
	  let lockedErr = '';
	  try { a.getReader(); } catch (e) { lockedErr = e.constructor.name; }
	  const cancelled = await a.cancel().then(() => 'resolved', (e) => e.constructor.name);
	  return [first, second, a.locked, lockedErr, cancelled, take(b), take(c), take(ok), take(1)].join(',');`)
	require.Equal(t, "true,false,true,TypeError,TypeError,false,true,false,false", got)
	// The first source was handed over untouched and still open after the
	// request ended; the caller owns it now.
	require.Same(t, srcs[0], taken.(*patternReader))
	require.False(t, srcs[0].closed.Load())
	data, err := io.ReadAll(taken)
	require.NoError(t, err)
	require.Equal(t, pattern(10), data)
}

func TestReadableFromBytesAndPredicates(t *testing.T) {
	e := newEnv(t)
	setGlobal(e, "fromBytes", func(call goja.FunctionCall) goja.Value {
		return streams.NewReadableFromBytes(e.R, []byte(call.Argument(0).String()))
	})
	setGlobal(e, "preds", func(call goja.FunctionCall) goja.Value {
		v := call.Argument(0)
		return e.R.VM().ToValue([]bool{streams.IsReadableStream(v), streams.IsLocked(v), streams.IsDisturbed(v)})
	})
	got := js(t, e, `
	  const s = fromBytes('hello');
	  const p0 = preds(s).join('/');
	  const r = s.getReader();
	  const p1 = preds(s).join('/');
	  const { value } = await r.read();
	  const p2 = preds(s).join('/');
	  const end = await r.read();
	  const empty = await fromBytes('').getReader().read();
	  const fake = preds(Object.create(ReadableStream.prototype)).join('/');
	  const prox = preds(new Proxy({}, { get() { throw new Error('trap'); } })).join('/');
	  const others = [5, null, {}, [], () => 1, new DOMException('x'), new WritableStream()].map(v => preds(v).join('/')).join(';');
	  return [p0, p1, p2, String.fromCharCode(...value), end.done, empty.done, fake, prox, others].join(',');`)
	require.Equal(t, "true/false/false,true/true/false,true/true/true,hello,true,true,false/false/false,false/false/false,"+
		"false/false/false;false/false/false;false/false/false;false/false/false;false/false/false;false/false/false;false/false/false", got)
}

// goReaderEnv starts a request context, evaluates src (which must return a
// ReadableStream) in it and wraps the stream in a GoReader.
func goReaderEnv(t testing.TB, e *jstest.Env, src string) (*realm.Context, io.ReadCloser) {
	var ctx *realm.Context
	e.Do(func() { ctx = e.R.NewContext(context.Background(), "") })
	var rc io.ReadCloser
	var err error
	done := make(chan struct{})
	e.R.Submit(ctx, func() {
		defer close(done)
		var v goja.Value
		v, err = e.R.VM().RunString(src)
		if err == nil {
			rc = streams.NewGoReader(e.R, ctx, v)
		}
	})
	<-done
	require.NoError(t, err)
	return ctx, rc
}

func jsValue(e *jstest.Env, ctx *realm.Context, expr string) any {
	var out any
	done := make(chan struct{})
	if !e.R.Submit(ctx, func() {
		defer close(done)
		v, err := e.R.VM().RunString(expr)
		if err != nil {
			out = err.Error()
			return
		}
		out = v.Export()
	}) {
		return nil
	}
	<-done
	return out
}

func TestGoReaderReadsJSStream(t *testing.T) {
	e := newEnv(t)
	_, rc := goReaderEnv(t, e, `
	  let i = 0;
	  new ReadableStream({ pull(c) {
	    if (i === 100) { c.close(); return; }
	    const b = new Uint8Array(1000);
	    for (let k = 0; k < b.length; k++) b[k] = (i * 1000 + k) % 251;
	    i++;
	    c.enqueue(b);
	    if (i % 10 === 0) c.enqueue(new Uint8Array(0)); // empty chunks are skipped
	  } })`)
	// Small reads exercise the carry-over of partial chunks.
	var out bytes.Buffer
	buf := make([]byte, 333)
	for {
		n, err := rc.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.Equal(t, pattern(100000), out.Bytes())
	require.NoError(t, rc.Close())

	_, rc = goReaderEnv(t, e, `new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1,2,3])); c.enqueue(new Uint8Array([4])); c.close(); } })`)
	var w bytes.Buffer
	n, err := io.Copy(&w, rc) // uses WriteTo
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	require.Equal(t, []byte{1, 2, 3, 4}, w.Bytes())
}

func TestGoReaderPullsOnDemand(t *testing.T) {
	e := newEnv(t)
	ctx, rc := goReaderEnv(t, e, `
	  globalThis.pulls = 0;
	  new ReadableStream({ pull(c) { pulls++; c.enqueue(new Uint8Array(10).fill(pulls)); } }, { highWaterMark: 0 })`)
	time.Sleep(20 * time.Millisecond)
	require.Equal(t, int64(0), jsValue(e, ctx, "pulls"), "nothing is pulled before Go reads")
	buf := make([]byte, 10)
	for i := 1; i <= 5; i++ {
		n, err := rc.Read(buf)
		require.NoError(t, err)
		require.Equal(t, 10, n)
		require.Equal(t, byte(i), buf[0])
		require.Equal(t, int64(i), jsValue(e, ctx, "pulls"), "one pull per Read")
	}
}

func TestGoReaderCloseCancelsSource(t *testing.T) {
	e := newEnv(t)
	ctx, rc := goReaderEnv(t, e, `
	  globalThis.cancelled = null;
	  new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(4)); }, cancel(r) { cancelled = r.name + ': ' + r.message; } })`)
	_, err := rc.Read(make([]byte, 4))
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Eventually(t, func() bool {
		v, _ := jsValue(e, ctx, "cancelled").(string)
		return strings.HasPrefix(v, "AbortError")
	}, time.Second, time.Millisecond)
	_, err = rc.Read(make([]byte, 4))
	require.Error(t, err)
}

func TestGoReaderUnblocksOnContextEnd(t *testing.T) {
	e := newEnv(t)
	ctx, rc := goReaderEnv(t, e, `new ReadableStream({ pull() { return new Promise(() => {}); } })`)
	errc := make(chan error, 1)
	go func() {
		_, err := rc.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	e.Do(func() { ctx.End() })
	select {
	case err := <-errc:
		require.ErrorIs(t, err, streams.ErrContextEnded)
	case <-time.After(2 * time.Second):
		t.Fatal("Read did not return after the request ended")
	}
	// Later reads fail fast too (the tasks of an ended context are dropped).
	go func() {
		_, err := rc.Read(make([]byte, 10))
		errc <- err
	}()
	select {
	case err := <-errc:
		require.Error(t, err)
	case <-time.After(2 * time.Second):
		t.Fatal("Read hung after the request ended")
	}
}

func TestGoReaderUnblocksOnLoopStop(t *testing.T) {
	e := newEnv(t)
	_, rc := goReaderEnv(t, e, `new ReadableStream()`)
	errc := make(chan error, 1)
	go func() {
		_, err := rc.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	e.R.Loop().Stop()
	select {
	case err := <-errc:
		require.ErrorIs(t, err, streams.ErrLoopStopped)
	case <-time.After(2 * time.Second):
		t.Fatal("Read did not return after the loop stopped")
	}
	_, err := rc.Read(make([]byte, 10))
	require.ErrorIs(t, err, streams.ErrLoopStopped)
}

func TestGoReaderErrors(t *testing.T) {
	e := newEnv(t)
	ctx, rc := goReaderEnv(t, e, `globalThis.why = null; new ReadableStream({ start(c) { c.enqueue('text'); }, cancel(r) { why = r.name; } })`)
	_, err := rc.Read(make([]byte, 10))
	require.ErrorContains(t, err, "not a Uint8Array")
	require.Equal(t, "TypeError", jsValue(e, ctx, "why"), "the stream is cancelled with the error")

	_, rc = goReaderEnv(t, e, `new ReadableStream({ start(c) { c.error(new RangeError('producer failed')); } })`)
	_, err = rc.Read(make([]byte, 10))
	require.EqualError(t, err, "RangeError: producer failed")

	_, rc = goReaderEnv(t, e, `const s = new ReadableStream(); s.getReader(); s`)
	_, err = rc.Read(make([]byte, 10))
	require.ErrorContains(t, err, "locked")
}

func readAll(t testing.TB, e *jstest.Env, src string, limit int64) ([]byte, string) {
	type result struct {
		b   []byte
		err string
	}
	res := make(chan result, 1)
	var ctx *realm.Context
	e.Do(func() { ctx = e.R.NewContext(context.Background(), "") })
	var once sync.Once
	e.R.Submit(ctx, func() {
		v, err := e.R.VM().RunString(src)
		require.NoError(t, err)
		streams.ReadAll(e.R, v, limit, func(b []byte, err goja.Value) {
			once.Do(func() {
				if err != nil {
					res <- result{nil, realm.ErrorString(err)}
					return
				}
				res <- result{b, ""}
			})
		})
	})
	select {
	case r := <-res:
		return r.b, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("ReadAll did not finish")
		return nil, ""
	}
}

func TestReadAll(t *testing.T) {
	e := newEnv(t)
	b, err := readAll(t, e, `new ReadableStream({ start(c) { c.enqueue(new Uint8Array([104, 105])); c.enqueue(new Uint8Array([33])); c.close(); } })`, 0)
	require.Empty(t, err)
	require.Equal(t, "hi!", string(b))

	b, err = readAll(t, e, `let n = 0; new ReadableStream({ async pull(c) { await null; if (++n > 3) c.close(); else c.enqueue(new Uint8Array(2).fill(n)); } })`, 0)
	require.Empty(t, err)
	require.Equal(t, []byte{1, 1, 2, 2, 3, 3}, b)

	b, err = readAll(t, e, `new ReadableStream({ start(c) { c.close(); } })`, 0)
	require.Empty(t, err)
	require.NotNil(t, b)
	require.Empty(t, b)

	_, err = readAll(t, e, `globalThis.why = null; new ReadableStream({ start(c) { c.enqueue('str'); }, cancel(r) { why = r.name; } })`, 0)
	require.Contains(t, err, "TypeError")
	var why any
	e.Do(func() { why = e.R.VM().Get("why").Export() })
	require.Equal(t, "TypeError", why, "the stream is cancelled with the error")

	_, err = readAll(t, e, `new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(600)); } })`, 1000)
	require.Contains(t, err, "RangeError")

	_, err = readAll(t, e, `new ReadableStream({ start(c) { c.error(new SyntaxError('broken')); } })`, 0)
	require.Equal(t, "SyntaxError: broken", err)

	_, err = readAll(t, e, `const s = new ReadableStream(); s.getReader(); s`, 0)
	require.Contains(t, err, "locked")

	_, err = readAll(t, e, `({})`, 0)
	require.Contains(t, err, "TypeError")
}

func TestTeeAndCancelFromGo(t *testing.T) {
	e := newEnv(t)
	setGlobal(e, "goTee", func(call goja.FunctionCall) goja.Value {
		a, b, err := streams.Tee(e.R, call.Argument(0))
		if err != nil {
			panic(err)
		}
		return e.R.VM().ToValue([]any{a, b})
	})
	setGlobal(e, "goCancel", func(call goja.FunctionCall) goja.Value {
		streams.Cancel(call.Argument(0), call.Argument(1))
		return goja.Undefined()
	})
	setGlobal(e, "fromBytes", func(call goja.FunctionCall) goja.Value {
		return streams.NewReadableFromBytes(e.R, []byte(call.Argument(0).String()))
	})
	got := js(t, e, `
	  const src = fromBytes('abc');
	  const [a, b] = goTee(src);
	  const [x, y] = await Promise.all([collect(a), collect(b)]);
	  const locked = src.locked;
	  const err = (() => { try { goTee(src); } catch (e) { return e.name; } })();
	  let reason;
	  const s = new ReadableStream({ cancel(r) { reason = r; } });
	  const r = s.getReader();
	  const pending = r.read();
	  goCancel(s, 'discarded');
	  const res = await pending;
	  goCancel(5);
	  return [String.fromCharCode(...x[0]), String.fromCharCode(...y[0]), x[0].buffer !== y[0].buffer, locked, err, reason, res.done].join(',');`)
	require.Equal(t, "abc,abc,true,true,TypeError,discarded,true", got)
}
