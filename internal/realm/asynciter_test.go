package realm

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	"github.com/stretchr/testify/require"
)

// runScript lowers, compiles and runs src in a fresh realm (goja runs the
// promise jobs before RunProgram returns) and returns the global `out`.
func runScript(t *testing.T, src string) string {
	t.Helper()
	prog, err := ParseScript("test.js", src)
	require.NoError(t, err)
	InstrumentStackChecks(prog)
	p, err := goja.CompileAST(prog, false)
	require.NoError(t, err)
	r := New(Options{})
	_, err = r.VM().RunProgram(p)
	require.NoError(t, err)
	return r.VM().Get("out").String()
}

const asyncPrelude = `
var out = 'unfinished', log = [];
function asyncIterable(values, trace) {
  return { [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next(v) { trace && log.push('next'); return Promise.resolve(i < values.length ? { value: values[i++], done: false } : { value: 'R', done: true }) },
      return(v) { log.push('return'); return Promise.resolve({ value: v, done: true }) },
    };
  } };
}
function done(p) { p.then(v => { out = String(v) }, e => { out = 'rejected: ' + (e && e.name) + ': ' + (e && e.message) }) }
`

func TestForAwait(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"values":                    {`done((async () => { const got = []; for await (const x of asyncIterable([1, 2, 3])) got.push(x); return got.join() })())`, "1,2,3"},
		"sync iterable of promises": {`done((async () => { const got = []; for await (const x of [Promise.resolve(1), 2, Promise.resolve(3)]) got.push(x); return got.join() })())`, "1,2,3"},
		"break closes":              {`done((async () => { for await (const x of asyncIterable([1, 2, 3])) { if (x === 2) break } return log.join() })())`, "return"},
		"return closes":             {`done((async () => { for await (const x of asyncIterable([1, 2, 3])) { return x + ':' + log.length } })().then(v => v + ':' + log.join()))`, "1:0:return"},
		"throw closes, error wins":  {`done((async () => { try { for await (const x of asyncIterable([1])) throw new Error('boom') } catch (e) { return e.message + ':' + log.join() } })())`, "boom:return"},
		"finished is not closed":    {`done((async () => { for await (const x of asyncIterable([1, 2])); return 'n' + log.length })())`, "n0"},
		"next rejects, no close": {`done((async () => { const it = { [Symbol.asyncIterator]() { return { next() { return Promise.reject(new TypeError('bad next')) }, return() { log.push('return'); return {} } } } };
			try { for await (const x of it); } catch (e) { return e.message + ':' + log.length } })())`, "bad next:0"},
		"non-object result":                      {`done((async () => { for await (const x of { [Symbol.asyncIterator]() { return { next() { return 5 } } } }); })())`, "rejected: TypeError: Iterator result 5 is not an object"},
		"not iterable":                           {`done((async () => { for await (const x of 5); })())`, "rejected: TypeError: object is not async iterable"},
		"destructuring":                          {`done((async () => { let s = ''; for await (const [a, { b }] of [[1, { b: 2 }], [3, { b: 4 }]]) s += '' + a + b; return s })())`, "1234"},
		"var and assignment":                     {`done((async () => { var last; let o = {}; for await (var v of [1, 2]) last = v; for await (o.p of [7, 8]); return last + ':' + v + ':' + o.p })())`, "2:2:8"},
		"closures per iteration":                 {`done((async () => { const fs = []; for await (let x of [1, 2, 3]) fs.push(() => x); return fs.map(f => f()).join() })())`, "1,2,3"},
		"labels and continue":                    {`done((async () => { let s = ''; outer: for await (const a of [1, 2, 3]) { for await (const b of ['x', 'y']) { if (a === 2) continue outer; if (b === 'y') break; s += a + b } } return s })())`, "1x3x"},
		"nested and parenthesised":               {`done((async () => { let s = ''; for await (const a of ([1, 2])) for await (const b of (asyncIterable(['p', 'q']))) s += a + b; return s })())`, "1p1q2p2q"},
		"non-block body with semicolon and else": {`done((async () => { let s = ''; if (true) for await (const x of [1, 2]) s += (x); else s = 'no'; return s })())`, "12"},
		"comments around the head": {`done((async () => { let s = ''; for /* a */ await /* b */ ( /* c */ const x /* d */ of /* e */ ([1, 2]) /* f ) */ ) // g )
			{ s += x } return s })())`, "12"},
		"in async method":         {`const o = { async m() { let n = 0; for await (const x of [1, 2, 3]) n += x; return n } }; done(o.m())`, "6"},
		"readable from sync body": {`done((async () => { let n = 0; for await (const x of new Set([4, 5])) n += x; return n })())`, "9"},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tc.want, runScript(t, asyncPrelude+tc.src))
		})
	}
}

