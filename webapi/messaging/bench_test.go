package messaging_test

import (
	"testing"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/messaging"
)

// BenchmarkInstall measures a realm with the DOM interfaces and this
// package; BenchmarkDOMOnly is its baseline (every realm has the DOM).
func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r := realm.New(realm.Options{})
		dom.Install(r)
		messaging.Install(r)
	}
}

// BenchmarkDOMOnly is the baseline of BenchmarkInstall.
func BenchmarkDOMOnly(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dom.Install(realm.New(realm.Options{}))
	}
}

// BenchmarkPostMessage measures one message from postMessage to the
// receiving onmessage handler (the scheduler pattern: a null message per
// task), 1000 messages per request. Allocations are per message; the time
// is ns/msg.
func BenchmarkPostMessage(b *testing.B) {
	benchMessages(b, `null`)
}

// BenchmarkPostMessageObject is BenchmarkPostMessage with a small object.
func BenchmarkPostMessageObject(b *testing.B) {
	benchMessages(b, `{ id: i, method: "get", params: ["key", 1, true] }`)
}

func benchMessages(b *testing.B, msg string) {
	e := jstest.New(b, installers...)
	src := `(async () => {
		const { port1, port2 } = new MessageChannel();
		let n = 0;
		const done = new Promise((r) => port2.onmessage = () => { if (++n === 1000) r(); });
		for (let i = 0; i < 1000; i++) port1.postMessage(` + msg + `);
		await done;
	})()`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		e.MustRun(src)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(roundUp(b.N)), "ns/msg")
}

func roundUp(n int) int { return (n + 999) / 1000 * 1000 }
