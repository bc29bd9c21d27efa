package realm

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/parser"
	"github.com/dop251/goja/token"
	"github.com/dop251/goja/unistring"
)

// Async iteration syntax.
//
// goja runs async functions and generators but has no async iteration:
// its parser rejects `for await (… of …)` and `async *m() {}` in object
// literals, and its compiler refuses async generator functions. Scripts
// written for workerd use both (for await over a request body, async
// generators feeding ReadableStream.from), so ParseScript lowers them to
// code goja runs, the way transpilers do:
//
//   - `for await (HEAD of SRC) BODY` becomes a plain loop that awaits the
//     async iterator's next() and closes the iterator (awaiting return())
//     on break, return or throw, with the spec's GetIterator(async)
//     semantics, including the async-from-sync iterator for sync iterables.
//   - an async generator function becomes a plain function that returns an
//     async generator object driving a sync generator: inside it `await x`
//     is `yield` of an await request to the driver, `yield* x` a delegation
//     request and `return x` awaits x first; the driver (asynciter.js) keeps
//     the spec's request queue, awaits yielded values and forwards
//     next/throw/return to a delegate.
//
// The lowering edits the source text at positions taken from goja's AST and
// parses the result again; it keeps every line break, so line numbers in
// errors and stack traces stay right (columns on a rewritten line shift).
// Sources that use neither feature are parsed once and not touched. The
// helpers are reached through a hidden global whose name is not an
// identifier (the rewritten code names it through a placeholder identifier
// that is renamed in the final AST), so scripts cannot see or replace them.
//
// Known differences from native async generators: the function is
// constructible; a class's async generator methods keep a plain method's
// prototype chain, and an object literal's become function-valued
// properties (`key: async function* ()`, which goja's parser accepts);
// `super` and `new.target` cannot be used inside an async generator method
// (goja reports a SyntaxError); Function.prototype.toString shows the
// lowered text.

//go:embed asynciter.js
var asyncIterSource string

// asyncHelpersName is the hidden global holding the helpers.
const asyncHelpersName = "workerhost async"

var asyncIterProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("workerhost:asynciter.js", asyncIterSource, true)
})

