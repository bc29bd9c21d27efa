package streams

import (
	"errors"
	"io"
	"sync"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// DefaultChunkSize is the most NewReadableFromReader reads per pull.
const DefaultChunkSize = 64 << 10

// ReaderOptions configure NewReadableFromReader.
type ReaderOptions struct {
	// ChunkSize is the most bytes read from the source per pull (and so the
	// largest chunk script sees). 0 means DefaultChunkSize.
	ChunkSize int
}

// goSource is the Go end of a stream made by NewReadableFromReader.
type goSource struct {
	r     *realm.Realm
	ctx   *realm.Context
	src   io.ReadCloser
	size  int
	spare []byte // a buffer to read into; owned by the reading goroutine

	closeOnce sync.Once
	taken     bool // loop goroutine only: TakeGoSource handed src to Go

	// Loop goroutine only: the read machinery.
	ctrl    goja.Value      // the stream's controller (set by the first pull)
	waiting func(any) error // resolves the pull waiting for the read in flight
	busy    bool            // a read of src is in flight
	ahead   *readResult     // a read-ahead's data, held for the next pull
	ended   bool            // EOF or an error was delivered, or the stream was cancelled
}

// readResult is what one read of a goSource's src produced.
type readResult struct {
	chunk []byte // the bytes read, or nil
	buf   []byte // the read buffer, when it may be reused
	err   error  // io.EOF, a read error, or nil
}

func (g *goSource) close() {
	g.closeOnce.Do(func() { _ = g.src.Close() })
}

// NewReadableFromReader returns a byte ReadableStream (type "bytes", high
// water mark 0) whose data comes from src. It must be called on the loop
// goroutine of r; ctx (may be nil) is the request whose tasks deliver the data.
//
// The stream is pull-based: nothing is read from src until script reads from
// the stream. Each read of src (at most opts.ChunkSize bytes) runs on a new
// goroutine and its result comes back via r.Submit, so the loop never blocks
// on I/O and at most one read is in flight. Once a chunk has been delivered
// for a pull, the next read starts at once (read-ahead of one chunk, held in
// Go until the next pull): like a network fetch, which keeps receiving after
// the response is handed over, the stream learns of the end of src or of a
// failure without a read pending. EOF closes the stream, a read error errors
// it with a TypeError, as soon as they happen (so a reader's closed promise
// settles even when script is not reading). src is closed (exactly
// once) at EOF or error, when the stream is cancelled, when ctx ends, or when
// the loop stops; Close may be called while a Read is in progress (as with
// net/http bodies), which is how a blocked read is abandoned. Once
// TakeGoSource has handed src back to Go, the caller owns it instead.
func NewReadableFromReader(r *realm.Realm, ctx *realm.Context, src io.ReadCloser, opts ReaderOptions) *goja.Object {
	st := get(r)
	g := &goSource{r: r, ctx: ctx, src: src, size: opts.ChunkSize}
	if g.size <= 0 {
		g.size = DefaultChunkSize
	}
	vm := r.VM()
	pull := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		return g.pull(st, call.Argument(0))
	})
	cancel := vm.ToValue(func(goja.FunctionCall) goja.Value {
		g.ended, g.ahead = true, nil
		go g.close()
		return goja.Undefined()
	})
	if ctx != nil {
		ctx.OnEnd(func() {
			if !g.taken {
				go g.close()
			}
		})
	}
	return st.call(st.newGo, vm.ToValue(g), pull, cancel).(*goja.Object)
}

// pull answers a pull of the controller c with a promise settled once a
// read's result has been delivered to c: the held read-ahead at once, else
// the read in flight or a new one when it arrives.
func (g *goSource) pull(st *state, c goja.Value) goja.Value {
	vm := g.r.VM()
	p, resolve, _ := vm.NewPromise()
	g.ctrl = c
	if res := g.ahead; res != nil {
		g.ahead = nil
		g.deliver(st, res, true)
		_ = resolve(goja.Undefined())
		return vm.ToValue(p)
	}
	switch {
	case g.busy:
		g.waiting = resolve
	case g.ended:
		_ = resolve(goja.Undefined())
	default:
		g.waiting = resolve
		g.read(st)
	}
	return vm.ToValue(p)
}

