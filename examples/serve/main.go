// Command serve runs one service-worker script as an HTTP server.
//
//	go run ./examples/serve                          # the embedded hello script on 127.0.0.1:8080
//	go run ./examples/serve -script worker.js -addr 127.0.0.1:9000
//
// Every limit and option of the runtime has a flag; -h lists them.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/workerhost/workerhost/fetch"
	"github.com/workerhost/workerhost/limits"
	"github.com/workerhost/workerhost/runtime"
)

//go:embed hello.js
var helloJS string

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	d := limits.Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	script := fs.String("script", "", "service-worker script to serve (default: an embedded hello script)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	name := fs.String("name", "", "routine name used in logs (default: the script's base name, or \"hello\")")
	origin := fs.String("origin", "", "origin URL for requests the script does not answer and for passThroughOnException (default: none, 502)")
	isolates := fs.Int("isolates", 0, "most isolates (JS VMs) serving the routine (default GOMAXPROCS)")
	debug := fs.Bool("debug", false, "include JS error stacks in 500 responses")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	cpu := fs.Duration("cpu-time", d.CPUTime, "CPU time per request (EdgeRoutine presets: 5ms, 50ms, 100ms)")
	initCPU := fs.Duration("init-cpu-time", d.InitCPUTime, "CPU time for static initialization")
	wall := fs.Duration("wall-time", d.WallTime, "wall time per request, including waitUntil work")
	gateway := fs.Duration("gateway-timeout", d.GatewayTimeout, "time to response headers before the client gets 504")
	memory := fs.Int64("memory", d.Memory, "memory per routine in bytes")
	codeSize := fs.Int("code-size", d.CodeSize, "largest script in bytes")
	subreq := fs.Int("subrequests", d.Subrequests, "fetch() calls per request")
	stack := fs.Int("max-call-stack", d.MaxCallStackSize, "JS call depth before a RangeError")
	nesting := fs.Int("max-nesting", d.MaxNesting, "deepest bracket nesting a script's source may have")
	conc := fs.Int("max-concurrent-per-isolate", d.MaxConcurrentPerIsolate, "requests in flight on one isolate before requests queue")
	queue := fs.Int("max-queue", d.MaxQueue, "requests waiting for an isolate before clients get 503")
	maxAlloc := fs.Int64("max-allocation", 0, "largest single allocation by one built-in call, in bytes (default memory/2)")
	hosts := fs.String("hosts", "", "comma-separated domain names this routine serves (fetch() to them goes to -origin)")
	allowedHosts := fs.String("allowed-hosts", "", "comma-separated hosts fetch() may reach (exact, *.domain, IP or CIDR; default any public host)")
	allowPrivate := fs.Bool("allow-private", false, "let fetch() reach loopback and private network addresses (SSRF guard off)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	opts := runtime.Options{
		Name: *name, Isolates: *isolates, Logger: logger, Debug: *debug,
		Limits: limits.Limits{
			CPUTime: *cpu, InitCPUTime: *initCPU, WallTime: *wall, GatewayTimeout: *gateway,
			Memory: *memory, CodeSize: *codeSize, Subrequests: *subreq, MaxCallStackSize: *stack, MaxNesting: *nesting,
			MaxConcurrentPerIsolate: *conc, MaxQueue: *queue, MaxAllocation: *maxAlloc,
		},
		Hosts: splitList(*hosts),
		Fetch: fetch.Config{AllowedHosts: splitList(*allowedHosts), AllowPrivate: *allowPrivate},
	}
	if *origin != "" {
		u, err := url.Parse(*origin)
		if err != nil || u.Host == "" {
			return fmt.Errorf("-origin: not an absolute URL: %q", *origin)
		}
		opts.Origin = httputil.NewSingleHostReverseProxy(u)
	}
	var rt *runtime.Routine
	var err error
	if *script == "" {
		if opts.Name == "" {
			opts.Name = "hello"
		}
		rt, err = runtime.New(helloJS, opts)
	} else {
		rt, err = runtime.LoadFile(*script, opts)
	}
	if err != nil {
		return err
	}
	defer rt.Close()
	srv := &http.Server{Addr: *addr, Handler: rt, ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("serving", "routine", rt.Name(), "addr", "http://"+*addr)
	select {
	case err := <-errc:
		return err
	case <-stop:
		return srv.Close()
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
