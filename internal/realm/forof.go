package realm

import (
	"reflect"
	"regexp"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/token"
	"github.com/dop251/goja/unistring"
)

// for-of over arrays.
//
// goja runs `for (const x of array)` through the iterator protocol: every
// step calls %ArrayIteratorPrototype%.next, which allocates a result object
// with two properties, inside a try frame. Over a 100-element array that is
// about 600 allocations and half the CPU of a small JSON API handler. For
// an Array whose iteration nobody has customised, the protocol is
// observably the same as an index loop (ArrayIterator reads `length` and
// then the element, once per step, and has no `return` method), so
// ParseScript gives such loops a second, indexed body:
//
//	L: for (const|let BINDING of SRC) BODY
//
// becomes, in the AST (the source text and every position are unchanged),
//
//	{ const T = SRC;
//	  if (F(T)) L: for (let I = 0; I < T.length; I++) { const|let BINDING = T[I]; BODY }
//	  else L: for (const|let BINDING of T) BODY }
//
// where F (a hidden native) is true for an Array (not a Proxy) whose
// prototype is the realm's Array.prototype, whose Symbol.iterator is the
// original Array.prototype.values and while %ArrayIteratorPrototype%.next
// is the original. T, I and F have names that are not identifiers, so
// scripts cannot see them.
//
// Only loops that are cheap and safe to duplicate are rewritten: the
// binding is let or const; the loop contains no other for-of (so bodies
// are duplicated once at most) and no function, class or var declaration
// (their hoisting is per declaration node); and SRC names none of the
// bound names (in a real for-of those are in their TDZ while SRC runs).

const (
	forOfHelperName = "workerhost array for-of"
	forOfArrayName  = "workerhost array"
	forOfIndexName  = "workerhost index"
)

// mayHaveLetConstForOf is a cheap filter: sources without a let/const
// for-of are not walked.
var mayHaveLetConstForOf = regexp.MustCompile(`\bfor\s*\(\s*(?:const|let)\b[^;]*?\bof\b`)

var statementType = reflect.TypeOf((*ast.Statement)(nil)).Elem()

// lowerArrayForOf rewrites the eligible for-of loops of prog in place.
func lowerArrayForOf(src string, prog *ast.Program) {
	if !mayHaveLetConstForOf.MatchString(src) {
		return
	}
	rewriteStatements(reflect.ValueOf(prog).Elem())
}

// rewriteStatements walks v, replacing each eligible for-of statement
// (with the labels directly on it) held in a field or slice of type
// ast.Statement.
func rewriteStatements(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Type() == statementType && v.CanSet() {
			if st, ok := lowerForOfStatement(v.Interface().(ast.Statement)); ok {
				v.Set(reflect.ValueOf(st))
				return
			}
		}
		rewriteStatements(v.Elem())
	case reflect.Pointer:
		if !v.IsNil() {
			rewriteStatements(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			rewriteStatements(v.Index(i))
		}
	case reflect.Struct:
		for _, i := range nodeFields(v.Type()) {
			rewriteStatements(v.Field(i))
		}
	}
}

