import type { KubeObject } from '@vmcp/api';
import { isCopiedAnnotation } from '../constants.ts';
import { isJsonObject } from '../read/fields.ts';

/**
 * Transforms that trim an object before it is cached. They keep exactly what conversion reads, and keep it
 * *verbatim*: a field of the wrong JSON type is copied as-is, so conversion can still report it as malformed instead
 * of silently seeing "absent". They never throw, whatever the input.
 */

type Picked = Record<string, unknown>;

/** Copies the listed keys of `value` when it is an object; any other value (wrong type) is returned unchanged. */
function pick(value: unknown, keys: readonly string[]): unknown {
  if (!isJsonObject(value)) return value;
  const out: Picked = {};
  for (const key of keys) {
    if (Object.hasOwn(value, key)) out[key] = value[key];
  }
  return out;
}

/** Like `pick`, with a sub-transform per kept key. */
function pickWith(value: unknown, fields: Readonly<Record<string, (v: unknown) => unknown>>): unknown {
  if (!isJsonObject(value)) return value;
  const out: Picked = {};
  for (const [key, sub] of Object.entries(fields)) {
    if (Object.hasOwn(value, key)) out[key] = sub(value[key]);
  }
  return out;
}

const keep = (v: unknown): unknown => v;
const nameOnly = (v: unknown): unknown => pick(v, ['name']);

/** Annotations minus the filtered prefixes (never copied into metadata, and `last-applied-configuration` is big). */
function trimAnnotations(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  const out: Picked = {};
  for (const [key, v] of Object.entries(value)) {
    if (isCopiedAnnotation(key)) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const META_KEYS = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'deletionTimestamp'] as const;

function trimMetadata(value: unknown, withAnnotations: boolean): unknown {
  if (!isJsonObject(value)) return value;
  const out = pick(value, META_KEYS) as Picked;
  if (withAnnotations && Object.hasOwn(value, 'annotations')) out['annotations'] = trimAnnotations(value['annotations']);
  return out;
}

function trimObject(
  object: KubeObject,
  withAnnotations: boolean,
  spec: ((v: unknown) => unknown) | undefined,
  status: ((v: unknown) => unknown) | undefined,
): KubeObject {
  const source = object as unknown;
  if (!isJsonObject(source)) return object;
  const out: Picked = {};
  if (typeof source['apiVersion'] === 'string') out['apiVersion'] = source['apiVersion'];
  if (typeof source['kind'] === 'string') out['kind'] = source['kind'];
  out['metadata'] = trimMetadata(source['metadata'], withAnnotations);
  if (spec !== undefined && Object.hasOwn(source, 'spec')) out['spec'] = spec(source['spec']);
  if (status !== undefined && Object.hasOwn(source, 'status')) out['status'] = status(source['status']);
  return out as unknown as KubeObject;
}

const serverSpec = (v: unknown): unknown =>
  pickWith(v, { groupRef: nameOnly, transport: keep, proxyMode: keep, externalAuthConfigRef: nameOnly });
const proxySpec = (v: unknown): unknown =>
  pickWith(v, { groupRef: nameOnly, transport: keep, remoteUrl: keep, remoteURL: keep, externalAuthConfigRef: nameOnly });
const headerForward = (v: unknown): unknown => pickWith(v, { addPlaintextHeaders: keep, addHeadersFromSecret: keep });
const entrySpec = (v: unknown): unknown =>
  pickWith(v, {
    groupRef: nameOnly,
    transport: keep,
    remoteUrl: keep,
    remoteURL: keep,
    externalAuthConfigRef: nameOnly,
    headerForward,
    caBundleRef: (c) => pickWith(c, { configMapRef: (m) => pick(m, ['name', 'key']) }),
  });
const urlAndPhase = (v: unknown): unknown => pick(v, ['url', 'phase']);
const phaseOnly = (v: unknown): unknown => pick(v, ['phase']);

/** MCPServer: metadata, `spec.{groupRef,transport,proxyMode,externalAuthConfigRef}`, `status.{url,phase}`. */
export const transformMCPServer = (o: KubeObject): KubeObject => trimObject(o, true, serverSpec, urlAndPhase);
/** MCPRemoteProxy: metadata, `spec.{groupRef,transport,remoteUrl,remoteURL,externalAuthConfigRef}`, `status.{url,phase}`. */
export const transformMCPRemoteProxy = (o: KubeObject): KubeObject => trimObject(o, true, proxySpec, urlAndPhase);
/** MCPServerEntry: metadata, the spec fields conversion reads (incl. headerForward, caBundleRef), `status.phase`. */
export const transformMCPServerEntry = (o: KubeObject): KubeObject => trimObject(o, true, entrySpec, phaseOnly);
/**
 * MCPExternalAuthConfig: metadata and the whole `spec`. The spec is small, and auth converters are pluggable, so a
 * custom converter may read any field of it. Status is dropped.
 */
export const transformMCPExternalAuthConfig = (o: KubeObject): KubeObject => trimObject(o, false, keep, undefined);
/**
 * Secret / ConfigMap: identity metadata only. These kinds are watched metadata-only; this transform is a second
 * line of defence so that no `data` ever reaches a cache even if a full object is delivered.
 */
export const transformMetadataOnly = (o: KubeObject): KubeObject => trimObject(o, false, undefined, undefined);
