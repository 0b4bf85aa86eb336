/**
 * Write helpers used by the load generators and the convergence suite: create, status, patch, delete, with the
 * collection paths of `@vmcp/api`.
 */
import { collectionPath, type ResourceDescriptor } from '@vmcp/api';
import { ApiError, MERGE_PATCH, type KubeClient } from './client.ts';

/** Path of one object. */
export function objectPath(resource: ResourceDescriptor, namespace: string, name: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
}

/** The `metadata.resourceVersion` of a write answer (the API server's acknowledgement). */
export function resourceVersionOf(answer: unknown): string {
  const rv = (answer as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;
  return typeof rv === 'string' ? rv : '';
}

/** POSTs an object into its collection. */
export function create(client: KubeClient, resource: ResourceDescriptor, namespace: string, body: unknown): Promise<unknown> {
  return client.request('POST', collectionPath(resource, namespace), { body });
}

/** Merge-patches the status subresource (the only way to set status on these CRDs). */
export function patchStatus(client: KubeClient, resource: ResourceDescriptor, namespace: string, name: string, status: unknown): Promise<unknown> {
  return client.request('PATCH', `${objectPath(resource, namespace, name)}/status`, { body: status, contentType: MERGE_PATCH });
}

/** Merge-patches the main resource. */
export function patch(client: KubeClient, resource: ResourceDescriptor, namespace: string, name: string, body: unknown): Promise<unknown> {
  return client.request('PATCH', objectPath(resource, namespace, name), { body, contentType: MERGE_PATCH });
}

/** Deletes an object; a 404 is not an error (it is already gone). Resolves whether something was deleted. */
export async function remove(client: KubeClient, resource: ResourceDescriptor, namespace: string, name: string): Promise<boolean> {
  try {
    await client.request('DELETE', objectPath(resource, namespace, name));
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}

/** Retries `op` on connection errors and 5xx/429 for up to `timeoutMs` (the API server may be restarting). */
export async function retrying<T>(op: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const transient = !(err instanceof ApiError) || err.status >= 500 || err.status === 429;
      if (!transient || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
    }
  }
}
