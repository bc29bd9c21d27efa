package webapi

import (
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Guard is a Headers object's guard (Fetch §5.2). Servers have no forbidden
// header names, so only "immutable" restricts anything here.
type Guard uint8

const (
	// GuardNone allows every change.
	GuardNone Guard = iota
	// GuardImmutable rejects every change with a TypeError.
	GuardImmutable
	// GuardRequestNoCors (a Request of mode "no-cors") silently ignores
	// headers that are not no-CORS-safelisted request-headers.
	GuardRequestNoCors
)

type header struct {
	name  string // lower-case
	value string
}

// Headers is the Go side of a JS Headers object: an ordered header list.
type Headers struct {
	realm.Host
	list   []header
	guard  Guard
	sorted []header // cache of "sort and combine", nil when stale
	// lazy holds an http.Header not yet copied into list.
	lazy http.Header
}

// isToken reports whether s is a non-empty HTTP token (header name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return true
}

var tokenChars = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return
}()

func isHTTPWhitespace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// normalizeValue strips leading and trailing HTTP whitespace.
func normalizeValue(v string) string {
	i, j := 0, len(v)
	for i < j && isHTTPWhitespace(v[i]) {
		i++
	}
	for j > i && isHTTPWhitespace(v[j-1]) {
		j--
	}
	return v[i:j]
}

func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == 0 || c == '\r' || c == '\n' {
			return false
		}
	}
	return true
}

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func (h *Headers) materialize() {
	if h.lazy == nil {
		return
	}
	src := h.lazy
	h.lazy = nil
	n := 0
	for _, vs := range src {
		n += len(vs)
	}
	h.list = make([]header, 0, n)
	for k, vs := range src {
		lk := lower(k)
		for _, v := range vs {
			h.list = append(h.list, header{lk, v})
		}
	}
	// Map order is random: keep a deterministic order.
	sort.SliceStable(h.list, func(i, j int) bool { return h.list[i].name < h.list[j].name })
}

// validate checks a header for append (appending) or set, and returns its
// normalized form; ok is false when the guard says to ignore it silently.
func (h *Headers) validate(r *realm.Realm, name, value string, appending bool) (string, string, bool) {
	if !isToken(name) {
		panic(r.NewTypeError("Invalid header name: " + quote(name)))
	}
	value = normalizeValue(value)
	if !validValue(value) {
		panic(r.NewTypeError("Invalid header value for " + quote(name) + ": header values must not contain NUL, CR or LF"))
	}
	if h.guard == GuardImmutable {
		panic(r.NewTypeError("Headers are immutable: this Headers object belongs to a request or response that can no longer be changed"))
	}
	name = lower(name)
	if h.guard == GuardRequestNoCors {
		check := value
		if appending {
			if cur, ok := h.GetValue(name); ok {
				check = cur + ", " + value
			}
		}
		if !noCorsSafelisted(name, check) {
			return name, value, false
		}
	}
	return name, value, true
}

// noCorsSafelisted reports whether (name, value) is a no-CORS-safelisted
// request-header (Fetch §2.2.2): accept, accept-language,
// content-language or content-type, with a CORS-safelisted value.
func noCorsSafelisted(name, value string) bool {
	if len(value) > 128 {
		return false
	}
	switch name {
	case "accept":
		return !hasUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			c := value[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || strings.IndexByte(" *,-.;=", c) >= 0) {
				return false
			}
		}
		return true
	case "content-type":
		if hasUnsafeByte(value) {
			return false
		}
		essence := strings.ToLower(strings.TrimSpace(strings.SplitN(value, ";", 2)[0]))
		return essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data" || essence == "text/plain"
	}
	return false
}

// hasUnsafeByte reports a CORS-unsafe request-header byte.
func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 && c != '\t' || c == 0x7F || strings.IndexByte("\"():<>?@[\\]{}", c) >= 0 {
			return true
		}
	}
	return false
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return "\"" + s + "\""
}

