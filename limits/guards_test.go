package limits_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/limits"
)

func TestGuardsThrowCatchableRangeErrors(t *testing.T) {
	vm := goja.New()
	require.NoError(t, limits.InstallGuards(vm, 1<<20))
	for _, src := range []string{
		`'x'.repeat(2**30)`,
		`'x'.padStart(2**30)`,
		`'x'.padEnd(2**29, 'ab')`,
		`new Array(2**28).join('abc')`,
		`new Array(2**28).fill(0)`,
		`Array.from({length: 2**28})`,
		`new ArrayBuffer(2**31)`,
		`new Uint8Array(2**30)`,
		`new Float64Array(2**20)`,
	} {
		v, err := vm.RunString(`try { ` + src + `; 'no error' } catch (e) { e instanceof RangeError ? 'RangeError' : String(e) }`)
		require.NoError(t, err, src)
		require.Equal(t, "RangeError", v.String(), src)
	}
	// Normal use is unaffected.
	v, err := vm.RunString(`
		const u = new Uint8Array([1, 2, 3]);
		class U extends Uint8Array {}
		[
			'ab'.repeat(3), 'x'.padStart(3, '-'), [1, 2].join('+'), new Array(3).fill(7).join(''),
			Array.from([1, 2]).length, new ArrayBuffer(8).byteLength, u.constructor === Uint8Array,
			u instanceof Uint8Array, new U(2) instanceof U, new U(2) instanceof Uint8Array, Uint8Array.from([1]).length,
			Uint8Array.name, Uint8Array.length,
		].join(',')`)
	require.NoError(t, err)
	require.Equal(t, "ababab,--x,1+2,777,2,8,true,true,true,true,1,Uint8Array,3", v.String())
}