// read starts one read of src on a new goroutine; arrived gets its result
// on the loop goroutine.
func (g *goSource) read(st *state) {
	g.busy = true
	buf := g.spare
	g.spare = nil
	if buf == nil {
		buf = make([]byte, g.size)
	}
	go func() {
		n, err := readSome(g.src, buf)
		res := &readResult{buf: buf, err: err}
		if n > 0 {
			if n < len(buf)/4 {
				// A short read: hand script a right-sized copy and keep the
				// big buffer for the next read.
				res.chunk = append([]byte(nil), buf[:n]...)
			} else {
				res.chunk = buf[:n:n]
				res.buf = nil
			}
		}
		if err != nil {
			g.close()
		}
		if !g.r.Submit(g.ctx, func() { g.arrived(st, res) }) {
			g.close()
		}
	}()
}

// arrived handles the result of a read on the loop goroutine: it answers
// the waiting pull, or, for a read-ahead, delivers the end of src or its
// failure at once and holds data for the next pull.
func (g *goSource) arrived(st *state, res *readResult) {
	g.busy = false
	if res.buf != nil && g.spare == nil {
		g.spare = res.buf
	}
	if g.ended { // cancelled meanwhile
		if resolve := g.waiting; resolve != nil {
			g.waiting = nil
			_ = resolve(goja.Undefined())
		}
		return
	}
	switch {
	case g.waiting != nil:
		resolve := g.waiting
		g.waiting = nil
		g.deliver(st, res, true)
		_ = resolve(goja.Undefined())
	case res.err != nil && (res.chunk == nil || res.err != io.EOF):
		// No read is pending: the stream closes, or errors (so that its
		// reader's closed promise rejects), now rather than at the next read.
		g.deliver(st, res, false)
	default:
		g.ahead = res
	}
}

// deliver hands res to the controller; after data for a pull it starts
// the read-ahead.
func (g *goSource) deliver(st *state, res *readResult, forPull bool) {
	vm := g.r.VM()
	var ab, eof, msg goja.Value = goja.Undefined(), vm.ToValue(false), goja.Undefined()
	if res.chunk != nil {
		ab = vm.ToValue(vm.NewArrayBuffer(res.chunk))
	}
	if res.err == io.EOF {
		eof = vm.ToValue(true)
	} else if res.err != nil {
		msg = vm.ToValue("Failed to read the body: " + res.err.Error())
	}
	if res.err != nil {
		g.ended = true
	}
	_, _ = st.tryCall(st.deliver, g.ctrl, ab, eof, msg)
	if forPull && !g.ended && !g.busy {
		g.read(st)
	}
}

