export * from './types.ts';
export * from './constants.ts';
export { FieldReader, MalformedObjectError, isJsonObject, jsonTypeOf, objectLabel, type JsonObject } from './read/fields.ts';
export { kubernetesWatchPlan, SOURCE_KINDS, type KubernetesWatchPlanOptions } from './plan/kubernetes-plan.ts';
export {
  transformMCPServer,
  transformMCPRemoteProxy,
  transformMCPServerEntry,
  transformMCPExternalAuthConfig,
  transformMetadataOnly,
} from './plan/transforms.ts';
export { authConfigRefValues, caBundleConfigMapValues, secretRefValues } from './plan/indexes.ts';
export type { DiscovererLogger, Logger } from './logger.ts';
export { createKubernetesDiscoverer, type KubernetesDiscoverer, type KubernetesDiscovererOptions } from './kubernetes-discoverer.ts';

// Conversion building blocks, for alternative discoverers and for tests.
export { parseTransportType, effectiveProxyMode, DEFAULT_TRANSPORT, type TransportType } from './convert/transport.ts';
export { mcpServerPhaseToHealth, mcpRemoteProxyPhaseToHealth, mcpServerEntryPhaseToHealth, TOOLHIVE_V1ALPHA1 } from './convert/health.ts';
export {
  buildMetadata,
  METADATA_TOOL_TYPE,
  METADATA_WORKLOAD_TYPE,
  METADATA_WORKLOAD_STATUS,
  METADATA_REMOTE_URL,
  METADATA_NAMESPACE,
  WORKLOAD_TYPE_VALUES,
  type MetadataInput,
} from './convert/metadata.ts';
export { checkBackendUrl, checkUrlSyntax } from './convert/url.ts';
export {
  headerForwardIdentifier,
  normalizeIdentifierPart,
  headerForwardFromSpec,
  headerForwardSecretRefsFromSpec,
  resolveHeaderForwardSecrets,
  type HeaderSecretReference,
} from './convert/header-forward.ts';
export { fetchCABundleData, DEFAULT_CA_BUNDLE_KEY, type CABundleConfigMapRef } from './convert/ca-bundle.ts';

// Auth.
export type { AuthConverter, AuthConverterContext } from './auth/types.ts';
export {
  createAuthConverterRegistry,
  defaultAuthConverterRegistry,
  convertToStrategy,
  resolveSecretsForStrategy,
  BUILTIN_AUTH_CONVERTERS,
  type AuthConverterRegistry,
  type AuthConverterRegistryOptions,
} from './auth/registry.ts';
export { discoverAndResolveAuth, type AuthResolutionDeps } from './auth/discover.ts';
export { readSecretKeyRef, readSecretValue, type SecretKeyReference } from './auth/secrets.ts';
export { tokenExchangeConverter, normalizeSubjectTokenType } from './auth/token-exchange.ts';
export { headerInjectionConverter } from './auth/header-injection.ts';
export { unauthenticatedConverter, upstreamInjectConverter, awsStsConverter } from './auth/simple.ts';
export { oboConverter, EnterpriseRequiredError } from './auth/obo.ts';
export { xaaConverter } from './auth/xaa.ts';
