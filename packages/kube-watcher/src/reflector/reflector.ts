import type { KubeObject, ResourceDescriptor } from '@vmcp/api';
import { KubeApiError, describeTarget, resourceName } from '../client/errors.ts';
import type { KubeHttpClient } from '../client/http.ts';
import { isInitialEventsEnd, listPages, watch, watchErrorToError, type WatchEvent } from '../client/list-watch.ts';
import { Backoff, callSafely, sleep, systemClock, toError, type BackoffOptions, type Clock } from '@vmcp/core';

/** A watch open at least this long before failing counts as healthy (client-go's "very short watch" is < 1 s). */
const HEALTHY_WATCH_MS = 1000;

/**
 * Where a reflector delivers what it learns. The informer implements it. A (re)list is delivered object by object
 * as it arrives (`startRelist`, `relistItem`…, `endRelist`), so nothing ever holds a whole raw list: the store
 * transforms each object at once and the raw one is garbage as soon as the call returns.
 */
export interface ReflectorStore {
  /** A (re)list begins. The objects delivered until {@link endRelist} are the complete current set. */
  startRelist(): void;
  /** One object of the (re)list, as it arrives. */
  relistItem(object: KubeObject): void;
  /** The (re)list is complete at `resourceVersion`: objects not delivered since {@link startRelist} are gone. */
  endRelist(resourceVersion: string): void;
  /** The (re)list failed half-way: forget which objects it delivered (no deletion is inferred from it). */
  abortRelist(): void;
  /** One watch event after the (re)list. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
}

/** How a reflector (re)lists: a streaming list over a watch (client-go's WatchList), or a paginated LIST. */
export type ListPath = 'watch-list' | 'paginated-list';

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
  /** The first (re)list has been delivered to the store. */
  synced: boolean;
  /** How the reflector (re)lists: `watch-list` until the server shows it does not support it, then `paginated-list`. */
  listPath: ListPath;
  /** Why the reflector fell back to the paginated LIST (the server's answer to the streaming list). */
  watchListUnsupported?: string;
  /** The resourceVersion the next watch starts from (last list, event or bookmark). */
  lastResourceVersion: string;
  /** Last ADDED/MODIFIED/DELETED/BOOKMARK received. */
  lastEventTime?: number;
  /** Last completed (re)list. */
  lastSyncTime?: number;
  lastError?: { message: string; at: number; status?: number; reason?: string };
  /** Consecutive failures; 0 once a list or watch succeeds again. */
  consecutiveErrors: number;
  /** Completed (re)lists, whichever the path. */
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
   * (Re)list with a streaming list (`sendInitialEvents=true`). Default true; the reflector falls back to the
   * paginated LIST by itself when the server refuses it, so false is only for measuring or a known old server.
   */
  watchList?: boolean;
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
  /** Retry pacing of failed lists and watches. Default `DEFAULT_BACKOFF` (client-go's reflector: 800 ms → 30 s). */
  backoff?: BackoffOptions;
  pageSize?: number;
  /** Every failure, with when the reflector retries. Never throws into the reflector (errors are swallowed). */
  onError?: (error: Error, info: ReflectorErrorInfo) => void;
  /** Every watch event type received (metrics). */
  onWatchEvent?: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK') => void;
  /**
   * Time source of delays, backoff, jitter (the watch timeout and the backoff draw from its `random()`) and status
   * times (`epochMs()`). Tests pass a `FakeClock`. Default the process clock.
   */
  clock?: Clock;
}

/** What one list or watch attempt ended with; `run` decides the next step from it alone. */
interface Attempt {
  /** Why it ended; undefined = the server ended a watch normally (its timeout). */
  error?: Error;
  /** What was being done when it ended. */
  phase: ReflectorErrorInfo['phase'];
  /** When the watch was accepted (clock ms), if it was. */
  connectedAt?: number;
  /** The watch delivered at least one event or bookmark. */
  delivered: boolean;
  /** A streaming list that ended before its initial-events-end bookmark. */
  unfinishedList: boolean;
  /** The attempt was a streaming list (whether or not it finished). */
  streamingList: boolean;
  /**
   * A streaming list reached its initial-events-end bookmark: the store is synced, so however this stream ends
   * later, the next attempt resumes the watch from its resourceVersion instead of listing everything again.
   */
  listed?: boolean;
}

