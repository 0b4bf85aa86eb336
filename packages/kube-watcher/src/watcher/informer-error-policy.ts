/**
 * What an informer error means for the watcher: which kinds may be missing without holding the sync, how each
 * error is logged (a repeat of the same message is demoted to debug), and which metric it counts in. Retrying is the
 * reflector's job; this policy only decides and reports.
 */
import type { WatchedKind } from '@vmcp/discoverer';
import { KubeApiError } from '../client/errors.ts';
import type { InformerErrorInfo } from '../informer/index.ts';
import type { Logger, WatcherMetrics } from './types.ts';

/** Inputs of {@link InformerErrorPolicy}. */
export interface InformerErrorPolicyOptions {
  log: Logger;
  /** Runs a metrics hook (the watcher guards it). */
  metric: (fn: (m: WatcherMetrics) => void) => void;
  /** True once every required cache has synced. */
  cachesSynced: () => boolean;
  /** The set of tolerated kinds changed: the watcher re-checks whether the caches are synced. */
  onToleratedChange: () => void;
}

/** One per watcher. */
export class InformerErrorPolicy {
  readonly #o: InformerErrorPolicyOptions;
  readonly #tolerated = new Set<string>();
  readonly #lastLogged = new Map<string, string>();

  constructor(options: InformerErrorPolicyOptions) {
    this.#o = options;
  }

  /** A non-required kind whose CRD is not installed: the cache sync does not wait for it. */
  isTolerated(kind: string): boolean {
    return this.#tolerated.has(kind);
  }

  /**
   * Marks a non-required kind as not installed (API discovery found no version serving it). Returns false for a
   * required kind, which is never tolerated.
   */
  tolerateMissing(kind: WatchedKind, why: string): boolean {
    if ((kind.required ?? true) || this.#tolerated.has(kind.kind)) return !(kind.required ?? true);
    this.#tolerated.add(kind.kind);
    this.#o.log.warn(`optional kind ${kind.kind} is not installed (no CRD), continuing without it: ${why}`, { kind: kind.kind });
    return true;
  }

  /** Handles one error an informer reported. */
  handle(kind: WatchedKind, err: Error, info: InformerErrorInfo): void {
    const { log } = this.#o;
    const reflectorPhase = info.source === 'list' || info.source === 'watch' || info.source === 'store';
    if (!reflectorPhase) {
      this.#o.metric((m) => m.handlerError?.(kind.kind, info.source));
      log.error(`${kind.kind} ${info.source} error: ${err.message}`, { kind: kind.kind, source: info.source, object: info.object });
      return;
    }
    this.#o.metric((m) => m.watchError?.(kind.kind, info.source));
    const api = err instanceof KubeApiError ? err : undefined;
    // Only a missing CRD (404: an older ToolHive without MCPServerEntry) lets sync go on without a non-required
    // kind. A 403 never does, for any kind: a missing permission must hold the sync (and /readyz) rather than
    // silently serve nothing of that kind; the reflector keeps retrying, so granting it completes the sync.
    if (api?.status === 404 && (kind.required ?? true) === false) {
      if (this.tolerateMissing(kind, err.message)) this.#o.onToleratedChange();
    } else if (api?.status === 403 && this.#tolerated.delete(kind.kind) && !this.#o.cachesSynced()) {
      log.warn(`optional kind ${kind.kind} is installed now but forbidden; cache sync waits for the permission`, { kind: kind.kind });
    }
    // Same message again: keep the log readable (status().kinds[].lastError always has the latest).
    const key = `${kind.kind}:${info.source}`;
    const repeated = this.#lastLogged.get(key) === err.message;
    this.#lastLogged.set(key, err.message);
    const fields = { kind: kind.kind, phase: info.source, retryInMs: info.retryInMs, attempt: info.attempt };
    if (api?.isGone === true) log.info(`${err.message}; relisting`, fields);
    else if (repeated) log.debug(`${err.message}; retrying`, fields);
    else if (api?.status === 403 && !this.#o.cachesSynced()) {
      log.warn(`${err.message}; retrying in ${info.retryInMs ?? 0} ms (cache sync waits until this permission is granted)`, fields);
    } else log.warn(`${err.message}; retrying in ${info.retryInMs ?? 0} ms`, fields);
  }
}
