/**
 * The baseline: a bare list+watch client that does what any watcher must do at minimum — list (paginated, 500 per
 * page like client-go and our reflector) and watch the same resources with the same HTTP stack — and only decodes
 * the JSON. No store, no transform, no queue, no conversion. Every benchmark figure is "ours / this".
 */
import { collectionPath, type ResourceDescriptor } from '@vmcp/api';
import { METADATA_LIST_ACCEPT, METADATA_WATCH_ACCEPT, type KubeClient, type WatchEvent, type WatchHandle } from '../kube/client.ts';

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

interface ListPage {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: Record<string, unknown>[];
}

/** Lists every object of a resource in a namespace, page by page, decoding each page. */
export async function listAll(client: KubeClient, namespace: string, target: BaselineResource): Promise<ListResult> {
  const base = collectionPath(target.resource, namespace);
  const accept = target.metadataOnly === true ? METADATA_LIST_ACCEPT : 'application/json';
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  let pages = 0;
  do {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (token !== undefined) query.set('continue', token);
    const page = await client.request<ListPage>('GET', `${base}?${query.toString()}`, { accept });
    pages += 1;
    for (const item of page.items ?? []) items.push(item);
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    const next = page.metadata?.continue;
    token = next === undefined || next === '' ? undefined : next;
  } while (token !== undefined);
  return { items, resourceVersion, pages };
}

/** Lists every resource in parallel (as the watcher's reflectors do); resolves the results in the same order. */
export function listEverything(client: KubeClient, namespace: string, targets: readonly BaselineResource[]): Promise<ListResult[]> {
  return Promise.all(targets.map((t) => listAll(client, namespace, t)));
}

/** Watches one resource from `resourceVersion` (with bookmarks, as the watcher asks), delivering decoded events. */
export function watchFrom(
  client: KubeClient,
  namespace: string,
  target: BaselineResource,
  resourceVersion: string,
  onEvent: (event: WatchEvent) => void,
): Promise<WatchHandle> {
  const query = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true', resourceVersion });
  const path = `${collectionPath(target.resource, namespace)}?${query.toString()}`;
  return client.watch(path, onEvent, target.metadataOnly === true ? { accept: METADATA_WATCH_ACCEPT } : {});
}
