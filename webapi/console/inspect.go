package console

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// Inspector may be implemented by the Go struct behind a host object
// (Request, Headers, ...) to control how console.log renders it. The result
// replaces the default "Name {}" rendering and should be short.
type Inspector interface {
	ConsoleInspect() string
}

const (
	// MaxMessageBytes bounds one console message; longer output is cut and
	// ends with a truncation marker.
	MaxMessageBytes = 16 << 10
	// maxDepth is how deep nested objects are rendered (util.inspect's 2).
	maxDepth = 2
	// maxItems bounds the array elements, Map/Set entries and object
	// properties rendered for one object.
	maxItems = 100
	// maxStringChars bounds a nested string.
	maxStringChars = 10000
)

var (
	typeTime      = reflect.TypeOf(time.Time{})
	typeProxy     = reflect.TypeOf(goja.Proxy{})
	typePromise   = reflect.TypeOf((*goja.Promise)(nil))
	typeBigInt    = reflect.TypeOf((*big.Int)(nil))
	typeArrayBuf  = reflect.TypeOf(goja.ArrayBuffer{})
	typeMapExport = reflect.TypeOf([][2]any{})
	typeSetExport = reflect.TypeOf([]any{})
	symToStrTag   = goja.SymToStringTag
	truncatedMark = "… [message truncated]"
)

// printer renders values into a bounded buffer. It never lets a JavaScript
// exception escape: property reads that throw are rendered as markers.
type printer struct {
	vm   *goja.Runtime
	b    strings.Builder
	seen []*goja.Object
	full bool

	errProto *goja.Object // Error.prototype, looked up on first need
}

func (p *printer) room() bool { return !p.full }

func (p *printer) WriteString(s string) {
	if p.full {
		return
	}
	if p.b.Len()+len(s) > MaxMessageBytes {
		n := MaxMessageBytes - p.b.Len()
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		p.b.WriteString(s[:n])
		p.full = true
		return
	}
	p.b.WriteString(s)
}

func (p *printer) WriteByte(c byte) error {
	if p.b.Len()+1 > MaxMessageBytes {
		p.full = true
	}
	if !p.full {
		p.b.WriteByte(c)
	}
	return nil
}

// String returns the rendered text, with the truncation marker if cut.
func (p *printer) String() string {
	if p.full {
		return p.b.String() + truncatedMark
	}
	return p.b.String()
}

// try runs f, reporting whether it completed without a JS exception.
// Uncatchable conditions (interrupts) still propagate.
func (p *printer) try(f func()) bool {
	return p.vm.Try(f) == nil
}

// get reads o[key], reporting false when a getter (or proxy trap) threw.
func (p *printer) get(o *goja.Object, key string) (v goja.Value, ok bool) {
	ok = p.try(func() { v = o.Get(key) })
	return v, ok
}

// top renders a console argument: strings as they are, anything else
// inspected.
func (p *printer) top(v goja.Value) {
	if s, ok := v.(goja.String); ok {
		p.WriteString(s.String())
		return
	}
	p.inspect(v, 0)
}

// inspect renders v the way a compact util.inspect would, at nesting level
// depth.
func (p *printer) inspect(v goja.Value, depth int) {
	if p.full {
		return
	}
	switch x := v.(type) {
	case nil:
		p.WriteString("undefined")
		return
	case goja.String:
		p.quote(x.String())
		return
	case *goja.Symbol:
		p.WriteString(symbolString(x))
		return
	case *goja.Object:
		p.object(x, depth)
		return
	}
	p.primitive(v)
}

func symbolString(s *goja.Symbol) string {
	return "Symbol(" + s.String() + ")"
}

func (p *printer) primitive(v goja.Value) {
	if v.ExportType() == typeBigInt {
		p.WriteString(v.String() + "n")
		return
	}
	if f, ok := v.Export().(float64); ok && f == 0 && math.Signbit(f) {
		p.WriteString("-0")
		return
	}
	p.WriteString(v.String())
}

