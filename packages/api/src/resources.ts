/** Where a kind lives in the API: enough to build list/watch/get paths. */
export interface ResourceDescriptor {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
}

/** ToolHive's API group. */
export const TOOLHIVE_API_GROUP = 'toolhive.stacklok.dev';
/** The served and stored version at upstream HEAD. */
export const TOOLHIVE_API_VERSION = 'v1beta1';
/** Still served (deprecated), same schema as v1beta1 at HEAD. */
export const TOOLHIVE_LEGACY_API_VERSION = 'v1alpha1';

const toolhive = (kind: string, plural: string): ResourceDescriptor =>
  Object.freeze({ group: TOOLHIVE_API_GROUP, version: TOOLHIVE_API_VERSION, plural, kind, listKind: `${kind}List`, namespaced: true });

/** An MCPServer: a ToolHive-run MCP server (`toolhive.stacklok.dev`, namespaced). */
export const MCPServerResource = toolhive('MCPServer', 'mcpservers');
/** An MCPRemoteProxy: a ToolHive proxy in front of a remote MCP server. */
export const MCPRemoteProxyResource = toolhive('MCPRemoteProxy', 'mcpremoteproxies');
/** An MCPServerEntry: a remote MCP server reached directly, without a proxy. */
export const MCPServerEntryResource = toolhive('MCPServerEntry', 'mcpserverentries');
/** An MCPExternalAuthConfig: outgoing auth that workloads reference by name. */
export const MCPExternalAuthConfigResource = toolhive('MCPExternalAuthConfig', 'mcpexternalauthconfigs');
/** An MCPGroup: the group workloads join through `spec.groupRef`. */
export const MCPGroupResource = toolhive('MCPGroup', 'mcpgroups');

/** A core Secret (the watcher lists and watches its metadata only; values are read on demand). */
export const SecretResource: ResourceDescriptor = Object.freeze({
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  listKind: 'SecretList',
  namespaced: true,
});
/** A core ConfigMap (CA bundles; metadata-only in the watcher's cache, like Secrets). */
export const ConfigMapResource: ResourceDescriptor = Object.freeze({
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  namespaced: true,
});

/** `apiVersion` string of a descriptor: `v1` for core, `group/version` otherwise. */
export function apiVersionOf(resource: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/**
 * Collection path of a resource in a namespace, e.g. `/apis/toolhive.stacklok.dev/v1beta1/namespaces/ns/mcpservers`.
 * A cluster-scoped resource ignores `namespace` (`/api/v1/namespaces`); a namespaced one without it is an error.
 */
export function collectionPath(resource: ResourceDescriptor, namespace: string | undefined): string {
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (!resource.namespaced) return `${base}/${resource.plural}`;
  if (namespace === undefined || namespace === '') throw new Error(`${resource.kind} is namespaced: its path needs a namespace`);
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

/** Path of one object, or of its subresource: `…/mcpservers/github`, `…/mcpservers/github/status`, `…/serviceaccounts/sa/token`. */
export function objectPath(
  resource: ResourceDescriptor,
  namespace: string | undefined,
  name: string,
  subresource?: 'status' | 'token',
): string {
  const path = `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}
