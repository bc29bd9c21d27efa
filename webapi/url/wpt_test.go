package url

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

// The WPT tests run the web-platform-tests URL data files when WPT_DIR
// points at a directory holding url/resources/{urltestdata,setters_tests,
// toascii}.json (a checkout of web-platform-tests/wpt, or a copy of those
// three files). They report pass counts and fail below the thresholds.

func wptFile(t *testing.T, name string) []byte {
	t.Helper()
	dir := os.Getenv("WPT_DIR")
	if dir == "" {
		t.Skip("WPT_DIR is not set: set it to a web-platform-tests checkout (or a directory with url/resources/" + name + ") to run the WPT URL data")
	}
	b, err := os.ReadFile(filepath.Join(dir, "url", "resources", name))
	require.NoError(t, err)
	return b
}

type urlCase struct {
	Input    string  `json:"input"`
	Base     *string `json:"base"`
	Failure  bool    `json:"failure"`
	Href     string  `json:"href"`
	Origin   *string `json:"origin"`
	Protocol string  `json:"protocol"`
	Username string  `json:"username"`
	Password string  `json:"password"`
	Host     string  `json:"host"`
	Hostname string  `json:"hostname"`
	Port     string  `json:"port"`
	Pathname string  `json:"pathname"`
	Search   string  `json:"search"`
	Hash     string  `json:"hash"`
}

func loadURLCases(t *testing.T) []urlCase {
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(wptFile(t, "urltestdata.json"), &raw))
	var cases []urlCase
	for _, r := range raw {
		if len(r) > 0 && r[0] == '"' {
			continue // a comment
		}
		var c urlCase
		require.NoError(t, json.Unmarshal(r, &c))
		cases = append(cases, c)
	}
	return cases
}

func checkRecord(c urlCase, u *Record) string {
	var diffs []string
	cmp := func(name, got, want string) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s: got %q want %q", name, got, want))
		}
	}
	cmp("href", u.String(), c.Href)
	if c.Origin != nil {
		cmp("origin", u.Origin().String(), *c.Origin)
	}
	cmp("protocol", u.Protocol(), c.Protocol)
	cmp("username", u.Username(), c.Username)
	cmp("password", u.Password(), c.Password)
	cmp("host", u.Host(), c.Host)
	cmp("hostname", u.Hostname(), c.Hostname)
	cmp("port", u.PortString(), c.Port)
	cmp("pathname", u.Pathname(), c.Pathname)
	cmp("search", u.Search(), c.Search)
	cmp("hash", u.Hash(), c.Hash)
	return strings.Join(diffs, "; ")
}

func TestWPTURLTestData(t *testing.T) {
	cases := loadURLCases(t)
	pass := 0
	for _, c := range cases {
		var base *Record
		if c.Base != nil {
			b, err := Parse(*c.Base, nil)
			if err != nil {
				if c.Failure {
					pass++
				} else {
					t.Logf("FAIL base %q does not parse", *c.Base)
				}
				continue
			}
			base = b
		}
		u, err := Parse(c.Input, base)
		switch {
		case c.Failure && err == nil:
			t.Logf("FAIL %q (base %v): parsed as %q, want failure", c.Input, deref(c.Base), u.String())
		case !c.Failure && err != nil:
			t.Logf("FAIL %q (base %v): failed, want %q", c.Input, deref(c.Base), c.Href)
		case !c.Failure:
			if d := checkRecord(c, u); d != "" {
				t.Logf("FAIL %q (base %v): %s", c.Input, deref(c.Base), d)
			} else {
				pass++
			}
		default:
			pass++
		}
	}
	t.Logf("urltestdata.json (Go Parse): %d/%d passed", pass, len(cases))
	require.GreaterOrEqual(t, float64(pass), 0.98*float64(len(cases)))
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

type setterCase struct {
	Href     string            `json:"href"`
	NewValue string            `json:"new_value"`
	Expected map[string]string `json:"expected"`
}

func TestWPTToASCII(t *testing.T) {
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(wptFile(t, "toascii.json"), &raw))
	pass, total := 0, 0
	for _, r := range raw {
		if r[0] == '"' {
			continue
		}
		var c struct {
			Input  string  `json:"input"`
			Output *string `json:"output"`
		}
		require.NoError(t, json.Unmarshal(r, &c))
		total++
		// As the WPT does: parse "https://{input}/x" and compare the host.
		u, err := Parse("https://"+c.Input+"/x", nil)
		switch {
		case c.Output == nil && err != nil:
			pass++
		case c.Output == nil:
			t.Logf("FAIL %q: got %q, want failure", c.Input, u.Hostname())
		case err != nil:
			t.Logf("FAIL %q: failed, want %q", c.Input, *c.Output)
		case u.Hostname() != *c.Output:
			t.Logf("FAIL %q: got %q, want %q", c.Input, u.Hostname(), *c.Output)
		default:
			pass++
		}
	}
	t.Logf("toascii.json: %d/%d passed", pass, total)
	require.GreaterOrEqual(t, float64(pass), 0.95*float64(total))
}

