package realm

import (
	"reflect"
	"sync"

	"github.com/dop251/goja/ast"
)

// goja/ast has no visitor; inspect finds every node by reflection, so that
// no node type is missed. The stack instrumentation and the async iteration
// lowering both walk with it.

// inspect calls f for every node under v in source order, with the stack
// of its ancestors; f returns false to skip the node's children. The
// declaration lists goja keeps beside the statements are not visited
// (they share nodes with them).
func inspect(v reflect.Value, stack []ast.Node, f func(ast.Node, []ast.Node) bool) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if n, ok := v.Interface().(ast.Node); ok {
				if !f(n, stack) {
					return
				}
				stack = append(stack, n)
			}
		}
		inspect(v.Elem(), stack, f)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			inspect(v.Index(i), stack, f)
		}
	case reflect.Struct:
		for _, i := range nodeFields(v.Type()) {
			inspect(v.Field(i), stack, f)
		}
	}
}

var (
	astPkg       = reflect.TypeOf(ast.Program{}).PkgPath()
	fieldsByType sync.Map // reflect.Type → []int
)

// nodeFields lists the fields of struct type t that may hold AST nodes,
// leaving out the declaration lists goja keeps beside the statements.
func nodeFields(t reflect.Type) []int {
	if f, ok := fieldsByType.Load(t); ok {
		return f.([]int)
	}
	var idx []int
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && f.Name != "DeclarationList" && mayHoldNodes(f.Type) {
			idx = append(idx, i)
		}
	}
	fieldsByType.Store(t, idx)
	return idx
}

func mayHoldNodes(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return t.PkgPath() == astPkg
	case reflect.Pointer:
		return t.Elem().Kind() == reflect.Struct && t.Elem().PkgPath() == astPkg
	case reflect.Slice:
		return mayHoldNodes(t.Elem())
	case reflect.Struct:
		return t.PkgPath() == astPkg
	}
	return false
}
