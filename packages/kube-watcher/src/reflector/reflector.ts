import type { KubeObject, ResourceDescriptor } from '@vmcp/api';
import { KubeApiError, describeTarget, resourceName } from '../client/errors.ts';
import type { KubeHttpClient } from '../client/http.ts';
import { listAll, watch, watchErrorToError } from '../client/list-watch.ts';
import { Backoff, sleep, type BackoffOptions } from './backoff.ts';

/** A watch open at least this long before failing counts as healthy (client-go's "very short watch" is < 1 s). */
const HEALTHY_WATCH_MS = 1000;

/** Where a reflector delivers what it learns. The informer implements it. */
export interface ReflectorStore {
  /** The complete current set of objects (after every LIST). Objects not in `items` are gone. */
  replace(items: KubeObject[], resourceVersion: string): void;
  /** One watch event. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
}

/** A reported error: what failed, and when the reflector will try again. */
export interface ReflectorErrorInfo {
  kind: string;
  phase: 'list' | 'watch' | 'store';
  /** ms until the next attempt (0 = at once, e.g. a relist after 410). */
  retryInMs: number;
  /** Consecutive failures, this one included. */
  attempt: number;
}

/** Snapshot of one reflector. Dates are epoch ms. */
export interface ReflectorStatus {
  kind: string;
  /** `plural.group`. */
  resource: string;
  /** A watch stream is open. */
  connected: boolean;
  /** The first LIST has been delivered to the store. */
  synced: boolean;
  /** The resourceVersion the next watch starts from (last list, event or bookmark). */
  lastResourceVersion: string;
  /** Last ADDED/MODIFIED/DELETED/BOOKMARK received. */
  lastEventTime?: number;
  /** Last completed LIST. */
  lastSyncTime?: number;
  lastError?: { message: string; at: number; status?: number; reason?: string };
  /** Consecutive failures; 0 once a list or watch succeeds again. */
  consecutiveErrors: number;
  lists: number;
  watches: number;
}

/** Options of {@link Reflector}. */
export interface ReflectorOptions {
  client: KubeHttpClient;
  resource: ResourceDescriptor;
  namespace: string;
  /** Label for status, errors and metrics; defaults to `resource.kind`. */
  kind?: string;
  store: ReflectorStore;
  /** LIST/WATCH `PartialObjectMetadata` only. */
  metadataOnly?: boolean;
  /**
   * Abort a list or watch that has sent no byte for this long. Default 120 s: twice the API server's bookmark
   * period (the watch cache sends a BOOKMARK to every bookmark-enabled watcher about once a minute), so a
   * healthy but quiet watch is never cut while a connection that died without a FIN is noticed within 2 minutes.
   * Without the watch cache (no bookmarks) a quiet healthy watch is re-opened from its resourceVersion, which is
   * cheap and loses nothing.
   */
  inactivityTimeoutMs?: number;
  /** Server-side watch timeout, chosen at random in [min, max) per watch. Default 300..600 s as client-go. */
  watchTimeoutSeconds?: { min: number; max: number };
  backoff?: BackoffOptions;
  pageSize?: number;
  random?: () => number;
  /** Every failure, with when the reflector retries. Never throws into the reflector (errors are swallowed). */
  onError?: (error: Error, info: ReflectorErrorInfo) => void;
  /** Every watch event type received (metrics). */
  onWatchEvent?: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK') => void;
  now?: () => number;
}

/**
 * Keeps a store equal to one namespace-scoped resource, like client-go's Reflector: paginated LIST, then WATCH
 * from the list's resourceVersion with bookmarks; re-watch from the last resourceVersion when a watch ends; relist
 * (with a quorum read) on 410 Gone; jittered exponential backoff on every other failure, honouring Retry-After;
 * never stops until its signal aborts. Every failure is reported through `onError` and `status().lastError`.
 */
export class Reflector {
  readonly kind: string;
  readonly #o: ReflectorOptions;
  readonly #backoff: Backoff;
  readonly #now: () => number;
  readonly #status: ReflectorStatus;
  #running = false;

  constructor(options: ReflectorOptions) {
    this.#o = options;
    this.kind = options.kind ?? options.resource.kind;
    this.#now = options.now ?? Date.now;
    this.#backoff = new Backoff({ ...(options.random ? { random: options.random } : {}), now: this.#now, ...options.backoff });
    this.#status = {
      kind: this.kind,
      resource: resourceName(options.resource),
      connected: false,
      synced: false,
      lastResourceVersion: '',
      consecutiveErrors: 0,
      lists: 0,
      watches: 0,
    };
  }

