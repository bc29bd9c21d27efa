package structuredclone

import (
	"testing"

	"github.com/workerhost/workerhost/internal/realm"
)

// BenchmarkInstall measures what Install adds to a realm's creation.
func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Install(realm.New(realm.Options{}))
	}
}

// BenchmarkRealmOnly is the baseline for BenchmarkInstall.
func BenchmarkRealmOnly(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		realm.New(realm.Options{})
	}
}

// BenchmarkCaptureIntrinsics is the one-off cost of the first clone of a
// Map, Set, RegExp, Error, Date or String object in a realm (includes
// realm.New).
func BenchmarkCaptureIntrinsics(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		intrinsicsOf(realm.New(realm.Options{}))
	}
}

// BenchmarkCaptureViewIntrinsics is the one-off cost of the first clone of a
// typed array or DataView in a realm (includes realm.New).
func BenchmarkCaptureViewIntrinsics(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		viewIntrinsicsOf(realm.New(realm.Options{}))
	}
}