// installAsyncIteration defines Symbol.asyncIterator (goja lacks the
// well-known symbol) and the hidden, lazily built helpers global.
func (r *Realm) installAsyncIteration() {
	vm := r.vm
	r.asyncIterSym = goja.NewSymbol("Symbol.asyncIterator")
	if sym, ok := vm.GlobalObject().Get("Symbol").(*goja.Object); ok && sym.Get("asyncIterator") == nil {
		_ = sym.DefineDataProperty("asyncIterator", r.asyncIterSym, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	var helpers goja.Value
	get := func(goja.FunctionCall) goja.Value {
		if helpers == nil {
			prog, err := asyncIterProgram()
			if err != nil {
				panic(vm.NewGoError(err))
			}
			f, err := vm.RunProgram(prog)
			if err != nil {
				panic(err)
			}
			fn, _ := goja.AssertFunction(f)
			if helpers, err = fn(goja.Undefined(), r.AsyncIteratorPrototype()); err != nil {
				panic(err)
			}
		}
		return helpers
	}
	_ = vm.GlobalObject().DefineAccessorProperty(asyncHelpersName, vm.ToValue(get), nil, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

// AsyncIteratorPrototype returns the realm's %AsyncIteratorPrototype%,
// shared by async generators and the Web API async iterators. It is made
// on first use (it is cheap; the generator helpers are not, and are built
// only when a script uses async iteration syntax).
func (r *Realm) AsyncIteratorPrototype() *goja.Object {
	if r.asyncIterProto == nil {
		vm := r.vm
		p := vm.NewObject()
		iter := vm.ToValue(func(call goja.FunctionCall) goja.Value { return call.This }).(*goja.Object)
		_ = iter.DefineDataProperty("name", vm.ToValue("[Symbol.asyncIterator]"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		_ = p.DefineDataPropertySymbol(r.asyncIterSym, iter, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		r.asyncIterProto = p
	}
	return r.asyncIterProto
}

// ParseScript parses a classic script like parser.ParseFile, lowering the
// async iteration syntax goja lacks (see above). Errors are
// parser.ErrorList values with positions in src.
func ParseScript(name, src string) (*ast.Program, error) {
	prog, text, marks, err := parseBlanking(name, src)
	if err != nil {
		return nil, err
	}
	// (lowering for await adds no async generator)
	asyncGen := strings.Contains(src, "async") && hasAsyncGenerator(prog)
	if len(marks.forAwait) == 0 && !asyncGen {
		arrowArguments(src, prog)
		lowerArrayForOf(src, prog)
		return prog, nil
	}
	l := &lowering{name: name, src: text, marks: marks, helpers: placeholder(src)}
	if len(marks.forAwait) > 0 {
		if err := l.lowerForAwait(prog); err != nil {
			return nil, err
		}
		if prog, err = l.reparse(); err != nil {
			return nil, err
		}
	}
	if asyncGen {
		if err := l.lowerAsyncGenerators(prog); err != nil {
			return nil, err
		}
		if prog, err = l.reparse(); err != nil {
			return nil, err
		}
	}
	arrowArguments(l.src, prog)
	renameIdentifier(reflect.ValueOf(prog), unistring.String(l.helpers), unistring.String(asyncHelpersName))
	lowerArrayForOf(l.src, prog)
	return prog, nil
}

// arrowArguments works around a goja bug: when a function's `arguments`
// is used only inside its arrow functions (function f() { return () =>
// arguments[0] }, the classic debounce wrapper), the VM panics with an
// index out of range, which fails the request and retires the isolate. A
// function that names `arguments` itself is compiled correctly, so such
// functions get an `arguments;` statement after their directive prologue
// (in the AST: positions and toString are unchanged). Sources without
// "arguments" are not walked.
func arrowArguments(src string, prog *ast.Program) {
	if !strings.Contains(src, "arguments") {
		return
	}
	fix := map[*ast.FunctionLiteral]bool{}
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, stack []ast.Node) bool {
		id, ok := n.(*ast.Identifier)
		if !ok || id.Name != "arguments" {
			return true
		}
		arrow := false
	up:
		for i := len(stack) - 1; i >= 0; i-- {
			switch f := stack[i].(type) {
			case *ast.ArrowFunctionLiteral:
				arrow = true
			case *ast.FunctionLiteral:
				if arrow {
					fix[f] = true
				}
				break up
			case *ast.ClassStaticBlock, *ast.FieldDefinition:
				break up
			}
		}
		return true
	})
	for fl := range fix {
		insertAfterPrologue(fl.Body, &ast.ExpressionStatement{Expression: &ast.Identifier{Name: "arguments", Idx: fl.Body.LeftBrace}})
	}
}

// marks are the places parseBlanking changed: the offsets of the `for` of
// each for-await whose `await` it blanked.
type marks struct {
	forAwait map[int]bool
}

// parseBlanking parses src; where goja's parser stops at the `await` of
// `for await`, it replaces the keyword with spaces, remembers the place
// and parses again; where it stops at an object literal's `async *key()`
// method, it rewrites the method as `key: async function* ()`, which goja
// parses (and ParseScript then lowers like any async generator). Any other
// error is returned as is. Line breaks are kept.
func parseBlanking(name, src string) (*ast.Program, string, marks, error) {
	m := marks{forAwait: map[int]bool{}}
	text := src
	for tries := 0; ; tries++ {
		prog, err := parseFile(name, text)
		if err == errMaxCodePoint && maxCodePoint.MatchString(text) {
			// Columns after it on its line move right by two.
			text = maxCodePoint.ReplaceAllLiteralString(text, `\uDBFF\uDFFF`)
			prog, err = parseFile(name, text)
		}
		if err == errMaxCodePoint {
			return nil, "", m, parser.ErrorList{&parser.Error{Position: file.Position{Filename: name, Line: 1, Column: 1}, Message: err.Error()}}
		}
		if err == nil {
			return prog, text, m, nil
		}
		var el parser.ErrorList
		if !errors.As(err, &el) || len(el) == 0 || tries > 10000 {
			return nil, "", m, err
		}
		off, ok := offsetOf(file.NewFile(name, text, 1), text, el[0].Position)
		if !ok {
			return nil, "", m, err
		}
		switch {
		case strings.HasPrefix(text[off:], "await") && !identPart(text, off+5):
			// for await: the token before must be `for`.
			p := skipSpaceBack(text, off)
			if p < 3 || text[p-3:p] != "for" || identPart(text, p-4) {
				return nil, "", m, err
			}
			m.forAwait[p-3] = true
			text = text[:off] + "     " + text[off+5:]
		case strings.HasPrefix(text[off:], "*") || strings.Contains(el[0].Message, "token *") && strings.HasSuffix(text[:skipSpaceBack(text, off)], "*"):
			// (goja reports the error at the `*` or at the token after it)
			if text[off] != '*' {
				off = skipSpaceBack(text, off) - 1
			}
			p := skipSpaceBack(text, off)
			if p < 5 || text[p-5:p] != "async" || identPart(text, p-6) {
				return nil, "", m, err
			}
			end, ok := propertyKeyEnd(text, skipSpace(text, off+1))
			if !ok {
				return nil, "", m, err
			}
			text = text[:p-5] + "     " + text[p:off] + " " + text[off+1:end] + ":async function*" + text[end:]
		default:
			return nil, "", m, err
		}
	}
}

// goja's parser panics on the escape \u{10FFFF} (the highest code point;
// every other one is fine). Spelled as a surrogate pair it means the same in
// strings, templates and /u regular expressions.
var (
	maxCodePoint    = regexp.MustCompile(`\\u\{0*10[fF]{4}\}`)
	errMaxCodePoint = errors.New("goja cannot parse the escape \\u{10FFFF}")
)

// parseFile is parser.ParseFile, with its panics turned into errors.
func parseFile(name, src string) (prog *ast.Program, err error) {
	defer func() {
		if p := recover(); p != nil {
			if strings.Contains(fmt.Sprint(p), "unexpected unicode length") {
				err = errMaxCodePoint
				return
			}
			err = parser.ErrorList{&parser.Error{Position: file.Position{Filename: name, Line: 1, Column: 1}, Message: fmt.Sprint("parser failure: ", p)}}
		}
	}()
	return parser.ParseFile(nil, name, src, 0)
}

// propertyKeyEnd returns the end of the property name starting at k (an
// identifier, a number, a string or a computed [key]).
func propertyKeyEnd(s string, k int) (int, bool) {
	if k >= len(s) {
		return 0, false
	}
	switch c := s[k]; {
	case c == '"' || c == '\'' || c == '`':
		for i := k + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case c:
				return i + 1, true
			}
		}
		return 0, false
	case c == '[':
		depth := 0
		for i := k; i < len(s); i++ {
			switch s[i] {
			case '[':
				depth++
			case ']':
				if depth--; depth == 0 {
					return i + 1, true
				}
			case '"', '\'', '`':
				end, ok := propertyKeyEnd(s, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			}
		}
		return 0, false
	}
	i := k
	for i < len(s) && (identPart(s, i) || s[i] == '.') {
		i++
	}
	return i, i > k
}

func offsetOf(f *file.File, text string, pos file.Position) (int, bool) {
	if pos.Line < 1 || pos.Column < 1 {
		return 0, false
	}
	// Find the line start: positions are byte columns.
	line, start := 1, 0
	for line < pos.Line {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			return 0, false
		}
		start += i + 1
		line++
	}
	off := start + pos.Column - 1
	if off >= len(text) || f.Position(off) != pos {
		return 0, false
	}
	return off, true
}

func identPart(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipSpaceBack returns the offset just after the last byte before off
// that is neither white space nor inside a block comment (line comments
// are not recognised going backwards).
func skipSpaceBack(s string, off int) int {
	for {
		for off > 0 && isSpace(s[off-1]) {
			off--
		}
		if off < 2 || s[off-2:off] != "*/" {
			return off
		}
		i := strings.LastIndex(s[:off-2], "/*")
		if i < 0 {
			return off
		}
		off = i
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor inside a comment.
func skipSpace(s string, off int) int {
	for off < len(s) {
		switch {
		case isSpace(s[off]):
			off++
		case strings.HasPrefix(s[off:], "//"):
			i := strings.IndexByte(s[off:], '\n')
			if i < 0 {
				return len(s)
			}
			off += i
		case strings.HasPrefix(s[off:], "/*"):
			i := strings.Index(s[off+2:], "*/")
			if i < 0 {
				return len(s)
			}
			off += i + 4
		default:
			return off
		}
	}
	return off
}

// placeholder returns an identifier that does not occur in src.
func placeholder(src string) string {
	for i := 0; ; i++ {
		p := "__wh" + strconv.Itoa(i) + "_"
		if !strings.Contains(src, p) {
			return p
		}
	}
}

// hasAsyncGenerator reports whether prog defines an async generator.
func hasAsyncGenerator(prog *ast.Program) bool {
	found := false
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, _ []ast.Node) bool {
		if fl, ok := n.(*ast.FunctionLiteral); ok && isAsyncGenerator(fl) {
			found = true
		}
		return !found
	})
	return found
}

func isAsyncGenerator(fl *ast.FunctionLiteral) bool {
	return fl.Generator && fl.Async
}

func renameIdentifier(v reflect.Value, from, to unistring.String) {
	inspect(v, nil, func(n ast.Node, _ []ast.Node) bool {
		if id, ok := n.(*ast.Identifier); ok && id.Name == from {
			id.Name = to
		}
		return true
	})
}

// enclosingFunction returns the innermost function of stack, or nil at the
// top level.
func enclosingFunction(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FunctionLiteral, *ast.ArrowFunctionLiteral:
			return n
		case *ast.ClassStaticBlock, *ast.FieldDefinition:
			return n
		}
	}
	return nil
}

// edit replaces src[at:at+del] with ins. depth orders insertions at one
// offset: deeper nodes' text goes first (closers of inner constructs come
// before closers of outer ones).
type edit struct {
	at, del int
	ins     string
	depth   int
}

type lowering struct {
	name    string
	src     string
	marks   marks
	helpers string // placeholder identifier for the helpers object
	edits   []edit
}

func (l *lowering) add(at, del int, ins string, depth int) {
	l.edits = append(l.edits, edit{at, del, ins, depth})
}

// blank replaces src[at:at+n] with spaces.
func (l *lowering) blank(at, n, depth int) {
	l.add(at, n, strings.Repeat(" ", n), depth)
}

func (l *lowering) errorAt(off int, format string, a ...any) error {
	f := file.NewFile(l.name, l.src, 1)
	return parser.ErrorList{&parser.Error{Position: f.Position(off), Message: fmt.Sprintf(format, a...)}}
}

// reparse applies the edits and parses the result.
func (l *lowering) reparse() (*ast.Program, error) {
	sort.SliceStable(l.edits, func(i, j int) bool {
		a, b := l.edits[i], l.edits[j]
		if a.at != b.at {
			return a.at < b.at
		}
		if (a.del == 0) != (b.del == 0) {
			return a.del == 0
		}
		return a.depth > b.depth
	})
	var sb strings.Builder
	pos := 0
	for _, e := range l.edits {
		if e.at < pos {
			return nil, l.errorAt(e.at, "internal error lowering async iteration (overlapping edits)")
		}
		sb.WriteString(l.src[pos:e.at])
		sb.WriteString(e.ins)
		pos = e.at + e.del
	}
	sb.WriteString(l.src[pos:])
	l.src, l.edits = sb.String(), nil
	return parseFile(l.name, l.src)
}

// lowerForAwait rewrites each marked for-await statement (see the package
// comment above). With P the placeholder prefix:
//
//	L: for await (HEAD of SRC) BODY
//
// becomes, on the same lines,
//
//	{const Pi=P.iter(SRC);let Pr,Pd=false;try{L: for(;;){Pd=true;
//	Pr=P.step(await P.next(Pi));if(Pr.done)break;Pd=false;HEAD=Pr.value;
//	BODY}}catch(Pe){…close quietly, rethrow…}finally{…close…}}
//
// Pd is true when the iterator must not be closed (it finished or threw).
func (l *lowering) lowerForAwait(prog *ast.Program) error {
	var err error
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, stack []ast.Node) bool {
		fo, ok := n.(*ast.ForOfStatement)
		if err != nil || !ok || !l.marks.forAwait[int(fo.For)-1] {
			return err == nil
		}
		err = l.forAwait(fo, stack)
		return err == nil
	})
	return err
}

