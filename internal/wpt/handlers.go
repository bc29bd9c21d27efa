package wpt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The WPT server runs Python handlers (.py files) for some URLs. The ones
// the runner's areas use are reimplemented here in Go, keyed by their path
// in the checkout, with the behaviour of the .py file of the same path
// (request.GET is the query, request.headers the request headers joined
// with ", ", request.server.stash a process-wide take-once store). Handlers
// whose .py file the checkout lacks (the xhr/resources ones) are written
// from what the tests expect; their comment says so.
var pyHandlers = map[string]func(*server, http.ResponseWriter, *http.Request){
	"fetch/api/resources/inspect-headers.py":         inspectHeaders,
	"fetch/api/resources/echo-content.py":            echoContent,
	"fetch/api/resources/trickle.py":                 trickle,
	"fetch/api/resources/cache.py":                   etagCache,
	"fetch/api/resources/status.py":                  statusHandler,
	"fetch/api/resources/redirect.py":                redirectHandler,
	"fetch/api/resources/bad-chunk-encoding.py":      badChunkEncoding,
	"fetch/api/request/resources/cache.py":           requestCache,
	"FileAPI/file/resources/echo-content-escaped.py": echoContentEscaped,
	"xhr/resources/parse-headers.py":                 parseHeaders,
	"xhr/resources/echo-headers.py":                  echoHeaders,
}

// asisFiles are the raw HTTP responses of fetch/api/basic/header-value-combining
// (xhr/resources/*.asis, served byte for byte by the WPT server). The
// checkout has no xhr/resources, so they are written here from the values
// the test expects; the runner parses them with net/http's response parser,
// the one fetch() uses on the network.
var asisFiles = map[string]string{
	"xhr/resources/header-content-length.asis":       "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	"xhr/resources/header-content-length-twice.asis": "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
	"xhr/resources/headers-double-empty.asis":        "HTTP/1.1 200 OK\r\nDouble-Trouble: \r\nDouble-Trouble: \r\nContent-Length: 0\r\n\r\n",
	"xhr/resources/headers-basic.asis":               "HTTP/1.1 200 OK\r\nFoo-Test: 1\r\nFoo-Test: 2\r\nFoo-Test: 3\r\nContent-Length: 0\r\n\r\n",
	"xhr/resources/headers-some-are-empty.asis":      "HTTP/1.0 200 MEH\r\nHEYA:\r\nHEYA: \x0b\x0c\r\nHEYA: 1\r\nHEYA: \t\r\nHEYA:\r\nHEYA: \t2\r\n\r\n",
	"xhr/resources/headers-www-authenticate.asis":    "HTTP/1.1 200 OK\r\nWWW-Authenticate: 1\r\nWWW-Authenticate: 2\r\nWWW-Authenticate: 3\r\nWWW-Authenticate: 4\r\nContent-Length: 0\r\n\r\n",
}

// server is the test server of one checkout: the Go handlers above, then
// the static files.
type server struct {
	files http.Handler
	mu    sync.Mutex
	stash map[string]any
}

// ServerHandler serves a WPT checkout as the WPT server does for the
// runner's areas: the Python handlers reimplemented in Go (pyHandlers), the
// .asis responses of asisFiles and otherwise FileHandler. Requests and
// responses go through Wire, so that they look as they would over HTTP/1.1
// with net/http.
func ServerHandler(root string) http.Handler {
	s := &server{files: FileHandler(root), stash: map[string]any{}}
	return Wire(s)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if h, ok := pyHandlers[rel]; ok {
		h(s, w, r)
		return
	}
	if raw, ok := asisFiles[rel]; ok {
		writeRaw(w, r, []byte(raw))
		return
	}
	s.files.ServeHTTP(w, r)
}

// take removes and returns the value stored under key (wptserve's
// stash.take; keys are scoped by the handler's path, as wptserve's are).
func (s *server) take(r *http.Request, key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := r.URL.Path + "\x00" + key
	v := s.stash[k]
	delete(s.stash, k)
	return v
}

func (s *server) put(r *http.Request, key string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stash[r.URL.Path+"\x00"+key] = v
}

// query is request.GET: the pairs of the query in order, decoded as
// Python's parse_qsl does ('+' is a space, bad escapes stay as they are).
type query [][2]string

