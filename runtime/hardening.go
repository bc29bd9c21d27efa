package runtime

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Code generation from strings (eval, the Function constructors) is
// disallowed in routines, as in workerd: code made at run time would escape
// the compile-time stack instrumentation (internal/realm.InstrumentStackChecks)
// and goja's parser recurses on the Go stack for nested source, which a
// script could feed it from a request. The calls throw the error V8 throws
// when a context disallows code generation.
const codeGenMessage = "Code generation from strings disallowed for this context"

// generatorFunctions yields a generator function and an async function, to
// reach %GeneratorFunction.prototype% and %AsyncFunction.prototype%.
var generatorFunctions = goja.MustCompile("workerhost:codegen", `[function* () {}, async function () {}]`, true)

func disallowCodeGeneration(r *realm.Realm) error {
	vm := r.VM()
	g := vm.GlobalObject()
	// deny makes a function that throws when called or constructed. (The
	// error class is looked up then: goja builds EvalError lazily, and
	// looking it up here would cost every isolate's cold start.)
	deny := func(name string) *goja.Object {
		f := vm.ToValue(func(goja.ConstructorCall) *goja.Object {
			panic(r.NewError("EvalError", codeGenMessage))
		}).(*goja.Object)
		_ = f.DefineDataProperty("name", vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		_ = f.DefineDataProperty("length", vm.ToValue(1), goja.FLAG_FALSE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		return f
	}
	// replace makes f the constructor of proto: f.prototype === proto,
	// proto.constructor === f, f inherits what the original inherited.
	replace := func(f *goja.Object, proto *goja.Object, writable goja.Flag) error {
		orig, _ := proto.Get("constructor").(*goja.Object)
		if orig == nil {
			return errors.New("no constructor")
		}
		if err := f.SetPrototype(orig.Prototype()); err != nil {
			return err
		}
		if err := f.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
			return err
		}
		return proto.DefineDataProperty("constructor", f, writable, goja.FLAG_TRUE, goja.FLAG_FALSE)
	}
	if err := g.DefineDataProperty("eval", deny("eval"), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	fn, _ := g.Get("Function").(*goja.Object)
	if fn == nil {
		return errors.New("no Function")
	}
	function := deny("Function")
	if err := replace(function, fn.Get("prototype").(*goja.Object), goja.FLAG_TRUE); err != nil {
		return err
	}
	if err := g.DefineDataProperty("Function", function, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	v, err := vm.RunProgram(generatorFunctions)
	if err != nil {
		return err
	}
	pair := v.(*goja.Object)
	for i, name := range []string{"GeneratorFunction", "AsyncFunction"} {
		proto := pair.Get(strconv.Itoa(i)).(*goja.Object).Prototype()
		if err := replace(deny(name), proto, goja.FLAG_FALSE); err != nil {
			return err
		}
	}
	return nil
}

// checkNesting guards goja's parser and compiler, which recurse on the Go
// stack per nesting level: Go aborts the process (it cannot be recovered)
// when a goroutine's stack passes 1 GB, which a few hundred thousand levels
// — well inside the 4 MB code size — reach (limits.Limits.MaxNesting,
// default 10,000; no real program nests that deep).
//
// It scans src like a JavaScript tokenizer would for brackets —
// skipping strings, comments, regular expression literals and template
// text — and fails with the position where nesting passes max.
func checkNesting(src string, max int) (line, col int, err error) {
	var (
		depth     int
		templates []int // depth at which each open template's ${ started
		prevSig   byte  // previous significant character (regex or division?)
		prevWord  string
	)
	line, lineStart := 1, 0
	at := func(i int) (int, int) { return line, i - lineStart + 1 }
	regexAllowed := func() bool {
		switch prevSig {
		case 0, '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^':
			return true
		case ')', ']':
			return false
		}
		if isIdentByte(prevSig) {
			switch prevWord {
			case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await":
				return true
			}
			return false
		}
		return true
	}
	// skipTemplateText scans template characters from i until ` or ${;
	// it returns the index of the terminator.
	skipTemplateText := func(i int) int {
		for ; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '\n':
				line, lineStart = line+1, i+1
			case '`':
				return i
			case '$':
				if i+1 < len(src) && src[i+1] == '{' {
					return i
				}
			}
		}
		return i
	}
	open := func(i int) error {
		depth++
		if depth > max {
			l, c := at(i)
			line, col = l, c
			return fmt.Errorf("brackets nested more than %d levels deep", max)
		}
		return nil
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		lit := false // a literal ends here: a / after it divides
		switch {
		case c == '\n':
			line, lineStart = line+1, i+1
			continue
		case c == ' ' || c == '\t' || c == '\r':
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			i--
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			for i += 2; i+1 < len(src) && !(src[i] == '*' && src[i+1] == '/'); i++ {
				if src[i] == '\n' {
					line, lineStart = line+1, i+1
				}
			}
			i++
			continue
		case c == '\'' || c == '"':
			lit = true
			for i++; i < len(src) && src[i] != c && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case c == '/' && regexAllowed():
			lit = true
			inClass := false
			for i++; i < len(src) && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				} else if src[i] == '[' {
					inClass = true
				} else if src[i] == ']' {
					inClass = false
				} else if src[i] == '/' && !inClass {
					break
				}
			}
		case c == '`':
			i = skipTemplateText(i + 1)
			if i < len(src) && src[i] == '$' {
				templates = append(templates, depth)
				if err := open(i); err != nil {
					return line, col, err
				}
				i++ // at the '{'
			} else {
				lit = true
			}
		case c == '(' || c == '[' || c == '{':
			if err := open(i); err != nil {
				return line, col, err
			}
		case c == ')' || c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
			if c == '}' && len(templates) > 0 && templates[len(templates)-1] == depth {
				// the end of a ${...}: template text continues
				templates = templates[:len(templates)-1]
				i = skipTemplateText(i + 1)
				if i < len(src) && src[i] == '$' {
					templates = append(templates, depth)
					if err := open(i); err != nil {
						return line, col, err
					}
					i++
				} else {
					lit = true
				}
			}
		}
		if isIdentByte(c) {
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			prevWord = src[i:j]
			i = j - 1
		}
		if lit || i >= len(src) {
			prevSig = ')'
		} else {
			prevSig = src[i]
		}
	}
	return 0, 0, nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
