package encoding_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/encoding"
)

func env(t *testing.T) *jstest.Env {
	return jstest.New(t, dom.Install, encoding.Install)
}

func TestTextEncoderBasics(t *testing.T) {
	e := env(t)
	require.Equal(t, "utf-8", e.MustRun(`new TextEncoder().encoding`))
	require.Equal(t, "", e.MustRun(`Array.from(new TextEncoder().encode()).join(",")`))
	require.Equal(t, "", e.MustRun(`Array.from(new TextEncoder().encode(undefined)).join(",")`))
	require.Equal(t, "110,117,108,108", e.MustRun(`Array.from(new TextEncoder().encode(null)).join(",")`))
	require.Equal(t, "104,105", e.MustRun(`Array.from(new TextEncoder().encode("hi")).join(",")`))
	require.Equal(t, true, e.MustRun(`var u = new TextEncoder().encode("x"); u instanceof Uint8Array && u.buffer.byteLength === 1`))
	// 2-, 3- and 4-byte sequences; long ASCII (imported string path).
	require.Equal(t, "195,169,226,130,172,240,159,152,128", e.MustRun(`Array.from(new TextEncoder().encode("é€😀")).join(",")`))
	require.Equal(t, int64(1000), e.MustRun(`new TextEncoder().encode("a".repeat(1000)).length`))
	// Lone surrogates become U+FFFD (EF BF BD).
	require.Equal(t, "239,191,189,97,239,191,189", e.MustRun(`Array.from(new TextEncoder().encode("\uD800a\uDC00")).join(",")`))
	require.Equal(t, "239,191,189", e.MustRun(`Array.from(new TextEncoder().encode("\uDBFF")).join(",")`))
	// Objects go through ToString.
	require.Equal(t, "111,107", e.MustRun(`Array.from(new TextEncoder().encode({toString() { return "ok" }})).join(",")`))
	r := e.Run(`new TextEncoder().encode(Symbol("s"))`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`TextEncoder()`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`TextEncoder.prototype.encode.call({}, "x")`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "Illegal invocation")
	r = e.Run(`Object.getOwnPropertyDescriptor(TextEncoder.prototype, "encoding").get.call({})`)
	require.Equal(t, "TypeError", r.Name)
}

func TestTextEncoderEncodeInto(t *testing.T) {
	e := env(t)
	cases := []struct{ src, want string }{
		{`te.encodeInto("hello", new Uint8Array(10))`, "5,5"},
		{`te.encodeInto("hello", new Uint8Array(3))`, "3,3"},
		// Never splits a code point: "é" needs 2 bytes.
		{`te.encodeInto("aé", new Uint8Array(2))`, "1,1"},
		{`te.encodeInto("aé", new Uint8Array(3))`, "2,3"},
		// A surrogate pair counts as 2 read code units, 4 written bytes.
		{`te.encodeInto("😀", new Uint8Array(3))`, "0,0"},
		{`te.encodeInto("😀x", new Uint8Array(5))`, "3,5"},
		{`te.encodeInto("\uD800", new Uint8Array(3))`, "1,3"},
		{`te.encodeInto("€€", new Uint8Array(5))`, "1,3"},
		{`te.encodeInto("", new Uint8Array(5))`, "0,0"},
	}
	for _, c := range cases {
		got := e.MustRun(`var te = new TextEncoder(); var r = ` + c.src + `; r.read + "," + r.written`)
		require.Equal(t, c.want, got, c.src)
	}
	// Writes through a view with an offset, leaving the rest untouched.
	require.Equal(t, "0,104,105,0", e.MustRun(`
		var buf = new ArrayBuffer(4);
		new TextEncoder().encodeInto("hi", new Uint8Array(buf, 1, 2));
		Array.from(new Uint8Array(buf)).join(",")`))
	require.Equal(t, "0,226,130,172", e.MustRun(`
		var u = new Uint8Array(4);
		new TextEncoder().encodeInto("\u20ac", u.subarray(1));
		Array.from(u).join(",")`))
	for _, bad := range []string{
		`new TextEncoder().encodeInto("x")`,
		`new TextEncoder().encodeInto("x", new Uint16Array(4))`,
		`new TextEncoder().encodeInto("x", new ArrayBuffer(4))`,
		`new TextEncoder().encodeInto("x", [0, 0])`,
		`new TextEncoder().encodeInto("x", Object.create(Uint8Array.prototype))`,
	} {
		r := e.Run(bad)
		require.Equal(t, "TypeError", r.Name, bad)
	}
}

