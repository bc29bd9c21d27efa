package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// HandlerTransport returns a RoundTripper that serves requests with h in
// process: no network hop, and the response body is streamed through a
// pipe as h writes it (h blocks until it is read). The handler runs on its
// own goroutine; RoundTrip returns once h has written the header (by
// WriteHeader, Write, Flush or returning). Cancelling the request's
// context, or closing the response body, makes h's further writes fail.
// A panic in h becomes an error (before the header) or a body read error
// (after it).
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h} }

type handlerTransport struct{ h http.Handler }

// ErrHandlerPanic is matched by errors from a handler that panicked.
var ErrHandlerPanic = errors.New("the handler panicked")

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	sreq := req.Clone(ctx)
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	if sreq.RemoteAddr == "" {
		sreq.RemoteAddr = "127.0.0.1:0"
	}
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	if sreq.Header == nil {
		sreq.Header = http.Header{}
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{}), method: req.Method}
	go w.serve(t.h, sreq)
	select {
	case <-w.ready:
	case <-ctx.Done():
		_ = pr.CloseWithError(ctx.Err())
		return nil, ctx.Err()
	}
	if w.err != nil {
		_ = pr.Close()
		return nil, w.err
	}
	resp := &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		ContentLength: -1,
		Request:       req,
	}
	if cl := w.sent.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			resp.ContentLength = n
		}
	}
	if req.Method == http.MethodHead || w.status == 204 || w.status == 304 {
		_ = pr.Close()
		resp.Body = http.NoBody
		resp.ContentLength = 0
		return resp, nil
	}
	stop := context.AfterFunc(ctx, func() { _ = pr.CloseWithError(ctx.Err()) })
	resp.Body = &pipeBody{pr: pr, stop: stop}
	return resp, nil
}

type pipeBody struct {
	pr   *io.PipeReader
	stop func() bool
}

func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

func (b *pipeBody) Close() error {
	b.stop()
	return b.pr.Close()
}

// pipeWriter is the http.ResponseWriter of an in-process handler.
type pipeWriter struct {
	header http.Header
	sent   http.Header // snapshot at WriteHeader
	pw     *io.PipeWriter
	method string

	once   sync.Once
	ready  chan struct{}
	status int
	err    error // set before ready closes: the handler failed before the header
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != 101 {
		return // informational responses are not delivered
	}
	w.once.Do(func() {
		if code < 100 || code > 999 {
			code = http.StatusInternalServerError
		}
		w.status = code
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		if w.header.Get("Content-Type") == "" && w.header.Get("Transfer-Encoding") == "" && len(p) > 0 {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.method == http.MethodHead || w.status == 204 || w.status == 304 {
		return len(p), nil
	}
	return w.pw.Write(p)
}

// Flush sends the header if not yet sent; data is never held back.
func (w *pipeWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
}

func (w *pipeWriter) serve(h http.Handler, req *http.Request) {
	defer func() {
		p := recover()
		_ = req.Body.Close()
		if p != nil {
			err := fmt.Errorf("%w: %v", ErrHandlerPanic, p)
			if p == http.ErrAbortHandler {
				err = fmt.Errorf("%w: the handler aborted the response", ErrHandlerPanic)
			}
			w.once.Do(func() {
				w.err = err
				close(w.ready)
			})
			_ = w.pw.CloseWithError(err)
			return
		}
		w.WriteHeader(http.StatusOK)
		_ = w.pw.Close()
	}()
	h.ServeHTTP(w, req)
}
