package streams

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func stdCompress(t *testing.T, format string, data []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch format {
	case formatGzip:
		w = gzip.NewWriter(&buf)
	case formatDeflate:
		w = zlib.NewWriter(&buf)
	default:
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	}
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func stdDecompress(format string, data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch format {
	case formatGzip:
		var gz *gzip.Reader
		if gz, err = gzip.NewReader(bytes.NewReader(data)); err == nil {
			gz.Multistream(false)
			r = gz
		}
	case formatDeflate:
		r, err = zlib.NewReader(bytes.NewReader(data))
	default:
		r = flate.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// deflaterCompress runs data through a deflater in writes of at most step
// bytes, draining the output after each as the codec does.
func deflaterCompress(t *testing.T, format string, data []byte, step int) []byte {
	var out, all bytes.Buffer
	d := newDeflater(format, &out)
	for len(data) > 0 {
		n := min(step, len(data))
		_, err := d.Write(data[:n])
		require.NoError(t, err)
		data = data[n:]
		all.Write(out.Bytes())
		out.Reset()
	}
	require.NoError(t, d.Close())
	all.Write(out.Bytes())
	return all.Bytes()
}

// The deflater's output decodes with Go's readers to the input and is 3 or
// 4 bytes shorter than compress/flate's, zlib's and gzip's: the final empty
// stored block (5 or 6 bytes) becomes a final empty fixed-Huffman block (2
// or 3 bytes), whatever bit the stream ended on.
func TestDeflaterEndsWithFixedBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{nil, {0}, []byte("a"), bytes.Repeat([]byte("abc"), 10)[:29]}
	for n := 1; n < 300; n += 7 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(1+n%20))
		}
		inputs = append(inputs, b)
	}
	big := make([]byte, 300<<10)
	for i := range big {
		big[i] = byte(rng.IntN(4) + i/1000)
	}
	inputs = append(inputs, big)
	endBits := map[int]bool{}
	for _, format := range []string{formatGzip, formatDeflate, formatDeflateRaw} {
		for i, in := range inputs {
			for _, step := range []int{1 << 30, 7} {
				if step == 7 && len(in) > 1000 {
					step = 4099
				}
				name := fmt.Sprintf("%s/%d/len%d/step%d", format, i, len(in), step)
				got := deflaterCompress(t, format, in, step)
				dec, err := stdDecompress(format, got)
				require.NoError(t, err, name)
				require.True(t, bytes.Equal(in, dec), name)
				saved := len(stdCompress(t, format, in)) - len(got)
				require.True(t, saved == 3 || saved == 4, "%s: %d bytes saved", name, saved)
				if format == formatDeflateRaw {
					std := stdCompress(t, format, in)
					endBits[bitsBeforeTrailer(std)] = true
				}
			}
		}
	}
	// The inputs end the DEFLATE data on every bit position.
	require.Len(t, endBits, 8)
}

// bitsBeforeTrailer is the bit (0-7) where compress/flate's final stored
// block header starts.
func bitsBeforeTrailer(b []byte) int {
	q := len(b) - 5
	if b[q] == 0 {
		q--
	}
	for k := 7; k >= 0; k-- {
		if b[q]&(1<<k) != 0 {
			return k
		}
	}
	return -1
}

func TestFinishDeflateLeavesOtherEndingsAlone(t *testing.T) {
	for _, b := range [][]byte{nil, {1, 2, 3}, {0x01, 0, 0, 0xff, 0xfe}, {0, 0, 0, 0xff, 0xff}, {0x20, 0, 0, 0, 0xff, 0xff}, {0x45, 0, 0, 0xff, 0xff}} {
		require.Equal(t, b, finishDeflate(bytes.Clone(b)), "% x", b)
	}
	// An empty stream: 01 00 00 ff ff becomes 03 00, as zlib writes it.
	require.Equal(t, []byte{3, 0}, finishDeflate([]byte{1, 0, 0, 0xff, 0xff}))
}