func TestTextDecoderConstruct(t *testing.T) {
	e := env(t)
	require.Equal(t, "utf-8,false,false", e.MustRun(`var d = new TextDecoder(); [d.encoding, d.fatal, d.ignoreBOM].join()`))
	require.Equal(t, "utf-16le,true,true", e.MustRun(`var d = new TextDecoder(" \tUTF-16\n", {fatal: 1, ignoreBOM: "y"}); [d.encoding, d.fatal, d.ignoreBOM].join()`))
	for label, name := range map[string]string{
		"latin1": "windows-1252", "ASCII": "windows-1252", "iso-8859-1": "windows-1252",
		"utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "unicodefffe": "utf-16be", "ucs-2": "utf-16le",
		"sjis": "shift_jis", "gb2312": "gbk", "GB18030": "gb18030", "big5-hkscs": "big5",
		"x-mac-ukrainian": "x-mac-cyrillic", "koi8-ru": "koi8-u", "logical": "iso-8859-8-i",
		"tis-620": "windows-874", "x-user-defined": "x-user-defined", "korean": "euc-kr",
		"csiso2022jp": "iso-2022-jp", "x-euc-jp": "euc-jp", "mac": "macintosh",
	} {
		require.Equal(t, name, e.MustRun(`new TextDecoder(`+quote(label)+`).encoding`), label)
	}
	for _, bad := range []string{"replacement", "iso-2022-kr", "hz-gb-2312", "utf-32", "foo", "", "utf\u00a08", "\u212aoi8-r"} {
		r := e.Run(`new TextDecoder(` + quote(bad) + `)`)
		require.Equal(t, "RangeError", r.Name, bad)
		require.Contains(t, r.Err, "is invalid", bad)
	}
	r := e.Run(`new TextDecoder("utf-8", 5)`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`TextDecoder("utf-8")`)
	require.Equal(t, "TypeError", r.Name)
	r = e.Run(`TextDecoder.prototype.decode.call(new TextEncoder())`)
	require.Equal(t, "TypeError", r.Name)
	require.Equal(t, "TextDecoder", e.MustRun(`Object.prototype.toString.call(new TextDecoder()).slice(8, -1)`))
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(s) + `"`
}

func TestTextDecoderUTF8(t *testing.T) {
	e := env(t)
	dec := func(bytes string, opts ...string) any {
		o := ""
		if len(opts) > 0 {
			o = opts[0]
		}
		return e.MustRun(`new TextDecoder("utf-8"` + o + `).decode(new Uint8Array([` + bytes + `]))`)
	}
	require.Equal(t, "hi", dec("104,105"))
	require.Equal(t, "é€😀", dec("195,169,226,130,172,240,159,152,128"))
	require.Equal(t, "hi", dec("0xEF,0xBB,0xBF,104,105"))
	require.Equal(t, "\ufeffhi", dec("0xEF,0xBB,0xBF,104,105", `, {ignoreBOM: true}`))
	// Only the first BOM is removed.
	require.Equal(t, "\ufeff", dec("0xEF,0xBB,0xBF,0xEF,0xBB,0xBF"))
	// Maximal subpart replacement (Encoding Standard / Unicode §3.9).
	for _, c := range []struct{ in, want string }{
		{"0x80", "\ufffd"},
		{"0xC0,0x80", "\ufffd\ufffd"},
		{"0xE0,0x80,0x80", "\ufffd\ufffd\ufffd"},
		{"0xE1,0x80,0x41", "\ufffdA"},
		{"0xF0,0x9F,0x98", "\ufffd"},
		{"0xF0,0x9F,0x98,0x41", "\ufffdA"},
		{"0xED,0xA0,0x80", "\ufffd\ufffd\ufffd"},
		{"0xF4,0x90,0x80,0x80", "\ufffd\ufffd\ufffd\ufffd"},
		{"0xF5", "\ufffd"},
		{"0x61,0xF1,0x80,0x80,0xE1,0x80,0xC2,0x62,0x80,0x63,0x80,0xBF,0x64", "a\ufffd\ufffd\ufffdb\ufffdc\ufffd\ufffdd"},
		{"0xEF,0xBF,0xBD", "\ufffd"},
	} {
		require.Equal(t, c.want, dec(c.in), c.in)
	}
	r := e.Run(`new TextDecoder("utf-8", {fatal: true}).decode(new Uint8Array([0x61, 0xFF]))`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "not valid for encoding utf-8")
	r = e.Run(`new TextDecoder("utf-8", {fatal: true}).decode(new Uint8Array([0xE2, 0x82]))`)
	require.Equal(t, "TypeError", r.Name)
}

