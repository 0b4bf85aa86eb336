/**
 * An alternative discoverer: core `Service`s annotated `vmcp.dev/group: <group>` are MCP backends.
 *
 * It exists to show that `@vmcp/kube-watcher` and `@vmcp/reconciler` are generic over the watch plan: pass
 * `discoverer` and `plan` to `new BackendWatcher(...)` and nothing else changes.
 *
 * Annotations read:
 * - `vmcp.dev/group` — the group (required to be served).
 * - `vmcp.dev/url` — the backend URL; when absent it is built as `http://<name>.<ns>.svc.<clusterDomain>:<port><path>`.
 * - `vmcp.dev/port` — port number or port name for the built URL (default: the port named `mcp`, else the first).
 * - `vmcp.dev/path` — path for the built URL (default `/mcp`).
 * - `vmcp.dev/transport` — `streamable-http` (default) or `sse`.
 *
 * @module
 */
import type { KubeObject, ResourceDescriptor } from '@vmcp/api';
import {
  NotFoundError,
  type CacheReader,
  type Discoverer,
  type SourceKind,
  type TypedWorkload,
  type WatchPlan,
  type WorkloadResolution,
} from '@vmcp/discoverer';
import type { Backend } from '@vmcp/registry';

/** The one source kind of this plan. */
export const SERVICE = 'Service' as const;
export type ServiceWorkloadType = typeof SERVICE;

export const ANNOTATION_PREFIX = 'vmcp.dev/';
export const GROUP_ANNOTATION = 'vmcp.dev/group';
export const URL_ANNOTATION = 'vmcp.dev/url';
export const PORT_ANNOTATION = 'vmcp.dev/port';
export const PATH_ANNOTATION = 'vmcp.dev/path';
export const TRANSPORT_ANNOTATION = 'vmcp.dev/transport';

const TRANSPORTS = new Set(['streamable-http', 'sse']);

/** Core v1 Services. */
export const ServiceResource: ResourceDescriptor = Object.freeze({
  group: '',
  version: 'v1',
  plural: 'services',
  kind: 'Service',
  listKind: 'ServiceList',
  namespaced: true,
});

/** What the cache keeps of a Service: name, resourceVersion, our annotations, and the ports. */
export interface CachedService extends KubeObject {
  spec: { ports: { name?: string; port: number }[] };
}

function annotationsOf(o: KubeObject): Record<string, string> {
  const a: unknown = o.metadata?.annotations;
  return a && typeof a === 'object' ? (a as Record<string, string>) : {};
}

/** The group a Service says it belongs to, `''` when none. */
export function serviceGroup(o: KubeObject): string {
  const g = annotationsOf(o)[GROUP_ANNOTATION];
  return typeof g === 'string' ? g : '';
}

/** Keeps only what the discoverer reads: everything else (managedFields, status, selectors…) never reaches the cache. */
export function transformService(o: KubeObject): CachedService {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotationsOf(o))) if (k.startsWith(ANNOTATION_PREFIX) && typeof v === 'string') annotations[k] = v;
  const rawPorts: unknown = (o as { spec?: { ports?: unknown } }).spec?.ports;
  const ports = Array.isArray(rawPorts)
    ? rawPorts.flatMap((p: unknown) => {
        const port = (p as { port?: unknown })?.port;
        const name = (p as { name?: unknown })?.name;
        return typeof port === 'number' ? [{ port, ...(typeof name === 'string' ? { name } : {}) }] : [];
      })
    : [];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.metadata.name,
      ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}),
      ...(o.metadata.resourceVersion !== undefined ? { resourceVersion: o.metadata.resourceVersion } : {}),
      annotations,
    },
    spec: { ports },
  };
}

/** The watch plan: one kind, Services; an event maps to the Service's own name when it is in `group`. */
export function serviceWatchPlan(options: { group: string }): WatchPlan<ServiceWorkloadType> {
  const { group } = options;
  if (!group) throw new Error('serviceWatchPlan: group cannot be empty');
  return Object.freeze({
    kinds: Object.freeze([
      {
        kind: SERVICE,
        resource: ServiceResource,
        transform: transformService,
        mapToBackends: (o: KubeObject) => (serviceGroup(o) === group ? [o.metadata.name] : []),
        required: true,
      },
    ]),
    sources: Object.freeze([{ kind: SERVICE, groupOf: serviceGroup } satisfies SourceKind<ServiceWorkloadType>]),
  });
}

/** Options of {@link createServiceDiscoverer}. */
export interface ServiceDiscovererOptions {
  namespace: string;
  reader: CacheReader;
  /** Default `cluster.local`. */
  clusterDomain?: string;
}

/** Creates the Service discoverer over the watcher's cache (no API calls of its own). */
export function createServiceDiscoverer(options: ServiceDiscovererOptions): Discoverer<ServiceWorkloadType> {
  const { namespace, reader } = options;
  const domain = options.clusterDomain ?? 'cluster.local';

  function resolve(name: string): WorkloadResolution {
    const svc = reader.get<CachedService>(SERVICE, name);
    if (!svc) throw new NotFoundError(SERVICE, name, `Service ${namespace}/${name} not found`);
    const a = annotationsOf(svc);
    const transport = a[TRANSPORT_ANNOTATION] ?? 'streamable-http';
    if (!TRANSPORTS.has(transport)) {
      return {
        backend: null,
        reason: {
          code: 'malformed',
          message: `Service ${name}: unsupported ${TRANSPORT_ANNOTATION} "${transport}" (streamable-http or sse)`,
        },
      };
    }
    let url = a[URL_ANNOTATION];
    if (url === undefined) {
      const wanted = a[PORT_ANNOTATION];
      const ports = svc.spec?.ports ?? [];
      const port =
        wanted !== undefined
          ? (ports.find((p) => p.name === wanted || String(p.port) === wanted)?.port ?? (/^\d+$/.test(wanted) ? Number(wanted) : undefined))
          : (ports.find((p) => p.name === 'mcp') ?? ports[0])?.port;
      if (port === undefined)
        return { backend: null, reason: { code: 'no-url', message: `Service ${name} has no ${URL_ANNOTATION} and no usable port` } };
      const path = a[PATH_ANNOTATION] ?? '/mcp';
      url = `http://${name}.${namespace}.svc.${domain}:${port}${path.startsWith('/') ? path : `/${path}`}`;
    }
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return {
        backend: null,
        reason: { code: 'invalid-url', message: `Service ${name}: ${URL_ANNOTATION} "${url}" is not an http(s) URL` },
      };
    }
    const backend: Backend = {
      id: name,
      name,
      baseUrl: url,
      transportType: transport,
      healthStatus: 'healthy',
      metadata: { namespace, source: 'Service' },
    };
    return { backend };
  }

  return {
    listWorkloadsInGroup(group: string): Promise<TypedWorkload<ServiceWorkloadType>[]> {
      return Promise.resolve(
        reader
          .list(SERVICE)
          .filter((o) => serviceGroup(o) === group)
          .map((o) => ({ name: o.metadata.name, type: SERVICE })),
      );
    },
    getWorkloadAsBackend(w: TypedWorkload<ServiceWorkloadType>): Promise<Backend | null> {
      try {
        return Promise.resolve(resolve(w.name).backend);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    resolveWorkload(w: TypedWorkload<ServiceWorkloadType>): Promise<WorkloadResolution> {
      try {
        return Promise.resolve(resolve(w.name));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
