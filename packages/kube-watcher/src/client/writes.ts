/**
 * Writes of single objects: create, merge-patch (the object or its status), delete. The watcher never writes; these
 * serve the demo, the benchmarks and the tests (hence the `./testing` entry point), on the same client and with the
 * same errors as the reads (verb, resource, namespace and name; never a request body).
 */
import { ServiceAccountResource, collectionPath, objectPath, type ResourceDescriptor } from '@vmcp/api';
import { KubeApiError } from './errors.ts';
import type { KubeHttpClient } from './http.ts';
import { JSON_ACCEPT } from './list-watch.ts';
import { DEFAULT_OBJECT_TIMEOUT_MS, type ObjectRequestOptions } from './objects.ts';

/** Content type of a JSON merge patch (RFC 7386), the patch this project writes. */
const MERGE_PATCH = 'application/merge-patch+json';

/** Options of a write. */
export interface WriteOptions extends ObjectRequestOptions {
  /** Validate and admit, but persist nothing (`dryRun=All`). */
  dryRun?: boolean;
  /** `Strict`: unknown or duplicate fields are an error, not silently dropped. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

function writeQuery(opts: WriteOptions): Record<string, string | undefined> {
  return { dryRun: opts.dryRun === true ? 'All' : undefined, fieldValidation: opts.fieldValidation };
}

/** POSTs `object` into its collection; resolves the object as stored. `status` is dropped by the API server. */
export function createObject<T>(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string | undefined,
  object: unknown,
  opts: WriteOptions = {},
): Promise<T> {
  return client.requestJson<T>({
    target: { verb: 'create', resource, ...(namespace === undefined ? {} : { namespace }) },
    method: 'POST',
    path: collectionPath(resource, namespace),
    query: writeQuery(opts),
    accept: JSON_ACCEPT,
    body: { contentType: 'application/json', value: object },
    signal: opts.signal,
    inactivityTimeoutMs: opts.timeoutMs ?? DEFAULT_OBJECT_TIMEOUT_MS,
  });
}

/**
 * Merge-patches one object, or its `status` subresource (the only way to set status on a CRD that has one).
 * Resolves the object as stored.
 */
export function patchObject<T>(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string | undefined,
  name: string,
  patch: unknown,
  opts: WriteOptions & { subresource?: 'status' } = {},
): Promise<T> {
  return client.requestJson<T>({
    target: { verb: 'patch', resource, ...(namespace === undefined ? {} : { namespace }), name },
    method: 'PATCH',
    path: objectPath(resource, namespace, name, opts.subresource),
    query: writeQuery(opts),
    accept: JSON_ACCEPT,
    body: { contentType: MERGE_PATCH, value: patch },
    signal: opts.signal,
    inactivityTimeoutMs: opts.timeoutMs ?? DEFAULT_OBJECT_TIMEOUT_MS,
  });
}

/** DELETEs one object. Resolves `true` when it was deleted, `false` when it did not exist (a 404). */
export async function deleteObject(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string | undefined,
  name: string,
  opts: ObjectRequestOptions = {},
): Promise<boolean> {
  try {
    await client.requestJson<unknown>({
      target: { verb: 'delete', resource, ...(namespace === undefined ? {} : { namespace }), name },
      method: 'DELETE',
      path: objectPath(resource, namespace, name),
      accept: JSON_ACCEPT,
      signal: opts.signal,
      inactivityTimeoutMs: opts.timeoutMs ?? DEFAULT_OBJECT_TIMEOUT_MS,
    });
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return false;
    throw err;
  }
}

/**
 * Creates `object`, then writes its `status` through the status subresource: the API server drops `status` on create
 * for every kind that has that subresource (all ToolHive kinds). An object without `status` is only created. Resolves
 * the object as last stored. For demos, fixtures and tests; a controller would never write another's status.
 */
export async function createWithStatus<T>(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  namespace: string | undefined,
  object: { metadata: { name: string; [field: string]: unknown }; status?: unknown; [field: string]: unknown },
  opts: ObjectRequestOptions = {},
): Promise<T> {
  const { status, ...rest } = object;
  const created = await createObject<T>(client, resource, namespace, rest, opts);
  if (status === undefined) return created;
  return patchObject<T>(client, resource, namespace, object.metadata.name, { status }, { ...opts, subresource: 'status' });
}

/** Options of {@link requestServiceAccountToken}. */
export interface TokenRequestOptions extends ObjectRequestOptions {
  /** Audiences the token is for; none means the API server's own (as a pod's default token). */
  audiences?: string[];
  /** Requested lifetime; the API server issues at least 10 minutes. Default 1 hour. */
  expirationSeconds?: number;
}

/**
 * A TokenRequest (a create on the ServiceAccount's `token` subresource): the same kind of token the kubelet projects
 * into a pod. Resolves the token itself, which callers must keep out of logs.
 */
export async function requestServiceAccountToken(
  client: KubeHttpClient,
  namespace: string,
  serviceAccount: string,
  opts: TokenRequestOptions = {},
): Promise<string> {
  const audiences = opts.audiences ?? [];
  const answer = await client.requestJson<{ status: { token: string } }>({
    target: { verb: 'create', resource: ServiceAccountResource, namespace, name: serviceAccount },
    method: 'POST',
    path: objectPath(ServiceAccountResource, namespace, serviceAccount, 'token'),
    accept: JSON_ACCEPT,
    body: {
      contentType: 'application/json',
      value: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { ...(audiences.length === 0 ? {} : { audiences }), expirationSeconds: opts.expirationSeconds ?? 3600 },
      },
    },
    signal: opts.signal,
    inactivityTimeoutMs: opts.timeoutMs ?? DEFAULT_OBJECT_TIMEOUT_MS,
  });
  return answer.status.token;
}
