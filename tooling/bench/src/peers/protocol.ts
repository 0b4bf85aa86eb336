/**
 * The peer protocol: every system the bench compares (ours, ToolHive's Go watcher, the bare list+watch client) runs
 * in a process of its own and reports on stdout, one JSON object per line, times in epoch milliseconds (the
 * machine's clock is shared by every process, so times from different processes compare directly).
 *
 * - `main` (Go only): main() entered, after the runtime and every package init. The Node peers import statically
 *   (so the bundler can drop unused code), so they have no point before their imports.
 * - `watcherStart`: just before the system starts (every import done).
 * - `complete`: the registry (bare: the decoded lists) first holds the expected number of MCPServers.
 * - `synced`: the caches report synced (`waitForCacheSync`).
 * - `seq`: an update carrying the churn sequence number was delivered (registry upsert; bare: watch event).
 * - `mem`: the answer to a `mem` line on stdin, read after a full garbage collection.
 *
 * stdin lines: `mem` (report memory), `quit` (stop and exit 0). EOF on stdin means quit.
 */
import { createInterface } from 'node:readline';

/** One line of a peer's stdout. */
export type PeerEvent =
  | { ev: 'main'; at: number }
  | { ev: 'watcherStart'; at: number }
  | { ev: 'synced'; at: number }
  | { ev: 'complete'; at: number; count: number }
  | { ev: 'seq'; at: number; seq: number }
  | { ev: 'mem'; rss: number; heap: number };

/** Command-line arguments every peer takes (Go spells them with one dash, the Node peers accept the same). */
export interface PeerArgs {
  kubeconfig: string;
  namespace: string;
  group: string;
  /** Report `complete` once this many MCPServers are held; 0 = never. */
  expect: number;
  /** Annotation whose value is the churn sequence number; empty = no `seq` reports. */
  seqKey: string;
}

/** `-kubeconfig f -namespace n …` as the Go flag package reads them. */
export function peerArgv(a: PeerArgs): string[] {
  return ['-kubeconfig', a.kubeconfig, '-namespace', a.namespace, '-group', a.group, '-expect', String(a.expect), '-seq-key', a.seqKey];
}

/** Parses what {@link peerArgv} produced. @throws Error naming a missing or unknown flag. */
export function parsePeerArgv(argv: readonly string[]): PeerArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === undefined || !flag.startsWith('-') || value === undefined) throw new Error(`peer: bad arguments near ${String(flag)}`);
    values.set(flag.replace(/^-+/, ''), value);
  }
  const need = (k: string): string => {
    const v = values.get(k);
    if (v === undefined || v === '') throw new Error(`peer: -${k} is required`);
    return v;
  };
  return {
    kubeconfig: need('kubeconfig'),
    namespace: need('namespace'),
    group: need('group'),
    expect: Number(values.get('expect') ?? '0'),
    seqKey: values.get('seq-key') ?? '',
  };
}

/** Epoch milliseconds with sub-millisecond precision. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Writes one protocol line. */
export function emit(event: PeerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Reads stdin lines: `mem` answers with `readMemory()`, `quit`/EOF calls `quit`. */
export function serveCommands(quit: () => void): void {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line === 'mem') emit({ ev: 'mem', ...readMemory() });
    else if (line === 'quit') quit();
  });
  lines.on('close', quit);
}

/** V8's `gc()` (exposed by `--expose-gc`) and the options it takes. */
type V8Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void;

/**
 * Heap and RSS after a full collection that also hands free memory back to the OS: a major GC, then V8's
 * "last resort" one, which shrinks the young generation and releases pooled pages. It is the counterpart of the Go
 * peer's `runtime.GC()` + `debug.FreeOSMemory()`, so both runtimes are read the same way; a plain `gc()` leaves those
 * pages mapped (at 10,000 objects with Node's default young generation, ~30 MiB the Go reading would not count).
 * The peers run with `--expose-gc`.
 */
export function readMemory(): { rss: number; heap: number } {
  const gc = (globalThis as { gc?: V8Gc }).gc;
  if (gc === undefined) throw new Error('peer: run node with --expose-gc to measure memory');
  gc();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/** The churn sequence number in `annotations`/metadata under `key`, if it is an integer. */
export function seqOf(values: unknown, key: string): number | undefined {
  const v = (values as Record<string, unknown> | undefined)?.[key];
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
