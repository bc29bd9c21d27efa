package ecma_test

import (
	"testing"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/webapi/ecma"
)

// BenchmarkInstall measures what Install adds to a realm's creation (as
// an isolate starts: allocation guards first).
func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r := realm.New(realm.Options{})
		_ = limits.InstallGuards(r.VM(), 1<<30)
		ecma.Install(r)
	}
}

// BenchmarkRealmOnly is the baseline for BenchmarkInstall.
func BenchmarkRealmOnly(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r := realm.New(realm.Options{})
		_ = limits.InstallGuards(r.VM(), 1<<30)
	}
}
