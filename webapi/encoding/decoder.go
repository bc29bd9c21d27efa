package encoding

import (
	"bytes"
	"errors"
	"sync"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// ErrUnknownLabel is returned by NewDecoder for a label that names no
// encoding, or names the "replacement" encoding (which TextDecoder refuses).
var ErrUnknownLabel = errors.New("encoding: unknown or unsupported encoding label")

// ErrInvalidData is returned by a fatal Decoder when its input is malformed.
var ErrInvalidData = errors.New("encoding: the encoded data is not valid")

type kind uint8

const (
	kindUTF8 kind = iota
	kindUTF16LE
	kindUTF16BE
	kindSingleByte
	kindMultiByte // through golang.org/x/text
	kindGB18030   // gb18030 and GBK (legacymb.go)
	kindISO2022JP // legacymb.go
)

// maxRetainedBuf bounds the scratch buffer a Decoder keeps between calls.
const maxRetainedBuf = 64 << 10

// Decoder is a streaming decoder for one of the Encoding Standard's
// encodings, with the semantics of TextDecoder: a fatal decoder fails on
// malformed input instead of inserting U+FFFD, the byte order mark of
// UTF-8 and UTF-16 is removed once at the start of each stream unless
// ignoreBOM is set, and partial sequences are carried over between calls
// made with stream set. A Decoder is not safe for concurrent use.
type Decoder struct {
	name      string
	kind      kind
	fatal     bool
	ignoreBOM bool

	bomSeen    bool
	doNotFlush bool

	// UTF-8 decoder state (Encoding Standard §8.1.1).
	u8cp    rune
	u8need  uint8
	u8seen  uint8
	u8lower byte
	u8upper byte

	// UTF-16 decoder state (§10.2.1): a lead byte and a lead surrogate.
	u16lead    int32 // -1: none
	u16leadSur uint16

	// Legacy encodings.
	sb      *[256]rune
	mb      xenc.Encoding
	t       transform.Transformer
	pending []byte

	// The standard's state machines (legacymb.go): bytes restored to the
	// input (a reversed stack), gb18030's first/second/third bytes, and
	// ISO-2022-JP's state, output state, lead byte and output flag.
	front                      []byte
	gbFirst, gbSecond, gbThird byte
	jpState, jpOutState        uint8
	jpLead                     byte
	jpOutput                   bool

	buf []byte
}

// NewDecoder returns a decoder for the encoding that label names (resolved
// like TextDecoder does: surrounding ASCII whitespace is ignored, matching is
// ASCII case-insensitive). fatal makes Decode fail with ErrInvalidData on
// malformed input; ignoreBOM keeps a leading byte order mark in the output.
// It returns ErrUnknownLabel for an unknown label and for "replacement".
func NewDecoder(label string, fatal, ignoreBOM bool) (*Decoder, error) {
	name, ok := Lookup(label)
	if !ok || name == "replacement" {
		return nil, ErrUnknownLabel
	}
	d := &Decoder{name: name, fatal: fatal, ignoreBOM: ignoreBOM, u16lead: -1, u8lower: 0x80, u8upper: 0xBF}
	switch name {
	case "utf-8":
		d.kind = kindUTF8
	case "utf-16le":
		d.kind = kindUTF16LE
	case "utf-16be":
		d.kind = kindUTF16BE
	case "gb18030", "gbk":
		// The standard's GBK decoder is the gb18030 decoder.
		d.kind = kindGB18030
	case "iso-2022-jp":
		d.kind = kindISO2022JP
	default:
		enc := legacy(name)
		if enc == nil {
			return nil, ErrUnknownLabel
		}
		if cm, ok := enc.(*charmap.Charmap); ok {
			d.kind = kindSingleByte
			d.sb = singleByteTable(name, cm)
		} else {
			d.kind = kindMultiByte
			d.mb = enc
		}
	}
	return d, nil
}

// legacy returns the golang.org/x/text codec for a legacy encoding name.
func legacy(name string) xenc.Encoding {
	switch name {
	case "iso-8859-8-i":
		// Same index as iso-8859-8 (the "-i" only matters for bidi layout).
		return charmap.ISO8859_8
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil
	}
	return enc
}

var sbTables sync.Map // encoding name → *[256]rune

func singleByteTable(name string, cm *charmap.Charmap) *[256]rune {
	if t, ok := sbTables.Load(name); ok {
		return t.(*[256]rune)
	}
	t := new([256]rune)
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
		// golang.org/x/text leaves the C1 range of the ISO-8859 encodings and
		// the unassigned windows-* bytes in 0x80-0x9F undefined; the
		// standard's indexes map them to the C1 control of the same value.
		if i >= 0x80 && i <= 0x9F && t[i] == utf8.RuneError {
			t[i] = rune(i)
		}
	}
	v, _ := sbTables.LoadOrStore(name, t)
	return v.(*[256]rune)
}

