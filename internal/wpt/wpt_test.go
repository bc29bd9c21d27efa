package wpt

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWPT runs the web-platform-tests files of Areas found under WPT_DIR
// and compares the results with expectations.json. Environment:
//
//	WPT_DIR     the WPT checkout (required; the test is skipped without it)
//	WPT_FILTER  comma-separated path prefixes or substrings to run a subset
//	WPT_UPDATE  1: rewrite expectations.json from the results
//	WPT_JOBS    files run at once (default 4)
//	WPT_TIMEOUT per-file timeout (default 10s; META timeout=long gets 3×)
//	WPT_DUMP    file to write every failing subtest to (TSV: file, subtest,
//	            status, reason, message)
func TestWPT(t *testing.T) {
	root := os.Getenv("WPT_DIR")
	if root == "" {
		t.Skip("WPT_DIR not set: point it at a web-platform-tests checkout (see internal/wpt/README.md), e.g. WPT_DIR=/work/wpt go test ./internal/wpt -run TestWPT -v")
	}
	if _, err := os.Stat(root + "/resources/testharness.js"); err != nil {
		t.Fatalf("WPT_DIR=%s has no resources/testharness.js: %v", root, err)
	}
	tests, skipped, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if f := os.Getenv("WPT_FILTER"); f != "" {
		var keep []Test
		for _, tt := range tests {
			for _, p := range strings.Split(f, ",") {
				if p != "" && strings.Contains(tt.ID(), p) {
					keep = append(keep, tt)
					break
				}
			}
		}
		tests = keep
	}
	if len(tests) == 0 {
		t.Fatalf("no test files found under %s", root)
	}
	opts := Options{Root: root}
	if v := os.Getenv("WPT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("WPT_TIMEOUT: %v", err)
		}
		opts.Timeout = d
	}
	jobs := 4
	if v, err := strconv.Atoi(os.Getenv("WPT_JOBS")); err == nil && v > 0 {
		jobs = v
	}
	if jobs > 2*runtime.NumCPU()+2 {
		jobs = 2*runtime.NumCPU() + 2
	}

	results := make([]FileResult, len(tests))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = RunFile(opts, tests[i])
			}
		}()
	}
	for i := range tests {
		next <- i
	}
	close(next)
	wg.Wait()

	report(t, results, skipped)
	if f := os.Getenv("WPT_DUMP"); f != "" {
		if err := dumpFailures(f, results); err != nil {
			t.Errorf("WPT_DUMP: %v", err)
		}
	}

	expFile := "expectations.json"
	exp, err := LoadExpectations(expFile)
	if err != nil {
		t.Fatalf("%s: %v", expFile, err)
	}
	if os.Getenv("WPT_UPDATE") == "1" {
		exp.Update(results)
		if err := exp.Save(expFile); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d files)", expFile, len(exp))
		return
	}
	var regressed, improved, unknown int
	for i := range results {
		f := &results[i]
		reg, fixed, known := exp.Diff(f)
		if !known {
			unknown++
			continue
		}
		for _, s := range reg {
			regressed++
			t.Errorf("REGRESSION %s: %q %s %s", f.Test.ID(), s.Name, s.Status, s.Message)
		}
		for _, s := range fixed {
			improved++
			t.Logf("now passes (remove from expectations.json): %s: %q", f.Test.ID(), s.Name)
		}
	}
	if unknown > 0 {
		t.Logf("%d files are not in %s (not checked; run with WPT_UPDATE=1 to add them)", unknown, expFile)
	}
	if improved > 0 {
		t.Logf("%d expected failures now pass: run with WPT_UPDATE=1 to record them", improved)
	}
	if regressed > 0 {
		t.Errorf("%d subtests regressed against %s", regressed, expFile)
	}
}

func report(t *testing.T, results []FileResult, skipped []string) {
	type agg struct{ files, filesOK, pass, total int }
	areas := map[string]*agg{}
	var pass, fail int
	var out strings.Builder
	for i := range results {
		f := &results[i]
		p, n := f.Counts()
		pass += p
		fail += n
		a := areas[f.Test.Area]
		if a == nil {
			a = &agg{}
			areas[f.Test.Area] = a
		}
		a.files++
		a.pass += p
		a.total += p + n
		word := "PASS"
		if n > 0 {
			word = "FAIL"
		} else {
			a.filesOK++
		}
		extra := ""
		if f.Harness != "OK" {
			extra = "  [" + f.Harness + ": " + f.Message + "]"
		}
		fmt.Fprintf(&out, "%s %s  %d/%d  (%.1fs)%s\n", word, f.Test.ID(), p, p+n, f.Duration.Seconds(), extra)
		if testing.Verbose() && n > 0 {
			for _, s := range f.Subtests {
				if !s.Passed() {
					fmt.Fprintf(&out, "    %s %s: %s\n", s.Status, s.Name, s.Message)
				}
			}
			for _, l := range f.Logs {
				fmt.Fprintf(&out, "    log: %s\n", l)
			}
		}
	}
	if testing.Verbose() {
		for _, s := range skipped {
			fmt.Fprintf(&out, "SKIP %s\n", s)
		}
	}
	fmt.Fprintf(&out, "\n%-40s %6s %8s %16s\n", "area", "files", "files ok", "subtests passed")
	names := make([]string, 0, len(areas))
	for _, a := range Areas {
		if areas[a] != nil {
			names = append(names, a)
		}
	}
	for _, name := range names {
		a := areas[name]
		fmt.Fprintf(&out, "%-40s %6d %8d %9d/%-6d\n", name, a.files, a.filesOK, a.pass, a.total)
	}
	// Failure causes, by count: the reason recorded in expectations.json,
	// or the rule's for failures it does not list.
	exp, _ := LoadExpectations("expectations.json")
	causes := map[string]int{}
	for i := range results {
		f := &results[i]
		for _, s := range f.Subtests {
			if s.Passed() {
				continue
			}
			reason := exp[f.Test.ID()][s.Name]
			if reason == "" {
				reason = Classify(f, s)
			}
			causes[reason]++
		}
	}
	keys := make([]string, 0, len(causes))
	for k := range causes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if causes[keys[i]] != causes[keys[j]] {
			return causes[keys[i]] > causes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintf(&out, "\nfailure causes:\n")
	for _, k := range keys {
		fmt.Fprintf(&out, "%6d  %s\n", causes[k], k)
	}
	fmt.Fprintf(&out, "\n%d passed, %d failed\n", pass, fail)
	fmt.Print(out.String())
}

func dumpFailures(file string, results []FileResult) error {
	var b strings.Builder
	for i := range results {
		f := &results[i]
		for _, s := range f.Subtests {
			if s.Passed() {
				continue
			}
			clean := func(x string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(x) }
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", f.Test.ID(), clean(s.Name), s.Status, Classify(f, s), clean(s.Message))
		}
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}
