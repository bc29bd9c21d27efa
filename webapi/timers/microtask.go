package timers

import (
	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
)

// microtaskProgram builds queueMicrotask. It is written in JavaScript so that
// the callback runs from a promise job without crossing back into Go (goja
// drains the job queue re-entrantly when Go calls JS from inside a job, which
// would reorder microtasks). `await undefined` queues exactly one job through
// the engine's internal PerformPromiseThen, so no user-replaceable built-in
// (Promise.prototype.then, species) is consulted, and the request context is
// carried to the callback like any await continuation.
var microtaskProgram = goja.MustCompile("workerhost:queueMicrotask", `(function (report, notCallable) {
  "use strict";
  async function run(callback) {
    await undefined;
    try {
      callback();
    } catch (e) {
      report(e);
    }
  }
  const queueMicrotask = (callback) => {
    if (typeof callback !== "function") {
      notCallable();
    }
    run(callback);
  };
  return queueMicrotask;
})`, true)

func installMicrotask(r *realm.Realm) {
	vm := r.VM()
	mk, err := vm.RunProgram(microtaskProgram)
	if err != nil {
		panic(err)
	}
	build, _ := goja.AssertFunction(mk)
	report := r.Func("reportException", 1, func(call goja.FunctionCall) goja.Value {
		ReportException(r, r.Current(), call.Argument(0), "queueMicrotask")
		return goja.Undefined()
	})
	// The TypeError is made in Go: naming TypeError in the script would make
	// goja build that constructor for every realm.
	notCallable := r.Func("notCallable", 0, func(goja.FunctionCall) goja.Value {
		panic(r.NewTypeError("queueMicrotask(): parameter 1 (callback) is not a function"))
	})
	qm, err := build(goja.Undefined(), report, notCallable)
	if err != nil {
		panic(err)
	}
	r.DefineGlobal("queueMicrotask", qm)
}
