package ecma

import "github.com/workerhost/workerhost/internal/realm"

// Float16ArrayCount is the number of Float16Arrays r's Go side knows of.
func Float16ArrayCount(r *realm.Realm) int {
	f := f16Key.Get(r)
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recs)
}
