import { callSafely, toError } from '@vmcp/core';
import type {
  CheckResult,
  HealthAnswer,
  LivenessBody,
  LivenessOptions,
  ReadinessBody,
  ReadinessOptions,
  ReadinessProgress,
  ReadinessSource,
} from './types.ts';

/** The default readiness wait, as upstream ToolHive's `/readyz` (5 s). */
export const DEFAULT_READINESS_TIMEOUT_MS = 5000;

function ok(name: string): CheckResult {
  return { name, ok: true, line: `[+]${name} ok` };
}

function failed(name: string, reason: string): CheckResult {
  return { name, ok: false, line: `[-]${name} failed: reason ${reason}` };
}

function counted(check: CheckResult, done: number, total: number, unit: string): CheckResult {
  return { ...check, line: `${check.line} (${done}/${total} ${unit})`, done, total };
}

/** The sync checks of `?verbose`: one `cache-sync`, or with progress counts `cache-sync` and `initial-reconcile`. */
function syncChecks(watcher: ReadinessSource, ready: boolean): CheckResult[] {
  // Counts are decoration: a failing source still gets its verdict.
  const progress: ReadinessProgress | undefined = callSafely(() => watcher.readinessProgress?.());
  if (progress === undefined) return [ready ? ok('cache-sync') : failed('cache-sync', 'cache_sync_pending')];
  const { cacheSync: c, initialReconcile: r } = progress;
  const cachesOk = ready || (c.total > 0 && c.synced >= c.total);
  return [
    counted(cachesOk ? ok('cache-sync') : failed('cache-sync', 'cache_sync_pending'), c.synced, c.total, 'kinds'),
    counted(
      ready ? ok('initial-reconcile') : failed('initial-reconcile', r.started ? 'initial_reconcile_pending' : 'cache_sync_pending'),
      r.done,
      r.total,
      'backends',
    ),
  ];
}

/**
 * Resolves with the source's answer, or `false` as soon as `signal` aborts — even if the source ignores the
 * signal, so a misbehaving source can never hold a probe past its timeout.
 */
function raceAbort(wait: () => Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<boolean>;
    try {
      pending = wait();
    } catch (error) {
      pending = Promise.reject(toError(error));
    }
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value === true);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toError(error));
      },
    );
  });
}

/**
 * Decides a readiness answer, framework-free. `signal` is the client's (aborted when it disconnects); the wait
 * also ends after `timeoutMs`. Never throws.
 */
export async function evaluateReadiness(
  options: ReadinessOptions,
  request: { verbose: boolean; signal?: AbortSignal | undefined },
): Promise<HealthAnswer<ReadinessBody>> {
  const { watcher } = options;
  const withChecks = (body: ReadinessBody, checks: CheckResult[]): ReadinessBody => (request.verbose ? { ...body, checks } : body);

  if (watcher === undefined) {
    return { statusCode: 200, body: withChecks({ status: 'ready', mode: 'static' }, [ok('static-mode')]) };
  }
  // A source that stopped for good will never sync again: say so at once rather than wait out the timeout.
  if (watcher.fatalError?.() !== undefined) {
    return {
      statusCode: 503,
      body: withChecks({ status: 'not_ready', mode: 'dynamic', reason: 'watcher_failed' }, [
        failed('watcher', 'watcher_failed'),
        ...syncChecks(watcher, false),
      ]),
    };
  }

  let synced = watcher.hasSynced?.() === true;
  if (!synced) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(Math.max(0, timeoutMs));
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    try {
      synced = await raceAbort(() => watcher.waitForCacheSync(signal), signal);
    } catch (error) {
      options.onError?.(error);
      synced = false;
    }
  }
  const watcherCheck = watcher.fatalError === undefined ? [] : [ok('watcher')];
  const checks = request.verbose ? [...watcherCheck, ...syncChecks(watcher, synced)] : [];
  return synced
    ? { statusCode: 200, body: withChecks({ status: 'ready', mode: 'dynamic' }, checks) }
    : { statusCode: 503, body: withChecks({ status: 'not_ready', mode: 'dynamic', reason: 'cache_sync_pending' }, checks) };
}

/**
 * Decides a liveness answer: 200 `{"status":"ok"}` unless the watcher reports a fatal error, then 503.
 * Upstream ToolHive only logs a fatal watcher error and keeps answering 200, so the pod runs on with a frozen
 * registry; failing liveness lets Kubernetes restart it.
 */
export function evaluateLiveness(options: LivenessOptions, request: { verbose: boolean }): HealthAnswer<LivenessBody> {
  const fatal = options.watcher?.fatalError?.();
  if (fatal !== undefined) {
    const body: LivenessBody = { status: 'unhealthy', reason: 'watcher_failed' };
    if (request.verbose) body.checks = [ok('ping'), failed('watcher', 'watcher_failed')];
    return { statusCode: 503, body };
  }
  const body: LivenessBody = { status: 'ok' };
  if (request.verbose) body.checks = options.watcher?.fatalError === undefined ? [ok('ping')] : [ok('ping'), ok('watcher')];
  return { statusCode: 200, body };
}