func (l *lowering) forAwait(fo *ast.ForOfStatement, stack []ast.Node) error {
	s := l.src
	forAt := int(fo.For) - 1
	switch fn := enclosingFunction(stack).(type) {
	case *ast.FunctionLiteral:
		if fn.Async {
			break
		}
		return l.errorAt(forAt, "for await is only valid in async functions and async generators")
	case *ast.ArrowFunctionLiteral:
		if fn.Async {
			break
		}
		return l.errorAt(forAt, "for await is only valid in async functions and async generators")
	default:
		return l.errorAt(forAt, "for await is only valid in async functions and async generators")
	}
	depth := len(stack)
	// Labels directly on the loop move onto the inner for(;;).
	labels := ""
	for i := len(stack) - 1; i >= 0; i-- {
		ls, ok := stack[i].(*ast.LabelledStatement)
		if !ok || (i+1 < len(stack) && stack[i+1] != ls.Statement) || (i+1 == len(stack) && ls.Statement != fo) {
			break
		}
		from, to := int(ls.Label.Idx)-1, int(ls.Colon)
		labels = string(ls.Label.Name) + ":" + labels
		l.blank(from, to-from, depth)
	}
	open := skipSpace(s, forAt+3)
	if open >= len(s) || s[open] != '(' {
		return l.errorAt(forAt, "unsupported for await statement (comment inside its head?)")
	}
	// `of` ends just before the source expression (and any parentheses around it).
	src := int(fo.Source.Idx0()) - 1
	p := skipSpaceBack(s, src)
	for p > open && s[p-1] == '(' {
		p = skipSpaceBack(s, p-1)
	}
	if p < open+3 || s[p-2:p] != "of" || identPart(s, p-3) {
		return l.errorAt(forAt, "unsupported for await statement (comment inside its head?)")
	}
	head := strings.TrimSpace(s[open+1 : p-2])
	// The head's `)` is the last `)` between the end of SRC (whose closing
	// parentheses goja's positions leave out) and the body, comments and
	// white space aside.
	body := int(fo.Body.Idx0()) - 1
	closeParen := -1
	for q := int(fo.Source.Idx1()) - 1; q < body; q++ {
		q = skipSpace(s, q)
		if q >= body || s[q] != ')' {
			break
		}
		closeParen = q
	}
	if closeParen < 0 || skipSpace(s, closeParen+1) < body {
		// Some end positions are off by more than parentheses: go back
		// from the body instead (over white space, block comments and the
		// body's own opening parentheses).
		q := skipSpaceBack(s, body)
		for q > p && s[q-1] == '(' {
			q = skipSpaceBack(s, q-1)
		}
		if q <= p || s[q-1] != ')' {
			return l.errorAt(forAt, "unsupported for await statement (cannot find the end of its head)")
		}
		closeParen = q - 1
	}
	P := l.helpers
	assign := head + "=" + P + "r.value;"
	if _, isExpr := fo.Into.(*ast.ForIntoExpression); isExpr {
		assign = "(" + head + "=" + P + "r.value);"
	}
	l.add(forAt, p-forAt, "{const "+P+"i="+P+".iter(", depth)
	// Parentheses around SRC stay: their closers come before the head's `)`.
	l.add(closeParen, 1, ");let "+P+"r,"+P+"d=false;try{"+labels+"for(;;){"+P+"d=true;"+P+"r="+P+".step(await "+P+".next("+P+"i));if("+P+"r.done)break;"+P+"d=false;"+assign, depth)
	end := statementEnd(s, int(fo.Body.Idx1())-1)
	l.add(end, 0, ";}}catch("+P+"e){if(!"+P+"d){"+P+"d=true;try{const "+P+"c="+P+".ret("+P+"i);if("+P+"c)await "+P+"c[0]}catch("+P+"x){}}throw "+P+"e}finally{if(!"+P+"d){const "+P+"c="+P+".ret("+P+"i);if("+P+"c)"+P+".obj(await "+P+"c[0])}}}", depth)
	return nil
}

