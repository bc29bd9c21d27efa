package streams_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/streams"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/encoding"
)

func TestTextStreams(t *testing.T) {
	e := jstest.New(t, dom.Install, encoding.Install, streams.Install)
	require.Empty(t, e.RunInit(prelude).Err)
	// A surrogate pair split across chunks is encoded whole; a dangling
	// high surrogate at the end becomes U+FFFD.
	got := js(t, e, `
	  const enc = new TextEncoderStream();
	  assert(enc.encoding === 'utf-8', 'encoding');
	  const w = enc.writable.getWriter();
	  w.write('h\u00e9'); w.write('\ud83d'); w.write('\ude00!'); w.write(''); w.write('\ud83d'); w.close();
	  const chunks = await collect(enc.readable);
	  return chunks.map(c => Array.from(c).join('.')).join('|');`)
	require.Equal(t, "104.195.169|240.159.152.128.33|239.191.189", got)

	// Multi-byte sequences split across chunks decode correctly; options pass
	// through; invalid input with fatal: true errors the stream.
	got = js(t, e, `
	  const dec = new TextDecoderStream('utf-8', { fatal: false });
	  const w = dec.writable.getWriter();
	  const bytes = new TextEncoder().encode('a\u00e9\u20ac\ud83d\ude00');
	  for (let i = 0; i < bytes.length; i++) w.write(bytes.subarray(i, i + 1));
	  w.close();
	  const out = (await collect(dec.readable)).join('');
	  const fatal = new TextDecoderStream('utf-8', { fatal: true });
	  const fw = fatal.writable.getWriter();
	  fw.write(new Uint8Array([0xff])).catch(() => {});
	  const err = await fatal.readable.getReader().read().then(() => 'ok', e => e.name);
	  return [out === 'a\u00e9\u20ac\ud83d\ude00', dec.encoding, dec.fatal, fatal.fatal, err].join(',');`)
	require.Equal(t, "true,utf-8,false,true,TypeError", got)

	// Round trip through both, piping.
	got = js(t, e, `
	  const src = ReadableStream.from(['x', '\u00fc', 'z']);
	  return (await collect(src.pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream()))).join('');`)
	require.Equal(t, "x\u00fcz", got)
	require.Equal(t, "RangeError", e.Run(`new TextDecoderStream('no-such-encoding')`).Name) // as TextDecoder
	require.Equal(t, "TypeError", e.Run(`Object.getOwnPropertyDescriptor(TextDecoderStream.prototype, 'readable').get.call({})`).Name)
}
