// Package runtime runs service-worker scripts: a Routine is one compiled
// script plus its configuration, served by a pool of isolates (a goja VM
// with its own event loop goroutine each), and is an http.Handler.
package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/streams"
)

// Options configure a Routine. The zero value is usable.
type Options struct {
	// Name identifies the routine in logs (default "routine").
	Name string
	// Filename is the script's name in error positions and stacks
	// (default Name + ".js").
	Filename string
	// Isolates is the most isolates (VMs) serving the routine; they are
	// created on demand. Default runtime.GOMAXPROCS(0).
	Isolates int
	// Origin serves requests the script does not answer: when no listener
	// calls respondWith, and after an uncaught error once the script has
	// called passThroughOnException. Default: a 502 saying no origin is
	// configured.
	Origin http.Handler
	// Logger receives console output and errors (default slog.Default()).
	Logger *slog.Logger
	// Debug puts JS error stacks in 500 responses (never in production).
	Debug bool
	// Limits are the budgets; zero fields take EdgeRoutine's defaults.
	Limits limits.Limits
	// Hosts are the domain names this routine serves. fetch() to them goes
	// to Origin in-process, and other routines in the process may not
	// fetch them (the loop guard, via Registry).
	Hosts []string
	// Fetch configures outbound fetch(): transport, allowlist, SSRF guard,
	// hooks. Its RoutineName, OwnHosts, Subrequests (from Limits), Origin
	// (from Origin, when set) and Registry are filled in by New.
	Fetch fetch.Config
	// Registry records which routine serves which host in this process
	// (default: one registry shared by the whole process).
	Registry *fetch.Registry
	// Install, if set, runs on every new isolate after the Web APIs are
	// installed and before the script: embedders add globals here. It
	// runs on the isolate's loop goroutine.
	Install func(vm *goja.Runtime) error
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "routine"
	}
	if o.Filename == "" {
		o.Filename = o.Name + ".js"
	}
	if o.Isolates <= 0 {
		o.Isolates = goruntime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Limits = o.Limits.WithDefaults()
	f := &o.Fetch
	f.RoutineName = o.Name
	if f.Subrequests == 0 {
		f.Subrequests = o.Limits.Subrequests
	}
	if f.Origin == nil && o.Origin != nil {
		f.Origin = o.Origin
	}
	f.OwnHosts = append(f.OwnHosts, o.Hosts...)
	if o.Registry == nil {
		o.Registry = defaultRegistry
	}
	f.Registry = o.Registry
	if o.Origin == nil {
		o.Origin = http.HandlerFunc(noOrigin)
	}
	return o
}

var defaultRegistry = fetch.NewRegistry()

func noOrigin(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "502 Bad Gateway: the routine did not respond and no origin is configured", http.StatusBadGateway)
}

// Errors returned by New; match with errors.Is. A *ScriptError carries
// the position.
var (
	ErrSyntax         = errors.New("syntax error")
	ErrInit           = errors.New("static initialization failed")
	ErrNoFetchHandler = errors.New("the script registers no fetch event listener (call addEventListener('fetch', handler) at top level)")
	ErrClosed         = errors.New("routine is closed")
)

// ScriptError is a load-time error with its position in the script.
type ScriptError struct {
	File         string
	Line, Column int
	Message      string
	Stack        string // JS stack, when the error was thrown
	Err          error  // ErrSyntax, ErrInit, ErrNoFetchHandler or a limits error
}

func (e *ScriptError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Err.Error(), e.Message)
}

func (e *ScriptError) Unwrap() error { return e.Err }

// Routine is a loaded script served by a pool of isolates. It is an
// http.Handler safe for any number of concurrent requests.
type Routine struct {
	opts Options
	prog *goja.Program

	isolates atomic.Pointer[[]*isolate]
	mu       sync.Mutex // guards growth and replacement of the pool
	growing  atomic.Bool
	closed   atomic.Bool
	active   atomic.Int64  // requests admitted and not finished
	waiting  atomic.Int64  // requests queued for admission
	freed    chan struct{} // a token per release while requests wait

	installFetch func(*realm.Realm)
	wg           sync.WaitGroup // isolates' loops
}

