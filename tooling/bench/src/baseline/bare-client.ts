/**
 * The baseline: a bare list+watch client that does what any watcher must do at minimum — list (paginated, 500 per
 * page like client-go and our reflector) and watch the same resources with the same HTTP client — and only decodes
 * the JSON. No store, no transform, no queue, no conversion. Every benchmark figure is "ours / this".
 *
 * The requests, the pagination and the watch framing are `@vmcp/kube-watcher`'s own (`listAll`, `watch`): the
 * baseline differs from the watcher only in what it does with the objects, which is what the figures compare.
 */
import type { ResourceDescriptor } from '@vmcp/api';
import { listAll as listPages, watch, type KubeHttpClient } from '@vmcp/kube-watcher';

/** Page size of the paginated list; the same as the watcher's reflector default. */
export const PAGE_SIZE = 500;

/** What the baseline lists and watches: a resource, optionally metadata-only (Secrets, ConfigMaps). */
export interface BaselineResource {
  resource: ResourceDescriptor;
  metadataOnly?: boolean;
}

/** The decoded result of a full paginated list. */
export interface ListResult {
  items: Record<string, unknown>[];
  resourceVersion: string;
  pages: number;
}

/** One decoded watch event. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/** A running watch: `done` settles when the server ends the stream (resolves) or the connection fails (rejects). */
export interface WatchHandle {
  readonly done: Promise<void>;
  /** Closes the stream; `done` then resolves. */
  close(): void;
}

/** Server-side end of a baseline watch: longer than any phase, so the server never ends it mid-measurement. */
const WATCH_TIMEOUT_SECONDS = 3600;

/** Lists every object of a resource in a namespace, page by page, decoding each page. */
export async function listAll(client: KubeHttpClient, namespace: string, target: BaselineResource): Promise<ListResult> {
  const { items, resourceVersion, pages } = await listPages(client, target.resource, namespace, {
    pageSize: PAGE_SIZE,
    metadataOnly: target.metadataOnly === true,
  });
  return { items: items as unknown as Record<string, unknown>[], resourceVersion, pages };
}

/** Lists every resource in parallel (as the watcher's reflectors do); resolves the results in the same order. */
export function listEverything(client: KubeHttpClient, namespace: string, targets: readonly BaselineResource[]): Promise<ListResult[]> {
  return Promise.all(targets.map((t) => listAll(client, namespace, t)));
}

/** Watches one resource from `resourceVersion` (with bookmarks, as the watcher asks), delivering decoded events. */
export function watchFrom(
  client: KubeHttpClient,
  namespace: string,
  target: BaselineResource,
  resourceVersion: string,
  onEvent: (event: WatchEvent) => void,
): Promise<WatchHandle> {
  const abort = new AbortController();
  let connected!: () => void;
  const accepted = new Promise<void>((resolve) => (connected = resolve));
  const done = watch(
    client,
    target.resource,
    namespace,
    {
      resourceVersion,
      timeoutSeconds: WATCH_TIMEOUT_SECONDS,
      metadataOnly: target.metadataOnly === true,
      signal: abort.signal,
      onConnected: () => connected(),
    },
    (event) => onEvent({ type: event.type, object: event.object as unknown as Record<string, unknown> }),
  ).catch((err: unknown) => {
    if (abort.signal.aborted) return; // closed by us
    throw err;
  });
  // The handle comes once the server accepted the watch, or the attempt failed (then `done` rejects with why).
  return Promise.race([accepted, done.catch(() => undefined)]).then(() => ({ done, close: () => abort.abort() }));
}
