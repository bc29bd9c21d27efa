package crypto_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/crypto"
)

const benchSetup = `
	var benchData = new Uint8Array(1024).map((_, i) => i & 255);
	var benchKey;
	crypto.subtle.importKey('raw', new Uint8Array(Array.from('0123456789abcdef0123456789abcdef', c => c.charCodeAt(0))),
		{name: 'HMAC', hash: 'SHA-256'}, false, ['sign']).then(k => { benchKey = k; });
	async function bench(n) {
		let last;
		for (let i = 0; i < n; i++) last = await crypto.subtle.sign('HMAC', benchKey, benchData);
		return last.byteLength;
	}
	async function benchFloor(n) {
		let last;
		for (let i = 0; i < n; i++) last = await floorNative(benchData);
		return last.byteLength;
	}`

// runJSBench calls fn(b.N) on the loop goroutine and checks that the promise
// it returns is fulfilled with 32 (all work is inline, so the promise jobs
// run before the call returns).
func runJSBench(b *testing.B, e *jstest.Env, fn string) {
	b.ReportAllocs()
	e.Do(func() {
		vm := e.R.VM()
		f, ok := goja.AssertFunction(vm.Get(fn))
		if !ok {
			b.Fatal("no function " + fn)
		}
		b.ResetTimer()
		v, err := f(nil, vm.ToValue(b.N))
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		p, ok := v.Export().(*goja.Promise)
		if !ok || p.State() != goja.PromiseStateFulfilled || p.Result().ToInteger() != 32 {
			b.Fatalf("benchmark promise not fulfilled with 32: %v", v)
		}
	})
}

// BenchmarkHMACSHA256 compares an HMAC-SHA256 signature of 1 KiB made from
// JavaScript through crypto.subtle (each call awaited, so promise creation
// and resolution are included) with crypto/hmac called directly from Go.
// "promise-floor" is the same JS loop awaiting a native that only creates a
// promise resolved with a 32-byte ArrayBuffer: goja's irreducible share.
func BenchmarkHMACSHA256(b *testing.B) {
	key := []byte("0123456789abcdef0123456789abcdef")
	data := make([]byte, 1024)
	for i := range data {
		data[i] = byte(i)
	}
	newEnv := func(b *testing.B) *jstest.Env {
		e := env(b)
		e.Do(func() {
			vm := e.R.VM()
			_ = vm.Set("floorNative", func(goja.FunctionCall) goja.Value {
				p, resolve, _ := vm.NewPromise()
				_ = resolve(vm.NewArrayBuffer(make([]byte, 32)))
				return vm.ToValue(p)
			})
		})
		if r := e.RunInit(benchSetup); r.Err != "" {
			b.Fatal(r.Err)
		}
		return e
	}

	b.Run("subtle", func(b *testing.B) { runJSBench(b, newEnv(b), "bench") })
	b.Run("promise-floor", func(b *testing.B) { runJSBench(b, newEnv(b), "benchFloor") })
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		var sum []byte
		for i := 0; i < b.N; i++ {
			m := hmac.New(sha256.New, key)
			m.Write(data)
			sum = m.Sum(nil)
		}
		if len(sum) != 32 {
			b.Fatal("bad sum")
		}
	})
}

// BenchmarkInstall measures what Install adds to a new realm, and the
// one-time cost of the first use of crypto in a realm.
func BenchmarkInstall(b *testing.B) {
	b.Run("realm-only", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = realm.New(realm.Options{})
		}
	})
	b.Run("realm+Install", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			crypto.Install(realm.New(realm.Options{}))
		}
	})
	b.Run("realm+Install+first-use", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := realm.New(realm.Options{})
			crypto.Install(r)
			if _, err := r.VM().RunString(`crypto.subtle`); err != nil {
				b.Fatal(err)
			}
		}
	})
}
