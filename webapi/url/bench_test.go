package url

import (
	"testing"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

var sink any

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		u, err := Parse("https://user@example.com:8080/a/b/../c?x=1&y=2#frag", nil)
		if err != nil {
			b.Fatal(err)
		}
		sink = u
	}
}

func BenchmarkParseRelative(b *testing.B) {
	base := MustParse("https://example.com/dir/page.html?q")
	b.ReportAllocs()
	for b.Loop() {
		u, err := Parse("../img/logo.png?v=3", base)
		if err != nil {
			b.Fatal(err)
		}
		sink = u
	}
}

func BenchmarkParseIDNA(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		u, err := Parse("https://münchen.example/straße", nil)
		if err != nil {
			b.Fatal(err)
		}
		sink = u
	}
}

func BenchmarkSerialize(b *testing.B) {
	u := MustParse("https://user@example.com:8080/a/b/c?x=1&y=2#frag")
	b.ReportAllocs()
	for b.Loop() {
		sink = u.String()
	}
}

// BenchmarkJSNewURLPathname measures `new URL(s).pathname` called from JS.
func BenchmarkJSNewURLPathname(b *testing.B) {
	e := jstest.New(b, dom.Install, Install)
	e.Do(func() {
		v, err := e.R.VM().RunString(`(function (s) { return new URL(s).pathname; })`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := goja.AssertFunction(v)
		arg := e.R.VM().ToValue("https://example.com/api/v1/items?limit=10")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res, err := fn(goja.Undefined(), arg)
			if err != nil {
				b.Fatal(err)
			}
			sink = res
		}
	})
}

// BenchmarkJSSearchParams measures reading a query parameter through
// url.searchParams.get.
func BenchmarkJSSearchParams(b *testing.B) {
	e := jstest.New(b, dom.Install, Install)
	e.Do(func() {
		v, err := e.R.VM().RunString(`(function (s) { return new URL(s).searchParams.get("limit"); })`)
		if err != nil {
			b.Fatal(err)
		}
		fn, _ := goja.AssertFunction(v)
		arg := e.R.VM().ToValue("https://example.com/api/v1/items?limit=10&offset=20")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res, err := fn(goja.Undefined(), arg)
			if err != nil {
				b.Fatal(err)
			}
			sink = res
		}
	})
}

// BenchmarkInstall measures the cold-start cost of defining URL and
// URLSearchParams in a fresh realm.
func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := realm.New(realm.Options{})
		Install(r)
	}
}

func BenchmarkRealmOnly(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = realm.New(realm.Options{})
	}
}

func BenchmarkInstallAfterDOM(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		r := realm.New(realm.Options{})
		dom.Install(r)
		b.StartTimer()
		Install(r)
	}
}
