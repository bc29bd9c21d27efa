package wpt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// Wire wraps the in-process test server so that an exchange looks as it
// would if fetch() reached the server over HTTP/1.1 with net/http's
// Transport, which is what the fetch package uses for hosts on the
// network (the WPT server is such a host for Deno's and browsers' runs):
//
//   - a request with a header field net/http refuses to send (a name that
//     is not a token, a value with a control character other than HTAB)
//     fails as a network error, before the handler runs;
//   - the handler sees the header fields a server receives: canonical
//     names, Host, the Content-Length or Transfer-Encoding: chunked with
//     which net/http frames the body, the Accept-Encoding: gzip it adds when
//     the request has none, no User-Agent when script set it empty;
//   - the response header block the handler writes is serialised as the
//     Python server writes it and read back with http.ReadResponse, so a
//     value net/http rejects fails the fetch, and repeated fields are
//     folded the way net/http folds them.
//
// Bodies are not re-framed.
func Wire(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := wireRequest(r)
		if err != nil {
			panic(err)
		}
		r = r.WithContext(context.WithValue(r.Context(), rawHeaderKey{}, raw))
		ww := &wireWriter{w: w, req: r}
		h.ServeHTTP(ww, r)
		if !ww.wrote {
			ww.WriteHeader(http.StatusOK)
		}
	})
}

// wireError fails an exchange as a network error would (the handler
// panics with it; the in-process transport turns that into an error).
type wireError string

func (e wireError) Error() string { return "wpt server: " + string(e) }

// rawHeaderKey is the context key of the request's header block as sent.
type rawHeaderKey struct{}

// wireRequest checks r's header as net/http's Transport does, replaces it
// with what the server would parse from the header block the Transport
// writes, and returns that block.
func wireRequest(r *http.Request) ([]byte, error) {
	for k, vs := range r.Header {
		if !validFieldName(k) {
			return nil, wireError(fmt.Sprintf("net/http: invalid header field name %q", k))
		}
		for _, v := range vs {
			if !validFieldValue(v) {
				return nil, wireError(fmt.Sprintf("net/http: invalid header field value for %q", k))
			}
		}
	}
	var b bytes.Buffer
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	fmt.Fprintf(&b, "Host: %s\r\n", host)
	ua := "Go-http-client/1.1"
	if _, ok := r.Header["User-Agent"]; ok {
		ua = r.Header.Get("User-Agent")
	}
	if ua != "" {
		fmt.Fprintf(&b, "User-Agent: %s\r\n", ua)
	}
	// Body framing (net/http's transferWriter for requests).
	cl := r.ContentLength
	if r.Body == nil || r.Body == http.NoBody {
		cl = 0
	} else if cl == 0 {
		cl = -1
	}
	switch {
	case cl < 0:
		b.WriteString("Transfer-Encoding: chunked\r\n")
	case cl > 0 || (r.Method != http.MethodGet && r.Method != http.MethodHead):
		fmt.Fprintf(&b, "Content-Length: %d\r\n", cl)
	}
	_ = r.Header.WriteSubset(&b, map[string]bool{
		"Host": true, "User-Agent": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true,
	})
	if r.Header.Get("Accept-Encoding") == "" && r.Header.Get("Range") == "" && r.Method != http.MethodHead {
		b.WriteString("Accept-Encoding: gzip\r\n")
	}
	raw := bytes.Clone(b.Bytes())
	b.WriteString("\r\n")
	mh, err := textproto.NewReader(bufio.NewReader(&b)).ReadMIMEHeader()
	if err != nil {
		return nil, wireError("the server cannot parse the request header: " + err.Error())
	}
	r.Header = http.Header(mh)
	r.ContentLength = cl
	return raw, nil
}

// wireWriter passes the response header through the HTTP/1.1 parser.
type wireWriter struct {
	w     http.ResponseWriter
	req   *http.Request
	wrote bool
}

func (w *wireWriter) Header() http.Header { return w.w.Header() }

func (w *wireWriter) WriteHeader(code int) {
	if w.wrote || (code >= 100 && code <= 199) {
		return
	}
	w.wrote = true
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", code, http.StatusText(code))
	for k, vs := range w.w.Header() {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(&b), w.req)
	if err != nil {
		panic(wireError("net/http cannot parse the response: " + err.Error()))
	}
	h := w.w.Header()
	clear(h)
	for k, vs := range resp.Header {
		h[k] = vs
	}
	w.w.WriteHeader(resp.StatusCode)
}

func (w *wireWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.w.Write(p)
}

func (w *wireWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.w.(http.Flusher); ok {
		f.Flush()
	}
}

// writeRaw sends a raw HTTP/1.1 response (an .asis file) as net/http's
// client reads it.
func writeRaw(w http.ResponseWriter, r *http.Request, raw []byte) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), r)
	if err != nil {
		panic(wireError("net/http cannot parse the response: " + err.Error()))
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	if resp.ContentLength >= 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// validFieldName and validFieldValue are net/http's checks of outgoing
// header fields (golang.org/x/net/http/httpguts).
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
