package url

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// URL is the Go side of a JavaScript URL object.
type URL struct {
	realm.Host
	rec       *Record
	params    *SearchParams
	paramsObj *goja.Object
}

// Record returns the URL record behind the object. It is live: the object's
// setters modify it, so Clone it to keep a snapshot.
func (u *URL) Record() *Record { return u.rec }

// SearchParams is the Go side of a JavaScript URLSearchParams object.
type SearchParams struct {
	realm.Host
	list [][2]string
	url  *URL // the URL object whose query this is, or nil
}

// Pairs returns a copy of the name/value list.
func (sp *SearchParams) Pairs() [][2]string { return slices.Clone(sp.list) }

// String is the application/x-www-form-urlencoded serialization.
func (sp *SearchParams) String() string { return SerializeForm(sp.list) }

// update runs the URLSearchParams update steps.
func (sp *SearchParams) update() {
	if sp.url == nil {
		return
	}
	q := SerializeForm(sp.list)
	sp.url.rec.setQuery(q, q != "")
}

type paramsIter struct {
	realm.Host
	sp   *SearchParams
	kind uint8 // iterKeys, iterValues, iterEntries
	i    int
}

const (
	iterKeys uint8 = iota
	iterValues
	iterEntries
)

type classes struct {
	url, params *realm.Class
	iterProto   *goja.Object
	record      goja.Callable
	statics     []static // added by other packages (AddStatic)
}

type static struct {
	name   string
	length int
	fn     func(goja.FunctionCall) goja.Value
}

// AddStatic defines a static method of URL that another specification adds
// (the File API's URL.createObjectURL and revokeObjectURL). The URL class is
// built lazily, on first use of URL or URLSearchParams, so the method is
// defined then (or now, if it is built already); Install must have run.
func AddStatic(r *realm.Realm, name string, length int, fn func(goja.FunctionCall) goja.Value) {
	cl := classesKey.Get(r)
	if cl == nil {
		Install(r)
		cl = classesKey.Get(r)
	}
	st := static{name, length, fn}
	if cl.url != nil {
		cl.url.Static(st.name, st.length, st.fn)
		return
	}
	cl.statics = append(cl.statics, st)
}

// recordProgram lists an object's own enumerable string-keyed properties as
// [key, String(value), ...], as WebIDL's record conversion reads them (keys
// keep their exact UTF-16, which Go strings cannot, and template literals
// throw for Symbols like ToString does).
var recordProgram = goja.MustCompile("workerhost:url-record", `(function (o) {
  const out = [];
  for (const k of Reflect.ownKeys(o)) {
    if (typeof k !== "string") continue;
    const d = Reflect.getOwnPropertyDescriptor(o, k);
    if (d !== undefined && d.enumerable) out.push(k, `+"`${o[k]}`"+`);
  }
  return out;
})`, true)

func recordEntries(r *realm.Realm, cl *classes) goja.Callable {
	if cl.record == nil {
		v, err := r.VM().RunProgram(recordProgram)
		if err != nil {
			panic(err)
		}
		cl.record, _ = goja.AssertFunction(v)
	}
	return cl.record
}

var classesKey = realm.NewKey[*classes]()

