import type { MCPExternalAuthConfig } from '@vmcp/api';
import type { BackendAuthStrategy } from '@vmcp/registry';
import { headerInjectionConverter } from './header-injection.ts';
import { oboConverter } from './obo.ts';
import { awsStsConverter, unauthenticatedConverter, upstreamInjectConverter } from './simple.ts';
import { tokenExchangeConverter } from './token-exchange.ts';
import type { AuthConverter, AuthConverterContext } from './types.ts';
import { xaaConverter } from './xaa.ts';

/** Converters by `MCPExternalAuthConfig.spec.type`. */
export interface AuthConverterRegistry {
  /** Adds or replaces the converter of `type`. @throws Error on an empty type or a converter without methods. */
  register(type: string, converter: AuthConverter): void;
  /** The converter of `type`. @throws Error `unsupported auth type: <type>` when none is registered. */
  get(type: string): AuthConverter;
  has(type: string): boolean;
  /** Registered types, in registration order. */
  types(): string[];
}

/**
 * The built-in converters, as upstream HEAD registers them. `bearerToken` and `embeddedAuthServer` are valid CRD
 * values that upstream does not support in discovered mode; they are left out here too (backend not served).
 */
export const BUILTIN_AUTH_CONVERTERS: Readonly<Record<string, AuthConverter>> = Object.freeze({
  tokenExchange: tokenExchangeConverter,
  headerInjection: headerInjectionConverter,
  unauthenticated: unauthenticatedConverter,
  upstreamInject: upstreamInjectConverter,
  awsSts: awsStsConverter,
  obo: oboConverter,
  xaa: xaaConverter,
});

/** Options of {@link createAuthConverterRegistry}. */
export interface AuthConverterRegistryOptions {
  /** Start with the built-in converters (default true). */
  builtins?: boolean;
}

/** A new, independent registry, with the built-in converters unless `{ builtins: false }`. */
export function createAuthConverterRegistry(options: AuthConverterRegistryOptions = {}): AuthConverterRegistry {
  const converters = new Map<string, AuthConverter>();
  const registry: AuthConverterRegistry = {
    register(type, converter) {
      if (typeof type !== 'string' || type === '') throw new Error('auth type cannot be empty');
      if (typeof converter?.convert !== 'function' || typeof converter.resolveSecrets !== 'function') {
        throw new Error(`converter for auth type ${type} must have convert and resolveSecrets methods`);
      }
      converters.set(type, converter);
    },
    get(type) {
      const converter = converters.get(type);
      if (converter === undefined) throw new Error(`unsupported auth type: ${type}`);
      return converter;
    },
    has: (type) => converters.has(type),
    types: () => [...converters.keys()],
  };
  if (options.builtins !== false) {
    for (const [type, converter] of Object.entries(BUILTIN_AUTH_CONVERTERS)) registry.register(type, converter);
  }
  return registry;
}

let defaultRegistry: AuthConverterRegistry | undefined;

/**
 * A process-wide registry with the built-ins, created on first use (upstream's `DefaultRegistry`). A discoverer
 * given no registry uses its own fresh one instead, so registering here affects only code that passes this one.
 */
export function defaultAuthConverterRegistry(): AuthConverterRegistry {
  defaultRegistry ??= createAuthConverterRegistry();
  return defaultRegistry;
}

function typeOf(config: MCPExternalAuthConfig): unknown {
  const spec: unknown = (config as { spec?: unknown }).spec;
  return spec !== null && typeof spec === 'object' ? (spec as { type?: unknown }).type : undefined;
}

/**
 * Converts an auth config with the converter of its type. Errors: `external auth config is nil`,
 * `unsupported auth type: <type>`, or the converter's own error, unwrapped.
 */
export function convertToStrategy(registry: AuthConverterRegistry, config: MCPExternalAuthConfig | null | undefined): BackendAuthStrategy {
  if (config === null || config === undefined) throw new Error('external auth config is nil');
  return registry.get(String(typeOf(config))).convert(config);
}

/** Resolves the secrets of a converted strategy. Same errors as {@link convertToStrategy}. */
export async function resolveSecretsForStrategy(
  registry: AuthConverterRegistry,
  config: MCPExternalAuthConfig | null | undefined,
  strategy: BackendAuthStrategy,
  context: AuthConverterContext,
): Promise<BackendAuthStrategy> {
  if (config === null || config === undefined) throw new Error('external auth config is nil');
  return await registry.get(String(typeOf(config))).resolveSecrets(config, strategy, context);
}
