import {
  ConfigMapResource,
  MCPExternalAuthConfigResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  SecretResource,
  groupRefName,
  type KubeObject,
} from '@vmcp/api';
import {
  AUTH_CONFIG_INDEX,
  CA_BUNDLE_CONFIG_MAP_INDEX,
  CONFIG_MAP,
  GROUP_INDEX,
  HEADER_FORWARD_SECRET_INDEX,
  MCP_EXTERNAL_AUTH_CONFIG,
  MCP_REMOTE_PROXY,
  MCP_SERVER,
  MCP_SERVER_ENTRY,
  SECRET,
  SECRET_INDEX,
} from '../constants.ts';
import { isJsonObject } from '../read/fields.ts';
import type { CacheReader, SourceKind, WatchPlan, WatchedKind, WorkloadType } from '../types.ts';
import { authConfigRefValues, caBundleConfigMapValues, headerForwardSecretValues, secretRefValues } from './indexes.ts';
import {
  transformMCPExternalAuthConfig,
  transformMCPRemoteProxy,
  transformMCPServer,
  transformMCPServerEntry,
  transformMetadataOnly,
} from './transforms.ts';

/** Options of {@link kubernetesWatchPlan}. */
export interface KubernetesWatchPlanOptions {
  /**
   * The one group served: the bare MCPGroup name (not `namespace/name`: the reconciler strips a namespace prefix
   * before it gets here). Give this or `servedGroup`.
   */
  group?: string;
  /**
   * Many groups: whether objects of `group` are served now. Asked on every dependency event (an auth config, Secret
   * or ConfigMap change maps to the backends of every served group), so the served set may change while watching.
   */
  servedGroup?: (group: string) => boolean;
  /**
   * Index the source kinds by group (`GROUP_INDEX`), so the names of a group that appears while watching are one
   * index lookup. Default false: the index files every source object (about 350 bytes of heap each), and only a
   * watcher that follows MCPGroups (`groups: 'all'`) ever asks it.
   */
  indexByGroup?: boolean;
}

/** The source kinds in precedence order: MCPServer > MCPRemoteProxy > MCPServerEntry. */
export const SOURCE_KINDS: readonly WorkloadType[] = Object.freeze([MCP_SERVER, MCP_REMOTE_PROXY, MCP_SERVER_ENTRY]);

/** The name of an object, or '' when metadata is malformed (such an object maps to no backend). */
function nameOf(object: KubeObject): string {
  const metadata: unknown = (object as { metadata?: unknown }).metadata;
  if (!isJsonObject(metadata)) return '';
  const name = metadata['name'];
  return typeof name === 'string' ? name : '';
}

/** The group of a source object (`''` when none or unreadable). */
const groupOf = (object: KubeObject): string => groupRefName((object as { spec?: unknown }).spec);

/** `[group]` of a source object, or `[]` without one: the index that finds every name of a group without a scan. */
const groupValues = (object: KubeObject): readonly string[] => {
  const group = groupOf(object);
  return group === '' ? [] : [group];
};

/** The served-group test of the options. */
function servedGroupOf(options: KubernetesWatchPlanOptions): (group: string) => boolean {
  const { group, servedGroup } = (options ?? {}) as Partial<KubernetesWatchPlanOptions>;
  if (servedGroup !== undefined) {
    if (group !== undefined) throw new Error('kubernetesWatchPlan: give group (one) or servedGroup (many), not both');
    if (typeof servedGroup !== 'function') throw new Error('kubernetesWatchPlan: servedGroup must be a function');
    return servedGroup;
  }
  if (typeof group !== 'string' || group === '') throw new Error('kubernetesWatchPlan: group cannot be empty');
  return (candidate) => candidate === group;
}

/**
 * The watch plan of the Kubernetes discoverer: what to list and watch, how to trim and index each kind, and which
 * backend names an event on each kind affects.
 *
 * Every dependency mapping goes through an index (no scan of all objects per event, unlike upstream's O(N) list on
 * each MCPExternalAuthConfig event), and Secrets and ConfigMaps are watched metadata-only: a rotated Secret or
 * a changed CA ConfigMap re-reconciles the backends that use it, while no Secret value or ConfigMap content is cached.
 *
 * With `indexByGroup`, source kinds are indexed by group (`GROUP_INDEX`), so the names of one group are an index lookup.
 *
 * @throws Error when `group` is empty and no `servedGroup` is given, or when both are.
 */
