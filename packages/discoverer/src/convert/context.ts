import type { KubeObject } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';
import type { AuthConverterRegistry } from '../auth/registry.ts';
import { discoverAndResolveAuth } from '../auth/discover.ts';
import { errorMessage } from '@vmcp/core';
import type { DiscovererLogger } from '../logger.ts';
import { FieldReader, objectLabel, type JsonObject } from '../read/fields.ts';
import type { CacheReader, DirectReader, ExclusionReason, WorkloadResolution } from '../types.ts';
import { DEFAULT_TRANSPORT, parseTransportType, type TransportType } from './transport.ts';

/** What a kind converter needs. */
export interface ConvertContext {
  /** The discoverer's namespace: used when an object carries none. */
  readonly namespace: string;
  readonly reader: CacheReader;
  readonly direct: DirectReader;
  readonly converters: AuthConverterRegistry;
  readonly logger: DiscovererLogger;
  readonly signal?: AbortSignal | undefined;
}

/** The parts every source kind has, type-checked. */
export interface CommonFields {
  readonly fields: FieldReader;
  readonly label: string;
  readonly name: string;
  /** The object's namespace, or the discoverer's when the object has none. */
  readonly namespace: string;
  /** The object's own namespace ('' when absent): only this one goes into metadata, as upstream. */
  readonly objectNamespace: string;
  readonly annotations: Record<string, string> | undefined;
  /** `spec`, `{}` when absent (Go's zero value). */
  readonly spec: JsonObject;
  /** `status`, `{}` when absent. */
  readonly status: JsonObject;
  readonly phase: string;
  /** `apiVersion` as read (`toolhive.stacklok.dev/v1alpha1` on a ToolHive v0.7.0 cluster), '' when absent. */
  readonly apiVersion: string;
  /** `spec.externalAuthConfigRef`, validated. */
  readonly authRef: { name: string } | undefined;
}

/**
 * Reads and type-checks the fields every kind shares. Throws `MalformedObjectError` on a wrong JSON type.
 * `kind` and `name` label the messages (the name comes from the cache key, so it is known even if metadata is bad).
 */
export function readCommon(kind: string, name: string, object: KubeObject, ctx: ConvertContext): CommonFields {
  const label = objectLabel(kind, name);
  const fields: FieldReader = new FieldReader(label);
  const raw = object as unknown as JsonObject;
  const metadata = fields.requiredObject(raw['metadata'], 'metadata');
  const objectNamespace = fields.stringOrEmpty(metadata['namespace'], 'metadata.namespace');
  const annotations = fields.stringMap(metadata['annotations'], 'metadata.annotations');
  const spec = fields.object(raw['spec'], 'spec') ?? {};
  const status = fields.object(raw['status'], 'status') ?? {};
  const phase = fields.stringOrEmpty(status['phase'], 'status.phase');
  const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
  const ref = fields.object(spec['externalAuthConfigRef'], 'spec.externalAuthConfigRef');
  let authRef: { name: string } | undefined;
  if (ref !== undefined) {
    const refName = fields.stringOrEmpty(ref['name'], 'spec.externalAuthConfigRef.name');
    if (refName === '') fields.fail('spec.externalAuthConfigRef.name', 'is required');
    authRef = { name: refName };
  }
  return {
    fields,
    label,
    name,
    namespace: objectNamespace !== '' ? objectNamespace : ctx.namespace,
    objectNamespace,
    annotations,
    spec,
    status,
    phase,
    apiVersion,
    authRef,
  };
}

const MAX_QUOTED = 64;

/** A value quoted for a log line, cut short: it is user input of any length. */
export function quoteShort(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

/** `spec.transport` parsed; unknown or empty → streamable-http with a warning (as upstream, all kinds). */
export function readTransport(common: CommonFields, ctx: ConvertContext): TransportType {
  const raw = common.fields.stringOrEmpty(common.spec['transport'], 'spec.transport');
  const parsed = parseTransportType(raw);
  if (parsed !== undefined) return parsed;
  ctx.logger.warn?.(`${common.label}: unsupported transport type ${quoteShort(raw)}, defaulting to ${DEFAULT_TRANSPORT}`, {
    kind: common.label.split(' ', 1)[0],
    name: common.name,
  });
  return DEFAULT_TRANSPORT;
}

/** An exclusion outcome. */
export function excluded(code: ExclusionReason['code'], message: string): WorkloadResolution {
  return { backend: null, reason: { code, message } };
}

/**
 * Resolves outgoing auth and attaches it to `backend` (`authConfig` + `authConfigRef`). Any error → the backend is
 * not served (fail closed), with the error as the reason. An abort is rethrown.
 */
export async function attachAuth(backend: Backend, common: CommonFields, ctx: ConvertContext): Promise<WorkloadResolution> {
  if (common.authRef === undefined) return { backend };
  try {
    const strategy = await discoverAndResolveAuth(common.authRef, common.namespace, {
      reader: ctx.reader,
      direct: ctx.direct,
      converters: ctx.converters,
      signal: ctx.signal,
    });
    if (strategy === null) return { backend };
    return { backend: { ...backend, authConfig: strategy, authConfigRef: common.authRef.name } };
  } catch (error) {
    if (ctx.signal?.aborted === true) throw error;
    return excluded('auth-unresolved', `${common.label}: outgoing auth not resolved: ${errorMessage(error)}`);
  }
}