// Encoding returns the encoding's name, lowercase ("utf-8", "utf-16le",
// "windows-1252", ...).
func (d *Decoder) Encoding() string { return d.name }

// Fatal reports whether the decoder fails on malformed input.
func (d *Decoder) Fatal() bool { return d.fatal }

// IgnoreBOM reports whether a byte order mark is kept in the output.
func (d *Decoder) IgnoreBOM() bool { return d.ignoreBOM }

// Reset discards any partial input and starts a new stream.
func (d *Decoder) Reset() {
	d.bomSeen = false
	d.doNotFlush = false
	d.resetState()
}

func (d *Decoder) resetState() {
	d.u8cp, d.u8need, d.u8seen, d.u8lower, d.u8upper = 0, 0, 0, 0x80, 0xBF
	d.u16lead, d.u16leadSur = -1, 0
	d.pending = d.pending[:0]
	d.front = d.front[:0]
	d.gbFirst, d.gbSecond, d.gbThird = 0, 0, 0
	d.jpState, d.jpOutState, d.jpLead, d.jpOutput = jpASCII, jpASCII, 0, false
	if d.t != nil {
		d.t.Reset()
	}
}

// Decode decodes p, a chunk of the stream, and returns the decoded text as
// valid UTF-8 (unpaired surrogates never appear: they decode to U+FFFD).
// With stream set, an incomplete sequence at the end of p is kept for the
// next call; without it, the stream ends: an incomplete sequence is an error
// (U+FFFD, or ErrInvalidData if fatal) and the next call starts a new stream,
// as TextDecoder.decode does. Turn the result into a JavaScript string with
// (*goja.Runtime).ToValue, which converts it lazily.
func (d *Decoder) Decode(p []byte, stream bool) (string, error) {
	if !d.doNotFlush {
		d.bomSeen = false
		d.resetState()
	}
	d.doNotFlush = stream
	flush := !stream

	// Fast path: a whole, valid UTF-8 chunk with no carried-over state.
	if d.kind == kindUTF8 && d.u8need == 0 && utf8.Valid(p) {
		if len(p) > 0 && !d.bomSeen {
			d.bomSeen = true
			if !d.ignoreBOM && bytes.HasPrefix(p, utf8BOM) {
				p = p[3:]
			}
		}
		return string(p), nil
	}

	out := d.buf[:0]
	var ok bool
	switch d.kind {
	case kindUTF8:
		out, ok = d.decodeUTF8(out, p, flush)
	case kindUTF16LE, kindUTF16BE:
		out, ok = d.decodeUTF16(out, p, flush)
	case kindSingleByte:
		out, ok = d.decodeSingleByte(out, p)
	case kindGB18030:
		out, ok = d.decodeGB18030(out, p, flush)
	case kindISO2022JP:
		out, ok = d.decodeISO2022JP(out, p, flush)
	default:
		out, ok = d.decodeMultiByte(out, p, flush)
	}
	if cap(out) <= maxRetainedBuf {
		d.buf = out[:0]
	} else {
		d.buf = nil
	}
	if !ok {
		return "", ErrInvalidData
	}
	if len(out) > 0 && !d.bomSeen {
		d.bomSeen = true
		if !d.ignoreBOM && d.kind <= kindUTF16BE && bytes.HasPrefix(out, utf8BOM) {
			out = out[3:]
		}
	}
	return string(out), nil
}

var (
	replacement = []byte{0xEF, 0xBF, 0xBD}
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
)

// decodeUTF8 runs the Encoding Standard's UTF-8 decoder over p, appending to
// out. Malformed input is replaced per "maximal subpart" (one U+FFFD per
// rejected prefix). ok is false when fatal and the input is malformed.
func (d *Decoder) decodeUTF8(out, p []byte, flush bool) (_ []byte, ok bool) {
	if cap(out) < len(p)+4 {
		out = make([]byte, 0, len(p)+4)
	}
	for i := 0; i < len(p); {
		b := p[i]
		if d.u8need == 0 {
			if b < utf8.RuneSelf {
				j := i + 1
				for j < len(p) && p[j] < utf8.RuneSelf {
					j++
				}
				out = append(out, p[i:j]...)
				i = j
				continue
			}
			if r, size := utf8.DecodeRune(p[i:]); r != utf8.RuneError || size == 3 {
				out = append(out, p[i:i+size]...)
				i += size
				continue
			}
			// Invalid or truncated: run the standard's state machine.
			i++
			switch {
			case b >= 0xC2 && b <= 0xDF:
				d.u8need, d.u8cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					d.u8lower = 0xA0
				} else if b == 0xED {
					d.u8upper = 0x9F
				}
				d.u8need, d.u8cp = 2, rune(b&0xF)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					d.u8lower = 0x90
				} else if b == 0xF4 {
					d.u8upper = 0x8F
				}
				d.u8need, d.u8cp = 3, rune(b&0x7)
			default:
				if d.fatal {
					return out, false
				}
				out = append(out, replacement...)
			}
			continue
		}
		if b < d.u8lower || b > d.u8upper {
			// Reject the sequence so far; b is processed again as a lead byte.
			d.u8cp, d.u8need, d.u8seen, d.u8lower, d.u8upper = 0, 0, 0, 0x80, 0xBF
			if d.fatal {
				return out, false
			}
			out = append(out, replacement...)
			continue
		}
		i++
		d.u8lower, d.u8upper = 0x80, 0xBF
		d.u8cp = d.u8cp<<6 | rune(b&0x3F)
		d.u8seen++
		if d.u8seen == d.u8need {
			out = utf8.AppendRune(out, d.u8cp)
			d.u8cp, d.u8need, d.u8seen = 0, 0, 0
		}
	}
	if flush && d.u8need != 0 {
		d.u8cp, d.u8need, d.u8seen, d.u8lower, d.u8upper = 0, 0, 0, 0x80, 0xBF
		if d.fatal {
			return out, false
		}
		out = append(out, replacement...)
	}
	return out, true
}