func TestAsyncGenerators(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"yield and await": {`async function* g() { yield 1; const x = await Promise.resolve(2); yield x; yield Promise.resolve(3) }
			done((async () => { const got = []; for await (const v of g()) got.push(v); return got.join() })())`, "1,2,3"},
		"return value is awaited": {`async function* g() { return Promise.resolve('r') }
			done(g().next().then(r => r.value + ':' + r.done))`, "r:true"},
		"return rejection is catchable inside": {`async function* g() { try { return Promise.reject(new Error('x')) } catch (e) { yield 'caught ' + e.message } }
			done(g().next().then(r => r.value))`, "caught x"},
		"queued next calls": {`async function* g() { yield 'a'; await null; yield 'b' }
			const it = g(); done(Promise.all([it.next(), it.next(), it.next()]).then(rs => rs.map(r => r.value + '/' + r.done).join()))`, "a/false,b/false,undefined/true"},
		"return() runs finally": {`async function* g() { try { yield 1; yield 2 } finally { await null; log.push('finally') } }
			const it = g(); done(it.next().then(() => it.return('early')).then(r => r.value + ':' + r.done + ':' + log.join()))`, "early:true:finally"},
		"throw() into generator": {`async function* g() { try { yield 1 } catch (e) { yield 'got ' + e } }
			const it = g(); done(it.next().then(() => it.throw('E')).then(r => r.value))`, "got E"},
		"throw() before start": {`async function* g() { log.push('ran'); yield 1 }
			const it = g(); done(it.throw(new Error('early')).catch(e => e.message + ':' + log.length + ':' + 0).then(async v => v + ':' + JSON.stringify(await it.next())))`, `early:0:0:{"done":true}`},
		"yield* async and sync": {`async function* inner() { yield 'i1'; yield 'i2'; return 'ret' }
			async function* outer() { const r = yield* inner(); yield r; yield* ['s1', Promise.resolve('s2')] }
			done((async () => { const got = []; for await (const v of outer()) got.push(v); return got.join() })())`, "i1,i2,ret,s1,s2"},
		"break closes generator": {`async function* g() { try { yield 1; yield 2 } finally { log.push('closed') } }
			done((async () => { for await (const v of g()) break; return log.join() })())`, "closed"},
		"error rejects and completes": {`async function* g() { yield 1; throw new RangeError('bad') }
			const it = g(); done(it.next().then(() => it.next()).catch(e => e.name).then(async n => n + ':' + (await it.next()).done))`, "RangeError:true"},
		"this and arguments": {`const o = { k: 'K', async *m(a, b = 2) { yield this.k + a + b + arguments.length } }
			done(o.m(1).next().then(r => r.value))`, "K121"},
		"class methods": {`class C { static async *s() { yield 's' } async *[Symbol.asyncIterator]() { yield 'c' } }
			done((async () => { const got = []; for await (const v of new C()) got.push(v); for await (const v of C.s()) got.push(v); return got.join() })())`, "c,s"},
		"expression and strict": {`const g = async function* named(n) { 'use strict'; yield typeof this; if (n) yield* named(n - 1) }
			done((async () => { const got = []; for await (const v of g(1)) got.push(v); return got.join() })())`, "undefined,undefined"},
		"nested functions keep their own await": {`async function* g() { const f = async () => await 5; yield await f(); yield (function* () { yield 6 })().next().value }
			done((async () => { const got = []; for await (const v of g()) got.push(v); return got.join() })())`, "5,6"},
		"async iterator protocol": {`async function* g() {}
			const it = g(); done(Promise.resolve(it[Symbol.asyncIterator]() === it && Object.prototype.toString.call(it)))`, "[object AsyncGenerator]"},
		"params throw synchronously": {`async function* g(a = (() => { throw new Error('param') })()) {}
			try { g() } catch (e) { out = 'sync ' + e.message }`, "sync param"},
		"for await inside async generator": {`async function* g(src) { for await (const x of src) yield x * 2 }
			done((async () => { const got = []; for await (const v of g(asyncIterable([1, 2]))) got.push(v); return got.join() })())`, "2,4"},
		"function prototype chain": {`async function* d() {} const e = async function* () {}, o = { p: async function* () {} };
			const AGF = Object.getPrototypeOf(d), AGP = AGF.prototype, AIP = Object.getPrototypeOf(AGP);
			out = [AGF === Object.getPrototypeOf(e), AGF === Object.getPrototypeOf(o.p), Object.prototype.toString.call(d), Object.getPrototypeOf(d.prototype) === AGP,
				Object.getPrototypeOf(d()) === AGP, typeof AIP[Symbol.asyncIterator], e.name, o.p.name, d.name, d.length].join()`, "true,true,[object AsyncGeneratorFunction],true,true,function,e,p,d,0"},
		"arguments in arrows": {`async function* g() { const f = () => arguments[0] + arguments.length + this.k; yield f(); yield arguments[1]; const o = { arguments: 1 }; yield o.arguments }
			done((async () => { const got = []; for await (const v of g.call({ k: 'K' }, 'A', 'B')) got.push(v); return got.join() })())`, "A2K,B,1"},
		"object-literal methods": {`const k = 'c]d', o = { async *m() { yield await Promise.resolve(5) }, async *'a b'() { yield 'ab' }, async *[k + '"]']() { yield 'cd' }, async *7() { yield 7 } };
			done((async () => { const got = []; for (const key of ['m', 'a b', 'c]d"]', '7']) for await (const v of o[key]()) got.push(v); return got.join() + ' ' + o.m.name + ' ' + (Object.getPrototypeOf(o.m) === Object.getPrototypeOf(async function* () {})) })())`, "5,ab,cd,7 m true"},
		"object-literal method after a for await": {`done((async () => { let n = 0; for await (const x of [1]) n += x; const o = { async *m() { yield await n } }; for await (const v of o.m()) n += v; return n })())`, "2"},
		"incompatible receiver": {`async function* g() {}
			done(g().next.call({}))`, "rejected: TypeError: AsyncGenerator.prototype.next called on an incompatible receiver"},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tc.want, runScript(t, asyncPrelude+tc.src))
		})
	}
}

