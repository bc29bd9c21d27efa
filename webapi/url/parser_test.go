package url

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseTable(t *testing.T) {
	cases := []struct {
		in, base, want string // want "" means failure
	}{
		// Special schemes, normalisation, default ports.
		{"HTTP://EXAMPLE.COM", "", "http://example.com/"},
		{"https://example.com:443/", "", "https://example.com/"},
		{"http://example.com:8080", "", "http://example.com:8080/"},
		{"ws://h:80/x", "", "ws://h/x"},
		{"wss://h:443", "", "wss://h/"},
		{"ftp://h:21/", "", "ftp://h/"},
		{"http://h:0065535/", "", "http://h:65535/"},
		{"http://h:65536/", "", ""},
		{"http://h:1a/", "", ""},
		{"http://h:/", "", "http://h/"},
		{"http:\\\\h\\a\\b", "", "http://h/a/b"},
		{"https:/\\/\\h", "", "https://h/"},
		{"  \t http://h/ \n", "", "http://h/"},
		{"ht\ttp://h\n/p\rq", "", "http://h/pq"},
		{"http://", "", ""},
		{"http://@/", "", ""},
		{"http://u@:80", "", ""},
		// Credentials.
		{"http://user:pa ss@h/", "", "http://user:pa%20ss@h/"},
		{"http://a@b@c/", "", "http://a%40b@c/"},
		{"http://:@h/", "", "http://h/"},
		{"http://us:er:pw@h/", "", "http://us:er%3Apw@h/"},
		// Non-special schemes, opaque hosts and paths.
		{"foo://Host/P%41th", "", "foo://Host/P%41th"},
		{"foo://h st/", "", ""},
		{"foo://ho%st/", "", "foo://ho%st/"},
		{"foo://é/", "", "foo://%C3%A9/"},
		{"foo:/a/../../b", "", "foo:/b"},
		{"foo:////x", "", "foo:////x"},
		{"web+demo:/.//not-a-host/", "", "web+demo:/.//not-a-host/"},
		{"mailto:Someone@Example.com", "", "mailto:Someone@Example.com"},
		{"data:text/plain,a b\x01c", "", "data:text/plain,a b%01c"},
		{"sc:a b ?q", "", "sc:a b%20?q"},
		{"javascript:alert(1)", "", "javascript:alert(1)"},
		{"sc://x:65536", "", ""},
		{"sc://[::1]:8", "", "sc://[::1]:8"},
		{"sc://:1/", "", ""},
		// IPv4.
		{"http://192.168.0.1/", "", "http://192.168.0.1/"},
		{"http://0x7f.1/", "", "http://127.0.0.1/"},
		{"http://0177.0.0.1/", "", "http://127.0.0.1/"},
		{"http://2130706433/", "", "http://127.0.0.1/"},
		{"http://4294967295/", "", "http://255.255.255.255/"},
		{"http://4294967296/", "", ""},
		{"http://1.2.3.4.5/", "", ""},
		{"http://256.0.0.1/", "", ""},
		{"http://1.2.3.09/", "", ""},
		{"http://0x/", "", "http://0.0.0.0/"},
		{"http://1.2.3.4./", "", "http://1.2.3.4/"},
		{"http://foo.0x4/", "", ""},
		{"http://foo.09.bar/", "", "http://foo.09.bar/"},
		{"foo://1.2.3.256/", "", "foo://1.2.3.256/"},
		// IPv6.
		{"http://[::1]/", "", "http://[::1]/"},
		{"http://[0:0:0:0:0:0:0:1]:8080/", "", "http://[::1]:8080/"},
		{"http://[1:0:0:2:0:0:0:3]/", "", "http://[1:0:0:2::3]/"},
		{"http://[1:0:0:0:2:0:0:3]/", "", "http://[1::2:0:0:3]/"},
		{"http://[1:2:3:4:5:6:7:8]/", "", "http://[1:2:3:4:5:6:7:8]/"},
		{"http://[1:0:2:3:4:5:6:7]/", "", "http://[1:0:2:3:4:5:6:7]/"},
		{"http://[::ffff:192.168.0.1]/", "", "http://[::ffff:c0a8:1]/"},
		{"http://[ABCD::]/", "", "http://[abcd::]/"},
		{"http://[::]/", "", "http://[::]/"},
		{"http://[1:2:3:4:5:6:7:8:9]/", "", ""},
		{"http://[1::2::3]/", "", ""},
		{"http://[:1]/", "", ""},
		{"http://[1:]/", "", ""},
		{"http://[::1.2.3]/", "", ""},
		{"http://[::1.2.3.04]/", "", ""},
		{"http://[12345::]/", "", ""},
		{"http://[::1/", "", ""},
		// IDNA and forbidden code points.
		{"http://faß.ExAmple/", "", "http://xn--fa-hia.example/"},
		{"http://münchen.de/", "", "http://xn--mnchen-3ya.de/"},
		{"http://ex%41mple.com/", "", "http://example.com/"},
		{"http://%zz/", "", ""},
		{"http://a<b/", "", ""},
		{"http://a%00b/", "", ""},
		{"http://xn--a.com/", "", "http://xn--a.com/"},
		{"http://xn--a.ß/", "", ""},
		{"http://\u200d.example/", "", ""},
		{"http://\uff21.com/", "", "http://a.com/"},
		{"http://\u3002/", "", "http://./"},
		// Percent-encoding per component.
		{"http://h/a b<>\"`{}^|?q=a b'<>#f `<>", "", "http://h/a%20b%3C%3E%22%60%7B%7D%5E|?q=a%20b%27%3C%3E#f%20%60%3C%3E"},
		{"foo://h/?q='", "", "foo://h/?q='"},
		{"http://h/é?é#é", "", "http://h/%C3%A9?%C3%A9#%C3%A9"},
		{"http://h/%zz%2e", "", "http://h/%zz%2e"},
		// Dot segments.
		{"http://h/a/./b/../c", "", "http://h/a/c"},
		{"http://h/a/%2e%2E/b", "", "http://h/b"},
		{"http://h/a/.%2e", "", "http://h/"},
		{"http://h/a/b/..", "", "http://h/a/"},
		{"http://h/..", "", "http://h/"},
		// Relative resolution (RFC 3986 §5.4 examples).
		{"g", "http://a/b/c/d;p?q", "http://a/b/c/g"},
		{"./g", "http://a/b/c/d;p?q", "http://a/b/c/g"},
		{"g/", "http://a/b/c/d;p?q", "http://a/b/c/g/"},
		{"/g", "http://a/b/c/d;p?q", "http://a/g"},
		{"//g", "http://a/b/c/d;p?q", "http://g/"},
		{"?y", "http://a/b/c/d;p?q", "http://a/b/c/d;p?y"},
		{"#s", "http://a/b/c/d;p?q", "http://a/b/c/d;p?q#s"},
		{"", "http://a/b/c/d;p?q", "http://a/b/c/d;p?q"},
		{"../../../g", "http://a/b/c/d;p?q", "http://a/g"},
		{"g;x=1/../y", "http://a/b/c/d;p?q", "http://a/b/c/y"},
		{"\\\\x\\y", "http://a/b", "http://x/y"},
		{"https:g", "http://a/b", "https://g/"},
		{"http:g", "http://a/b", "http://a/g"},
		{"sc:g", "sc://a/b", "sc:g"},
		{"#x", "mailto:a@b", "mailto:a@b#x"},
		{"x", "mailto:a@b", ""},
		{"x", "", ""},
		{"/x", "sc://h/a", "sc://h/x"},
		// file URLs.
		{"file:///C:/a/../..", "", "file:///C:/"},
		{"file:c:\\foo\\bar", "", "file:///c:/foo/bar"},
		{"file://localhost/x", "", "file:///x"},
		{"file://LOCALHOST/x", "", "file:///x"},
		{"file://host/share/x", "", "file://host/share/x"},
		{"file://C|/x", "", "file:///C:/x"},
		{"/C|/x", "file:///", "file:///C:/x"},
		{"..", "file:///C:/", "file:///C:/"},
		{"x", "file:///C:/a/b", "file:///C:/a/x"},
		{"/x", "file:///C:/a", "file:///C:/x"},
		{"//h/x", "file:///C:/a", "file://h/x"},
		{"?q", "file://h/p", "file://h/p?q"},
		{"file:", "", "file:///"},
		{"file:?q", "file:///a", "file:///a?q"},
		{"file://1.2.3.0x4/", "", "file://1.2.3.4/"},
		{"file://[::1]/", "", "file://[::1]/"},
		{"file://a:1/", "", ""},
		{"file://u@h/", "", ""},
	}
	for _, c := range cases {
		var base *Record
		if c.base != "" {
			var err error
			base, err = Parse(c.base, nil)
			require.NoError(t, err, c.base)
		}
		u, err := Parse(c.in, base)
		if c.want == "" {
			require.Error(t, err, "%q against %q parsed as %v", c.in, c.base, u)
			require.True(t, errors.Is(err, ErrInvalid))
			continue
		}
		require.NoError(t, err, "%q against %q", c.in, c.base)
		require.Equal(t, c.want, u.String(), "%q against %q", c.in, c.base)
		// Serializing and reparsing is idempotent.
		again, err := Parse(u.String(), nil)
		require.NoError(t, err)
		require.Equal(t, u.String(), again.String())
	}
}

