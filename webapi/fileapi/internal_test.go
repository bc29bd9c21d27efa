package fileapi

import (
	"math"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
)

func TestParseMIMEType(t *testing.T) {
	cases := []struct {
		in      string
		essence string
		params  map[string]string
		ok      bool
	}{
		{"text/plain", "text/plain", map[string]string{}, true},
		{" \tMultipart/Form-Data ; Boundary=\"a b\\\"c\" ; x=1;x=2 \r\n", "multipart/form-data", map[string]string{"boundary": `a b"c`, "x": "1"}, true},
		{"a/b;;; c ; =d; e=; f=\"unterminated", "a/b", map[string]string{"f": "unterminated"}, true},
		{"a/b; q=\"x\" trailing; r=s", "a/b", map[string]string{"q": "x", "r": "s"}, true},
		{"a/b; bad name=1; ok=\"\"", "a/b", map[string]string{"ok": ""}, true},
		{"a/b; k=v\x01", "a/b", map[string]string{}, true},
		{"a/b; n=\"é\"", "a/b", map[string]string{"n": "é"}, true},
		{"", "", nil, false},
		{"text", "", nil, false},
		{"/plain", "", nil, false},
		{"text/", "", nil, false},
		{"te xt/plain", "", nil, false},
		{"text/pl ain", "", nil, false},
		{"text/plain\x00", "", nil, false},
	}
	for _, c := range cases {
		essence, params, ok := parseMIMEType(c.in)
		assert.Equal(t, c.ok, ok, "%q", c.in)
		assert.Equal(t, c.essence, essence, "%q", c.in)
		if c.ok {
			assert.Equal(t, c.params, params, "%q", c.in)
		}
	}
}

func TestLineBreaks(t *testing.T) {
	assert.Equal(t, "a\r\nb\r\nc\r\n\r\nd\r\n", normalizeCRLF("a\nb\r\nc\r\rd\r"))
	assert.Equal(t, "plain", normalizeCRLF("plain"))
	for in, want := range map[string]string{
		"a\r\nb\rc\nd": "a\nb\nc\nd", "\r\r\n\n": "\n\n\n", "\r": "\n", "": "", "x": "x",
	} {
		b := []byte(in)
		assert.Equal(t, want, string(b[:nativeEndings(b)]), "%q", in)
	}
}

func TestEscapes(t *testing.T) {
	assert.Equal(t, `a%22b%0D%0Ac%25`, string(appendEscaped(nil, "a\"b\r\nc%25")))
	assert.Equal(t, "a\"b\r\nc\n%25%2", unescapeName("a%22b%0d%0Ac%0a%25%2"))
	assert.Equal(t, "\ufffd%", unescapeName("\xff%"))
	assert.Equal(t, "\ufeffx", unescapeName("\xef\xbb\xbfx"), "a BOM is kept")
	assert.Equal(t, "\ufeff\ufffd", utf8NoBOM([]byte("\xef\xbb\xbf\xff")))
}

func TestBoundaries(t *testing.T) {
	for _, b := range []string{"a", "0123456789'()+_,-./:=? x", string(make70())} {
		assert.True(t, validBoundary(b), "%q", b)
	}
	for _, b := range []string{"", "a ", "a@b", "a\"b", "é", string(make70()) + "x"} {
		assert.False(t, validBoundary(b), "%q", b)
	}
	assert.True(t, hasCloseDelimiter([]byte("--b--"), "b"))
	assert.True(t, hasCloseDelimiter([]byte("x\r\n--b-- \t\r\nepilogue"), "b"))
	assert.True(t, hasCloseDelimiter([]byte("x--b--\n--b--"), "b"))
	assert.False(t, hasCloseDelimiter([]byte("x--b--"), "b"))
	assert.False(t, hasCloseDelimiter([]byte("\n--b--x"), "b"))
	assert.False(t, hasCloseDelimiter([]byte("\n--b-"), "b"))
	assert.False(t, hasCloseDelimiter(nil, "b"))
	assert.Regexp(t, `^----WorkerhostFormBoundary[0-9a-f]{32}$`, newBoundary())
	assert.True(t, validBoundary(newBoundary()))
}

func make70() []byte {
	b := make([]byte, 70)
	for i := range b {
		b[i] = 'z'
	}
	return b
}

func TestNormalizeType(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Text/HTML": "text/html", "a/b; C=D": "a/b; c=d", "\x1f": "", "\x7f": "", "é": "", " ~": " ~",
	} {
		assert.Equal(t, want, normalizeType(in), "%q", in)
	}
}

func TestIntegerConversions(t *testing.T) {
	vm := goja.New()
	f := func(x float64) goja.Value { return vm.ToValue(x) }
	assert.Equal(t, int64(0), toLongLong(f(math.NaN())))
	assert.Equal(t, int64(0), toLongLong(f(math.Inf(-1))))
	assert.Equal(t, int64(-3), toLongLong(f(-3.9)))
	assert.Equal(t, int64(1<<53), toLongLong(f(1<<53)))
	assert.Equal(t, int64(math.MinInt64), toLongLong(f(1<<63)))
	assert.Equal(t, int64(0), toLongLong(f(1<<64)))
	assert.Equal(t, int64(2048), toLongLong(f(-(1<<64)+2048)))

	assert.Equal(t, int64(0), toClampedLongLong(f(math.NaN())))
	assert.Equal(t, int64(1<<53-1), toClampedLongLong(f(math.Inf(1))))
	assert.Equal(t, int64(-(1<<53 - 1)), toClampedLongLong(f(-1e300)))
	assert.Equal(t, int64(2), toClampedLongLong(f(2.5)))
	assert.Equal(t, int64(4), toClampedLongLong(f(3.5)))
	assert.Equal(t, int64(-2), toClampedLongLong(f(-2.5)))
	assert.Equal(t, int64(3), toClampedLongLong(f(2.6)))
}
