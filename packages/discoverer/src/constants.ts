// Kind strings of the watch plan; the cache reader is keyed by them.
/** The plan's kind name of MCPServer (a backend source, first in precedence). */
export const MCP_SERVER = 'MCPServer';
/** The plan's kind name of MCPRemoteProxy (a backend source, second in precedence). */
export const MCP_REMOTE_PROXY = 'MCPRemoteProxy';
/** The plan's kind name of MCPServerEntry (a backend source, third in precedence). */
export const MCP_SERVER_ENTRY = 'MCPServerEntry';
/** The plan's kind name of MCPExternalAuthConfig (referenced by workloads). */
export const MCP_EXTERNAL_AUTH_CONFIG = 'MCPExternalAuthConfig';
/** The plan's kind name of Secret (watched metadata-only). */
export const SECRET = 'Secret';
/** The plan's kind name of ConfigMap (watched metadata-only). */
export const CONFIG_MAP = 'ConfigMap';
/** The plan's kind name of MCPGroup (watched metadata-only, when a watcher follows every group of its namespace). */
export const MCP_GROUP = 'MCPGroup';

/** Index on MCPServer, MCPRemoteProxy and MCPServerEntry: the name in `spec.externalAuthConfigRef.name`. */
export const AUTH_CONFIG_INDEX = 'authConfig';
/** Index on MCPServerEntry: the ConfigMap name in `spec.caBundleRef.configMapRef.name`. */
export const CA_BUNDLE_CONFIG_MAP_INDEX = 'caBundleConfigMap';
/** Index on MCPServerEntry: the Secret names in `spec.headerForward.addHeadersFromSecret[].valueSecretRef.name`. */
export const HEADER_FORWARD_SECRET_INDEX = 'headerForwardSecret';
/** Index on MCPServer, MCPRemoteProxy and MCPServerEntry: the MCPGroup name in `spec.groupRef` (none when empty). */
export const GROUP_INDEX = 'group';
/** Index on MCPExternalAuthConfig: every Secret name its spec references (`*SecretRef.name`). */
export const SECRET_INDEX = 'secret';

/**
 * Annotation key prefixes never copied into backend metadata (Kubernetes-owned bookkeeping, e.g. the
 * `kubectl.kubernetes.io/last-applied-configuration` copy of the whole object). Prefix match, case-sensitive.
 */
export const FILTERED_ANNOTATION_PREFIXES: readonly string[] = Object.freeze([
  'kubectl.kubernetes.io/',
  'kubernetes.io/',
  'deployment.kubernetes.io/',
  'k8s.io/',
]);

/** True when an annotation key is copied into backend metadata. */
export function isCopiedAnnotation(key: string): boolean {
  return !FILTERED_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix));
}
