/**
 * The per-group paths and the list of groups:
 * - `GET /api/v1/groups`: every served group with its counts and sync state, and the watched namespaces (with
 *   `forbidden` / `crds-missing` named);
 * - `GET /api/v1/namespaces/{ns}/groups/{group}/backends[/{id}]`, `…/events`, `…/changes`, `…/status`, `…/excluded`,
 *   `…/watcher`: today's answers, for that group;
 * - `GET /api/v1/feed/namespaces/{ns}/groups/{group}/events|backends`: that group's feed (with `--feed`).
 * Path parameters are checked as Kubernetes names before anything else (400 naming the parameter); a group that is
 * not served is 404 naming it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidNamespaceName, isValidObjectName } from '@vmcp/reconciler';
import type { ServiceGroupSummary } from '../../cluster/service-watcher.ts';
import { FEED_BACKENDS_PATH, FEED_EVENTS_PATH } from '../../feed/feed.ts';
import type { GroupDirectory, GroupEntry } from '../../groups/directory.ts';
import type { ServiceContext } from '../context.ts';
import type { Route } from '../listener.ts';
import { sendJson } from '../respond.ts';
import { statusEventOf } from '../sse/status-feed.ts';
import { getBackendRoute, listBackendsRoute } from './backends.ts';
import { changesRoute } from './changes.ts';
import { eventsRoute } from './events.ts';
import { excludedRoute } from './excluded.ts';
import { statusRoute } from './status.ts';

/** One row of `/api/v1/groups`. */
export interface GroupRow extends ServiceGroupSummary {
  /** The group's paths. */
  paths: { backends: string; events: string; status: string };
}

/** `GET /api/v1/groups`. */
export interface GroupListResponse {
  /** Every served group has passed its initial reconcile. */
  synced: boolean;
  /** Today's paths (`/api/v1/backends`…) serve the one group; false when several are served (they answer 409). */
  todayPaths: boolean;
  groups: GroupRow[];
  namespaces: ReturnType<GroupDirectory['namespaces']>;
}

/** The base of a group's paths. */
export function groupBasePath(namespace: string, group: string): string {
  return `/api/v1/namespaces/${namespace}/groups/${group}`;
}

function rowOf(entry: GroupEntry): GroupRow {
  const { context: ctx } = entry;
  const base = groupBasePath(entry.namespace, entry.group);
  return {
    namespace: entry.namespace,
    group: entry.group,
    synced: ctx.watcher?.hasSynced() ?? true,
    backends: ctx.registry.count(),
    version: ctx.registry.version(),
    exclusions: Object.keys(ctx.watcher?.status().exclusions ?? {}).length,
    paths: { backends: `${base}/backends`, events: `${base}/events`, status: `${base}/status` },
  };
}

/** The body of `/api/v1/groups`. */
export function groupList(directory: GroupDirectory): GroupListResponse {
  const groups = directory.list().map(rowOf);
  return {
    synced: groups.every((g) => g.synced),
    todayPaths: !('status' in directory.sole()),
    groups,
    namespaces: [...directory.namespaces()],
  };
}

/** `GET /api/v1/groups`. */
export function groupsRoute(directory: GroupDirectory): Route {
  return (req, res) => sendJson(req, res, 200, groupList(directory));
}

type GroupRoute = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: ServiceContext) => void | Promise<void>;

/** Today's answers, by the last part of a group path. */
const GROUP_ROUTES: Readonly<Record<string, GroupRoute>> = {
  backends: (req, res, url, ctx) => listBackendsRoute(ctx)(req, res, url),
  events: (req, res, url, ctx) => eventsRoute(ctx)(req, res, url),
  changes: (req, res, url, ctx) => changesRoute(ctx)(req, res, url),
  status: (req, res, _url, ctx) => statusRoute(ctx)(req, res),
  excluded: (req, res, url, ctx) => excludedRoute(ctx)(req, res, url),
  watcher: (req, res, _url, ctx) => sendJson(req, res, 200, statusEventOf(ctx)),
};

