// Command toolhive-peer runs ToolHive's own Go BackendWatcher (pkg/vmcp/k8s, imported as a module, never copied)
// against one namespace, so the benchmark can compare it with vmcp-watcher in a process of its own.
//
// It speaks the bench's peer protocol: one JSON object per line on stdout, times in epoch milliseconds.
//
//	{"ev":"main","at":…}                  main() entered (the runtime and every package init have run)
//	{"ev":"watcherStart","at":…}          just before BackendWatcher.Start
//	{"ev":"complete","at":…,"count":N}    the registry first holds -expect backends
//	{"ev":"synced","at":…}                WaitForCacheSync returned true
//	{"ev":"seq","at":…,"seq":S}           an Upsert whose backend metadata carries -seq-key (churn)
//	{"ev":"mem","rss":…,"heap":…}         answer to a "mem" line on stdin, after a full GC
//
// A line "quit" on stdin (or EOF) stops the watcher and exits 0.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/stacklok/toolhive/pkg/vmcp"
	vmcpk8s "github.com/stacklok/toolhive/pkg/vmcp/k8s"
)

var out = struct {
	sync.Mutex
	w *bufio.Writer
}{w: bufio.NewWriter(os.Stdout)}

func emit(fields map[string]any) {
	b, _ := json.Marshal(fields)
	out.Lock()
	defer out.Unlock()
	_, _ = out.w.Write(append(b, '\n'))
	_ = out.w.Flush()
}

func epochMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// timedRegistry wraps ToolHive's DynamicRegistry and reports when it becomes complete and when a churn write lands.
type timedRegistry struct {
	vmcp.DynamicRegistry
	expect   int
	seqKey   string
	complete sync.Once
}

func (r *timedRegistry) Upsert(b vmcp.Backend) error {
	err := r.DynamicRegistry.Upsert(b)
	at := time.Now()
	if r.seqKey != "" {
		if v, ok := b.Metadata[r.seqKey]; ok {
			if s, perr := strconv.Atoi(v); perr == nil {
				emit(map[string]any{"ev": "seq", "at": epochMs(at), "seq": s})
			}
		}
	}
	if r.expect > 0 && r.Count() >= r.expect {
		r.complete.Do(func() { emit(map[string]any{"ev": "complete", "at": epochMs(at), "count": r.Count()}) })
	}
	return err
}

func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return -1
}

func main() {
	mainAt := time.Now()
	// A flag set of its own: controller-runtime registers its own -kubeconfig on the global one.
	flags := flag.NewFlagSet("toolhive-peer", flag.ExitOnError)
	kubeconfig := flags.String("kubeconfig", "", "kubeconfig file")
	namespace := flags.String("namespace", "", "namespace to watch")
	group := flags.String("group", "", "MCPGroup name")
	expect := flags.Int("expect", 0, "report complete once the registry holds this many backends")
	seqKey := flags.String("seq-key", "", "annotation whose value is reported on every upsert")
	showVersion := flags.Bool("version", false, "print the ToolHive module version this peer was built with, and exit")
	_ = flags.Parse(os.Args[1:])
	if *showVersion {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, dep := range info.Deps {
				if dep.Path == "github.com/stacklok/toolhive" {
					fmt.Printf("toolhive-peer %s %s\n", dep.Path, dep.Version)
				}
			}
		}
		return
	}
	emit(map[string]any{"ev": "main", "at": epochMs(mainAt)})
	if *kubeconfig == "" || *namespace == "" || *group == "" {
		fmt.Fprintln(os.Stderr, "toolhive-peer: -kubeconfig, -namespace and -group are required")
		os.Exit(2)
	}
	// Upstream's manager leaves the controller-runtime metrics server at its default :8080, so two watchers on one
	// machine collide; the bench runs several, so it is turned off here (a package default, not a code change).
	metricsserver.DefaultBindAddress = "0"
	// ToolHive logs through slog at info level; its per-object lines would only measure stderr throughput.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "toolhive-peer: kubeconfig: %v\n", err)
		os.Exit(1)
	}
	// client-go's default 5 QPS would throttle the initial lists of several kinds; upstream runs in-cluster with the
	// same defaults, so they are left as they are.
	registry := &timedRegistry{DynamicRegistry: vmcp.NewDynamicRegistry(nil), expect: *expect, seqKey: *seqKey}
	watcher, err := vmcpk8s.NewBackendWatcher(cfg, *namespace, *group, registry)
	if err != nil {
		fmt.Fprintf(os.Stderr, "toolhive-peer: %v\n", err)
		os.Exit(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	emit(map[string]any{"ev": "watcherStart", "at": epochMs(time.Now())})
	go func() { done <- watcher.Start(ctx) }()
	go func() {
		if watcher.WaitForCacheSync(ctx) {
			emit(map[string]any{"ev": "synced", "at": epochMs(time.Now())})
		}
	}()
	go func() {
		in := bufio.NewReader(os.Stdin)
		for {
			line, err := in.ReadString('\n')
			switch strings.TrimSpace(line) {
			case "mem":
				runtime.GC()
				debug.FreeOSMemory()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				emit(map[string]any{"ev": "mem", "rss": rssBytes(), "heap": m.HeapAlloc})
			case "quit":
				cancel()
				return
			}
			if err == io.EOF || err != nil {
				cancel()
				return
			}
		}
	}()
	if err := <-done; err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "toolhive-peer: watcher stopped: %v\n", err)
		os.Exit(1)
	}
}
