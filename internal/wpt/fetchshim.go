package wpt

import (
	"bufio"
	"bytes"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// installFetchShim defines a minimal global fetch that serves files of the
// WPT checkout for URLs of the test server (relative URLs resolve against
// the test's URL), as new Response(bytes, {status, headers}). It is used
// only while the realm has no fetch of its own. There is no server: URLs of
// Python handlers (.py) and other hosts fail.
func installFetchShim(r *realm.Realm, root string, base *url.URL) {
	vm := r.VM()
	fetch := func(call goja.FunctionCall) goja.Value {
		p, resolve, reject := vm.NewPromise()
		in := call.Argument(0)
		var raw string
		if o, ok := in.(*goja.Object); ok {
			if v := o.Get("url"); v != nil && !goja.IsUndefined(v) {
				raw = v.String()
			} else {
				raw = o.String()
			}
		} else {
			raw = in.String()
		}
		ref, err := base.Parse(raw)
		if err != nil {
			_ = reject(r.NewTypeError("fetch: invalid URL " + raw))
			return vm.ToValue(p)
		}
		rel, ok := localPath(ref)
		if !ok || strings.HasSuffix(rel, ".py") {
			_ = reject(r.NewTypeError("fetch: network error (the WPT runner serves only static files of the checkout): " + ref.String()))
			return vm.ToValue(p)
		}
		ctx := r.Current()
		file := filepath.Join(root, filepath.FromSlash(rewrite(rel)))
		go func() {
			body, err := os.ReadFile(file)
			hdr, _ := os.ReadFile(file + ".headers")
			r.Submit(ctx, func() {
				ctor := vm.Get("Response")
				if ctor == nil || goja.IsUndefined(ctor) {
					_ = reject(r.NewTypeError("fetch shim: Response is not defined"))
					return
				}
				init := vm.NewObject()
				headers := vm.NewObject()
				status := 200
				if err != nil {
					status, body = 404, nil
				} else {
					_ = headers.Set("content-type", contentType(rel))
					sc := bufio.NewScanner(bytes.NewReader(hdr))
					for sc.Scan() {
						if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
							_ = headers.Set(strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v))
						}
					}
				}
				_ = init.Set("status", status)
				_ = init.Set("headers", headers)
				var bv goja.Value = goja.Null()
				if status == 200 {
					bv = r.NewUint8Array(body)
				}
				resp, jerr := vm.New(ctor, bv, init)
				if jerr != nil {
					_ = reject(r.NewTypeError("fetch shim: new Response failed: " + jerr.Error()))
					return
				}
				_ = resolve(resp)
			})
		}()
		return vm.ToValue(p)
	}
	r.DefineGlobal("fetch", r.Func("fetch", 1, fetch))
}

func contentType(rel string) string {
	switch path.Ext(rel) {
	case ".json":
		return "application/json"
	case ".txt":
		return "text/plain"
	case ".js":
		return "text/javascript"
	case ".html", ".htm":
		return "text/html"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".svg":
		return "image/svg+xml"
	case ".xml":
		return "application/xml"
	case ".css":
		return "text/css"
	}
	return "application/octet-stream"
}