func TestTextDecoderInputs(t *testing.T) {
	e := env(t)
	require.Equal(t, "", e.MustRun(`new TextDecoder().decode()`))
	require.Equal(t, "", e.MustRun(`new TextDecoder().decode(undefined)`))
	require.Equal(t, "abc", e.MustRun(`new TextDecoder().decode(new Uint8Array([97,98,99]).buffer)`))
	require.Equal(t, "bc", e.MustRun(`new TextDecoder().decode(new DataView(new Uint8Array([97,98,99,100]).buffer, 1, 2))`))
	require.Equal(t, "bc", e.MustRun(`new TextDecoder().decode(new Uint8Array([97,98,99,100]).subarray(1, 3))`))
	require.Equal(t, "ab", e.MustRun(`new TextDecoder().decode(new Uint16Array([0x6261]))`))
	require.Equal(t, "abcd", e.MustRun(`new TextDecoder().decode(new Int32Array(new Uint8Array([97,98,99,100]).buffer))`))
	require.Equal(t, "ab", e.MustRun(`new TextDecoder().decode(new Uint8ClampedArray([97,98]))`))
	require.Equal(t, "ab", e.MustRun(`new TextDecoder().decode(new Float64Array(new Uint8Array([97,98,0,0,0,0,0,0]).buffer).subarray(0,1)).slice(0, 2)`))
	// A redefined instance property does not fool the brand checks.
	require.Equal(t, "a", e.MustRun(`var u = new Uint8Array([97]); Object.defineProperty(u, "byteLength", {value: 100}); new TextDecoder().decode(u)`))
	for _, bad := range []string{`null`, `"abc"`, `[97, 98]`, `{}`, `{byteLength: 2, buffer: new ArrayBuffer(2)}`, `Object.create(DataView.prototype)`, `new TextDecoder().decode(new Uint8Array(1), 1)`} {
		src := `new TextDecoder().decode(` + bad + `)`
		if strings.HasPrefix(bad, "new TextDecoder") {
			src = bad
		}
		r := e.Run(src)
		require.Equal(t, "TypeError", r.Name, bad)
	}
	// The options dictionary may be null; the stream member is converted with ToBoolean.
	require.Equal(t, "a", e.MustRun(`new TextDecoder().decode(new Uint8Array([97]), null)`))
}

func TestTextDecoderStreaming(t *testing.T) {
	e := env(t)
	// A multi-byte character split across every possible boundary.
	require.Equal(t, "x€😀y|x€😀y|x€😀y|x€😀y", e.MustRun(`
		var bytes = [0x78, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x79];
		var out = [];
		for (var step of [1, 2, 3, 5]) {
			var d = new TextDecoder();
			let s = "";
			for (let i = 0; i < bytes.length; i += step) s += d.decode(new Uint8Array(bytes.slice(i, i + step)), {stream: true});
			s += d.decode();
			out.push(s);
		}
		out.join("|")`))
	// The BOM is removed once per stream, even when split; a non-stream call resets.
	require.Equal(t, "a|\ufeffb|c", e.MustRun(`
		var d = new TextDecoder();
		var a = d.decode(new Uint8Array([0xEF, 0xBB]), {stream: true}) + d.decode(new Uint8Array([0xBF, 0x61]), {stream: true});
		var b = d.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x62]));
		var c = d.decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x63]));
		[a, b, c].join("|")`))
	// An incomplete sequence at the end of a non-stream call is an error.
	require.Equal(t, "\ufffd", e.MustRun(`var d = new TextDecoder(); d.decode(new Uint8Array([0xE2, 0x82]), {stream: true}); d.decode()`))
	require.Equal(t, "", e.MustRun(`var d = new TextDecoder(); d.decode(new Uint8Array([0xE2, 0x82]), {stream: true})`))
	// Streaming UTF-16 (the WPT fatal-streaming case).
	require.Equal(t, "ok", e.MustRun(`
		var d = new TextDecoder("utf-16le", {fatal: true});
		var odd = new Uint8Array([0]), even = new Uint8Array([0, 0]);
		if (d.decode(odd, {stream: true}) !== "") throw new Error("1");
		if (d.decode(odd) !== "\0") throw new Error("2");
		let threw = false;
		try { d.decode(even, {stream: true}); d.decode(odd); } catch (e) { threw = e instanceof TypeError; }
		if (!threw) throw new Error("3");
		threw = false;
		try { d.decode(odd, {stream: true}); d.decode(even); } catch (e) { threw = e instanceof TypeError; }
		if (!threw) throw new Error("4");
		if (d.decode(even) !== "\0") throw new Error("5");
		"ok"`))
}