func TestRecordAccessors(t *testing.T) {
	u := MustParse("https://u:p@example.com:8443/a/b?c=d#e")
	require.Equal(t, "https", u.Scheme())
	require.True(t, u.IsSpecial())
	require.Equal(t, "u", u.Username())
	require.Equal(t, "p", u.Password())
	require.Equal(t, "example.com:8443", u.Host())
	require.Equal(t, "example.com", u.Hostname())
	port, ok := u.Port()
	require.True(t, ok)
	require.Equal(t, 8443, port)
	require.Equal(t, "/a/b", u.Pathname())
	require.Equal(t, []string{"a", "b"}, u.PathSegments())
	q, ok := u.Query()
	require.True(t, ok)
	require.Equal(t, "c=d", q)
	require.Equal(t, "?c=d", u.Search())
	require.Equal(t, "#e", u.Hash())
	require.Equal(t, "https://u:p@example.com:8443/a/b?c=d", u.StringWithoutFragment())
	require.Equal(t, "/a/b?c=d", u.RequestTarget())
	require.Equal(t, "https://example.com:8443", u.Origin().String())

	d := MustParse("http://x")
	_, ok = d.Port()
	require.False(t, ok)
	p, ok := d.EffectivePort()
	require.True(t, ok)
	require.Equal(t, 80, p)
	_, ok = MustParse("sc://x").EffectivePort()
	require.False(t, ok)

	m := MustParse("mailto:x@y")
	require.True(t, m.HasOpaquePath())
	require.Nil(t, m.PathSegments())
	require.False(t, m.HasHost())
	require.Equal(t, "null", m.Origin().String())

	c := u.Clone()
	c.SetPathname("/z")
	require.Equal(t, "/a/b", u.Pathname())
	require.Equal(t, "/z", c.Pathname())
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"http://h:80/":                  "http://h",
		"https://[::1]:1/":              "https://[::1]:1",
		"ws://h/":                       "ws://h",
		"ftp://h:21/":                   "ftp://h",
		"file:///x":                     "null",
		"sc://h/":                       "null",
		"blob:https://a.b:1/uuid":       "https://a.b:1",
		"blob:ftp://h/":                 "null",
		"blob:blob:https://h/":          "null",
		"data:text/plain,x":             "null",
		"https://xn--mnchen-3ya.de/a?b": "https://xn--mnchen-3ya.de",
	} {
		require.Equal(t, want, MustParse(in).Origin().String(), in)
	}
	a := MustParse("https://h/a").Origin()
	require.True(t, a.SameOrigin(MustParse("https://h:443/b").Origin()))
	require.False(t, a.SameOrigin(MustParse("http://h/").Origin()))
	require.False(t, MustParse("sc://h").Origin().SameOrigin(MustParse("sc://h").Origin()))
}