// goja panics when a function's arguments is used only in its arrow
// functions; ParseScript makes the function name it itself.
func TestArgumentsInArrowFunctions(t *testing.T) {
	require.Equal(t, "A2,B,x", runScript(t, `function* g() { 'use strict'; const f = () => arguments[0] + arguments.length; yield f(); yield (() => () => arguments[1])()(); yield function () { return arguments[0] }('x') }
		var out = [...g('A', 'B')].join()`))
	require.Equal(t, "3", runScript(t, `var out = String((function () { const f = () => arguments.length; return f() })(1, 2, 3))`))
	require.Equal(t, "a,b 7", runScript(t, `function debounce(fn) { return function () { return Promise.resolve().then(() => fn.apply(this, arguments)) } }
		var out; debounce(function (a, b) { out = [a, b].join() + ' ' + this.k }).call({ k: 7 }, 'a', 'b')`))
	require.Equal(t, "strict", runScript(t, `function s() { 'use strict'; return (() => this === undefined && arguments.length === 0 ? 'strict' : 'sloppy')() } var out = s()`))
}

func TestAsyncIterationErrors(t *testing.T) {
	_, err := ParseScript("test.js", "var a = 1;\nfunction f() {\n  for await (const x of y);\n}")
	require.Error(t, err)
	var el parser.ErrorList
	require.ErrorAs(t, err, &el)
	require.Equal(t, 3, el[0].Position.Line)
	require.Contains(t, el[0].Message, "for await is only valid in async functions")

	// Other syntax errors are reported as they are, where they are.
	_, err = ParseScript("test.js", "async function f() {\n for await (const x of y) {}\n}\nlet = = 2;")
	require.ErrorAs(t, err, &el)
	require.Equal(t, 4, el[0].Position.Line)

	// goja's parser panics on \u{10FFFF}; it is read as the surrogate pair.
	require.Equal(t, "1 2 56319 57343 true", runScript(t, `var out = [..."\u{10FFFF}"].length + ' ' + "\u{10FFFF}".length + ' ' + "\u{10ffff}".charCodeAt(0) + ' ' + "\u{0010FFFF}".charCodeAt(1) + ' ' + /^\u{10FFFF}$/u.test("\u{10FFFF}")`))

	// A string that only looks like the syntax is left alone.
	require.Equal(t, "for await (x of y) async *m(){}", runScript(t, `var out = "for await (x of y) async *m(){}"`))
}

func TestAsyncIterationKeepsLineNumbers(t *testing.T) {
	src := asyncPrelude + `async function* g() {
  yield 1;
  for await (const x of [1]) {
    await null;
    throw new Error('here');
  }
}
const it = g(); done(it.next().then(() => it.next()).then(() => 0, e => e.stack + '|' + log.join()));
(async () => { for await (const x of [1]) { null.boom } })().catch(e => { log.push(e.stack) })
`
	got := runScript(t, src)
	line := strings.Count(asyncPrelude, "\n") + 5
	require.Contains(t, got, "test.js:"+strconv.Itoa(line)+":", got)
	require.Contains(t, got, "|TypeError", got)
	require.Contains(t, got, "test.js:"+strconv.Itoa(line+4)+":", got)
}

func TestSymbolAsyncIterator(t *testing.T) {
	r := New(Options{})
	v, err := r.VM().RunString(`typeof Symbol.asyncIterator + ' ' + String(Symbol.asyncIterator) + ' ' + (Symbol.asyncIterator !== Symbol.iterator) + ' ' + Object.getOwnPropertyDescriptor(Symbol, 'asyncIterator').writable`)
	require.NoError(t, err)
	require.Equal(t, "symbol Symbol(Symbol.asyncIterator) true false", v.String())
	// The helpers are out of the script's reach.
	v, err = r.VM().RunString(`Object.getOwnPropertyNames(globalThis).filter(n => /async/.test(n)).length`)
	require.NoError(t, err)
	require.Equal(t, int64(1), v.ToInteger(), "only the hidden, non-identifier global")
	// A script replacing the Symbol global does not break what is built later.
	_, err = r.VM().RunString(`globalThis.S = Symbol.asyncIterator; globalThis.Symbol = 1`)
	require.NoError(t, err)
	require.NoError(t, r.VM().Set("AIP", r.AsyncIteratorPrototype()))
	v, err = r.VM().RunString(`const p = {}; AIP[S].call(p) === p`)
	require.NoError(t, err)
	require.Equal(t, true, v.Export())
}
