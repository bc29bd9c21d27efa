package realm

import (
	"reflect"
	"runtime"
	"unsafe"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/unistring"
)

// Catchable stack overflow.
//
// goja stops runaway recursion at its call-stack limit with a
// *goja.StackOverflowError, which is uncatchable: it unwinds every JS frame
// and no try/catch sees it. Scripts written for V8 expect a catchable
// RangeError ("Maximum call stack size exceeded"). So the routine's script
// is instrumented at compile time (InstrumentStackChecks): every function
// body starts with a call to a hidden global native that throws that
// RangeError when the VM's call depth exceeds the realm's limit. goja's own
// limit is set higher (StackOverflowSlack frames more) and stays as the
// backstop for code that is not instrumented (eval, new Function, host JS).
//
// The instrumentation edits the parsed AST, not the source text, so line
// and column numbers, Function.prototype.toString and source maps are
// unchanged. The hidden global's name is not an identifier, so script code
// cannot name, shadow or replace it (it is also non-writable and
// non-configurable).
//
// goja does not expose the call depth; callDepth reads the length of its
// internal call stack through offsets found by reflection when the package
// is initialised. If a goja upgrade renames those fields, stackGuardOK is
// false, the check is not installed and recursion is again stopped only by
// the uncatchable backstop (TestStackGuardFindsGojaCallStack fails first).

// stackGuardName is the global the instrumented code calls.
const stackGuardName = "workerhost stack check"

// StackOverflowSlack is how many frames past the catchable limit goja's
// uncatchable backstop allows (room for catch handlers and host natives).
const StackOverflowSlack = 1000

var vmOffset, callStackOffset, stackGuardOK = func() (uintptr, uintptr, bool) {
	f, ok := reflect.TypeOf(goja.Runtime{}).FieldByName("vm")
	if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
		return 0, 0, false
	}
	g, ok := f.Type.Elem().FieldByName("callStack")
	if !ok || g.Type.Kind() != reflect.Slice {
		return 0, 0, false
	}
	return f.Offset, g.Offset, true
}()

// callDepth returns the number of frames on vm's call stack.
func callDepth(vm *goja.Runtime) int {
	p := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(vm), vmOffset))
	return len(*(*[]struct{})(unsafe.Add(p, callStackOffset)))
}