func TestRecordSetters(t *testing.T) {
	type step struct {
		attr, value, want string
	}
	cases := []struct {
		href  string
		steps []step
	}{
		{"http://example.net/p", []step{
			{"protocol", "https", "https://example.net/p"},
			{"protocol", "foo", "https://example.net/p"}, // special to non-special refused
			{"protocol", "ws:junk", "ws://example.net/p"},
			{"username", "a b", "ws://a%20b@example.net/p"},
			{"password", "p:w", "ws://a%20b:p%3Aw@example.net/p"},
			{"port", "8080x", "ws://a%20b:p%3Aw@example.net:8080/p"},
			{"port", "80", "ws://a%20b:p%3Aw@example.net/p"},
			{"port", "nope", "ws://a%20b:p%3Aw@example.net/p"},
			{"host", "other.org:99", "ws://a%20b:p%3Aw@other.org:99/p"},
			{"hostname", "x.org:1", "ws://a%20b:p%3Aw@other.org:99/p"},
			{"hostname", "[::1]", "ws://a%20b:p%3Aw@[::1]:99/p"},
			{"host", "", "ws://a%20b:p%3Aw@[::1]:99/p"},
			{"pathname", "a/../b c", "ws://a%20b:p%3Aw@[::1]:99/b%20c"},
			{"search", "q=1 2", "ws://a%20b:p%3Aw@[::1]:99/b%20c?q=1%202"},
			{"hash", "#h h", "ws://a%20b:p%3Aw@[::1]:99/b%20c?q=1%202#h%20h"},
			{"search", "", "ws://a%20b:p%3Aw@[::1]:99/b%20c#h%20h"},
			{"hash", "", "ws://a%20b:p%3Aw@[::1]:99/b%20c"},
			{"port", "", "ws://a%20b:p%3Aw@[::1]/b%20c"},
			{"protocol", "file", "ws://a%20b:p%3Aw@[::1]/b%20c"}, // credentials block file
		}},
		{"file:///C:/x", []step{
			{"host", "localhost", "file:///C:/x"},
			{"host", "srv", "file://srv/C:/x"},
			{"username", "u", "file://srv/C:/x"},
			{"port", "1", "file://srv/C:/x"},
			{"protocol", "http", "http://srv/C:/x"},
		}},
		{"sc://h/p", []step{
			{"host", "", "sc:///p"},
			{"pathname", "", "sc://"},
			{"protocol", "http", "sc://"},
		}},
		{"mailto:a@b", []step{
			{"pathname", "x", "mailto:a@b"},
			{"host", "h", "mailto:a@b"},
			{"search", "?q", "mailto:a@b?q"},
			{"hash", "f", "mailto:a@b?q#f"},
		}},
	}
	for _, c := range cases {
		u := MustParse(c.href)
		for _, s := range c.steps {
			switch s.attr {
			case "protocol":
				u.SetProtocol(s.value)
			case "username":
				u.SetUsername(s.value)
			case "password":
				u.SetPassword(s.value)
			case "host":
				u.SetHost(s.value)
			case "hostname":
				u.SetHostname(s.value)
			case "port":
				u.SetPort(s.value)
			case "pathname":
				u.SetPathname(s.value)
			case "search":
				u.SetSearch(s.value)
			case "hash":
				u.SetHash(s.value)
			}
			require.Equal(t, s.want, u.String(), "%s = %q on %s", s.attr, s.value, c.href)
		}
	}
	u := MustParse("http://h/")
	require.Error(t, u.SetHref("nope"))
	require.Equal(t, "http://h/", u.String())
	require.NoError(t, u.SetHref("sc:x"))
	require.Equal(t, "sc:x", u.String())
}

