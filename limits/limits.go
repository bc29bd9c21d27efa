// Package limits defines the budgets a routine runs under — CPU time, wall
// time, gateway wait, memory, code size, subrequests, call depth and
// concurrency — with EdgeRoutine's defaults, and the errors reported when
// one is exceeded. The runtime enforces them.
package limits

import (
	"errors"
	"time"
)

// Limits are the budgets of one routine. A zero field means "use the
// default" (see Defaults); use a negative value to disable a budget where
// the field's doc allows it.
type Limits struct {
	// CPUTime is the JS execution time one request may use, counted per
	// task on the isolate's loop (I/O waits excluded). EdgeRoutine offers
	// 5, 50 and 100 ms. Default 50 ms.
	CPUTime time.Duration
	// InitCPUTime bounds static initialization. Default 50 ms.
	InitCPUTime time.Duration
	// WallTime bounds a request's whole life, including I/O and waitUntil
	// work after the response. Default 120 s.
	WallTime time.Duration
	// GatewayTimeout is the longest a client waits for response headers
	// before it gets 504. Default 10 s.
	GatewayTimeout time.Duration
	// Memory bounds the memory of a routine's isolates on this host, in
	// bytes. Default 128 MB.
	Memory int64
	// MaxAllocation bounds what one built-in call may allocate (a string
	// from repeat/padStart/join, an ArrayBuffer, a typed array): beyond it
	// the call throws a RangeError. Default Memory/2.
	MaxAllocation int64
	// CodeSize bounds the script size in bytes. Default 4 MB.
	CodeSize int
	// Subrequests bounds fetch() calls per request. Default 50.
	Subrequests int
	// MaxCallStackSize bounds JS call depth: a deeper call throws a catchable
	// RangeError ("Maximum call stack size exceeded"), as in V8. Default 4000.
	MaxCallStackSize int
	// MaxNesting bounds how deeply a script's source may nest brackets and
	// template substitutions; deeper sources fail to load (goja's parser
	// recurses on the Go stack per level). Default 10,000.
	MaxNesting int
	// MaxConcurrentPerIsolate bounds requests in flight on one isolate;
	// more wait in a queue. Default 256.
	MaxConcurrentPerIsolate int
	// MaxQueue bounds requests waiting for an isolate; beyond it clients
	// get 503. Default 1024.
	MaxQueue int
}

// Defaults returns EdgeRoutine's budgets.
func Defaults() Limits {
	return Limits{
		CPUTime:                 50 * time.Millisecond,
		InitCPUTime:             50 * time.Millisecond,
		WallTime:                120 * time.Second,
		GatewayTimeout:          10 * time.Second,
		Memory:                  128 << 20,
		CodeSize:                4 << 20,
		Subrequests:             50,
		MaxCallStackSize:        4000,
		MaxNesting:              10000,
		MaxConcurrentPerIsolate: 256,
		MaxQueue:                1024,
	}
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	d := Defaults()
	l.CPUTime = orDefault(l.CPUTime, d.CPUTime)
	l.InitCPUTime = orDefault(l.InitCPUTime, d.InitCPUTime)
	l.WallTime = orDefault(l.WallTime, d.WallTime)
	l.GatewayTimeout = orDefault(l.GatewayTimeout, d.GatewayTimeout)
	l.Memory = orDefault(l.Memory, d.Memory)
	l.MaxAllocation = orDefault(l.MaxAllocation, l.Memory/2)
	l.CodeSize = orDefault(l.CodeSize, d.CodeSize)
	l.Subrequests = orDefault(l.Subrequests, d.Subrequests)
	l.MaxCallStackSize = orDefault(l.MaxCallStackSize, d.MaxCallStackSize)
	l.MaxNesting = orDefault(l.MaxNesting, d.MaxNesting)
	l.MaxConcurrentPerIsolate = orDefault(l.MaxConcurrentPerIsolate, d.MaxConcurrentPerIsolate)
	l.MaxQueue = orDefault(l.MaxQueue, d.MaxQueue)
	return l
}

// orDefault returns v, or def when v is the zero value.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Errors reported when a budget is exceeded; match them with errors.Is.
var (
	ErrCPUTime        = errors.New("CPU time limit exceeded")
	ErrInitCPUTime    = errors.New("static initialization CPU time limit exceeded")
	ErrWallTime       = errors.New("wall time limit exceeded")
	ErrGatewayTimeout = errors.New("gateway timeout: no response headers in time")
	ErrMemory         = errors.New("memory limit exceeded")
	ErrCodeSize       = errors.New("script exceeds the code size limit")
	ErrSubrequests    = errors.New("subrequest limit exceeded")
	ErrQueueFull      = errors.New("too many requests waiting for an isolate")
)
