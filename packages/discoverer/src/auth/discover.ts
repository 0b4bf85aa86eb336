import type { MCPExternalAuthConfig } from '@vmcp/api';
import type { BackendAuthStrategy } from '@vmcp/registry';
import { MCP_EXTERNAL_AUTH_CONFIG } from '../constants.ts';
import { errorMessage } from '@vmcp/core';
import { authConfigFields } from './config-fields.ts';
import type { AuthConverterRegistry } from './registry.ts';
import { NotFoundError, type CacheReader, type DirectReader } from '../types.ts';

/** Where {@link discoverAndResolveAuth} reads from. */
export interface AuthResolutionDeps {
  /** The watcher's cache: MCPExternalAuthConfig objects are read from it, never from the API. */
  reader: CacheReader;
  /** Direct reads of Secrets. */
  direct: DirectReader;
  converters: AuthConverterRegistry;
  signal?: AbortSignal | undefined;
}

function wrap(prefix: string, error: unknown): Error {
  return new Error(`${prefix}: ${errorMessage(error)}`, { cause: error });
}

/**
 * Resolves a backend's `spec.externalAuthConfigRef` into a strategy with its secret values, as upstream's
 * `DiscoverAndResolveAuth`. `ref` absent → `null` (no auth). `namespace` is the backend object's: the auth config
 * and its Secrets must be there.
 *
 * Every failure throws, with upstream's wrapping: `failed to get MCPExternalAuthConfig <name>: …`,
 * `failed to get converter for auth type <type>: unsupported auth type: <type>`, `failed to convert to strategy: …`,
 * `failed to resolve secrets: …`. The caller must fail closed (not serve the backend). The original error is kept as
 * `cause`, so e.g. `EnterpriseRequiredError` stays identifiable. An abort of `signal` is rethrown unwrapped.
 */
export async function discoverAndResolveAuth(
  ref: { name: string } | null | undefined,
  namespace: string,
  deps: AuthResolutionDeps,
): Promise<BackendAuthStrategy | null> {
  if (ref === null || ref === undefined) return null;
  const { name } = ref;

  let config: MCPExternalAuthConfig | undefined;
  try {
    config = deps.reader.get<MCPExternalAuthConfig>(MCP_EXTERNAL_AUTH_CONFIG, name);
  } catch (error) {
    throw wrap(`failed to get MCPExternalAuthConfig ${name}`, error);
  }
  if (config === undefined) {
    throw wrap(`failed to get MCPExternalAuthConfig ${name}`, new NotFoundError(MCP_EXTERNAL_AUTH_CONFIG, name));
  }

  // The type decides everything else, so a missing or wrong-typed one is reported as such, not as "unsupported".
  const fields = authConfigFields(config);
  const spec = fields.requiredObject((config as { spec?: unknown }).spec, 'spec');
  const type = fields.stringOrEmpty(spec['type'], 'spec.type');
  if (type === '') fields.fail('spec.type', 'is required');

  let converter;
  try {
    converter = deps.converters.get(type);
  } catch (error) {
    throw wrap(`failed to get converter for auth type ${type}`, error);
  }

  let strategy: BackendAuthStrategy;
  try {
    strategy = converter.convert(config);
  } catch (error) {
    throw wrap('failed to convert to strategy', error);
  }

  try {
    return await converter.resolveSecrets(config, strategy, { namespace, direct: deps.direct, signal: deps.signal });
  } catch (error) {
    if (deps.signal?.aborted === true) throw error;
    throw wrap('failed to resolve secrets', error);
  }
}
