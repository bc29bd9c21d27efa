package fileapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/fileapi"
)

func TestFormDataConstructor(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const a = new FormData(), b = new FormData(undefined), c = new FormData(undefined, null);
		return [[...a].length, [...b].length, [...c].length, Object.prototype.toString.call(a), FormData.length, FormData.name];`)
	assert.JSONEq(t, `[0,0,0,"[object FormData]",0,"FormData"]`, got)
	for _, arg := range []string{`null`, `{}`, `"form"`, `0`, `undefined, {}`} {
		msg := e.MustThrow("TypeError", `new FormData(`+arg+`)`)
		assert.Contains(t, msg, "not supported", arg)
	}
	e.MustThrow("TypeError", `FormData()`)
}

func TestFormDataOrderAndSet(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const fd = new FormData();
		fd.append("a", "1");
		fd.append("b", "2");
		fd.append("a", "3");
		fd.append("c", "4");
		fd.append("a", "5");
		const out = [fd.get("a"), fd.getAll("a"), fd.get("x"), fd.getAll("x"), fd.has("b"), fd.has("x")];
		fd.set("a", "6");               // replaces the first "a" in place, drops the others
		out.push([...fd]);
		fd.set("d", "7");               // appended when absent
		out.push([...fd.keys()]);
		fd.delete("b");
		fd.delete("nothing");
		out.push([...fd]);
		fd.delete("a");
		fd.delete("c");
		fd.delete("d");
		out.push([...fd]);
		return out;`)
	assert.JSONEq(t, `["1",["1","3","5"],null,[],true,false,
		[["a","6"],["b","2"],["c","4"]],
		["a","b","c","d"],
		[["a","6"],["c","4"],["d","7"]],
		[]]`, got)
}

func TestFormDataConversions(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const fd = new FormData();
		fd.append(1, 2);
		fd.append(null, undefined);
		fd.append("\ud800x", "y\udc00");
		fd.append({toString() { return "o"; }}, {toString() { return "v"; }});
		fd.append("n", "a\nb\r\nc\rd");   // kept as is; normalized only when serialized
		return [[...fd.keys()], [...fd.values()], fd.get("\ud800x") === "y\ufffd", fd.has("\udbffx") /* also U+FFFD */];`)
	assert.JSONEq(t, `[["1","null","\ufffdx","o","n"],["2","undefined","y\ufffd","v","a\nb\r\nc\rd"],true,true]`, got)
	e.MustThrow("TypeError", `new FormData().append(Symbol(), "v")`)
	e.MustThrow("TypeError", `new FormData().append("n", Symbol())`)
	assert.Contains(t, e.MustThrow("TypeError", `new FormData().append("n")`), "2 arguments required, but only 1 present")
	assert.Contains(t, e.MustThrow("TypeError", `new FormData().set("n")`), "'set' on 'FormData'")
	assert.Contains(t, e.MustThrow("TypeError", `new FormData().get()`), "1 argument required")
	e.MustThrow("TypeError", `new FormData().getAll()`)
	e.MustThrow("TypeError", `new FormData().has()`)
	e.MustThrow("TypeError", `new FormData().delete()`)
	assert.Contains(t, e.MustThrow("TypeError", `new FormData().append("a", "b", "c")`), "parameter 2 is not of type 'Blob'")
	e.MustThrow("TypeError", `new FormData().set("a", {}, "c")`)
	e.MustThrow("TypeError", `FormData.prototype.append.call({}, "a", "b")`)
	e.MustThrow("TypeError", `FormData.prototype.get.call(new Blob(), "a")`)
}

func TestFormDataBlobValues(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const fd = new FormData();
		const blob = new Blob(["xy"], {type: "Text/Plain"});
		const file = new File(["abc"], "orig.txt", {type: "text/csv", lastModified: 123});
		fd.append("b", blob);
		fd.append("b2", blob, "named.bin");
		fd.append("f", file);
		fd.append("f2", file, "renamed.txt");
		fd.append("f3", file, undefined);   // an explicit filename: "undefined"
		fd.set("s", new Blob([]), 12);
		const b = fd.get("b"), b2 = fd.get("b2"), f2 = fd.get("f2");
		return [
			b instanceof File, b.name, b.type, b.size, typeof b.lastModified, await b.text(), b !== blob,
			b2.name, await b2.text(),
			fd.get("f") === file,
			f2 !== file, f2 instanceof File, f2.name, f2.type, f2.lastModified, await f2.text(),
			fd.get("f3").name, fd.get("s").name, fd.get("s").size,
		];`)
	assert.JSONEq(t, `[true,"blob","text/plain",2,"number","xy",true,
		"named.bin","xy",
		true,
		true,true,"renamed.txt","text/csv",123,"abc",
		"undefined","12",0]`, got)

	got = mustJSON(t, e, `
		class MyBlob extends Blob {}
		const fd = new FormData();
		fd.append("m", new MyBlob(["q"]));
		fd.append("o", {size: 1, type: "x"});   // not a Blob: converted to a string
		return [fd.get("m") instanceof File, fd.get("m").name, fd.get("o")];`)
	assert.JSONEq(t, `[true,"blob","[object Object]"]`, got)
}

