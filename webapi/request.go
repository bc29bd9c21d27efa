package webapi

import (
	"net/http"
	"strings"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/dom"
)

// Request is the Go side of a JS Request (Fetch §6.4).
type Request struct {
	realm.Host
	Method   string
	URL      string // serialized absolute URL
	Redirect string // follow, error, manual
	body     Body

	headers    *Headers
	headersObj *goja.Object
	hdrSrc     http.Header // incoming headers, wrapped lazily
	hdrGuard   Guard

	signalObj *goja.Object
	signal    SignalSource

	mode, credentials, cache, integrity, referrer, referrerPolicy, duplex string
	keepalive                                                             bool
	// priority is RequestInit.priority ("high", "low" or "auto"): kept and
	// copied, but it has no effect on how a subrequest is sent.
	priority string
}

func (q *Request) bodyOf() *Body        { return &q.body }
func (q *Request) ifaceName() string    { return "Request" }
func (q *Request) headersPtr() *Headers { return q.headersFor(nil) }

// Body returns the request body.
func (q *Request) Body() *Body { return &q.body }

// Headers returns the request's header list (materialising it if needed).
func (q *Request) Headers(r *realm.Realm) *Headers { return q.headersFor(r) }

func (q *Request) headersFor(r *realm.Realm) *Headers {
	if q.headers == nil {
		if r == nil {
			h := &Headers{lazy: q.hdrSrc, guard: q.hdrGuard}
			return h
		}
		q.headersObj, q.headers = NewHeadersFrom(r, q.hdrSrc, q.hdrGuard)
		q.headers.BindTo(q.Owner())
	}
	return q.headers
}

// SignalSource produces a request's AbortSignal lazily (set by the runtime
// for incoming requests, by the dom package otherwise).
type SignalSource func(r *realm.Realm) *goja.Object

type headersHaver interface{ headersPtr() *Headers }

func headersOf(h bodyHolder) *Headers {
	if hh, ok := h.(headersHaver); ok {
		return hh.headersPtr()
	}
	return nil
}

type requestState struct {
	class *realm.Class
}

var requestKey = realm.NewKey[*requestState]()

// IncomingRequest describes a client request handed to a fetch event.
type IncomingRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   Body
	Signal SignalSource
}

// NewIncomingRequest creates the immutable-headers Request of a fetch event,
// bound to ctx. Headers are wrapped lazily, not copied.
func NewIncomingRequest(r *realm.Realm, ctx *realm.Context, in IncomingRequest) (*goja.Object, *Request) {
	q := &Request{
		Method: in.Method, URL: in.URL, Redirect: "manual",
		hdrSrc: in.Header, hdrGuard: GuardImmutable,
		body: in.Body, signal: in.Signal,
	}
	q.setDefaults()
	q.mode = "navigate"
	q.BindTo(ctx)
	return requestKey.Get(r).class.Wrap(q), q
}

func (q *Request) setDefaults() {
	q.mode, q.credentials, q.cache, q.referrer, q.duplex, q.priority = "cors", "same-origin", "default", "about:client", "half", "auto"
	if q.Redirect == "" {
		q.Redirect = "follow"
	}
}

// RequestFrom returns the Go Request behind v.
func RequestFrom(v goja.Value) (*Request, bool) { return realm.Unwrap[*Request](v) }

