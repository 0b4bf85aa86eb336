/**
 * ToolHive custom resource types, for the fields vmcp-watcher reads.
 *
 * These describe *valid* objects. Objects arriving from an API server are untrusted JSON: code that reads them
 * (the discoverer) checks every field's type at run time and reports a clear error instead of trusting these types.
 */

/** The parts of `metadata` this project reads or trims. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: unknown[];
  ownerReferences?: unknown[];
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** A list response (`metadata.continue` is set while more pages remain). */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** A standard status condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** v1beta1 group reference: `spec.groupRef: { name }`. */
export interface MCPGroupRef {
  name: string;
}

/**
 * `spec.groupRef` as stored: the v1beta1 object form, or the string form of ToolHive v0.7.0 (v1alpha1), which can
 * still be found in etcd because the change had no conversion webhook.
 */
export type GroupRefField = MCPGroupRef | string;

export interface ExternalAuthConfigRef {
  name: string;
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface HeaderFromSecret {
  headerName: string;
  valueSecretRef?: SecretKeyRef;
}

export interface HeaderForwardSpec {
  addPlaintextHeaders?: Record<string, string>;
  addHeadersFromSecret?: HeaderFromSecret[];
}

export interface ConfigMapKeySelector {
  name?: string;
  key?: string;
  optional?: boolean;
}

export interface CABundleSource {
  configMapRef?: ConfigMapKeySelector;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPServer

export type MCPServerTransport = 'stdio' | 'streamable-http' | 'sse';
/** `Running` is the pre-April-2026 name of `Ready`; it maps to `unknown` health at HEAD. */
export type MCPServerPhase = 'Pending' | 'Ready' | 'Failed' | 'Terminating' | 'Stopped' | 'Running';

export interface MCPServerSpec {
  image: string;
  transport?: MCPServerTransport;
  proxyMode?: 'sse' | 'streamable-http';
  proxyPort?: number;
  /** Deprecated v1alpha1 port (removed at HEAD). */
  port?: number;
  groupRef?: GroupRefField;
  externalAuthConfigRef?: ExternalAuthConfigRef;
}

export interface MCPServerStatus {
  url?: string;
  phase?: MCPServerPhase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

export interface MCPServer extends KubeObject {
  spec: MCPServerSpec;
  status?: MCPServerStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPRemoteProxy

export type MCPRemoteProxyPhase = 'Pending' | 'Ready' | 'Failed' | 'Terminating';

export interface MCPRemoteProxySpec {
  /** v1beta1 spelling. */
  remoteUrl?: string;
  /** v0.7.0 (v1alpha1) spelling. */
  remoteURL?: string;
  proxyPort?: number;
  port?: number;
  transport?: 'sse' | 'streamable-http';
  oidcConfig?: Record<string, unknown>;
  externalAuthConfigRef?: ExternalAuthConfigRef;
  headerForward?: HeaderForwardSpec;
  groupRef?: GroupRefField;
}

export interface MCPRemoteProxyStatus {
  url?: string;
  externalUrl?: string;
  externalURL?: string;
  phase?: MCPRemoteProxyPhase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

export interface MCPRemoteProxy extends KubeObject {
  spec: MCPRemoteProxySpec;
  status?: MCPRemoteProxyStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPServerEntry

export type MCPServerEntryPhase = 'Valid' | 'Pending' | 'Failed';

export interface MCPServerEntrySpec {
  remoteUrl: string;
  allowPrivateEndpoint?: boolean;
  transport: 'sse' | 'streamable-http';
  groupRef: GroupRefField;
  externalAuthConfigRef?: ExternalAuthConfigRef;
  headerForward?: HeaderForwardSpec;
  caBundleRef?: CABundleSource;
}

export interface MCPServerEntryStatus {
  observedGeneration?: number;
  phase?: MCPServerEntryPhase;
  conditions?: Condition[];
}

export interface MCPServerEntry extends KubeObject {
  spec: MCPServerEntrySpec;
  status?: MCPServerEntryStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPExternalAuthConfig

/** Every `spec.type` of upstream HEAD's CRD enum. */
export type ExternalAuthType =
  | 'tokenExchange'
  | 'headerInjection'
  | 'bearerToken'
  | 'unauthenticated'
  | 'embeddedAuthServer'
  | 'awsSts'
  | 'upstreamInject'
  | 'obo'
  | 'xaa';

export interface TokenExchangeConfig {
  tokenUrl: string;
  clientId?: string;
  clientSecretRef?: SecretKeyRef;
  audience: string;
  scopes?: string[];
  subjectTokenType?: string;
  /** In the CRD, ignored by conversion (as upstream). */
  externalTokenHeaderName?: string;
  subjectProviderName?: string;
}

export interface HeaderInjectionConfig {
  headerName: string;
  valueSecretRef?: SecretKeyRef;
}

export interface BearerTokenConfig {
  tokenSecretRef: SecretKeyRef;
}

export interface AwsStsRoleMapping {
  claim?: string;
  matcher?: string;
  roleArn: string;
  priority?: number;
}

export interface AwsStsConfig {
  region: string;
  service?: string;
  fallbackRoleArn?: string;
  roleMappings?: AwsStsRoleMapping[];
  roleClaim?: string;
  sessionDuration?: number;
  sessionNameClaim?: string;
  subjectProviderName?: string;
}

export interface UpstreamInjectConfig {
  providerName: string;
}

export interface OboConfig {
  tokenUrl?: string;
  clientId?: string;
  clientSecretRef?: SecretKeyRef;
  audience?: string;
  scopes?: string[];
  subjectTokenProviderName?: string;
  cacheSkewSeconds?: number;
}

export interface XaaConfig {
  idpTokenUrl: string;
  idpClientId?: string;
  idpClientSecretRef?: SecretKeyRef;
  targetTokenUrl: string;
  insecureTargetTokenUrl?: boolean;
  targetClientId?: string;
  targetClientSecretRef?: SecretKeyRef;
  targetAudience: string;
  targetResource?: string;
  scopes?: string[];
  subjectProviderName?: string;
  subjectTokenType?: string;
}

export interface MCPExternalAuthConfigSpec {
  type: ExternalAuthType;
  tokenExchange?: TokenExchangeConfig;
  headerInjection?: HeaderInjectionConfig;
  bearerToken?: BearerTokenConfig;
  embeddedAuthServer?: Record<string, unknown>;
  awsSts?: AwsStsConfig;
  upstreamInject?: UpstreamInjectConfig;
  obo?: OboConfig;
  xaa?: XaaConfig;
}

export interface MCPExternalAuthConfigStatus {
  observedGeneration?: number;
  configHash?: string;
  conditions?: Condition[];
}

export interface MCPExternalAuthConfig extends KubeObject {
  spec: MCPExternalAuthConfigSpec;
  status?: MCPExternalAuthConfigStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPGroup

export interface MCPGroup extends KubeObject {
  spec?: { description?: string };
  status?: {
    phase?: 'Ready' | 'Pending' | 'Failed';
    servers?: string[];
    serverCount?: number;
    remoteProxies?: string[];
    remoteProxyCount?: number;
    entries?: string[];
    entryCount?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Core kinds the discoverer depends on (only what it reads).

/** A Secret as the API returns it: `data` values are base64. */
export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
