//go:build wpt

package streams_test

// This file runs web-platform-tests streams files against the package when
// built with -tags wpt, using testdata/wpt-harness.js (a small
// testharness.js-compatible shim: test, promise_test, async_test and the
// common assertions) and a setTimeout backed by Go timers. WPT_DIR is the
// root of a wpt checkout; WPT_FILES lists test files relative to its streams
// directory, comma-separated. The usual helpers (streams/resources/
// test-utils.js, rs-utils.js, recording-streams.js, rs-test-templates.js)
// are loaded first when present. Example:
//
//	WPT_DIR=$HOME/wpt WPT_FILES=piping/flow-control.any.js go test -tags wpt -run WPT -v ./streams/

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func TestWPT(t *testing.T) {
	dir := os.Getenv("WPT_DIR")
	if dir == "" {
		t.Skip("WPT_DIR is not set")
	}
	for _, file := range strings.Split(os.Getenv("WPT_FILES"), ",") {
		if file == "" {
			continue
		}
		t.Run(file, func(t *testing.T) { runWPTFile(t, dir, file) })
	}
}

func runWPTFile(t *testing.T, dir, file string) {
	e := newEnv(t)
	var mu sync.Mutex
	cancelled := map[int64]bool{}
	var nextID int64
	e.Do(func() {
		vm := e.R.VM()
		_ = vm.Set("setTimeout", func(call goja.FunctionCall) goja.Value {
			fn, _ := goja.AssertFunction(call.Argument(0))
			ms := call.Argument(1).ToInteger()
			mu.Lock()
			nextID++
			id := nextID
			mu.Unlock()
			time.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
				e.R.Submit(nil, func() {
					mu.Lock()
					c := cancelled[id]
					mu.Unlock()
					if !c && fn != nil {
						_, _ = fn(goja.Undefined())
					}
				})
			})
			return vm.ToValue(id)
		})
		_ = vm.Set("clearTimeout", func(id int64) { mu.Lock(); cancelled[id] = true; mu.Unlock() })
	})
	load := func(path string) {
		src, err := os.ReadFile(path)
		if err != nil {
			if os.IsNotExist(err) {
				return
			}
			t.Fatal(err)
		}
		done := make(chan error, 1)
		e.R.Submit(nil, func() {
			_, err := e.R.VM().RunScript(path, string(src))
			done <- err
		})
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	load(filepath.Join("testdata", "wpt-harness.js"))
	for _, res := range []string{"test-utils.js", "rs-utils.js", "recording-streams.js", "rs-test-templates.js"} {
		load(filepath.Join(dir, "streams", "resources", res))
	}
	load(filepath.Join(dir, "streams", file))
	finished := make(chan struct{})
	var pass, failed int
	e.R.Submit(nil, func() {
		vm := e.R.VM()
		run, _ := goja.AssertFunction(vm.Get("__runTests"))
		report := vm.ToValue(func(status, name, msg string) {
			switch status {
			case "PASS":
				pass++
			default:
				failed++
				t.Logf("%s: %s\n    %s", status, name, msg)
			}
		})
		p, err := run(goja.Undefined(), report)
		if err != nil {
			t.Errorf("run: %v", err)
			close(finished)
			return
		}
		then, _ := goja.AssertFunction(p.ToObject(vm).Get("then"))
		fin := vm.ToValue(func() { close(finished) })
		_, _ = then(p, fin, fin)
	})
	select {
	case <-finished:
	case <-time.After(120 * time.Second):
		t.Fatal("timeout")
	}
	t.Logf("%s: %d passed, %d failed", file, pass, failed)
	if failed > 0 {
		t.Fail()
	}
}
