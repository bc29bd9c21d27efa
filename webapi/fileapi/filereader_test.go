package fileapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

func readerEnv(t *testing.T) *jstest.Env {
	t.Helper()
	return jstest.New(t, dom.Install, encoding.Install, fileapi.Install)
}

// readJS defines read(method, blob, ...args): a promise of the reader's
// result once loadend has fired, with the events seen.
const readJS = `
function read(method, blob, ...args) {
  return new Promise((resolve) => {
    const fr = new FileReader();
    const events = [];
    for (const t of ["loadstart", "progress", "load", "abort", "error", "loadend"]) {
      fr.addEventListener(t, (e) => {
        events.push(t + ":" + e.loaded + "/" + e.total + ":" + e.lengthComputable + ":" + fr.readyState);
        if (t === "loadend") resolve({ result: fr.result, events, fr });
      });
    }
    fr[method](blob, ...args);
  });
}
`

func TestFileReaderReadAsText(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		const sync = [];
		const p = read("readAsText", new Blob(["héllo"]));
		return p.then(r => ({ result: r.result, events: r.events }));`)
	assert.JSONEq(t, `{"result":"héllo","events":[
		"loadstart:0/6:true:1","progress:6/6:true:1","load:6/6:true:2","loadend:6/6:true:2"]}`, got)
}

func TestFileReaderSynchronousState(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		const before = [fr.readyState, fr.result, fr.error];
		let fired = false;
		fr.onloadstart = () => { fired = true; };
		fr.readAsText(new Blob(["x"]));
		const during = [fr.readyState, fr.result, fired];
		await new Promise(r => fr.onloadend = r);
		return { before, during, after: [fr.readyState, fr.result, fr.error, fired] };`)
	assert.JSONEq(t, `{"before":[0,null,null],"during":[1,null,false],"after":[2,"x",null,true]}`, got)
}

func TestFileReaderConstants(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		return [FileReader.EMPTY, FileReader.LOADING, FileReader.DONE, fr.EMPTY, fr.LOADING, fr.DONE,
			fr instanceof EventTarget, Object.prototype.toString.call(fr), typeof fr.onload, fr.onload];`)
	assert.JSONEq(t, `[0,1,2,0,1,2,true,"[object FileReader]","object",null]`, got)
}

func TestFileReaderArrayBuffer(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		const blob = new Blob([new Uint8Array([1, 2, 255])]);
		const r = await read("readAsArrayBuffer", blob);
		const a = new Uint8Array(r.result);
		a[0] = 9; // the Blob's bytes must not change
		const again = new Uint8Array(await blob.arrayBuffer());
		return [r.result instanceof ArrayBuffer, r.fr.result === r.result, Array.from(a), Array.from(again)];`)
	assert.JSONEq(t, `[true,true,[9,2,255],[1,2,255]]`, got)
}

func TestFileReaderBinaryString(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		const r = await read("readAsBinaryString", new Blob([new Uint8Array([0x41, 0x00, 0xE9, 0xFF])]));
		return Array.from(r.result, c => c.charCodeAt(0));`)
	assert.Equal(t, `[65,0,233,255]`, got)
}

func TestFileReaderDataURL(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		return [
			(await read("readAsDataURL", new Blob(["hello"], { type: "Text/Plain" }))).result,
			(await read("readAsDataURL", new Blob(["hi?"]))).result,
			(await read("readAsDataURL", new Blob([]))).result,
		];`)
	assert.JSONEq(t, `["data:text/plain;base64,aGVsbG8=","data:application/octet-stream;base64,aGk/","data:application/octet-stream;base64,"]`, got)

	// An empty Blob: no progress event.
	got = mustJSON(t, e, readJS+`return (await read("readAsText", new Blob([]))).events;`)
	assert.JSONEq(t, `["loadstart:0/0:true:1","load:0/0:true:2","loadend:0/0:true:2"]`, got)
}

func TestFileReaderTextEncodings(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		const u8 = (...b) => new Uint8Array(b);
		const text = async (parts, opts, ...args) => (await read("readAsText", new Blob(parts, opts), ...args)).result;
		return [
			await text([u8(0xE9, 0x74, 0xE9)], {}, "latin1"),                   // label
			await text([u8(0xE9)], { type: "text/plain;charset=windows-1252" }), // blob type charset
			await text([u8(0xE9)], { type: "text/plain;charset=latin1" }, "bogus"), // unknown label: type charset
			await text([u8(0xE9)], {}, "bogus"),                                 // then UTF-8
			await text([u8(0xEF, 0xBB, 0xBF, 0x68, 0x69)], {}, "latin1"),       // UTF-8 BOM wins, stripped
			await text([u8(0xFF, 0xFE, 0x68, 0x00, 0x69, 0x00)]),               // UTF-16LE BOM
			await text([u8(0xFE, 0xFF, 0x00, 0x68, 0x00, 0x69)], {}, "utf-8"),  // UTF-16BE BOM
			await text([u8(0x68, 0x00, 0x69, 0x00)], {}, " UTF-16LE "),         // label, no BOM
			await text([u8(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF)]),               // only the first BOM goes
			await text([u8(0x41)], {}, "replacement"),
		].map(s => Array.from(s, c => c.codePointAt(0).toString(16)).join(" "));`)
	assert.JSONEq(t, `["e9 74 e9","e9","e9","fffd","68 69","68 69","68 69","68 69","feff","fffd"]`, got)
}

func TestFileReaderOnloadHandler(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		const seen = [];
		fr.onloadstart = (e) => seen.push(e.type + ":" + (e instanceof ProgressEvent) + ":" + e.isTrusted + ":" + (e.target === fr));
		fr.onprogress = (e) => seen.push(e.type);
		await new Promise((resolve) => {
			fr.onload = function (e) { seen.push(e.type + ":" + (this === fr) + ":" + this.result); };
			fr.onloadend = (e) => { seen.push(e.type); resolve(); };
			fr.readAsText(new Blob(["ok"]));
		});
		return seen;`)
	assert.JSONEq(t, `["loadstart:true:true:true","progress","load:true:ok","loadend"]`, got)
}

