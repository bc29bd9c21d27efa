package structuredclone_test

import (
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

// benchValues builds the values the benchmarks clone: an object of 1,000
// keys whose values are small nested objects and arrays.
const benchValues = `
	globalThis.nested = {};
	for (let i = 0; i < 1000; i++) {
		nested["key" + i] = { id: i, name: "item " + i, ok: i % 2 === 0, tags: ["a", "b", i], meta: { score: i / 3, when: null } };
	}
	globalThis.flat = {};
	for (let i = 0; i < 1000; i++) flat["k" + i] = i;
	globalThis.numbers = Array.from({ length: 1000 }, (_, i) => i);
`

func benchClone(b *testing.B, global string) {
	e := jstest.New(b, dom.Install, structuredclone.Install)
	e.MustRun(benchValues)
	e.Do(func() {
		v := e.R.VM().Get(global)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := structuredclone.Clone(e.R, v, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkClone1000KeyNestedObject(b *testing.B) { benchClone(b, "nested") }
func BenchmarkClone1000KeyFlatObject(b *testing.B)   { benchClone(b, "flat") }
func BenchmarkClone1000ElementArray(b *testing.B)    { benchClone(b, "numbers") }

// BenchmarkStructuredCloneFromJS includes the call from script.
func BenchmarkStructuredCloneFromJS(b *testing.B) {
	e := jstest.New(b, dom.Install, structuredclone.Install)
	e.MustRun(benchValues)
	e.Do(func() {
		fn, _ := goja.AssertFunction(e.R.VM().Get("structuredClone"))
		v := e.R.VM().Get("nested")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := fn(goja.Undefined(), v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkJSONRoundTripBaseline is the reference point: the same object
// copied with JSON.parse(JSON.stringify(v)) in script.
func BenchmarkJSONRoundTripBaseline(b *testing.B) {
	e := jstest.New(b, dom.Install, structuredclone.Install)
	e.MustRun(benchValues)
	e.Do(func() {
		v, err := e.R.VM().RunString(`(v) => JSON.parse(JSON.stringify(v))`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := goja.AssertFunction(v)
		nested := e.R.VM().Get("nested")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := fn(goja.Undefined(), nested); err != nil {
				b.Fatal(err)
			}
		}
	})
}
