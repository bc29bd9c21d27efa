package timers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/webapi/timers"
)

func TestPerformance(t *testing.T) {
	e, _ := newEnv(t)
	v := e.MustRun(`new Promise(resolve => {
		const a = performance.now();
		setTimeout(() => {
			const b = performance.now();
			resolve({
				monotonic: b > a,
				elapsed: b - a,
				origin: Math.abs(performance.timeOrigin + b - Date.now()) < 50,
				json: JSON.stringify(performance) === JSON.stringify({ timeOrigin: performance.timeOrigin }),
				tag: Object.prototype.toString.call(performance),
				proto: Object.getPrototypeOf(performance) === Performance.prototype,
				fraction: [1, 2, 3, 4, 5].some(() => performance.now() % 1 !== 0),
			});
		}, 5);
	})`).(map[string]any)
	require.Equal(t, true, v["monotonic"])
	require.GreaterOrEqual(t, v["elapsed"].(float64), 4.5)
	require.Equal(t, true, v["origin"])
	require.Equal(t, true, v["json"])
	require.Equal(t, "[object Performance]", v["tag"])
	require.Equal(t, true, v["proto"])
	require.Equal(t, true, v["fraction"])

	r := e.Run(`new Performance()`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "Illegal constructor")
	r = e.Run(`Performance.prototype.now.call({})`)
	require.Equal(t, "TypeError", r.Name)
	require.Contains(t, r.Err, "Illegal invocation")
	r = e.Run(`const now = performance.now; now()`)
	require.Equal(t, "TypeError", r.Name)

	var goNow, origin float64
	e.Do(func() { goNow, origin = timers.Now(e.R), timers.TimeOrigin(e.R) })
	require.Positive(t, goNow)
	require.InDelta(t, float64(time.Now().UnixNano())/1e6, origin+goNow, 50)
}
