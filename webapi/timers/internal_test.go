package timers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
)

// An interval is rescheduled one period after its previous due time, not
// after the callback ran, so a slow callback does not make it drift; periods
// it missed entirely are skipped rather than run in a burst.
func TestIntervalDueTimesStayInPhase(t *testing.T) {
	e := jstest.New(t, Install)
	st := stateOf(e.R)
	var whens []int64
	e.Do(func() {
		_ = e.R.VM().Set("record", func(id int32) { whens = append(whens, st.active[id].when) })
	})
	e.MustRun(`new Promise(resolve => {
		let n = 0;
		const id = setInterval(() => {
			record(id);
			// Busy for 3 ms each tick, and once for 25 ms (2+ periods).
			const busy = performance.now() + (++n === 4 ? 25 : 3);
			while (performance.now() < busy) {}
			if (n === 8) { clearInterval(id); resolve(); }
		}, 10);
	})`)
	require.Len(t, whens, 8)
	period := int64(10 * time.Millisecond)
	for i := 1; i < len(whens); i++ {
		d := whens[i] - whens[0]
		require.Zero(t, d%period, "tick %d is out of phase by %v", i, time.Duration(d%period))
		require.Greater(t, whens[i], whens[i-1])
	}
	require.Greater(t, whens[4]-whens[3], period, "missed periods are skipped")
}

func TestHeapOrder(t *testing.T) {
	var h timerHeap
	var all []*timer
	for i := 0; i < 200; i++ {
		tm := &timer{when: int64((i * 7919) % 31), seq: uint64(i)}
		all = append(all, tm)
		h.push(tm)
	}
	for i := 0; i < 200; i += 3 {
		h.remove(all[i].idx)
	}
	prev := &timer{when: -1}
	n := 0
	for len(h) > 0 {
		tm := h.remove(0)
		require.True(t, tm.when > prev.when || tm.when == prev.when && tm.seq > prev.seq)
		require.Equal(t, -1, tm.idx)
		prev = tm
		n++
	}
	require.Equal(t, 200-67, n)
}

func TestToLong(t *testing.T) {
	e := jstest.New(t)
	e.Do(func() {
		vm := e.R.VM()
		for _, c := range []struct {
			in   any
			want int64
		}{
			{0, 0}, {-0.0, 0}, {1.9, 1}, {-1.9, -1}, {2147483647, 2147483647}, {2147483648, -2147483648},
			{4294967296 + 5, 5}, {-4294967296 - 5, -5}, {1e300, 0},
		} {
			require.Equal(t, c.want, toLong(vm.ToValue(c.in)), "%v", c.in)
		}
	})
}
