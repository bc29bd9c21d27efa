package structuredclone

import (
	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// Transferable is implemented by the host objects other than ArrayBuffers
// that a transfer list may hold: platform objects with a [[Detached]]
// internal slot (MessagePort). The package defining the interface
// implements it; structuredClone and Clone then accept its objects in
// transfer lists without depending on that package.
//
// A clone with a transfer list follows StructuredSerializeWithTransfer: each
// Transferable is checked (TransferDetached) and prepared (PrepareTransfer)
// before the value is cloned, so that references to it inside the value
// become the prepared object; once the whole value has been cloned and no
// transferred object has been detached meanwhile, the commit functions run
// in transfer-list order. If the clone fails, no commit runs and the
// prepared objects are dropped.
type Transferable interface {
	realm.HostObject
	// TransferDetached reports the [[Detached]] internal slot: a detached
	// object cannot be transferred (DataCloneError).
	TransferDetached() bool
	// PrepareTransfer returns the object that stands for the transferred
	// one in the clone, and the function that completes the transfer (the
	// transfer steps and the transfer-receiving steps: it detaches the
	// source). It may throw, for example a TypeError when the object
	// belongs to another request.
	PrepareTransfer(r *realm.Realm) (clone *goja.Object, commit func())
}

// TransferList converts v to the transfer list of a postMessage-style
// method, as WebIDL converts a sequence<object> (the iterator protocol; a
// TypeError when v is not iterable or an element is not an object). what
// names the argument in messages ("Failed to execute 'postMessage' on
// 'MessagePort': parameter 2").
func TransferList(r *realm.Realm, v goja.Value, what string) []goja.Value {
	return objectSequence(r, v, what)
}
