package fileapi

import (
	"encoding/base64"
	"errors"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/encoding"
)

// FileReader states (readyState).
const (
	ReaderEmpty   = 0
	ReaderLoading = 1
	ReaderDone    = 2
)

// readKind is what a read operation packages the bytes as.
type readKind uint8

const (
	readArrayBuffer readKind = iota
	readBinaryString
	readText
	readDataURL
)

// FileReader is the Go side of the File API's FileReader
// (https://w3c.github.io/FileAPI/#APIASynch). Blobs are in memory, so a
// read needs no I/O: it runs as three tasks of the request that started it
// (loadstart; progress; result, load and loadend), each checked against
// the read's generation so that abort() cancels the pending ones.
type FileReader struct {
	dom.EventTarget
	obj    *goja.Object
	state  int
	result goja.Value // nil: null
	err    goja.Value // nil: null
	gen    uint64     // incremented by each read and by abort
	loaded uint64     // bytes reported by the current read's progress event
	total  uint64     // size of the blob being read
}

// ReadyState returns the readyState attribute (ReaderEmpty, ...).
func (f *FileReader) ReadyState() int { return f.state }

// installFileReader defines FileReader and ProgressEvent as globals of r.
func installFileReader(r *realm.Realm) {
	s := getReaderState(r)
	s.progress.Global()
	s.reader.Global()
}

func makeFileReaderClass(r *realm.Realm, s *readerState) *realm.Class {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("FileReader", 0, func(call goja.ConstructorCall) *goja.Object {
		f := &FileReader{}
		f.Bind(r)
		f.obj = c.WrapFor(call, f)
		return f.obj
	}, dom.EventTargetClass(r))
	this := func(call goja.FunctionCall) *FileReader {
		return realm.This[*FileReader](r, call, "FileReader")
	}
	read := func(name string, kind readKind, length int) {
		c.Method(name, length, func(call goja.FunctionCall) goja.Value {
			f := realm.ThisBound[*FileReader](r, call, "FileReader")
			r.RequireArgs(len(call.Arguments), 1, "FileReader", name)
			data, typ, ok := BlobFrom(call.Argument(0))
			if !ok {
				panic(r.NewTypeError("Failed to execute '" + name + "' on 'FileReader': parameter 1 is not of type 'Blob'."))
			}
			label, hasLabel := "", false
			if kind == readText {
				if v := call.Argument(1); !goja.IsUndefined(v) {
					label, hasLabel = r.ToJSString(v).String(), true
				}
			}
			f.start(r, s, name, data, typ, kind, label, hasLabel)
			return goja.Undefined()
		})
	}
	read("readAsArrayBuffer", readArrayBuffer, 1)
	read("readAsBinaryString", readBinaryString, 1)
	read("readAsText", readText, 1)
	read("readAsDataURL", readDataURL, 1)
	c.Method("abort", 0, func(call goja.FunctionCall) goja.Value {
		realm.ThisBound[*FileReader](r, call, "FileReader").abort(r, s)
		return goja.Undefined()
	})
	c.Constant("EMPTY", ReaderEmpty)
	c.Constant("LOADING", ReaderLoading)
	c.Constant("DONE", ReaderDone)
	c.Getter("readyState", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).state)
	})
	c.Getter("result", func(call goja.FunctionCall) goja.Value {
		if v := this(call).result; v != nil {
			return v
		}
		return goja.Null()
	})
	c.Getter("error", func(call goja.FunctionCall) goja.Value {
		if v := this(call).err; v != nil {
			return v
		}
		return goja.Null()
	})
	for _, typ := range []string{"loadstart", "progress", "load", "abort", "error", "loadend"} {
		dom.DefineEventHandler[*FileReader](r, c, typ)
	}
	return c
}