/** The per-watch state the event handler updates: owned by one watch, read by `run` when it ends. */
interface WatchSession {
  attempt: Attempt;
  /** Streaming list: initial events are still arriving. */
  listing: boolean;
}

/**
 * Keeps a store equal to one namespace-scoped resource, like client-go's Reflector: (re)lists with a streaming
 * list (a watch with `sendInitialEvents=true`, synced at the bookmark annotated `k8s.io/initial-events-end`), or a
 * paginated LIST when the server does not support that, then watches from the last resourceVersion with bookmarks;
 * re-watches when a watch ends; relists (same path, from a consistent read) on 410 Gone; jittered exponential
 * backoff on every other failure, honouring Retry-After; never stops until its signal aborts. Every failure is
 * reported through `onError` and `status().lastError`.
 *
 * One (re)list, one watch, one event and the choice of the next delay are separate methods, as client-go splits
 * ListAndWatch: `#list`, `#watch`, `#handleEvent`, `#nextStep`.
 */
export class Reflector {
  readonly kind: string;
  readonly #o: ReflectorOptions;
  readonly #backoff: Backoff;
  readonly #clock: Clock;
  readonly #status: ReflectorStatus;
  #running = false;
  /** The resourceVersion of the last list, event or bookmark: where the next watch starts. */
  #rv = '';
  /** Consecutive 410s: the first relists at once, the next ones back off. */
  #gone = 0;