// Install defines URL and URLSearchParams in r.
//
// For cold start, the classes (about forty native functions) are built on
// first use: until then each global is an accessor that builds them and
// replaces itself with the WebIDL data property (writable, configurable,
// not enumerable). Assigning to the global before that works as usual.
func Install(r *realm.Realm) {
	if classesKey.Get(r) != nil {
		return
	}
	cl := &classes{}
	classesKey.Set(r, cl)
	g := r.VM().GlobalObject()
	for _, name := range [...]string{"URL", "URLSearchParams"} {
		get := r.Func("get "+name, 0, func(goja.FunctionCall) goja.Value {
			ctor := cl.build(r).ctor(name)
			r.DefineGlobal(name, ctor)
			return ctor
		})
		set := r.Func("set "+name, 1, func(call goja.FunctionCall) goja.Value {
			r.DefineGlobal(name, call.Argument(0))
			return goja.Undefined()
		})
		_ = g.DefineAccessorProperty(name, get, set, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
}

// build creates the classes once.
func (cl *classes) build(r *realm.Realm) *classes {
	if cl.url == nil {
		cl.url = installURL(r, cl)
		cl.params = installSearchParams(r, cl)
		for _, st := range cl.statics {
			cl.url.Static(st.name, st.length, st.fn)
		}
		cl.statics = nil
	}
	return cl
}

func (cl *classes) ctor(name string) *goja.Object {
	if name == "URL" {
		return cl.url.Ctor
	}
	return cl.params.Ctor
}

func getClasses(r *realm.Realm) *classes {
	cl := classesKey.Get(r)
	if cl == nil {
		Install(r)
		cl = classesKey.Get(r)
	}
	return cl.build(r)
}

// NewURL creates a JavaScript URL object for a copy of rec.
func NewURL(r *realm.Realm, rec *Record) *goja.Object {
	return getClasses(r).url.Wrap(&URL{rec: rec.Clone()})
}

// FromValue converts v to a USVString (a URL object gives its href, or
// whatever an overriding toString returns) and parses it against base
// (which may be nil), as Fetch does with a request's input. On failure it
// throws a TypeError.
func FromValue(r *realm.Realm, v goja.Value, base *Record) *Record {
	s := usv(r, v)
	rec := parse(s, base)
	if rec == nil {
		panic(r.NewTypeError(invalidURLMessage(s, base)))
	}
	return rec
}

// usv converts a value to a USVString (lone surrogates become U+FFFD, which
// goja's String already does); Symbols throw a TypeError.
func usv(r *realm.Realm, v goja.Value) string {
	if _, ok := v.(*goja.Symbol); ok {
		panic(r.NewTypeError("Cannot convert a Symbol value to a string"))
	}
	if v == nil {
		return "undefined"
	}
	return v.String()
}

func clip(s string) string {
	const maxLen = 256
	if len(s) <= maxLen {
		return s
	}
	i := maxLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func invalidURLMessage(input string, base *Record) string {
	msg := "Invalid URL: " + strconv.Quote(clip(input))
	if base != nil {
		msg += " (base " + strconv.Quote(clip(base.String())) + ")"
	}
	return msg
}

func need(r *realm.Realm, args []goja.Value, n int, what string) {
	if len(args) >= n {
		return
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	panic(r.NewTypeError("Failed to execute " + what + ": " + strconv.Itoa(n) + " argument" + plural +
		" required, but only " + strconv.Itoa(len(args)) + " present."))
}

// parseWithBase implements the "API URL parser" steps shared by the
// constructor, URL.parse and URL.canParse. msg is "" on success.
func parseWithBase(r *realm.Realm, urlV, baseV goja.Value) (*Record, string) {
	input := usv(r, urlV)
	var base *Record
	if baseV != nil && !goja.IsUndefined(baseV) {
		bs := usv(r, baseV)
		base = parse(bs, nil)
		if base == nil {
			return nil, "Invalid base URL: " + strconv.Quote(clip(bs))
		}
	}
	rec := parse(input, base)
	if rec == nil {
		return nil, invalidURLMessage(input, base)
	}
	return rec, ""
}

func installURL(r *realm.Realm, cl *classes) *realm.Class {
	vm := r.VM()
	var c *realm.Class
	c = r.NewClass("URL", 1, func(call goja.ConstructorCall) *goja.Object {
		if len(call.Arguments) == 0 {
			panic(r.NewTypeError("Failed to construct 'URL': 1 argument required, but only 0 present."))
		}
		rec, msg := parseWithBase(r, call.Arguments[0], call.Argument(1))
		if rec == nil {
			panic(r.NewTypeError(msg))
		}
		return c.WrapFor(call, &URL{rec: rec})
	}, nil)
	this := func(call goja.FunctionCall) *URL { return realm.This[*URL](r, call, "URL") }
	str := func(s string) goja.Value { return vm.ToValue(s) }
	arg := func(call goja.FunctionCall) string { return usv(r, call.Argument(0)) }
	href := func(call goja.FunctionCall) goja.Value { return str(this(call).rec.String()) }

	c.Static("canParse", 1, func(call goja.FunctionCall) goja.Value {
		need(r, call.Arguments, 1, "'canParse' on 'URL'")
		rec, _ := parseWithBase(r, call.Arguments[0], call.Argument(1))
		return vm.ToValue(rec != nil)
	})
	c.Static("parse", 1, func(call goja.FunctionCall) goja.Value {
		need(r, call.Arguments, 1, "'parse' on 'URL'")
		rec, _ := parseWithBase(r, call.Arguments[0], call.Argument(1))
		if rec == nil {
			return goja.Null()
		}
		return c.Wrap(&URL{rec: rec})
	})

	c.Accessor("href", href, func(call goja.FunctionCall) goja.Value {
		u := this(call)
		v := arg(call)
		rec := parse(v, nil)
		if rec == nil {
			panic(r.NewTypeError(invalidURLMessage(v, nil)))
		}
		*u.rec = *rec
		if u.params != nil {
			u.params.list = nil
			if u.rec.hasQuery {
				u.params.list = ParseForm(u.rec.query)
			}
		}
		return goja.Undefined()
	})
	c.Getter("origin", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Origin().String())
	})
	c.Accessor("protocol", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Protocol())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetProtocol(arg(call))
		return goja.Undefined()
	})
	c.Accessor("username", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.username)
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetUsername(arg(call))
		return goja.Undefined()
	})
	c.Accessor("password", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.password)
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetPassword(arg(call))
		return goja.Undefined()
	})
	c.Accessor("host", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Host())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetHost(arg(call))
		return goja.Undefined()
	})
	c.Accessor("hostname", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Hostname())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetHostname(arg(call))
		return goja.Undefined()
	})
	c.Accessor("port", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.PortString())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetPort(arg(call))
		return goja.Undefined()
	})
	c.Accessor("pathname", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Pathname())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetPathname(arg(call))
		return goja.Undefined()
	})
	c.Accessor("search", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Search())
	}, func(call goja.FunctionCall) goja.Value {
		u := this(call)
		v := arg(call)
		u.rec.SetSearch(v)
		if u.params != nil {
			u.params.list = nil
			if v != "" {
				if v[0] == '?' {
					v = v[1:]
				}
				u.params.list = ParseForm(v)
			}
		}
		return goja.Undefined()
	})
	c.Getter("searchParams", func(call goja.FunctionCall) goja.Value {
		u := this(call)
		if u.paramsObj == nil {
			sp := &SearchParams{url: u}
			if u.rec.hasQuery {
				sp.list = ParseForm(u.rec.query)
			}
			u.params = sp
			u.paramsObj = cl.params.Wrap(sp)
		}
		return u.paramsObj
	})
	c.Accessor("hash", func(call goja.FunctionCall) goja.Value {
		return str(this(call).rec.Hash())
	}, func(call goja.FunctionCall) goja.Value {
		this(call).rec.SetHash(arg(call))
		return goja.Undefined()
	})
	c.Method("toJSON", 0, href)
	c.Method("toString", 0, href)
	return c
}