// readSome reads at least one byte, or fails; it retries a few reads that
// return neither data nor error.
func readSome(r io.Reader, buf []byte) (int, error) {
	for i := 0; i < 100; i++ {
		n, err := r.Read(buf)
		if n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

// NewReadableFromBytes returns a byte ReadableStream holding b as a single
// chunk, then closed. b is not copied: the stream (and whoever reads the
// chunk) owns it from now on, and the caller must not modify it. It must be
// called on the loop goroutine.
func NewReadableFromBytes(r *realm.Realm, b []byte) *goja.Object {
	st := get(r)
	vm := r.VM()
	return st.call(st.fromB, vm.ToValue(vm.NewArrayBuffer(b))).(*goja.Object)
}

// IsReadableStream reports whether v is a ReadableStream (of any realm with
// this package installed). Like the other functions taking a stream, it must
// be called on the loop goroutine.
func IsReadableStream(v goja.Value) bool {
	st := stateOf(v)
	if st == nil {
		return false
	}
	res, exc := st.tryCall(st.isRS, v)
	return exc == nil && res.ToBoolean()
}

// IsLocked reports whether v is a ReadableStream locked to a reader.
func IsLocked(v goja.Value) bool {
	st := stateOf(v)
	if st == nil {
		return false
	}
	res, exc := st.tryCall(st.isLocked, v)
	return exc == nil && res.ToBoolean()
}

// IsDisturbed reports whether v is a ReadableStream that has been read from
// or cancelled (the Fetch body mixin's "disturbed").
func IsDisturbed(v goja.Value) bool {
	st := stateOf(v)
	if st == nil {
		return false
	}
	res, exc := st.tryCall(st.isDist, v)
	return exc == nil && res.ToBoolean()
}

// ReadAll reads stream to its end on the loop goroutine (it must be called
// there) and calls done once, with the concatenated bytes or with the JS
// error value (a TypeError when stream is not a ReadableStream, is locked, or
// produces a chunk that is not a Uint8Array, as Fetch's "fully read" says;
// a RangeError when more than limit bytes arrive, limit <= 0 meaning no
// limit; the stream's error when it errors). On a TypeError from a chunk or
// the limit, the stream is cancelled with that error. The stream stays locked
// afterwards. done may run before ReadAll returns, when the data is already
// queued.
func ReadAll(r *realm.Realm, stream goja.Value, limit int64, done func(b []byte, err goja.Value)) {
	st := get(r)
	reader, exc := st.tryCall(st.acquire, stream)
	if exc != nil {
		done(nil, exc)
		return
	}
	vm := r.VM()
	var buf []byte
	onChunk := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		b := bytesOf(r, call.Argument(0), call.Argument(1), call.Argument(2))
		if limit > 0 && int64(len(buf))+int64(len(b)) > limit {
			return r.NewError("RangeError", "The body is larger than the limit of "+itoa(limit)+" bytes")
		}
		if buf == nil && len(b) > 0 {
			buf = make([]byte, 0, len(b))
		}
		buf = append(buf, b...)
		return goja.Undefined()
	})
	onDone := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		if e := call.Argument(0); !goja.IsUndefined(e) {
			done(nil, e)
		} else {
			if buf == nil {
				buf = []byte{}
			}
			done(buf, nil)
		}
		return goja.Undefined()
	})
	if _, exc := st.tryCall(st.readAll, reader, onChunk, onDone); exc != nil {
		done(nil, exc)
	}
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// TakeGoSource hands back the io.ReadCloser of a stream made by
// NewReadableFromReader, when script has never read from it, locked it or
// cancelled it: the stream becomes locked and disturbed (as if read), and
// the caller owns the source, so that a proxied body can be copied from Go to
// Go with no JS in between. Otherwise it returns false. It must be called on
// the loop goroutine.
func TakeGoSource(stream goja.Value) (io.ReadCloser, bool) {
	st := stateOf(stream)
	if st == nil {
		return nil, false
	}
	// An untouched stream (the common case: a fetched body handed straight
	// back) is taken in one call, without building its JS machinery.
	if tok, exc := st.tryCall(st.takeLazy, stream); exc == nil {
		if g, ok := tok.Export().(*goSource); ok {
			g.taken = true
			return g.src, true
		}
	}
	tok, exc := st.tryCall(st.goToken, stream)
	if exc != nil {
		return nil, false
	}
	g, ok := tok.Export().(*goSource)
	if !ok || g.taken || g.busy || g.ahead != nil {
		return nil, false
	}
	res, exc := st.tryCall(st.takeGo, stream)
	if exc != nil || !res.ToBoolean() {
		return nil, false
	}
	g.taken = true
	return g.src, true
}

