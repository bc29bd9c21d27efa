package eventloop

import (
	"sync"
	"testing"
	"time"
)

// The idle hook runs on the loop goroutine when the queue has run dry and
// before Run returns, not between tasks that are already queued.
func TestIdleRunsWhenTheQueueIsEmpty(t *testing.T) {
	l := New()
	var mu sync.Mutex
	var log []string
	add := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
	l.SetIdle(func() { add("idle") })
	gate := make(chan struct{})
	l.Submit(func() { <-gate; add("a") })
	l.Submit(func() { add("b") })
	go l.Run()
	close(gate)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(log)
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	done := make(chan struct{})
	l.Submit(func() { add("c"); close(done) })
	<-done
	l.Stop()
	<-l.Done()
	mu.Lock()
	defer mu.Unlock()
	want := []string{"a", "b", "idle", "c", "idle"}
	if len(log) < len(want) {
		t.Fatalf("log %v, want %v", log, want)
	}
	for i, w := range want[:3] {
		if log[i] != w {
			t.Fatalf("log %v, want %v", log, want)
		}
	}
	if log[len(log)-1] != "idle" {
		t.Fatalf("log %v: Run returned without the idle hook", log)
	}
}
