package webapi

import (
	"net/http"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Response is the Go side of a JS Response (Fetch §6.5).
type Response struct {
	realm.Host
	Status     int
	StatusText string
	Type       string // default, basic, cors, error, opaque, opaqueredirect
	URL        string
	Redirected bool
	body       Body

	headers    *Headers
	headersObj *goja.Object
	hdrSrc     http.Header
	hdrGuard   Guard
	// defaultType is the Content-Type extracted from the body, added to
	// the headers when they are first materialised (most responses never
	// have their headers read by script).
	defaultType string
}

func (s *Response) bodyOf() *Body        { return &s.body }
func (s *Response) ifaceName() string    { return "Response" }
func (s *Response) headersPtr() *Headers { return s.headersFor(nil) }

// Body returns the response body.
func (s *Response) Body() *Body { return &s.body }

// Headers returns the response's header list.
func (s *Response) Headers(r *realm.Realm) *Headers { return s.headersFor(r) }

func (s *Response) headersFor(r *realm.Realm) *Headers {
	if s.headers == nil {
		if r == nil {
			h := &Headers{lazy: s.hdrSrc, guard: s.hdrGuard}
			if s.defaultType != "" {
				h.lazy = nil
				h.list = []header{{"content-type", s.defaultType}}
			}
			return h
		}
		s.headersObj, s.headers = NewHeadersFrom(r, s.hdrSrc, s.hdrGuard)
		s.headers.BindTo(s.Owner())
		if s.defaultType != "" {
			s.headers.list = append(s.headers.list, header{"content-type", s.defaultType})
			s.defaultType = ""
		}
	}
	return s.headers
}

// HTTPHeader returns the response headers as an http.Header.
func (s *Response) HTTPHeader() http.Header {
	if s.headers == nil {
		if s.defaultType != "" {
			return http.Header{"Content-Type": {s.defaultType}}
		}
		if s.hdrSrc == nil {
			return http.Header{}
		}
		return s.hdrSrc.Clone()
	}
	return s.headers.HTTPHeader()
}

// ResponseFrom returns the Go Response behind v.
func ResponseFrom(v goja.Value) (*Response, bool) { return realm.Unwrap[*Response](v) }

type responseState struct {
	class *realm.Class
}

var responseKey = realm.NewKey[*responseState]()

func isNullBodyStatus(s int) bool { return s == 101 || s == 103 || s == 204 || s == 205 || s == 304 }

func isRedirectStatus(s int) bool { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308 }

// validReasonPhrase: HTAB / SP / VCHAR / obs-text.
func validReasonPhrase(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\t' && (c < 0x20 || c == 0x7F) {
			return false
		}
	}
	return true
}

// initResponse implements "initialize a response" with a ResponseInit.
func initResponse(r *realm.Realm, s *Response, init goja.Value, hasBody bool, bodyType string, what string) {
	s.Status = 200
	var initHeaders goja.Value
	if o, ok := init.(*goja.Object); ok {
		if v := o.Get("status"); v != nil && !goja.IsUndefined(v) {
			f := v.ToFloat()
			n := int(f)
			if float64(n) != f || n < 200 || n > 599 {
				panic(r.NewError("RangeError", "Failed to construct '"+what+"': The status provided ("+v.String()+") is outside the range [200, 599]."))
			}
			s.Status = n
		}
		if v := o.Get("statusText"); v != nil && !goja.IsUndefined(v) {
			st := byteString(r, v)
			if !validReasonPhrase(st) {
				panic(r.NewTypeError("Failed to construct '" + what + "': Invalid statusText"))
			}
			s.StatusText = st
		}
		initHeaders = o.Get("headers")
	} else if init != nil && !goja.IsUndefined(init) && !goja.IsNull(init) {
		panic(r.NewTypeError("Failed to construct '" + what + "': ResponseInit must be an object"))
	}
	if initHeaders != nil && !goja.IsUndefined(initHeaders) {
		s.headersObj, s.headers = NewHeaders(r, GuardNone)
		s.headers.fill(r, initHeaders)
	}
	if hasBody {
		if isNullBodyStatus(s.Status) {
			panic(r.NewTypeError("Failed to construct '" + what + "': Response with null body status cannot have body"))
		}
		if bodyType != "" {
			if s.headers == nil {
				s.defaultType = bodyType
			} else if !s.headers.HasName("content-type") {
				s.headers.AppendValue("content-type", bodyType)
			}
		}
	}
}