// AppendValue adds a header (already validated and lower-cased).
func (h *Headers) AppendValue(name, value string) {
	h.materialize()
	h.list = append(h.list, header{name, value})
	h.sorted = nil
}

// SetValue replaces all values of name (already validated and lower-cased).
func (h *Headers) SetValue(name, value string) {
	h.materialize()
	found := false
	out := h.list[:0]
	for _, hd := range h.list {
		if hd.name == name {
			if found {
				continue
			}
			found = true
			hd.value = value
		}
		out = append(out, hd)
	}
	h.list = out
	if !found {
		h.list = append(h.list, header{name, value})
	}
	h.sorted = nil
}

// DeleteName removes all values of name (lower-case).
func (h *Headers) DeleteName(name string) {
	h.materialize()
	out := h.list[:0]
	for _, hd := range h.list {
		if hd.name != name {
			out = append(out, hd)
		}
	}
	for i := len(out); i < len(h.list); i++ {
		h.list[i] = header{}
	}
	h.list = out
	h.sorted = nil
}

// GetValue returns the combined value of name (lower-case) and whether present.
func (h *Headers) GetValue(name string) (string, bool) {
	if h.lazy != nil {
		vs := h.lazy.Values(name)
		if len(vs) == 0 {
			// http.Header keys are canonical; a non-canonical key may exist.
			h.materialize()
		} else {
			return strings.Join(vs, ", "), true
		}
	}
	var b strings.Builder
	found := false
	for _, hd := range h.list {
		if hd.name == name {
			if found {
				b.WriteString(", ")
			}
			found = true
			b.WriteString(hd.value)
		}
	}
	return b.String(), found
}

// HasName reports whether name (lower-case) is present.
func (h *Headers) HasName(name string) bool {
	_, ok := h.GetValue(name)
	return ok
}

// sortAndCombine implements Fetch's "sort and combine": names sorted, values
// combined, set-cookie kept as separate entries.
func (h *Headers) sortAndCombine() []header {
	h.materialize()
	if h.sorted != nil {
		return h.sorted
	}
	names := make([]string, 0, len(h.list))
	seen := make(map[string]bool, len(h.list))
	for _, hd := range h.list {
		if !seen[hd.name] {
			seen[hd.name] = true
			names = append(names, hd.name)
		}
	}
	sort.Strings(names)
	out := make([]header, 0, len(names))
	for _, n := range names {
		if n == "set-cookie" {
			for _, hd := range h.list {
				if hd.name == n {
					out = append(out, hd)
				}
			}
			continue
		}
		v, _ := h.GetValue(n)
		out = append(out, header{n, v})
	}
	h.sorted = out
	return out
}

// HTTPHeader converts the list to an http.Header (for writing a response or
// sending a subrequest).
func (h *Headers) HTTPHeader() http.Header {
	if h.lazy != nil {
		return h.lazy.Clone()
	}
	out := make(http.Header, len(h.list))
	for _, hd := range h.list {
		k := http.CanonicalHeaderKey(hd.name)
		out[k] = append(out[k], hd.value)
	}
	return out
}

// Len returns the number of entries in the header list.
func (h *Headers) Len() int {
	h.materialize()
	return len(h.list)
}

