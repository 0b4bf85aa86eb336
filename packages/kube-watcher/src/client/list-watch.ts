import { collectionPath, type KubeList, type KubeObject, type ResourceDescriptor } from '@vmcp/api';
import { KubeApiError, KubeTransportError, type KubeStatus, type RequestTarget } from './errors.ts';
import type { KubeHttpClient } from './http.ts';
import { LineSplitter } from './ndjson.ts';

/** Server-side projection to `PartialObjectMetadata`: no `data`/`spec`/`status` ever crosses the wire. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
export const JSON_ACCEPT = 'application/json';

/**
 * The namespace argument of {@link listPages}, {@link watch} and the reflector that lists and watches a namespaced
 * resource across every namespace (`/apis/group/version/plural`, one request for the whole cluster).
 */
export const ALL_NAMESPACES = '';

/** The collection path to list or watch: one namespace's, or the cluster-wide one for {@link ALL_NAMESPACES}. */
function readPath(resource: ResourceDescriptor, namespace: string): string {
  return namespace === ALL_NAMESPACES ? collectionPath({ ...resource, namespaced: false }, undefined) : collectionPath(resource, namespace);
}

/** Page size of LISTs (client-go's pager default). */
export const DEFAULT_PAGE_SIZE = 500;

/** Options of `listAll`. */
export interface ListOptions {
  /** `'0'` lets the API server's watch cache answer (cheap, maybe slightly stale); `''` forces a quorum read. */
  resourceVersion?: string;
  /** Ask for `PartialObjectMetadata` and keep only `{apiVersion, kind, metadata}` of each item. */
  metadataOnly?: boolean;
  /** Items per page (`limit`); default `DEFAULT_PAGE_SIZE`. */
  pageSize?: number;
  signal?: AbortSignal | undefined;
  /** Abort a page that sends no byte for this many milliseconds; no limit when absent. */
  inactivityTimeoutMs?: number | undefined;
}

/** All items of a paginated LIST. */
export interface ListResult {
  items: KubeObject[];
  /** The list's resourceVersion: the point to watch from. */
  resourceVersion: string;
  /** Number of pages fetched (at least 1). */
  pages: number;
}

/** What {@link listPages} returns once every page was delivered. */
export interface PagedListResult {
  /** The list's resourceVersion: the point to watch from. */
  resourceVersion: string;
  /** Number of pages fetched (at least 1). */
  pages: number;
}

/**
 * Metadata-only objects are reduced to `{apiVersion, kind, metadata}` even if a server (or a proxy that ignored
 * the `Accept` projection) sent more: for Secrets this is what guarantees no value is ever held.
 */
export function metadataOnly(obj: KubeObject): KubeObject {
  const o = obj as KubeObject & Record<string, unknown>;
  const out: KubeObject = { metadata: o.metadata };
  if (o.apiVersion !== undefined) out.apiVersion = o.apiVersion;
  if (o.kind !== undefined) out.kind = o.kind;
  return out;
}

/**
 * Paginated namespace-scoped LIST (`limit` + `continue`) that hands each item to `onItem` as its page arrives and
 * keeps nothing: at most one page of raw objects is alive at a time, however long the list. A 410 on a continue
 * token is thrown: the caller relists. An exception from `onItem` stops the list and rejects with it.
 */
export async function listPages(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string,
  opts: ListOptions,
  onItem: (item: KubeObject) => void,
): Promise<PagedListResult> {
  const target: RequestTarget = { verb: 'list', resource, namespace };
  const path = readPath(resource, namespace);
  let cont: string | undefined;
  let resourceVersion = '';
  let pages = 0;
  do {
    const page = await fetchPage(client, target, path, opts, cont);
    pages++;
    // An empty PartialObjectMetadataList comes back as `"items": null` (a nil Go slice): that is an empty page.
    const pageItems: unknown = page && typeof page === 'object' ? (page.items ?? []) : undefined;
    if (!Array.isArray(pageItems)) throw new KubeTransportError(target, 'answer is not a list (no items array)');
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    cont = page.metadata?.continue || undefined;
    for (const item of pageItems as KubeObject[]) onItem(opts.metadataOnly ? metadataOnly(item) : item);
  } while (cont !== undefined);
  return { resourceVersion, pages };
}

// A function of its own so that no page outlives its loop iteration in a suspended caller's frame.
function fetchPage(
  client: KubeHttpClient,
  target: RequestTarget,
  path: string,
  opts: ListOptions,
  cont: string | undefined,
): Promise<KubeList> {
  return client.getJson<KubeList>({
    target,
    path,
    // resourceVersion only on the first page: with a continue token the server rejects it.
    query: {
      limit: String(opts.pageSize ?? DEFAULT_PAGE_SIZE),
      continue: cont,
      resourceVersion: cont === undefined && opts.resourceVersion ? opts.resourceVersion : undefined,
    },
    accept: opts.metadataOnly ? METADATA_LIST_ACCEPT : JSON_ACCEPT,
    signal: opts.signal,
    inactivityTimeoutMs: opts.inactivityTimeoutMs,
  });
}

