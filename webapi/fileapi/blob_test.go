package fileapi_test

import (
	"strconv"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

func env(t *testing.T) *jstest.Env {
	t.Helper()
	return jstest.New(t, dom.Install, fileapi.Install)
}

// mustJSON runs an async script body whose value is JSON.stringify'd.
func mustJSON(t *testing.T, e *jstest.Env, body string) string {
	t.Helper()
	v := e.MustRun("(async () => JSON.stringify(await (async () => {" + body + "})()))()")
	s, ok := v.(string)
	require.True(t, ok, "script returned %T %v", v, v)
	return s
}

func TestBlobEmpty(t *testing.T) {
	e := env(t)
	assert.JSONEq(t, `[0,"",0,"",0,"","[object Blob]"]`, mustJSON(t, e, `
		const a = new Blob(), b = new Blob([]), c = new Blob(undefined, undefined);
		return [a.size, a.type, b.size, b.type, c.size, await c.text(), Object.prototype.toString.call(a)];`))
}

func TestBlobMixedParts(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const buf = new Uint8Array([120, 97, 98, 120]).buffer;
		const b = new Blob([
			"ab",
			new Uint8Array([99, 100]),
			new Blob(["ef"]),
			new Uint16Array([0x6867]).buffer,       // little-endian: "gh"
			new DataView(new Uint8Array([105]).buffer),
			new Uint8Array(buf, 1, 2),               // a view with an offset: "ab"
			new Float32Array(0),
		]);
		return [b.size, await b.text()];`)
	assert.JSONEq(t, `[11,"abcdefghiab"]`, got)
}

func TestBlobStringConversion(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const parts = [null, undefined, 12, true, {toString() { return "x"; }}, [1, 2]];
		const holes = new Blob([, "y"]);
		const lone = new Blob(["\ud800a\udc00"]);
		const uni = new Blob(["é€😀"]);
		return [await new Blob(parts).text(), await holes.text(), lone.size, await lone.text() === "\ufffda\ufffd", uni.size];`)
	assert.JSONEq(t, `["nullundefined12truex1,2","undefinedy",7,true,9]`, got)
	e.MustThrow("TypeError", `new Blob([Symbol("s")])`)
	assert.Contains(t, e.MustThrow("Error", `new Blob([{toString() { throw new Error("boom"); }}])`), "boom")
}

func TestBlobNotASequence(t *testing.T) {
	e := env(t)
	for _, arg := range []string{`"abc"`, `null`, `123`, `{}`, `new Date()`, `{[Symbol.iterator]: 1}`} {
		msg := e.MustThrow("TypeError", `new Blob(`+arg+`)`)
		assert.Contains(t, msg, "Failed to construct 'Blob'", arg)
	}
	// Misbehaving iterators are script errors, never Go panics.
	e.MustThrow("TypeError", `new Blob({[Symbol.iterator]() { return 1; }})`)
	e.MustThrow("TypeError", `new Blob({[Symbol.iterator]() { return {}; }})`)
	e.MustThrow("TypeError", `new Blob({[Symbol.iterator]() { return {next() { return 5; }}; }})`)
	assert.Contains(t, e.MustThrow("RangeError", `new Blob({[Symbol.iterator]() { throw new RangeError("it"); }})`), "it")
	e.MustThrow("TypeError", `Blob()`)
}

func TestBlobIterables(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		function* gen() { yield "a"; yield new Uint8Array([98]); yield new Blob(["c"]); }
		const arr = [
			{ toString() { arr.pop(); return "PASS"; } },
			{ toString() { throw new Error("should have been removed"); } },
		];
		return [await new Blob(gen()).text(), await new Blob(new Set(["x", "y"])).text(), await new Blob(arr).text()];`)
	assert.JSONEq(t, `["abc","xy","PASS"]`, got)
}

func TestBlobConversionOrder(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const received = [];
		const parts = {
			get [Symbol.iterator]() {
				received.push("Symbol.iterator");
				return function* () { received.push("iterate"); yield { toString() { received.push("toString"); return "x"; } }; };
			},
		};
		new Blob(parts, {
			get type() { received.push("type"); return "a"; },
			get endings() { received.push("endings"); return "native"; },
		});
		return received;`)
	assert.JSONEq(t, `["Symbol.iterator","iterate","toString","endings","type"]`, got)
}