// New compiles source, creates the first isolate (running the script's
// static initialization there) and returns the routine. Errors carry
// file:line:column (*ScriptError) or are limits errors (errors.Is).
func New(source string, opts Options) (rt *Routine, err error) {
	opts = opts.withDefaults()
	defer func() {
		// goja's parser can panic on some inputs; a script must never take
		// the host down.
		if p := recover(); p != nil {
			rt, err = nil, &ScriptError{File: opts.Filename, Line: 1, Column: 1, Message: fmt.Sprint(p), Err: ErrSyntax}
		}
	}()
	if len(source) > opts.Limits.CodeSize {
		return nil, fmt.Errorf("%s: %w (%d bytes > %d)", opts.Filename, limits.ErrCodeSize, len(source), opts.Limits.CodeSize)
	}
	if line, col, err := checkNesting(source, opts.Limits.MaxNesting); err != nil {
		return nil, &ScriptError{File: opts.Filename, Line: line, Column: col, Message: err.Error(), Err: ErrSyntax}
	}
	ast, err := realm.ParseScript(opts.Filename, source) // lowers for await and async generators
	if err != nil {
		return nil, compileError(opts.Filename, err)
	}
	realm.InstrumentStackChecks(ast) // deep recursion → catchable RangeError
	prog, err := goja.CompileAST(ast, false)
	if err != nil {
		return nil, compileError(opts.Filename, err)
	}
	// Process-wide, once: not charged to the first request that uses streams.
	if err := streams.Precompile(); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	rt = &Routine{opts: opts, prog: prog, freed: make(chan struct{}, opts.Limits.MaxQueue)}
	rt.installFetch = fetch.Installer(opts.Fetch)
	if len(opts.Hosts) > 0 {
		if err := opts.Registry.Register(opts.Name, opts.Hosts...); err != nil {
			return nil, err
		}
	}
	iso, err := rt.newIsolate()
	if err != nil {
		if len(opts.Hosts) > 0 {
			opts.Registry.Unregister(opts.Name)
		}
		return nil, err
	}
	rt.isolates.Store(&[]*isolate{iso})
	return rt, nil
}