var forbiddenMethods = map[string]bool{"CONNECT": true, "TRACE": true, "TRACK": true}
var normalizedMethods = map[string]string{"DELETE": "DELETE", "GET": "GET", "HEAD": "HEAD", "OPTIONS": "OPTIONS", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH"}

func normalizeMethod(r *realm.Realm, m string) string {
	if !isToken(m) {
		panic(r.NewTypeError("Invalid request method: " + quote(m)))
	}
	up := strings.ToUpper(m)
	if forbiddenMethods[up] {
		panic(r.NewTypeError("Request method " + quote(m) + " is not allowed"))
	}
	if n, ok := normalizedMethods[up]; ok && up != "PATCH" {
		return n
	}
	return m
}

func enumOption(r *realm.Realm, o *goja.Object, key string, allowed ...string) (string, bool) {
	v := o.Get(key)
	if v == nil || goja.IsUndefined(v) {
		return "", false
	}
	s := v.String()
	for _, a := range allowed {
		if s == a {
			return s, true
		}
	}
	panic(r.NewTypeError("Failed to construct 'Request': The provided value " + quote(s) + " is not a valid enum value of type Request" + strings.ToUpper(key[:1]) + key[1:] + "."))
}

func installRequest(r *realm.Realm) {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("Request", 1, func(call goja.ConstructorCall) *goja.Object {
		q := &Request{}
		q.Bind(r)
		q.setDefaults()
		input := call.Argument(0)
		var inputReq *Request
		if src, ok := realm.Unwrap[*Request](input); ok {
			src.CheckOwner(r, "Request")
			inputReq = src
			q.Method, q.URL, q.Redirect = src.Method, src.URL, src.Redirect
			q.mode, q.credentials, q.cache, q.integrity, q.referrer, q.referrerPolicy, q.keepalive, q.duplex, q.priority =
				src.mode, src.credentials, src.cache, src.integrity, src.referrer, src.referrerPolicy, src.keepalive, src.duplex, src.priority
			if q.mode == "navigate" {
				q.mode = "same-origin"
			}
		} else {
			if len(call.Arguments) == 0 {
				panic(r.NewTypeError("Failed to construct 'Request': 1 argument required, but only 0 present."))
			}
			u, err := ParseURL(usvString(input), "")
			if err != nil {
				panic(r.NewTypeError("Failed to construct 'Request': Invalid URL " + quote(input.String())))
			}
			if strings.Contains(u.userinfo, ":") || u.userinfo != "" {
				panic(r.NewTypeError("Failed to construct 'Request': Request cannot be constructed from a URL that includes credentials: " + quote(input.String())))
			}
			q.URL = u.href
			q.Method = "GET"
		}
		init, _ := call.Argument(1).(*goja.Object)
		var initHeaders goja.Value
		initBody := goja.Undefined()
		hasBody, hasDuplex := false, false
		if init != nil {
			if m := init.Get("method"); m != nil && !goja.IsUndefined(m) {
				q.Method = normalizeMethod(r, byteString(r, m))
			}
			if s, ok := enumOption(r, init, "mode", "navigate", "same-origin", "no-cors", "cors"); ok {
				if s == "navigate" {
					panic(r.NewTypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."))
				}
				q.mode = s
			}
			if s, ok := enumOption(r, init, "priority", "high", "low", "auto"); ok {
				q.priority = s
			}
			if s, ok := enumOption(r, init, "credentials", "omit", "same-origin", "include"); ok {
				q.credentials = s
			}
			if s, ok := enumOption(r, init, "cache", "default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"); ok {
				if s == "only-if-cached" && q.mode != "same-origin" {
					panic(r.NewTypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode"))
				}
				q.cache = s
			}
			if s, ok := enumOption(r, init, "redirect", "follow", "error", "manual"); ok {
				q.Redirect = s
			}
			if s, ok := enumOption(r, init, "referrerPolicy", "", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"); ok {
				q.referrerPolicy = s
			}
			if s, ok := enumOption(r, init, "duplex", "half"); ok {
				q.duplex, hasDuplex = s, true
			}
			if v := init.Get("referrer"); v != nil && !goja.IsUndefined(v) {
				s := usvString(v)
				if s == "" {
					q.referrer = ""
				} else if u, err := ParseURL(s, q.URL); err != nil {
					panic(r.NewTypeError("Failed to construct 'Request': Invalid referrer URL " + quote(s)))
				} else if u.scheme == "about" && u.href == "about:client" {
					q.referrer = "about:client"
				} else {
					q.referrer = u.href
				}
			}
			if v := init.Get("integrity"); v != nil && !goja.IsUndefined(v) {
				q.integrity = v.String()
			}
			if v := init.Get("keepalive"); v != nil && !goja.IsUndefined(v) {
				q.keepalive = v.ToBoolean()
			}
			if v := init.Get("window"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				panic(r.NewTypeError("Failed to construct 'Request': 'window' must be null"))
			}
			if v := init.Get("signal"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				if signalHooks.follow == nil {
					panic(r.NewTypeError("Failed to construct 'Request': AbortSignal is not available"))
				}
				sig := signalHooks.follow(r, v)
				q.signalObj = sig
			}
			initHeaders = init.Get("headers")
			// init["body"] exists and is non-null: a null body is the
			// same as none (the input's body, if any, is kept).
			if v := init.Get("body"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				initBody, hasBody = v, true
			}
		}
		if q.signalObj == nil && inputReq != nil && signalHooks.follow != nil {
			q.signalObj = signalHooks.follow(r, inputReq.signalFor(r))
		}
		// Headers: from init, else copied from the input request.
		hobj, h := NewHeaders(r, GuardNone)
		q.headers, q.headersObj = h, hobj
		if q.mode == "no-cors" {
			if q.Method != "GET" && q.Method != "HEAD" && q.Method != "POST" {
				panic(r.NewTypeError("Failed to construct 'Request': '" + q.Method + "' is unsupported in no-cors mode."))
			}
			h.guard = GuardRequestNoCors
		}
		if initHeaders != nil && !goja.IsUndefined(initHeaders) {
			h.fill(r, initHeaders)
		} else if inputReq != nil {
			src := inputReq.headersFor(r)
			src.materialize()
			for _, hd := range src.list {
				if h.guard != GuardRequestNoCors || noCorsSafelisted(hd.name, hd.value) {
					h.list = append(h.list, hd)
				}
			}
		}
		// The body (the last steps of the constructor): every check comes
		// before the input's body is taken, so a constructor that throws
		// leaves the input as it was.
		var inputBody *Body
		if inputReq != nil && !inputReq.body.IsNull() {
			inputBody = &inputReq.body
		}
		if (hasBody || inputBody != nil) && (q.Method == "GET" || q.Method == "HEAD") {
			panic(r.NewTypeError("Failed to construct 'Request': Request with GET/HEAD method cannot have body."))
		}
		inputOrInitBody := inputBody
		if hasBody {
			q.body.extractFor(r, initBody, q.keepalive)
			if q.body.ContentType != "" && !h.HasName("content-type") {
				h.AppendValue("content-type", q.body.ContentType)
			}
			inputOrInitBody = &q.body
		}
		if inputOrInitBody != nil && inputOrInitBody.fromStream {
			// A body whose source is null (a ReadableStream) cannot be
			// replayed: it needs duplex "half" and a CORS-capable mode.
			if hasBody && !hasDuplex {
				panic(r.NewTypeError("Failed to construct 'Request': The 'duplex' member must be specified for a request with a streaming body (use duplex: \"half\")."))
			}
			if q.mode != "same-origin" && q.mode != "cors" {
				panic(r.NewTypeError("Failed to construct 'Request': A request with a streaming body must have mode 'same-origin' or 'cors'."))
			}
		}
		if !hasBody && inputBody != nil {
			if inputBody.unusable(r) {
				panic(r.NewTypeError("Failed to construct 'Request': Cannot construct a Request with a Request object whose body has already been used or is locked."))
			}
			q.body = inputBody.proxy(r)
		}
		return c.WrapFor(call, q)
	}, nil)
	requestKey.Set(r, &requestState{class: c})
	this := func(call goja.FunctionCall) *Request { return realm.ThisBound[*Request](r, call, "Request") }
	str := func(name string, get func(q *Request) string) {
		c.Getter(name, func(call goja.FunctionCall) goja.Value { return vm.ToValue(get(this(call))) })
	}
	str("method", func(q *Request) string { return q.Method })
	str("url", func(q *Request) string { return q.URL })
	str("redirect", func(q *Request) string { return q.Redirect })
	str("mode", func(q *Request) string { return q.mode })
	str("credentials", func(q *Request) string { return q.credentials })
	str("cache", func(q *Request) string { return q.cache })
	str("integrity", func(q *Request) string { return q.integrity })
	str("referrerPolicy", func(q *Request) string { return q.referrerPolicy })
	str("destination", func(q *Request) string { return "" })
	str("duplex", func(q *Request) string { return q.duplex })
	str("referrer", func(q *Request) string {
		switch q.referrer {
		case "":
			return ""
		case "about:client":
			return "about:client"
		}
		return q.referrer
	})
	c.Getter("keepalive", func(call goja.FunctionCall) goja.Value { return vm.ToValue(this(call).keepalive) })
	c.Getter("isReloadNavigation", func(call goja.FunctionCall) goja.Value { this(call); return vm.ToValue(false) })
	c.Getter("isHistoryNavigation", func(call goja.FunctionCall) goja.Value { this(call); return vm.ToValue(false) })
	c.Getter("headers", func(call goja.FunctionCall) goja.Value {
		q := this(call)
		q.headersFor(r)
		return q.headersObj
	})
	c.Getter("signal", func(call goja.FunctionCall) goja.Value {
		return this(call).signalFor(r)
	})
	defineBodyMixin(r, c, "Request")
	defineBodyConsumers(r, c, "Request")
	c.Method("clone", 0, func(call goja.FunctionCall) goja.Value {
		q := this(call)
		if q.body.Used(r) {
			panic(r.NewTypeError("Failed to execute 'clone' on 'Request': Request body is already used"))
		}
		n := &Request{
			Method: q.Method, URL: q.URL, Redirect: q.Redirect,
			mode: q.mode, credentials: q.credentials, cache: q.cache, integrity: q.integrity,
			referrer: q.referrer, referrerPolicy: q.referrerPolicy, keepalive: q.keepalive, duplex: q.duplex,
			priority: q.priority,
		}
		n.Bind(r)
		src := q.headersFor(r)
		src.materialize()
		n.headersObj, n.headers = NewHeaders(r, src.guard)
		n.headers.list = append([]header(nil), src.list...)
		n.body = q.body.clone(r)
		if signalHooks.follow != nil {
			n.signalObj = signalHooks.follow(r, q.signalFor(r))
		}
		return c.Wrap(n)
	})
	c.Global()
}

// Signal returns the request's AbortSignal object (created lazily).
func (q *Request) Signal(r *realm.Realm) goja.Value { return q.signalFor(r) }

func (q *Request) signalFor(r *realm.Realm) goja.Value {
	if q.signalObj == nil {
		if q.signal != nil {
			q.signalObj = q.signal(r)
		} else if signalHooks.fresh != nil {
			q.signalObj = signalHooks.fresh(r)
		} else {
			return goja.Undefined()
		}
	}
	return q.signalObj
}

// signalHooks connect Request to AbortSignal (webapi/dom).
var signalHooks = struct {
	fresh  func(r *realm.Realm) *goja.Object                    // a never-aborted signal
	follow func(r *realm.Realm, parent goja.Value) *goja.Object // a signal that follows parent
}{
	fresh: func(r *realm.Realm) *goja.Object {
		o, _ := dom.NewAbortSignal(r)
		return o
	},
	follow: func(r *realm.Realm, parent goja.Value) *goja.Object {
		s, ok := dom.SignalFrom(parent)
		if !ok {
			panic(r.NewTypeError("Failed to construct 'Request': member signal is not of type AbortSignal."))
		}
		return dom.AnySignal(r, s).Object()
	},
}