// firstUTF16 is the first UTF-16 code unit of r.
func firstUTF16(r rune) rune {
	if r < 0x10000 {
		return r
	}
	return 0xD800 + (r-0x10000)>>10
}

// compareUTF16 orders strings by their UTF-16 code units.
func compareUTF16(a, b string) int {
	for len(a) > 0 && len(b) > 0 {
		if a[0] < utf8.RuneSelf && b[0] < utf8.RuneSelf {
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			if ua, ub := firstUTF16(ra), firstUTF16(rb); ua != ub {
				return int(ua - ub)
			}
			return int(ra - rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func installSearchParams(r *realm.Realm, cl *classes) *realm.Class {
	vm := r.VM()
	var c *realm.Class
	const iface = "URLSearchParams"
	c = r.NewClass(iface, 0, func(call goja.ConstructorCall) *goja.Object {
		sp := &SearchParams{}
		// The optional init defaults to "" (undefined too, per WebIDL).
		if init := call.Argument(0); !goja.IsUndefined(init) {
			sp.list = initList(r, cl, init)
		}
		return c.WrapFor(call, sp)
	}, nil, realm.SymbolExpandos)
	this := func(call goja.FunctionCall) *SearchParams { return realm.This[*SearchParams](r, call, iface) }
	what := func(m string) string { return "'" + m + "' on 'URLSearchParams'" }

	c.Getter("size", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(len(this(call).list))
	})
	c.Method("append", 2, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 2, what("append"))
		sp.list = append(sp.list, [2]string{usv(r, call.Arguments[0]), usv(r, call.Arguments[1])})
		sp.update()
		return goja.Undefined()
	})
	c.Method("delete", 1, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 1, what("delete"))
		name := usv(r, call.Arguments[0])
		if v := call.Argument(1); !goja.IsUndefined(v) {
			value := usv(r, v)
			sp.list = slices.DeleteFunc(sp.list, func(p [2]string) bool { return p[0] == name && p[1] == value })
		} else {
			sp.list = slices.DeleteFunc(sp.list, func(p [2]string) bool { return p[0] == name })
		}
		sp.update()
		return goja.Undefined()
	})
	c.Method("get", 1, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 1, what("get"))
		name := usv(r, call.Arguments[0])
		for _, p := range sp.list {
			if p[0] == name {
				return vm.ToValue(p[1])
			}
		}
		return goja.Null()
	})
	c.Method("getAll", 1, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 1, what("getAll"))
		name := usv(r, call.Arguments[0])
		var vals []any
		for _, p := range sp.list {
			if p[0] == name {
				vals = append(vals, vm.ToValue(p[1]))
			}
		}
		return vm.NewArray(vals...)
	})
	c.Method("has", 1, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 1, what("has"))
		name := usv(r, call.Arguments[0])
		v := call.Argument(1)
		checkValue := !goja.IsUndefined(v)
		var value string
		if checkValue {
			value = usv(r, v)
		}
		for _, p := range sp.list {
			if p[0] == name && (!checkValue || p[1] == value) {
				return vm.ToValue(true)
			}
		}
		return vm.ToValue(false)
	})
	c.Method("set", 2, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 2, what("set"))
		name, value := usv(r, call.Arguments[0]), usv(r, call.Arguments[1])
		found := false
		out := sp.list[:0]
		for _, p := range sp.list {
			if p[0] == name {
				if found {
					continue
				}
				found = true
				p[1] = value
			}
			out = append(out, p)
		}
		clear(sp.list[len(out):])
		sp.list = out
		if !found {
			sp.list = append(sp.list, [2]string{name, value})
		}
		sp.update()
		return goja.Undefined()
	})
	c.Method("sort", 0, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		slices.SortStableFunc(sp.list, func(a, b [2]string) int { return compareUTF16(a[0], b[0]) })
		sp.update()
		return goja.Undefined()
	})
	c.Method("toString", 0, func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(this(call).String())
	})
	c.Method("forEach", 1, func(call goja.FunctionCall) goja.Value {
		sp := this(call)
		need(r, call.Arguments, 1, what("forEach"))
		fn, ok := goja.AssertFunction(call.Arguments[0])
		if !ok {
			panic(r.NewTypeError("Failed to execute 'forEach' on 'URLSearchParams': parameter 1 is not of type 'Function'."))
		}
		thisArg := call.Argument(1)
		for i := 0; i < len(sp.list); i++ {
			p := sp.list[i]
			if _, err := fn(thisArg, vm.ToValue(p[1]), vm.ToValue(p[0]), call.This); err != nil {
				panic(err)
			}
		}
		return goja.Undefined()
	})
	iter := func(kind uint8) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			sp := this(call)
			o := vm.NewDynamicObject(&paramsIter{sp: sp, kind: kind})
			_ = o.SetPrototype(iterProto(r, cl))
			return o
		}
	}
	entries := r.Func("entries", 0, iter(iterEntries))
	_ = c.Proto.DefineDataProperty("entries", entries, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	_ = c.Proto.DefineDataPropertySymbol(goja.SymIterator, entries, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	c.Method("keys", 0, iter(iterKeys))
	c.Method("values", 0, iter(iterValues))
	return c
}

// initList converts the constructor argument (sequence<sequence<USVString>>
// or record<USVString, USVString> or USVString) to a list. An object goes
// through GetMethod(@@iterator) even when it is a URLSearchParams (a
// subclass or a changed prototype can override the iterator). An own
// @@iterator assigned to a URLSearchParams instance is not seen: instances
// are goja dynamic objects (realm.Host), which reject Symbol-keyed own
// properties (silently in sloppy mode).
func initList(r *realm.Realm, cl *classes, init goja.Value) [][2]string {
	vm := r.VM()
	const ctx = "Failed to construct 'URLSearchParams': "
	if obj, ok := init.(*goja.Object); ok {
		m := obj.GetSymbol(goja.SymIterator)
		if m != nil && !goja.IsUndefined(m) && !goja.IsNull(m) {
			if _, ok := goja.AssertFunction(m); !ok {
				panic(r.NewTypeError(ctx + "The object's [Symbol.iterator] property is not a function."))
			}
			var list [][2]string
			vm.ForOf(obj, func(item goja.Value) bool {
				io, ok := item.(*goja.Object)
				if !ok {
					panic(r.NewTypeError(ctx + "The provided value cannot be converted to a sequence."))
				}
				if im := io.GetSymbol(goja.SymIterator); im == nil || goja.IsUndefined(im) || goja.IsNull(im) {
					panic(r.NewTypeError(ctx + "The provided value cannot be converted to a sequence."))
				}
				var pair [2]string
				n := 0
				vm.ForOf(io, func(x goja.Value) bool {
					if n < 2 {
						pair[n] = usv(r, x)
					}
					n++
					return n <= 2
				})
				if n != 2 {
					panic(r.NewTypeError(ctx + "Sequence initializer must only contain pair elements (a pair had " + pairLen(n) + ")."))
				}
				list = append(list, pair)
				return true
			})
			return list
		}
		// record<USVString, USVString>: own enumerable string keys in
		// [[OwnPropertyKeys]] order, each value converted as it is read.
		flat, err := recordEntries(r, cl)(goja.Undefined(), obj)
		if err != nil {
			panic(err)
		}
		items, _ := flat.Export().([]any)
		list := make([][2]string, 0, len(items)/2)
		var index map[string]int
		for i := 0; i+1 < len(items); i += 2 {
			k, _ := items[i].(string)
			v, _ := items[i+1].(string)
			if j, dup := index[k]; dup {
				// Two keys that differ only in lone surrogates.
				list[j][1] = v
				continue
			}
			if index == nil {
				index = make(map[string]int, len(items)/2)
			}
			index[k] = len(list)
			list = append(list, [2]string{k, v})
		}
		return list
	}
	s := usv(r, init)
	if len(s) > 0 && s[0] == '?' {
		s = s[1:]
	}
	return ParseForm(s)
}

func pairLen(n int) string {
	if n > 2 {
		return "more than 2 elements"
	}
	if n == 1 {
		return "1 element"
	}
	return strconv.Itoa(n) + " elements"
}

func iterProto(r *realm.Realm, cl *classes) *goja.Object {
	if cl.iterProto != nil {
		return cl.iterProto
	}
	vm := r.VM()
	proto := vm.NewObject()
	// %IteratorPrototype% is the prototype of an Array Iterator's prototype.
	arr := vm.NewArray()
	if f, ok := goja.AssertFunction(arr.GetSymbol(goja.SymIterator)); ok {
		if it, err := f(arr); err == nil {
			if ai, ok := it.(*goja.Object); ok {
				if p := ai.Prototype(); p != nil && p.Prototype() != nil {
					_ = proto.SetPrototype(p.Prototype())
				}
			}
		}
	}
	next := r.Func("next", 0, func(call goja.FunctionCall) goja.Value {
		it, ok := realm.Unwrap[*paramsIter](call.This)
		if !ok {
			panic(r.NewTypeError("Illegal invocation: the receiver is not a URLSearchParams Iterator"))
		}
		res := vm.NewObject()
		if it.i >= len(it.sp.list) {
			_ = res.Set("value", goja.Undefined())
			_ = res.Set("done", true)
			return res
		}
		p := it.sp.list[it.i]
		it.i++
		var v goja.Value
		switch it.kind {
		case iterKeys:
			v = vm.ToValue(p[0])
		case iterValues:
			v = vm.ToValue(p[1])
		default:
			v = vm.NewArray(p[0], p[1])
		}
		_ = res.Set("value", v)
		_ = res.Set("done", false)
		return res
	})
	_ = proto.DefineDataProperty("next", next, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	_ = proto.DefineDataPropertySymbol(goja.SymToStringTag, vm.ToValue("URLSearchParams Iterator"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	cl.iterProto = proto
	return proto
}
