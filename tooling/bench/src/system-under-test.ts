/**
 * The system under test: a `BackendWatcher` from `@vmcp/kube-watcher` feeding a `DynamicRegistry`.
 *
 * Loaded through a dynamic import and checked at run time, so the harness typechecks and runs its baseline even
 * before (or without) the watcher package exporting `BackendWatcher`; a run without it fails loudly with
 * {@link WatcherUnavailableError} instead of silently skipping "ours".
 */
import { toError } from '@vmcp/core';
import type { KubeConfig } from '@kubernetes/client-node';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';

/** Thrown when `@vmcp/kube-watcher` does not (yet) export a usable `BackendWatcher`. */
export class WatcherUnavailableError extends Error {
  override readonly name = 'WatcherUnavailableError';
}

/** The documented surface of `BackendWatcher` (docs/architecture.md, "Contracts") that the bench drives. */
export interface WatcherLike {
  start(signal?: AbortSignal): Promise<void>;
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  hasSynced(): boolean;
  stop(): Promise<void>;
  status(): unknown;
}

type WatcherConstructor = new (options: Record<string, unknown>) => WatcherLike;

/** Options of {@link startWatcher}. */
export interface StartWatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  groupRef: string;
  /** Defaults to a fresh, empty dynamic registry. */
  registry?: DynamicRegistry;
  /** Extra constructor options (e.g. a shorter inactivity deadline for fault tests); passed through unchanged. */
  extra?: Record<string, unknown>;
}

/** A started watcher and its registry. `stop()` stops it and waits for `start()` to settle. */
export interface RunningWatcher {
  readonly watcher: WatcherLike;
  readonly registry: DynamicRegistry;
  /** The first error `start()` rejected with, if it did (a fatal watcher error). */
  fatal(): Error | undefined;
  stop(): Promise<void>;
}

let cached: WatcherConstructor | undefined;

/**
 * Warnings and errors of the watcher go to stderr (they explain a failed phase); debug and info only with
 * `VMCP_BENCH_WATCHER_LOG=debug`, since logging every reconcile would distort the timings.
 */
function stderrLogger(): Record<'debug' | 'info' | 'warn' | 'error', (msg: string, fields?: Record<string, unknown>) => void> {
  const verbose = process.env['VMCP_BENCH_WATCHER_LOG'] === 'debug';
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    process.stderr.write(`[watcher ${level}] ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  };
  const quiet = (): void => undefined;
  return { debug: verbose ? write('debug') : quiet, info: verbose ? write('info') : quiet, warn: write('warn'), error: write('error') };
}

/** A short account of the watcher's state, for a phase's error message. */
export function describeStatus(watcher: WatcherLike): string {
  const s = watcher.status() as {
    state?: string;
    synced?: boolean;
    kinds?: { kind: string; synced: boolean; lastError?: { message: string } }[];
  };
  const kinds = (s.kinds ?? []).map(
    (k) => `${k.kind}:${k.synced ? 'synced' : 'not synced'}${k.lastError ? ` (${k.lastError.message})` : ''}`,
  );
  return `watcher ${s.state ?? '?'}, synced=${String(s.synced)}; ${kinds.join('; ')}`;
}

/** Resolves the `BackendWatcher` class. @throws WatcherUnavailableError when the package does not export it. */
export async function loadBackendWatcher(): Promise<WatcherConstructor> {
  if (cached) return cached;
  const mod = (await import('@vmcp/kube-watcher')) as Record<string, unknown>;
  const ctor = mod['BackendWatcher'];
  if (typeof ctor !== 'function') {
    throw new WatcherUnavailableError('@vmcp/kube-watcher does not export BackendWatcher yet: "ours" cannot be measured');
  }
  cached = ctor as WatcherConstructor;
  return cached;
}

/** Constructs and starts a watcher (without waiting for sync). */
export async function startWatcher(options: StartWatcherOptions): Promise<RunningWatcher> {
  const BackendWatcher = await loadBackendWatcher();
  const registry = options.registry ?? createDynamicRegistry();
  const watcher = new BackendWatcher({
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    groupRef: options.groupRef,
    registry,
    logger: stderrLogger(),
    ...options.extra,
  });
  let fatal: Error | undefined;
  const running = watcher.start().catch((err: unknown) => {
    fatal = toError(err);
  });
  return {
    watcher,
    registry,
    fatal: () => fatal,
    stop: async () => {
      await watcher.stop();
      await running;
    },
  };
}
