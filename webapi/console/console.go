// Package console implements the WHATWG Console Standard's console
// namespace for workerhost realms. Messages go to the realm's *slog.Logger
// with the attributes routine, request and source="console"; values are
// rendered like a compact Node.js util.inspect, and every message is bounded
// (MaxMessageBytes).
package console

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// state is the console's per-realm state: counters, timers and the group
// indentation (the Console Standard's count map, timer table and group
// stack).
type state struct {
	r      *realm.Realm
	counts map[string]int
	timers map[string]time.Time
	groups int
}

var stateKey = realm.NewKey[*state]()

// method is one console operation: its name, length and implementation.
type method struct {
	name   string
	length int
	impl   func(st *state) func(goja.FunctionCall) goja.Value
}

func logAt(level slog.Level) func(st *state) func(goja.FunctionCall) goja.Value {
	return func(st *state) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			st.logger(level, call.Arguments)
			return goja.Undefined()
		}
	}
}

func bound(f func(*state, goja.FunctionCall) goja.Value) func(st *state) func(goja.FunctionCall) goja.Value {
	return func(st *state) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value { return f(st, call) }
	}
}

// methods lists the Console Standard's operations, in definition order.
var methods = []method{
	{"assert", 0, bound((*state).assert)},
	{"clear", 0, bound(func(*state, goja.FunctionCall) goja.Value { return goja.Undefined() })},
	{"debug", 0, logAt(slog.LevelDebug)},
	{"error", 0, logAt(slog.LevelError)},
	{"info", 0, logAt(slog.LevelInfo)},
	{"log", 0, logAt(slog.LevelInfo)},
	{"table", 0, bound((*state).table)},
	{"trace", 0, bound((*state).trace)},
	{"warn", 0, logAt(slog.LevelWarn)},
	{"dir", 0, bound((*state).dir)},
	{"dirxml", 0, logAt(slog.LevelInfo)},
	{"count", 0, bound((*state).count)},
	{"countReset", 0, bound((*state).countReset)},
	{"group", 0, bound((*state).group)},
	{"groupCollapsed", 0, bound((*state).group)},
	{"groupEnd", 0, bound((*state).groupEnd)},
	{"time", 0, bound((*state).time)},
	{"timeLog", 0, bound((*state).timeLog)},
	{"timeEnd", 0, bound((*state).timeEnd)},
}

var methodIndex = func() map[string]int {
	m := make(map[string]int, len(methods))
	for i, md := range methods {
		m[md.name] = i
	}
	return m
}()

// namespace backs the console object. Its operations are created on first
// access (cold start: a realm that never logs pays for one object), and
// behave as WebIDL namespace members otherwise: writable, enumerable,
// configurable data properties, stable identities.
type namespace struct {
	st      *state
	vals    map[string]goja.Value
	deleted []bool // per methods entry
	extra   []string
}

func (n *namespace) Get(k string) goja.Value {
	if v, ok := n.vals[k]; ok {
		return v
	}
	i, ok := methodIndex[k]
	if !ok || n.deleted[i] {
		return nil
	}
	md := methods[i]
	v := n.st.r.Func(md.name, md.length, md.impl(n.st))
	n.vals[k] = v
	return v
}

func (n *namespace) Set(k string, v goja.Value) bool {
	if _, known := n.vals[k]; !known {
		if i, ok := methodIndex[k]; ok {
			n.deleted[i] = false
		} else {
			n.extra = append(n.extra, k)
		}
	}
	n.vals[k] = v
	return true
}

func (n *namespace) Has(k string) bool {
	if _, ok := n.vals[k]; ok {
		return true
	}
	i, ok := methodIndex[k]
	return ok && !n.deleted[i]
}

func (n *namespace) Delete(k string) bool {
	delete(n.vals, k)
	if i, ok := methodIndex[k]; ok {
		n.deleted[i] = true
		return true
	}
	for i, x := range n.extra {
		if x == k {
			n.extra = append(n.extra[:i], n.extra[i+1:]...)
			break
		}
	}
	return true
}

func (n *namespace) Keys() []string {
	keys := make([]string, 0, len(methods)+len(n.extra))
	for i, md := range methods {
		if !n.deleted[i] {
			keys = append(keys, md.name)
		}
	}
	return append(keys, n.extra...)
}

