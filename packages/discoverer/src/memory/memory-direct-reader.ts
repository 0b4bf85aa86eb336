import type { ConfigMap, Secret } from '@vmcp/api';
import { NotFoundError, type DirectReader } from '../types.ts';

/** One read made through a {@link MemoryDirectReader}. */
export interface DirectRead {
  kind: 'Secret' | 'ConfigMap';
  namespace: string;
  name: string;
}

/**
 * A `DirectReader` over in-memory Secrets and ConfigMaps, for tests and examples. Every call is recorded in
 * `reads`, so a test can prove that a value was fetched at conversion time and not served from a cache.
 */
export interface MemoryDirectReader extends DirectReader {
  /** Stores a Secret (its `metadata.namespace` and `metadata.name` are the key). */
  setSecret(secret: Secret): void;
  /** Stores a ConfigMap. */
  setConfigMap(configMap: ConfigMap): void;
  deleteSecret(namespace: string, name: string): boolean;
  deleteConfigMap(namespace: string, name: string): boolean;
  /** Makes every read of this object throw `error` (an API failure) until `failWith(kind, ns, name, undefined)`. */
  failWith(kind: 'Secret' | 'ConfigMap', namespace: string, name: string, error: Error | undefined): void;
  /** Every read, in order. */
  readonly reads: DirectRead[];
}

/**
 * Builds the `data` of a Secret as the API returns it: every value base64-encoded.
 * @example secretData({ token: 's3cr3t' }) // { token: 'czNjcjN0' }
 */
export function secretData(values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) out[key] = Buffer.from(value, 'utf8').toString('base64');
  return out;
}

/** Creates a {@link MemoryDirectReader} holding the given objects. Objects without a namespace go to `default`. */
export function createMemoryDirectReader(
  initial: { secrets?: readonly Secret[]; configMaps?: readonly ConfigMap[] } = {},
): MemoryDirectReader {
  const secrets = new Map<string, Secret>();
  const configMaps = new Map<string, ConfigMap>();
  const failures = new Map<string, Error>();
  const reads: DirectRead[] = [];
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const keyOf = (object: Secret | ConfigMap): string => key(object.metadata.namespace ?? 'default', object.metadata.name);

  function read<T>(kind: 'Secret' | 'ConfigMap', store: Map<string, T>, namespace: string, name: string, signal?: AbortSignal): Promise<T> {
    reads.push({ kind, namespace, name });
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const failure = failures.get(`${kind}:${key(namespace, name)}`);
    if (failure !== undefined) return Promise.reject(failure);
    const found = store.get(key(namespace, name));
    if (found === undefined) return Promise.reject(new NotFoundError(kind, name, `${kind} ${namespace}/${name} not found`));
    // A deep copy: the caller must not be able to change what a later read returns.
    return Promise.resolve(structuredClone(found));
  }

  const reader: MemoryDirectReader = {
    reads,
    getSecret: (namespace, name, signal) => read('Secret', secrets, namespace, name, signal),
    getConfigMap: (namespace, name, signal) => read('ConfigMap', configMaps, namespace, name, signal),
    setSecret: (secret) => void secrets.set(keyOf(secret), structuredClone(secret)),
    setConfigMap: (configMap) => void configMaps.set(keyOf(configMap), structuredClone(configMap)),
    deleteSecret: (namespace, name) => secrets.delete(key(namespace, name)),
    deleteConfigMap: (namespace, name) => configMaps.delete(key(namespace, name)),
    failWith: (kind, namespace, name, error) => {
      const k = `${kind}:${key(namespace, name)}`;
      if (error === undefined) failures.delete(k);
      else failures.set(k, error);
    },
  };
  for (const secret of initial.secrets ?? []) reader.setSecret(secret);
  for (const configMap of initial.configMaps ?? []) reader.setConfigMap(configMap);
  return reader;
}