func TestFileReaderAbort(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		// Abort right after the read starts: abort, loadend, nothing else.
		const fr = new FileReader();
		const seen = [];
		for (const t of ["loadstart", "progress", "load", "abort", "error", "loadend"]) {
			fr.addEventListener(t, (e) => seen.push(t + ":" + fr.readyState + ":" + fr.result));
		}
		fr.readAsText(new Blob(["abc"]));
		fr.abort();
		const sync = seen.slice();
		await new Promise(r => setTimeoutLike(r));
		// Abort from a loadstart listener: the progress and load steps are dropped.
		const fr2 = new FileReader();
		const seen2 = [];
		for (const t of ["loadstart", "progress", "load", "abort", "loadend"]) {
			fr2.addEventListener(t, () => seen2.push(t));
		}
		fr2.onloadstart = () => fr2.abort();
		const done2 = new Promise(r => fr2.addEventListener("loadend", r));
		fr2.readAsArrayBuffer(new Blob(["abc"]));
		await done2;
		await new Promise(r => setTimeoutLike(r));
		// Abort while EMPTY or DONE: no events, result null.
		const fr3 = new FileReader();
		let events3 = 0;
		fr3.onabort = fr3.onloadend = () => events3++;
		fr3.abort();
		const r3 = await read("readAsText", new Blob(["z"]));
		r3.fr.onabort = r3.fr.onloadend = () => events3++;
		const before = r3.fr.result;
		r3.fr.abort();
		return { sync, seen, seen2, events3, before, after: r3.fr.result, state: r3.fr.readyState, error: fr.error };

		function setTimeoutLike(f) { // a few task turns, via a read
			const x = new FileReader(); x.onloadend = () => f(); x.readAsText(new Blob([]));
		}`)
	assert.JSONEq(t, `{"sync":["abort:2:null","loadend:2:null"],"seen":["abort:2:null","loadend:2:null"],
		"seen2":["loadstart","abort","loadend"],"events3":0,"before":"z","after":null,"state":2,"error":null}`, got)
}

func TestFileReaderInvalidState(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		fr.readAsText(new Blob(["a"]));
		let err;
		try { fr.readAsDataURL(new Blob(["b"])); } catch (e) { err = e; }
		await new Promise(r => fr.onloadend = r);
		return [err instanceof DOMException, err.name, err.code, fr.result];`)
	assert.JSONEq(t, `[true,"InvalidStateError",11,"a"]`, got)
}

func TestFileReaderReadAgainInLoadend(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		const results = [];
		await new Promise((resolve) => {
			fr.onloadend = () => {
				results.push(fr.result);
				if (results.length === 1) fr.readAsText(new Blob(["second"]));
				else resolve();
			};
			fr.readAsText(new Blob(["first"]));
		});
		return results;`)
	assert.JSONEq(t, `["first","second"]`, got)
}

func TestFileReaderReadAgainInLoadSkipsLoadend(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		const seen = [];
		await new Promise((resolve) => {
			let n = 0;
			fr.onload = () => { seen.push("load:" + fr.result); if (n++ === 0) fr.readAsText(new Blob(["2"])); };
			fr.onloadend = () => { seen.push("loadend:" + fr.result); resolve(); };
			fr.readAsText(new Blob(["1"]));
		});
		return seen;`)
	assert.JSONEq(t, `["load:1","load:2","loadend:2"]`, got)
}

func TestFileReaderTypeErrors(t *testing.T) {
	e := readerEnv(t)
	for _, m := range []string{"readAsArrayBuffer", "readAsBinaryString", "readAsText", "readAsDataURL"} {
		msg := e.MustThrow("TypeError", `new FileReader().`+m+`("not a blob")`)
		assert.Contains(t, msg, "parameter 1 is not of type 'Blob'")
		msg = e.MustThrow("TypeError", `new FileReader().`+m+`()`)
		assert.Contains(t, msg, "1 argument required")
	}
	// A TypeError does not start a read.
	got := mustJSON(t, e, `
		const fr = new FileReader();
		try { fr.readAsText({}); } catch {}
		return fr.readyState;`)
	assert.Equal(t, `0`, got)
	e.MustThrow("TypeError", `FileReader()`)
	e.MustThrow("TypeError", `FileReader.prototype.readAsText.call({}, new Blob([]))`)
}

