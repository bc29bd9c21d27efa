// Package fetchtest is a testing transport for fetch(): it routes
// subrequests to Go handlers or canned responses by URL, so that scripts
// that call fetch() can be tested without a network, and records every
// request it sees.
//
//	tr := &fetchtest.Transport{}
//	tr.Respond("https://api.example.com/v1/user", 200, `{"name":"ada"}`, http.Header{"Content-Type": {"application/json"}})
//	tr.Handle("https://api.example.com/v1/*", myHandler)
//	tr.Handle("cdn.example.com", http.FileServer(...))
//	cfg := fetch.Config{Transport: tr}
//
// Patterns:
//   - "https://host/path?query": that exact URL (the query is compared only
//     when the pattern has one; fragments never are);
//   - "https://host/prefix*": URLs starting with the prefix;
//   - "host", "host:port" or "*.example.com": every URL of that host.
//
// The most specific route wins: an exact URL, then the longest prefix, then
// a host (exact before wildcard). A request that matches no route fails
// with an error naming it, which script sees as a "fetch failed" TypeError.
package fetchtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/workerhost/workerhost/fetch"
)

// MaxRecordedBody bounds the bytes of each request body kept in the record.
const MaxRecordedBody = 1 << 20

// Request is a request the transport saw.
type Request struct {
	Method string
	URL    string
	Header http.Header
	// Body holds the first MaxRecordedBody bytes the handler read (all of
	// it for canned responses, which read the whole body).
	Body []byte
	// Pattern is the route that served it ("" when none matched).
	Pattern string
}

type route struct {
	pattern string
	kind    int // 0 exact, 1 prefix, 2 host, 3 wildcard host
	key     string
	hasQ    bool
	rt      http.RoundTripper
}

// Transport is an http.RoundTripper for fetch.Config.Transport. The zero
// value has no routes; it is safe for concurrent use.
type Transport struct {
	mu       sync.Mutex
	routes   []*route
	requests []*record
}

type record struct {
	mu  sync.Mutex
	req Request
}

// Handle routes requests matching pattern to h, served in process with a
// streamed response (see fetch.HandlerTransport).
func (t *Transport) Handle(pattern string, h http.Handler) {
	t.add(pattern, fetch.HandlerTransport(h))
}

// HandleFunc is Handle with a function.
func (t *Transport) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	t.Handle(pattern, http.HandlerFunc(f))
}

// Respond routes requests matching pattern to a canned response.
func (t *Transport) Respond(pattern string, status int, body string, header http.Header) {
	t.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, vs := range header {
			w.Header()[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
		}
		if w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
}

func (t *Transport) add(pattern string, rt http.RoundTripper) {
	p := strings.TrimSpace(pattern)
	r := &route{pattern: pattern, rt: rt}
	switch {
	case strings.Contains(p, "://") && strings.HasSuffix(p, "*"):
		r.kind, r.key = 1, strings.TrimSuffix(p, "*")
	case strings.Contains(p, "://"):
		r.kind = 0
		r.key, _, _ = strings.Cut(p, "#")
		r.hasQ = strings.Contains(r.key, "?")
	case strings.HasPrefix(p, "*."):
		r.kind, r.key = 3, strings.ToLower(p[1:])
	default:
		r.kind, r.key = 2, strings.ToLower(p)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.routes = append(t.routes, r)
	sort.SliceStable(t.routes, func(i, j int) bool {
		a, b := t.routes[i], t.routes[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return len(a.key) > len(b.key)
	})
}

func (t *Transport) match(req *http.Request) *route {
	full := req.URL.String()
	full, _, _ = strings.Cut(full, "#")
	noQuery, _, _ := strings.Cut(full, "?")
	host := strings.ToLower(req.URL.Host)
	hostname := strings.ToLower(req.URL.Hostname())
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.routes {
		switch r.kind {
		case 0:
			if (r.hasQ && full == r.key) || (!r.hasQ && noQuery == r.key) {
				return r
			}
		case 1:
			if strings.HasPrefix(full, r.key) {
				return r
			}
		case 2:
			if host == r.key || hostname == r.key {
				return r
			}
		case 3:
			if len(hostname) > len(r.key) && strings.HasSuffix(hostname, r.key) {
				return r
			}
		}
	}
	return nil
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := &record{req: Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone()}}
	r := t.match(req)
	if r != nil {
		rec.req.Pattern = r.pattern
	}
	t.mu.Lock()
	t.requests = append(t.requests, rec)
	t.mu.Unlock()
	if r == nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("fetchtest: no route for %s %s (add one with Handle or Respond)", req.Method, req.URL.String())
	}
	if req.Body != nil && req.Body != http.NoBody {
		req = req.Clone(req.Context())
		req.Body = &recordingBody{rc: req.Body, rec: rec}
	}
	return r.rt.RoundTrip(req)
}

// Requests returns the requests seen so far, oldest first.
func (t *Transport) Requests() []Request {
	t.mu.Lock()
	recs := append([]*record(nil), t.requests...)
	t.mu.Unlock()
	out := make([]Request, len(recs))
	for i, rec := range recs {
		rec.mu.Lock()
		out[i] = rec.req
		out[i].Body = bytes.Clone(rec.req.Body)
		rec.mu.Unlock()
	}
	return out
}

// Reset forgets the recorded requests (routes stay).
func (t *Transport) Reset() {
	t.mu.Lock()
	t.requests = nil
	t.mu.Unlock()
}

type recordingBody struct {
	rc  io.ReadCloser
	rec *record
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.rec.mu.Lock()
		if room := MaxRecordedBody - len(b.rec.req.Body); room > 0 {
			b.rec.req.Body = append(b.rec.req.Body, p[:min(n, room)]...)
		}
		b.rec.mu.Unlock()
	}
	return n, err
}

func (b *recordingBody) Close() error { return b.rc.Close() }
