package url_test

import (
	"encoding/json"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/url"
)

func newEnv(t testing.TB) *jstest.Env { return jstest.New(t, dom.Install, url.Install) }

func TestURLBasics(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const u = new URL("https://user:pw@EXAMPLE.com:443/a/../b?x=1#h");
	[u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port,
	 u.pathname, u.search, u.hash, u.searchParams.get("x"), String(u), u.toJSON(), JSON.stringify({u})].join("|")`)
	require.Equal(t, "https://user:pw@example.com/b?x=1#h|https://example.com|https:|user|pw|example.com|example.com||"+
		"/b|?x=1|#h|1|https://user:pw@example.com/b?x=1#h|https://user:pw@example.com/b?x=1#h|"+
		`{"u":"https://user:pw@example.com/b?x=1#h"}`, v)

	require.Equal(t, "http://h/a/d", e.MustRun(`new URL("../d", "http://h/a/b/c").href`))
	require.Equal(t, "http://h/a/d", e.MustRun(`new URL("../d", new URL("http://h/a/b/c")).href`))
	require.Equal(t, "sc:x", e.MustRun(`new URL("sc:x", undefined).href`))
	require.Equal(t, "http://h/null", e.MustRun(`new URL(null, "http://h/").href`))
	require.Equal(t, "http://[::1]:8/", e.MustRun(`new URL("http://[0::1]:8").href`))
	require.Equal(t, "http://xn--nxasmm1c.com/", e.MustRun(`new URL("http://βόλος.com").href`))
	// Lone surrogates are USVString-converted to U+FFFD.
	require.Equal(t, "http://h/%EF%BF%BD?%EF%BF%BD#%EF%BF%BD", e.MustRun(`new URL("http://h/\uD800?\uDC00#\uDFFF").href`))
}

func TestURLErrors(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ src, name, msg string }{
		{`new URL("nope")`, "TypeError", `TypeError: Invalid URL: "nope"`},
		{`new URL("x", "also nope")`, "TypeError", `TypeError: Invalid base URL: "also nope"`},
		{`new URL("http://[")`, "TypeError", `TypeError: Invalid URL: "http://["`},
		{`new URL("x", "mailto:a")`, "TypeError", `TypeError: Invalid URL: "x" (base "mailto:a")`},
		{`new URL()`, "TypeError", "TypeError: Failed to construct 'URL': 1 argument required, but only 0 present."},
		{`new URL(undefined)`, "TypeError", ""}, // explicit undefined reads as missing (realm.NewClass fast constructor)
		{`new URL(null, "http://h/")`, "", ""},
		{`URL("http://h")`, "TypeError", ""},
		{`new URL(Symbol("s"))`, "TypeError", "TypeError: Cannot convert a Symbol value to a string"},
		{`new URL({toString() { throw new RangeError("boom") }})`, "RangeError", "RangeError: boom"},
		{`new URL("http://h").href = "bad"`, "TypeError", `TypeError: Invalid URL: "bad"`},
		{`Object.getOwnPropertyDescriptor(URL.prototype, "href").get.call({})`, "TypeError", "TypeError: Illegal invocation: the receiver is not a URL"},
		{`URL.prototype.toString.call(new URLSearchParams())`, "TypeError", "TypeError: Illegal invocation: the receiver is not a URL"},
		{`URL.canParse()`, "TypeError", "TypeError: Failed to execute 'canParse' on 'URL': 1 argument required, but only 0 present."},
	} {
		res := e.Run(c.src)
		require.Equal(t, c.name, res.Name, c.src)
		if c.msg != "" {
			require.Equal(t, c.msg, res.Err, c.src)
		}
	}
	// A failed href set leaves the URL unchanged.
	require.Equal(t, "http://h/", e.MustRun(`const u = new URL("http://h"); try { u.href = "::" } catch {} u.href`))
}

func TestURLStatics(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`[URL.canParse("http://h"), URL.canParse("x"), URL.canParse("x", "http://h/"),
		URL.canParse("x", "bad"), URL.parse("x") === null, URL.parse("x", "http://h/a/").href,
		URL.parse("http://h") instanceof URL, URL.parse("http://h") !== URL.parse("http://h"),
		URL.canParse.length, URL.parse.length, URL.length, URL.name].join(",")`)
	require.Equal(t, "true,false,true,false,true,http://h/a/x,true,true,1,1,1,URL", v)
}

func TestURLSetters(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const u = new URL("http://example.net/p?q#f");
	const out = [];
	const set = (k, val) => { u[k] = val; out.push(u.href); };
	set("protocol", "https:"); set("protocol", "foo"); set("username", "a@b"); set("password", "p w");
	set("host", "h.org:81"); set("hostname", "EX.com"); set("port", "443"); set("port", "x");
	set("port", "8080"); set("port", ""); set("pathname", "/a b/../c"); set("search", "a=1&b=2");
	set("hash", "top"); set("search", ""); set("hash", ""); set("hostname", "");
	set("href", "sc://h/x");
	out.join("\n")`)
	require.Equal(t, `https://example.net/p?q#f
https://example.net/p?q#f
https://a%40b@example.net/p?q#f
https://a%40b:p%20w@example.net/p?q#f
https://a%40b:p%20w@h.org:81/p?q#f
https://a%40b:p%20w@ex.com:81/p?q#f
https://a%40b:p%20w@ex.com/p?q#f
https://a%40b:p%20w@ex.com/p?q#f
https://a%40b:p%20w@ex.com:8080/p?q#f
https://a%40b:p%20w@ex.com/p?q#f
https://a%40b:p%20w@ex.com/c?q#f
https://a%40b:p%20w@ex.com/c?a=1&b=2#f
https://a%40b:p%20w@ex.com/c?a=1&b=2#top
https://a%40b:p%20w@ex.com/c#top
https://a%40b:p%20w@ex.com/c
https://a%40b:p%20w@ex.com/c
sc://h/x`, v)
}

