// Package streams implements the WHATWG Streams Standard
// (https://streams.spec.whatwg.org/) for workerhost realms: ReadableStream
// (default and byte streams, BYOB readers, tee, pipeTo/pipeThrough, async
// iteration, ReadableStream.from), WritableStream, TransformStream, the two
// queuing strategies, TextEncoderStream/TextDecoderStream and the Compression
// Standard's CompressionStream/DecompressionStream, plus the Go⇄JS bridges
// that Request and Response bodies are built on.
//
// # Design
//
// The spec's abstract operations are written in JavaScript (streams.js, our
// own code following the spec text step by step and using its names). The
// standard pins down the order of promise reactions precisely and the
// web-platform-tests check it; in JS every "upon fulfillment", "resolve" and
// "queue a microtask" maps one-to-one onto goja's own promise machinery, so
// the ordering is the spec's by construction. Internal slots live on plain
// record objects reached from the public objects through private class
// fields, so script can neither see nor forge them; the public classes are
// WebIDL-shaped (enumerable members, brand checks, Symbol.toStringTag,
// promise-returning members reject instead of throwing).
//
// Byte work stays in Go natives: transferring an ArrayBuffer re-wraps the
// same Go slice (no copy), BYOB fills copy with Go's copy, and compression
// and decompression run compress/flate, compress/gzip and compress/zlib
// (compression writes the gzip and zlib framing itself, to end the DEFLATE
// stream the way zlib does: see deflate.go).
// Decompression runs as a coroutine (iter.Pull) fed one chunk at a time and
// pausing every 64 KiB of output until the readable side asks for more, so a
// small "zip bomb" cannot make the host allocate without bound.
//
// The script is compiled once per process (a shared *goja.Program) and run
// in a realm only when needed: Install merely defines each global as an
// accessor that, when first read, runs the program and replaces all the
// stream globals with ordinary data properties. A realm that never touches a
// stream pays only for those accessors. The Go bridges initialize the realm
// the same way.
//
// # Bridges and the event loop
//
// The loop goroutine is never blocked on I/O:
//
//   - NewReadableFromReader makes a pull-based byte stream: each pull starts
//     one Read of the Go source on a new goroutine, whose result comes back
//     as a task (Realm.Submit) that enqueues the bytes (the Go buffer becomes
//     the ArrayBuffer without a copy) and settles the pull promise. Nothing
//     is read before script asks, and at most one read is in flight.
//   - NewGoReader serves Reads made on other goroutines: a Read submits a
//     task that reads one chunk and blocks its own goroutine (not the loop)
//     until the chunk, the end of the request context or the end of the
//     loop. The producer is pulled only as fast as the Go consumer reads.
//   - TakeGoSource lets a proxied body that script never touched be copied
//     from Go to Go with no JS in between.
//   - ReadAll reads a whole body on the loop for text()/json()/arrayBuffer().
//   - Tee and Cancel serve Response.clone() and discarded bodies;
//     IsReadableStream, IsLocked and IsDisturbed serve the body mixin.
//
// All functions taking a *realm.Realm or a stream value must be called on
// the realm's loop goroutine; GoReader's Read, WriteTo and Close are the
// ones meant for other goroutines. Functions given only a goja.Value find
// their realm through a marker on ReadableStream.prototype.
//
// # Testing
//
// go test ./streams/ runs the package's own tests. Building with -tags wpt
// adds TestWPT, which runs web-platform-tests streams files from a wpt
// checkout (WPT_DIR, WPT_FILES) with the small testharness shim in testdata.
package streams