// Tee splits stream into two branches (ReadableStreamTee), for cloning a
// body: for byte streams each branch gets its own copy of every chunk; for
// other streams both branches see the same chunk objects. stream is locked
// afterwards. It returns the JS TypeError when stream is not a ReadableStream
// or is locked. It must be called on the loop goroutine.
func Tee(r *realm.Realm, stream goja.Value) (a, b *goja.Object, err goja.Value) {
	st := get(r)
	res, exc := st.tryCall(st.tee, stream)
	if exc != nil {
		return nil, nil, exc
	}
	pair := res.ToObject(r.VM())
	return pair.Get("0").(*goja.Object), pair.Get("1").(*goja.Object), nil
}

// Cancel cancels stream with reason (undefined when nil) even if it is
// locked, as the owner of a body does when discarding it; the source's
// cancel algorithm runs and pending reads finish as done. It does nothing
// when stream is not a ReadableStream or is already closed or errored. It
// must be called on the loop goroutine.
func Cancel(stream goja.Value, reason goja.Value) {
	st := stateOf(stream)
	if st == nil {
		return
	}
	if reason == nil {
		reason = goja.Undefined()
	}
	_, _ = st.tryCall(st.cancelS, stream, reason)
}

// ErrLoopStopped is returned by a GoReader whose realm's loop has stopped.
var ErrLoopStopped = errors.New("streams: the event loop has stopped")

// ErrContextEnded is returned by a GoReader whose request context has ended.
var ErrContextEnded = errors.New("streams: the request has ended")

// GoReader reads a ReadableStream of Uint8Array chunks from another goroutine.
type GoReader struct {
	r      *realm.Realm
	ctx    *realm.Context
	st     *state
	reader goja.Value // loop goroutine only
	cb     goja.Value // loop goroutine only
	cur    *readCall  // loop goroutine only: the read being served

	mu     sync.Mutex
	rest   []byte // bytes of the last chunk not yet returned (Go-owned)
	err    error  // sticky: io.EOF or the stream's error
	closed bool
}

type readCall struct {
	p       []byte // Read's buffer, or nil: copy the whole chunk into buf
	buf     []byte
	n       int
	err     error
	done    chan struct{}
	dropped bool // the caller gave up; guarded by GoReader.mu
}

// NewGoReader returns an io.ReadCloser over stream for use on any goroutine
// (for example, an HTTP handler writing a response body). It must be called
// on the loop goroutine: it locks the stream at once. ctx (may be nil) is
// the request whose tasks do the reading.
//
// Each Read that finds no buffered bytes submits one task that reads one
// chunk from the stream and waits for it; a chunk larger than the Read's
// buffer is kept (copied) for the next Reads. Nothing is pulled from the
// stream's source but on behalf of a Read, so the consumer's pace is the
// producer's backpressure. Read returns io.EOF when the stream closes, an
// error carrying the JS error's text when it errors or yields a chunk that is
// not a Uint8Array, ErrContextEnded once ctx has ended and ErrLoopStopped
// once the loop has stopped; it never waits past those. Close cancels the
// stream (with an AbortError) and makes later Reads fail. GoReader also
// implements io.WriterTo, which io.Copy uses to move whole chunks.
func NewGoReader(r *realm.Realm, ctx *realm.Context, stream goja.Value) io.ReadCloser {
	st := get(r)
	g := &GoReader{r: r, ctx: ctx, st: st}
	reader, exc := st.tryCall(st.acquire, stream)
	if exc != nil {
		g.err = errors.New(realm.ErrorString(exc))
		return g
	}
	g.reader = reader
	g.cb = r.VM().ToValue(g.onChunk)
	return g
}