func TestTextDecoderUTF16(t *testing.T) {
	e := env(t)
	dec := func(label, bytes string, opts string) any {
		return e.MustRun(`new TextDecoder("` + label + `"` + opts + `).decode(new Uint8Array([` + bytes + `]))`)
	}
	require.Equal(t, "hé", dec("utf-16le", "0x68,0,0xE9,0", ""))
	require.Equal(t, "hé", dec("utf-16be", "0,0x68,0,0xE9", ""))
	require.Equal(t, "h", dec("utf-16le", "0xFF,0xFE,0x68,0", ""))
	require.Equal(t, "\ufeffh", dec("utf-16le", "0xFF,0xFE,0x68,0", ", {ignoreBOM: true}"))
	require.Equal(t, "\ufffeh", dec("utf-16le", "0xFE,0xFF,0x68,0", ""))
	require.Equal(t, "h", dec("utf-16be", "0xFE,0xFF,0,0x68", ""))
	require.Equal(t, "😀", dec("utf-16le", "0x3D,0xD8,0x00,0xDE", ""))
	require.Equal(t, "\ufffdA", dec("utf-16le", "0x3D,0xD8,0x41,0", ""))
	require.Equal(t, "\ufffdA", dec("utf-16le", "0x00,0xDE,0x41,0", ""))
	require.Equal(t, "A\ufffd", dec("utf-16le", "0x41,0,0x3D,0xD8", ""))
	require.Equal(t, "A\ufffd", dec("utf-16le", "0x41,0,0x3D", ""))
	r := e.Run(`new TextDecoder("utf-16le", {fatal: true}).decode(new Uint8Array([0x3D, 0xD8, 0x41, 0]))`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "utf-16le")
	// The string is a real JS string: length counts UTF-16 code units.
	require.Equal(t, int64(2), e.MustRun(`new TextDecoder("utf-16le").decode(new Uint8Array([0x3D,0xD8,0x00,0xDE])).length`))
}