// NewResponse creates a Response from Go (for fetch results): headers are
// wrapped lazily; the body is the given source.
func NewResponse(r *realm.Realm, status int, statusText string, hdr http.Header, body Body, url string, redirected bool) (*goja.Object, *Response) {
	s := &Response{Status: status, StatusText: statusText, Type: "basic", URL: url, Redirected: redirected,
		hdrSrc: hdr, hdrGuard: GuardImmutable, body: body}
	s.Bind(r)
	return responseKey.Get(r).class.Wrap(s), s
}

func installResponse(r *realm.Realm) {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("Response", 0, func(call goja.ConstructorCall) *goja.Object {
		s := &Response{Type: "default"}
		s.Bind(r)
		bodyInit := call.Argument(0)
		hasBody := !goja.IsUndefined(bodyInit) && !goja.IsNull(bodyInit)
		if hasBody {
			s.body.extract(r, bodyInit)
		}
		initResponse(r, s, call.Argument(1), hasBody, s.body.ContentType, "Response")
		return c.WrapFor(call, s)
	}, nil)
	responseKey.Set(r, &responseState{class: c})
	this := func(call goja.FunctionCall) *Response { return realm.ThisBound[*Response](r, call, "Response") }
	c.Getter("type", func(call goja.FunctionCall) goja.Value { return vm.ToValue(this(call).Type) })
	c.Getter("url", func(call goja.FunctionCall) goja.Value { return vm.ToValue(this(call).URL) })
	c.Getter("redirected", func(call goja.FunctionCall) goja.Value { return vm.ToValue(this(call).Redirected) })
	c.Getter("status", func(call goja.FunctionCall) goja.Value { return vm.ToValue(this(call).Status) })
	c.Getter("ok", func(call goja.FunctionCall) goja.Value {
		st := this(call).Status
		return vm.ToValue(st >= 200 && st <= 299)
	})
	c.Getter("statusText", func(call goja.FunctionCall) goja.Value { return vm.ToValue(fromLatin1(this(call).StatusText)) })
	c.Getter("headers", func(call goja.FunctionCall) goja.Value {
		s := this(call)
		s.headersFor(r)
		return s.headersObj
	})
	defineBodyMixin(r, c, "Response")
	defineBodyConsumers(r, c, "Response")
	c.Method("clone", 0, func(call goja.FunctionCall) goja.Value {
		s := this(call)
		if s.body.Used(r) {
			panic(r.NewTypeError("Failed to execute 'clone' on 'Response': Response body is already used"))
		}
		n := &Response{Status: s.Status, StatusText: s.StatusText, Type: s.Type, URL: s.URL, Redirected: s.Redirected}
		n.Bind(r)
		src := s.headersFor(r)
		src.materialize()
		n.headersObj, n.headers = NewHeaders(r, src.guard)
		n.headers.list = append([]header(nil), src.list...)
		n.body = s.body.clone(r)
		return c.Wrap(n)
	})
	c.Static("error", 0, func(call goja.FunctionCall) goja.Value {
		s := &Response{Type: "error", Status: 0}
		s.Bind(r)
		s.headersObj, s.headers = NewHeaders(r, GuardImmutable)
		return c.Wrap(s)
	})
	c.Static("redirect", 1, func(call goja.FunctionCall) goja.Value {
		u, err := ParseURL(usvString(call.Argument(0)), "")
		if err != nil {
			panic(r.NewTypeError("Failed to execute 'redirect' on 'Response': Invalid URL " + quote(call.Argument(0).String())))
		}
		status := 302
		if v := call.Argument(1); !goja.IsUndefined(v) {
			status = int(v.ToInteger())
			if float64(status) != v.ToFloat() || !isRedirectStatus(status) {
				panic(r.NewError("RangeError", "Failed to execute 'redirect' on 'Response': Invalid status code "+v.String()))
			}
		}
		s := &Response{Type: "default", Status: status}
		s.Bind(r)
		s.headersObj, s.headers = NewHeaders(r, GuardImmutable)
		s.headers.list = append(s.headers.list, header{"location", u.href})
		return c.Wrap(s)
	})
	var stringify goja.Callable
	c.Static("json", 1, func(call goja.FunctionCall) goja.Value {
		if stringify == nil {
			stringify, _ = goja.AssertFunction(vm.GlobalObject().Get("JSON").(*goja.Object).Get("stringify"))
		}
		out, err := stringify(goja.Undefined(), call.Argument(0))
		if err != nil {
			panic(err)
		}
		if goja.IsUndefined(out) {
			panic(r.NewTypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable"))
		}
		s := &Response{Type: "default"}
		s.Bind(r)
		s.body.SetText(out.String())
		initResponse(r, s, call.Argument(1), true, "application/json", "Response")
		return c.Wrap(s)
	})
	c.Global()
}