func TestFormDataIteration(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const fd = new FormData();
		fd.append("a", "1");
		fd.append("b", new Blob(["x"]));
		const it = fd.entries();
		const proto = Object.getPrototypeOf(it);
		const iterProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
		const first = it.next();
		fd.append("c", "3");              // iterators see later changes
		const rest = [];
		for (let r = it.next(); !r.done; r = it.next()) rest.push(typeof r.value[1] === "string" ? r.value : [r.value[0], r.value[1].name]);
		const done = it.next();
		return [
			Object.prototype.toString.call(it), proto[Symbol.toStringTag], Object.getPrototypeOf(proto) === iterProto,
			FormData.prototype[Symbol.iterator] === FormData.prototype.entries,
			Object.getPrototypeOf(fd.keys()) === proto, typeof proto.next, proto[Symbol.iterator]() === proto,
			first, rest, done.done, done.value === undefined,
			[...fd.keys()], [...fd.values()].map((v) => typeof v), Array.from(fd, ([k]) => k),
		];`)
	assert.JSONEq(t, `["[object FormData Iterator]","FormData Iterator",true,true,true,"function",true,
		{"value":["a","1"],"done":false},[["b","blob"],["c","3"]],true,true,
		["a","b","c"],["string","object","string"],["a","b","c"]]`, got)
	e.MustThrow("TypeError", `new FormData().entries().next.call({})`)
	e.MustThrow("TypeError", `FormData.prototype.keys.call({})`)

	// Deleting entries during iteration: the index walks the live list.
	got = mustJSON(t, e, `
		const fd = new FormData();
		for (const k of ["a", "b", "c", "d"]) fd.append(k, k);
		const seen = [];
		for (const [k] of fd) { seen.push(k); if (k === "a") fd.delete("a"); }
		return seen;`)
	assert.JSONEq(t, `["a","c","d"]`, got)
}

func TestFormDataForEach(t *testing.T) {
	e := env(t)
	got := mustJSON(t, e, `
		const fd = new FormData();
		fd.append("a", "1");
		fd.append("b", "2");
		const calls = [];
		const thisArg = {tag: "T"};
		fd.forEach(function (value, key, obj) {
			calls.push([value, key, obj === fd, this.tag]);
			if (key === "a") fd.append("c", "3");
		}, thisArg);
		return [calls, FormData.prototype.forEach.length];`)
	assert.JSONEq(t, `[[["1","a",true,"T"],["2","b",true,"T"],["3","c",true,"T"]],1]`, got)
	assert.Contains(t, e.MustThrow("TypeError", `new FormData().forEach({})`), "not a function")
	e.MustThrow("TypeError", `new FormData().forEach()`)
	assert.Contains(t, e.MustThrow("Error", `const f = new FormData(); f.append("a", "b"); f.forEach(() => { throw new Error("cb"); })`), "cb")
}

func TestFormDataGoAPI(t *testing.T) {
	e := env(t)
	e.MustRun(`
		globalThis.jsFD = new FormData();
		jsFD.append("s", "v");
		jsFD.append("f", new Blob(["data"], {type: "image/png"}), "p.png");
		globalThis.sub = new (class extends FormData {})();
		sub.append("x", "y");`)
	onLoop(t, e, func(t require.TestingT) {
		vm := e.R.VM()
		fd, ok := fileapi.FormDataFrom(vm.Get("jsFD"))
		require.True(t, ok)
		require.Equal(t, 2, fd.Len())
		ents := fd.Entries()
		assert.Equal(t, "s", ents[0].Name)
		assert.Equal(t, "v", ents[0].Value)
		assert.False(t, ents[0].IsFile())
		require.True(t, ents[1].IsFile())
		assert.Equal(t, "f", ents[1].Name)
		assert.Equal(t, "p.png", ents[1].File.Name())
		assert.Equal(t, "image/png", ents[1].File.Type())
		assert.Equal(t, "data", string(ents[1].File.Bytes()))

		sub, ok := fileapi.FormDataFrom(vm.Get("sub"))
		require.True(t, ok)
		assert.Equal(t, "y", sub.Entries()[0].Value)
		_, ok = fileapi.FormDataFrom(vm.NewObject())
		assert.False(t, ok)
		_, ok = fileapi.FormDataFrom(nil)
		assert.False(t, ok)

		obj, goFD := fileapi.NewFormData(e.R)
		goFD.AppendString("k", "v")
		goFD.AppendFile("up", []byte("123"), "u.txt", "Text/Plain")
		_ = vm.Set("goFD", obj)
	})
	got := mustJSON(t, e, `
		const f = goFD.get("up");
		return [goFD instanceof FormData, goFD.get("k"), f instanceof File, f.name, f.type, await f.text()];`)
	assert.JSONEq(t, `[true,"v",true,"u.txt","text/plain","123"]`, got)
}