func TestSearchParamsSync(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const u = new URL("http://h/?a=1&b=2&a=3");
	const sp = u.searchParams;
	const out = [sp === u.searchParams, sp.getAll("a").join("+"), sp.size];
	sp.append("c", "x y");           out.push(u.href);
	sp.delete("a");                  out.push(u.search);
	u.search = "?z=%20&z=2";         out.push(sp.get("z") + "|" + sp.size + "|" + (sp === u.searchParams));
	u.href = "http://h/p?k=v";       out.push(sp.toString());
	sp.delete("k");                  out.push(u.href);
	sp.set("n", "1");                out.push(u.href);
	u.search = "";                   out.push(sp.size + "|" + u.href);
	u.search = "a\tb=c";             out.push(sp.get("a\tb") + "|" + u.href);
	const m = new URL("mailto:x?y=1");
	m.searchParams.set("y", "2");    out.push(m.href);
	m.searchParams.delete("y");      out.push(m.href);
	out.join("\n")`)
	require.Equal(t, `true
1+3
3
http://h/?a=1&b=2&a=3&c=x+y
?b=2&c=x+y
 |2|true
k=v
http://h/p
http://h/p?n=1
0|http://h/p
c|http://h/p?ab=c
mailto:x?y=2
mailto:x`, v)
}

func TestSearchParamsConstructor(t *testing.T) {
	e := newEnv(t)
	for src, want := range map[string]string{
		`new URLSearchParams().toString()`:                                                       "",
		`new URLSearchParams(undefined).toString()`:                                              "",
		`new URLSearchParams("?a=b&c").toString()`:                                               "a=b&c=",
		`new URLSearchParams("??a=b").toString()`:                                                "%3Fa=b",
		`new URLSearchParams("a=b+c%20d&&=e").get("a")`:                                          "b c d",
		`new URLSearchParams([["a", "1"], ["b", 2]]).toString()`:                                 "a=1&b=2",
		`new URLSearchParams(new Map([["m", "n"]])).toString()`:                                  "m=n",
		`new URLSearchParams({x: 1, "y z": "w"}).toString()`:                                     "x=1&y+z=w",
		`new URLSearchParams(new URLSearchParams("q=1&q=2")).toString()`:                         "q=1&q=2",
		`new URLSearchParams({[Symbol.iterator]: function* () { yield ["g", "h"] }}).toString()`: "g=h",
		`new URLSearchParams([["\uD800", "\uDC00x"]]).toString()`:                                "%EF%BF%BD=%EF%BF%BDx",
		`new URLSearchParams("a=%FF").get("a")`:                                                  "\uFFFD",
		`new URLSearchParams("!'()~*-._ =").toString()`:                                          "%21%27%28%29%7E*-._+=",
		`new URLSearchParams(123).toString()`:                                                    "123=",
		`(class extends URLSearchParams {}).name + (new (class X extends URLSearchParams { f() { return this.get("a") } })("a=5")).f()`: "5",
		// A URLSearchParams argument is converted like any object: through
		// its @@iterator (GetMethod), not by copying its list.
		`new URLSearchParams(new (class extends URLSearchParams { *[Symbol.iterator]() { yield ["a", "b"] } })("x=1")).toString()`:                                                                "a=b",
		`const sp = new URLSearchParams("x=1"); Object.setPrototypeOf(sp, {__proto__: URLSearchParams.prototype, *[Symbol.iterator]() { yield ["c", "d"] }}); new URLSearchParams(sp).toString()`: "c=d",
		`const sq = new URLSearchParams("x=1"); Object.setPrototypeOf(sq, {__proto__: URLSearchParams.prototype, [Symbol.iterator]: undefined}); new URLSearchParams(sq).toString()`:              "",
	} {
		require.Equal(t, want, e.MustRun(src), src)
	}
	for _, src := range []string{
		`new URLSearchParams([["a"]])`,
		`new URLSearchParams([["a", "b", "c"]])`,
		`new URLSearchParams([1])`,
		`new URLSearchParams({[Symbol.iterator]: 1})`,
		`URLSearchParams("a=b")`,
		`new URLSearchParams(Symbol())`,
		`new URLSearchParams([["a", Symbol()]])`,
		`new URLSearchParams({a: Symbol()})`,
		`new URLSearchParams(DOMException.prototype)`,
	} {
		res := e.Run(src)
		require.Equal(t, "TypeError", res.Name, "%s: %s", src, res.Err)
	}
	require.Contains(t, e.Run(`new URLSearchParams([["a", "b", "c"]])`).Err, "pair")
}

func TestSearchParamsMethods(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const p = new URLSearchParams("a=1&b=2&a=3&c=4");
	const out = [];
	out.push(p.get("a"), p.get("zz"), p.getAll("a").join(","), p.getAll("zz").length, p.has("b"), p.has("zz"),
		p.has("a", "3"), p.has("a", "9"), p.size);
	p.delete("a", "1"); out.push(p.toString());
	p.delete("a", undefined); out.push(p.toString());
	p.append("b", "5"); p.set("b", "6"); out.push(p.toString());
	p.set("new", "v"); out.push(p.toString());
	const s = new URLSearchParams("z=1&a=2&\uFB03=3&\uD83C\uDF08=4&a=5&=6&A=7");
	s.sort(); out.push([...s.keys()].join(" "), [...s.values()].join(" "));
	out.join("|")`)
	require.Equal(t, "1||1,3|0|true|false|true|false|4|b=2&a=3&c=4|b=2&c=4|b=6&c=4|b=6&c=4&new=v|"+
		" A a a z \U0001F308 \uFB03|6 7 2 5 1 4 3", v)

	for _, src := range []string{
		`new URLSearchParams().append("a")`,
		`new URLSearchParams().set("a")`,
		`new URLSearchParams().get()`,
		`new URLSearchParams().forEach(1)`,
		`URLSearchParams.prototype.get.call({}, "a")`,
		`Object.getOwnPropertyDescriptor(URLSearchParams.prototype, "size").get.call(new URL("http://h"))`,
	} {
		require.Equal(t, "TypeError", e.Run(src).Name, src)
	}
	res := e.Run(`new URLSearchParams("a=1").forEach(() => { throw new RangeError("from callback") })`)
	require.Equal(t, "RangeError: from callback", res.Err)
	res = e.Run(`new URLSearchParams({[Symbol.iterator]: function* () { yield ["a", "b"]; throw new SyntaxError("iter") }})`)
	require.Equal(t, "SyntaxError: iter", res.Err)
	require.Equal(t, "TypeError: Failed to execute 'append' on 'URLSearchParams': 2 arguments required, but only 1 present.",
		e.Run(`new URLSearchParams().append("a")`).Err)
}

