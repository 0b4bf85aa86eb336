/** The reflector's public types: where it delivers, what it reports, and how it is tuned. */
import type { KubeObject, ResourceDescriptor } from '@vmcp/api';
import type { BackoffOptions, Clock } from '@vmcp/core';
import type { KubeHttpClient } from '../client/http.ts';

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
   * Abort a list or watch that has sent no byte for this long: a connection that died without a FIN (a NAT or load
   * balancer dropping it silently) is noticed within this time. Default 120 s. Every watch asks the server to end
   * it before this deadline (see `watchTimeoutSeconds`), so a healthy watch on a quiet kind is never cut by it.
   */
  inactivityTimeoutMs?: number;
  /**
   * Server-side timeout of each watch, drawn from [min, max) seconds per watch and always kept below
   * `inactivityTimeoutMs` (at most 90 % of it). Default 50–90 % of the inactivity deadline: 60–108 s.
   */
  watchTimeoutSeconds?: { min: number; max: number };
  /** Retry pacing of failed lists and watches. Default `DEFAULT_BACKOFF` (client-go's reflector: 800 ms → 30 s). */
  backoff?: BackoffOptions;
  pageSize?: number;
  /** Every failure, with when the reflector retries. Never throws into the reflector (errors are swallowed). */
  onError?: (error: Error, info: ReflectorErrorInfo) => void;
  /** Every watch event type received (metrics). */
  onWatchEvent?: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK') => void;
  /** The server ended a watch normally (its `timeoutSeconds`): the server is alive, the reflector re-watches at once. */
  onWatchEnd?: () => void;
  /**
   * Time source of delays, backoff, jitter (the watch timeout and the backoff draw from its `random()`) and status
   * times (`epochMs()`). Tests pass a `FakeClock`. Default the process clock.
   */
  clock?: Clock;
}
