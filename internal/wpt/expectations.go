package wpt

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Expectations maps a test file (Test.ID) to the subtests it is known to
// fail, each with a one-line reason. Every file that was run is listed,
// with an empty map when all its subtests pass. A reason that starts with
// "flaky" marks a subtest whose outcome varies: it is not checked.
type Expectations map[string]map[string]string

// LoadExpectations reads the file; a missing file is an empty set.
func LoadExpectations(file string) (Expectations, error) {
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return Expectations{}, nil
	}
	if err != nil {
		return nil, err
	}
	var e Expectations
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	return e, nil
}

// Save writes the expectations, sorted, one subtest a line.
func (e Expectations) Save(file string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return err
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}

// Update records the failures of res: reasons already written for a
// subtest that still fails are kept, new failures get the reason of the
// first rule that matches (see Classify).
func (e Expectations) Update(res []FileResult) {
	for i := range res {
		f := &res[i]
		old := e[f.Test.ID()]
		m := map[string]string{}
		for name, r := range old {
			if strings.HasPrefix(r, "flaky") {
				m[name] = r // kept whatever this run did
			}
		}
		for _, s := range f.Subtests {
			if s.Passed() {
				if r := flakyRule(f, s); r != "" {
					m[s.Name] = r
				}
				continue
			}
			if r, ok := old[s.Name]; ok && r != "" && !strings.HasPrefix(r, "bug (unclassified)") {
				m[s.Name] = r
				continue
			}
			m[s.Name] = Classify(f, s)
		}
		e[f.Test.ID()] = m
	}
}

// Diff compares results with the expectations: regressions are subtests
// that fail but are not expected to (including a file that newly fails at
// harness level), fixed are expected failures that now pass, unknown are
// files absent from the expectations.
func (e Expectations) Diff(f *FileResult) (regressions, fixed []Subtest, known bool) {
	exp, known := e[f.Test.ID()]
	if !known {
		return nil, nil, false
	}
	seen := map[string]bool{}
	for _, s := range f.Subtests {
		seen[s.Name] = true
		reason, expected := exp[s.Name]
		if strings.HasPrefix(reason, "flaky") {
			continue
		}
		switch {
		case !s.Passed() && !expected:
			regressions = append(regressions, s)
		case s.Passed() && expected:
			fixed = append(fixed, s)
		}
	}
	for name, reason := range exp {
		if !seen[name] && name != HarnessSubtest && !strings.HasPrefix(reason, "flaky") {
			// An expected failure that no longer exists (renamed or removed
			// subtest, or the file now stops earlier): report as fixed.
			fixed = append(fixed, Subtest{Name: name, Status: "GONE"})
		}
	}
	sort.Slice(fixed, func(i, j int) bool { return fixed[i].Name < fixed[j].Name })
	return regressions, fixed, true
}

// A rule gives the reason for the failures it matches: each non-empty
// pattern (test file ID, subtest name, failure message) must match. Rules
// are written by hand in reasons.go; they group failures by cause, and the
// first match wins. "$1" in a reason is the message pattern's first group.
type rule struct {
	file, name, msg *regexp.Regexp
	reason          string
}

func mk(file, name, msg, reason string) rule {
	c := func(s string) *regexp.Regexp {
		if s == "" {
			return nil
		}
		return regexp.MustCompile(s)
	}
	return rule{file: c(file), name: c(name), msg: c(msg), reason: reason}
}

// flakyRule returns the reason of a "flaky" rule that names the subtest
// (by file and name only), so that a flaky subtest that happened to pass
// is still recorded.
func flakyRule(f *FileResult, s Subtest) string {
	for _, ru := range rules {
		if !strings.HasPrefix(ru.reason, "flaky") || ru.msg != nil {
			continue
		}
		if ru.file != nil && !ru.file.MatchString(f.Test.ID()) {
			continue
		}
		if ru.name != nil && !ru.name.MatchString(s.Name) {
			continue
		}
		return ru.reason
	}
	return ""
}

// Classify returns the reason for a failing subtest of f.
func Classify(f *FileResult, s Subtest) string {
	msg := s.Status + ": " + s.Message
	for _, ru := range rules {
		if ru.file != nil && !ru.file.MatchString(f.Test.ID()) {
			continue
		}
		if ru.name != nil && !ru.name.MatchString(s.Name) {
			continue
		}
		reason := ru.reason
		if ru.msg != nil {
			m := ru.msg.FindStringSubmatch(msg)
			if m == nil {
				continue
			}
			if len(m) > 1 {
				reason = strings.ReplaceAll(reason, "$1", m[1])
			}
		}
		return reason
	}
	m := s.Message
	if len(m) > 80 {
		m = m[:80] + "…"
	}
	return "bug (unclassified): " + m
}