// quote writes s as a single-quoted (or double-quoted, if it contains single
// quotes only) string literal.
func (p *printer) quote(s string) {
	more := 0
	if n := utf8.RuneCountInString(s); n > maxStringChars {
		cut := 0
		for i := 0; i < maxStringChars; i++ {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		s, more = s[:cut], n-maxStringChars
	}
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case q, '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\v':
			b.WriteString(`\v`)
		default:
			if c < 0x20 || c == 0x7F {
				b.WriteString(`\x`)
				b.WriteByte("0123456789ABCDEF"[c>>4])
				b.WriteByte("0123456789ABCDEF"[c&0xF])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte(q)
	p.WriteString(b.String())
	if more > 0 {
		p.WriteString("... " + strconv.Itoa(more) + " more characters")
	}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func (p *printer) key(k string) {
	if isIdentifier(k) {
		p.WriteString(k)
	} else {
		p.quote(k)
	}
}

func (p *printer) circular(o *goja.Object) bool {
	for _, s := range p.seen {
		if s == o {
			return true
		}
	}
	return false
}

func (p *printer) object(o *goja.Object, depth int) {
	et := o.ExportType()
	// Proxies are shown as their target, without running traps.
	if et == typeProxy {
		px, _ := o.Export().(goja.Proxy)
		t := px.Target()
		if t == nil {
			p.WriteString("[Proxy (revoked)]")
			return
		}
		p.object(t, depth)
		return
	}
	if p.circular(o) {
		p.WriteString("[Circular]")
		return
	}
	class := o.ClassName()
	if class == "Object" {
		// goja reports Map, Set and BigInt wrappers as "Object"; their
		// export types tell them apart.
		switch et {
		case typeMapExport:
			class = "Map"
		case typeSetExport:
			class = "Set"
		case typeBigInt:
			class = "BigInt"
		}
	}
	switch class {
	case "Function", "AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction":
		var tv goja.Value
		if p.try(func() { tv = o.GetSymbol(symToStrTag) }) {
			if s, ok := tv.(goja.String); ok && strings.HasSuffix(s.String(), "Function") {
				class = s.String()
			}
		}
		p.function(o, class)
		return
	case "Error":
		p.error(o, depth)
		return
	case "Symbol":
		p.WriteString("[Symbol: ")
		if s, ok := o.Export().(*goja.Symbol); ok {
			p.WriteString(symbolString(s))
		}
		p.WriteString("]")
		return
	}
	switch et {
	case typeTime:
		if t, ok := o.Export().(time.Time); ok {
			p.WriteString(t.UTC().Format("2006-01-02T15:04:05.000Z"))
		} else {
			p.WriteString("Invalid Date")
		}
		return
	case typePromise:
		p.promise(o, depth)
		return
	case typeArrayBuf:
		ab, _ := o.Export().(goja.ArrayBuffer)
		p.WriteString("ArrayBuffer { byteLength: " + strconv.Itoa(len(ab.Bytes())) + " }")
		return
	}
	if et != nil && et.Kind() == reflect.Pointer {
		if in, ok := o.Export().(Inspector); ok {
			s := ""
			if p.try(func() { s = in.ConsoleInspect() }) {
				p.WriteString(s)
				return
			}
		}
	}
	if p.isErrorLike(o) {
		p.error(o, depth)
		return
	}
	name, nullProto := p.constructorName(o)
	tag := ""
	if !nullProto {
		var tv goja.Value
		if p.try(func() { tv = o.GetSymbol(symToStrTag) }) {
			if s, ok := tv.(goja.String); ok {
				tag = s.String()
			}
		}
	}
	switch class {
	case "RegExp":
		var s string
		if p.try(func() { s = o.String() }) {
			p.WriteString(s)
		} else {
			p.WriteString("[RegExp]")
		}
		return
	case "String":
		var s string
		if p.try(func() { s = o.String() }) {
			p.WriteString("[String: ")
			p.quote(s)
			p.WriteString("]")
		} else {
			p.WriteString("[String]")
		}
		return
	case "Number", "Boolean", "BigInt":
		p.WriteString("[" + class + ": ")
		var prim goja.Value
		if p.try(func() { prim = p.vm.ToValue(o.Export()) }) {
			p.inspect(prim, depth+1)
		}
		p.WriteString("]")
		return
	}
	if depth > maxDepth {
		switch {
		case class == "Array":
			p.WriteString("[Array]")
		case name != "" && name != "Object":
			p.WriteString("[" + name + "]")
		default:
			p.WriteString("[Object]")
		}
		return
	}
	p.seen = append(p.seen, o)
	defer func() { p.seen = p.seen[:len(p.seen)-1] }()

	switch {
	case class == "Array":
		p.array(o, depth, "")
	case class == "Arguments":
		p.array(o, depth, "[Arguments] ")
	case class == "Map":
		p.mapOrSet(o, depth, true, name)
	case class == "Set":
		p.mapOrSet(o, depth, false, name)
	case tag == "WeakMap" || tag == "WeakSet":
		p.WriteString(tag + " { <items unknown> }")
	case et != nil && et.Kind() == reflect.Slice && tag != "" && strings.HasSuffix(tag, "Array"):
		p.typedArray(o, depth, tag)
	default:
		prefix := ""
		switch {
		case nullProto:
			prefix = "[Object: null prototype] "
		case name == "":
			if tag != "" {
				prefix = "Object [" + tag + "] "
			}
		case name != "Object" || tag != "":
			prefix = name + " "
			if tag != "" && tag != name {
				prefix += "[" + tag + "] "
			}
		}
		p.WriteString(prefix)
		p.properties(o, depth, nil, "{", "}")
	}
}

// constructorName returns the name of o's constructor, from its prototype
// chain ("" when unknown), and whether o has a null prototype.
func (p *printer) constructorName(o *goja.Object) (name string, nullProto bool) {
	proto := o.Prototype()
	if proto == nil {
		return "", true
	}
	for i := 0; proto != nil && i < 32; i++ {
		var c goja.Value
		if !p.try(func() { c = proto.Get("constructor") }) {
			return "", false
		}
		if co, ok := c.(*goja.Object); ok {
			if n, ok := p.get(co, "name"); ok {
				if s, ok := n.(goja.String); ok && s.String() != "" {
					return s.String(), false
				}
			}
		}
		proto = proto.Prototype()
	}
	return "", false
}

func (p *printer) function(o *goja.Object, class string) {
	name := ""
	if n, ok := p.get(o, "name"); ok {
		if s, ok := n.(goja.String); ok {
			name = s.String()
		}
	}
	if name == "" {
		p.WriteString("[" + class + " (anonymous)]")
		return
	}
	p.WriteString("[" + class + ": " + name + "]")
}

// isErrorLike reports whether o inherits from Error.prototype (host
// exceptions such as DOMException do).
func (p *printer) isErrorLike(o *goja.Object) bool {
	if p.errProto == nil {
		p.try(func() {
			if c, ok := p.vm.Get("Error").(*goja.Object); ok {
				p.errProto, _ = c.Get("prototype").(*goja.Object)
			}
		})
		if p.errProto == nil {
			return false
		}
	}
	for proto, i := o.Prototype(), 0; proto != nil && i < 32; proto, i = proto.Prototype(), i+1 {
		if proto == p.errProto {
			return true
		}
	}
	return false
}

func (p *printer) error(o *goja.Object, depth int) {
	var name, msg, stack string
	if v, ok := p.get(o, "stack"); ok {
		if s, ok := v.(goja.String); ok {
			stack = s.String()
		}
	}
	if v, ok := p.get(o, "name"); ok && v != nil && !goja.IsUndefined(v) {
		if s, ok := v.(goja.String); ok {
			name = s.String()
		}
	}
	if v, ok := p.get(o, "message"); ok && v != nil && !goja.IsUndefined(v) {
		if s, ok := v.(goja.String); ok {
			msg = s.String()
		}
	}
	if name == "" {
		name = "Error"
	}
	head := name
	if msg != "" {
		head += ": " + msg
	}
	if depth > 0 {
		p.WriteString("[" + head + "]")
		return
	}
	if stack != "" {
		if !strings.HasPrefix(stack, head) {
			// goja's stack omits the message line in some cases.
			if strings.HasPrefix(stack, "    at ") || strings.HasPrefix(stack, "\tat ") {
				stack = head + "\n" + stack
			}
		}
		p.WriteString(strings.TrimRight(stack, "\n"))
		return
	}
	p.WriteString(head)
}

func (p *printer) promise(o *goja.Object, depth int) {
	pr, _ := o.Export().(*goja.Promise)
	p.WriteString("Promise { ")
	switch {
	case pr == nil || pr.State() == goja.PromiseStatePending:
		p.WriteString("<pending>")
	case pr.State() == goja.PromiseStateRejected:
		p.WriteString("<rejected> ")
		p.inspect(pr.Result(), depth+1)
	default:
		p.inspect(pr.Result(), depth+1)
	}
	p.WriteString(" }")
}

func (p *printer) length(o *goja.Object) int64 {
	v, ok := p.get(o, "length")
	if !ok || v == nil {
		return 0
	}
	n := v.ToFloat()
	if math.IsNaN(n) || n < 0 {
		return 0
	}
	return int64(min(n, float64(math.MaxInt32)))
}

func (p *printer) array(o *goja.Object, depth int, prefix string) {
	n := p.length(o)
	p.WriteString(prefix)
	if n == 0 {
		p.properties(o, depth, isIndex, "[", "]")
		return
	}
	p.WriteString("[ ")
	shown := min(n, maxItems)
	holes := 0
	first := true
	flushHoles := func() {
		if holes == 0 {
			return
		}
		if !first {
			p.WriteString(", ")
		}
		first = false
		if holes == 1 {
			p.WriteString("<1 empty item>")
		} else {
			p.WriteString("<" + strconv.Itoa(holes) + " empty items>")
		}
		holes = 0
	}
	for i := int64(0); i < shown && p.room(); i++ {
		k := strconv.FormatInt(i, 10)
		var v goja.Value
		ok := p.try(func() { v = o.Get(k) })
		if ok && v == nil {
			holes++
			continue
		}
		flushHoles()
		if !first {
			p.WriteString(", ")
		}
		first = false
		if !ok {
			p.WriteString("[Getter threw]")
			continue
		}
		p.inspect(v, depth+1)
	}
	flushHoles()
	if n > shown {
		p.WriteString(", ... " + strconv.FormatInt(n-shown, 10) + " more items")
	}
	if n <= 1000 {
		p.extraProps(o, depth, isIndex)
	}
	p.WriteString(" ]")
}

func isIndex(k string) bool {
	if k == "" || len(k) > 10 {
		return false
	}
	if k == "0" {
		return true
	}
	if k[0] == '0' {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}

// extraProps appends ", key: value" for own enumerable keys not skipped.
func (p *printer) extraProps(o *goja.Object, depth int, skip func(string) bool) {
	var keys []string
	if !p.try(func() { keys = o.Keys() }) {
		return
	}
	for _, k := range keys {
		if skip(k) || !p.room() {
			continue
		}
		p.WriteString(", ")
		p.key(k)
		p.WriteString(": ")
		p.value(o, k, depth)
	}
}

func (p *printer) value(o *goja.Object, k string, depth int) {
	v, ok := p.get(o, k)
	if !ok {
		p.WriteString("[Getter threw]")
		return
	}
	p.inspect(v, depth+1)
}

// properties renders own enumerable properties as "{ a: 1, [Symbol(s)]: 2 }".
func (p *printer) properties(o *goja.Object, depth int, skip func(string) bool, open, close string) {
	var keys []string
	var syms []*goja.Symbol
	if !p.try(func() { keys = o.Keys(); syms = o.Symbols() }) {
		p.WriteString(open + " [keys threw] " + close)
		return
	}
	count := 0
	for _, k := range keys {
		if skip != nil && skip(k) {
			continue
		}
		if !p.room() {
			break
		}
		if count == maxItems {
			p.WriteString(", ... " + strconv.Itoa(len(keys)-maxItems) + " more properties")
			break
		}
		if count == 0 {
			p.WriteString(open + " ")
		} else {
			p.WriteString(", ")
		}
		count++
		p.key(k)
		p.WriteString(": ")
		p.value(o, k, depth)
	}
	for _, s := range syms {
		if !p.room() || count >= maxItems {
			break
		}
		if count == 0 {
			p.WriteString(open + " ")
		} else {
			p.WriteString(", ")
		}
		count++
		p.WriteString("[" + symbolString(s) + "]: ")
		var v goja.Value
		if p.try(func() { v = o.GetSymbol(s) }) {
			p.inspect(v, depth+1)
		} else {
			p.WriteString("[Getter threw]")
		}
	}
	if count == 0 {
		p.WriteString(open + close)
		return
	}
	p.WriteString(" " + close)
}

func (p *printer) mapOrSet(o *goja.Object, depth int, isMap bool, name string) {
	if name == "" {
		name = "Map"
		if !isMap {
			name = "Set"
		}
	}
	// A Map exports as its [key, value] entries, a Set as its values.
	var n int
	var item func(i int)
	var ok bool
	if isMap {
		var entries [][2]goja.Value
		ok = p.try(func() { _ = p.vm.ExportTo(o, &entries) })
		n = len(entries)
		item = func(i int) {
			p.inspect(entries[i][0], depth+1)
			p.WriteString(" => ")
			p.inspect(entries[i][1], depth+1)
		}
	} else {
		var values []goja.Value
		ok = p.try(func() { _ = p.vm.ExportTo(o, &values) })
		n = len(values)
		item = func(i int) { p.inspect(values[i], depth+1) }
	}
	if !ok {
		p.WriteString(name + " { [entries threw] }")
		return
	}
	p.WriteString(name + "(" + strconv.Itoa(n) + ") ")
	if n == 0 {
		p.WriteString("{}")
		return
	}
	p.WriteString("{ ")
	for i := 0; i < n; i++ {
		if i == maxItems {
			p.WriteString(", ... " + strconv.Itoa(n-maxItems) + " more items")
			break
		}
		if i > 0 {
			p.WriteString(", ")
		}
		item(i)
	}
	p.WriteString(" }")
}

func (p *printer) typedArray(o *goja.Object, depth int, tag string) {
	n := p.length(o)
	p.WriteString(tag + "(" + strconv.FormatInt(n, 10) + ") ")
	if n == 0 {
		p.WriteString("[]")
		return
	}
	p.WriteString("[ ")
	shown := min(n, maxItems)
	for i := int64(0); i < shown && p.room(); i++ {
		if i > 0 {
			p.WriteString(", ")
		}
		p.value(o, strconv.FormatInt(i, 10), depth)
	}
	if n > shown {
		p.WriteString(", ... " + strconv.FormatInt(n-shown, 10) + " more items")
	}
	p.WriteString(" ]")
}

// Inspect renders v as console.log renders a non-string argument (a
// compact util.inspect: nested strings quoted, depth limited, cycles
// marked), bounded by MaxMessageBytes. It never throws: getters and proxy
// traps that throw are rendered as markers. Call it on the loop goroutine
// of the runtime that owns v.
func Inspect(vm *goja.Runtime, v goja.Value) string {
	p := &printer{vm: vm}
	p.inspect(v, 0)
	return p.String()
}

// Format renders console arguments as console.log does: format specifiers
// of a leading string (%s %d %i %f %o %O %c %%), then the remaining
// arguments separated by spaces. Same constraints as Inspect.
func Format(vm *goja.Runtime, args ...goja.Value) string {
	p := &printer{vm: vm}
	p.formatArgs(args)
	return p.String()
}
