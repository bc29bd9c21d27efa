package encoding_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/encoding"
)

var (
	asciiKiB    = strings.Repeat("Hello, world! 0123456789 abcdef\n", 32)             // 1024 bytes
	nonASCIIKiB = strings.Repeat("Grüße, 世界! €uro 😀 naïve café ½ ", 1024/43+1)[:1024] // ~1 KiB of UTF-8
)

func init() {
	// Keep nonASCIIKiB valid UTF-8 after the cut.
	for !utf8.ValidString(nonASCIIKiB) {
		nonASCIIKiB = nonASCIIKiB[:len(nonASCIIKiB)-1]
	}
}

// benchRealm returns a realm used from the benchmark goroutine only (its
// loop is not started).
func benchRealm(b *testing.B) *realm.Realm {
	r := realm.New(realm.Options{})
	encoding.Install(r)
	return r
}

// jsString makes a string the way scripts do (a JS literal), so that its
// representation is goja's own (ASCII or UTF-16), not an imported Go string.
func jsString(b *testing.B, vm *goja.Runtime, s string) goja.Value {
	v, err := vm.RunString(quoteJSON(s))
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func quoteJSON(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func benchEncode(b *testing.B, s string) {
	r := benchRealm(b)
	v := jsString(b, r.VM(), s)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if len(encoding.EncodeUTF8(v)) != len(s) {
			b.Fatal("bad length")
		}
	}
}

func BenchmarkEncodeUTF8ASCII1K(b *testing.B)    { benchEncode(b, asciiKiB) }
func BenchmarkEncodeUTF8NonASCII1K(b *testing.B) { benchEncode(b, nonASCIIKiB) }

func benchDecode(b *testing.B, s string) {
	d, err := encoding.NewDecoder("utf-8", false, false)
	if err != nil {
		b.Fatal(err)
	}
	p := []byte(s)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		out, _ := d.Decode(p, false)
		if len(out) != len(p) {
			b.Fatal("bad length")
		}
	}
}

func BenchmarkDecodeUTF8ASCII1K(b *testing.B)    { benchDecode(b, asciiKiB) }
func BenchmarkDecodeUTF8NonASCII1K(b *testing.B) { benchDecode(b, nonASCIIKiB) }

func BenchmarkDecodeUTF8Streaming1K(b *testing.B) {
	d, _ := encoding.NewDecoder("utf-8", false, false)
	p := []byte(nonASCIIKiB)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		// Chunks of 100 bytes split characters.
		for i := 0; i < len(p); i += 100 {
			_, _ = d.Decode(p[i:min(i+100, len(p))], true)
		}
		_, _ = d.Decode(nil, false)
	}
}

func BenchmarkDecodeUTF16LE1K(b *testing.B) {
	d, _ := encoding.NewDecoder("utf-16le", false, false)
	p := make([]byte, 0, 2048)
	for _, r := range []rune(nonASCIIKiB) {
		if r > 0xFFFF {
			r = 'x'
		}
		p = append(p, byte(r), byte(r>>8))
	}
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = d.Decode(p, false)
	}
}

func BenchmarkDecodeWindows1252_1K(b *testing.B) {
	d, _ := encoding.NewDecoder("latin1", false, false)
	p := []byte(strings.Repeat("caf\xe9 \x80 na\xefve ", 100)[:1024])
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = d.Decode(p, false)
	}
}

// Legacy multi-byte decoders run the standard's state machines byte by byte.
func benchLegacy(b *testing.B, label string, p []byte) {
	d, _ := encoding.NewDecoder(label, false, false)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = d.Decode(p, false)
	}
}

func BenchmarkDecodeGB18030_1K(b *testing.B) {
	// "你好, world! " in gb18030, and a four-byte sequence (U+0080).
	benchLegacy(b, "gb18030", []byte(strings.Repeat("\xC4\xE3\xBA\xC3, world! \x81\x30\x81\x30", 1024/18))[:1020])
}

func BenchmarkDecodeISO2022JP_1K(b *testing.B) {
	// "あい" in JIS X 0208, then ASCII.
	benchLegacy(b, "iso-2022-jp", []byte(strings.Repeat("\x1B$B$\"$$\x1B(B hello ", 1024/16))[:1024])
}

// The JS-level paths: TextEncoder.encode and TextDecoder.decode called from
// script, including argument conversion and the Uint8Array allocation.
func benchJS(b *testing.B, setup, arg string) {
	r := benchRealm(b)
	vm := r.VM()
	fnv, err := vm.RunString(setup)
	if err != nil {
		b.Fatal(err)
	}
	fn, _ := goja.AssertFunction(fnv)
	a := jsString(b, vm, arg)
	if _, err := fn(goja.Undefined(), a); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(arg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fn(goja.Undefined(), a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSTextEncoderEncodeASCII1K(b *testing.B) {
	benchJS(b, `(() => { const te = new TextEncoder(); return (s) => te.encode(s); })()`, asciiKiB)
}

func BenchmarkJSTextEncoderEncodeNonASCII1K(b *testing.B) {
	benchJS(b, `(() => { const te = new TextEncoder(); return (s) => te.encode(s); })()`, nonASCIIKiB)
}

func BenchmarkJSTextDecoderDecodeASCII1K(b *testing.B) {
	benchJS(b, `(() => { const td = new TextDecoder(); let u; return (s) => { u ??= new TextEncoder().encode(s); return td.decode(u); }; })()`, asciiKiB)
}

func BenchmarkJSTextDecoderDecodeNonASCII1K(b *testing.B) {
	benchJS(b, `(() => { const td = new TextDecoder(); let u; return (s) => { u ??= new TextEncoder().encode(s); return td.decode(u); }; })()`, nonASCIIKiB)
}

func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := realm.New(realm.Options{})
		encoding.Install(r)
	}
}

func BenchmarkRealmNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = realm.New(realm.Options{})
	}
}