// Install defines the console namespace object in r. It is cheap: the
// operations are created when first used.
func Install(r *realm.Realm) {
	vm := r.VM()
	st := &state{r: r}
	stateKey.Set(r, st)
	ns := &namespace{st: st, vals: map[string]goja.Value{}, deleted: make([]bool, len(methods))}
	c := vm.NewDynamicObject(ns)
	// Dynamic objects cannot have own symbol properties: the
	// Symbol.toStringTag "console" lives on the object's prototype.
	proto := vm.NewObject()
	_ = proto.DefineDataPropertySymbol(goja.SymToStringTag, vm.ToValue("console"), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
	_ = c.SetPrototype(proto)
	r.DefineGlobal("console", c)
}

func (st *state) ctx() context.Context {
	if c := st.r.Current(); c != nil {
		return c.Go()
	}
	return context.Background()
}

func (st *state) enabled(level slog.Level) bool {
	return st.r.Logger().Enabled(st.ctx(), level)
}

// emit writes one message, indented by the current group depth.
func (st *state) emit(level slog.Level, msg string) {
	if st.groups > 0 {
		indent := strings.Repeat("  ", st.groups)
		msg = indent + strings.ReplaceAll(msg, "\n", "\n"+indent)
	}
	r := st.r
	r.Logger().LogAttrs(st.ctx(), level, msg,
		slog.String("routine", r.Routine()),
		slog.String("request", r.Current().IDString()),
		slog.String("source", "console"))
}

func (st *state) printer() *printer { return &printer{vm: st.r.VM()} }

// logger is the Console Standard's Logger: format the arguments and print.
func (st *state) logger(level slog.Level, args []goja.Value) {
	if len(args) == 0 || !st.enabled(level) {
		return
	}
	st.emit(level, st.format(args))
}

// format renders console arguments: the Formatter when the first argument
// is a string and others follow, then the remaining arguments separated by
// spaces (strings as they are, other values inspected).
func (st *state) format(args []goja.Value) string {
	return Format(st.r.VM(), args...)
}

func (p *printer) formatArgs(args []goja.Value) {
	if len(args) == 0 {
		return
	}
	rest := args
	if s, ok := args[0].(goja.String); ok && len(args) > 1 {
		rest = p.formatter(s.String(), args[1:])
	} else {
		p.top(args[0])
		rest = args[1:]
	}
	for _, a := range rest {
		if !p.room() {
			break
		}
		_ = p.WriteByte(' ')
		p.top(a)
	}
}

// formatter applies the format specifiers of f to args (%s %d %i %f %o %O
// %c %%) and returns the arguments left over.
func (p *printer) formatter(f string, args []goja.Value) []goja.Value {
	start := 0
	for i := 0; i < len(f)-1 && p.room(); i++ {
		if f[i] != '%' {
			continue
		}
		c := f[i+1]
		if c == '%' {
			p.WriteString(f[start:i])
			_ = p.WriteByte('%')
			start = i + 2
			i++
			continue
		}
		if !strings.ContainsRune("sdifoOc", rune(c)) || len(args) == 0 {
			continue
		}
		p.WriteString(f[start:i])
		start = i + 2
		i++
		a := args[0]
		args = args[1:]
		switch c {
		case 's':
			switch x := a.(type) {
			case goja.String:
				p.WriteString(x.String())
			case *goja.Symbol:
				p.WriteString(symbolString(x))
			case *goja.Object:
				p.inspect(x, maxDepth) // nested objects shown as [Object]
			default:
				p.primitive(a)
			}
		case 'd', 'i':
			p.WriteString(numberString(p.vm, parseIntValue(a)))
		case 'f':
			p.WriteString(numberString(p.vm, parseFloatValue(a)))
		case 'o', 'O':
			p.inspect(a, 0)
		case 'c':
			// CSS styling: consumed, not rendered.
		}
	}
	p.WriteString(f[start:])
	return args
}

func numberString(vm *goja.Runtime, f float64) string {
	if f == 0 && math.Signbit(f) {
		return "-0"
	}
	return vm.ToValue(f).String()
}

// primitiveText is String(v) for a primitive, "" and false for objects and
// symbols (which %d/%i/%f turn into NaN without running user code).
func primitiveText(v goja.Value) (string, bool) {
	switch v.(type) {
	case *goja.Object, *goja.Symbol, nil:
		return "", false
	}
	return v.String(), true
}

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// parseIntValue is %parseInt%(v, 10) for primitives, NaN otherwise.
func parseIntValue(v goja.Value) float64 {
	s, ok := primitiveText(v)
	if !ok {
		return math.NaN()
	}
	s = strings.TrimLeftFunc(s, isJSSpace)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(s[:n], 64)
	if neg {
		f = -f
	}
	return f
}

// parseFloatValue is %parseFloat%(v) for primitives, NaN otherwise.
func parseFloatValue(v goja.Value) float64 {
	s, ok := primitiveText(v)
	if !ok {
		return math.NaN()
	}
	s = strings.TrimLeftFunc(s, isJSSpace)
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	if strings.HasPrefix(s[i:], "Infinity") {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil && !math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

func (st *state) trace(call goja.FunctionCall) goja.Value {
	if !st.enabled(slog.LevelError) {
		return goja.Undefined()
	}
	p := st.printer()
	p.WriteString("Trace")
	if len(call.Arguments) > 0 {
		p.WriteString(": ")
		p.formatArgs(call.Arguments)
	}
	frames := st.r.VM().CaptureCallStack(32, nil)
	// The first frame is console.trace itself.
	if len(frames) > 0 && frames[0].SrcName() == "<native>" {
		frames = frames[1:]
	}
	var b bytes.Buffer
	for i := range frames {
		b.WriteString("\n    at ")
		frames[i].Write(&b)
	}
	p.WriteString(b.String())
	st.emit(slog.LevelError, p.String())
	return goja.Undefined()
}

func (st *state) assert(call goja.FunctionCall) goja.Value {
	if call.Argument(0).ToBoolean() || !st.enabled(slog.LevelError) {
		return goja.Undefined()
	}
	p := st.printer()
	data := call.Arguments
	if len(data) > 0 {
		data = data[1:]
	}
	if len(data) == 0 {
		p.WriteString("Assertion failed")
	} else if s, ok := data[0].(goja.String); ok {
		p.WriteString("Assertion failed: ")
		rest := data[1:]
		if len(rest) > 0 {
			rest = p.formatter(s.String(), rest)
		} else {
			p.WriteString(s.String())
		}
		for _, a := range rest {
			_ = p.WriteByte(' ')
			p.top(a)
		}
	} else {
		p.WriteString("Assertion failed ")
		p.formatArgs(data)
	}
	st.emit(slog.LevelError, p.String())
	return goja.Undefined()
}

func (st *state) dir(call goja.FunctionCall) goja.Value {
	if !st.enabled(slog.LevelInfo) {
		return goja.Undefined()
	}
	p := st.printer()
	p.inspect(call.Argument(0), 0)
	st.emit(slog.LevelInfo, p.String())
	return goja.Undefined()
}

func label(call goja.FunctionCall) string {
	if a := call.Argument(0); !goja.IsUndefined(a) {
		if _, ok := a.(*goja.Symbol); ok {
			return symbolString(a.(*goja.Symbol))
		}
		return a.String()
	}
	return "default"
}

func (st *state) count(call goja.FunctionCall) goja.Value {
	l := label(call)
	if st.counts == nil {
		st.counts = map[string]int{}
	}
	if _, ok := st.counts[l]; !ok && len(st.counts) >= MaxLabels {
		st.tooMany("count")
		return goja.Undefined()
	}
	st.counts[l]++
	if st.enabled(slog.LevelInfo) {
		st.emit(slog.LevelInfo, l+": "+strconv.Itoa(st.counts[l]))
	}
	return goja.Undefined()
}

func (st *state) countReset(call goja.FunctionCall) goja.Value {
	l := label(call)
	if _, ok := st.counts[l]; ok {
		st.counts[l] = 0
	} else if st.enabled(slog.LevelWarn) {
		st.emit(slog.LevelWarn, "Count for '"+l+"' does not exist")
	}
	return goja.Undefined()
}

func (st *state) time(call goja.FunctionCall) goja.Value {
	l := label(call)
	if _, ok := st.timers[l]; ok {
		if st.enabled(slog.LevelWarn) {
			st.emit(slog.LevelWarn, "Timer '"+l+"' already exists")
		}
		return goja.Undefined()
	}
	if st.timers == nil {
		st.timers = map[string]time.Time{}
	}
	if len(st.timers) >= MaxLabels {
		st.tooMany("time")
		return goja.Undefined()
	}
	st.timers[l] = time.Now()
	return goja.Undefined()
}

// MaxLabels bounds the labels console.count and console.time track per
// realm (a realm lives across many requests: labels such as request ids
// must not grow its memory without bound).
const MaxLabels = 1000

func (st *state) tooMany(what string) {
	if st.enabled(slog.LevelWarn) {
		st.emit(slog.LevelWarn, "console."+what+": too many labels (limit "+strconv.Itoa(MaxLabels)+"); reset or end some first")
	}
}

func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms >= 1000 {
		return strconv.FormatFloat(ms/1000, 'f', 3, 64) + "s"
	}
	return strconv.FormatFloat(ms, 'f', 3, 64) + "ms"
}

func (st *state) timeLog(call goja.FunctionCall) goja.Value {
	st.timePrint(call, false)
	return goja.Undefined()
}

func (st *state) timeEnd(call goja.FunctionCall) goja.Value {
	st.timePrint(call, true)
	return goja.Undefined()
}

func (st *state) timePrint(call goja.FunctionCall, end bool) {
	l := label(call)
	start, ok := st.timers[l]
	if !ok {
		if st.enabled(slog.LevelWarn) {
			st.emit(slog.LevelWarn, "Timer '"+l+"' does not exist")
		}
		return
	}
	if end {
		delete(st.timers, l)
	}
	if !st.enabled(slog.LevelInfo) {
		return
	}
	p := st.printer()
	p.WriteString(l + ": " + formatDuration(time.Since(start)))
	if !end && len(call.Arguments) > 1 {
		for _, a := range call.Arguments[1:] {
			_ = p.WriteByte(' ')
			p.top(a)
		}
	}
	st.emit(slog.LevelInfo, p.String())
}

func (st *state) group(call goja.FunctionCall) goja.Value {
	if len(call.Arguments) > 0 && st.enabled(slog.LevelInfo) {
		st.emit(slog.LevelInfo, st.format(call.Arguments))
	}
	st.groups++
	return goja.Undefined()
}

func (st *state) groupEnd(goja.FunctionCall) goja.Value {
	if st.groups > 0 {
		st.groups--
	}
	return goja.Undefined()
}