// installStackGuard defines the hidden global and sets goja's backstop.
func (r *Realm) installStackGuard(limit int) {
	if !stackGuardOK {
		r.vm.SetMaxCallStackSize(limit)
		return
	}
	r.vm.SetMaxCallStackSize(limit + StackOverflowSlack)
	rangeError, _ := r.vm.GlobalObject().Get("RangeError").(*goja.Object)
	goFrames := goFramesPerJSFrame * limit
	var calls uint
	check := func(call goja.FunctionCall) goja.Value {
		calls++
		if callDepth(r.vm) > limit || calls%goStackSampleEvery == 0 && goStackDeeper(goFrames) {
			o, err := r.vm.New(rangeError, r.vm.ToValue("Maximum call stack size exceeded"))
			if err != nil {
				panic(err)
			}
			panic(o)
		}
		return goja.Undefined()
	}
	_ = r.vm.GlobalObject().DefineDataProperty(stackGuardName, r.vm.ToValue(check), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

// Some recursion deepens the Go stack without deepening goja's call stack
// (a generator delegating with yield* to a new generator of itself runs each
// level inside the previous one's next()). Go aborts the whole process when a
// goroutine's stack passes 1 GB, so the check also samples the loop
// goroutine's Go stack depth: every goStackSampleEvery calls it asks whether
// the stack is deeper than goFramesPerJSFrame frames per allowed JS frame
// (32,000 Go frames, about 15 MB of stack, for the default limit of 4,000;
// legitimate recursion through host natives reaches about 3 Go frames per JS
// frame). runtime.Callers costs well under a microsecond on the shallow
// stacks of normal code, so the sampling adds little per call.
const (
	goFramesPerJSFrame = 8
	goStackSampleEvery = 128
)

// goStackDeeper reports whether the calling goroutine's stack has more than
// n frames.
func goStackDeeper(n int) bool {
	var pc [1]uintptr
	return runtime.Callers(n, pc[:]) > 0
}

// InstrumentStackChecks makes recursion in prog throw a catchable RangeError
// in realms (see the comment above): it inserts a call of the stack check at
// the start of every function body (after its directive prologue; arrow
// functions only when they call something) and wraps concise arrow bodies as
// (check(), expression). Compile prog with
// goja.CompileAST afterwards.
func InstrumentStackChecks(prog *ast.Program) {
	if !stackGuardOK || prog == nil {
		return
	}
	// A lowered for-of shares its body between two loops (forof.go):
	// each function is instrumented once.
	seen := map[ast.Node]bool{}
	inspect(reflect.ValueOf(prog), nil, func(n ast.Node, _ []ast.Node) bool {
		switch n.(type) {
		case *ast.FunctionLiteral, *ast.ArrowFunctionLiteral:
			if seen[n] {
				return false
			}
			seen[n] = true
		}
		switch n := n.(type) {
		case *ast.FunctionLiteral:
			instrumentBlock(n.Body)
		case *ast.ArrowFunctionLiteral:
			if !callsAnything(n.Body) && !callsAnything(n.ParameterList) {
				break
			}
			switch b := n.Body.(type) {
			case *ast.BlockStatement:
				instrumentBlock(b)
			case *ast.ExpressionBody:
				b.Expression = &ast.SequenceExpression{Sequence: []ast.Expression{stackCheckCall(b.Expression.Idx0()), b.Expression}}
			}
		}
		return true
	})
}

func stackCheckCall(at file.Idx) *ast.CallExpression {
	return &ast.CallExpression{
		Callee:           &ast.Identifier{Name: unistring.String(stackGuardName), Idx: at},
		LeftParenthesis:  at,
		RightParenthesis: at,
	}
}

func instrumentBlock(body *ast.BlockStatement) {
	if body == nil {
		return
	}
	insertAfterPrologue(body, &ast.ExpressionStatement{Expression: stackCheckCall(body.LeftBrace)})
}

// insertAfterPrologue inserts stmt into body after its directive prologue
// ("use strict" must stay first).
func insertAfterPrologue(body *ast.BlockStatement, stmt ast.Statement) {
	n := 0
	for n < len(body.List) {
		es, ok := body.List[n].(*ast.ExpressionStatement)
		if !ok {
			break
		}
		if _, ok := es.Expression.(*ast.StringLiteral); !ok {
			break
		}
		n++
	}
	body.List = append(body.List, nil)
	copy(body.List[n+1:], body.List[n:])
	body.List[n] = stmt
}

// callsAnything reports whether the code under n, outside nested functions,
// calls a function explicitly (call, new, tagged template, yield*). Arrow
// functions that do not are left uninstrumented: alone they cannot recurse,
// and most small callbacks (x => x.id, (a, b) => a - b) are such leaves. An
// arrow can still recurse implicitly (as a getter or Proxy trap defined
// with defineProperty: get: () => o.x); goja's uncatchable limit stops that.
// Functions and methods are always instrumented: the classic accidental
// recursion, set name(v) { this.name = v }, calls nothing explicitly.
func callsAnything(n ast.Node) bool {
	found := false
	inspect(reflect.ValueOf(n), nil, func(m ast.Node, _ []ast.Node) bool {
		if found {
			return false
		}
		switch m := m.(type) {
		case *ast.CallExpression, *ast.NewExpression:
			found = true
		case *ast.TemplateLiteral:
			found = m.Tag != nil
		case *ast.YieldExpression:
			found = m.Delegate
		case *ast.FunctionLiteral, *ast.ArrowFunctionLiteral:
			return false
		}
		return !found
	})
	return found
}
