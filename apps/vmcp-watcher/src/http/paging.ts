/**
 * Pages of the backend list. Backends are ordered by id; a `continue` token is the last id of the previous page, so
 * it stays valid whatever happens to the registry in between (see the README: each backend that exists for the
 * whole walk is listed exactly once; one added or removed meanwhile may or may not be).
 */
import type { Backend } from '@vmcp/registry';
import type { HttpLimits } from './limits.ts';

/** One page request, validated. */
export interface PageRequest {
  limit: number;
  /** List ids strictly after this one; undefined = the first page. */
  after: string | undefined;
}

/** One page. */
export interface Page {
  items: Backend[];
  /** Token for the next page; undefined on the last page. */
  continueToken: string | undefined;
  /** Backends after this page (at the time it was cut). */
  remaining: number;
  /** Backends in the whole list. */
  count: number;
  /** The registry version the page was cut at. */
  version: number;
}

const TOKEN_VERSION = 1;

/** The opaque token for "after `id`". */
export function encodeContinue(id: string): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, after: id })).toString('base64url');
}

function decodeContinue(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, after } = parsed as Record<string, unknown>;
    return v === TOKEN_VERSION && typeof after === 'string' && after !== '' ? after : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `?limit=` and `?continue=`; an error message names the parameter and never echoes its value. */
export function parsePageRequest(url: URL, limits: HttpLimits): PageRequest | { error: string } {
  const rawLimit = url.searchParams.get('limit');
  let limit = limits.defaultPageSize;
  if (rawLimit !== null && rawLimit !== '') {
    if (!/^[0-9]{1,9}$/.test(rawLimit) || Number(rawLimit) < 1) return { error: 'limit must be a whole number from 1' };
    limit = Math.min(Number(rawLimit), limits.maxPageSize);
  }
  const rawContinue = url.searchParams.get('continue');
  if (rawContinue === null || rawContinue === '') return { limit, after: undefined };
  const after = decodeContinue(rawContinue);
  if (after === undefined) return { error: 'continue must be a token from a previous page of this list' };
  return { limit, after };
}

/** One page of items of any kind, keyed by a unique string (an id, a name). */
export interface KeyedPage<T> {
  items: T[];
  continueToken: string | undefined;
  remaining: number;
  count: number;
}

/** The page of `items` (any order; sorted here, in place) that `request` asks for, by `key`. */
export function cutByKey<T>(items: T[], key: (item: T) => string, request: PageRequest): KeyedPage<T> {
  const sorted = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (request.after !== undefined) {
    // First key strictly greater than `after` (binary search: the list may hold thousands).
    const after = request.after;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(sorted[mid] as T) <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = sorted.slice(start, start + request.limit);
  const remaining = sorted.length - start - page.length;
  const last = page.at(-1);
  const continueToken = remaining > 0 && last !== undefined ? encodeContinue(key(last)) : undefined;
  return { items: page, continueToken, remaining, count: sorted.length };
}

/** The page of `backends` (any order) that `request` asks for. Holds references only, never copies. */
export function cutPage(backends: Backend[], request: PageRequest, version: number): Page {
  return { ...cutByKey(backends, (b) => b.id, request), version };
}