// runJSHarness evaluates harness (which reads the global __data, the JSON
// text of a WPT file) and expects {pass, total, fails} back.
func runJSHarness(t *testing.T, data []byte, harness string) (pass, total int) {
	t.Helper()
	e := jstest.New(t, dom.Install, Install)
	e.Do(func() { require.NoError(t, e.R.VM().Set("__data", string(data))) })
	v := e.MustRun(harness)
	m := v.(map[string]any)
	for _, f := range m["fails"].([]any) {
		t.Log("FAIL", f)
	}
	return int(m["pass"].(int64)), int(m["total"].(int64))
}

// TestWPTURLConstructorJS runs urltestdata.json through the JavaScript API,
// as url-constructor.any.js and url-statics-canparse/parse do.
func TestWPTURLConstructorJS(t *testing.T) {
	data := wptFile(t, "urltestdata.json")
	pass, total := runJSHarness(t, data, `
const data = JSON.parse(__data);
let pass = 0, total = 0;
const fails = [];
const attrs = ["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];
for (const t of data) {
  if (typeof t === "string") continue;
  total++;
  const base = t.base === null ? undefined : t.base;
  const name = JSON.stringify(t.input) + " against " + JSON.stringify(t.base);
  if (t.failure) {
    let threw = false;
    try { new URL(t.input, base); } catch (e) { threw = e instanceof TypeError; }
    if (threw && !URL.canParse(t.input, base) && URL.parse(t.input, base) === null) pass++;
    else fails.push(name + ": expected failure");
    continue;
  }
  try {
    const u = new URL(t.input, base);
    const bad = [];
    for (const a of attrs) if (u[a] !== t[a]) bad.push(a + "=" + JSON.stringify(u[a]) + " want " + JSON.stringify(t[a]));
    if ("origin" in t && u.origin !== t.origin) bad.push("origin=" + u.origin + " want " + t.origin);
    if ("searchParams" in t && u.searchParams.toString() !== t.searchParams) bad.push("searchParams=" + u.searchParams + " want " + t.searchParams);
    if (!URL.canParse(t.input, base) || URL.parse(t.input, base).href !== t.href) bad.push("URL.parse/canParse disagree");
    if (JSON.stringify(u) !== JSON.stringify(t.href)) bad.push("toJSON");
    if (bad.length) fails.push(name + ": " + bad.join("; ")); else pass++;
  } catch (e) {
    fails.push(name + ": threw " + e);
  }
}
({pass, total, fails})`)
	t.Logf("urltestdata.json (JS URL): %d/%d passed", pass, total)
	require.GreaterOrEqual(t, float64(pass), 0.98*float64(total))
}

// TestWPTSettersJS runs setters_tests.json through the JavaScript setters.
func TestWPTSettersJS(t *testing.T) {
	data := wptFile(t, "setters_tests.json")
	pass, total := runJSHarness(t, data, `
const data = JSON.parse(__data);
let pass = 0, total = 0;
const fails = [];
for (const attr in data) {
  if (attr === "comment") continue;
  for (const t of data[attr]) {
    total++;
    const name = attr + " = " + JSON.stringify(t.new_value) + " on " + JSON.stringify(t.href);
    try {
      const u = new URL(t.href);
      u[attr] = t.new_value;
      const bad = [];
      for (const k in t.expected) if (u[k] !== t.expected[k]) bad.push(k + "=" + JSON.stringify(u[k]) + " want " + JSON.stringify(t.expected[k]));
      if (bad.length) fails.push(name + ": " + bad.join("; ")); else pass++;
    } catch (e) {
      fails.push(name + ": threw " + e);
    }
  }
}
({pass, total, fails})`)
	t.Logf("setters_tests.json (JS URL setters): %d/%d passed", pass, total)
	require.GreaterOrEqual(t, float64(pass), 0.98*float64(total))
}
