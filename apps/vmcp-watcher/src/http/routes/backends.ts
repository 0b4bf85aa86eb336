import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend, PublicBackend } from '@vmcp/registry';
import type { KindStatus, WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceContext } from '../context.ts';
import { jsonArray, writePieces } from '../json-stream.ts';
import { cutPage, parsePageRequest, type Page, type PageRequest } from '../paging.ts';
import type { Omission } from '../public-json.ts';
import { notFound, sendJson } from '../respond.ts';
import { excludedObjects, excludedPage, type ExcludedObject } from './excluded.ts';

export { excludedObjects, type ExcludedObject };

/**
 * `GET /api/v1/backends`, one page. Every backend goes through `toPublicBackend`: no secret value can be served.
 * The body is streamed (one backend serialised at a time), so its size costs no memory.
 */
export interface BackendListResponse {
  namespace: string;
  groupRef: string;
  /** The registry version when this page was cut. */
  version: number;
  synced: boolean;
  /** Backends in the registry (all pages; with `?q=`, those matching), when this page was cut. */
  count: number;
  /** Backends in the whole registry by health (`healthy`, `unhealthy`…), whatever `?q=` says. */
  health: Record<string, number>;
  /** Backends after this page. */
  remainingItemCount: number;
  /** Pass as `?continue=` for the next page; absent on the last page. */
  continue?: string;
  /** This page, ordered by id. A backend too large to serve is an `OmittedBackend` stub (`omitted` set). */
  backends: (PublicBackend & { omitted?: Omission })[];
  /**
   * Objects that exist but are not served, with the reason, ordered by name: on the first page only, at most a page
   * of them (`limit`); later pages carry `[]`. The rest are paged at `/api/v1/excluded` from `excludedContinue`.
   */
  excluded: ExcludedObject[];
  /** Excluded objects in all (first page only). */
  excludedCount?: number;
  /** Pass as `?continue=` to `/api/v1/excluded` (or the group's `…/excluded`) for the exclusions after `excluded`. */
  excludedContinue?: string;
  /** The watcher's `conflicts`, as it reports them. */
  conflicts: WatcherStatus['conflicts'];
  /** The watcher's `kinds`, as it reports them. */
  watches: KindStatus[];
}

function* mapped<T>(items: Iterable<T>, toJson: (item: T) => string): Generator<string> {
  for (const item of items) yield toJson(item);
}

/** How many backends have each health. */
export function countByHealth(backends: readonly Backend[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const backend of backends) counts[backend.healthStatus] = (counts[backend.healthStatus] ?? 0) + 1;
  return counts;
}

const MAX_FILTER = 256;

/** `?q=`: a case-insensitive part of the id or name; empty = everything. */
function filterOf(url: URL): ((backend: Backend) => boolean) | { error: string } | undefined {
  const q = url.searchParams.get('q')?.trim().toLowerCase() ?? '';
  if (q === '') return undefined;
  if (q.length > MAX_FILTER) return { error: `q must be at most ${MAX_FILTER} characters` };
  return (b) => b.id.toLowerCase().includes(q) || b.name.toLowerCase().includes(q);
}

/** The page as JSON pieces; each backend is serialised only when the socket wants more. */
function* listBody(ctx: ServiceContext, page: Page, health: Record<string, number>, request: PageRequest): Generator<string> {
  const head: Record<string, unknown> = {
    namespace: ctx.namespace,
    groupRef: ctx.groupRef,
    version: page.version,
    synced: ctx.watcher?.hasSynced() ?? true,
    count: page.count,
    health,
    remainingItemCount: page.remaining,
  };
  if (page.continueToken !== undefined) head['continue'] = page.continueToken;
  yield `${JSON.stringify(head).slice(0, -1)},"backends":`;
  yield* jsonArray(mapped(page.items, (b) => ctx.publicJson.json(b)));
  const status = ctx.watcher?.status();
  // Exclusions are paged on their own: only the first page of backends carries the first page of them.
  const excluded = request.after === undefined ? excludedPage(ctx, { limit: request.limit, after: undefined }) : undefined;
  yield ',"excluded":';
  yield* jsonArray(mapped(excluded?.items ?? [], (e) => JSON.stringify(e)));
  if (excluded !== undefined) yield `,"excludedCount":${excluded.count}`;
  if (excluded?.continueToken !== undefined) yield `,"excludedContinue":${JSON.stringify(excluded.continueToken)}`;
  yield `,"conflicts":${JSON.stringify(status?.conflicts ?? [])},"watches":${JSON.stringify(status?.kinds ?? [])}}`;
}

/** `GET /api/v1/backends?limit=&continue=&q=`. */
export function listBackendsRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const request = parsePageRequest(url, ctx.limits);
    if ('error' in request) {
      sendJson(req, res, 400, { error: 'bad_request', message: request.error });
      return;
    }
    const filter = filterOf(url);
    if (filter !== undefined && 'error' in filter) {
      sendJson(req, res, 400, { error: 'bad_request', message: filter.error });
      return;
    }
    const version = ctx.registry.version();
    const all = ctx.registry.list();
    const page = cutPage(filter === undefined ? all : all.filter(filter), request, version);
    const health = countByHealth(all);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (await writePieces(res, listBody(ctx, page, health, request))) res.end();
  };
}

/** `GET /api/v1/backends/{id}`: the public backend, or 404 (with the exclusion reason when the object exists). */
export function getBackendRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, id: string) => void {
  return (req, res, id) => {
    const backend = ctx.registry.get(id);
    if (backend !== undefined) {
      const body = `{"version":${ctx.registry.version()},"backend":${ctx.publicJson.json(backend)}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const exclusions = ctx.watcher?.status().exclusions ?? {};
    // An own key only: an id such as `constructor` must not find the prototype's.
    const excluded = Object.hasOwn(exclusions, id) ? { name: id, ...exclusions[id] } : undefined;
    notFound(req, res, excluded === undefined ? { id } : { id, excluded });
  };
}