func TestTextDecoderLegacy(t *testing.T) {
	e := env(t)
	dec := func(label, bytes string, fatal bool) (any, string) {
		o := ""
		if fatal {
			o = ", {fatal: true}"
		}
		r := e.Run(`new TextDecoder("` + label + `"` + o + `).decode(new Uint8Array([` + bytes + `]))`)
		return r.Value, r.Name
	}
	for _, c := range []struct{ label, bytes, want string }{
		{"windows-1252", "0x80,0x81,0xE9,0x41", "€\u0081éA"},
		{"latin1", "0xA3,0x9F", "£Ÿ"},
		{"iso-8859-2", "0xA1,0xB1,0x80,0x9F", "Ąą\u0080\u009f"},
		{"iso-8859-8-i", "0xE0", "א"},
		{"windows-1253", "0x81,0xC1", "\u0081Α"},
		{"windows-1251", "0xCF,0xF0,0xE8", "При"},
		{"koi8-r", "0xF0,0xD2,0xC9", "При"},
		{"koi8-u", "0xAE,0xBE", "ўЎ"},
		{"ibm866", "0x8F", "П"},
		{"macintosh", "0x80,0xA5", "Ä•"},
		{"x-mac-cyrillic", "0x80", "А"},
		{"windows-874", "0xA1", "ก"},
		{"x-user-defined", "0x61,0x80,0xFF", "a\uF780\uF7FF"},
		{"shift_jis", "0x82,0xA0,0x41", "あA"},
		{"euc-jp", "0xA4,0xA2", "あ"},
		{"iso-2022-jp", "0x1B,0x24,0x42,0x24,0x22,0x1B,0x28,0x42,0x41", "あA"},
		{"euc-kr", "0xB0,0xA1", "가"},
		{"big5", "0xA4,0x40", "一"},
		{"gbk", "0xC4,0xE3,0x80", "你€"},
		{"gb18030", "0xC4,0xE3,0x81,0x30,0x81,0x30", "你\u0080"},
		{"gbk", "0x81,0x30,0x81,0x30", "\u0080"},
		{"gb18030", "0x84,0x31,0xA4,0x37", "\ufffd"},
	} {
		got, name := dec(c.label, c.bytes, false)
		require.Empty(t, name, c.label)
		require.Equal(t, c.want, got, c.label+" "+c.bytes)
	}
	// Undefined bytes: U+FFFD, or a TypeError when fatal.
	got, _ := dec("windows-1253", "0xAA", false)
	require.Equal(t, "\ufffd", got)
	_, name := dec("windows-1253", "0xAA", true)
	require.Equal(t, "TypeError", name)
	_, name = dec("shift_jis", "0x82", true)
	require.Equal(t, "TypeError", name)
	got, name = dec("gb18030", "0x84,0x31,0xA4,0x37", true)
	require.Empty(t, name)
	require.Equal(t, "\ufffd", got)
	// Streaming a double-byte character split in two.
	require.Equal(t, "あい", e.MustRun(`
		var d = new TextDecoder("shift_jis");
		d.decode(new Uint8Array([0x82]), {stream: true}) + d.decode(new Uint8Array([0xA0, 0x82]), {stream: true}) + d.decode(new Uint8Array([0xA2]))`))
	require.Equal(t, "\ufffd", e.MustRun(`var d = new TextDecoder("shift_jis"); d.decode(new Uint8Array([0x82]), {stream: true}); d.decode()`))
}

// TestLabelsMatchHTMLIndex cross-checks the label table with the one
// golang.org/x/text generated from the standard's encodings.json.
func TestLabelsMatchHTMLIndex(t *testing.T) {
	n := 0
	for _, row := range encoding.LabelTable() {
		for _, l := range row[1:] {
			n++
			name, ok := encoding.Lookup(l)
			require.True(t, ok)
			require.Equal(t, row[0], name)
			enc, err := htmlindex.Get(l)
			require.NoError(t, err, l)
			canon, err := htmlindex.Name(enc)
			require.NoError(t, err, l)
			if row[0] != "gbk" && row[0] != "iso-8859-8-i" && row[0] != "replacement" {
				require.Equal(t, row[0], canon, l)
			}
		}
	}
	require.Greater(t, n, 200)
	_, ok := encoding.Lookup("  UTF-8\f")
	require.True(t, ok)
	_, ok = encoding.Lookup("\u00a0utf-8")
	require.False(t, ok)
}

func TestBase64(t *testing.T) {
	e := env(t)
	require.Equal(t, "aGVsbG8=", e.MustRun(`btoa("hello")`))
	require.Equal(t, "", e.MustRun(`btoa("")`))
	require.Equal(t, "/w==", e.MustRun(`btoa("\xff")`))
	require.Equal(t, "AP8=", e.MustRun(`btoa("\x00\xff")`))
	require.Equal(t, "dW5kZWZpbmVk", e.MustRun(`btoa(undefined)`))
	require.Equal(t, "bnVsbA==", e.MustRun(`btoa(null)`))
	require.Equal(t, "MTIz", e.MustRun(`btoa(123)`))
	r := e.Run(`btoa("€")`)
	require.Equal(t, "InvalidCharacterError", r.Name)
	require.Equal(t, true, e.MustRun(`try { btoa("\u0100") } catch (e) { e instanceof DOMException && e.code === 5 }`))
	r = e.Run(`btoa()`)
	require.Equal(t, "TypeError", r.Name)

	require.Equal(t, "hello", e.MustRun(`atob("aGVsbG8=")`))
	require.Equal(t, "hello", e.MustRun(`atob("aGVsbG8")`))
	require.Equal(t, "hello", e.MustRun(`atob(" aGV\tsb\nG8\f=\r")`))
	require.Equal(t, "\u00ff", e.MustRun(`atob("/w==")`))
	require.Equal(t, int64(255), e.MustRun(`atob("/w==").charCodeAt(0)`))
	require.Equal(t, "", e.MustRun(`atob("")`))
	require.Equal(t, "i", e.MustRun(`atob("ab")`))        // non-zero discarded bits are allowed
	require.Equal(t, "i\u00b7", e.MustRun(`atob("abc")`)) // no padding needed
	require.Equal(t, "\u00d7m\u00f8", e.MustRun(`atob(1234)`))
	require.Equal(t, "\u009e\u00e9e", e.MustRun(`atob(null)`))
	for _, bad := range []string{`"a"`, `"abcde"`, `"ab="`, `"a==="`, `"ab=c"`, `"ab==="`, `"YQ==="`, `"a-b_"`, `"aGVsbG8\u00a0"`, `"€€€€"`, `undefined`, `"===="`} {
		r := e.Run(`atob(` + bad + `)`)
		require.Equal(t, "InvalidCharacterError", r.Name, bad)
	}
	r = e.Run(`atob()`)
	require.Equal(t, "TypeError", r.Name)
	// Round trip of every Latin-1 character.
	require.Equal(t, true, e.MustRun(`let s = ""; for (let i = 0; i < 256; i++) s += String.fromCharCode(i); atob(btoa(s)) === s`))
}