/** Paginated LIST collected into one array (for callers that want the whole list; the reflector streams pages). */
export async function listAll(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string,
  opts: ListOptions = {},
): Promise<ListResult> {
  const items: KubeObject[] = [];
  const res = await listPages(client, resource, namespace, opts, (item) => items.push(item));
  return { items, ...res };
}

/** A watch event as it comes off the wire (`ERROR` carries a Status). */
export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  | { type: 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: KubeStatus };

/** Options of `watch`. */
export interface WatchOptions {
  /** Where the watch starts: usually the `resourceVersion` of the last list or event. */
  resourceVersion: string;
  /**
   * Server-side end of the watch. Keep it below `inactivityTimeoutMs`: on a quiet kind the server may send nothing
   * until then (the reflector draws it from 50–90 % of its deadline).
   */
  timeoutSeconds: number;
  /** Ask for `PartialObjectMetadata`; objects are reduced as with `ListOptions.metadataOnly` (bookmarks excepted). */
  metadataOnly?: boolean;
  signal?: AbortSignal | undefined;
  /** Reject when no byte (event or bookmark) arrives for this many milliseconds; no limit when absent. */
  inactivityTimeoutMs?: number | undefined;
  /** The server accepted the watch (200, headers received). */
  onConnected?: () => void;
  /**
   * A streaming list (client-go's WatchList): `sendInitialEvents=true` with `resourceVersionMatch=NotOlderThan`, so
   * the server first sends every current object as ADDED, then a BOOKMARK annotated {@link INITIAL_EVENTS_END}, then
   * ordinary events. `resourceVersion` `''` asks for a consistent (quorum) starting point.
   */
  sendInitialEvents?: boolean;
}

/** The annotation on the BOOKMARK that ends the initial events of a streaming list. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** True for the BOOKMARK that ends the initial events of a streaming list. */
export function isInitialEventsEnd(event: WatchEvent): boolean {
  return event.type === 'BOOKMARK' && event.object.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true';
}

/**
 * Streams one WATCH. `onEvent` gets each parsed event in order (an `ERROR` event is delivered, not thrown, so the
 * caller decides: 410 → relist). Resolves when the server ends the watch; rejects on transport/HTTP errors, the
 * inactivity deadline or abort. An exception from `onEvent` ends the watch and rejects with it.
 */
export async function watch(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string,
  opts: WatchOptions,
  onEvent: (event: WatchEvent) => void,
): Promise<void> {
  const target: RequestTarget = { verb: 'watch', resource, namespace };
  const onLine = (line: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new KubeTransportError(target, `malformed watch event (${line.length} bytes)`, { cause: err });
    }
    const ev = parsed as { type?: unknown; object?: unknown };
    if (typeof ev.type !== 'string' || !ev.object || typeof ev.object !== 'object') {
      throw new KubeTransportError(target, 'malformed watch event (no type or object)');
    }
    if (ev.type === 'ERROR') {
      onEvent({ type: 'ERROR', object: ev.object });
      return;
    }
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') {
      throw new KubeTransportError(target, `unknown watch event type ${JSON.stringify(ev.type)}`);
    }
    const object = ev.object as KubeObject;
    onEvent({ type: ev.type, object: opts.metadataOnly && ev.type !== 'BOOKMARK' ? metadataOnly(object) : object });
  };
  const lines = new LineSplitter(onLine);
  await client.exchange({
    target,
    path: readPath(resource, namespace),
    query: {
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: opts.resourceVersion,
      ...(opts.sendInitialEvents === true ? { sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan' } : {}),
      timeoutSeconds: String(opts.timeoutSeconds),
    },
    accept: opts.metadataOnly ? METADATA_WATCH_ACCEPT : JSON_ACCEPT,
    signal: opts.signal,
    inactivityTimeoutMs: opts.inactivityTimeoutMs,
    ...(opts.onConnected ? { onResponse: opts.onConnected } : {}),
    onChunk: (chunk) => lines.push(chunk),
  });
  lines.end();
}

/** Turns a watch `ERROR` event into the same typed error an HTTP status would give. */
export function watchErrorToError(resource: ResourceDescriptor, namespace: string, status: KubeStatus): KubeApiError {
  return new KubeApiError({ verb: 'watch', resource, namespace }, typeof status.code === 'number' ? status.code : 500, status);
}
