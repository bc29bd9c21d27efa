package structuredclone_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

// token is a Transferable host object for these tests.
type token struct {
	realm.Host
	name      string
	detached  bool
	prepared  int
	committed int
}

func (t *token) TransferDetached() bool { return t.detached }

func (t *token) PrepareTransfer(r *realm.Realm) (*goja.Object, func()) {
	t.prepared++
	clone := &token{name: t.name + "'"}
	o := r.VM().NewDynamicObject(clone)
	return o, func() {
		t.committed++
		t.detached = true
	}
}

var _ structuredclone.Transferable = (*token)(nil)

func TestTransferableHook(t *testing.T) {
	e := newEnv(t)
	var a, b *token
	e.Do(func() {
		vm := e.R.VM()
		a, b = &token{name: "a"}, &token{name: "b"}
		_ = vm.Set("a", vm.NewDynamicObject(a))
		_ = vm.Set("b", vm.NewDynamicObject(b))
		_ = vm.Set("nameOf", func(v goja.Value) string {
			tk, ok := realm.Unwrap[*token](v)
			if !ok {
				return "not a token"
			}
			return tk.name
		})
		_ = vm.Set("detach", func() { b.detached = true })
	})
	// References inside the value become the prepared objects; the commit
	// runs once the clone has succeeded.
	check(t, e, `
		const out = structuredClone({ x: a, y: [a] }, { transfer: [a] });
		eq(nameOf(out.x), "a'", "prepared object");
		eq(out.x, out.y[0], "one object per transferable");
	`)
	require.Equal(t, 1, a.prepared)
	require.Equal(t, 1, a.committed)

	// A detached transferable cannot be transferred again.
	r := e.Run(`structuredClone(a, { transfer: [a] })`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Contains(t, r.Err, "at index 0 of the transfer list is detached")

	// A failed clone commits nothing.
	r = e.Run(`structuredClone({ b, f() {} }, { transfer: [b] })`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Equal(t, 1, b.prepared)
	require.Equal(t, 0, b.committed)

	// Nor does one during which the transferable was detached.
	r = e.Run(`structuredClone({ get x() { detach(); return 1; } }, { transfer: [b] })`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Contains(t, r.Err, "was detached while the value was being cloned")
	require.Equal(t, 0, b.committed)

	// Duplicates are refused, and nothing is committed.
	e.Do(func() { b.detached = false })
	r = e.Run(`structuredClone(1, { transfer: [b, b] })`)
	require.Equal(t, "DataCloneError", r.Name)
	require.Contains(t, r.Err, "at index 1 of the transfer list is listed more than once")
	require.Equal(t, 0, b.committed)
}
