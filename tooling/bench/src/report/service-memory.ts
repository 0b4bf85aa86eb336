/**
 * The hand-measured section of docs/benchmarks.md: how the service image's Node flags and the service's memory step
 * after the initial sync (apps/vmcp-watcher/src/runtime) were chosen. Kept here so that every rewrite of the file by
 * `pnpm bench` keeps it. The figures come from `pnpm --filter @vmcp/bench run bench:service` (A/B in one run).
 */

/** The section, Markdown. */
export const SERVICE_MEMORY_SECTION = `## The service's memory: what it costs and how the image's flags were chosen

Measured with \`pnpm --filter @vmcp/bench run bench:service -- --objects 1000,10000 --repetitions 3 --variant …\`:
the service (its build, not the library peer) started once per variant and repetition against one control plane,
interleaved, RSS read from /proc 2 s after \`/readyz\` 200, split into anonymous memory (heaps, stacks) and
file-backed pages (the \`node\` binary's code and read-only data, shared libraries). Medians of 3. These runs were made
on the shared 2-core machine during the day (load average 10–15): the RSS figures are stable to about ±3 MiB, the
start times are not usable, so none are quoted; the full run below (same machine class, quiet) has the start times.

**Where Node's fixed cost goes.** An idle \`node\` holds 42 MiB (34 MiB file-backed: the pages of the 99 MB binary it
touched). The service at 1,000 MCPServers held 93 MiB: **53 MiB file-backed** (the binary's code 29 MiB, its
read-only data 16 MiB — the compilers, V8's builtins and OpenSSL run code an idle process never touches: loading
\`https\` and a TLS context alone adds 5 MiB file-backed and 4 MiB anonymous) and 41 MiB anonymous (V8's heap,
malloc'd compiler zones and buffers, thread stacks). ToolHive's Go watcher holds 54–57 MiB in all at 1,000, so the
file-backed part alone is 0.95× of it: no flag reaches the 1.2× target at 1,000 (68 MiB), and the same floor keeps
a \`RegistryFeed\` replica (a Node process too) well above half an embedding one.

**Each step** (RSS 2 s after ready; "compaction" = the service's one memory-reducing collection after the initial
sync, \`VMCP_COMPACT_AFTER_SYNC\`):

| variant | 1,000: RSS | anon | 10,000: RSS | anon |
|---|---:|---:|---:|---:|
| before: \`--max-semi-space-size=2\`, no compaction | 93.3 MiB | 40.7 MiB | 116.7 MiB | 64.0 MiB |
| \`--max-semi-space-size=2\` + compaction | 86.1 MiB | 33.1 MiB | 96.7 MiB | 43.9 MiB |
| **now: no flags (default young generation) + compaction** | 90.7 MiB | 37.9 MiB | 99.6 MiB | 46.7 MiB |
| \`--max-semi-space-size=2\` + compaction + \`--no-maglev\` | 78.0 MiB | 26.1 MiB | 92.9 MiB | 41.0 MiB |
| \`--max-semi-space-size=2\` + compaction + \`MALLOC_MMAP_THRESHOLD_=16384\` | 77.3 MiB | 24.4 MiB | 87.9 MiB | 34.9 MiB |

Other variants, at 1,000 without compaction, each against \`--max-semi-space-size=2\` alone in the same run (88.5–
93.0 MiB): \`--jitless\` 72.8 MiB (file-backed 44.9: no compiler code touched; far too slow for a large list),
\`--single-threaded\` 82.9, \`--single-threaded-gc\` 90.0, \`--v8-pool-size=1\` 94.2, \`MALLOC_ARENA_MAX=1\` 89.6,
\`--no-opt\` 107.8, \`--max-semi-space-size=1\` 93.6, \`--max-lazy\` 93.6.
\`UV_THREADPOOL_SIZE\` changes nothing: libuv starts its pool on first use, and the service makes no pool request
at start. Lazy-loading the page or the feed was not pursued: both are code in the one bundle, compiled lazily by V8
when first called, and the bundle's compile is part of the anonymous 38 MiB, not a separate cost we measured.

**Semi-spaces at run time.** \`v8.setFlagsFromString('--max-semi-space-size=2')\` after start changes nothing: V8
sizes the young generation when the heap is set up (measured: \`v8.getHeapSpaceStatistics()\`'s new space stayed at
2 × 16 MiB after the flag, before and after further allocation). And \`--max-semi-space-size\` only until ready is
impossible (a process's flags are fixed at start). What works is the other half of the idea: one collection of V8's
"last resort" kind (full, compacting, memory-reducing) half a second after the initial sync. It needs no \`--expose-gc\` in
the image: the service turns the flag on for one fresh \`vm\` context and takes that context's \`gc\` (nothing else in
the process can reach it). With it, the default young generation costs 1–4 MiB at 10,000 MCPServers over the
2 MiB cap (99.6 vs 96.7 MiB in the table's run; 104.1 vs 103.1 MiB in a second run of 4 repetitions after the
many-groups engine landed, where \`MALLOC_MMAP_THRESHOLD_=16384\` on top gave 95.2 MiB), while the cap made
every initial list scavenge every 2 MiB: the library peer synced 100,000 MCPServers 4 s faster without it (issue
23). So the image now starts Node with no flags.

**On a quiet moment** (load average below 1.5, 10,000 MCPServers, 5 repetitions, medians): no flags reached ready
in 1,108 ms at 108.1 MiB, \`--max-semi-space-size=2\` in 1,356 ms at 103.8 MiB, no flags +
\`MALLOC_MMAP_THRESHOLD_=16384\` in 1,361 ms at 95.9 MiB. At 100,000 (2 repetitions, noisy: the repetitions differ by up to 6 s): no
flags 8.2 / 14.6 s to ready at 244 / 238 MiB, \`--max-semi-space-size=2\` 12.8 / 11.0 s at 240 / 234 MiB — with the
compaction the service holds about 240 MiB at 100,000, against the 324 MiB issue 23 measured without it (0.22× of
ToolHive's 1,093 MiB there); its start at this size needs the quiet full run.

**Chosen, and not.** \`--no-maglev\` and \`MALLOC_MMAP_THRESHOLD_=16384\` each save 8–12 MiB more; neither is
adopted: the first removes Node's mid-tier compiler (its starts were slower in every repetition of the busy runs),
the second sends every allocation of 16 KiB or more (socket reads, list pages) to \`mmap\`/\`munmap\` and cost a
quarter more start time in the quiet run above. Each is one \`bench:service\` run away:
\`--variant 'now::::' --variant 'mmap::::MALLOC_MMAP_THRESHOLD_=16384' --variant 'nomaglev::--no-maglev::'\`.

**The fleet phase with these changes** (\`pnpm bench --only fleet\`, same busy machine, no Node flags): a feed
replica 80.5 MiB against an embedding one 93.5 MiB (0.86×; the quiet run below, with the former flag: 78.8 vs
92.4, 0.85×), the feed's one watcher service 145 MiB (155 before). The replicas are Node processes with the same
~50 MiB file-backed floor, and a feed replica's heap is 14 MiB of its 80: the 0.5× target of issue 19 stays out
of reach of flags, as the runtime's fixed cost, not the replica's data, makes up most of both.

Not measured here: how far the default young generation grows back under sustained churn after the compaction
(the churn phase measures latency, not memory).

**The small end, read like for like** (2026-12-07, from the run of 12:00 on): ToolHive's pod reading (2 s after
its registry is complete, no forced collection) is 61 MiB at 1,000 MCPServers and 127 MiB at 10,000, so the targets
of issue 23 (≤ 1.2× and ≤ 0.70×) mean 73 MiB and 89 MiB for the service. At 10,000 the service holds 99 MiB
(0.78×); with \`MALLOC_MMAP_THRESHOLD_=16384\` 93 MiB, of which 54 MiB are file-backed (the \`node\` binary alone 50.5
MiB) and 38 MiB anonymous (V8's heap 31, malloc 7). The binary's resident pages are as large as ToolHive's whole
process at 1,000: these two targets are below what a Node process of this service can hold, with or without flags.

## The start at 100,000 MCPServers: where the time goes

Profiled with \`--cpu-prof\` (the service's build, one namespace of 100,000 MCPServers, this 2-core machine):

- **Before** (workers started once every cache had synced): the streaming list took 6.5 s, and the service's
  process was idle 55% of that time, waiting for the API server; then the initial pass reconciled the 100,000 names
  in 3.2 s, busy throughout; then ready (9.4–10.1 s from spawn).
- **The list is the API server's.** The same streaming list read by a client that only counts its bytes took
  4.5–8.1 s (six runs, median 5.6 s) on the same control plane; a plain list from the watch cache
  (\`resourceVersion=0\`) 5.0–6.4 s. The API server, etcd and the client share the two cores.
- **Now** (workers start once every kind but the workload kinds has synced, and decide each name as its objects
  arrive: docs/architecture.md, step 5): the barrier passes 21 ms after the last cache syncs (about 0.1 s with the
  enqueue of the pass), so ready comes about 0.3 s after the end of the list: 5.8–6.0 s on that control plane when
  the API server was quick, 9–13 s when it was slow.
- So issue 23's 0.35× (6.4 s against ToolHive's 18.2 s in the run below) sits at the API server's own floor on this
  machine, where the byte-counting stream alone is 0.25–0.45× of ToolHive's time. In the run below the service's
  three starts were 7.0, 11.4 and 9.6 s (median 0.53×), the library peer's 7.1, 6.9 and 9.0 s: the spread is the
  API server's, not ours.
- The compaction after the sync waits 0.5 s, so that its collection (about 0.2 s at this size) does not hold the
  first readiness answers.

`;
