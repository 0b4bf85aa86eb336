// The discoverer contract (what the watcher and the reconciler need from any discoverer) and the kind/index names
// of the Kubernetes watch plan.
export * from './types.ts';
export {
  MCP_SERVER,
  MCP_REMOTE_PROXY,
  MCP_SERVER_ENTRY,
  MCP_EXTERNAL_AUTH_CONFIG,
  SECRET,
  CONFIG_MAP,
  MCP_GROUP,
  AUTH_CONFIG_INDEX,
  GROUP_INDEX,
  CA_BUNDLE_CONFIG_MAP_INDEX,
  HEADER_FORWARD_SECRET_INDEX,
  SECRET_INDEX,
} from './constants.ts';
export type { DiscovererLogger, Logger } from './logger.ts';

// The Kubernetes discoverer and its watch plan.
export { kubernetesWatchPlan, type KubernetesWatchPlanOptions } from './plan/kubernetes-plan.ts';
export { createKubernetesDiscoverer, type KubernetesDiscoverer, type KubernetesDiscovererOptions } from './kubernetes-discoverer.ts';
export {
  METADATA_TOOL_TYPE,
  METADATA_WORKLOAD_TYPE,
  METADATA_WORKLOAD_STATUS,
  METADATA_REMOTE_URL,
  METADATA_NAMESPACE,
  WORKLOAD_TYPE_VALUES,
} from './convert/metadata.ts';
export { checkBackendUrl } from './convert/url.ts';

// Custom auth converters.
export { FieldReader, MalformedObjectError, type JsonObject } from './read/fields.ts';
export type { AuthConverter, AuthConverterContext } from './auth/types.ts';
export {
  createAuthConverterRegistry,
  defaultAuthConverterRegistry,
  BUILTIN_AUTH_CONVERTERS,
  type AuthConverterRegistry,
  type AuthConverterRegistryOptions,
} from './auth/registry.ts';
export { discoverAndResolveAuth, type AuthResolutionDeps } from './auth/discover.ts';
export { readSecretKeyRef, readSecretValue, type SecretKeyReference } from './auth/secrets.ts';
export { EnterpriseRequiredError } from './auth/obo.ts';
