package wpt

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serve runs one request through ServerHandler (an empty checkout) and
// returns the recorded response, or the wire error it failed with.
func serve(t *testing.T, h http.Handler, method, target string, body io.Reader, hdr http.Header) (rec *httptest.ResponseRecorder, werr error) {
	t.Helper()
	req := httptest.NewRequest(method, "http://"+testHost+":8000"+target, body)
	if body == nil {
		req.Body = http.NoBody
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	rec = httptest.NewRecorder()
	defer func() {
		if p := recover(); p != nil {
			e, ok := p.(error)
			if !ok {
				panic(p)
			}
			werr = e
		}
	}()
	h.ServeHTTP(rec, req)
	return rec, nil
}

func TestHandlers(t *testing.T) {
	h := ServerHandler(t.TempDir())

	rec, _ := serve(t, h, "GET", "/fetch/api/resources/inspect-headers.py?headers=x-a|X-B|x-none", nil,
		http.Header{"x-a": {"1"}, "X-B": {"2", "3"}})
	if got := rec.Header().Get("X-Request-X-A"); got != "1" {
		t.Errorf("inspect-headers x-a = %q", got)
	}
	if got := rec.Header().Get("X-Request-X-B"); got != "2, 3" {
		t.Errorf("inspect-headers X-B = %q", got)
	}
	if _, ok := rec.Header()["X-Request-X-None"]; ok {
		t.Errorf("inspect-headers echoed a header that was not sent")
	}

	rec, _ = serve(t, h, "POST", "/fetch/api/resources/echo-content.py", strings.NewReader("héllo"),
		http.Header{"Content-Type": {"text/x"}})
	if rec.Body.String() != "héllo" || rec.Header().Get("X-Request-Content-Length") != "6" ||
		rec.Header().Get("X-Request-Content-Type") != "text/x" || rec.Header().Get("X-Request-Method") != "POST" {
		t.Errorf("echo-content: %q %v", rec.Body.String(), rec.Header())
	}
	rec, _ = serve(t, h, "POST", "/fetch/api/resources/echo-content.py", io.MultiReader(strings.NewReader("x")), nil)
	if got := rec.Header().Get("X-Request-Content-Length"); got != "NO" {
		t.Errorf("echo-content of a body of unknown length (chunked): Content-Length %q", got)
	}

	rec, _ = serve(t, h, "POST", "/FileAPI/file/resources/echo-content-escaped.py", strings.NewReader("a\\b\r\nc\x00é"), nil)
	if got := rec.Body.String(); got != `a\\b`+"\r\n"+`c\x00\xc3\xa9` {
		t.Errorf("echo-content-escaped: %q", got)
	}

	rec, _ = serve(t, h, "GET", "/fetch/api/resources/status.py?code=201&content=hi+there&type=text%2Fplain", nil, nil)
	if rec.Code != 201 || rec.Body.String() != "hi there" || rec.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("status: %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}

	// request cache: state recorded per token, read back once.
	serve(t, h, "GET", "/fetch/api/request/resources/cache.py?token=T&tag=1&content=c", nil, nil)
	rec, _ = serve(t, h, "GET", "/fetch/api/request/resources/cache.py?token=T&tag=1&content=c", nil,
		http.Header{"If-None-Match": {`"1"`}})
	if rec.Code != 304 {
		t.Errorf("cache.py with a matching If-None-Match: %d", rec.Code)
	}
	rec, _ = serve(t, h, "GET", "/fetch/api/request/resources/cache.py?querystate&token=T", nil, nil)
	var state []map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &state); err != nil || len(state) != 2 || state[1]["If-None-Match"] != `"1"` {
		t.Errorf("cache.py state: %s (%v)", rec.Body.String(), err)
	}
	rec, _ = serve(t, h, "GET", "/fetch/api/request/resources/cache.py?querystate&token=T", nil, nil)
	if rec.Body.String() != "null" {
		t.Errorf("cache.py state read twice: %s", rec.Body.String())
	}

	rec, _ = serve(t, h, "GET", "/fetch/api/resources/redirect.py?location=%2Fx%3Fa%3D1&token=R&max_count=1", nil, nil)
	if rec.Code != 302 || rec.Header().Get("Location") != "/x?a=1&location=%2Fx%3Fa%3D1&token=R&max_count=1&count=1" {
		t.Errorf("redirect: %d %v", rec.Code, rec.Header())
	}
	rec, _ = serve(t, h, "GET", "/fetch/api/resources/redirect.py?location=%2Fx&token=R&max_count=1", nil, nil)
	if rec.Code != 200 || rec.Body.String() != "1" {
		t.Errorf("redirect past max_count: %d %q", rec.Code, rec.Body.String())
	}

	start := time.Now()
	rec, _ = serve(t, h, "GET", "/fetch/api/resources/trickle.py?ms=1&count=3", nil, nil)
	if rec.Body.String() != strings.Repeat("TEST_TRICKLE\n", 3) || time.Since(start) > 2*time.Second {
		t.Errorf("trickle: %q", rec.Body.String())
	}

	// Wire: net/http refuses control characters in request header
	// values, folds repeated Content-Length fields and rejects control
	// characters in response header values.
	if _, err := serve(t, h, "GET", "/fetch/api/resources/inspect-headers.py", nil, http.Header{"X-A": {"a\x01b"}}); err == nil {
		t.Errorf("a request header value with a control character was sent")
	}
	rec, _ = serve(t, h, "GET", "/xhr/resources/header-content-length-twice.asis", nil, nil)
	if got := rec.Header().Values("Content-Length"); len(got) != 1 || got[0] != "0" {
		t.Errorf("repeated Content-Length: %q", got)
	}
	if _, err := serve(t, h, "GET", "/xhr/resources/parse-headers.py?my-custom-header=x%00x", nil, nil); err == nil {
		t.Errorf("a response header value with NUL was accepted")
	}
	if _, err := serve(t, h, "GET", "/fetch/api/resources/bad-chunk-encoding.py?ms=1&count=1", nil, nil); err == nil {
		t.Errorf("bad-chunk-encoding did not fail the body")
	}

	rec, _ = serve(t, h, "GET", "/fetch/api/resources/missing.py", nil, nil)
	if rec.Code != http.StatusNotImplemented {
		t.Errorf("unknown handler: %d", rec.Code)
	}
}
