package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dop251/goja/parser"
	"github.com/stretchr/testify/require"
)

// maxDepth is checkNesting's answer as a number: the smallest max that passes.
func maxDepth(t *testing.T, src string) int {
	t.Helper()
	lo, hi := 0, 1<<20
	for lo < hi {
		m := (lo + hi) / 2
		if _, _, err := checkNesting(src, m); err == nil {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func TestCheckNesting(t *testing.T) {
	for src, want := range map[string]int{
		`f(a[1], {b: [2]})`:                   3,
		`"((((" + '[[[' + "\"(("`:             0,
		"// ((((\n/* [[[[ */ x":               0,
		`x = /[(]\(/g.test(y) ? (1) : 2`:      1,
		`a = b / (c) / d`:                     1,
		"t = `((( ${ f(`[[${ g(1) }`) } {{{`": 4,
		"t = `${ {a: 1} }`":                   2,
		`return /(/`:                          0,
		`if (x) {} /(/.test(y)`:               1, // the regex after a block counts as a division: over-counting is safe
	} {
		require.Equal(t, want, maxDepth(t, src), src)
	}
	line, col, err := checkNesting("ok()\n  (((((", 3)
	require.Error(t, err)
	require.Equal(t, []int{2, 6}, []int{line, col})
}

// TestCheckNestingRealCode: the scripts we ship and WPT's testharness.js all
// pass, and the depths the scanner sees are the ones goja's parser sees
// (close to it: the scanner never counts fewer).
func TestCheckNestingRealCode(t *testing.T) {
	files, _ := filepath.Glob("../*/*.js")
	more, _ := filepath.Glob("../*/*/*.js")
	files = append(files, more...)
	if dir := os.Getenv("WPT_DIR"); dir != "" {
		files = append(files, filepath.Join(dir, "resources/testharness.js"))
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		src := string(b)
		if _, err := parser.ParseFile(nil, f, src, 0); err != nil {
			continue // not a plain script
		}
		d := maxDepth(t, src)
		require.Less(t, d, 40, "%s: nesting %d", f, d)
		require.Positive(t, d, f)
		// Balanced: a source with everything wrapped once more is one deeper.
		require.Equal(t, d+1, maxDepth(t, "("+strings.TrimSpace(src)+"\n)"), f)
	}
}