func queryOf(r *http.Request) query {
	var q query
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		q = append(q, [2]string{unquotePlus(k), unquotePlus(v)})
	}
	return q
}

func unquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (q query) has(k string) bool { _, ok := q.get(k); return ok }

func (q query) get(k string) (string, bool) {
	for _, kv := range q {
		if kv[0] == k {
			return kv[1], true
		}
	}
	return "", false
}

func (q query) first(k, def string) string {
	if v, ok := q.get(k); ok {
		return v
	}
	return def
}

// reqHeader is request.headers.get(name): every value of the field,
// joined with ", ".
func reqHeader(r *http.Request, name string) (string, bool) {
	vs := r.Header.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return strings.Join(vs, ", "), true
}

func reqHeaderOr(r *http.Request, name, def string) string {
	if v, ok := reqHeader(r, name); ok {
		return v
	}
	return def
}

// reply ends a response whose content is known, with the Content-Length
// wptserve adds to it.
func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serverError is what wptserve answers when a handler raises.
func serverError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/plain")
	reply(w, http.StatusInternalServerError, []byte(err.Error()))
}

// sleep waits d unless the request goes away first.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func millis(q query, key, def string) (time.Duration, error) {
	f, err := strconv.ParseFloat(q.first(key, def), 64)
	return time.Duration(f * float64(time.Millisecond)), err
}

// fetch/api/resources/inspect-headers.py
func inspectHeaders(_ *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	h := w.Header()
	var checked []string
	if v, ok := q.get("headers"); ok {
		checked = strings.Split(v, "|")
		for _, name := range checked {
			if v, ok := reqHeader(r, name); ok {
				h.Add("x-request-"+name, v)
			}
		}
	}
	if q.has("cors") {
		if o, ok := reqHeader(r, "Origin"); ok {
			h.Add("Access-Control-Allow-Origin", o)
		} else {
			h.Add("Access-Control-Allow-Origin", "*")
		}
		h.Add("Access-Control-Allow-Credentials", "true")
		h.Add("Access-Control-Allow-Methods", "GET, POST, HEAD")
		exposed := make([]string, len(checked))
		for i, c := range checked {
			exposed[i] = "x-request-" + c
		}
		h.Add("Access-Control-Expose-Headers", strings.Join(exposed, ", "))
		if v, ok := q.get("allow_headers"); ok {
			h.Add("Access-Control-Allow-Headers", v)
		} else {
			var names []string
			for k := range r.Header {
				names = append(names, strings.ToLower(k))
			}
			h.Add("Access-Control-Allow-Headers", strings.Join(names, ", "))
		}
	}
	h.Add("content-type", "text/plain")
	reply(w, 200, nil)
}

// fetch/api/resources/echo-content.py
func echoContent(_ *server, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	echoRequestHeaders(w, r, "text/plain")
	reply(w, 200, body)
}

// echoRequestHeaders sets the X-Request-* headers both echo handlers send.
func echoRequestHeaders(w http.ResponseWriter, r *http.Request, contentType string) {
	h := w.Header()
	h.Set("X-Request-Method", r.Method)
	h.Set("X-Request-Content-Length", reqHeaderOr(r, "Content-Length", "NO"))
	h.Set("X-Request-Content-Type", reqHeaderOr(r, "Content-Type", "NO"))
	h.Set("Content-Type", contentType)
}