func TestGoAPI(t *testing.T) {
	_, err := encoding.NewDecoder("nope", false, false)
	require.ErrorIs(t, err, encoding.ErrUnknownLabel)
	_, err = encoding.NewDecoder("replacement", false, false)
	require.ErrorIs(t, err, encoding.ErrUnknownLabel)

	d, err := encoding.NewDecoder("UTF-8", true, false)
	require.NoError(t, err)
	require.Equal(t, "utf-8", d.Encoding())
	s, err := d.Decode([]byte("\xEF\xBB\xBFab\xE2"), true)
	require.NoError(t, err)
	require.Equal(t, "ab", s)
	s, err = d.Decode([]byte("\x82\xAC"), false)
	require.NoError(t, err)
	require.Equal(t, "€", s)
	_, err = d.Decode([]byte("\xff"), false)
	require.ErrorIs(t, err, encoding.ErrInvalidData)
	s, err = d.Decode([]byte("ok"), false)
	require.NoError(t, err)
	require.Equal(t, "ok", s)

	require.Equal(t, "a\ufffdb", encoding.DecodeUTF8([]byte("\xEF\xBB\xBFa\xffb")))
	require.Equal(t, "\ufeff", encoding.DecodeUTF8([]byte("\xEF\xBB\xBF\xEF\xBB\xBF")))
	require.Equal(t, "\ufffd", encoding.DecodeUTF8([]byte("\xF0\x9F\x98")))
	require.Equal(t, "", encoding.DecodeUTF8(nil))

	e := env(t)
	e.Do(func() {
		vm := e.R.VM()
		v, err := vm.RunString(`["abc", "h\u00e9\ud83d\ude00", "\ud800x", "x".repeat(40) + "\u00e9"]`)
		require.NoError(t, err)
		o := v.ToObject(vm)
		require.Equal(t, []byte("abc"), encoding.EncodeUTF8(o.Get("0")))
		require.Equal(t, []byte("hé😀"), encoding.EncodeUTF8(o.Get("1")))
		require.Equal(t, []byte("\uFFFDx"), encoding.EncodeUTF8(o.Get("2")))
		require.Equal(t, []byte(strings.Repeat("x", 40)+"é"), encoding.EncodeUTF8(o.Get("3")))
		// A string imported from Go.
		require.Equal(t, []byte(strings.Repeat("é", 20)), encoding.EncodeUTF8(vm.ToValue(strings.Repeat("é", 20))))
		require.Equal(t, []byte("42"), encoding.EncodeUTF8(vm.ToValue(42)))
		require.Equal(t, "h\u00e9", encoding.DecodeUTF8Value(vm, []byte("h\xc3\xa9")).String())
		bv, err := vm.RunString(`new Uint16Array([0x6261, 0x6463]).subarray(1)`)
		require.NoError(t, err)
		b, ok := encoding.BufferSource(e.R, bv)
		require.True(t, ok)
		require.Equal(t, []byte("cd"), b)
		_, ok = encoding.BufferSource(e.R, vm.ToValue("str"))
		require.False(t, ok)
	})
}
