import { STATUS_CODES } from 'node:http';
import type { ResourceDescriptor } from '@vmcp/api';

/** The verbs this client issues, as RBAC names them (errors and RBAC rules use the same words). */
export type KubeVerb = 'list' | 'watch' | 'get' | 'create' | 'patch' | 'delete';

/** `plural.group` (RBAC/`kubectl` spelling), or `plural` for the core group. */
export function resourceName(resource: Pick<ResourceDescriptor, 'group' | 'plural'>): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

/** What a request was doing, so that every error can say it: verb, resource, namespace, object name. */
export interface RequestTarget {
  verb: KubeVerb;
  resource: Pick<ResourceDescriptor, 'group' | 'plural'>;
  namespace?: string;
  name?: string;
}

/** `list mcpservers.toolhive.stacklok.dev in namespace "ns"` / `get secrets "s" in namespace "ns"`. */
export function describeTarget(t: RequestTarget): string {
  const name = t.name === undefined ? '' : ` ${JSON.stringify(t.name)}`;
  // '' is every namespace: a cluster-wide list or watch of a namespaced resource.
  const ns = t.namespace === undefined ? '' : t.namespace === '' ? ' in every namespace' : ` in namespace ${JSON.stringify(t.namespace)}`;
  return `${t.verb} ${resourceName(t.resource)}${name}${ns}`;
}

/** A `metav1.Status` as the API server sends it in error bodies and watch ERROR events. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { retryAfterSeconds?: number; name?: string; kind?: string; group?: string };
}

/**
 * The API server answered with an error status (HTTP status, or a watch `ERROR` event carrying a Status).
 * The message names the verb, the resource and the namespace, then the server's own explanation, e.g.
 * `list mcpservers.toolhive.stacklok.dev in namespace "ns": 403 Forbidden (mcpservers… is forbidden: User "alice" cannot list …)`.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly target: RequestTarget;
  /** HTTP status (or the Status `code` of a watch ERROR event). */
  readonly status: number;
  /** `metav1.StatusReason`, e.g. `Forbidden`, `NotFound`, `Expired`, `Gone`, `TooManyRequests`; `''` if none. */
  readonly reason: string;
  /** The server's message, if any (never contains object data). */
  readonly serverMessage: string;
  /** From `Retry-After` or `details.retryAfterSeconds`, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(target: RequestTarget, status: number, body: KubeStatus | undefined, retryAfterMs?: number) {
    const reason = body?.reason ?? '';
    const serverMessage = body?.message ?? '';
    const statusText = STATUS_CODES[status] ?? (reason || 'Error');
    super(`${describeTarget(target)}: ${status} ${statusText}${serverMessage ? ` (${serverMessage})` : ''}`);
    this.target = target;
    this.status = status;
    this.reason = reason;
    this.serverMessage = serverMessage;
    const fromBody = body?.details?.retryAfterSeconds;
    this.retryAfterMs = retryAfterMs ?? (typeof fromBody === 'number' && fromBody > 0 ? fromBody * 1000 : undefined);
  }

  /** 410 Gone / reason Expired: the resourceVersion is too old; the caller must relist. */
  get isGone(): boolean {
    return this.status === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

/** The transport failed (connection refused/reset, TLS, malformed stream): the request never produced an answer. */
export class KubeTransportError extends Error {
  override readonly name = 'KubeTransportError';
  readonly target: RequestTarget;
  constructor(target: RequestTarget, message: string, options?: { cause?: unknown }) {
    super(`${describeTarget(target)}: ${message}`, options);
    this.target = target;
  }
}

/** No bytes (not even a bookmark) arrived for longer than the inactivity deadline: the connection is presumed dead. */
export class InactivityTimeoutError extends Error {
  override readonly name = 'InactivityTimeoutError';
  readonly target: RequestTarget;
  readonly timeoutMs: number;
  constructor(target: RequestTarget, timeoutMs: number) {
    super(`${describeTarget(target)}: no data for ${timeoutMs} ms, connection presumed dead`);
    this.target = target;
    this.timeoutMs = timeoutMs;
  }
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** True for an abort caused by the caller's signal (not an error to report). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}