// LoadFile reads a script file and calls New with Filename set to its
// base name (and Name too, when empty).
func LoadFile(path string, opts Options) (*Routine, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	if opts.Filename == "" {
		opts.Filename = base
	}
	if opts.Name == "" {
		opts.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return New(string(src), opts)
}

func compileError(file string, err error) error {
	se := &ScriptError{File: file, Line: 1, Column: 1, Message: err.Error(), Err: ErrSyntax}
	var pl parser.ErrorList
	var pe *parser.Error
	if errors.As(err, &pl) && len(pl) > 0 {
		pe = pl[0]
	} else {
		errors.As(err, &pe)
	}
	if pe != nil {
		se.Message = pe.Message
		if pe.Position.Line > 0 {
			se.Line, se.Column = pe.Position.Line, pe.Position.Column
		}
		return se
	}
	var ce *goja.CompilerSyntaxError
	if errors.As(err, &ce) {
		se.Message = ce.Message
		if ce.File != nil {
			p := ce.File.Position(ce.Offset)
			se.Line, se.Column = p.Line, p.Column
		}
	}
	return se
}

// Name returns the routine's name.
func (rt *Routine) Name() string { return rt.opts.Name }

// Options returns the routine's options with defaults applied.
func (rt *Routine) Options() Options { return rt.opts }

// Isolates returns how many isolates serve the routine now.
func (rt *Routine) Isolates() int {
	if p := rt.isolates.Load(); p != nil {
		return len(*p)
	}
	return 0
}

// InFlight returns how many requests are being handled (including those
// whose waitUntil work or streamed body is still running).
func (rt *Routine) InFlight() int { return int(rt.active.Load()) }

// Close stops every isolate after the requests in flight end (their
// contexts are cancelled). It waits for the loops to exit.
func (rt *Routine) Close() error {
	rt.mu.Lock()
	if !rt.closed.CompareAndSwap(false, true) {
		rt.mu.Unlock()
		return nil
	}
	isos := *rt.isolates.Load()
	rt.mu.Unlock()
	for _, iso := range isos {
		iso.shutdown(ErrClosed)
	}
	rt.wg.Wait()
	if len(rt.opts.Hosts) > 0 {
		rt.opts.Registry.Unregister(rt.opts.Name)
	}
	return nil
}

// admit waits until fewer than Isolates × MaxConcurrentPerIsolate requests
// are in flight. At most MaxQueue requests wait; beyond that, or when the
// client leaves or deadline fires first, it fails.
func (rt *Routine) admit(done <-chan struct{}, deadline <-chan time.Time) error {
	capacity := int64(rt.opts.Isolates * rt.opts.Limits.MaxConcurrentPerIsolate)
	queued := false
	defer func() {
		if queued {
			rt.waiting.Add(-1)
		}
	}()
	for {
		n := rt.active.Load()
		if n < capacity {
			if rt.active.CompareAndSwap(n, n+1) {
				return nil
			}
			continue
		}
		if !queued {
			if rt.waiting.Add(1) > int64(rt.opts.Limits.MaxQueue) {
				rt.waiting.Add(-1)
				return limits.ErrQueueFull
			}
			queued = true
		}
		select {
		case <-rt.freed:
		case <-done:
			return errClientGone
		case <-deadline:
			return limits.ErrGatewayTimeout
		}
	}
}

var errClientGone = errors.New("the client closed the connection")

// leave releases an admission slot and wakes a queued request.
func (rt *Routine) leave() {
	rt.active.Add(-1)
	if rt.waiting.Load() > 0 {
		select {
		case rt.freed <- struct{}{}:
		default:
		}
	}
}

// pick returns the least-loaded live isolate, growing the pool in the
// background when every isolate is busy.
func (rt *Routine) pick() *isolate {
	isos := *rt.isolates.Load()
	if len(isos) == 0 {
		// Every isolate was retired and the replacement is not ready.
		rt.grow()
		return nil
	}
	best := isos[0]
	bestN := best.inflight.Load()
	for _, iso := range isos[1:] {
		if n := iso.inflight.Load(); n < bestN {
			best, bestN = iso, n
		}
	}
	if bestN > 0 && len(isos) < rt.opts.Isolates && !rt.closed.Load() {
		rt.grow()
	}
	return best
}

// spawn runs f on a new goroutine that Close waits for; after Close has
// begun it does nothing (so no WaitGroup.Add can race with Close's Wait).
func (rt *Routine) spawn(f func()) {
	rt.mu.Lock()
	if rt.closed.Load() {
		rt.mu.Unlock()
		return
	}
	rt.wg.Add(1)
	rt.mu.Unlock()
	go func() {
		defer rt.wg.Done()
		f()
	}()
}

func (rt *Routine) grow() {
	if !rt.growing.CompareAndSwap(false, true) {
		return
	}
	rt.spawn(func() {
		defer rt.growing.Store(false)
		iso, err := rt.newIsolate()
		if err != nil {
			rt.opts.Logger.Error("workerhost: creating an isolate failed", "routine", rt.opts.Name, "error", err)
			return
		}
		rt.mu.Lock()
		defer rt.mu.Unlock()
		if rt.closed.Load() {
			iso.shutdown(ErrClosed)
			return
		}
		old := *rt.isolates.Load()
		if len(old) >= rt.opts.Isolates {
			iso.shutdown(ErrClosed)
			return
		}
		next := append(append(make([]*isolate, 0, len(old)+1), old...), iso)
		rt.isolates.Store(&next)
	})
}

// replace swaps a retired isolate for a fresh one so the pool never
// shrinks permanently. The dead isolate leaves the pool at once (nothing
// may keep its VM reachable); while the pool is empty, requests wait for
// the replacement in pick.
func (rt *Routine) replace(dead *isolate) {
	rt.mu.Lock()
	old := *rt.isolates.Load()
	next := make([]*isolate, 0, len(old))
	for _, iso := range old {
		if iso != dead {
			next = append(next, iso)
		}
	}
	rt.isolates.Store(&next)
	rt.mu.Unlock()
	if rt.closed.Load() {
		return
	}
	iso, err := rt.newIsolate()
	if err != nil {
		rt.opts.Logger.Error("workerhost: replacing a retired isolate failed", "routine", rt.opts.Name, "error", err)
		return
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed.Load() {
		iso.shutdown(ErrClosed)
		return
	}
	cur := *rt.isolates.Load()
	if len(cur) >= rt.opts.Isolates {
		iso.shutdown(ErrClosed) // grow() filled the pool meanwhile
		return
	}
	grown := append(append(make([]*isolate, 0, len(cur)+1), cur...), iso)
	rt.isolates.Store(&grown)
}