// fill implements "fill a Headers object" from a HeadersInit value.
func (h *Headers) fill(r *realm.Realm, init goja.Value) {
	if init == nil || goja.IsUndefined(init) {
		return
	}
	o, ok := init.(*goja.Object)
	if !ok {
		panic(r.NewTypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'"))
	}
	vm := r.VM()
	// WebIDL overload resolution: an object with a @@iterator method is a
	// sequence<sequence<ByteString>>, any other object a record.
	method := o.GetSymbol(goja.SymIterator)
	if method != nil && !goja.IsUndefined(method) && !goja.IsNull(method) {
		iterFn, ok := goja.AssertFunction(method)
		if !ok {
			panic(r.NewTypeError("Failed to construct 'Headers': The object's Symbol.iterator property is not a function"))
		}
		if other, ok := realm.Unwrap[*Headers](o); ok && method == headersKey.Get(r).entries {
			// A Headers object iterated by its own entries(): copy the list
			// (the same header values as its sorted and combined pairs).
			other.materialize()
			for _, hd := range other.list {
				if n, v, ok := h.validate(r, hd.name, hd.value, true); ok {
					h.AppendValue(n, v)
				}
			}
			return
		}
		h.fillSequence(r, vm, o, iterFn)
		return
	}
	h.fillRecord(r, o)
}

// fillSequence fills from a sequence<sequence<ByteString>> given its
// iterator method: the whole sequence is converted, then each entry is
// checked (two items) and appended, as "fill" says.
func (h *Headers) fillSequence(r *realm.Realm, vm *goja.Runtime, o *goja.Object, iterFn goja.Callable) {
	iter, err := iterFn(o)
	if err != nil {
		panic(err)
	}
	iterObj, ok := iter.(*goja.Object)
	if !ok {
		panic(r.NewTypeError("Failed to construct 'Headers': the iterator is not an object"))
	}
	next, ok := goja.AssertFunction(iterObj.Get("next"))
	if !ok {
		panic(r.NewTypeError("Failed to construct 'Headers': iterator has no next() method"))
	}
	var entries [][]string
	for {
		res, err := next(iterObj)
		if err != nil {
			panic(err)
		}
		ro, ok := res.(*goja.Object)
		if !ok {
			panic(r.NewTypeError("Failed to construct 'Headers': the iterator result is not an object"))
		}
		if ro.Get("done").ToBoolean() {
			break
		}
		pair, ok := ro.Get("value").(*goja.Object)
		if !ok {
			panic(r.NewTypeError("Failed to construct 'Headers': each header init entry must be a sequence of [name, value]"))
		}
		var items []goja.Value
		if err := vm.ExportTo(pair, &items); err != nil {
			panic(r.NewTypeError("Failed to construct 'Headers': each header init entry must be a sequence of [name, value]"))
		}
		entry := make([]string, len(items))
		for i, it := range items {
			entry[i] = byteString(r, it)
		}
		entries = append(entries, entry)
	}
	for _, entry := range entries {
		if len(entry) != 2 {
			panic(r.NewTypeError("Failed to construct 'Headers': a header init entry must have exactly two items (name and value)"))
		}
		if n, v, ok := h.validate(r, entry[0], entry[1], true); ok {
			h.AppendValue(n, v)
		}
	}
}

// fillRecord fills from a record<ByteString, ByteString>, converted as
// WebIDL says (§3.2.21): [[OwnPropertyKeys]], then for each key
// [[GetOwnProperty]]; keys whose descriptor is undefined or not enumerable
// are skipped; the key is converted to a ByteString (a Symbol key throws),
// then [[Get]] and the value's conversion. Each step is observable through a
// Proxy, so the order matters. The whole record is converted before any
// header is validated and appended, as "fill" says.
func (h *Headers) fillRecord(r *realm.Realm, o *goja.Object) {
	var pairs []header
	if o.ExportType() != proxyType && len(o.Symbols()) == 0 {
		// Fast path: for an object that is not a Proxy and has no Symbol
		// keys, the enumerable own string keys in property order are the
		// keys the conversion keeps, and reading them has no side effects
		// but those of getters (only a getter that deletes or hides a later
		// key of its own object would see a difference).
		keys := o.Keys()
		pairs = make([]header, 0, len(keys))
		for _, k := range keys {
			name := byteStringOf(r, k)
			v := o.Get(k)
			if v == nil {
				v = goja.Undefined()
			}
			pairs = append(pairs, header{name, byteString(r, v)})
		}
	} else {
		pairs = convertRecord(r, o)
	}
	for _, p := range pairs {
		if n, v, ok := h.validate(r, p.name, p.value, true); ok {
			h.AppendValue(n, v)
		}
	}
}

var proxyType = reflect.TypeOf(goja.Proxy{})

// convertRecord is the general record<ByteString, ByteString> conversion,
// step by step through Reflect.
func convertRecord(r *realm.Realm, o *goja.Object) []header {
	rf := r.Reflect()
	keysV, err := rf.OwnKeys(goja.Undefined(), o)
	if err != nil {
		panic(err)
	}
	keys, ok := keysV.(*goja.Object)
	if !ok {
		return nil
	}
	n := int(keys.Get("length").ToInteger())
	pairs := make([]header, 0, n)
	for i := 0; i < n; i++ {
		key := keys.Get(strconv.Itoa(i))
		desc, err := rf.GetOwnPropertyDescriptor(goja.Undefined(), o, key)
		if err != nil {
			panic(err)
		}
		d, ok := desc.(*goja.Object)
		if !ok || !d.Get("enumerable").ToBoolean() {
			continue
		}
		name := byteString(r, key) // throws for a Symbol key
		v := o.Get(key.String())
		if v == nil {
			v = goja.Undefined()
		}
		pairs = append(pairs, header{name, byteString(r, v)})
	}
	return pairs
}

// byteString converts a value per WebIDL ByteString: code points above
// U+00FF are a TypeError. Latin-1 characters map to their byte.
func byteString(r *realm.Realm, v goja.Value) string {
	if _, ok := v.(*goja.Symbol); ok {
		panic(r.NewTypeError("Cannot convert a Symbol value to a string"))
	}
	return byteStringOf(r, v.String())
}

// byteStringOf is byteString for a string already converted from JS.
func byteStringOf(r *realm.Realm, s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return latin1(r, s)
		}
	}
	return s
}