  constructor(options: ReflectorOptions) {
    this.#o = options;
    this.kind = options.kind ?? options.resource.kind;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = new Backoff(options.backoff, this.#clock);
    this.#status = {
      kind: this.kind,
      resource: resourceName(options.resource),
      connected: false,
      synced: false,
      listPath: options.watchList === false ? 'paginated-list' : 'watch-list',
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
    // The first paginated list may come from the watch cache ('0'); after a 410 or a store failure a consistent
    // read ('') so we never go back in time. A streaming list always starts from a consistent read.
    let relist: 'initial' | 'consistent' | undefined = 'initial';
    try {
      while (!signal.aborted) {
        let attempt: Attempt;
        if (relist !== undefined && this.#status.listPath === 'paginated-list') {
          attempt = await this.#list(relist === 'initial' ? '0' : '', signal);
          if (attempt.error === undefined) {
            relist = undefined;
            continue; // listed: watch from its resourceVersion at once
          }
        } else {
          attempt = await this.#watch(signal, relist !== undefined);
          if (attempt.listed === true || (attempt.error === undefined && !attempt.unfinishedList)) relist = undefined;
        }
        if (signal.aborted) break;
        const step = this.#nextStep(attempt);
        // A fallback to the paginated LIST before the first sync still lists from the watch cache like a first list.
        if (step.relist && !(step.fellBack && relist === 'initial')) relist = 'consistent';
        if (step.delayMs > 0) {
          try {
            await sleep(step.delayMs, { signal, clock: this.#clock });
          } catch {
            break;
          }
        }
      }
    } finally {
      this.#status.connected = false;
      this.#running = false;
    }
  }

  /**
   * One paginated LIST delivered to the store page by page (each page is transformed and dropped before the next
   * is fetched). A method of its own on purpose: a suspended async function keeps its whole register file alive,
   * so anything of the list held in `run`'s frame would stay reachable while the following watch runs.
   */
  async #list(resourceVersion: string, signal: AbortSignal): Promise<Attempt> {
    const o = this.#o;
    const attempt: Attempt = { phase: 'list', delivered: false, unfinishedList: false, streamingList: false };
    o.store.startRelist();
    try {
      const res = await listPages(
        o.client,
        o.resource,
        o.namespace,
        {
          resourceVersion,
          metadataOnly: o.metadataOnly ?? false,
          signal,
          inactivityTimeoutMs: o.inactivityTimeoutMs ?? 120_000,
          ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
        },
        (item) => {
          attempt.phase = 'store';
          o.store.relistItem(item);
          attempt.phase = 'list';
        },
      );
      if (signal.aborted) {
        o.store.abortRelist();
        return attempt;
      }
      attempt.phase = 'store';
      o.store.endRelist(res.resourceVersion);
      this.#rv = res.resourceVersion;
      this.#listed();
      return attempt;
    } catch (err) {
      o.store.abortRelist();
      attempt.error = toError(err);
      return attempt;
    }
  }

  /**
   * One WATCH from the last resourceVersion, or (with `listing`) a streaming list: initial events go to the store
   * as a relist, the initial-events-end bookmark completes it, then the same stream goes on as an ordinary watch.
   */
  async #watch(signal: AbortSignal, listing: boolean): Promise<Attempt> {
    const o = this.#o;
    const { min, max } = o.watchTimeoutSeconds ?? { min: 300, max: 600 };
    const timeoutSeconds = Math.max(1, Math.floor(min + this.#clock.random() * Math.max(0, max - min)));
    const session: WatchSession = { attempt: { phase: 'watch', delivered: false, unfinishedList: false, streamingList: listing }, listing };
    this.#status.watches++;
    if (listing) o.store.startRelist();
    try {
      await watch(
        o.client,
        o.resource,
        o.namespace,
        {
          // A streaming list starts from a consistent read; a watch from where the last one stopped.
          resourceVersion: listing ? '' : this.#rv,
          sendInitialEvents: listing,
          timeoutSeconds,
          metadataOnly: o.metadataOnly ?? false,
          signal,
          inactivityTimeoutMs: o.inactivityTimeoutMs ?? 120_000,
          onConnected: () => {
            session.attempt.connectedAt = this.#clock.now();
            this.#status.connected = true;
            this.#status.consecutiveErrors = 0;
          },
        },
        (event) => this.#handleEvent(session, event),
      );
    } catch (err) {
      session.attempt.error = toError(err);
    }
    this.#status.connected = false;
    if (session.listing) {
      o.store.abortRelist();
      // The server ended the stream before the initial events were complete: not synced, try again.
      session.attempt.unfinishedList = session.attempt.error === undefined;
    }
    return session.attempt;
  }

  /** One event of a watch. Throws (ending the watch) on an ERROR event; a store exception propagates too. */
  #handleEvent(session: WatchSession, event: WatchEvent): void {
    if (event.type === 'ERROR') throw watchErrorToError(this.#o.resource, this.#o.namespace, event.object);
    const a = session.attempt;
    a.delivered = true;
    this.#status.lastEventTime = this.#epochNow();
    this.#gone = 0;
    const evRv = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      // During a streaming list only the initial-events-end bookmark counts: it says the set is complete at its
      // resourceVersion. Any other bookmark before it is not a point the store has reached.
      if (session.listing) {
        if (!isInitialEventsEnd(event)) return;
        a.phase = 'store';
        this.#o.store.endRelist(evRv ?? '');
        session.listing = false;
        a.listed = true;
        if (evRv) this.#rv = evRv;
        this.#listed();
        a.phase = 'watch';
      }
    } else {
      a.phase = 'store';
      if (session.listing && event.type !== 'DELETED') this.#o.store.relistItem(event.object);
      else this.#o.store.apply(event.type, event.object);
      a.phase = 'watch';
    }
    if (evRv && !session.listing) {
      this.#rv = evRv;
      this.#status.lastResourceVersion = evRv;
    }
    // A metrics hook must not break the stream.
    callSafely(() => this.#o.onWatchEvent?.(event.type));
  }

  /** Bookkeeping of a completed (re)list, whichever the path. */
  #listed(): void {
    this.#status.lists++;
    this.#status.synced = true;
    this.#status.lastSyncTime = this.#epochNow();
    this.#status.lastResourceVersion = this.#rv;
    this.#status.consecutiveErrors = 0;
  }

  /**
   * Decides what follows an attempt: whether to relist and after how long. Reports the failure. Falls back to the
   * paginated LIST for good when the server refuses the streaming list's parameters.
   */
  #nextStep(a: Attempt): { relist: boolean; delayMs: number; fellBack: boolean } {
    // The server ended a watch (its timeoutSeconds, or an apiserver shutting down gracefully): not an error,
    // re-watch from where we are at once.
    if (a.error === undefined && !a.unfinishedList) return { relist: false, delayMs: 0, fellBack: false };
    const error =
      a.error ?? new Error(`${this.describe('watch')}: the server ended the streaming list before its initial-events-end bookmark`);
    // A failure that ends a healthy watch is a first failure: retry after the initial delay (0.8–1.6 s by
    // default), not after whatever earlier faults grew the backoff to. Healthy = accepted by the server and either
    // delivered an event or bookmark, or stayed open at least a second (client-go's "very short watch" bound): a
    // server that accepts and drops at once still backs off exponentially.
    if (a.connectedAt !== undefined && (a.delivered || this.#clock.now() - a.connectedAt >= HEALTHY_WATCH_MS)) this.#backoff.reset();
    this.#status.consecutiveErrors++;
    this.#status.lastError = {
      message: error.message,
      at: this.#epochNow(),
      ...(error instanceof KubeApiError ? { status: error.status, reason: error.reason } : {}),
    };
    let relist = false;
    let fellBack = false;
    let delayMs: number;
    if (a.streamingList && a.connectedAt === undefined && isWatchListRefusal(error)) {
      // The server does not accept sendInitialEvents (the WatchList feature off, or an API server older than
      // 1.27 behind a strict proxy): list the way every server supports, at once, and from now on.
      this.#status.listPath = 'paginated-list';
      this.#status.watchListUnsupported = error.message;
      relist = true;
      fellBack = true;
      delayMs = 0;
    } else if (error instanceof KubeApiError && error.isGone) {
      // Our resourceVersion (or continue token) was compacted away: relist from a consistent read. At once the
      // first time; a second 410 in a row means something is odd, so back off then.
      relist = true;
      delayMs = this.#gone++ === 0 ? 0 : this.#backoff.next();
    } else {
      // The store may be half-updated after a store failure, and an unfinished streaming list never synced:
      // rebuild from a fresh (re)list.
      relist = a.phase === 'store' || a.unfinishedList || a.phase === 'list';
      delayMs = this.#backoff.next();
      if (error instanceof KubeApiError && error.retryAfterMs !== undefined) delayMs = Math.max(delayMs, error.retryAfterMs);
    }
    this.#report(error, { kind: this.kind, phase: a.phase, retryInMs: delayMs, attempt: this.#status.consecutiveErrors });
    return { relist, delayMs, fellBack };
  }

  #epochNow(): number {
    return Math.round(this.#clock.epochMs());
  }

  #report(error: Error, info: ReflectorErrorInfo): void {
    // Reporting must never stop the reflector.
    callSafely(() => this.#o.onError?.(error, info));
  }

  /** `list mcpservers.toolhive.stacklok.dev in namespace "ns"`, for messages. */
  describe(verb: 'list' | 'watch'): string {
    return describeTarget({ verb, resource: this.#o.resource, namespace: this.#o.namespace });
  }
}

/**
 * The answers a server gives a streaming list it does not support: 400/422 for parameters it validates and refuses
 * (kube-apiserver with the WatchList feature gate off: "sendInitialEvents is forbidden …"), 415/406 from proxies.
 * Authorization, missing resources and throttling are not refusals: the paginated LIST would fail the same way.
 */
function isWatchListRefusal(error: Error): boolean {
  return error instanceof KubeApiError && [400, 406, 415, 422].includes(error.status);
}