// FileAPI/file/resources/echo-content-escaped.py: the request body with
// controls and non-ASCII bytes escaped as \xNN and backslashes doubled,
// CRLF left as is.
func echoContentEscaped(_ *server, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var b bytes.Buffer
	for _, c := range body {
		switch {
		case c <= 0x1f || c >= 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	out := bytes.ReplaceAll(b.Bytes(), []byte(`\x0d\x0a`), []byte("\r\n"))
	echoRequestHeaders(w, r, "text/plain; charset=UTF-8")
	reply(w, 200, out)
}

// fetch/api/resources/trickle.py: count lines "TEST_TRICKLE\n", ms apart,
// after a delay before and after the header.
func trickle(_ *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	delay, count, err := delayAndCount(q, "500")
	if err != nil {
		serverError(w, err)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	if !sleep(r, delay) {
		return
	}
	if !q.has("notype") {
		w.Header().Set("Content-type", "text/plain")
	}
	trickleBody(w, r, "TEST_TRICKLE\n", count, delay)
}

// delayAndCount reads the ms (default defMs) and count (default 50)
// parameters of the slow-body handlers.
func delayAndCount(q query, defMs string) (time.Duration, int, error) {
	delay, err := millis(q, "ms", defMs)
	if err != nil {
		return 0, 0, err
	}
	count, err := strconv.Atoi(q.first("count", "50"))
	return delay, count, err
}

// trickleBody sends the 200 header, then count copies of chunk, each
// flushed, with delay after the header and after each chunk. It reports
// whether all were sent (false: the client went away).
func trickleBody(w http.ResponseWriter, r *http.Request, chunk string, count int, delay time.Duration) bool {
	w.WriteHeader(200)
	flush(w)
	if !sleep(r, delay) {
		return false
	}
	for i := 0; i < count; i++ {
		if _, err := io.WriteString(w, chunk); err != nil {
			return false
		}
		flush(w)
		if !sleep(r, delay) {
			return false
		}
	}
	return true
}

// fetch/api/resources/bad-chunk-encoding.py: count chunks "TEST_CHUNK",
// ms apart, then a malformed chunk, which the client sees as a network
// error in the middle of the body.
func badChunkEncoding(_ *server, w http.ResponseWriter, r *http.Request) {
	delay, count, err := delayAndCount(queryOf(r), "1000")
	if err != nil {
		serverError(w, err)
		return
	}
	if !sleep(r, delay) {
		return
	}
	if trickleBody(w, r, "TEST_CHUNK", count, delay) {
		panic(wireError("malformed chunked encoding"))
	}
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// fetch/api/resources/cache.py: ETag "123abc", 304 (with X-HTTP-STATUS)
// when If-None-Match matches it.
func etagCache(_ *server, w http.ResponseWriter, r *http.Request) {
	const etag = `"123abc"`
	if v, _ := reqHeader(r, "If-None-Match"); v == etag {
		w.Header().Set("X-HTTP-STATUS", "304")
		reply(w, 304, nil)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "text/plain")
	reply(w, 200, []byte("lorem ipsum dolor sit amet"))
}

// fetch/api/request/resources/cache.py: records the validation headers of
// each request under token (read back with ?querystate) and answers with
// the ETag / Last-Modified / Expires / Vary / Cache-Control asked for.
func requestCache(s *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	token, _ := q.get("token")
	if q.has("querystate") {
		w.Header().Set("Content-Type", "text/plain")
		b, _ := json.Marshal(s.take(r, token))
		reply(w, 200, b)
		return
	}
	tag, hasTag := q.get("tag")
	date, hasDate := q.get("date")
	inm, hasINM := reqHeader(r, "If-None-Match")
	ims, hasIMS := reqHeader(r, "If-Modified-Since")
	if hasTag && tag != "" {
		tag = `"` + tag + `"`
	}
	state, _ := s.take(r, token).([]map[string]string)
	entry := map[string]string{}
	if !q.has("ignore") {
		if inm != "" {
			entry["If-None-Match"] = inm
		}
		if ims != "" {
			entry["If-Modified-Since"] = ims
		}
		if v, _ := reqHeader(r, "Pragma"); v != "" {
			entry["Pragma"] = v
		}
		if v, _ := reqHeader(r, "Cache-Control"); v != "" {
			entry["Cache-Control"] = v
		}
	}
	s.put(r, token, append(state, entry))

	h := w.Header()
	switch {
	case hasTag && tag != "":
		h.Set("ETag", tag)
	case hasDate && date != "":
		h.Set("Last-Modified", date)
	}
	for _, p := range [][2]string{{"expires", "Expires"}, {"vary", "Vary"}, {"cache_control", "Cache-Control"}} {
		if v := q.first(p[0], ""); v != "" {
			h.Set(p[1], v)
		}
	}
	h.Set("Access-Control-Allow-Origin", "*")
	switch {
	case q.first("redirect", "") != "":
		h.Set("Location", q.first("redirect", ""))
		reply(w, 302, nil)
	case (hasINM && hasTag && inm == tag) || (hasIMS && hasDate && ims == date):
		reply(w, 304, nil)
	default:
		h.Set("Content-Type", "text/plain")
		reply(w, 200, []byte(q.first("content", "")))
	}
}

// fetch/api/resources/status.py: the status code asked for, Content-Type
// type (empty by default) and content as body.
func statusHandler(_ *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	code, err := strconv.Atoi(q.first("code", "200"))
	if err != nil {
		serverError(w, err)
		return
	}
	w.Header()["Content-Type"] = []string{q.first("type", "")}
	w.Header().Set("X-Request-Method", r.Method)
	reply(w, code, []byte(q.first("content", "")))
}

// redirectState is what redirect.py keeps in the stash under its token.
type redirectState struct {
	count     int
	preflight string
}

// fetch/api/resources/redirect.py
func redirectHandler(s *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	st := redirectState{preflight: "0"}
	status := 302
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("Cache-Control", "no-cache")
	h.Set("Pragma", "no-cache")
	if o, ok := reqHeader(r, "Origin"); ok {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	token, hasToken := q.get("token")
	if hasToken {
		if v, ok := s.take(r, token).(redirectState); ok {
			st = v
		}
	}
	if r.Method == http.MethodOptions {
		if v, ok := q.get("allow_headers"); ok {
			h.Set("Access-Control-Allow-Headers", v)
		}
		st.preflight = "1"
		if !q.has("redirect_preflight") {
			if hasToken {
				s.put(r, token, st)
			}
			reply(w, 200, nil)
			return
		}
	}
	if v, ok := q.get("redirect_status"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			serverError(w, err)
			return
		}
		status = n
	} else if v := postValue(r, "redirect_status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			serverError(w, err)
			return
		}
		status = n
	}
	st.count++
	if loc, ok := q.get("location"); ok {
		if !q.has("simple") {
			scheme := ""
			if u, err := url.Parse(loc); err == nil {
				scheme = u.Scheme
			}
			if scheme == "" || scheme == "http" || scheme == "https" {
				if strings.Contains(loc, "?") {
					loc += "&"
				} else {
					loc += "?"
				}
				// urlencode of a dict of the first value of each key, in
				// the order keys first appear.
				var params []string
				seen := map[string]bool{}
				for _, kv := range q {
					if seen[kv[0]] {
						continue
					}
					seen[kv[0]] = true
					params = append(params, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
				}
				loc += strings.Join(params, "&")
				loc += "&count=" + strconv.Itoa(st.count)
			}
		}
		h.Set("Location", loc)
	}
	if v, ok := q.get("redirect_referrerpolicy"); ok {
		h.Set("Referrer-Policy", v)
	}
	if q.has("delay") {
		d, err := millis(q, "delay", "0")
		if err != nil {
			serverError(w, err)
			return
		}
		if !sleep(r, d) {
			return
		}
	}
	if hasToken {
		s.put(r, token, st)
		if v, ok := q.get("max_count"); ok {
			max, err := strconv.Atoi(v)
			if err != nil {
				serverError(w, err)
				return
			}
			if st.count > max {
				// Stop redirecting and return the count (the headers
				// above are not sent: the handler returns only content).
				for k := range h {
					delete(h, k)
				}
				reply(w, 200, []byte(strconv.Itoa(st.count-1)))
				return
			}
		}
	}
	reply(w, status, nil)
}

// postValue is request.POST[key] for a form-urlencoded body.
func postValue(r *http.Request, key string) string {
	ct, _ := reqHeader(r, "Content-Type")
	if !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return ""
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	v, _ := url.ParseQuery(string(b))
	return v.Get(key)
}

// xhr/resources/parse-headers.py (not in the checkout; upstream's sets
// My-Custom-Header to the my-custom-header query value, as raw bytes).
func parseHeaders(_ *server, w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	if v, ok := q.get("my-custom-header"); ok {
		w.Header().Set("My-Custom-Header", v)
	}
	reply(w, 200, nil)
}

// xhr/resources/echo-headers.py (not in the checkout, written from what
// fetch/api/basic/request-headers-case expects): the request's header
// lines as the server received them, as text/plain.
func echoHeaders(_ *server, w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	if raw, ok := r.Context().Value(rawHeaderKey{}).([]byte); ok {
		b.Write(raw)
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(200)
	_, _ = w.Write(b.Bytes())
}
