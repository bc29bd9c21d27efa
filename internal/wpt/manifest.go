// Package wpt runs web-platform-tests (WPT) testharness.js files against
// the Web APIs of a realm built the way the runtime builds an isolate, in a
// dedicated-worker-like global scope, and compares the results with a file
// of known failures (expectations.json). TestWPT drives it; see README.md.
package wpt

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Areas are the WPT directories the runner covers, in report order. A test
// file belongs to the first area whose prefix its path has.
var Areas = []string{
	"url",
	"encoding",
	"html/webappapis/atob",
	"html/webappapis/timers",
	"html/webappapis/structured-clone",
	"dom/abort",
	"dom/events",
	"fetch/api/headers",
	"fetch/api/request",
	"fetch/api/response",
	"fetch/api/body",
	"fetch/api/basic",
	"FileAPI/blob",
	"FileAPI/file",
	"xhr/formdata",
	"WebCryptoAPI/getRandomValues.any.js",
	"WebCryptoAPI/randomUUID.https.any.js",
	"WebCryptoAPI/digest",
	"WebCryptoAPI/sign_verify",
	"WebCryptoAPI/encrypt_decrypt",
	"WebCryptoAPI/derive_bits_keys",
	"WebCryptoAPI/import_export",
	"WebCryptoAPI/wrapKey_unwrapKey",
	"WebCryptoAPI/generateKey",
	"streams",
	"compression",
}

// Test is one test file (one variant of it) to run.
type Test struct {
	Path    string   // relative to the WPT root, slash-separated
	Variant string   // "" or a query string such as "?1-10"
	Area    string   // entry of Areas
	Scripts []string // META script dependencies, relative to the root
	Long    bool     // META: timeout=long
	Title   string   // META: title
	Worker  bool     // a .worker.js file: it loads testharness.js itself
}

// ID names the test in reports and in expectations.json.
func (t Test) ID() string { return t.Path + t.Variant }

// AreaOf returns the area a path belongs to, or "".
func AreaOf(p string) string {
	for _, a := range Areas {
		if p == a || strings.HasPrefix(p, a+"/") {
			return a
		}
	}
	return ""
}

// Discover lists the test files of the areas under root, sorted. Files that
// cannot run in a dedicated worker (.window.js, .html, META global=window
// only, shadowrealm-only) and the fetch/api/basic files that need more of
// the WPT server than the runner has (needsServer) are left out; skipped
// gets one line per such file.
func Discover(root string) (tests []Test, skipped []string, err error) {
	for _, area := range Areas {
		dir := filepath.Join(root, filepath.FromSlash(area))
		st, err := os.Stat(dir)
		if err != nil {
			continue
		}
		var files []string
		if !st.IsDir() {
			files = []string{area}
		} else {
			err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				rel = filepath.ToSlash(rel)
				if d.IsDir() {
					switch d.Name() {
					case "resources", "support", "crashtests", "tools", "util":
						return fs.SkipDir
					}
					return nil
				}
				if AreaOf(rel) == area {
					files = append(files, rel)
				}
				return nil
			})
			if err != nil {
				return nil, nil, err
			}
		}
		for _, rel := range files {
			isAny := strings.HasSuffix(rel, ".any.js")
			isWorker := strings.HasSuffix(rel, ".worker.js") && !strings.HasSuffix(rel, ".any.worker.js")
			if !isAny && !isWorker {
				continue
			}
			src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
			if err != nil {
				return nil, nil, err
			}
			meta := parseMeta(string(src))
			if isAny && !workerGlobal(meta["global"]) {
				skipped = append(skipped, rel+": META global="+strings.Join(meta["global"], ",")+" has no worker scope")
				continue
			}
			if strings.HasPrefix(rel, "fetch/api/basic/") {
				if why := needsServer(rel, string(src)); why != "" {
					skipped = append(skipped, rel+": needs the WPT server: "+why)
					continue
				}
			}
			t := Test{Path: rel, Area: area, Worker: isWorker}
			for _, s := range meta["script"] {
				t.Scripts = append(t.Scripts, resolveScript(rel, s))
			}
			for _, v := range meta["timeout"] {
				if v == "long" {
					t.Long = true
				}
			}
			if len(meta["title"]) > 0 {
				t.Title = meta["title"][0]
			}
			variants := meta["variant"]
			if len(variants) == 0 {
				variants = []string{""}
			}
			for _, v := range variants {
				tv := t
				tv.Variant = v
				tests = append(tests, tv)
			}
		}
	}
	sort.SliceStable(tests, func(i, j int) bool { return tests[i].ID() < tests[j].ID() })
	return tests, skipped, nil
}

// parseMeta reads the "// META: key=value" lines at the top of a file.
func parseMeta(src string) map[string][]string {
	m := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "// META:") {
			if line == "" || strings.HasPrefix(line, "//") {
				continue
			}
			break
		}
		kv := strings.TrimSpace(strings.TrimPrefix(line, "// META:"))
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "global" {
			for _, g := range strings.Split(v, ",") {
				m[k] = append(m[k], strings.TrimSpace(g))
			}
			continue
		}
		m[k] = append(m[k], v)
	}
	return m
}

// workerGlobal reports whether a META global list includes a classic
// worker scope (the default, window+dedicatedworker, does).
func workerGlobal(globals []string) bool {
	if len(globals) == 0 {
		return true
	}
	for _, g := range globals {
		switch g {
		case "worker", "dedicatedworker", "sharedworker", "serviceworker", "jsshell":
			return true
		}
	}
	return false
}

// needsServer says why a fetch/api/basic file cannot run against the
// runner's server, or "" when it can: HTTP/2 (.h2. files), other origins
// (get-host-info), wptserve pipes, or a Python handler or .asis file that
// the runner does not serve (see pyHandlers).
func needsServer(rel, src string) string {
	switch {
	case strings.Contains(rel, ".h2."):
		return "HTTP/2"
	case strings.Contains(src, "get-host-info") || strings.Contains(src, "get_host_info"):
		return "other origins (get-host-info)"
	case strings.Contains(src, "pipe="):
		return "wptserve pipes"
	}
	served := map[string]bool{}
	for p := range pyHandlers {
		served[path.Base(p)] = true
	}
	for p := range asisFiles {
		served[path.Base(p)] = true
	}
	var missing []string
	for _, name := range resourceName.FindAllString(src, -1) {
		if !served[name] && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "Python handlers the runner does not have (" + strings.Join(missing, ", ") + ")"
	}
	return ""
}

// resourceName matches the names of Python handlers and .asis files in a
// test's source.
var resourceName = regexp.MustCompile(`[A-Za-z0-9_.-]+\.(py|asis)\b`)

// resolveScript resolves a META script path: absolute paths from the WPT
// root, others relative to the test file's directory.
func resolveScript(testPath, s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "/") {
		return strings.TrimPrefix(path.Clean(s), "/")
	}
	return path.Clean(path.Join(path.Dir(testPath), s))
}