  /** A copy of the current status. */
  status(): ReflectorStatus {
    return { ...this.#status, ...(this.#status.lastError ? { lastError: { ...this.#status.lastError } } : {}) };
  }

  /** Runs until `signal` aborts, then resolves. Never rejects for API or network errors (they are retried). */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`reflector for ${this.#status.resource} is already running`);
    this.#running = true;
    const o = this.#o;
    const inactivity = o.inactivityTimeoutMs ?? 120_000;
    const random = o.random ?? Math.random;
    // Initial list from the watch cache ('0'); after a 410 a quorum read ('') so we never go back in time.
    let listFrom: string | undefined = '0';
    let rv = '';
    let gone = 0;
    try {
      while (!signal.aborted) {
        // Widened on purpose: #list sets 'store' through a callback, which control-flow narrowing cannot see.
        let phase = 'list' as ReflectorErrorInfo['phase'];
        // When the current watch was accepted, and whether it delivered anything: decides if it was healthy.
        let watchConnectedAt: number | undefined;
        let watchDelivered = false;
        try {
          if (listFrom !== undefined) {
            const listed = await this.#list(listFrom, signal, inactivity, () => {
              phase = 'store';
            });
            if (listed === undefined) break;
            rv = listed;
            listFrom = undefined;
            this.#status.lists++;
            this.#status.synced = true;
            this.#status.lastSyncTime = this.#now();
            this.#status.lastResourceVersion = rv;
            this.#status.consecutiveErrors = 0;
          }
          phase = 'watch';
          const { min, max } = o.watchTimeoutSeconds ?? { min: 300, max: 600 };
          const timeoutSeconds = Math.max(1, Math.floor(min + random() * Math.max(0, max - min)));
          this.#status.watches++;
          await watch(
            o.client,
            o.resource,
            o.namespace,
            {
              resourceVersion: rv,
              timeoutSeconds,
              metadataOnly: o.metadataOnly ?? false,
              signal,
              inactivityTimeoutMs: inactivity,
              onConnected: () => {
                watchConnectedAt = this.#now();
                this.#status.connected = true;
                this.#status.consecutiveErrors = 0;
              },
            },
            (ev) => {
              if (ev.type === 'ERROR') throw watchErrorToError(o.resource, o.namespace, ev.object);
              const evRv = ev.object.metadata?.resourceVersion;
              this.#status.lastEventTime = this.#now();
              watchDelivered = true;
              gone = 0;
              if (ev.type !== 'BOOKMARK') {
                phase = 'store';
                o.store.apply(ev.type, ev.object);
                phase = 'watch';
              }
              if (evRv) {
                rv = evRv;
                this.#status.lastResourceVersion = rv;
              }
              try {
                o.onWatchEvent?.(ev.type);
              } catch {
                // A metrics hook must not break the stream.
              }
            },
          );
          // The server ended the watch (its timeoutSeconds, or an apiserver shutting down gracefully): not an
          // error, re-watch from where we are at once.
          this.#status.connected = false;
        } catch (err) {
          this.#status.connected = false;
          if (signal.aborted) break;
          const error = err instanceof Error ? err : new Error(String(err));
          // A failure that ends a healthy watch is a first failure: retry after the initial delay (0.8–1.6 s by
          // default), not after whatever earlier faults grew the backoff to. Without this the backoff only reset 2 min
          // after the previous failure, so with a short inactivity deadline quiet watches cut every few seconds kept
          // doubling it (the convergence suite saw "attempt 1" retried after 4.7 s). Healthy = accepted by the
          // server and either delivered an event or bookmark, or stayed open at least a second (client-go's
          // "very short watch" bound): a server that accepts and drops at once still backs off exponentially.
          if (watchConnectedAt !== undefined && (watchDelivered || this.#now() - watchConnectedAt >= HEALTHY_WATCH_MS)) {
            this.#backoff.reset();
          }
          this.#status.consecutiveErrors++;
          this.#status.lastError = {
            message: error.message,
            at: this.#now(),
            ...(error instanceof KubeApiError ? { status: error.status, reason: error.reason } : {}),
          };
          let delay: number;
          if (error instanceof KubeApiError && error.isGone) {
            // Our resourceVersion (or continue token) was compacted away: relist from a quorum read. At once the
            // first time; a second 410 in a row means something is odd, so back off then.
            listFrom = '';
            delay = gone++ === 0 ? 0 : this.#backoff.next();
          } else {
            if (phase === 'store') listFrom = ''; // the store may be half-updated: rebuild it from a fresh list
            delay = this.#backoff.next();
            if (error instanceof KubeApiError && error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
          }
          this.#report(error, { kind: this.kind, phase, retryInMs: delay, attempt: this.#status.consecutiveErrors });
          if (delay > 0) {
            try {
              await sleep(delay, signal);
            } catch {
              break;
            }
          }
        }
      }
    } finally {
      this.#status.connected = false;
      this.#running = false;
    }
  }

  /**
   * One LIST delivered to the store; returns its resourceVersion, or undefined when aborted meanwhile. A method of
   * its own on purpose: a suspended async function keeps its whole register file alive, so a list result held in
   * `run`'s frame stayed reachable for as long as the following watch ran — every raw object of the last list
   * (managedFields and all) next to the transformed copies in the store. This frame is gone once it returns.
   */
  async #list(resourceVersion: string, signal: AbortSignal, inactivityTimeoutMs: number, onStore: () => void): Promise<string | undefined> {
    const o = this.#o;
    const res = await listAll(o.client, o.resource, o.namespace, {
      resourceVersion,
      metadataOnly: o.metadataOnly ?? false,
      signal,
      inactivityTimeoutMs,
      ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
    });
    if (signal.aborted) return undefined;
    onStore();
    o.store.replace(res.items, res.resourceVersion);
    return res.resourceVersion;
  }

  #report(error: Error, info: ReflectorErrorInfo): void {
    try {
      this.#o.onError?.(error, info);
    } catch {
      // Reporting must never stop the reflector.
    }
  }

  /** `list mcpservers.toolhive.stacklok.dev in namespace "ns"`, for messages. */
  describe(verb: 'list' | 'watch'): string {
    return describeTarget({ verb, resource: this.#o.resource, namespace: this.#o.namespace });
  }
}
