import type { IncomingMessage, ServerResponse } from 'node:http';
import { toPublicBackend, type PublicBackend } from '@vmcp/registry';
import type { ConflictView, ExclusionView, WatchedKindView } from '../../watcher.ts';
import type { ServiceContext } from '../context.ts';
import { notFound, sendJson } from '../respond.ts';

/** `GET /api/v1/backends`. Every backend goes through `toPublicBackend`: no secret value can be served. */
export interface BackendListResponse {
  namespace: string;
  groupRef: string;
  version: number;
  synced: boolean;
  count: number;
  backends: PublicBackend[];
  /** Objects that exist but are not served, with the reason. */
  excluded: ExclusionView[];
  conflicts: ConflictView[];
  watches: WatchedKindView[];
}

/** Builds the list body. Exported for the status page's first render and for tests. */
export function buildBackendList(ctx: ServiceContext): BackendListResponse {
  const view = ctx.watcher?.view();
  const backends = ctx.registry
    .list()
    .map(toPublicBackend)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    namespace: ctx.namespace,
    groupRef: ctx.groupRef,
    version: ctx.registry.version(),
    synced: view?.synced ?? true,
    count: backends.length,
    backends,
    excluded: view?.exclusions ?? [],
    conflicts: view?.conflicts ?? [],
    watches: view?.kinds ?? [],
  };
}

/** `GET /api/v1/backends`. */
export function listBackendsRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => sendJson(req, res, 200, buildBackendList(ctx));
}

/** `GET /api/v1/backends/{id}`: the public backend, or 404 (with the exclusion reason when the object exists). */
export function getBackendRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, id: string) => void {
  return (req, res, id) => {
    const backend = ctx.registry.get(id);
    if (backend !== undefined) {
      sendJson(req, res, 200, { version: ctx.registry.version(), backend: toPublicBackend(backend) });
      return;
    }
    const excluded = ctx.watcher?.view().exclusions.find((e) => e.name === id);
    notFound(req, res, excluded === undefined ? { id } : { id, excluded });
  };
}
