import { ConfigMapResource, SecretResource, type ConfigMap, type ResourceDescriptor, type Secret } from '@vmcp/api';
import { NotFoundError, type DirectReader } from '@vmcp/discoverer';
import { KubeApiError } from './errors.ts';
import type { KubeHttpClient } from './http.ts';
import { getObject } from './objects.ts';

/** Options of {@link createApiDirectReader}. */
export interface ApiDirectReaderOptions {
  /** Per-request deadline (no bytes for this long → error). Default 10 s. */
  timeoutMs?: number;
}

/**
 * A `DirectReader` that GETs Secrets and ConfigMaps from the API server every time. Nothing is cached, so a
 * secret value lives only as long as the conversion that asked for it. A 404 becomes `NotFoundError`; any other
 * failure an error naming the verb, the resource, the object and the namespace.
 */
export function createApiDirectReader(client: KubeHttpClient, options: ApiDirectReaderOptions = {}): DirectReader {
  const timeoutMs = options.timeoutMs ?? 10_000;
  async function get<T>(resource: ResourceDescriptor, namespace: string, name: string, signal?: AbortSignal): Promise<T> {
    try {
      return await getObject<T>(client, resource, namespace, name, { signal, timeoutMs });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) {
        throw new NotFoundError(resource.kind, name, `${resource.kind} ${namespace}/${name} not found`);
      }
      throw err;
    }
  }
  return {
    getSecret: (namespace, name, signal) => get<Secret>(SecretResource, namespace, name, signal),
    getConfigMap: (namespace, name, signal) => get<ConfigMap>(ConfigMapResource, namespace, name, signal),
  };
}