// statementEnd returns where a statement whose AST ends at off really ends:
// goja's end offsets leave out closing parentheses of parenthesised
// expressions and the optional semicolon.
func statementEnd(s string, off int) int {
	end := off
	for p := off; ; {
		p = skipSpace(s, p)
		if p >= len(s) {
			return end
		}
		switch s[p] {
		case ')':
			p++
			end = p
		case ';':
			return p + 1
		default:
			return end
		}
	}
}

// lowerAsyncGenerators rewrites each async generator function:
//
//	async function* f(PARAMS) { BODY }
//
// becomes
//
//	function f(PARAMS) {const Pa=arguments;return P.gen(this,Pa,function*(){ BODY })}
//
// and, in BODY's own scope, `await x` → `(yield P.aw(x))`,
// `yield* x` → `(yield P.dg(x))`, `return x` → `return (yield P.aw(x))`,
// `arguments` → `Pa` (there and in BODY's arrow functions).
func (l *lowering) lowerAsyncGenerators(prog *ast.Program) error {
	var err error
	P := l.helpers
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, stack []ast.Node) bool {
		if err != nil {
			return false
		}
		depth := len(stack)
		switch n := n.(type) {
		case *ast.FunctionLiteral:
			if isAsyncGenerator(n) {
				err = l.asyncGenerator(n, stack)
			}
		case *ast.AwaitExpression:
			if l.inAsyncGenerator(stack) {
				l.add(int(n.Await)-1, 5, "(yield "+P+".aw(", depth)
				l.add(int(n.Argument.Idx1())-1, 0, "))", depth)
			}
		case *ast.YieldExpression:
			if n.Delegate && l.inAsyncGenerator(stack) {
				at := int(n.Yield) - 1
				star := skipSpace(l.src, at+5)
				if star >= len(l.src) || l.src[star] != '*' {
					err = l.errorAt(at, "unsupported yield* expression (comment inside it?)")
					return false
				}
				l.add(at, star+1-at, "(yield "+P+".dg(", depth)
				l.add(int(n.Argument.Idx1())-1, 0, "))", depth)
			}
		case *ast.ReturnStatement:
			if n.Argument != nil && l.inAsyncGenerator(stack) {
				l.add(int(n.Return)-1+6, 0, " (yield "+P+".aw(", depth)
				l.add(int(n.Argument.Idx1())-1, 0, "))", depth)
			}
		case *ast.Identifier:
			// The body's `arguments` (also inside its arrow functions)
			// becomes the outer function's: goja panics on `arguments` in
			// an arrow function inside a generator.
			if n.Name == "arguments" && l.argumentsOfAsyncGenerator(stack) {
				l.add(int(n.Idx)-1, len("arguments"), P+"a", depth)
			}
		}
		return err == nil
	})
	return err
}