func TestParseError(t *testing.T) {
	_, err := Parse("http://[", MustParse("http://b/"))
	require.EqualError(t, err, `Invalid URL: "http://[" (base "http://b/")`)
	require.False(t, CanParse("http://[", nil))
	require.True(t, CanParse("x", MustParse("http://b/")))
	// Invalid UTF-8 becomes U+FFFD.
	u, err := Parse("http://h/\xff\xe2\x82", nil)
	require.NoError(t, err)
	require.Equal(t, "/%EF%BF%BD%EF%BF%BD", u.Pathname())
}

func TestForm(t *testing.T) {
	require.Nil(t, ParseForm(""))
	require.Equal(t, [][2]string{{"a", "1"}, {"b", ""}, {"c d", "e+f"}, {"", "x"}, {"%zz", "\uFFFD"}},
		ParseForm("a=1&&b&c+d=e%2Bf&=x&%zz=%FF"))
	require.Equal(t, [][2]string{{"a", "b=c"}}, ParseForm("a=b=c"))
	require.Equal(t, "a=1&b+c=%26%3D%2B&%C3%A9=*-._&x=%21%27%28%29%7E", SerializeForm([][2]string{
		{"a", "1"}, {"b c", "&=+"}, {"é", "*-._"}, {"x", "!'()~"},
	}))
	require.Equal(t, "", SerializeForm(nil))
	require.Equal(t, "%EF%BF%BD%EF%BF%BD%EF%BF%BD=", SerializeForm([][2]string{{"\xed\xa0\x80", ""}}))
	pairs := [][2]string{{"k y", "v&l"}, {"ü", "/?#"}}
	require.Equal(t, pairs, ParseForm(SerializeForm(pairs)))
}

