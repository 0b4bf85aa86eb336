/**
 * What the access check and the feed change on the API port: the feed's routes are added, and under
 * `--auth-public` every other route but the probe paths is put behind the token check.
 */
import type { ServiceContext } from '../http/context.ts';
import type { RouteTable } from '../http/listener.ts';
import { createAccessCheck, type AccessCheck, type AccessCheckOptions } from './access.ts';
import { createFeed, type Feed, type FeedOptions } from './feed.ts';
import type { Reviews } from './kube-reviews.ts';

/** The access settings of a service (`--feed`, `--auth-audiences`, `--auth-public`) and how reviews are made. */
export interface ApiAccessOptions {
  reviews: Reviews;
  audiences: readonly string[];
  /** Serve the feed. */
  feed: boolean;
  /** The token check on the public routes too. */
  authPublic: boolean;
  /** Bounds of the feed's event stream. */
  feedLimits?: Omit<FeedOptions, 'context' | 'access'>;
  /** Cache lifetimes and review bounds of the check. */
  limits?: AccessCheckOptions['limits'];
}

/** The access check and feed of one service. */
export interface ApiAccess {
  readonly check: AccessCheck;
  /** Absent unless the feed is on. */
  readonly feed: Feed | undefined;
  /** The API port's table with the feed's routes added and, under `authPublic`, the rest behind the check. */
  routes(table: RouteTable, probePaths: readonly string[]): RouteTable;
  /** Ends the feed's streams. */
  close(): void;
}

/** Builds the access check and (when on) the feed on `ctx`. */
export function createApiAccess(ctx: ServiceContext, options: ApiAccessOptions): ApiAccess {
  const holder: { feed?: Feed } = {};
  const check = createAccessCheck({
    context: ctx,
    reviews: options.reviews,
    audiences: options.audiences,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    feedClients: () => holder.feed?.hub.clientCount ?? 0,
  });
  const feed = options.feed ? (holder.feed = createFeed({ ...options.feedLimits, context: ctx, access: check })) : undefined;
  return {
    check,
    feed,
    routes: (table, probePaths) => {
      const guarded = options.authPublic ? check.guardTable(table, new Set(probePaths)) : table;
      return feed === undefined ? guarded : { ...guarded, exact: { ...guarded.exact, ...feed.routes } };
    },
    close: () => feed?.close(),
  };
}
