package wpt

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/fetch/fetchtest"
	"github.com/workerhost/workerhost/internal/realm"
)

// FileHandler serves the static files of a WPT checkout the way the WPT
// server does for files without handlers: the body of the file, a
// Content-Type from its extension, the headers of a sibling ".headers"
// file, and 404 for missing files. Python handlers (.py) are not run: they
// answer 501, so tests that need them fail fast (ServerHandler serves the
// ones reimplemented in Go).
func FileHandler(root string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rel := strings.TrimPrefix(path.Clean("/"+req.URL.Path), "/")
		if strings.HasSuffix(rel, ".py") {
			http.Error(w, "the WPT runner has no Python handlers (this one is not in pyHandlers)", http.StatusNotImplemented)
			return
		}
		file := filepath.Join(root, filepath.FromSlash(rewrite(rel)))
		body, err := os.ReadFile(file)
		if err != nil {
			http.NotFound(w, req)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType(rel))
		if hdr, err := os.ReadFile(file + ".headers"); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(hdr))
			for sc.Scan() {
				if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
					h.Set(strings.TrimSpace(k), strings.TrimSpace(v))
				}
			}
		}
		if req.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

// fetchInstallers caches one fetch installer per root: the real fetch()
// with a fetchtest transport that routes the test server's hosts to
// ServerHandler (one server, so one stash, per root).
var fetchInstallers sync.Map // root → func(*realm.Realm)

func init() { realFetch = fetchFor }

// fetchFor returns the installer of the real fetch() for root.
func fetchFor(root string) func(*realm.Realm) {
	if v, ok := fetchInstallers.Load(root); ok {
		return v.(func(*realm.Realm))
	}
	tr := &fetchtest.Transport{}
	srv := ServerHandler(root)
	tr.Handle(testHost, srv)
	tr.Handle("www."+testHost, srv)
	inst := fetch.Installer(fetch.Config{Transport: tr, Subrequests: -1})
	v, _ := fetchInstallers.LoadOrStore(root, inst)
	return v.(func(*realm.Realm))
}

// testHost is the host name test files run at.
const testHost = "web-platform.test"
