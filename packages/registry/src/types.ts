/** Health of a backend as the registry reports it. Dynamic discovery produces `healthy`, `unhealthy` and `unknown`. */
export type BackendHealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | 'unauthenticated';

/** `''` for MCPServer and MCPRemoteProxy (as upstream, for compatibility), `entry` for MCPServerEntry. */
export type BackendType = '' | 'container' | 'proxy' | 'entry';

/** The auth strategy types upstream HEAD produces. Custom converters may produce others. */
export type KnownAuthStrategyType =
  'unauthenticated' | 'header_injection' | 'token_exchange' | 'upstream_inject' | 'aws_sts' | 'obo' | 'xaa';

/** `header_injection`: send `headerName` with a fixed value. */
export interface HeaderInjectionStrategy {
  headerName: string;
  /** SECRET. */
  headerValue?: string;
  /** Name of an environment variable holding the value, instead of `headerValue`. */
  headerValueEnv?: string;
}

/** `token_exchange`: RFC 8693 exchange of the caller's token at `tokenUrl`. */
export interface TokenExchangeStrategy {
  tokenUrl: string;
  clientId?: string;
  /** SECRET. */
  clientSecret?: string;
  clientSecretEnv?: string;
  audience?: string;
  scopes?: string[];
  subjectTokenType?: string;
  subjectProviderName?: string;
}

/** `upstream_inject`: the caller's token from the named upstream identity provider is injected. */
export interface UpstreamInjectStrategy {
  providerName: string;
}

/** One `awsSts.roleMappings` rule, copied from the CRD. */
export interface AwsStsRoleMappingStrategy {
  claim?: string;
  matcher?: string;
  roleArn: string;
  priority?: number;
}

/** `aws_sts`: AWS credentials from STS for a role chosen by the caller's claims. No secret fields. */
export interface AwsStsStrategy {
  region: string;
  service?: string;
  fallbackRoleArn?: string;
  roleMappings?: AwsStsRoleMappingStrategy[];
  roleClaim?: string;
  /** Seconds (an int32 upstream). */
  sessionDuration?: number;
  sessionNameClaim?: string;
  subjectProviderName?: string;
}

/** `obo` (on-behalf-of). Only a custom converter produces it: the built-in one always fails, as upstream has none. */
export interface OboStrategy {
  tokenUrl: string;
  clientId?: string;
  /** SECRET. */
  clientSecret?: string;
  clientSecretEnv?: string;
  audience?: string;
  scopes?: string[];
  subjectTokenProviderName?: string;
  cacheSkewSeconds?: number;
}

/** `xaa` (cross-app access): a token exchange at the IdP, then one at the target, each with its own client secret. */
export interface XaaStrategy {
  idpTokenUrl: string;
  idpClientId?: string;
  /** SECRET. */
  idpClientSecret?: string;
  idpClientSecretEnv?: string;
  targetTokenUrl: string;
  insecureTargetTokenUrl?: boolean;
  targetClientId?: string;
  /** SECRET. */
  targetClientSecret?: string;
  targetClientSecretEnv?: string;
  targetAudience: string;
  targetResource?: string;
  scopes?: string[];
  subjectProviderName?: string;
  subjectTokenType?: string;
}

/**
 * A resolved outgoing auth strategy, secret values included. Never log it, serve it or write it to a snapshot:
 * use `redactAuthStrategy` for anything a person or another process will see.
 */
export interface BackendAuthStrategy {
  type: KnownAuthStrategyType | (string & {});
  headerInjection?: HeaderInjectionStrategy;
  tokenExchange?: TokenExchangeStrategy;
  upstreamInject?: UpstreamInjectStrategy;
  awsSts?: AwsStsStrategy;
  obo?: OboStrategy;
  xaa?: XaaStrategy;
  /** Settings of a custom (user-registered) strategy type. Treated as secret as a whole by `redactAuthStrategy`. */
  custom?: Record<string, unknown>;
}

/**
 * Headers an MCPServerEntry forwards. Secret-backed headers appear here as identifiers only, never values: the
 * values the discoverer read are in {@link Backend.headerForwardSecretValues}.
 */
export interface HeaderForwardConfig {
  addPlaintextHeaders?: Record<string, string>;
  /**
   * header name → secret identifier (`HEADER_FORWARD_<HEADER>_<ENTRY>`), upstream's name for the value (its vMCP
   * reads it from the environment variable `TOOLHIVE_SECRET_<identifier>`). Kept for compatibility.
   */
  addHeadersFromSecret?: Record<string, string>;
}

/** One MCP backend the gateway may route to. */
export interface Backend {
  /** Unique key: the resource name. */
  id: string;
  name: string;
  baseUrl: string;
  transportType: string;
  type?: BackendType;
  healthStatus: BackendHealthStatus;
  /** Resolved strategy, secret values included: never print or serve it. */
  authConfig?: BackendAuthStrategy;
  /** Name of the MCPExternalAuthConfig the strategy came from. */
  authConfigRef?: string;
  /** PEM, MCPServerEntry only. */
  caBundleData?: string;
  /** MCPServerEntry only. */
  headerForward?: HeaderForwardConfig;
  /**
   * SECRET. The values of the headers listed in `headerForward.addHeadersFromSecret`, header name → value, read
   * from the referenced Secrets when the backend was converted (and again whenever one of those Secrets changes).
   * Present exactly when `headerForward.addHeadersFromSecret` is: a backend whose Secret or key is missing is not
   * served at all. Never print or serve it: `toPublicBackend` leaves it out.
   */
  headerForwardSecretValues?: Record<string, string>;
  metadata: Record<string, string>;
}

/** Read access to a set of backends. */
export interface BackendRegistry {
  /** The stored (deeply frozen) backend, or undefined. Exact, case-sensitive id match. */
  get(id: string): Backend | undefined;
  /** A new array of the stored (frozen) backends, never null. Order is unspecified. */
  list(): Backend[];
  count(): number;
}

/**
 * One effective registry change. `version` is the registry version after it; `previous` is the replaced backend
 * (absent when an upsert added a new id).
 */
export type RegistryEvent =
  | { type: 'upsert'; version: number; backend: Backend; previous?: Backend }
  | { type: 'remove'; version: number; id: string; previous: Backend };

/** Receives each `RegistryEvent`; see `DynamicRegistry.subscribe`. */
export type RegistryListener = (event: RegistryEvent) => void;

/** A registry that changes over time and says when it did. */
export interface DynamicRegistry extends BackendRegistry {
  /** Stores a deep-frozen copy. True if the stored content changed. Throws `backend ID cannot be empty` on `''`. */
  upsert(backend: Backend): boolean;
  /** True if something was removed. */
  remove(id: string): boolean;
  /** 0 for the initial contents; +1 per effective change. */
  version(): number;
  /** Listener runs synchronously after each effective change; a throwing listener is isolated. Returns unsubscribe. */
  subscribe(listener: RegistryListener): () => void;
}
