package encoding

import (
	"encoding/base64"
	"errors"
	"reflect"

	"github.com/dop251/goja"
)

var (
	errBtoaRange   = errors.New("the string to be encoded contains characters outside of the Latin1 range")
	errAtobInvalid = errors.New("the string to be decoded is not correctly encoded")
)

// Btoa implements HTML's btoa(): every code unit of s must be at most
// U+00FF; the resulting bytes are encoded with the standard base64 alphabet
// and padding.
func Btoa(s goja.String) (string, error) {
	if reflect.TypeOf(s) == asciiStringType {
		return base64.StdEncoding.EncodeToString([]byte(s.String())), nil
	}
	n := s.Length()
	b := make([]byte, n)
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		if c > 0xFF {
			return "", errBtoaRange
		}
		b[i] = byte(c)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Atob implements HTML's atob() with the Infra Standard's forgiving-base64
// decode: ASCII whitespace is ignored, one or two trailing '=' are accepted
// when the length is a multiple of four, and anything else outside the
// base64 alphabet is an error. It returns the decoded bytes.
func Atob(s goja.String) ([]byte, error) {
	n := s.Length()
	data := make([]byte, n)
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		if c > 0x7F {
			return nil, errAtobInvalid
		}
		data[i] = byte(c)
	}
	out, ok := ForgivingBase64Decode(data)
	if !ok {
		return nil, errAtobInvalid
	}
	return out, nil
}

// ForgivingBase64Decode implements the Infra Standard's "forgiving-base64
// decode" on bytes (each byte one code point): ASCII whitespace is
// ignored, one or two trailing '=' are accepted when the length is a
// multiple of four, and anything else outside the base64 alphabet fails.
// (atob() and the data: URL processor use it.)
func ForgivingBase64Decode(p []byte) ([]byte, bool) {
	data := make([]byte, 0, len(p))
	for _, c := range p {
		if !isASCIIWhitespace(c) {
			data = append(data, c)
		}
	}
	if len(data)%4 == 0 {
		if n := len(data); n >= 2 && data[n-1] == '=' && data[n-2] == '=' {
			data = data[:n-2]
		} else if n >= 1 && data[n-1] == '=' {
			data = data[:n-1]
		}
	}
	if len(data)%4 == 1 {
		return nil, false
	}
	for _, c := range data {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, false
		}
	}
	// The alphabet and length were checked; RawStdEncoding is not strict,
	// so the discarded low bits of the last character may be non-zero, as
	// forgiving-base64 allows.
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(data)))
	m, err := base64.RawStdEncoding.Decode(out, data)
	if err != nil {
		return nil, false
	}
	return out[:m], true
}

// latin1String builds the JavaScript string whose code units are the bytes
// of b (the "isomorphic decode" atob returns).
func latin1String(vm *goja.Runtime, b []byte) goja.Value {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return vm.ToValue(string(b))
	}
	u := make([]uint16, len(b))
	for i, c := range b {
		u[i] = uint16(c)
	}
	return goja.StringFromUTF16(u)
}