func TestBlobOptions(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const t = (o) => new Blob([], o).type;
		return [t({type: "Text/HTML"}), t({type: "t\u00e9xt/plain"}), t({type: "a\u0019b"}), t({type: " ~ "}),
			t({type: "text/plain;charset=UTF-8"}), t(null), t(() => 1), t({type: 5})];`)
	assert.JSONEq(t, `["text/html","",""," ~ ","text/plain;charset=utf-8","","","5"]`, got)
	e.MustThrow("TypeError", `new Blob([], 123)`)
	e.MustThrow("TypeError", `new Blob([], "text/plain")`)
	assert.Contains(t, e.MustThrow("TypeError", `new Blob([], {endings: "Native"})`), "EndingType")
}

func TestBlobEndings(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const s = "a\r\nb\rc\nd\r\r\n";
		const native = new Blob([s, "\r", "\n", new Uint8Array([13, 10, 13])], {endings: "native"});
		const transparent = new Blob([s], {endings: "transparent"});
		return [await native.text(), [...new Uint8Array(await native.arrayBuffer())].slice(-3), await transparent.text() === s];`)
	assert.JSONEq(t, `["a\nb\nc\nd\n\n\n\n\r\n\r",[13,10,13],true]`, got)
}

func TestBlobCopiesBuffers(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const u = new Uint8Array([1, 2, 3]);
		const b = new Blob([u]);
		u[0] = 9;
		const out1 = await b.bytes();
		out1[1] = 9;                        // the result is a copy too
		const out2 = new Uint8Array(await b.arrayBuffer());
		return [[...out1], [...out2], out2.buffer instanceof ArrayBuffer, out1 instanceof Uint8Array];`)
	assert.JSONEq(t, `[[1,9,3],[1,2,3],true,true]`, got)
}

func TestBlobText(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const bom = new Blob([new Uint8Array([0xEF, 0xBB, 0xBF, 0x61, 0xFF, 0x62])]);
		return [await bom.text() === "a\ufffdb", bom.size];`)
	assert.JSONEq(t, `[true,6]`, got)
	assert.Contains(t, e.MustThrow("TypeError", `Blob.prototype.text.call({})`), "Illegal invocation")
	e.MustThrow("TypeError", `Blob.prototype.arrayBuffer.call(new FormData())`)
	e.MustThrow("TypeError", `Object.getOwnPropertyDescriptor(Blob.prototype, "size").get.call({})`)
	assert.Equal(t, true, e.MustRun(`Blob.prototype.text.call(1) instanceof Promise`))
}

func TestBlobSlice(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const b = new Blob(["abcdefghijklmnop"], {type: "text/plain"});
		const cases = [[], [0], [4], [-4], [-100], [100], [2, 5], [5, 2], [-5, -2], [1, -1], [0, 100],
			[NaN, NaN], [1.5, 3.5], [2.5, 4.5], ["2", "4"], [undefined, 3], [Infinity], [-Infinity], [3, -Infinity],
			[null, 2], [-0.5, 1e300]];
		const out = [];
		for (const c of cases) out.push(await b.slice(...c).text());
		return out;`)
	assert.JSONEq(t, `["abcdefghijklmnop","abcdefghijklmnop","efghijklmnop","mnop","abcdefghijklmnop","","cde","",
		"lmn","bcdefghijklmno","abcdefghijklmnop","","cd","cd","cd","abc","","abcdefghijklmnop","","ab","abcdefghijklmnop"]`, got)

	got = mustJSON(t, e, `
		const b = new Blob(["abcdefghijklmnop"], {type: "text/plain"});
		const f = new File(["xyz"], "f.txt", {type: "text/plain"});
		const fs = f.slice(1);
		return [b.slice(0, 1).type, b.slice(0, 1, "TEXT/Plain").type, b.slice(0, 1, "\u00e9").type, b.slice(0, 1, null).type,
			await b.slice(2, 10).slice(1, 3).text(), b.slice(2, 10).slice(-100).size,
			fs instanceof File, fs instanceof Blob, await fs.text(), Blob.prototype.slice.length];`)
	assert.JSONEq(t, `["","text/plain","","null","de",8,false,true,"yz",0]`, got)
	e.MustThrow("TypeError", `new Blob(["a"]).slice(Symbol())`)
}

func TestBlobSliceSharesBytes(t *testing.T) {
	e := env(t)
	onLoop(t, e, func(t require.TestingT) {
		vm := e.R.VM()
		v, err := vm.RunString(`globalThis.big = new Blob([new Uint8Array(1000)]); [big, big.slice(10, 20), big.slice(990)]`)
		require.NoError(t, err)
		arr := v.(*goja.Object)
		whole, _, ok := fileapi.BlobFrom(arr.Get("0"))
		require.True(t, ok)
		part, _, ok := fileapi.BlobFrom(arr.Get("1"))
		require.True(t, ok)
		require.Len(t, part, 10)
		assert.Same(t, &whole[10], &part[0], "slice must share the bytes")
		assert.Equal(t, 10, cap(part), "a slice must not expose bytes past its end")
		tail, _, _ := fileapi.BlobFrom(arr.Get("2"))
		assert.Same(t, &whole[990], &tail[0])
	})
}

func TestBlobSubclassAndShape(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		class MyBlob extends Blob {
			constructor(parts) { super(parts, {type: "x/y"}); this.extra = 1; }
			hello() { return "hi"; }
		}
		const m = new MyBlob(["abc"]);
		const d = Object.getOwnPropertyDescriptor(Blob.prototype, "size");
		return [m instanceof MyBlob, m instanceof Blob, m.size, m.type, m.hello(), m.extra, await m.text(),
			Blob.length, Blob.name, typeof d.get, d.set === undefined, Object.keys(new Blob()).length,
			typeof Blob.prototype.stream, await new Blob([m, m]).text()];`)
	assert.JSONEq(t, `[true,true,3,"x/y","hi",1,"abc",0,"Blob","function",true,0,"function","abcabc"]`, got)
}

