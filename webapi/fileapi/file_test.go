package fileapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

func TestFileDefaults(t *testing.T) {
	e := env(t)
	before := time.Now().UnixMilli()
	got := mustJSON(t, e, `
		const f = new File(["bits"], "dummy");
		return [f.name, f.size, f.type, f.webkitRelativePath, typeof f.lastModified, f.lastModified,
			f instanceof File, f instanceof Blob, Object.prototype.toString.call(f), await f.text(),
			File.length, File.name, Object.getPrototypeOf(File) === Blob, Object.getPrototypeOf(File.prototype) === Blob.prototype];`)
	after := time.Now().UnixMilli()
	var arr []any
	require.NoError(t, json.Unmarshal([]byte(got), &arr))
	mod := int64(arr[5].(float64))
	assert.GreaterOrEqual(t, mod, before)
	assert.LessOrEqual(t, mod, after)
	arr[5] = nil
	assert.Equal(t, []any{"dummy", 4.0, "", "", "number", nil, true, true, "[object File]", "bits", 2.0, "File", true, true}, arr)
}

func TestFileArguments(t *testing.T) {
	e := env(t)
	assert.Contains(t, e.MustThrow("TypeError", `new File()`), "2 arguments required, but only 0 present")
	assert.Contains(t, e.MustThrow("TypeError", `new File(["x"])`), "2 arguments required, but only 1 present")
	e.MustThrow("TypeError", `new File("abc", "n")`)
	e.MustThrow("TypeError", `new File([], "n", 5)`)
	e.MustThrow("TypeError", `new File([], Symbol())`)
	e.MustThrow("TypeError", `new File([], "n", {endings: "bogus"})`)
	e.MustThrow("TypeError", `File([], "n")`)
	got := mustJSON(t, e, `
		return [new File([], null).name, new File([], 12).name, new File([], "a/b:c\\d").name,
			new File([], "\ud800").name === "\ufffd", new File([], "").name, new File([], undefined).name];`)
	assert.JSONEq(t, `["null","12","a/b:c\\d",true,"","undefined"]`, got)
}

func TestFileOptions(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const lm = (v) => new File([], "n", {lastModified: v}).lastModified;
		const f = new File([new Blob(["ab"]), "c\r\n", new Uint8Array([100])], "x.txt", {type: "TEXT/Plain", lastModified: 42, endings: "native"});
		return [f.type, f.lastModified, await f.text(), lm(-1), lm(42.9), lm(-42.9), lm(NaN), lm(Infinity), lm("17"),
			lm(new Date(Date.UTC(2000, 0, 1))), lm(2 ** 64 + 4096), String(lm(2 ** 63)), lm(null), String(lm(-(2 ** 63)))];`)
	assert.JSONEq(t, `["text/plain",42,"abc\nd",-1,42,-42,0,0,17,946684800000,4096,"-9223372036854776000",0,"-9223372036854776000"]`, got)

	got = mustJSON(t, e, `
		const received = [];
		new File([], {toString() { received.push("name"); return "n"; }}, {
			get type() { received.push("type"); },
			get lastModified() { received.push("lastModified"); },
			get endings() { received.push("endings"); },
		});
		return received;`)
	assert.JSONEq(t, `["name","endings","type","lastModified"]`, got)
}

func TestFileAccessorsAndSubclass(t *testing.T) {
	e := env(t)
	e.MustThrow("TypeError", `Object.getOwnPropertyDescriptor(File.prototype, "name").get.call(new Blob())`)
	e.MustThrow("TypeError", `Object.getOwnPropertyDescriptor(File.prototype, "lastModified").get.call({})`)
	got := mustJSON(t, e, `
		class Upload extends File { get kind() { return "upload:" + this.name; } }
		const u = new Upload(["z"], "u.bin", {lastModified: 7});
		return [u instanceof Upload, u instanceof File, u.kind, u.size, u.lastModified, await u.text(),
			Object.getOwnPropertyDescriptor(Blob.prototype, "size").get.call(u)];`)
	assert.JSONEq(t, `[true,true,"upload:u.bin",1,7,"z",1]`, got)
}

// A test stand-in for the streams package's ReadableStream: it records the
// underlying source and drives its pull() with a controller whose enqueue
// and close calls are logged.
const fakeReadableStream = `
globalThis.ReadableStream = class ReadableStream {
	constructor(source) { this.source = source; }
	async readAll() {
		const chunks = [];
		let closed = false;
		const controller = {
			enqueue: (c) => { if (closed) throw new TypeError("enqueue after close"); chunks.push(c); },
			close: () => { if (closed) throw new TypeError("closed twice"); closed = true; },
			byobRequest: null,
		};
		let pulls = 0;
		while (!closed) {
			if (++pulls > 100) throw new Error("too many pulls");
			await this.source.pull(controller);
		}
		return { chunks, pulls, type: this.source.type };
	}
};`

func TestBlobStream(t *testing.T) {
	e := env(t)
	e.MustRun(fakeReadableStream)
	got := mustJSON(t, e, `
		const src = new Uint8Array(150000);
		for (let i = 0; i < 251; i++) src[i] = i;
		for (let n = 251; n < src.length; n *= 2) src.copyWithin(n, 0, n);
		const b = new Blob([src]);
		const s = b.stream();
		const { chunks, pulls, type } = await s.readAll();
		const sizes = chunks.map((c) => c.byteLength);
		const views = chunks.every((c) => c instanceof Uint8Array);
		const same = (await new Blob(chunks).text()) === (await b.text());
		chunks[0][0] = 99; // chunks are copies: the Blob does not change
		const again = new Uint8Array(await b.arrayBuffer());
		const empty = await new Blob().stream().readAll();
		return [s instanceof ReadableStream, type, sizes, pulls, views, same, again[0], again[65536 + 5] === src[65536 + 5], empty.chunks.length, empty.pulls];`)
	assert.JSONEq(t, `[true,"bytes",[65536,65536,18928],3,true,true,0,true,0,1]`, got)
}

func TestBlobStreamUnavailable(t *testing.T) {
	e := jstest.New(t, fileapi.Install)
	if e.MustRun(`typeof ReadableStream`) != "undefined" {
		t.Skip("ReadableStream is defined")
	}
	msg := e.MustThrow("TypeError", `new Blob(["x"]).stream()`)
	assert.Contains(t, msg, "streams are unavailable")
	// A global that is not a constructor is reported the same way.
	msg = e.MustThrow("TypeError", `globalThis.ReadableStream = 5; new Blob(["x"]).stream()`)
	assert.Contains(t, msg, "streams are unavailable")
}

func TestBlobStreamControllerErrors(t *testing.T) {
	e := env(t)
	// A ReadableStream whose controller misbehaves: errors surface in JS.
	e.MustRun(`globalThis.ReadableStream = class { constructor(src) { this.src = src; } };`)
	msg := e.MustThrow("TypeError", `new Blob(["x"]).stream().src.pull({})`)
	assert.Contains(t, msg, "enqueue")
	msg = e.MustThrow("Error", `new Blob(["x"]).stream().src.pull({enqueue() { throw new Error("full"); }})`)
	assert.Contains(t, msg, "full")
	e.MustThrow("TypeError", `new Blob(["x"]).stream().src.pull()`)
}
