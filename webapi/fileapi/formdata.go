package fileapi

import (
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// FormData is the Go side of a FormData object
// (https://xhr.spec.whatwg.org/#interface-formdata): an ordered list of
// entries whose names are strings and whose values are strings or File
// objects. Use it on the loop goroutine only.
type FormData struct {
	realm.Host
	s    *state
	list []formEntry
}

type formEntry struct {
	name  string
	value string       // when file is nil
	file  *goja.Object // a File object
}

// Entry is one entry of a FormData's entry list, as Entries returns it.
type Entry struct {
	Name string
	// Value is the value of a string entry ("" for file entries).
	Value string
	// File is the value of a file entry (nil for string entries). Its Bytes
	// are immutable and safe to use from any goroutine.
	File *File
}

// IsFile reports whether the entry's value is a File.
func (e Entry) IsFile() bool { return e.File != nil }

// Entries returns a snapshot of the entry list, in order. Call it on the
// loop goroutine; the snapshot may then be used anywhere.
func (fd *FormData) Entries() []Entry {
	out := make([]Entry, len(fd.list))
	for i, e := range fd.list {
		out[i] = Entry{Name: e.name, Value: e.value}
		if e.file != nil {
			out[i].File, _ = realm.Unwrap[*File](e.file)
		}
	}
	return out
}

// Len returns the number of entries.
func (fd *FormData) Len() int { return len(fd.list) }

// AppendString appends a string entry (name and value must be valid UTF-8).
func (fd *FormData) AppendString(name, value string) {
	fd.list = append(fd.list, formEntry{name: name, value: value})
}

// AppendFile appends a file entry holding a new File object made from data
// (owned by the File from now on), filename and contentType (normalized as
// the Blob constructor does), with lastModified set to now.
func (fd *FormData) AppendFile(name string, data []byte, filename, contentType string) {
	fd.list = append(fd.list, formEntry{name: name,
		file: NewFile(fd.s.r, data, filename, contentType, time.Now().UnixMilli())})
}

// FormDataFrom returns the Go side of v when v is a FormData object
// (including instances of script subclasses).
func FormDataFrom(v goja.Value) (*FormData, bool) {
	return realm.Unwrap[*FormData](v)
}

// NewFormData creates an empty FormData object and returns it with its Go
// side. Call it on the loop goroutine.
func NewFormData(r *realm.Realm) (*goja.Object, *FormData) {
	s := getState(r)
	fd := &FormData{s: s}
	return s.formData.Wrap(fd), fd
}

// fileValue implements "create an entry" for a value that is a Blob: a Blob
// that is not a File becomes a File named "blob" (or filename); a File is
// kept as is unless a filename is given, in which case a new File with that
// name and the same bytes, type and lastModified is made.
func (s *state) fileValue(v goja.Value, filename *string) *goja.Object {
	if f, ok := realm.Unwrap[*File](v); ok {
		if filename == nil {
			return v.(*goja.Object)
		}
		return s.file.Wrap(&File{Blob: Blob{data: f.data, typ: f.typ}, name: *filename, lastModified: f.lastModified})
	}
	b, _ := realm.Unwrap[blobObject](v)
	name := "blob"
	if filename != nil {
		name = *filename
	}
	bl := b.blob()
	return s.file.Wrap(&File{Blob: Blob{data: bl.data, typ: bl.typ}, name: name, lastModified: time.Now().UnixMilli()})
}

// readEntry converts the (name, value[, filename]) arguments of append()
// and set(), resolving the overload: with three arguments value must be a
// Blob; with two, a Blob selects the Blob overload and anything else is
// converted to a USVString.
func (s *state) readEntry(call goja.FunctionCall, method string) formEntry {
	r := s.r
	r.RequireArgs(len(call.Arguments), 2, "FormData", method)
	value := call.Argument(1)
	_, isBlob := realm.Unwrap[blobObject](value)
	if len(call.Arguments) >= 3 && !isBlob {
		panic(r.NewTypeError("Failed to execute '" + method + "' on 'FormData': parameter 2 is not of type 'Blob'."))
	}
	name := toUSV(r, call.Argument(0))
	if !isBlob {
		return formEntry{name: name, value: toUSV(r, value)}
	}
	var filename *string
	if len(call.Arguments) >= 3 {
		fn := toUSV(r, call.Argument(2))
		filename = &fn
	}
	return formEntry{name: name, file: s.fileValue(value, filename)}
}

func (fd *FormData) valueOf(e formEntry) goja.Value {
	if e.file != nil {
		return e.file
	}
	return fd.s.r.VM().ToValue(e.value)
}

func installFormData(s *state) *realm.Class {
	r := s.r
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("FormData", 0, func(call goja.ConstructorCall) *goja.Object {
		if len(call.Arguments) > 0 && !goja.IsUndefined(call.Arguments[0]) {
			panic(r.NewTypeError("Failed to construct 'FormData': constructing a FormData from a form element is not supported " +
				"(there is no DOM here); call new FormData() without arguments and append() the entries"))
		}
		if len(call.Arguments) > 1 && !goja.IsUndefined(call.Arguments[1]) && !goja.IsNull(call.Arguments[1]) {
			panic(r.NewTypeError("Failed to construct 'FormData': a submitter is not supported (there is no DOM here)"))
		}
		return c.WrapFor(call, &FormData{s: s})
	}, nil, realm.SymbolExpandos)
	this := func(call goja.FunctionCall) *FormData { return realm.This[*FormData](r, call, "FormData") }

	c.Method("append", 2, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		fd.list = append(fd.list, s.readEntry(call, "append"))
		return goja.Undefined()
	})
	c.Method("delete", 1, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		r.RequireArgs(len(call.Arguments), 1, "FormData", "delete")
		name := toUSV(r, call.Argument(0))
		kept := fd.list[:0]
		for _, e := range fd.list {
			if e.name != name {
				kept = append(kept, e)
			}
		}
		clear(fd.list[len(kept):])
		fd.list = kept
		return goja.Undefined()
	})
	c.Method("get", 1, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		r.RequireArgs(len(call.Arguments), 1, "FormData", "get")
		name := toUSV(r, call.Argument(0))
		for _, e := range fd.list {
			if e.name == name {
				return fd.valueOf(e)
			}
		}
		return goja.Null()
	})
	c.Method("getAll", 1, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		r.RequireArgs(len(call.Arguments), 1, "FormData", "getAll")
		name := toUSV(r, call.Argument(0))
		var vals []goja.Value
		for _, e := range fd.list {
			if e.name == name {
				vals = append(vals, fd.valueOf(e))
			}
		}
		return r.NewArray(vals...)
	})
	c.Method("has", 1, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		r.RequireArgs(len(call.Arguments), 1, "FormData", "has")
		name := toUSV(r, call.Argument(0))
		for _, e := range fd.list {
			if e.name == name {
				return vm.ToValue(true)
			}
		}
		return vm.ToValue(false)
	})
	c.Method("set", 2, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		entry := s.readEntry(call, "set")
		// Replace the first entry with the name, remove the others.
		found := false
		kept := fd.list[:0]
		for _, e := range fd.list {
			if e.name != entry.name {
				kept = append(kept, e)
			} else if !found {
				found = true
				kept = append(kept, entry)
			}
		}
		clear(fd.list[len(kept):])
		fd.list = kept
		if !found {
			fd.list = append(fd.list, entry)
		}
		return goja.Undefined()
	})

	// Iteration: WebIDL pair iterators walk the live list by index.
	const (
		kindEntries = iota
		kindKeys
		kindValues
	)
	iterate := func(fd *FormData, kind int) *goja.Object {
		i := 0
		return r.NewIterator("FormData", func() (goja.Value, bool) {
			if i >= len(fd.list) {
				return nil, true
			}
			e := fd.list[i]
			i++
			switch kind {
			case kindKeys:
				return vm.ToValue(e.name), false
			case kindValues:
				return fd.valueOf(e), false
			}
			return r.NewArray(vm.ToValue(e.name), fd.valueOf(e)), false
		})
	}
	c.Method("entries", 0, func(call goja.FunctionCall) goja.Value {
		return iterate(this(call), kindEntries)
	})
	c.Method("keys", 0, func(call goja.FunctionCall) goja.Value {
		return iterate(this(call), kindKeys)
	})
	c.Method("values", 0, func(call goja.FunctionCall) goja.Value {
		return iterate(this(call), kindValues)
	})
	c.Method("forEach", 1, func(call goja.FunctionCall) goja.Value {
		fd := this(call)
		r.RequireArgs(len(call.Arguments), 1, "FormData", "forEach")
		fn, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(r.NewTypeError("Failed to execute 'forEach' on 'FormData': The callback provided as parameter 1 is not a function."))
		}
		thisArg := call.Argument(1)
		for i := 0; i < len(fd.list); i++ {
			e := fd.list[i]
			if _, err := fn(thisArg, fd.valueOf(e), vm.ToValue(e.name), call.This); err != nil {
				panic(err)
			}
		}
		return goja.Undefined()
	})
	// @@iterator is the same function object as entries.
	_ = c.Proto.DefineDataPropertySymbol(goja.SymIterator, c.Proto.Get("entries"), goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return c
}
