import type { MCPExternalAuthConfig } from '@vmcp/api';
import type { BackendAuthStrategy } from '@vmcp/registry';
import type { DirectReader } from '../types.ts';

/** What a converter may use to resolve secrets. */
export interface AuthConverterContext {
  /** Namespace of the backend object; the auth config and its Secrets live there. */
  readonly namespace: string;
  /** Uncached reads of Secrets (and ConfigMaps). */
  readonly direct: DirectReader;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Turns one `MCPExternalAuthConfig.spec.type` into a `BackendAuthStrategy`, in two steps as upstream: `convert`
 * maps the non-secret configuration; `resolveSecrets` fills in secret values read through `context.direct`.
 *
 * The config object is **untrusted JSON** from the API server (typed for convenience only): check field types
 * (the exported `FieldReader` helps) and throw an `Error` naming the field on bad input. Never put a secret value in
 * an error message. Both methods must return new objects rather than mutate their inputs.
 */
export interface AuthConverter {
  /** The `type` of the strategies it produces, e.g. `token_exchange`. */
  readonly strategyType: string;
  convert(config: MCPExternalAuthConfig): BackendAuthStrategy;
  resolveSecrets(config: MCPExternalAuthConfig, strategy: BackendAuthStrategy, context: AuthConverterContext): Promise<BackendAuthStrategy>;
}