// lowerForOfStatement returns the rewritten form of st when st is an
// eligible for-of statement, possibly labelled.
func lowerForOfStatement(st ast.Statement) (ast.Statement, bool) {
	var labels []*ast.LabelledStatement
	inner := st
	for {
		ls, ok := inner.(*ast.LabelledStatement)
		if !ok {
			break
		}
		labels = append(labels, ls)
		inner = ls.Statement
	}
	fo, ok := inner.(*ast.ForOfStatement)
	if !ok {
		return nil, false
	}
	decl, ok := fo.Into.(*ast.ForDeclaration)
	if !ok || !duplicable(fo) || sharesNames(decl.Target, fo.Source) {
		return nil, false
	}
	at := fo.For
	id := func(name string) *ast.Identifier { return &ast.Identifier{Name: unistring.String(name), Idx: at} }
	kind := token.LET
	if decl.IsConst {
		kind = token.CONST
	}
	withLabels := func(s ast.Statement) ast.Statement {
		for i := len(labels) - 1; i >= 0; i-- {
			s = &ast.LabelledStatement{Label: labels[i].Label, Colon: labels[i].Colon, Statement: s}
		}
		return s
	}
	indexed := &ast.ForStatement{
		For: at,
		Initializer: &ast.ForLoopInitializerLexicalDecl{LexicalDeclaration: ast.LexicalDeclaration{
			Idx: at, Token: token.LET,
			List: []*ast.Binding{{Target: id(forOfIndexName), Initializer: &ast.NumberLiteral{Idx: at, Literal: "0", Value: int64(0)}}},
		}},
		Test: &ast.BinaryExpression{
			Operator:   token.LESS,
			Left:       id(forOfIndexName),
			Right:      &ast.DotExpression{Left: id(forOfArrayName), Identifier: ast.Identifier{Name: "length", Idx: at}},
			Comparison: true,
		},
		Update: &ast.UnaryExpression{Operator: token.INCREMENT, Idx: at, Operand: id(forOfIndexName), Postfix: true},
		Body: &ast.BlockStatement{LeftBrace: at, RightBrace: at, List: []ast.Statement{
			&ast.LexicalDeclaration{Idx: at, Token: kind, List: []*ast.Binding{{
				Target:      decl.Target,
				Initializer: &ast.BracketExpression{Left: id(forOfArrayName), Member: id(forOfIndexName), LeftBracket: at, RightBracket: at},
			}}},
			fo.Body,
		}},
	}
	generic := &ast.ForOfStatement{For: fo.For, Into: fo.Into, Source: id(forOfArrayName), Body: fo.Body}
	return &ast.BlockStatement{LeftBrace: at, RightBrace: at, List: []ast.Statement{
		&ast.LexicalDeclaration{Idx: at, Token: token.CONST, List: []*ast.Binding{{Target: id(forOfArrayName), Initializer: fo.Source}}},
		&ast.IfStatement{
			If:         at,
			Test:       &ast.CallExpression{Callee: id(forOfHelperName), LeftParenthesis: at, ArgumentList: []ast.Expression{id(forOfArrayName)}, RightParenthesis: at},
			Consequent: withLabels(indexed),
			Alternate:  withLabels(generic),
		},
	}}, true
}

// duplicable reports whether fo's body may be compiled twice: it holds no
// other for-of and no declaration that is hoisted per node.
func duplicable(fo *ast.ForOfStatement) bool {
	ok := true
	inspect(reflect.ValueOf(fo.Body), nil, func(n ast.Node, _ []ast.Node) bool {
		switch n.(type) {
		case *ast.ForOfStatement, *ast.FunctionDeclaration, *ast.ClassDeclaration, *ast.VariableStatement, *ast.VariableDeclaration:
			ok = false
		}
		return ok
	})
	return ok
}

// sharesNames reports whether the source expression names an identifier
// that also appears in the binding (over-approximated: any identifier).
func sharesNames(target ast.BindingTarget, src ast.Expression) bool {
	names := map[unistring.String]bool{}
	inspect(reflect.ValueOf(target), nil, func(n ast.Node, _ []ast.Node) bool {
		if id, ok := n.(*ast.Identifier); ok {
			names[id.Name] = true
		}
		return true
	})
	shared := false
	inspect(reflect.ValueOf(src), nil, func(n ast.Node, _ []ast.Node) bool {
		if id, ok := n.(*ast.Identifier); ok && names[id.Name] {
			shared = true
		}
		return !shared
	})
	return shared
}

// installArrayForOf defines the hidden helper F of the lowering above.
func (r *Realm) installArrayForOf() {
	vm := r.vm
	arrayProto, _ := vm.Get("Array").(*goja.Object).Get("prototype").(*goja.Object)
	values := arrayProto.GetSymbol(goja.SymIterator)
	valuesFn, _ := goja.AssertFunction(values)
	it, err := valuesFn(vm.NewArray())
	if err != nil {
		panic(err)
	}
	iterProto := it.(*goja.Object).Prototype()
	next := iterProto.Get("next")
	plain := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		o, ok := call.Argument(0).(*goja.Object)
		fast := ok && o.ClassName() == "Array" && o.Prototype() == arrayProto &&
			o.GetSymbol(goja.SymIterator) == values && iterProto.Get("next") == next
		return vm.ToValue(fast)
	})
	_ = vm.GlobalObject().DefineDataProperty(forOfHelperName, plain, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}