// start is the File API's "read operation" for a Blob held in memory.
func (f *FileReader) start(r *realm.Realm, s *readerState, method string, data []byte, typ string,
	kind readKind, label string, hasLabel bool) {
	if f.state == ReaderLoading {
		dom.Throw(r, "InvalidStateError", "Failed to execute '"+method+"' on 'FileReader': "+
			"The object is already busy reading Blobs.")
	}
	f.state = ReaderLoading
	f.result = nil
	f.err = nil
	f.gen++
	gen := f.gen
	size := uint64(len(data))
	f.loaded, f.total = 0, size
	ctx := r.Current()
	current := func() bool { return f.gen == gen && f.state == ReaderLoading }
	if ctx != nil && f.Owner() != ctx {
		// A reader not bound to this request (made during initialization)
		// outlives it: when the request ends, its pending steps are dropped,
		// so end the read quietly (no script may run then) rather than leave
		// the reader LOADING for good.
		ctx.OnEnd(func() {
			if current() {
				f.state = ReaderDone
				f.result = nil
				f.gen++
			}
		})
	}
	r.Submit(ctx, func() {
		if !current() {
			return
		}
		if !f.fire(r, s, "loadstart") {
			return
		}
		r.Submit(ctx, func() {
			if !current() {
				return
			}
			f.loaded = size
			// An empty Blob's stream has no chunk, hence no progress event.
			if size > 0 && !f.fire(r, s, "progress") {
				return
			}
			r.Submit(ctx, func() {
				if !current() {
					return
				}
				f.state = ReaderDone
				f.result = packageData(r, data, typ, kind, label, hasLabel)
				if !f.fire(r, s, "load") {
					return
				}
				if f.state != ReaderLoading {
					f.fire(r, s, "loadend")
				}
			})
		})
	})
}

// abort implements FileReader.abort().
func (f *FileReader) abort(r *realm.Realm, s *readerState) {
	if f.state != ReaderLoading {
		f.result = nil
		return
	}
	f.state = ReaderDone
	f.result = nil
	f.gen++ // drops the queued steps of the read
	if !f.fire(r, s, "abort") {
		return
	}
	if f.state != ReaderLoading {
		f.fire(r, s, "loadend")
	}
}

// fire fires a ProgressEvent named typ at f with the current read's
// progress. It reports false when the VM was interrupted (the interrupt is
// raised again so that it takes effect; nothing more should run).
func (f *FileReader) fire(r *realm.Realm, s *readerState, typ string) bool {
	if f.obj == nil || !f.HasListeners(typ) {
		return true // nobody can observe the event
	}
	e := &ProgressEvent{lengthComputable: true, loaded: float64(f.loaded), total: float64(f.total)}
	e.Bind(r)
	e.Init(typ, false, false)
	e.SetTrusted(true)
	if _, err := dom.Dispatch(r, f.obj, s.progress.Wrap(e)); err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			r.Interrupt(ie.Value())
		}
		return false
	}
	return true
}

// packageData is the File API's "package data" algorithm.
func packageData(r *realm.Realm, data []byte, typ string, kind readKind, label string, hasLabel bool) goja.Value {
	vm := r.VM()
	switch kind {
	case readArrayBuffer:
		return r.NewArrayBuffer(append(make([]byte, 0, len(data)), data...))
	case readBinaryString:
		u := make([]uint16, len(data))
		for i, b := range data {
			u[i] = uint16(b)
		}
		return goja.StringFromUTF16(u)
	case readDataURL:
		if typ == "" {
			typ = "application/octet-stream"
		}
		return vm.ToValue("data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data))
	}
	return vm.ToValue(decodeText(data, typ, label, hasLabel))
}

// decodeText decodes a readAsText result: the encoding is the one label
// names, else the charset parameter of the Blob's type, else UTF-8; a byte
// order mark overrides it (the Encoding Standard's "decode").
func decodeText(data []byte, typ, label string, hasLabel bool) string {
	name, ok := "", false
	if hasLabel {
		name, ok = encoding.Lookup(label)
	}
	if !ok && typ != "" {
		if _, params, pok := parseMIMEType(typ); pok {
			if cs, has := params["charset"]; has {
				name, ok = encoding.Lookup(cs)
			}
		}
	}
	if !ok {
		name = "utf-8"
	}
	switch {
	case len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF:
		name, data = "utf-8", data[3:]
	case len(data) >= 2 && data[0] == 0xFE && data[1] == 0xFF:
		name, data = "utf-16be", data[2:]
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE:
		name, data = "utf-16le", data[2:]
	default:
		if name == "replacement" {
			// The replacement decoder emits one error for any input.
			if len(data) == 0 {
				return ""
			}
			return "\uFFFD"
		}
	}
	d, err := encoding.NewDecoder(name, false, true) // the BOM is handled above
	if err != nil {
		d, _ = encoding.NewDecoder("utf-8", false, true)
	}
	s, _ := d.Decode(data, false)
	return s
}