func TestToUSV(t *testing.T) {
	for in, want := range map[string]string{
		"ok":                "ok",
		"\xff":              "\uFFFD",
		"\xe2\x82":          "\uFFFD",
		"\xe2\x82x":         "\uFFFDx",
		"\xf0\x9f\x92":      "\uFFFD",
		"\xed\xa0\x80":      "\uFFFD\uFFFD\uFFFD",
		"\xc0\xaf":          "\uFFFD\uFFFD",
		"a\xf4\x90\x80\x80": "a\uFFFD\uFFFD\uFFFD\uFFFD",
	} {
		require.Equal(t, want, toUSV(in), "%q", in)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"http://a/b?c#d", "file:///C:/", "sc://[::1]/", "http://0x7f.1/", "a:b", "//x", "?q", "../x", "http://faß/"} {
		f.Add(s, "http://base/dir/file")
	}
	f.Fuzz(func(t *testing.T, in, base string) {
		b, _ := Parse(base, nil)
		u, err := Parse(in, b)
		if err != nil {
			return
		}
		s := u.String()
		again, err := Parse(s, nil)
		if err != nil {
			t.Fatalf("%q (from %q) does not reparse", s, in)
		}
		if again.String() != s {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, s, again.String())
		}
		c := u.Clone()
		c.SetHost(in)
		c.SetPathname(in)
		c.SetProtocol(in)
		c.SetSearch(in)
		c.SetHash(in)
		c.SetPort(in)
		c.SetUsername(in)
		c.SetHostname(in)
		s = c.String()
		again, err = Parse(s, nil)
		if err != nil {
			t.Fatalf("after setters, %q does not reparse", s)
		}
		if again.String() != s {
			t.Fatalf("after setters, not idempotent: %q -> %q", s, again.String())
		}
	})
}
