package streams

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Compression formats of the Compression Standard.
const (
	formatGzip       = "gzip"
	formatDeflate    = "deflate"
	formatDeflateRaw = "deflate-raw"
)

// codecPiece bounds the size of each output chunk, and the output produced
// before the decompressor pauses to let the consumer catch up.
const codecPiece = 64 << 10

var (
	errTrailing = errors.New("trailing data after the end of the compressed stream")
	errStopped  = errors.New("decompression stopped")
)

// codec is the Go half of a CompressionStream or DecompressionStream. Its
// methods run on the loop goroutine.
//
// Compression is push-based in Go already (a Writer into a buffer).
// Decompression in Go is pull-based (a Reader), so the decompressor runs as a
// coroutine (iter.Pull): write() hands it the input chunk and resumes it until
// it has consumed all of it, or has produced codecPiece bytes of output (it
// then reports pending() and is resumed by resume() once the readable side
// wants more). Everything happens synchronously on the loop goroutine, so the
// work is accounted to the request and no JS value is shared with another
// goroutine while it runs.
type codec struct {
	r   *realm.Realm
	enc interface {
		io.Writer
		Close() error
	}
	out bytes.Buffer

	dec      *decoder
	next     func() (struct{}, bool)
	stop     func()
	stopper  *stopper
	finished bool // the decompressor reached the end of the compressed data
	more     bool // output is pending; call resume
}

type decoder struct {
	format string
	in     []byte
	eof    bool
	out    []byte
	full   bool
	err    error
	yield  func(struct{}) bool
}

func (d *decoder) Read(p []byte) (int, error) {
	for len(d.in) == 0 {
		if d.eof {
			return 0, io.EOF
		}
		if !d.yield(struct{}{}) {
			return 0, errStopped
		}
	}
	n := copy(p, d.in)
	d.in = d.in[n:]
	return n, nil
}

func (d *decoder) run(yield func(struct{}) bool) {
	d.yield = yield
	br := bufio.NewReaderSize(d, 32<<10)
	var zr io.Reader
	switch d.format {
	case formatGzip:
		gz, err := gzip.NewReader(br)
		if err != nil {
			d.err = err
			return
		}
		gz.Multistream(false)
		zr = gz
	case formatDeflate:
		z, err := zlib.NewReader(br)
		if err != nil {
			d.err = err
			return
		}
		zr = z
	default:
		zr = flate.NewReader(br)
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := zr.Read(buf)
		d.out = append(d.out, buf[:n]...)
		if len(d.out) >= codecPiece {
			d.full = true
			if !yield(struct{}{}) {
				return
			}
			d.full = false
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			d.err = err
			return
		}
	}
	if br.Buffered() > 0 {
		d.err = errTrailing
		return
	}
	if _, err := br.ReadByte(); err == nil {
		d.err = errTrailing
	} else if err != io.EOF {
		d.err = err
	}
}

// stopper stops a decompressor coroutine once, from whichever of its owner,
// the request's end or the garbage collector gets there first.
type stopper struct {
	once    sync.Once
	stop    func()
	stopped atomic.Bool
}

func (s *stopper) do() {
	s.once.Do(func() {
		s.stopped.Store(true)
		s.stop()
	})
}

func newCodecObject(r *realm.Realm, format string, compress bool) goja.Value {
	switch format {
	case formatGzip, formatDeflate, formatDeflateRaw:
	default:
		what := "DecompressionStream"
		if compress {
			what = "CompressionStream"
		}
		panic(r.NewTypeError("Failed to construct '" + what + "': unsupported compression format '" + format +
			"' (expected \"gzip\", \"deflate\" or \"deflate-raw\")"))
	}
	c := &codec{r: r}
	if compress {
		c.enc = newDeflater(format, &c.out)
	} else {
		c.dec = &decoder{format: format}
		next, stop := iter.Pull(c.dec.run)
		s := &stopper{stop: stop}
		c.next, c.stop, c.stopper = next, s.do, s
		// An abandoned stream must not leak the coroutine's goroutine: stop
		// it when the request ends, or when the codec is collected.
		if ctx := r.Current(); ctx != nil {
			ctx.OnEnd(s.do)
		}
		runtime.AddCleanup(c, func(s *stopper) { s.do() }, s)
	}
	vm := r.VM()
	o := vm.NewObject()
	_ = o.Set("write", func(call goja.FunctionCall) goja.Value {
		return c.write(bytesOf(r, call.Argument(0), call.Argument(1), call.Argument(2)))
	})
	_ = o.Set("finish", func(goja.FunctionCall) goja.Value { return c.finish() })
	_ = o.Set("pending", func(goja.FunctionCall) goja.Value { return vm.ToValue(c.more) })
	_ = o.Set("resume", func(goja.FunctionCall) goja.Value { return c.resume() })
	_ = o.Set("close", func(goja.FunctionCall) goja.Value {
		if c.stop != nil {
			c.stop()
		}
		return goja.Undefined()
	})
	return o
}

func (c *codec) fail(err error) {
	if c.stop != nil {
		c.stop()
	}
	what := "decompress"
	if c.enc != nil {
		what = "compress"
	}
	panic(c.r.NewTypeError("Failed to " + what + " data: " + err.Error()))
}

func (c *codec) write(in []byte) goja.Value {
	if c.enc != nil {
		if _, err := c.enc.Write(in); err != nil {
			c.fail(err)
		}
		return c.pieces(c.takeOut())
	}
	if len(in) == 0 {
		return c.pieces(nil)
	}
	if c.finished {
		c.fail(errTrailing)
	}
	c.dec.in = in
	return c.resume()
}

func (c *codec) finish() goja.Value {
	if c.enc != nil {
		if err := c.enc.Close(); err != nil {
			c.fail(err)
		}
		return c.pieces(c.takeOut())
	}
	c.dec.eof = true
	if c.finished {
		return c.pieces(nil)
	}
	return c.resume()
}

// resume runs the decompressor until it needs input, pauses with output, or
// ends.
func (c *codec) resume() goja.Value {
	d := c.dec
	if d == nil || c.finished {
		c.more = false
		return c.pieces(nil)
	}
	if c.stopper.stopped.Load() {
		panic(c.r.NewTypeError("The DecompressionStream can no longer be used: it was cancelled, or the request that created it has ended"))
	}
	_, alive := c.next()
	if !alive {
		c.finished = true
	}
	if d.err != nil {
		err := d.err
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = errors.New("unexpected end of compressed data")
		}
		c.fail(err)
	}
	c.more = alive && d.full
	if c.more && len(d.in) > 0 {
		// The input belongs to script; keep a private copy while paused.
		d.in = append([]byte(nil), d.in...)
	} else if !c.more {
		d.in = nil
	}
	if !alive && len(d.in) > 0 {
		c.fail(errTrailing)
	}
	out := d.out
	d.out = nil
	return c.pieces(out)
}

func (c *codec) takeOut() []byte {
	if c.out.Len() == 0 {
		return nil
	}
	b := bytes.Clone(c.out.Bytes())
	c.out.Reset()
	return b
}

// pieces returns b as a JS array of ArrayBuffers of at most codecPiece bytes
// (b is owned by the result).
func (c *codec) pieces(b []byte) goja.Value {
	vm := c.r.VM()
	var items []any
	for len(b) > 0 {
		n := min(len(b), codecPiece)
		items = append(items, vm.NewArrayBuffer(b[:n:n]))
		b = b[n:]
	}
	return vm.NewArray(items...)
}
