package streams

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash"
	"hash/adler32"
	"hash/crc32"
	"math/bits"
)

// deflater is CompressionStream's compressor: compress/flate for the DEFLATE
// data, with the zlib ("deflate") and gzip framing written here, so that
// the end of the DEFLATE stream can be rewritten before the trailer.
//
// flate.Writer.Close ends the stream with an empty final *stored* block: a
// 3-bit block header, padding to a byte boundary and LEN/NLEN (00 00 ff ff),
// 5 or 6 bytes in all. finishDeflate replaces it with an empty final
// *fixed-Huffman* block (a 3-bit header and the 7-bit end-of-block code),
// as zlib does, which takes 2 or 3 bytes. Small inputs then compress as well
// as with zlib (a 29-byte repetitive input no longer comes out at 29 bytes
// of gzip). Writes are not flushed: the compressor emits output as its
// blocks fill (so large inputs stream out as they are written, and it holds
// at most a window's worth of pending input), and everything else at the
// end.
type deflater struct {
	format string
	out    *bytes.Buffer
	fw     *flate.Writer
	sum    hash.Hash32 // zlib: Adler-32
	crc    uint32      // gzip: CRC-32 and size of the input
	size   uint32
	header bool
}

func newDeflater(format string, out *bytes.Buffer) *deflater {
	fw, _ := flate.NewWriter(out, flate.DefaultCompression)
	d := &deflater{format: format, out: out, fw: fw}
	if format == formatDeflate {
		d.sum = adler32.New()
	}
	return d
}

// gzipHeader and zlibHeader are what compress/gzip and compress/zlib write
// for the default level: no name, no modification time, OS "unknown";
// deflate with a 32 KiB window.
var (
	gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	zlibHeader = []byte{0x78, 0x9c}
)

func (d *deflater) writeHeader() {
	if d.header {
		return
	}
	d.header = true
	switch d.format {
	case formatGzip:
		d.out.Write(gzipHeader)
	case formatDeflate:
		d.out.Write(zlibHeader)
	}
}

func (d *deflater) Write(p []byte) (int, error) {
	d.writeHeader()
	switch d.format {
	case formatGzip:
		d.crc = crc32.Update(d.crc, crc32.IEEETable, p)
		d.size += uint32(len(p))
	case formatDeflate:
		d.sum.Write(p)
	}
	return d.fw.Write(p)
}

// Close ends the DEFLATE stream and writes the trailer. Everything from the
// final block header on is in d.out afterwards: the bit writer never emits
// a partial byte before Close flushes it.
func (d *deflater) Close() error {
	d.writeHeader()
	if err := d.fw.Close(); err != nil {
		return err
	}
	b := finishDeflate(d.out.Bytes())
	d.out.Truncate(len(b))
	switch d.format {
	case formatGzip:
		d.out.Write(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, d.crc), d.size))
	case formatDeflate:
		d.out.Write(binary.BigEndian.AppendUint32(nil, d.sum.Sum32()))
	}
	return nil
}

// finishDeflate rewrites the empty final stored block that ends b (as
// flate.Writer.Close writes it) into an empty final fixed-Huffman block, in
// place, and returns the shortened slice. b is returned unchanged if it does
// not end the expected way.
//
// The stored block's header starts at an unknown bit p: BFINAL=1, BTYPE=00,
// then zero padding to the byte boundary, then 00 00 ff ff. The bits from p
// on are zero except BFINAL, so p is the highest set bit of the byte before
// LEN, or, when the header did not fit in its byte (p%8 is 6 or 7) and that
// byte is all padding, of the byte before it.
func finishDeflate(b []byte) []byte {
	n := len(b)
	if n < 5 || !bytes.Equal(b[n-4:], []byte{0, 0, 0xff, 0xff}) {
		return b
	}
	q := n - 5
	if b[q] == 0 {
		q--
		if q < 0 || b[q] < 0x40 { // the header straddled: p%8 must be 6 or 7
			return b
		}
	} else if b[q] >= 0x40 { // p%8 ≤ 5 when the header fits in the byte
		return b
	}
	k := uint(bits.Len8(b[q]) - 1)
	// The data bits below p, then BFINAL=1, BTYPE=01 (fixed Huffman, low
	// bit first) and the 7-bit all-zero end-of-block code: k+10 bits.
	acc := uint32(b[q]&(1<<k-1)) | 3<<k
	nb := int(k+10+7) / 8
	b = b[:q]
	for i := 0; i < nb; i++ {
		b = append(b, byte(acc>>(8*i)))
	}
	return b
}