// onChunk is the JS read callback: (ab, off, len, done, err).
func (g *GoReader) onChunk(call goja.FunctionCall) goja.Value {
	c := g.cur
	if c == nil {
		return goja.Undefined()
	}
	var b []byte
	var err error
	switch {
	case !goja.IsUndefined(call.Argument(4)):
		err = errors.New(realm.ErrorString(call.Argument(4)))
	case call.Argument(3).ToBoolean():
		err = io.EOF
	default:
		b = bytesOf(g.r, call.Argument(0), call.Argument(1), call.Argument(2))
		if len(b) == 0 {
			// Skip empty chunks: ask for the next one.
			g.st.call(g.st.read, g.reader, g.cb)
			return goja.Undefined()
		}
	}
	g.cur = nil
	g.mu.Lock()
	defer g.mu.Unlock()
	if err != nil {
		g.err = err
	}
	if c.dropped {
		return goja.Undefined()
	}
	if c.p != nil {
		c.n = copy(c.p, b)
		if c.n < len(b) {
			g.rest = append(g.rest[:0], b[c.n:]...)
		}
	} else {
		c.buf = append(c.buf[:0], b...)
		c.n = len(b)
	}
	if c.n == 0 {
		c.err = err
	}
	close(c.done)
	return goja.Undefined()
}

func (g *GoReader) fetch(c *readCall) (int, error) {
	ok := g.r.Submit(g.ctx, func() {
		g.cur = c
		if _, exc := g.st.tryCall(g.st.read, g.reader, g.cb); exc != nil {
			g.cur = nil
			g.mu.Lock()
			g.err = errors.New(realm.ErrorString(exc))
			c.err = g.err
			g.mu.Unlock()
			close(c.done)
		}
	})
	if !ok {
		return 0, ErrLoopStopped
	}
	var ctxDone <-chan struct{}
	if g.ctx != nil {
		ctxDone = g.ctx.Go().Done()
	}
	select {
	case <-c.done:
		return c.n, c.err
	case <-ctxDone:
		return g.drop(c, ErrContextEnded)
	case <-g.r.Loop().Done():
		return g.drop(c, ErrLoopStopped)
	}
}

// drop abandons c unless its answer has already come.
func (g *GoReader) drop(c *readCall, err error) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-c.done:
		return c.n, c.err
	default:
	}
	c.dropped = true
	return 0, err
}

// Read implements io.Reader.
func (g *GoReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return 0, errors.New("streams: read from a closed GoReader")
	}
	if len(g.rest) > 0 {
		n := copy(p, g.rest)
		g.rest = g.rest[n:]
		g.mu.Unlock()
		return n, nil
	}
	if g.err != nil {
		err := g.err
		g.mu.Unlock()
		return 0, err
	}
	g.mu.Unlock()
	return g.fetch(&readCall{p: p, done: make(chan struct{})})
}

// WriteTo implements io.WriterTo: it writes each chunk to w as it arrives.
func (g *GoReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	g.mu.Lock()
	if len(g.rest) > 0 {
		rest := g.rest
		g.rest = nil
		g.mu.Unlock()
		n, err := w.Write(rest)
		total += int64(n)
		if err != nil {
			return total, err
		}
	} else {
		g.mu.Unlock()
	}
	var buf []byte
	for {
		g.mu.Lock()
		err := g.err
		closed := g.closed
		g.mu.Unlock()
		if closed {
			return total, errors.New("streams: read from a closed GoReader")
		}
		if err != nil {
			if err == io.EOF {
				return total, nil
			}
			return total, err
		}
		c := &readCall{buf: buf, done: make(chan struct{})}
		n, err := g.fetch(c)
		buf = c.buf
		if n > 0 {
			m, werr := w.Write(c.buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err != nil {
			if err == io.EOF {
				return total, nil
			}
			return total, err
		}
	}
}

// Close cancels the stream. It does not wait for the cancellation to run.
func (g *GoReader) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.rest = nil
	done := g.err != nil
	g.mu.Unlock()
	if done || g.reader == nil {
		return nil
	}
	g.r.Submit(g.ctx, func() {
		reason := dom.NewDOMException(g.r, "AbortError", "The body reader was closed")
		_, _ = g.st.tryCall(g.st.cancel, g.reader, reason)
	})
	return nil
}
