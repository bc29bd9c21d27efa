package messaging_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
	"github.com/workerhost/workerhost/runtime/runtimetest"
)

// The scheduler pattern (React's scheduler in a worker): a channel made at
// initialization, whose handler runs the work each request posts for.
func TestRuntimeSchedulerPattern(t *testing.T) {
	w := runtimetest.New(t, `
		const channel = new MessageChannel();
		const queue = [];
		channel.port1.onmessage = () => { const job = queue.shift(); if (job) job(); };
		function schedule(job) { queue.push(job); channel.port2.postMessage(null); }

		addEventListener("fetch", (event) => {
			event.respondWith(new Promise((resolve) => {
				const seen = [];
				schedule(() => seen.push("job 1"));
				schedule(() => { seen.push("job 2"); resolve(new Response(seen.join(","))); });
			}));
		});`, runtime.Options{})
	for i := 0; i < 5; i++ {
		res := w.Get("/")
		require.Equal(t, 200, res.StatusCode, res.Text)
		assert.Equal(t, "job 1,job 2", res.Text)
	}
}

// A request's ports and queued messages go with it; the next request
// starts clean, and a port of a finished request cannot be used.
func TestRuntimeRequestsDoNotShareMessages(t *testing.T) {
	w := runtimetest.New(t, `
		let last;
		addEventListener("fetch", (event) => {
			const path = new URL(event.request.url).pathname;
			if (path === "/leave") {
				last = new MessageChannel();
				last.port1.postMessage("left behind");  // port2 never started
				event.respondWith(new Response("ok"));
				return;
			}
			event.respondWith((async () => {
				try { last.port2.start(); return new Response("started"); }
				catch (e) { return new Response(e.name + ": " + e.message); }
			})());
		});`, runtime.Options{Isolates: 1})
	require.Equal(t, "ok", w.Get("/leave").Text)
	assert.Contains(t, w.Get("/use").Text, "TypeError: Cannot use a MessagePort object that belongs to a different request")
}

// A message loop during static initialization ends with the
// initialization CPU limit.
func TestRuntimeInitMessageLoopIsBounded(t *testing.T) {
	start := time.Now()
	_, err := runtime.New(`
		const c = new MessageChannel();
		c.port1.onmessage = (e) => c.port2.postMessage(e.data);
		c.port2.onmessage = (e) => c.port1.postMessage(e.data);
		c.port1.postMessage("ping");
	`, runtime.Options{Limits: limits.Limits{InitCPUTime: 20 * time.Millisecond}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, limits.ErrInitCPUTime), "%v", err)
	assert.Less(t, time.Since(start), 5*time.Second)
}