func latin1(r *realm.Realm, s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		if c > 0xFF {
			panic(r.NewTypeError("Cannot convert a string containing characters above U+00FF to a ByteString (header names and values are byte strings)"))
		}
		b = append(b, byte(c))
	}
	return string(b)
}

// fromLatin1 maps header bytes back to a JS string (each byte one code unit).
func fromLatin1(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			rs := make([]rune, 0, len(s))
			for j := 0; j < len(s); j++ {
				rs = append(rs, rune(s[j]))
			}
			return string(rs)
		}
	}
	return s
}

type headersState struct {
	class *realm.Class
	// entries is Headers.prototype.entries (also its @@iterator).
	entries *goja.Object
}

var headersKey = realm.NewKey[*headersState]()

func headersClass(r *realm.Realm) *realm.Class { return headersKey.Get(r).class }

// NewHeaders creates a Headers object bound to the current request.
func NewHeaders(r *realm.Realm, guard Guard) (*goja.Object, *Headers) {
	h := &Headers{guard: guard}
	h.Bind(r)
	return headersClass(r).Wrap(h), h
}

// NewHeadersFrom wraps an http.Header without copying it until JS changes or
// enumerates it.
func NewHeadersFrom(r *realm.Realm, hdr http.Header, guard Guard) (*goja.Object, *Headers) {
	h := &Headers{guard: guard, lazy: hdr}
	if hdr == nil {
		h.lazy = nil
	}
	h.Bind(r)
	return headersClass(r).Wrap(h), h
}

