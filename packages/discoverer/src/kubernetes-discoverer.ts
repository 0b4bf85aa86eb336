import { groupRefName, type KubeObject } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';
import { createAuthConverterRegistry, type AuthConverterRegistry } from './auth/registry.ts';
import { MCP_REMOTE_PROXY, MCP_SERVER, MCP_SERVER_ENTRY } from './constants.ts';
import type { ConvertContext } from './convert/context.ts';
import { convertMCPServer } from './convert/mcp-server.ts';
import { convertMCPRemoteProxy } from './convert/remote-proxy.ts';
import { convertMCPServerEntry } from './convert/server-entry.ts';
import { errorMessage, toError } from '@vmcp/core';
import type { DiscovererLogger } from './logger.ts';
import { SOURCE_KINDS } from './plan/kubernetes-plan.ts';
import { MalformedObjectError, isJsonObject } from './read/fields.ts';
import {
  NotFoundError,
  type CacheReader,
  type DirectReader,
  type Discoverer,
  type TypedWorkload,
  type WorkloadResolution,
  type WorkloadType,
} from './types.ts';

/** Options of {@link createKubernetesDiscoverer}. */
export interface KubernetesDiscovererOptions {
  /** The one namespace watched. */
  namespace: string;
  /** The watcher's caches (MCPServer, MCPRemoteProxy, MCPServerEntry, MCPExternalAuthConfig). */
  reader: CacheReader;
  /** Uncached reads of Secrets and CA ConfigMaps, at conversion time. */
  direct: DirectReader;
  /** Auth converters; default: a fresh registry with the built-ins. */
  authConverters?: AuthConverterRegistry;
  logger?: DiscovererLogger;
}

/** The Kubernetes discoverer: `resolveWorkload` is always present. */
export interface KubernetesDiscoverer extends Discoverer<WorkloadType> {
  resolveWorkload(workload: TypedWorkload<WorkloadType>, signal?: AbortSignal): Promise<WorkloadResolution>;
}

type KindConverter = (name: string, object: KubeObject, ctx: ConvertContext) => Promise<WorkloadResolution>;

const CONVERTERS: Readonly<Record<WorkloadType, KindConverter>> = {
  MCPServer: convertMCPServer,
  MCPRemoteProxy: convertMCPRemoteProxy,
  MCPServerEntry: convertMCPServerEntry,
};

const PLURALS: Readonly<Record<WorkloadType, string>> = {
  MCPServer: 'MCPServers',
  MCPRemoteProxy: 'MCPRemoteProxies',
  MCPServerEntry: 'MCPServerEntries',
};

/** As upstream: proxies and entries by their type, anything else (unknown strings included) as an MCPServer. */
function kindOf(type: string): WorkloadType {
  return type === MCP_REMOTE_PROXY || type === MCP_SERVER_ENTRY ? type : MCP_SERVER;
}

function nameOf(object: KubeObject): string | undefined {
  const metadata: unknown = (object as { metadata?: unknown }).metadata;
  return isJsonObject(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : undefined;
}

function requireMethods(value: unknown, what: string, methods: readonly string[]): void {
  for (const method of methods) {
    if (typeof (value as Record<string, unknown> | null | undefined)?.[method] !== 'function') {
      throw new Error(`${what} is required (an object with ${methods.join(', ')})`);
    }
  }
}

/**
 * A discoverer over the watcher's caches, converting ToolHive resources to backends by upstream HEAD's rules.
 *
 * - `listWorkloadsInGroup`: MCPServers, then MCPRemoteProxies, then MCPServerEntries (each sorted by name, the API
 *   server's list order) whose group is exactly `group`. A cache error → `failed to list <Kinds>: …`.
 * - `resolveWorkload` / `getWorkloadAsBackend`: absent from the cache → throws `NotFoundError`
 *   (`MCPServer foo not found`); a cache read error → throws `failed to get MCPServer: …`; exists but not served
 *   (no URL, entry not Valid, invalid URL, auth or CA bundle unresolved, malformed object) → an exclusion reason /
 *   null. A malformed object never throws.
 *
 * @throws Error on missing options (`namespace cannot be empty`, `reader is required…`, `direct is required…`).
 */
export function createKubernetesDiscoverer(options: KubernetesDiscovererOptions): KubernetesDiscoverer {
  const { namespace, reader, direct } = options;
  if (typeof namespace !== 'string' || namespace === '') throw new Error('namespace cannot be empty');
  requireMethods(reader, 'reader', ['get', 'list', 'byIndex']);
  requireMethods(direct, 'direct', ['getSecret', 'getConfigMap']);
  const converters = options.authConverters ?? createAuthConverterRegistry();
  const logger = options.logger ?? {};

  async function resolveWorkload(workload: TypedWorkload<WorkloadType>, signal?: AbortSignal): Promise<WorkloadResolution> {
    signal?.throwIfAborted();
    const kind = kindOf(workload.type);
    const name = workload.name;
    let object: KubeObject | undefined;
    try {
      object = reader.get(kind, name);
    } catch (error) {
      throw new Error(`failed to get ${kind}: ${errorMessage(error)}`, { cause: error });
    }
    if (object === undefined) throw new NotFoundError(kind, name);

    const ctx: ConvertContext = { namespace, reader, direct, converters, logger, signal };
    let resolution: WorkloadResolution;
    try {
      resolution = await CONVERTERS[kind](name, object, ctx);
    } catch (error) {
      signal?.throwIfAborted();
      if (!(error instanceof MalformedObjectError)) throw error;
      resolution = { backend: null, reason: { code: 'malformed', message: error.message } };
    }
    if (resolution.backend === null) {
      logger.debug?.(`${kind} "${name}" not served: ${resolution.reason.message}`, { kind, name, reason: resolution.reason.code });
    }
    return resolution;
  }

  return {
    listWorkloadsInGroup(group: string, signal?: AbortSignal): Promise<TypedWorkload<WorkloadType>[]> {
      try {
        signal?.throwIfAborted();
        const out: TypedWorkload<WorkloadType>[] = [];
        for (const kind of SOURCE_KINDS) {
          let objects: readonly KubeObject[];
          try {
            objects = reader.list(kind);
          } catch (error) {
            throw new Error(`failed to list ${PLURALS[kind]}: ${errorMessage(error)}`, { cause: error });
          }
          const names: string[] = [];
          for (const object of objects) {
            const name = nameOf(object);
            if (name !== undefined && groupRefName((object as { spec?: unknown }).spec) === group) names.push(name);
          }
          names.sort();
          for (const name of names) out.push({ name, type: kind });
        }
        return Promise.resolve(out);
      } catch (error) {
        return Promise.reject(toError(error));
      }
    },
    resolveWorkload,
    async getWorkloadAsBackend(workload, signal): Promise<Backend | null> {
      return (await resolveWorkload(workload, signal)).backend;
    },
  };
}