// argumentsOfAsyncGenerator reports whether `arguments` at the end of
// stack is that of an async generator (the innermost non-arrow function).
func (l *lowering) argumentsOfAsyncGenerator(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ArrowFunctionLiteral:
			continue
		case *ast.FunctionLiteral:
			return isAsyncGenerator(n)
		case *ast.ClassStaticBlock, *ast.FieldDefinition:
			return false
		}
	}
	return false
}

func (l *lowering) inAsyncGenerator(stack []ast.Node) bool {
	fl, ok := enclosingFunction(stack).(*ast.FunctionLiteral)
	return ok && isAsyncGenerator(fl)
}

func (l *lowering) asyncGenerator(fl *ast.FunctionLiteral, stack []ast.Node) error {
	s, depth, P := l.src, len(stack), l.helpers
	at := int(fl.Function) - 1
	end := int(fl.Body.RightBrace)
	// The function gets the prototype chain of an async generator function
	// from P.fn: declarations right after they are defined, expressions by
	// wrapping them. (Methods keep that of a plain method.)
	var parent ast.Node
	if len(stack) > 0 {
		parent = stack[len(stack)-1]
	}
	switch p := parent.(type) {
	case *ast.FunctionDeclaration:
		l.add(end, 0, ";"+P+".fn("+string(fl.Name.Name)+");", depth)
	case *ast.MethodDefinition:
	case *ast.PropertyKeyed:
		if p.Kind == ast.PropertyKindMethod {
			break
		}
		l.add(at, 0, P+".fn(", depth)
		l.add(end, 0, inferredName(fl, parent)+")", depth)
	default:
		l.add(at, 0, P+".fn(", depth)
		l.add(end, 0, inferredName(fl, parent)+")", depth)
	}
	if strings.HasPrefix(s[at:], "async") && !identPart(s, at+5) {
		l.blank(at, 5, depth)
		at = skipSpace(s, at+5)
	}
	if strings.HasPrefix(s[at:], "function") && !identPart(s, at+8) {
		at = skipSpace(s, at+8)
	}
	if at >= len(s) || s[at] != '*' {
		return l.errorAt(int(fl.Function)-1, "unsupported async generator (comment inside its head?)")
	}
	l.blank(at, 1, depth)
	prologue := ""
	for _, st := range fl.Body.List {
		es, ok := st.(*ast.ExpressionStatement)
		if !ok {
			break
		}
		lit, ok := es.Expression.(*ast.StringLiteral)
		if !ok {
			break
		}
		if lit.Value == "use strict" {
			prologue = `"use strict";`
		}
	}
	l.add(int(fl.Body.LeftBrace), 0, prologue+"const "+P+"a=arguments;return "+P+".gen(this,"+P+"a,function*(){", depth)
	l.add(int(fl.Body.RightBrace)-1, 0, "})", depth)
	return nil
}

// inferredName returns `,"name"` when an anonymous function expression
// would be named by its binding (const g = async function* () {}), which
// wrapping it in a call would otherwise lose.
func inferredName(fl *ast.FunctionLiteral, parent ast.Node) string {
	if fl.Name != nil {
		return ""
	}
	var id *ast.Identifier
	switch p := parent.(type) {
	case *ast.Binding:
		id, _ = p.Target.(*ast.Identifier)
	case *ast.AssignExpression:
		if p.Operator == token.ASSIGN {
			id, _ = p.Left.(*ast.Identifier)
		}
	case *ast.PropertyKeyed:
		switch k := p.Key.(type) {
		case *ast.Identifier:
			id = k
		case *ast.StringLiteral:
			return "," + jsString(k.Value.String())
		}
	}
	if id == nil {
		return ""
	}
	return "," + jsString(id.Name.String())
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