func TestFileReaderFile(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, readJS+`
		const f = new File(["file body"], "a.txt", { type: "text/plain" });
		return [(await read("readAsText", f)).result, (await read("readAsDataURL", f.slice(0, 4))).result];`)
	assert.JSONEq(t, `["file body","data:application/octet-stream;base64,ZmlsZQ=="]`, got)
}

func TestProgressEventConstructor(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const a = new ProgressEvent("progress", { lengthComputable: true, loaded: 5, total: 10, bubbles: true, cancelable: true });
		const b = new ProgressEvent("x");
		const c = new ProgressEvent(undefined, { loaded: -1, total: 2.9 });
		return [a.type, a.lengthComputable, a.loaded, a.total, a.bubbles, a.cancelable, a.isTrusted,
			a instanceof Event, Object.prototype.toString.call(a),
			b.lengthComputable, b.loaded, b.total, b.bubbles,
			c.type, c.loaded, c.total];`)
	assert.JSONEq(t, `["progress",true,5,10,true,true,false,true,"[object ProgressEvent]",
		false,0,0,false,"undefined",18446744073709552000,2]`, got)
	e.MustThrow("TypeError", `new ProgressEvent()`)
	e.MustThrow("TypeError", `ProgressEvent("x")`)
	e.MustThrow("TypeError", `new ProgressEvent("x", 5)`)
	require.Empty(t, e.Run(`class P extends ProgressEvent {}; if (!(new P("a") instanceof P)) throw new Error("subclass")`).Err)
}

func TestProgressEventDispatch(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const t = new EventTarget();
		let seen;
		t.addEventListener("progress", (e) => { seen = [e.loaded, e.total, e.target === t]; });
		t.dispatchEvent(new ProgressEvent("progress", { loaded: 3, total: 4 }));
		return seen;`)
	assert.JSONEq(t, `[3,4,true]`, got)
}

func TestFileReaderIsAsynchronous(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		const fr = new FileReader();
		const seen = [];
		fr.onloadstart = () => seen.push("loadstart");
		fr.readAsText(new Blob(["a"]));
		seen.push("sync");
		await Promise.resolve();
		await Promise.resolve();
		seen.push("microtasks:" + fr.readyState);
		await new Promise(r => fr.onloadend = r);
		return seen;`)
	assert.JSONEq(t, `["sync","microtasks:1","loadstart"]`, got)
}

func TestFileReaderSubclassAndThrowingListener(t *testing.T) {
	e := readerEnv(t)
	got := mustJSON(t, e, `
		class R extends FileReader { hello() { return "hi"; } }
		const fr = new R();
		const seen = [];
		fr.addEventListener("load", () => { throw new Error("listener failure is reported, not fatal"); });
		fr.addEventListener("load", (e) => seen.push(e.target === fr));
		await new Promise((resolve) => {
			fr.onloadend = resolve;
			fr.readAsText(new Blob(["x"]), { toString() { return "utf-8"; } });
		});
		return [fr instanceof R, fr.hello(), fr.result, seen];`)
	assert.JSONEq(t, `[true,"hi","x",[true]]`, got)
}

func TestFileReaderOtherRequest(t *testing.T) {
	e := readerEnv(t)
	require.Empty(t, e.RunInit(`globalThis.shared = new FileReader();`).Err)
	// A reader made during initialization may be used by any request.
	got := mustJSON(t, e, `
		await new Promise((resolve) => { shared.onloadend = resolve; shared.readAsText(new Blob(["init"])); });
		globalThis.perRequest = new FileReader();
		return shared.result;`)
	assert.Equal(t, `"init"`, got)
	msg := e.MustThrow("TypeError", `perRequest.readAsText(new Blob(["x"]))`)
	assert.Contains(t, msg, "different request")
}

func TestFileReaderSharedReaderOutlivesRequest(t *testing.T) {
	e := readerEnv(t)
	require.Empty(t, e.RunInit(`globalThis.shared = new FileReader();`).Err)
	// This request ends before the read's tasks run: they are dropped.
	e.Do(func() {
		ctx := e.R.NewContext(context.Background(), "")
		e.R.RunTask(ctx, func() {
			_, err := e.R.VM().RunString(`shared.readAsText(new Blob(["lost"]))`)
			assert.NoError(t, err)
		})
		ctx.End()
	})
	got := mustJSON(t, e, `
		const before = [shared.readyState, shared.result];
		await new Promise((resolve) => { shared.onloadend = resolve; shared.readAsText(new Blob(["next"])); });
		return [before, shared.result];`)
	assert.JSONEq(t, `[[2,null],"next"]`, got)
}
