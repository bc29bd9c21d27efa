package encoding

import (
	"reflect"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// goja represents strings as one of three unexported types: ASCII strings
// (a Go string), UTF-16 strings (a []uint16, may hold unpaired surrogates)
// and strings imported from Go (a Go string converted lazily). Their dynamic
// types are recognised here to pick the cheapest conversion.
var (
	asciiStringType   = reflect.TypeOf(goja.StringFromUTF16([]uint16{'a'}))
	unicodeStringType = reflect.TypeOf(goja.StringFromUTF16([]uint16{0x100}))
)

// symbolToStringError is what goja panics with when a Symbol is converted
// to a string (its internal typeError type, which the VM turns into a JS
// TypeError). goja's exported API has no ToString that throws for a Symbol,
// so the value is made once from the panic of a Symbol-to-number conversion.
var symbolToStringError = func() (v any) {
	defer func() {
		p := recover()
		t := reflect.TypeOf(p)
		if t == nil || t.Kind() != reflect.String {
			v = p
			return
		}
		e := reflect.New(t).Elem()
		e.SetString("Cannot convert a Symbol value to a string")
		v = e.Interface()
	}()
	goja.NewSymbol("").ToFloat()
	return nil
}()

// toJSString applies ECMAScript ToString: objects go through their
// toString/valueOf (which may throw), a Symbol throws a TypeError. Call it
// from a native function, where such panics become JS exceptions.
func toJSString(v goja.Value) goja.String {
	switch x := v.(type) {
	case goja.String:
		return x
	case nil:
		return asciiString("undefined")
	case *goja.Object:
		v = x.ToString() // ToPrimitive with hint string
		if s, ok := v.(goja.String); ok {
			return s
		}
	}
	if _, ok := v.(*goja.Symbol); ok {
		panic(symbolToStringError)
	}
	// Numbers, booleans, null, undefined and BigInts print as ASCII.
	return asciiString(v.String())
}

// asciiString makes a goja string from a Go string known to be ASCII.
func asciiString(s string) goja.String {
	u := make([]uint16, len(s))
	for i := 0; i < len(s); i++ {
		u[i] = uint16(s[i])
	}
	return goja.StringFromUTF16(u)
}

// EncodeUTF8 converts v to a USVString (ToString, then every unpaired
// surrogate becomes U+FFFD) and returns its UTF-8 encoding in a new slice.
// ASCII strings are copied in one step. Like ToString, it throws (panics with
// a JavaScript exception) for a Symbol or when an object's toString throws;
// call it from a native function.
func EncodeUTF8(v goja.Value) []byte {
	return AppendUTF8(nil, toJSString(v))
}

// AppendUTF8 appends the UTF-8 encoding of the USVString conversion of s
// (unpaired surrogates become U+FFFD) to dst.
func AppendUTF8(dst []byte, s goja.String) []byte {
	switch reflect.TypeOf(s) {
	case asciiStringType:
		return append(dst, s.String()...)
	case unicodeStringType:
		return appendUTF16(dst, s, s.Length())
	default:
		// A string imported from Go: String() is the Go string itself.
		if gs := s.String(); utf8.ValidString(gs) {
			return append(dst, gs...)
		}
		return appendUTF16(dst, s, s.Length())
	}
}

// utf8Len returns the length of the UTF-8 encoding of the code units
// s[0:n] after USVString conversion.
func utf8Len(s goja.String, n int) int {
	size := 0
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c < 0x80:
			size++
		case c < 0x800:
			size += 2
		case c >= 0xD800 && c <= 0xDBFF && i+1 < n && isTrail(s.CharAt(i+1)):
			size += 4
			i++
		default:
			size += 3
		}
	}
	return size
}

func isTrail(c uint16) bool { return c >= 0xDC00 && c <= 0xDFFF }

// appendUTF16 encodes the code units s[0:n] as UTF-8, unpaired surrogates
// as U+FFFD. The output is sized exactly with one extra pass.
func appendUTF16(dst []byte, s goja.String, n int) []byte {
	size := utf8Len(s, n)
	if cap(dst)-len(dst) < size {
		grown := make([]byte, len(dst), len(dst)+size)
		copy(grown, dst)
		dst = grown
	}
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c < 0x80:
			dst = append(dst, byte(c))
		case c < 0x800:
			dst = append(dst, 0xC0|byte(c>>6), 0x80|byte(c&0x3F))
		case c >= 0xD800 && c <= 0xDFFF:
			if c <= 0xDBFF && i+1 < n {
				if t := s.CharAt(i + 1); isTrail(t) {
					r := 0x10000 + (rune(c)-0xD800)<<10 + rune(t) - 0xDC00
					dst = append(dst, 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
					i++
					continue
				}
			}
			dst = append(dst, replacement...)
		default:
			dst = append(dst, 0xE0|byte(c>>12), 0x80|byte(c>>6)&0x3F, 0x80|byte(c)&0x3F)
		}
	}
	return dst
}

// encodeInto writes the UTF-8 encoding of s into dst without splitting a
// code point (TextEncoder.encodeInto): read counts UTF-16 code units
// consumed, written the bytes stored.
func encodeInto(s goja.String, dst []byte) (read, written int) {
	if reflect.TypeOf(s) == asciiStringType {
		n := copy(dst, s.String())
		return n, n
	}
	n := s.Length()
	for read < n {
		c := s.CharAt(read)
		switch {
		case c < 0x80:
			if written >= len(dst) {
				return
			}
			dst[written] = byte(c)
			written++
		case c < 0x800:
			if written+2 > len(dst) {
				return
			}
			dst[written], dst[written+1] = 0xC0|byte(c>>6), 0x80|byte(c&0x3F)
			written += 2
		case c >= 0xD800 && c <= 0xDBFF && read+1 < n && isTrail(s.CharAt(read+1)):
			if written+4 > len(dst) {
				return
			}
			r := 0x10000 + (rune(c)-0xD800)<<10 + rune(s.CharAt(read+1)) - 0xDC00
			utf8.EncodeRune(dst[written:], r)
			written += 4
			read += 2
			continue
		default:
			if c >= 0xD800 && c <= 0xDFFF {
				c = 0xFFFD
			}
			if written+3 > len(dst) {
				return
			}
			dst[written], dst[written+1], dst[written+2] = 0xE0|byte(c>>12), 0x80|byte(c>>6)&0x3F, 0x80|byte(c)&0x3F
			written += 3
		}
		read++
	}
	return
}

// DecodeUTF8 implements the Encoding Standard's "UTF-8 decode" (what
// Body.text() and JSON parsing of bodies use): a leading UTF-8 byte order
// mark is removed and malformed sequences become U+FFFD (maximal-subpart
// replacement). The result is valid UTF-8; valid input is copied once.
// Convert it with (*goja.Runtime).ToValue, which scans it lazily.
func DecodeUTF8(b []byte) string {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	d := Decoder{name: "utf-8", kind: kindUTF8, u16lead: -1, u8lower: 0x80, u8upper: 0xBF}
	out, _ := d.decodeUTF8(nil, b, true)
	return string(out)
}

// DecodeUTF8Value is DecodeUTF8 returning a JavaScript string of vm.
func DecodeUTF8Value(vm *goja.Runtime, b []byte) goja.Value {
	return vm.ToValue(DecodeUTF8(b))
}
