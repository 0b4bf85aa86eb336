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

/** Names an MCPExternalAuthConfig in the object's namespace (`spec.externalAuthConfigRef`). */
export interface ExternalAuthConfigRef {
  name: string;
}

/** One key of a Secret in the referring object's namespace. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** A header whose value comes from a Secret. Items without `valueSecretRef` are skipped. */
export interface HeaderFromSecret {
  /** 1..255 characters (CRD). */
  headerName: string;
  valueSecretRef?: SecretKeyRef;
}

/**
 * `spec.headerForward` (HEAD only). Projected into the backend for MCPServerEntry only; an MCPRemoteProxy's proxy pod
 * applies its own.
 */
export interface HeaderForwardSpec {
  addPlaintextHeaders?: Record<string, string>;
  addHeadersFromSecret?: HeaderFromSecret[];
}

/** A ConfigMap key in the referring object's namespace. */
export interface ConfigMapKeySelector {
  name?: string;
  /** Required by the CRD schema; `ca.crt` is used when empty. */
  key?: string;
  /** Ignored, as upstream: a missing ConfigMap or key still means the entry is not served. */
  optional?: boolean;
}

/** `spec.caBundleRef` of an MCPServerEntry: PEM read from the ConfigMap's `data` (never `binaryData`). */
export interface CABundleSource {
  configMapRef?: ConfigMapKeySelector;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPServer

/** How the MCP server process speaks (`spec.transport`); CRD default `stdio`. */
export type MCPServerTransport = 'stdio' | 'streamable-http' | 'sse';
/** `Running` is the pre-April-2026 name of `Ready`; it maps to `unknown` health at HEAD. */
export type MCPServerPhase = 'Pending' | 'Ready' | 'Failed' | 'Terminating' | 'Stopped' | 'Running';

/** `spec` of an MCPServer. */
export interface MCPServerSpec {
  image: string;
  transport?: MCPServerTransport;
  /**
   * What the proxy in front of a `stdio` server speaks; ignored for other transports at HEAD. The v0.7.0 CRD defaulted
   * it to `streamable-http` for every server.
   */
  proxyMode?: 'sse' | 'streamable-http';
  /** CRD default 8080. */
  proxyPort?: number;
  /** Deprecated v1alpha1 port (removed at HEAD). */
  port?: number;
  groupRef?: GroupRefField;
  externalAuthConfigRef?: ExternalAuthConfigRef;
}

/** `status` of an MCPServer, written by the ToolHive operator. */
export interface MCPServerStatus {
  /** In-cluster URL of the server's proxy. Absent or empty until the operator sets it; not served until then. */
  url?: string;
  phase?: MCPServerPhase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

/** A ToolHive-run MCP server (`mcpservers.toolhive.stacklok.dev`). */
export interface MCPServer extends KubeObject {
  spec: MCPServerSpec;
  status?: MCPServerStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPRemoteProxy

/** `status.phase` of an MCPRemoteProxy (same set at v0.7.0 and HEAD). */
export type MCPRemoteProxyPhase = 'Pending' | 'Ready' | 'Failed' | 'Terminating';

/** `spec` of an MCPRemoteProxy. Both spellings of the fields renamed from v1alpha1 (v0.7.0) to v1beta1 are listed. */
export interface MCPRemoteProxySpec {
  /** v1beta1 spelling. */
  remoteUrl?: string;
  /** v0.7.0 (v1alpha1) spelling. */
  remoteURL?: string;
  /** v1beta1 spelling; CRD default 8080. */
  proxyPort?: number;
  /** v0.7.0 (v1alpha1) spelling of `proxyPort`. */
  port?: number;
  /** CRD default `streamable-http`. */
  transport?: 'sse' | 'streamable-http';
  /** Required at v0.7.0, optional at HEAD; the discoverer does not read it. */
  oidcConfig?: Record<string, unknown>;
  externalAuthConfigRef?: ExternalAuthConfigRef;
  headerForward?: HeaderForwardSpec;
  groupRef?: GroupRefField;
}

/** `status` of an MCPRemoteProxy, written by the ToolHive operator. */
export interface MCPRemoteProxyStatus {
  /** In-cluster URL of the proxy: the backend URL. Empty or absent until the operator sets it. */
  url?: string;
  /** v1beta1 spelling. */
  externalUrl?: string;
  /** v0.7.0 (v1alpha1) spelling. */
  externalURL?: string;
  phase?: MCPRemoteProxyPhase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

/** A proxy in the cluster in front of a remote MCP server (`mcpremoteproxies.toolhive.stacklok.dev`). */
export interface MCPRemoteProxy extends KubeObject {
  spec: MCPRemoteProxySpec;
  status?: MCPRemoteProxyStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPServerEntry

/** `status.phase` of an MCPServerEntry; CRD default `Pending`. Only `Valid` entries are served. */
export type MCPServerEntryPhase = 'Valid' | 'Pending' | 'Failed';

/** `spec` of an MCPServerEntry. */
export interface MCPServerEntrySpec {
  /** The backend URL, used as is (no proxy in between). Pattern `^https?://`. */
  remoteUrl: string;
  /** Honoured by the operator's SSRF check, not by the discoverer. CRD default false. */
  allowPrivateEndpoint?: boolean;
  /** Required, no CRD default. */
  transport: 'sse' | 'streamable-http';
  groupRef: GroupRefField;
  externalAuthConfigRef?: ExternalAuthConfigRef;
  headerForward?: HeaderForwardSpec;
  caBundleRef?: CABundleSource;
}

/** `status` of an MCPServerEntry, written by the operator's validation-only entry controller. */
export interface MCPServerEntryStatus {
  observedGeneration?: number;
  phase?: MCPServerEntryPhase;
  conditions?: Condition[];
}

/** A remote MCP server the vMCP reaches directly, without a proxy pod (HEAD only; absent from v0.7.0 clusters). */
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

/** `spec.tokenExchange`: RFC 8693 token exchange at `tokenUrl`. */
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

/** `spec.headerInjection`: a fixed header whose value comes from a Secret. */
export interface HeaderInjectionConfig {
  headerName: string;
  valueSecretRef?: SecretKeyRef;
}

/** `spec.bearerToken` (HEAD). No built-in converter, as upstream: a backend that refers to it is not served. */
export interface BearerTokenConfig {
  tokenSecretRef: SecretKeyRef;
}

/** One rule of `spec.awsSts.roleMappings`: `claim` or `matcher` selects `roleArn`. */
export interface AwsStsRoleMapping {
  claim?: string;
  matcher?: string;
  roleArn: string;
  /** ≥ 0 (CRD). */
  priority?: number;
}

/** `spec.awsSts` (HEAD). Defaults are applied by the API server from the CRD, not here. */
export interface AwsStsConfig {
  region: string;
  /** CRD default `aws-mcp`. */
  service?: string;
  fallbackRoleArn?: string;
  roleMappings?: AwsStsRoleMapping[];
  /** CRD default `groups`. */
  roleClaim?: string;
  /** Seconds, 900..43200; CRD default 3600. */
  sessionDuration?: number;
  /** CRD default `sub`. */
  sessionNameClaim?: string;
  subjectProviderName?: string;
}

/** `spec.upstreamInject` (HEAD). */
export interface UpstreamInjectConfig {
  providerName: string;
}

/** `spec.obo` (HEAD); every field optional. */
export interface OboConfig {
  tokenUrl?: string;
  clientId?: string;
  clientSecretRef?: SecretKeyRef;
  audience?: string;
  scopes?: string[];
  subjectTokenProviderName?: string;
  cacheSkewSeconds?: number;
}

/** `spec.xaa` (HEAD). */
export interface XaaConfig {
  /** Must be `https://` (CRD pattern). */
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

/**
 * `spec` of an MCPExternalAuthConfig. At HEAD CEL rules require the sub-object named by `type` and forbid the others
 * (`unauthenticated` has none).
 */
export interface MCPExternalAuthConfigSpec {
  type: ExternalAuthType;
  tokenExchange?: TokenExchangeConfig;
  headerInjection?: HeaderInjectionConfig;
  bearerToken?: BearerTokenConfig;
  /** No built-in converter, as upstream: a backend that refers to it is not served. */
  embeddedAuthServer?: Record<string, unknown>;
  awsSts?: AwsStsConfig;
  upstreamInject?: UpstreamInjectConfig;
  obo?: OboConfig;
  xaa?: XaaConfig;
}

/** `status` of an MCPExternalAuthConfig, written by the operator. */
export interface MCPExternalAuthConfigStatus {
  observedGeneration?: number;
  configHash?: string;
  conditions?: Condition[];
}

/** Outgoing auth settings a backend refers to by name (`mcpexternalauthconfigs.toolhive.stacklok.dev`). */
export interface MCPExternalAuthConfig extends KubeObject {
  spec: MCPExternalAuthConfigSpec;
  status?: MCPExternalAuthConfigStatus;
}

// ---------------------------------------------------------------------------------------------------------------
// MCPGroup

/** A named group of backends. Objects join it through `spec.groupRef`; the watcher never reads MCPGroup itself. */
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

/** A ConfigMap as the API returns it. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  /** Base64 values; never read for a CA bundle. */
  binaryData?: Record<string, string>;
}
