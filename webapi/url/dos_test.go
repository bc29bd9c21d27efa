package url

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Pathological inputs must parse in linear time.
func TestLinearTime(t *testing.T) {
	const n = 200000
	for _, in := range []string{
		"http://" + strings.Repeat("@", n) + "h/",
		"http://" + strings.Repeat("a:", n) + "@h/",
		"http://h/" + strings.Repeat("../", n),
		"http://h/" + strings.Repeat("a/", n),
		"http://h/?" + strings.Repeat("é", n),
		"sc:" + strings.Repeat(" ", n) + "x",
		"http://[" + strings.Repeat("1:", n) + "]/",
		"http://" + strings.Repeat("1.", n) + "/",
		"http://h:" + strings.Repeat("0", n) + "1/",
		"file:" + strings.Repeat("/c:", n),
	} {
		start := time.Now()
		u, err := Parse(in, nil)
		if err == nil {
			_ = u.String()
		}
		require.Less(t, time.Since(start), 10*time.Second, "%.40q...", in)
	}
	require.Len(t, ParseForm(strings.Repeat("a=b&", n)), n)
}
