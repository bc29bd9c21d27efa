package timers

import (
	"context"
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
)

// BenchmarkInstall measures what Install adds to a realm's creation (compare
// with BenchmarkRealmOnly).
func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Install(realm.New(realm.Options{}))
	}
}

func BenchmarkRealmOnly(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		realm.New(realm.Options{})
	}
}

// BenchmarkSetClearTimeout is the cost of scheduling and clearing a timer
// from script.
func BenchmarkSetClearTimeout(b *testing.B) {
	e := jstest.New(b, Install)
	e.Do(func() {
		r := e.R
		fn, err := r.VM().RunString(`(function (n) { for (let i = 0; i < n; i++) clearTimeout(setTimeout(() => {}, 1000)); })`)
		if err != nil {
			b.Fatal(err)
		}
		call, _ := goja.AssertFunction(fn)
		ctx := r.NewContext(context.Background(), "")
		b.ReportAllocs()
		b.ResetTimer()
		r.RunTask(ctx, func() {
			if _, err := call(goja.Undefined(), r.VM().ToValue(b.N)); err != nil {
				b.Fatal(err)
			}
		})
		b.StopTimer()
		ctx.End()
	})
}

// BenchmarkFireTimers schedules 1,000 zero-delay timers and waits for all of
// them to run (one loop task each).
func BenchmarkFireTimers(b *testing.B) {
	e := jstest.New(b, Install)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.MustRun(`new Promise(resolve => {
			let n = 0;
			for (let i = 0; i < 1000; i++) setTimeout(() => { if (++n === 1000) resolve(); });
		})`)
	}
}
