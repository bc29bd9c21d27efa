package mimetype

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseAndSerialize(t *testing.T) {
	for in, want := range map[string]string{
		"text/html":                                "text/html",
		" Text/HTML ; Charset=UTF-8 ":              "text/html;charset=UTF-8",
		`text/plain;a="b\"c";a=d;e=;f`:             `text/plain;a="b\"c"`,
		`x/y;p="unterminated`:                      "x/y;p=unterminated",
		"x/y;p=\"a b\"":                            `x/y;p="a b"`,
		"multipart/form-data; boundary=----abc123": "multipart/form-data;boundary=----abc123",
	} {
		m, ok := Parse(in)
		require.True(t, ok, in)
		require.Equal(t, want, m.String(), in)
	}
	for _, in := range []string{"", "text", "/html", "text/", "te xt/html", "text/ht ml;a=b", "text/html\x00"} {
		_, ok := Parse(in)
		require.False(t, ok, "%q", in)
	}
	m, _ := Parse("Multipart/Form-Data; Boundary=x; boundary=y")
	require.Equal(t, "multipart/form-data", m.Essence())
	b, ok := m.Param("boundary")
	require.True(t, ok)
	require.Equal(t, "x", b, "the first occurrence wins")
}
