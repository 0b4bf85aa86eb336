/**
 * The objects that exist but are not served, paged on their own (`GET /api/v1/excluded?limit=&continue=`, and per
 * group): no answer grows with the number of excluded objects. The first page of `/api/v1/backends` carries the first
 * page of them and says where the rest are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareBy } from '@vmcp/core';
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceContext } from '../context.ts';
import { cutByKey, parsePageRequest, type KeyedPage, type PageRequest } from '../paging.ts';
import { sendJson } from '../respond.ts';

/** One of the watcher's `exclusions`, with its name (the key of the watcher's record) as a field. */
export type ExcludedObject = { name: string } & WatcherStatus['exclusions'][string];

/** The watcher's exclusions as a list ordered by name: what `excluded` and a 404 show. */
export function excludedObjects(status: WatcherStatus | undefined): ExcludedObject[] {
  return Object.entries(status?.exclusions ?? {})
    .map(([name, exclusion]) => ({ name, ...exclusion }))
    .sort(compareBy((e) => e.name));
}

/** `GET /api/v1/excluded`. */
export interface ExcludedListResponse {
  /** Excluded objects in all (all pages). */
  count: number;
  remainingItemCount: number;
  /** Pass as `?continue=` for the next page; absent on the last page. */
  continue?: string;
  /** This page, ordered by name. */
  excluded: ExcludedObject[];
}

/** The page of the watcher's exclusions `request` asks for. */
export function excludedPage(ctx: ServiceContext, request: PageRequest): KeyedPage<ExcludedObject> {
  return cutByKey(excludedObjects(ctx.watcher?.status()), (e) => e.name, request);
}

/** `GET /api/v1/excluded?limit=&continue=`. */
export function excludedRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const request = parsePageRequest(url, ctx.limits);
    if ('error' in request) {
      sendJson(req, res, 400, { error: 'bad_request', message: request.error });
      return;
    }
    const page = excludedPage(ctx, request);
    const body: ExcludedListResponse = {
      count: page.count,
      remainingItemCount: page.remaining,
      ...(page.continueToken === undefined ? {} : { continue: page.continueToken }),
      excluded: page.items,
    };
    sendJson(req, res, 200, body);
  };
}