// decodeUTF16 runs the standard's shared UTF-16 decoder (§10.2.1).
func (d *Decoder) decodeUTF16(out, p []byte, flush bool) (_ []byte, ok bool) {
	if need := len(p)*3/2 + 4; cap(out) < need {
		out = make([]byte, 0, need)
	}
	be := d.kind == kindUTF16BE
	for _, b := range p {
		if d.u16lead < 0 {
			d.u16lead = int32(b)
			continue
		}
		var cu uint16
		if be {
			cu = uint16(d.u16lead)<<8 | uint16(b)
		} else {
			cu = uint16(b)<<8 | uint16(d.u16lead)
		}
		d.u16lead = -1
		if d.u16leadSur != 0 {
			lead := d.u16leadSur
			d.u16leadSur = 0
			if cu >= 0xDC00 && cu <= 0xDFFF {
				out = utf8.AppendRune(out, 0x10000+(rune(lead-0xD800)<<10)+rune(cu-0xDC00))
				continue
			}
			// Unpaired lead surrogate; cu is processed again below.
			if d.fatal {
				return out, false
			}
			out = append(out, replacement...)
		}
		switch {
		case cu < 0x80:
			out = append(out, byte(cu))
		case cu >= 0xD800 && cu <= 0xDBFF:
			d.u16leadSur = cu
		case cu >= 0xDC00 && cu <= 0xDFFF:
			if d.fatal {
				return out, false
			}
			out = append(out, replacement...)
		default:
			out = utf8.AppendRune(out, rune(cu))
		}
	}
	if flush && (d.u16lead >= 0 || d.u16leadSur != 0) {
		d.u16lead, d.u16leadSur = -1, 0
		if d.fatal {
			return out, false
		}
		out = append(out, replacement...)
	}
	return out, true
}

func (d *Decoder) decodeSingleByte(out, p []byte) (_ []byte, ok bool) {
	if need := len(p) + 8; cap(out) < need {
		out = make([]byte, 0, need)
	}
	t := d.sb
	for _, b := range p {
		if b < utf8.RuneSelf && t[b] == rune(b) {
			out = append(out, b)
			continue
		}
		r := t[b]
		if r == utf8.RuneError && d.fatal {
			return out, false
		}
		out = utf8.AppendRune(out, r)
	}
	return out, true
}

// decodeMultiByte decodes Big5, EUC-JP, Shift_JIS and EUC-KR through
// golang.org/x/text (none of their byte sequences legitimately decodes to
// U+FFFD, so a U+FFFD in the output means malformed input).
func (d *Decoder) decodeMultiByte(out, p []byte, flush bool) (_ []byte, ok bool) {
	if d.t == nil {
		d.t = d.mb.NewDecoder()
	}
	src := p
	if len(d.pending) > 0 {
		d.pending = append(d.pending, p...)
		src = d.pending
	}
	if need := len(src)*2 + 16; cap(out) < need {
		out = make([]byte, 0, need)
	}
	for {
		nDst, nSrc, err := d.t.Transform(out[len(out):cap(out)], src, flush)
		out = out[:len(out)+nDst]
		src = src[nSrc:]
		if err == transform.ErrShortDst {
			grown := make([]byte, len(out), 2*cap(out)+16)
			copy(grown, out)
			out = grown
			continue
		}
		if err == transform.ErrShortSrc && !flush {
			// Keep the incomplete sequence for the next chunk.
			d.pending = append(d.pending[:0], src...)
		} else {
			d.pending = d.pending[:0]
			if err != nil {
				// The x/text decoders replace malformed input themselves;
				// any other failure ends the stream as malformed.
				d.t.Reset()
				if d.fatal {
					return out, false
				}
				out = append(out, replacement...)
			}
		}
		break
	}
	if d.fatal {
		if bytes.Contains(out, replacement) {
			return out, false
		}
	}
	return out, true
}
