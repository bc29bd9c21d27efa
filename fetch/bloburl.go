package fetch

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/mimetype"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi"
	"github.com/workerhost/workerhost/webapi/fileapi"
	weburl "github.com/workerhost/workerhost/webapi/url"
)

// blobStore is a routine's blob URL store (File API §8): URL.createObjectURL
// registers a Blob under a fresh "blob:null/<uuid>" URL that fetch() of any
// isolate of the routine can read, and no other routine can. An entry lives
// until URL.revokeObjectURL or the end of the request that created it (the
// worker's "environment" is a request here; entries made during static
// initialization live as long as the routine). Safe for concurrent use.
type blobStore struct {
	mu sync.Mutex
	m  map[string]blobEntry
}

// blobEntry is a Blob's immutable content.
type blobEntry struct {
	data []byte
	typ  string
}

func (s *blobStore) add(url string, e blobEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]blobEntry{}
	}
	s.m[url] = e
}

func (s *blobStore) remove(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, url)
}

func (s *blobStore) get(url string) (blobEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[url]
	return e, ok
}

// installObjectURLs defines URL.createObjectURL and URL.revokeObjectURL
// (the File API's partial interface URL) on the realm's URL constructor,
// when that is built (lazily: fetch's install must not build it).
func (rs *realmState) installObjectURLs() {
	r := rs.r
	vm := r.VM()
	store := &rs.st.blobs
	weburl.AddStatic(r, "createObjectURL", 1, func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) == 0 {
			panic(r.NewTypeError("Failed to execute 'createObjectURL' on 'URL': 1 argument required, but only 0 present."))
		}
		data, typ, ok := fileapi.BlobFrom(call.Arguments[0])
		if !ok {
			panic(r.NewTypeError("Failed to execute 'createObjectURL' on 'URL': parameter 1 is not of type 'Blob'."))
		}
		// A worker routine has no origin: its blob URLs serialize the
		// opaque origin as "null".
		var id [16]byte
		_, _ = rand.Read(id[:])
		id[6] = id[6]&0x0f | 0x40 // UUID version 4
		id[8] = id[8]&0x3f | 0x80 // variant 10
		h := hex.EncodeToString(id[:])
		url := "blob:null/" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		store.add(url, blobEntry{data: data, typ: typ})
		if ctx := r.Current(); ctx != nil {
			ctx.OnEnd(func() { store.remove(url) })
		}
		return vm.ToValue(url)
	})
	weburl.AddStatic(r, "revokeObjectURL", 1, func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) == 0 {
			panic(r.NewTypeError("Failed to execute 'revokeObjectURL' on 'URL': 1 argument required, but only 0 present."))
		}
		// Only the exact URL revokes: not one with a fragment appended.
		s := call.Arguments[0].String()
		if u, err := weburl.Parse(s, nil); err == nil && u.Scheme() == "blob" {
			store.remove(s)
		}
		return goja.Undefined()
	})
}

// resolveBlobURL settles a fetch() of a blob: URL ("scheme fetch"): a
// basic 200 "OK" response with the Blob's bytes, Content-Length and
// Content-Type (its type, possibly empty); a network error (TypeError) for
// a method other than GET or a URL with no Blob in the store. Range
// requests are not supported: the whole Blob is returned.
func (rs *realmState) resolveBlobURL(r *realm.Realm, method, href string, resolve, reject func(any) error) {
	e, ok := rs.st.blobs.get(href)
	switch {
	case !ok:
		_ = reject(r.NewTypeError("fetch failed: " + strconv.Quote(shorten(href)) + " is not a blob: URL of this routine (made by URL.createObjectURL and not revoked)"))
		return
	case method != http.MethodGet:
		_ = reject(r.NewTypeError("fetch failed: a blob: URL can only be fetched with GET, not " + method))
		return
	}
	// Blob.type is "a parsable MIME type, or the empty string" (File API);
	// the Blob constructor only checks the characters, so a type that does
	// not parse is sent as "" (whatwg/fetch#1693, as WPT expects).
	typ := e.typ
	if _, ok := mimetype.Parse(typ); !ok {
		typ = ""
	}
	hdr := http.Header{
		"Content-Length": {strconv.Itoa(len(e.data))},
		"Content-Type":   {typ},
	}
	// The Blob stays immutable: the body gets its own copy, which
	// arrayBuffer() may hand to script.
	body := webapi.BytesBody(append([]byte(nil), e.data...))
	obj, _ := webapi.NewResponse(r, http.StatusOK, "OK", hdr, body, href, false)
	_ = resolve(obj)
}

// isBlobURL reports whether href is a blob: URL.
func isBlobURL(href string) bool { return strings.HasPrefix(href, "blob:") }