func TestSearchParamsIteration(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const p = new URLSearchParams("a=1&b=2");
	const it = p.entries();
	const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
	const proto = Object.getPrototypeOf(it);
	const out = [
		p[Symbol.iterator] === p.entries,
		Object.prototype.toString.call(it),
		proto[Symbol.toStringTag],
		Object.getPrototypeOf(proto) === IteratorPrototype,
		Object.getPrototypeOf(p.keys()) === proto,
		it[Symbol.iterator]() === it,
		typeof proto.next,
		JSON.stringify(it.next()),
		JSON.stringify([...p]),
		JSON.stringify(Array.from(p.values())),
	];
	// Live iteration: deleting the current pair skips the next one (WPT urlsearchparams-foreach).
	const q = new URLSearchParams("a=1&b=2&c=3&d=4");
	const seen = [];
	for (const [k] of q) { seen.push(k); if (k === "a") q.delete("a"); }
	out.push(seen.join(""));
	// Appending during iteration is observed.
	const r = new URLSearchParams("x=1");
	const got = [];
	for (const [k, v] of r) { got.push(k + v); if (got.length < 3) r.append("y", String(got.length)); }
	out.push(got.join(","));
	// An exhausted iterator sees pairs appended later (WebIDL default iterator).
	const s = new URLSearchParams();
	const si = s.keys();
	out.push(si.next().done);
	s.append("late", "");
	out.push(si.next().value);
	const fe = [];
	new URLSearchParams("a=1&b=2").forEach(function (v, k, o) { fe.push(k + "=" + v + ":" + (o instanceof URLSearchParams) + ":" + this.t); }, {t: "T"});
	out.push(fe.join(";"));
	let threw = "";
	try { proto.next.call({}) } catch (e) { threw = e.name }
	out.push(threw);
	out.join("|")`)
	require.Equal(t, `true|[object URLSearchParams Iterator]|URLSearchParams Iterator|true|true|true|function|`+
		`{"value":["a","1"],"done":false}|[["a","1"],["b","2"]]|["1","2"]|acd|x1,y1,y2|true|late|`+
		`a=1:true:T;b=2:true:T|TypeError`, v)
}

func TestURLObjectShape(t *testing.T) {
	e := newEnv(t)
	v := e.MustRun(`const names = ["href","origin","protocol","username","password","host","hostname","port","pathname","search","searchParams","hash"];
	const out = names.map(n => { const d = Object.getOwnPropertyDescriptor(URL.prototype, n); return n + (d.set ? "rw" : "r") + (d.enumerable ? "e" : "") });
	out.push(Object.prototype.toString.call(new URL("http://h")), Object.prototype.toString.call(new URLSearchParams()));
	class MyURL extends URL { get extra() { return this.pathname + "!" } }
	const m = new MyURL("http://h/p");
	out.push(m.extra, m instanceof URL, Object.keys(new URL("http://h")).length);
	out.join(",")`)
	require.Equal(t, "hrefrwe,originre,protocolrwe,usernamerwe,passwordrwe,hostrwe,hostnamerwe,portrwe,pathnamerwe,"+
		"searchrwe,searchParamsre,hashrwe,[object URL],[object URLSearchParams],/p!,true,0", v)
}

func TestGoInterop(t *testing.T) {
	e := newEnv(t)
	var rec *url.Record
	e.Do(func() {
		r := e.R
		obj := url.NewURL(r, url.MustParse("https://go.dev/doc?x=1"))
		require.NoError(t, r.VM().Set("fromGo", obj))
	})
	require.Equal(t, "/doc|1", e.MustRun(`fromGo.pathname + "|" + fromGo.searchParams.get("x")`))
	e.Do(func() {
		r := e.R
		v, err := r.VM().RunString(`fromGo.pathname = "/changed"; fromGo`)
		require.NoError(t, err)
		u, ok := v.(*goja.Object).Export().(*url.URL)
		require.True(t, ok)
		rec = url.FromValue(r, v, nil)
		custom, err := r.VM().RunString(`new (class extends URL { toString() { return "https://other/" } })("http://h/")`)
		require.NoError(t, err)
		require.Equal(t, "https://other/", url.FromValue(r, custom, nil).String())
		require.Equal(t, "https://go.dev/changed?x=1", u.Record().String())
		base := url.MustParse("http://b/dir/")
		require.Equal(t, "http://b/dir/rel", url.FromValue(r, r.VM().ToValue("rel"), base).String())
		sp, err := r.VM().RunString(`new URLSearchParams("a=1&b=x y")`)
		require.NoError(t, err)
		p, ok := sp.(*goja.Object).Export().(*url.SearchParams)
		require.True(t, ok)
		require.Equal(t, [][2]string{{"a", "1"}, {"b", "x y"}}, p.Pairs())
		require.Equal(t, "a=1&b=x+y", p.String())
	})
	require.Equal(t, "https://go.dev/changed?x=1", rec.String())
	res := e.Run(`throw 1`)
	require.NotEmpty(t, res.Err)
}

func TestLazyGlobals(t *testing.T) {
	e := newEnv(t)
	// Before first use the globals are there, and typeof/in work.
	require.Equal(t, "function,function,true", e.MustRun(`[typeof URL, typeof URLSearchParams, "URL" in globalThis].join()`))
	// After first use they are WebIDL data properties.
	v := e.MustRun(`const d = Object.getOwnPropertyDescriptor(globalThis, "URL");
		[d.writable, d.enumerable, d.configurable, d.value === URL, Object.keys(globalThis).includes("URL")].join()`)
	require.Equal(t, "true,false,true,true,false", v)

	// Assigning before first use replaces the binding.
	e2 := newEnv(t)
	require.Equal(t, "5,true", e2.MustRun(`URLSearchParams = 5; [URLSearchParams, Object.getOwnPropertyDescriptor(globalThis, "URLSearchParams").writable].join()`))
	require.Equal(t, "http://x/", e2.MustRun(`new URL("http://x").href`))

	// Objects made from Go before the globals are touched share the class.
	e3 := newEnv(t)
	e3.Do(func() { require.NoError(t, e3.R.VM().Set("fromGo", url.NewURL(e3.R, url.MustParse("http://g/")))) })
	require.Equal(t, true, e3.MustRun(`fromGo instanceof URL && Object.getPrototypeOf(fromGo) === URL.prototype`))

	// Static initialization can use URL too.
	e4 := newEnv(t)
	res := e4.RunInit(`globalThis.u0 = new URL("https://init/"); u0.host`)
	require.Equal(t, "init", res.Value)
	require.Equal(t, "https://init/?a=1", e4.MustRun(`u0.searchParams.set("a", 1); u0.href`))
}

// TestSearchParamsSpecCases checks behaviours the WPT urlsearchparams-*
// tests exercise (sorting by code units, iteration while mutating, the
// serializer's escapes and URL sync).
func TestSearchParamsSpecCases(t *testing.T) {
	e := newEnv(t)
	sorts := map[string]string{
		"z=b&a=b&z=a&a=a":          "a=b&a=a&z=b&z=a",
		"\uFFFD=x&\uFFFC&\uFFFD=a": "%EF%BF%BC=&%EF%BF%BD=x&%EF%BF%BD=a",
		"\uFB03&\U0001F308":        "%F0%9F%8C%88=&%EF%AC%83=",
		"é&e\uFFFD&e\u0301":        "e%CC%81=&e%EF%BF%BD=&%C3%A9=",
		"bbb&bb&aaa&aa=x&aa=y":     "aa=x&aa=y&aaa=&bb=&bbb=",
		"z=z&=f&=t&=x":             "=f&=t&=x&z=z",
		"a\U0001F308&a\U0001F4A9":  "a%F0%9F%8C%88=&a%F0%9F%92%A9=",
	}
	for in, want := range sorts {
		got := e.MustRun(`(() => { const p = new URLSearchParams(` + jsString(in) + `); p.sort();
			const u = new URL("?" + ` + jsString(in) + `, "https://example/"); u.searchParams.sort();
			const a = p.toString(), b = new URLSearchParams(u.search).toString();
			return a === b ? a : a + " != " + b })()`)
		require.Equal(t, want, got, "sort %q", in)
	}
	v := e.MustRun(`const out = [];
	let a = new URL("http://a.b/c?a=1&b=2&c=3&d=4"), c = [];
	for (const i of a.searchParams) { a.search = "x=1&y=2&z=3"; c.push(i.join("=")); }
	out.push(c.join("&"));
	let sp = new URL("http://l/q?p0=0&p1=1&p2=2").searchParams, seen = [];
	for (const p of sp) { seen.push(p[0]); sp.delete(p[0]); }
	out.push(seen.join(",") + "/" + sp);
	const u0 = new URL("http://example.com/?"); u0.searchParams.sort(); out.push(u0.href);
	const u1 = new URL("http://www.example.com/?a=b,c"); out.push(u1.searchParams.toString());
	u1.searchParams.append("x", "y"); out.push(u1.href);
	const p = new URLSearchParams(); p.append("a\nb", "c\rd"); p.append("e\n\rf", "g\r\nh"); out.push(p + "");
	out.push(new URLSearchParams("a = b &a=b&c=d%20") + "", new URLSearchParams("b=%2%2af%2a") + "", new URLSearchParams("b=%%2a").get("b"));
	const u2 = new URL("http://example.org/file??a=b&c=d"); out.push(u2.search, u2.searchParams + "");
	u2.href = "http://example.org/file??a=b"; out.push(u2.searchParams + "");
	let threw = false;
	(function () { "use strict"; try { u2.searchParams = new URLSearchParams() } catch (e) { threw = e instanceof TypeError } })();
	out.push(threw);
	out.join("|")`)
	require.Equal(t, "a=1&y=2&z=3|p0,p2/p1=1|http://example.com/|a=b%2Cc|http://www.example.com/?a=b%2Cc&x=y|"+
		"a%0Ab=c%0Dd&e%0A%0Df=g%0D%0Ah|a+=+b+&a=b&c=d+|b=%252*f*|%*|??a=b&c=d|%3Fa=b&c=d|%3Fa=b|true", v)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
