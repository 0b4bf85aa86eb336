/**
 * The access check of the API port: the authorizer (TokenReview + SubjectAccessReview, cached), its metrics, and
 * the guards that put a route, or a whole route table, behind it. Two attributes, both in the watched namespace and
 * named after the group: `get mcpgroups/backends` for the feed (full backends, secret values included), and `get
 * mcpgroups` for the public endpoints under `--auth-public` (what reading the MCPGroup itself already shows).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseGroupRef } from '@vmcp/reconciler';
import type { ServiceContext } from '../http/context.ts';
import type { Route, RouteTable } from '../http/listener.ts';
import { notFound } from '../http/respond.ts';
import { FeedAuthorizer, type FeedAuthorizerOptions } from './authorizer.ts';
import type { ResourceAttributes, Reviews } from './kube-reviews.ts';
import { createFeedMetrics } from './metrics.ts';
import { sendRefusal } from './refusal.ts';

/** Options of {@link createAccessCheck}. */
export interface AccessCheckOptions {
  /** The service's logger and metrics; `namespace` and `groupRef` name today's one group (a set has none). */
  context: Pick<ServiceContext, 'logger' | 'metrics'> & Partial<Pick<ServiceContext, 'namespace' | 'groupRef'>>;
  reviews: Reviews;
  /** Token audiences (any one). */
  audiences: readonly string[];
  /** Cache lifetimes and review bounds. */
  limits?: Omit<FeedAuthorizerOptions, 'reviews' | 'audiences' | 'logger' | 'onRefused'>;
  /** Open feed streams, for `vmcp_feed_clients`. */
  feedClients?: () => number;
}

/** The access check of one service. */
export interface AccessCheck {
  readonly authorizer: FeedAuthorizer;
  /** `get mcpgroups/backends <group>` in the watched namespace: what the feed asks (undefined for a set). */
  readonly feedAttributes: ResourceAttributes | undefined;
  /** `get mcpgroups <group>` in the watched namespace: what `--auth-public` asks (undefined for a set). */
  readonly publicAttributes: ResourceAttributes | undefined;
  /** `get mcpgroups <group>` in `namespace`, or with `subresource` (`backends`: what a group's feed asks). */
  attributesOf(namespace: string, group: string, subresource?: string): ResourceAttributes;
  /** `route`, answered only when the caller's token is allowed `attributes` (else 401/403/503 with the cause). */
  guard(attributes: ResourceAttributes, route: Route): Route;
  /** Every route of `table` but those of `open` behind the public attribute; an unknown path too (then 404). */
  guardTable(table: RouteTable, open: ReadonlySet<string>): RouteTable;
}

/** Builds the check; its metrics go on the service's registry. */
export function createAccessCheck(options: AccessCheckOptions): AccessCheck {
  const ctx = options.context;
  const logger = ctx.logger.child({ component: 'access' });
  // Read at scrape time only, once both exist.
  const metrics = createFeedMetrics(ctx.metrics.register, {
    clients: options.feedClients ?? (() => 0),
    cached: () => authorizer.cached,
  });
  const authorizer = new FeedAuthorizer({
    ...options.limits,
    reviews: options.reviews,
    audiences: options.audiences,
    logger,
    onRefused: (code, cause) => metrics.refused(code, cause),
  });
  const attributesOf = (namespace: string, group: string, subresource?: string): ResourceAttributes => ({
    namespace,
    verb: 'get',
    group: 'toolhive.stacklok.dev',
    resource: 'mcpgroups',
    name: group,
    ...(subresource === undefined ? {} : { subresource }),
  });
  const one =
    ctx.namespace === undefined || ctx.groupRef === undefined
      ? undefined
      : { namespace: ctx.namespace, group: parseGroupRef(ctx.groupRef, ctx.namespace).name };
  const publicAttributes = one === undefined ? undefined : attributesOf(one.namespace, one.group);
  const feedAttributes = one === undefined ? undefined : attributesOf(one.namespace, one.group, 'backends');

  const guard =
    (attributes: ResourceAttributes, route: Route): Route =>
    async (req, res, url) => {
      const decision = await authorizer.authorize(req.headers.authorization, attributes);
      if (!decision.allowed) {
        sendRefusal(req, res, decision);
        return;
      }
      await route(req, res, url);
    };

  const guardTable = (table: RouteTable, open: ReadonlySet<string>): RouteTable => {
    if (publicAttributes === undefined) throw new Error('the public access check needs the one group it guards');
    const exact = Object.fromEntries(
      Object.entries(table.exact).map(([path, route]) => [path, open.has(path) ? route : guard(publicAttributes, route)]),
    );
    const fallback = table.fallback;
    const unknown = guard(publicAttributes, (req: IncomingMessage, res: ServerResponse, url: URL) => {
      if (fallback?.(req, res, url) !== true) notFound(req, res, { path: url.pathname });
    });
    return {
      exact,
      // The listener's fallback is synchronous: the checked answer goes on asynchronously, its failure is logged.
      fallback: (req, res, url) => {
        unknown(req, res, url)?.catch((error: unknown) => {
          logger.error('request failed', { method: req.method, path: url.pathname, error });
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
        return true;
      },
    };
  };

  return { authorizer, feedAttributes, publicAttributes, attributesOf, guard, guardTable };
}
