import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PublicBackend } from '@vmcp/registry';
import type { ConflictView, ExclusionView, WatchedKindView } from '../../watcher.ts';
import type { ServiceContext } from '../context.ts';
import { jsonArray, writePieces } from '../json-stream.ts';
import { cutPage, parsePageRequest, type Page } from '../paging.ts';
import type { Omission } from '../public-json.ts';
import { notFound, sendJson } from '../respond.ts';

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
  /** Backends in the registry (all pages), when this page was cut. */
  count: number;
  /** Backends after this page. */
  remainingItemCount: number;
  /** Pass as `?continue=` for the next page; absent on the last page. */
  continue?: string;
  /** This page, ordered by id. A backend too large to serve is an `OmittedBackend` stub (`omitted` set). */
  backends: (PublicBackend & { omitted?: Omission })[];
  /** Objects that exist but are not served, with the reason (all of them, on every page). */
  excluded: ExclusionView[];
  conflicts: ConflictView[];
  watches: WatchedKindView[];
}

function* mapped<T>(items: Iterable<T>, toJson: (item: T) => string): Generator<string> {
  for (const item of items) yield toJson(item);
}

/** The page as JSON pieces; each backend is serialised only when the socket wants more. */
function* listBody(ctx: ServiceContext, page: Page): Generator<string> {
  const head: Record<string, unknown> = {
    namespace: ctx.namespace,
    groupRef: ctx.groupRef,
    version: page.version,
    synced: ctx.watcher?.hasSynced() ?? true,
    count: page.count,
    remainingItemCount: page.remaining,
  };
  if (page.continueToken !== undefined) head['continue'] = page.continueToken;
  yield `${JSON.stringify(head).slice(0, -1)},"backends":`;
  yield* jsonArray(mapped(page.items, (b) => ctx.publicJson.json(b)));
  const view = ctx.watcher?.view();
  yield ',"excluded":';
  yield* jsonArray(mapped(view?.exclusions ?? [], (e) => JSON.stringify(e)));
  yield `,"conflicts":${JSON.stringify(view?.conflicts ?? [])},"watches":${JSON.stringify(view?.kinds ?? [])}}`;
}

/** `GET /api/v1/backends?limit=&continue=`. */
export function listBackendsRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const request = parsePageRequest(url, ctx.limits);
    if ('error' in request) {
      sendJson(req, res, 400, { error: 'bad_request', message: request.error });
      return;
    }
    const version = ctx.registry.version();
    const page = cutPage(ctx.registry.list(), request, version);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (await writePieces(res, listBody(ctx, page))) res.end();
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
    const excluded = ctx.watcher?.view().exclusions.find((e) => e.name === id);
    notFound(req, res, excluded === undefined ? { id } : { id, excluded });
  };
}
