package ecma

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFloat16Vectors(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, c := range []struct {
		in   float64
		bits uint16
		out  float64 // float16Value(bits)
	}{
		{1, 0x3c00, 1},
		{-2, 0xc000, -2},
		{0.5, 0x3800, 0.5},
		{65504, 0x7bff, 65504},                        // largest finite
		{65519.99, 0x7bff, 65504},                     // below the midpoint to 65536
		{65520, 0x7c00, math.Inf(1)},                  // the midpoint: ties to even (Infinity)
		{-65520, 0xfc00, math.Inf(-1)},                //
		{1e300, 0x7c00, math.Inf(1)},                  // overflow
		{math.Inf(-1), 0xfc00, math.Inf(-1)},          //
		{math.Ldexp(1, -14), 0x0400, 6.103515625e-05}, // smallest normal
		{math.Ldexp(1023, -24), 0x03ff, math.Ldexp(1023, -24)},
		{math.Ldexp(1, -24), 0x0001, 5.960464477539063e-08}, // smallest subnormal
		{math.Ldexp(1, -25), 0x0000, 0},                     // half of it: ties to even (0)
		{math.Ldexp(3, -26), 0x0001, math.Ldexp(1, -24)},    // above the half
		{math.Ldexp(3, -25), 0x0002, math.Ldexp(1, -23)},    // 1.5 units: ties to even (2)
		{math.Ldexp(5, -25), 0x0002, math.Ldexp(1, -23)},    // 2.5 units: ties to even (2)
		{math.Nextafter(math.Ldexp(1, -25), 1), 0x0001, math.Ldexp(1, -24)},
		{math.Ldexp(1, -26), 0x0000, 0},
		{-math.Ldexp(1, -26), 0x8000, negZero}, // the sign survives underflow
		{math.SmallestNonzeroFloat64, 0x0000, 0},
		{math.Ldexp(2047, -25), 0x0400, math.Ldexp(1, -14)}, // subnormal rounding up to the smallest normal
		{0.1, 0x2e66, 0.0999755859375},
		{-0.1, 0xae66, -0.0999755859375},
		{1.0 / 3, 0x3555, 0.333251953125},
		{2049, 0x6800, 2048}, // tie: to even
		{2051, 0x6802, 2052}, // tie: to even
		{2050, 0x6801, 2050},
		{1 + math.Ldexp(1, -11), 0x3c00, 1},                                 // tie: to even
		{1 + math.Ldexp(3, -11), 0x3c02, 1 + math.Ldexp(1, -9)},             // tie: to even
		{1 + math.Ldexp(1, -11) + math.Ldexp(1, -40), 0x3c01, 1.0009765625}, // above the tie (a float32 would round it onto the tie, then down)
		{0, 0x0000, 0},
		{negZero, 0x8000, negZero},
	} {
		h := float16Bits(c.in)
		require.Equalf(t, c.bits, h, "float16Bits(%v) = %#04x, want %#04x", c.in, h, c.bits)
		got := float16Value(h)
		require.Truef(t, got == c.out && math.Signbit(got) == math.Signbit(c.out), "float16Value(%#04x) = %v, want %v", h, got, c.out)
		require.Truef(t, f16round(c.in) == c.out && math.Signbit(f16round(c.in)) == math.Signbit(c.out), "f16round(%v)", c.in)
	}
	for _, nan := range []float64{math.NaN(), -math.NaN(), math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000123)} {
		h := float16Bits(nan)
		require.Equal(t, uint16(f16NaN), h&^f16SignMask, "NaN")
		require.True(t, math.IsNaN(float16Value(h)))
	}
	for _, h := range []uint16{0x7c01, 0x7e00, 0xfe00, 0x7fff} {
		require.True(t, math.IsNaN(float16Value(h)), "%#04x is a NaN", h)
	}
}

// TestFloat16Exhaustive checks every binary16 value: widening is exact
// (the value round-trips), and each point between two neighbours rounds as
// round-to-nearest-ties-to-even says.
func TestFloat16Exhaustive(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		v := float16Value(h)
		if math.IsNaN(v) {
			require.Equal(t, uint16(0x7c00), h&0x7c00, "%#04x", h)
			require.NotZero(t, h&0x03ff, "%#04x", h)
			continue
		}
		require.Equalf(t, h, float16Bits(v), "round trip of %#04x (%v)", h, v)
		if h&0x7fff >= 0x7c00 { // ±Infinity: no next value
			continue
		}
		// h and h+1 are neighbours (same sign, growing magnitude; 0x7bff's
		// neighbour is Infinity, whose "value" for rounding is 65536).
		next := float16Value(h + 1)
		if math.IsInf(next, 0) {
			next = math.Copysign(65536, next)
		}
		mid := (v + next) / 2 // exact in float64
		even := h
		if h&1 == 1 {
			even = h + 1
		}
		require.Equalf(t, even, float16Bits(mid), "midpoint of %#04x and %#04x", h, h+1)
		require.Equalf(t, h, float16Bits(math.Nextafter(mid, v)), "just below the midpoint after %#04x", h)
		require.Equalf(t, h+1, float16Bits(math.Nextafter(mid, next)), "just above the midpoint after %#04x", h)
	}
}

func BenchmarkFloat16Bits(b *testing.B) {
	var s uint16
	x := 0.0
	for i := 0; i < b.N; i++ {
		s += float16Bits(x)
		x += 0.37
	}
	_ = s
}