const GROUP_PATH = /^\/api\/v1\/(feed\/)?namespaces\/([^/]+)\/groups\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/;

/** The decoded name, or undefined when it does not decode. */
function decoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The per-group paths as a route-table fallback: true when it answered. `feedRoute` is the feed's route of a group
 * and a path name (`events`, `backends`), when the feed is on.
 */
export function groupPathsFallback(directory: GroupDirectory): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  return (req, res, url) => {
    const match = GROUP_PATH.exec(url.pathname);
    if (match === null) return false;
    const [, feedPart, rawNamespace = '', rawGroup = '', leaf = '', rawId] = match;
    const namespace = decoded(rawNamespace);
    const group = decoded(rawGroup);
    if (namespace === undefined || !isValidNamespaceName(namespace)) {
      sendJson(req, res, 400, { error: 'bad_request', message: 'the namespace in the path is not a Kubernetes namespace name' });
      return true;
    }
    if (group === undefined || !isValidObjectName(group)) {
      sendJson(req, res, 400, { error: 'bad_request', message: 'the group in the path is not a Kubernetes object name' });
      return true;
    }
    const entry = directory.get(namespace, group);
    const known =
      feedPart === undefined ? leaf in GROUP_ROUTES || (leaf === 'backends' && rawId !== undefined) : ['events', 'backends'].includes(leaf);
    if (!known || (rawId !== undefined && (feedPart !== undefined || leaf !== 'backends'))) return false;
    if (entry === undefined) {
      sendJson(req, res, 404, {
        error: 'not_found',
        namespace,
        group,
        message: `group ${group} of namespace ${namespace} is not served here; the groups served are listed at /api/v1/groups`,
      });
      return true;
    }
    void answer(req, res, url, entry, feedPart !== undefined, leaf, rawId);
    return true;
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  entry: GroupEntry,
  feed: boolean,
  leaf: string,
  rawId: string | undefined,
): Promise<void> {
  try {
    if (feed) {
      const route = entry.feed?.routes[leaf === 'events' ? FEED_EVENTS_PATH : FEED_BACKENDS_PATH];
      if (route === undefined) sendJson(req, res, 404, { error: 'not_found', message: 'the feed is off (--feed)' });
      else await route(req, res, url);
      return;
    }
    if (rawId !== undefined) {
      const id = decoded(rawId);
      if (id === undefined) sendJson(req, res, 400, { error: 'bad_request' });
      else getBackendRoute(entry.context)(req, res, id);
      return;
    }
    await GROUP_ROUTES[leaf]?.(req, res, url, entry.context);
  } catch (error) {
    entry.context.logger.error('request failed', { method: req.method, path: url.pathname, error });
    if (!res.headersSent) sendJson(req, res, 500, { error: 'internal_error', message: 'the request failed; the service logged the error' });
    else res.destroy();
  }
}

/**
 * Today's paths on a directory: each answers for the directory's sole group, or with its refusal (409 naming
 * `/api/v1/groups` when several groups are served).
 */
export function soleGroupRoutes(directory: GroupDirectory): Record<string, Route> {
  const viaSole =
    (route: GroupRoute): Route =>
    (req, res, url) => {
      const sole = directory.sole();
      if ('status' in sole) {
        sendJson(req, res, sole.status, sole.body);
        return;
      }
      return route(req, res, url, sole.context);
    };
  return {
    '/status': viaSole(GROUP_ROUTES['status'] as GroupRoute),
    '/api/v1/backends': viaSole(GROUP_ROUTES['backends'] as GroupRoute),
    '/api/v1/events': viaSole(GROUP_ROUTES['events'] as GroupRoute),
    '/api/v1/changes': viaSole(GROUP_ROUTES['changes'] as GroupRoute),
    '/api/v1/excluded': viaSole(GROUP_ROUTES['excluded'] as GroupRoute),
    '/api/v1/watcher': viaSole(GROUP_ROUTES['watcher'] as GroupRoute),
  };
}
