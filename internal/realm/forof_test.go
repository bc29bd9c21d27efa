package realm

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/stretchr/testify/require"
)

// countLowered is how many for-of loops ParseScript gave an indexed body.
func countLowered(t *testing.T, src string) int {
	t.Helper()
	prog, err := ParseScript("test.js", src)
	require.NoError(t, err)
	n := 0
	inspect(reflect.ValueOf(prog), nil, func(node ast.Node, _ []ast.Node) bool {
		if fs, ok := node.(*ast.ForStatement); ok {
			if d, ok := fs.Initializer.(*ast.ForLoopInitializerLexicalDecl); ok {
				if id, ok := d.LexicalDeclaration.List[0].Target.(*ast.Identifier); ok && id.Name == forOfIndexName {
					n++
				}
			}
		}
		return true
	})
	return n
}

func TestArrayForOfLowering(t *testing.T) {
	for name, tc := range map[string]struct {
		src     string
		want    string
		lowered int
	}{
		"sum":                                 {`let s = 0; for (const n of [1, 2, 3]) s += n; out = s`, "6", 1},
		"let, block":                          {`let s = ''; for (let x of ['a', 'b']) { x += '!'; s += x } out = s`, "a!b!", 1},
		"closures":                            {`const fs = []; for (const x of [1, 2, 3]) fs.push(() => x); out = fs.map(f => f()).join()`, "1,2,3", 1},
		"destructuring":                       {`let s = ''; for (const [a, { b }] of [[1, { b: 2 }], [3, { b: 4 }]]) s += '' + a + b; out = s`, "1234", 1},
		"holes read through the prototype":    {`Array.prototype[1] = 'p'; let s = []; for (const x of [0, , 2]) s.push(x); delete Array.prototype[1]; out = s.join()`, "0,p,2", 1},
		"live length (push while iterating)":  {`const a = [1, 2]; let s = ''; for (const x of a) { s += x; if (a.length < 4) a.push(x * 10) } out = s`, "121020", 1},
		"shrinks while iterating":             {`const a = [1, 2, 3, 4]; let s = ''; for (const x of a) { s += x; a.length = 2 } out = s`, "12", 1},
		"break, continue, return":             {`function f(a) { let s = ''; for (const x of a) { if (x === 2) continue; if (x === 4) return s; s += x } return 'end' } out = f([1, 2, 3, 4, 5])`, "13", 1},
		"labels":                              {`let s = ''; outer: for (const a of [1, 2, 3]) { for (let j = 0; j < 2; j++) { if (a === 2) continue outer; if (j === 1) break outer; s += a + ':' + j } } out = s`, "1:0", 1},
		"nested: only the inner loop":         {`let s = ''; for (const a of [1, 2]) for (const b of ['x', 'y']) s += a + b; out = s`, "1x1y2x2y", 1},
		"generic iterables still work":        {`let s = ''; for (const x of 'ab') s += x; for (const [k, v] of new Map([[1, 2]])) s += k + '' + v; for (const v of new Set([7])) s += v; out = s`, "ab127", 3},
		"a customised array iterator is used": {`const a = [1, 2]; a[Symbol.iterator] = function* () { yield 'own' }; let s = ''; for (const x of a) s += x; out = s`, "own", 1},
		"a patched Array.prototype[Symbol.iterator] is used": {`const orig = Array.prototype[Symbol.iterator]; Array.prototype[Symbol.iterator] = function* () { yield 'patched' }; let s = ''; for (const x of [1]) s += x; Array.prototype[Symbol.iterator] = orig; for (const x of [1]) s += x; out = s`, "patched1", 2},
		"a patched ArrayIterator next is used":               {`const P = Object.getPrototypeOf([][Symbol.iterator]()); const orig = P.next; P.next = function () { const r = orig.call(this); if (!r.done) r.value *= 10; return r }; let s = ''; for (const x of [1, 2]) s += x + ','; P.next = orig; out = s`, "10,20,", 1},
		"a subclass uses its own iterator":                   {`class A extends Array { *[Symbol.iterator]() { yield 'sub' } } let s = ''; for (const x of A.from([1, 2])) s += x; out = s`, "sub", 1},
		"a Proxy goes through its traps":                     {`const log = []; const p = new Proxy([1, 2], { get(t, k, r) { log.push(typeof k === 'symbol' ? 'sym' : k); return Reflect.get(t, k, r) } }); let s = 0; for (const x of p) s += x; out = s + ':' + log.join()`, "3:sym,length,0,length,1,length", 1},
		"generic iterators are closed on break":              {`let closed = false; const it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false } }, return() { closed = true; return {} } } } }; for (const x of it) break; out = closed`, "true", 1},
		"const binding cannot be assigned":                   {`try { for (const x of [1]) x = 2; out = 'no' } catch (e) { out = e.name }`, "TypeError", 1},
		"source naming the binding keeps its TDZ":            {`let x = [1]; try { for (const x of x) ; out = 'no' } catch (e) { out = e.name }`, "ReferenceError", 0},
		"var bindings are left alone":                        {`let s = ''; for (var x of [1, 2]) s += x; out = s + x`, "122", 0},
		"hoisted declarations in the body are left alone":    {`let s = ''; for (const x of [1, 2]) { function g() { return x } s += g() } out = s`, "12", 0},
		"generators and await":                               {`function* g(a) { for (const x of a) yield x * 2 } (async () => { let s = ''; for (const x of [1, 2]) s += await x; out = s + [...g([1, 2])].join() })()`, "122,4", 2},
		"closures on both paths":                             {`const fs = []; for (const x of [1, 2]) fs.push(() => x); for (const x of new Set([3, 4])) fs.push(() => x); out = fs.map(f => f()).join()`, "1,2,3,4", 2},
		"not iterable":                                       {`try { for (const x of 5); } catch (e) { out = e.name }`, "TypeError", 1},
		"source evaluated once":                              {`let n = 0; const src = () => { n++; return [1, 2, 3] }; for (const x of src()); out = n`, "1", 1},
	} {
		t.Run(name, func(t *testing.T) {
			src := "var out = 'unset';\n" + tc.src
			require.Equal(t, tc.lowered, countLowered(t, src), "loops lowered")
			require.Equal(t, tc.want, runScript(t, src))
		})
	}
}