export function kubernetesWatchPlan(options: KubernetesWatchPlanOptions): WatchPlan<WorkloadType> {
  const served = servedGroupOf(options);
  const inGroup = (object: KubeObject): boolean => served(groupOf(object));

  /**
   * A source object maps to its own name, whatever its group. Upstream maps only in-group objects; we reconcile the
   * others too, so an object created in (or moved to) another group is reported `out-of-group` the same way whether
   * it existed when the watcher started or came later (the convergence suite found the difference). Such a
   * reconcile is a cache lookup: nothing is converted.
   */
  const sourceToBackends = (object: KubeObject): readonly string[] => {
    const name = nameOf(object);
    return name !== '' ? [name] : [];
  };

  /** Backends of served groups, of every source kind, that reference the auth config `name` (one index lookup per kind). */
  const backendsUsingAuthConfig = (name: string, reader: CacheReader, into: Set<string>): void => {
    for (const kind of SOURCE_KINDS) {
      for (const object of reader.byIndex(kind, AUTH_CONFIG_INDEX, name)) {
        const backend = nameOf(object);
        if (backend !== '' && inGroup(object)) into.add(backend);
      }
    }
  };

  const sourceKind = (
    kind: WorkloadType,
    resource: WatchedKind['resource'],
    transform: (o: KubeObject) => KubeObject,
    extraIndexers: Readonly<Record<string, (o: KubeObject) => readonly string[]>>,
    required: boolean,
  ): WatchedKind => ({
    kind,
    resource,
    transform,
    indexers: {
      [AUTH_CONFIG_INDEX]: authConfigRefValues,
      ...(options.indexByGroup === true ? { [GROUP_INDEX]: groupValues } : {}),
      ...extraIndexers,
    },
    mapToBackends: sourceToBackends,
    required,
  });

  const kinds: WatchedKind[] = [
    sourceKind(MCP_SERVER, MCPServerResource, transformMCPServer, {}, true),
    sourceKind(MCP_REMOTE_PROXY, MCPRemoteProxyResource, transformMCPRemoteProxy, {}, true),
    // Not required: a cluster with CRDs older than MCPServerEntry (404) still serves servers and proxies (upstream
    // cannot start its controller there). A 403 (the CRD exists, the permission is missing) still holds the sync.
    sourceKind(
      MCP_SERVER_ENTRY,
      MCPServerEntryResource,
      transformMCPServerEntry,
      { [CA_BUNDLE_CONFIG_MAP_INDEX]: caBundleConfigMapValues, [HEADER_FORWARD_SECRET_INDEX]: headerForwardSecretValues },
      false,
    ),
    {
      kind: MCP_EXTERNAL_AUTH_CONFIG,
      resource: MCPExternalAuthConfigResource,
      transform: transformMCPExternalAuthConfig,
      indexers: { [SECRET_INDEX]: secretRefValues },
      mapToBackends: (object, reader) => {
        const out = new Set<string>();
        const name = nameOf(object);
        if (name !== '') backendsUsingAuthConfig(name, reader, out);
        return [...out];
      },
      required: true,
    },
    {
      kind: SECRET,
      resource: SecretResource,
      metadataOnly: true,
      transform: transformMetadataOnly,
      // Secret → auth configs referencing it → backends using those (two index hops), plus the entries that
      // forward a header whose value it holds (one hop).
      mapToBackends: (object, reader) => {
        const out = new Set<string>();
        const name = nameOf(object);
        if (name === '') return [];
        for (const authConfig of reader.byIndex(MCP_EXTERNAL_AUTH_CONFIG, SECRET_INDEX, name)) {
          const authName = nameOf(authConfig);
          if (authName !== '') backendsUsingAuthConfig(authName, reader, out);
        }
        for (const entry of reader.byIndex(MCP_SERVER_ENTRY, HEADER_FORWARD_SECRET_INDEX, name)) {
          const backend = nameOf(entry);
          if (backend !== '' && inGroup(entry)) out.add(backend);
        }
        return [...out];
      },
      required: true,
    },
    {
      kind: CONFIG_MAP,
      resource: ConfigMapResource,
      metadataOnly: true,
      transform: transformMetadataOnly,
      mapToBackends: (object, reader) => {
        const name = nameOf(object);
        if (name === '') return [];
        const out = new Set<string>();
        for (const entry of reader.byIndex(MCP_SERVER_ENTRY, CA_BUNDLE_CONFIG_MAP_INDEX, name)) {
          const backend = nameOf(entry);
          if (backend !== '' && inGroup(entry)) out.add(backend);
        }
        return [...out];
      },
      // Only CA bundles of entries depend on ConfigMaps. Core kinds never 404, so in practice this changes nothing: a
      // missing list/watch permission (403) holds the sync like for every kind.
      required: false,
    },
  ];

  const sources: SourceKind<WorkloadType>[] = SOURCE_KINDS.map((kind) => ({ kind, groupOf }));
  // The Kubernetes discoverer reads each workload by the name it decides (kubernetes-discoverer.ts, resolveWorkload).
  return Object.freeze({ kinds: Object.freeze(kinds), sources: Object.freeze(sources), sourcesReadByName: true });
}