func installHeaders(r *realm.Realm) {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("Headers", 0, func(call goja.ConstructorCall) *goja.Object {
		h := &Headers{}
		h.Bind(r)
		h.fill(r, call.Argument(0))
		return c.WrapFor(call, h)
	}, nil, realm.SymbolExpandos)
	st := &headersState{class: c}
	headersKey.Set(r, st)
	this := func(call goja.FunctionCall) *Headers {
		return realm.ThisBound[*Headers](r, call, "Headers")
	}
	need := func(call goja.FunctionCall, n int, method string) {
		if len(call.Arguments) < n {
			panic(r.NewTypeError("Failed to execute '" + method + "' on 'Headers': " + plural(n) + " required, but only " + itoa(len(call.Arguments)) + " present."))
		}
	}
	c.Method("append", 2, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		need(call, 2, "append")
		if n, v, ok := h.validate(r, byteString(r, call.Arguments[0]), byteString(r, call.Arguments[1]), true); ok {
			h.AppendValue(n, v)
		}
		return goja.Undefined()
	})
	c.Method("delete", 1, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		need(call, 1, "delete")
		name := byteString(r, call.Arguments[0])
		if !isToken(name) {
			panic(r.NewTypeError("Invalid header name: " + quote(name)))
		}
		if h.guard == GuardImmutable {
			panic(r.NewTypeError("Headers are immutable: this Headers object belongs to a request or response that can no longer be changed"))
		}
		ln := lower(name)
		if h.guard == GuardRequestNoCors && ln != "accept" && ln != "accept-language" && ln != "content-language" && ln != "content-type" && ln != "range" {
			return goja.Undefined()
		}
		h.DeleteName(ln)
		return goja.Undefined()
	})
	c.Method("get", 1, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		need(call, 1, "get")
		name := byteString(r, call.Arguments[0])
		if !isToken(name) {
			panic(r.NewTypeError("Invalid header name: " + quote(name)))
		}
		v, ok := h.GetValue(lower(name))
		if !ok {
			return goja.Null()
		}
		return vm.ToValue(fromLatin1(v))
	})
	c.Method("getSetCookie", 0, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		h.materialize()
		var vals []goja.Value
		for _, hd := range h.list {
			if hd.name == "set-cookie" {
				vals = append(vals, vm.ToValue(fromLatin1(hd.value)))
			}
		}
		return r.NewArray(vals...)
	})
	c.Method("has", 1, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		need(call, 1, "has")
		name := byteString(r, call.Arguments[0])
		if !isToken(name) {
			panic(r.NewTypeError("Invalid header name: " + quote(name)))
		}
		return vm.ToValue(h.HasName(lower(name)))
	})
	c.Method("set", 2, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		need(call, 2, "set")
		if n, v, ok := h.validate(r, byteString(r, call.Arguments[0]), byteString(r, call.Arguments[1]), false); ok {
			h.SetValue(n, v)
		}
		return goja.Undefined()
	})
	iter := func(kind int) func(call goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			h := this(call)
			i := 0
			return r.NewIterator("Headers", func() (goja.Value, bool) {
				list := h.sortAndCombine()
				if i >= len(list) {
					return nil, true
				}
				hd := list[i]
				i++
				switch kind {
				case 0:
					return vm.ToValue(hd.name), false
				case 1:
					return vm.ToValue(fromLatin1(hd.value)), false
				}
				return r.NewArray(vm.ToValue(hd.name), vm.ToValue(fromLatin1(hd.value))), false
			})
		}
	}
	c.Method("keys", 0, iter(0))
	c.Method("values", 0, iter(1))
	entries := r.Func("entries", 0, iter(2))
	st.entries = entries
	_ = c.Proto.DefineDataProperty("entries", entries, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	_ = c.Proto.DefineDataPropertySymbol(goja.SymIterator, entries, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	c.Method("forEach", 1, func(call goja.FunctionCall) goja.Value {
		h := this(call)
		cb, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(r.NewTypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'."))
		}
		thisArg := call.Argument(1)
		for i := 0; ; i++ {
			list := h.sortAndCombine()
			if i >= len(list) {
				break
			}
			hd := list[i]
			if _, err := cb(thisArg, vm.ToValue(fromLatin1(hd.value)), vm.ToValue(hd.name), call.This); err != nil {
				panic(err)
			}
		}
		return goja.Undefined()
	})
	c.Global()
}

func plural(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return itoa(n) + " arguments"
}

func itoa(n int) string { return strconv.Itoa(n) }
