/**
 * Reads of single objects. The watcher only reads; the writes (`writes.ts`) are on the `./testing` entry point.
 */
import { objectPath, type ResourceDescriptor } from '@vmcp/api';
import type { KubeHttpClient } from './http.ts';
import { JSON_ACCEPT } from './list-watch.ts';

/** Deadline of one object request when the caller gives none: no byte for this long → InactivityTimeoutError. */
export const DEFAULT_OBJECT_TIMEOUT_MS = 30_000;

/** Options of one object request. */
export interface ObjectRequestOptions {
  signal?: AbortSignal | undefined;
  /** No byte for this many milliseconds → InactivityTimeoutError. Default {@link DEFAULT_OBJECT_TIMEOUT_MS}. */
  timeoutMs?: number | undefined;
}

/** GETs one object. A 404 is thrown as `KubeApiError` with `status === 404`. */
export function getObject<T>(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string | undefined,
  name: string,
  opts: ObjectRequestOptions = {},
): Promise<T> {
  return client.getJson<T>({
    target: { verb: 'get', resource, ...(namespace === undefined ? {} : { namespace }), name },
    path: objectPath(resource, namespace, name),
    accept: JSON_ACCEPT,
    signal: opts.signal,
    inactivityTimeoutMs: opts.timeoutMs ?? DEFAULT_OBJECT_TIMEOUT_MS,
  });
}
