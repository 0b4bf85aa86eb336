/**
 * The registry feed: the full backends, secret-bearing fields included, for gateways that read them instead of
 * watching Kubernetes themselves. Two routes on the API port, both behind the Kubernetes access check:
 *
 * - `GET /api/v1/feed/events`: the event stream of `/api/v1/events` (epoch ids, `reset`, resume, heartbeats, bounded
 *   queues: the same `EventHub`, a second instance that serialises full backends instead of public ones). A stream is
 *   ended after `maxStreamMs` (jittered) so that its access is checked again; the client resumes where it was.
 * - `GET /api/v1/feed/backends`: the full backends, paged as `/api/v1/backends`.
 *
 * Until the watcher has synced both answer 503 `not_synced`: a reset of a half-filled registry would make every
 * client drop the backends not listed yet (a watcher restart or a new replica must cause no churn).
 */
import type { Backend } from '@vmcp/registry';
import { parseGroupRef } from '@vmcp/reconciler';
import type { ServiceContext } from '../http/context.ts';
import { jsonArray, writePieces } from '../http/json-stream.ts';
import { cutPage, parsePageRequest } from '../http/paging.ts';
import { sendJson } from '../http/respond.ts';
import { eventsRoute } from '../http/routes/events.ts';
import { EventHub } from '../http/sse/event-hub.ts';
import type { Route } from '../http/listener.ts';
import type { AccessCheck } from './access.ts';

/** The paths of the feed. */
export const FEED_EVENTS_PATH = '/api/v1/feed/events';
export const FEED_BACKENDS_PATH = '/api/v1/feed/backends';

/** Options of {@link createFeed}. */
export interface FeedOptions {
  /** The service's context: its registry, watcher, limits, logger and the public hub (whose epoch the feed shares). */
  context: ServiceContext;
  /** The access check every feed request passes. */
  access: AccessCheck;
  maxClients?: number;
  heartbeatMs?: number;
  bufferSize?: number;
  /** A feed client whose unsent output exceeds this is dropped. Default the hub's 4 MiB. */
  maxBufferedBytes?: number;
  /** A feed stream is ended after this long (plus up to 20 % jitter) so its access is re-checked. Default 15 min. */
  maxStreamMs?: number;
}

/** The feed of one service. */
export interface Feed {
  /** The event hub of full backends (its own clients, the public hub's epoch). */
  readonly hub: EventHub;
  /** The feed's routes by path, each behind the access check. */
  readonly routes: Readonly<Record<string, Route>>;
  /** Ends every feed stream. */
  close(): void;
}

/**
 * The feed's JSON of a backend: all of it, served only to callers the access check allowed. Stored backends are
 * immutable and replaced on change, so each one's JSON is made once and shared by every reset and page that writes
 * it: 50 gateways reconnecting after a restart cost one serialisation of the registry, not 50.
 */
function fullJsonWriter(): (backend: Backend) => string {
  const made = new WeakMap<Backend, string>();
  return (backend) => {
    let json = made.get(backend);
    if (json === undefined) {
      json = JSON.stringify(backend);
      made.set(backend, json);
    }
    return json;
  };
}

/** Wires the feed on a service context. */
export function createFeed(options: FeedOptions): Feed {
  const ctx = options.context;
  const logger = ctx.logger.child({ component: 'feed' });
  const fullJson = fullJsonWriter();
  function* mapped(backends: Iterable<Backend>): Generator<string> {
    for (const backend of backends) yield fullJson(backend);
  }
  const hub = new EventHub({
    registry: ctx.registry,
    logger,
    serialize: fullJson,
    epoch: ctx.hub.epoch,
    maxClients: options.maxClients ?? 100,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }),
    ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
  });
  const synced =
    (route: Route): Route =>
    (req, res, url) => {
      if (!(ctx.watcher?.hasSynced() ?? true)) {
        sendJson(
          req,
          res,
          503,
          { error: 'unavailable', cause: 'not_synced', message: 'the watcher has not synced yet; retry shortly' },
          { 'retry-after': '2' },
        );
        return;
      }
      return route(req, res, url);
    };

  const events = eventsRoute({ ...ctx, hub, logger });
  const maxStreamMs = options.maxStreamMs ?? 15 * 60_000;
  const stream: Route = (req, res, url) => {
    events(req, res, url);
    if (res.statusCode !== 200 || res.writableEnded) return;
    const timer = setTimeout(() => res.end(), maxStreamMs * (1 + 0.2 * Math.random()));
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  };
  const snapshot: Route = async (req, res, url) => {
    const request = parsePageRequest(url, ctx.limits);
    if ('error' in request) {
      sendJson(req, res, 400, { error: 'bad_request', message: request.error });
      return;
    }
    const page = cutPage(ctx.registry.list(), request, ctx.registry.version());
    const head = {
      namespace: ctx.namespace,
      groupRef: ctx.groupRef,
      epoch: hub.epoch,
      version: page.version,
      count: page.count,
      remainingItemCount: page.remaining,
      ...(page.continueToken === undefined ? {} : { continue: page.continueToken }),
    };
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const pieces = function* (): Generator<string> {
      yield `${JSON.stringify(head).slice(0, -1)},"backends":`;
      yield* jsonArray(mapped(page.items));
      yield '}';
    };
    if (await writePieces(res, pieces())) res.end();
  };

  const { access } = options;
  // The access review names this group and its namespace (a set has a feed per group).
  const attributes = access.attributesOf(ctx.namespace, parseGroupRef(ctx.groupRef, ctx.namespace).name, 'backends');
  return {
    hub,
    routes: {
      [FEED_EVENTS_PATH]: access.guard(attributes, synced(stream)),
      [FEED_BACKENDS_PATH]: access.guard(attributes, synced(snapshot)),
    },
    close: () => hub.close(),
  };
}