func TestBlobGoAPI(t *testing.T) {
	e := env(t)
	data := []byte("hello")
	onLoop(t, e, func(t require.TestingT) {
		obj := fileapi.NewBlob(e.R, data, "Text/Plain;Charset=UTF-8")
		got, typ, ok := fileapi.BlobFrom(obj)
		require.True(t, ok)
		assert.Same(t, &data[0], &got[0], "NewBlob takes ownership without copying")
		assert.Equal(t, "text/plain;charset=utf-8", typ)
		_ = e.R.VM().Set("goBlob", obj)
		_ = e.R.VM().Set("goBad", fileapi.NewBlob(e.R, nil, "t\u00e9xt"))
		_ = e.R.VM().Set("goFile", fileapi.NewFile(e.R, []byte("xy"), "n.bin", "Application/X", 1234))

		for _, v := range []goja.Value{goja.Undefined(), goja.Null(), e.R.VM().ToValue("s"), e.R.VM().NewObject()} {
			_, _, ok := fileapi.BlobFrom(v)
			assert.False(t, ok)
		}
		f, ok := fileapi.FileFrom(e.R.VM().Get("goFile"))
		require.True(t, ok)
		assert.Equal(t, "n.bin", f.Name())
		assert.Equal(t, int64(1234), f.LastModified())
		assert.Equal(t, "application/x", f.Type())
		assert.Equal(t, 2, f.Size())
		assert.Equal(t, "xy", string(f.Bytes()))
		_, ok = fileapi.FileFrom(obj)
		assert.False(t, ok, "a Blob is not a File")
	})
	assert.JSONEq(t, `["hello","text/plain;charset=utf-8","",true,"n.bin",1234,"xy"]`, mustJSON(t, e, `
		return [await goBlob.text(), goBlob.type, goBad.type, goFile instanceof File, goFile.name, goFile.lastModified, await goFile.text()];`))
}

// loopT lets require.* run on the realm's loop goroutine: FailNow panics
// with failNow (recovered by onLoop) instead of calling runtime.Goexit,
// which would end the loop goroutine and hang every later step.
type loopT struct{ t *testing.T }

type failNow struct{}

func (l loopT) Errorf(format string, args ...any) { l.t.Errorf(format, args...) }
func (l loopT) FailNow()                          { panic(failNow{}) }

// onLoop runs f on the loop goroutine (like jstest.Env.Do) with a TestingT
// that is safe to use with require there.
func onLoop(t *testing.T, e *jstest.Env, f func(t require.TestingT)) {
	t.Helper()
	failed := false
	e.Do(func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(failNow); !ok {
					panic(p)
				}
				failed = true
			}
		}()
		f(loopT{t})
	})
	if failed {
		t.FailNow()
	}
}

func TestBlobSizeLimit(t *testing.T) {
	e := env(t)
	onLoop(t, e, func(t require.TestingT) {
		fileapi.SetMaxBlobSize(e.R, 10)
		_ = e.R.VM().Set("big", fileapi.NewBlob(e.R, make([]byte, 20), ""))
	})
	assert.JSONEq(t, `[10,20,20,5]`, mustJSON(t, e, `
		return [new Blob(["12345", "67890"]).size, new Blob([big]).size, new File([big], "f").size, big.slice(0, 5).size];`))
	assert.Contains(t, e.MustThrow("RangeError", `new Blob(["12345", "678901"])`), "limit of 10 bytes")
	assert.Contains(t, e.MustThrow("RangeError", `new Blob([big, ""])`), "Failed to construct 'Blob'")
	assert.Contains(t, e.MustThrow("RangeError", `new File(["12345678901"], "n")`), "Failed to construct 'File'")
	// UTF-8 output larger than the UTF-16 length: caught after encoding.
	e.MustThrow("RangeError", `new Blob(["\u00e9".repeat(6)])`)
	e.MustThrow("RangeError", `new Blob([new Uint8Array(11)])`)
	onLoop(t, e, func(t require.TestingT) { fileapi.SetMaxBlobSize(e.R, 0) })
	assert.Equal(t, int64(11), e.MustRun(`new Blob([new Uint8Array(11)]).size`))
	assert.Contains(t, e.MustThrow("RangeError", `new Blob([big, new Uint8Array(`+strconv.Itoa(fileapi.DefaultMaxBlobSize)+`)])`),
		"limit of "+strconv.Itoa(fileapi.DefaultMaxBlobSize)+" bytes")
}
