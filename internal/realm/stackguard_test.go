package realm

import (
	"errors"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	"github.com/stretchr/testify/require"
)

// compile parses and instruments src as the runtime does with a routine.
func compile(t testing.TB, src string) *goja.Program {
	prog, err := parser.ParseFile(nil, "test.js", src, 0)
	require.NoError(t, err)
	InstrumentStackChecks(prog)
	p, err := goja.CompileAST(prog, false)
	require.NoError(t, err)
	return p
}

func run(t testing.TB, limit int, src string) (goja.Value, error) {
	r := New(Options{MaxCallStackSize: limit})
	return r.VM().RunProgram(compile(t, src))
}

func TestStackGuardFindsGojaCallStack(t *testing.T) {
	require.True(t, stackGuardOK, "goja's Runtime.vm.callStack was not found: the catchable stack limit is off (goja upgraded?)")
	r := New(Options{})
	var depths []int
	r.VM().Set("depth", func() { depths = append(depths, callDepth(r.VM())) })
	_, err := r.VM().RunString(`function a(n) { depth(); if (n) a(n - 1) } a(3)`)
	require.NoError(t, err)
	require.Len(t, depths, 4)
	for i := 1; i < len(depths); i++ {
		require.Greater(t, depths[i], depths[i-1], "each nested call is one frame deeper: %v", depths)
	}
}

func TestDeepRecursionIsACatchableRangeError(t *testing.T) {
	for name, src := range map[string]string{
		"declaration": `function f(n) { return f(n + 1) + 1 }`,
		"arrow":       `const f = n => f(n + 1)`,
		"arrow block": `const f = n => { return f(n + 1) }`,
		"method":      `const o = { m(n) { return o.m(n + 1) } }, f = n => o.m(n)`,
		"getter":      `const o = { get x() { return this.x } }, f = () => o.x`,
		"setter":      `class P { set name(v) { this.name = v } }; const f = () => { new P().name = 1 }`,
		"class":       `class A { constructor(n) { new A(n + 1) } }; const f = n => new A(n)`,
		"derived":     `class B {}; class C extends B { constructor(n) { super(); new C(n + 1) } }; const f = n => new C(n)`,
		"strict":      `function f(n) { 'use strict'; return f(n + 1) }`,
		"generator":   `function* g(n) { yield* g(n + 1) } const f = n => g(n).next()`,
		"via native":  `function f(n) { return [n].map(x => f(x + 1)) }`,
		"mutual":      `function a(n) { return b(n) } function b(n) { return a(n + 1) } const f = a`,
	} {
		t.Run(name, func(t *testing.T) {
			v, err := run(t, 500, src+`
				let caught
				try { f(0) } catch (e) { caught = e }
				caught instanceof RangeError ? caught.message : 'not caught: ' + caught`)
			require.NoError(t, err)
			require.Equal(t, "Maximum call stack size exceeded", v.String())
		})
	}
}

func TestStackGuardKeepsSourceSemantics(t *testing.T) {
	// Positions in stack traces, toString, and strictness are those of the
	// original source.
	v, err := run(t, 1000, `function f() {
  throw new Error('boom')
}
let stack
try { f() } catch (e) { stack = e.stack }
stack`)
	require.NoError(t, err)
	require.Contains(t, v.String(), "test.js:2:9")

	v, err = run(t, 1000, `function g(a) { 'use strict'; return this } const h = x => x * 2;
		[g.toString(), String(g()), h.toString(), h(21)].join('|')`)
	require.NoError(t, err)
	require.Equal(t, "function g(a) { 'use strict'; return this }|undefined|x => x * 2|42", v.String())

	// The check is a non-writable global whose name is not an identifier.
	v, err = run(t, 100, `function f(n) { return f(n + 1) }
		globalThis['workerhost stack check'] = () => {}
		delete globalThis['workerhost stack check']
		let r; try { f(0) } catch (e) { r = e.name } r`)
	require.NoError(t, err)
	require.Equal(t, "RangeError", v.String())
}

func TestStackGuardBackstopForUninstrumentedCode(t *testing.T) {
	// Code the guard did not instrument (here: compiled without it) is still
	// stopped by goja's uncatchable limit, StackOverflowSlack frames later.
	r := New(Options{MaxCallStackSize: 100})
	_, err := r.VM().RunString(`function f() { return f() } try { f() } catch (e) {}`)
	var so *goja.StackOverflowError
	require.True(t, errors.As(err, &so), "%v", err)
}

func BenchmarkStackGuard(b *testing.B) {
	src := `function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } fib(18)`
	for _, c := range []struct {
		name       string
		instrument bool
	}{{"plain", false}, {"instrumented", true}} {
		b.Run(c.name, func(b *testing.B) {
			prog, err := parser.ParseFile(nil, "fib.js", src, 0)
			require.NoError(b, err)
			if c.instrument {
				InstrumentStackChecks(prog)
			}
			p, err := goja.CompileAST(prog, false)
			require.NoError(b, err)
			r := New(Options{})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := r.VM().RunProgram(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
