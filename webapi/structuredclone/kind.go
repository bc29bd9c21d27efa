package structuredclone

import (
	"reflect"

	"github.com/dop251/goja"
)

// kind is what the HTML serialization algorithm sees in an object: which
// internal slots it has. goja does not expose internal slots, and neither
// ClassName nor ExportType tells a WeakMap, a DataView or a Map iterator from
// a plain object, so the kind is read from the dynamic type of the object's
// implementation (the unexported Object.self field: reading a field's type
// through reflect is allowed and allocation-free). TestKinds checks every
// kind, so a goja upgrade that renames these types fails loudly; unknown
// implementations are treated as not serializable.
type kind uint8

const (
	kindOther       kind = iota // not serializable
	kindPlain                   // ordinary object
	kindArray                   // Array exotic object
	kindPrimitive               // Boolean, Number, BigInt or Symbol wrapper
	kindString                  // String wrapper
	kindDate                    // [[DateValue]]
	kindRegExp                  // [[RegExpMatcher]]
	kindError                   // [[ErrorData]]
	kindMap                     // [[MapData]]
	kindSet                     // [[SetData]]
	kindArrayBuffer             // [[ArrayBufferData]]
	kindTypedArray              // [[TypedArrayName]]
	kindDataView                // [[DataView]]
	kindHost                    // Go-backed object (realm.Host)
	kindProxy                   // Proxy exotic object
)

var kindByImpl = map[string]kind{
	"*goja.baseObject":           kindPlain,
	"*goja.templatedObject":      kindPlain, // lazily built built-in objects (Math, prototypes)
	"*goja.guardedObject":        kindPlain, // RegExp.prototype
	"*goja.argumentsObject":      kindPlain,
	"*goja.arrayObject":          kindArray,
	"*goja.sparseArrayObject":    kindArray,
	"*goja.templatedArrayObject": kindArray, // Array.prototype
	"*goja.primitiveValueObject": kindPrimitive,
	"*goja.stringObject":         kindString,
	"*goja.dateObject":           kindDate,
	"*goja.regexpObject":         kindRegExp,
	"*goja.errorObject":          kindError,
	"*goja.mapObject":            kindMap,
	"*goja.setObject":            kindSet,
	"*goja.arrayBufferObject":    kindArrayBuffer,
	"*goja.typedArrayObject":     kindTypedArray,
	"*goja.dataViewObject":       kindDataView,
	"*goja.dynamicObject":        kindHost,
	"*goja.proxyObject":          kindProxy,
}

// selfField is the index of goja.Object's implementation field, or -1.
var selfField = func() int {
	f, ok := reflect.TypeOf(goja.Object{}).FieldByName("self")
	if !ok || f.Type.Kind() != reflect.Interface || len(f.Index) != 1 {
		return -1
	}
	return f.Index[0]
}()

// kindOf classifies o. It never calls into JavaScript.
func kindOf(o *goja.Object) kind {
	if selfField < 0 {
		return kindOther
	}
	impl := reflect.ValueOf(o).Elem().Field(selfField)
	if impl.IsNil() {
		return kindOther
	}
	return kindByImpl[impl.Elem().Type().String()]
}

// implName is the implementation type name (for messages about unknown kinds).
func implName(o *goja.Object) string {
	if selfField < 0 {
		return ""
	}
	impl := reflect.ValueOf(o).Elem().Field(selfField)
	if impl.IsNil() {
		return ""
	}
	return impl.Elem().Type().String()
}
