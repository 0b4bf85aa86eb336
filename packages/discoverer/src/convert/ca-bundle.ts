import type { ConfigMap } from '@vmcp/api';
import { errorMessage } from '@vmcp/core';
import { FieldReader, isJsonObject, jsonTypeOf } from '../read/fields.ts';
import type { DirectReader } from '../types.ts';

/** The key read when `configMapRef.key` is empty, as upstream. */
export const DEFAULT_CA_BUNDLE_KEY = 'ca.crt';

/** A validated `spec.caBundleRef.configMapRef`. */
export interface CABundleConfigMapRef {
  name: string;
  key: string;
}

/**
 * Reads the CA bundle (PEM) of an MCPServerEntry from ConfigMap `ref.name` with a direct GET (ConfigMaps are not
 * cached). Key `ref.key`, or `ca.crt` when empty; `data` only (`binaryData` is not read); `optional` is ignored.
 *
 * Errors (upstream texts): `CABundleRef.configMapRef is nil`, `failed to get CA bundle ConfigMap <name>: …`, `ConfigMap <name> does not contain key "<key>"`.
 */
export async function fetchCABundleData(
  direct: DirectReader,
  namespace: string,
  ref: CABundleConfigMapRef | null | undefined,
  signal?: AbortSignal,
): Promise<string> {
  if (ref === null || ref === undefined) throw new Error('CABundleRef.configMapRef is nil');
  let configMap: ConfigMap;
  try {
    configMap = await direct.getConfigMap(namespace, ref.name, signal);
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw new Error(`failed to get CA bundle ConfigMap ${ref.name}: ${errorMessage(error)}`, { cause: error });
  }
  const key = ref.key === '' ? DEFAULT_CA_BUNDLE_KEY : ref.key;
  if (!isJsonObject(configMap)) throw new Error(`ConfigMap ${ref.name}: the reader returned ${jsonTypeOf(configMap)}, not an object`);
  const fields: FieldReader = new FieldReader(`ConfigMap ${ref.name}`);
  const data = fields.object(configMap['data'], 'data');
  if (data === undefined || !Object.hasOwn(data, key)) {
    throw new Error(`ConfigMap ${ref.name} does not contain key ${JSON.stringify(key)}`);
  }
  return fields.stringOrEmpty(data[key], `data[${JSON.stringify(key)}]`);
}
