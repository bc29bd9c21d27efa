package encoding_test

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/encoding"
)

// refUTF8 is a literal, byte-at-a-time transcription of the Encoding
// Standard's UTF-8 decoder (§8.1.1) with replacement error mode.
func refUTF8(in []byte) string {
	var out strings.Builder
	var cp rune
	need, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i <= len(in); i++ {
		if i == len(in) {
			if need != 0 {
				out.WriteRune(utf8.RuneError)
			}
			break
		}
		b := in[i]
		if need == 0 {
			switch {
			case b <= 0x7F:
				out.WriteByte(b)
			case b >= 0xC2 && b <= 0xDF:
				need, cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				}
				if b == 0xED {
					upper = 0x9F
				}
				need, cp = 2, rune(b&0xF)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				}
				if b == 0xF4 {
					upper = 0x8F
				}
				need, cp = 3, rune(b&7)
			default:
				out.WriteRune(utf8.RuneError)
			}
			continue
		}
		if b < lower || b > upper {
			cp, need, seen, lower, upper = 0, 0, 0, 0x80, 0xBF
			out.WriteRune(utf8.RuneError)
			i-- // prepend the byte to the stream
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		seen++
		if seen == need {
			out.WriteRune(cp)
			cp, need, seen = 0, 0, 0
		}
	}
	return out.String()
}

// TestUTF8MatchesSpecDecoder checks the optimised decoder (fast paths,
// streaming in random chunks) against the literal transcription.
func TestUTF8MatchesSpecDecoder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pool := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF}
	d, err := encoding.NewDecoder("utf-8", false, true)
	require.NoError(t, err)
	for n := 0; n < 5000; n++ {
		in := make([]byte, rng.Intn(24))
		for i := range in {
			if rng.Intn(4) == 0 {
				in[i] = byte(rng.Intn(256))
			} else {
				in[i] = pool[rng.Intn(len(pool))]
			}
		}
		want := refUTF8(in)
		got, err := d.Decode(in, false)
		require.NoError(t, err)
		require.Equal(t, want, got, "% X", in)
		// Same bytes in random chunks.
		var sb strings.Builder
		for rest := in; len(rest) > 0; {
			k := 1 + rng.Intn(len(rest))
			s, err := d.Decode(rest[:k], true)
			require.NoError(t, err)
			sb.WriteString(s)
			rest = rest[k:]
		}
		s, err := d.Decode(nil, false)
		require.NoError(t, err)
		sb.WriteString(s)
		require.Equal(t, want, sb.String(), "chunked % X", in)
		// DecodeUTF8 agrees (no BOM in these inputs unless generated).
		if !strings.HasPrefix(want, "\ufeff") {
			require.Equal(t, want, encoding.DecodeUTF8(in))
		}
		// Fatal mode fails exactly when replacement happened.
		fd, _ := encoding.NewDecoder("utf-8", true, true)
		_, ferr := fd.Decode(in, false)
		require.Equal(t, utf8.Valid(in), ferr == nil, "% X", in)
	}
}

// TestUTF16RoundTrip decodes random UTF-16 (with lone surrogates) and
// checks it against the standard library's decoder.
func TestUTF16RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	le, _ := encoding.NewDecoder("utf-16le", false, true)
	be, _ := encoding.NewDecoder("utf-16be", false, true)
	for n := 0; n < 2000; n++ {
		units := make([]uint16, rng.Intn(12))
		for i := range units {
			switch rng.Intn(4) {
			case 0:
				units[i] = uint16(0xD800 + rng.Intn(0x800))
			case 1:
				units[i] = uint16(rng.Intn(0x80))
			default:
				units[i] = uint16(rng.Intn(0x10000))
			}
		}
		bl := make([]byte, 0, 2*len(units))
		bb := make([]byte, 0, 2*len(units))
		for _, u := range units {
			bl = append(bl, byte(u), byte(u>>8))
			bb = append(bb, byte(u>>8), byte(u))
		}
		want := goja.StringFromUTF16(units).String() // utf16.Decode semantics
		got, err := le.Decode(bl, false)
		require.NoError(t, err)
		require.Equal(t, want, got)
		got, err = be.Decode(bb, false)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestDetachedBuffers(t *testing.T) {
	e := env(t)
	e.Do(func() {
		vm := e.R.VM()
		_, err := vm.RunString(`globalThis.u = new Uint8Array([97, 98]); globalThis.dv = new DataView(new ArrayBuffer(4), 1)`)
		require.NoError(t, err)
		for _, name := range []string{"u", "dv"} {
			ab := vm.Get(name).(*goja.Object).Get("buffer").Export().(goja.ArrayBuffer)
			require.True(t, ab.Detach())
		}
	})
	require.Equal(t, "", e.MustRun(`new TextDecoder().decode(u)`))
	require.Equal(t, "", e.MustRun(`new TextDecoder().decode(u.buffer)`))
	require.Equal(t, "", e.MustRun(`new TextDecoder().decode(dv)`))
	require.Equal(t, "0,0", e.MustRun(`var r = new TextEncoder().encodeInto("xyz", u); r.read + "," + r.written`))
}