// Errors thrown in a lowered body keep their line numbers.
func TestArrayForOfLoweringKeepsPositions(t *testing.T) {
	src := "var out;\nfor (const x of [1]) {\n  try {\n    null.f;\n  } catch (e) { out = e.stack }\n}\n"
	require.Equal(t, 1, countLowered(t, src))
	got := runScript(t, src)
	require.True(t, strings.Contains(got, "test.js:4:"), got)
}

// BenchmarkArrayForOf sums 100 numbers with for-of: "indexed" is a loop the
// lowering rewrites, "iterator" the same loop kept on the iterator protocol
// (a var declaration in its body makes it ineligible).
func BenchmarkArrayForOf(b *testing.B) {
	src := `var a = []; for (let i = 0; i < 100; i++) a.push(i * 1.5);
var indexed = function () { let s = 0; for (const n of a) s += n; return s };
var iterator = function () { let s = 0; for (const n of a) { if (s < 0) { var z } s += n } return s }`
	prog, err := ParseScript("bench.js", src)
	require.NoError(b, err)
	p, err := goja.CompileAST(prog, false)
	require.NoError(b, err)
	r := New(Options{})
	_, err = r.VM().RunProgram(p)
	require.NoError(b, err)
	for _, name := range []string{"indexed", "iterator"} {
		fn, _ := goja.AssertFunction(r.VM().Get(name))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fn(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A function in a lowered body is compiled twice but instrumented once.
func TestArrayForOfInstrumentsSharedFunctionsOnce(t *testing.T) {
	prog, err := ParseScript("test.js", "for (const x of [1]) { const f = () => g(x); }")
	require.NoError(t, err)
	InstrumentStackChecks(prog)
	checks := 0
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, _ []ast.Node) bool {
		if c, ok := n.(*ast.CallExpression); ok {
			if id, ok := c.Callee.(*ast.Identifier); ok && id.Name == stackGuardName {
				checks++
			}
		}
		return true
	})
	require.Equal(t, 2, checks, "the shared arrow function is visited through both loops, and has one check")
}
