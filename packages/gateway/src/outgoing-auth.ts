import type { Backend, BackendAuthStrategy } from '@vmcp/registry';
import { TokenExchangeClient, type FetchFunction } from './token-exchange.ts';
import { errorMessage, type Clock } from '@vmcp/core';

/**
 * What the pool knows about the request being made: the `context` the caller passed to `callTool` (for example the
 * gateway session or the incoming request), or `undefined` for the pool's own requests (initialize, list, ping).
 */
export interface AuthRequest {
  backend: Backend;
  context: unknown;
}

/** Supplies the caller's token that `token_exchange` trades in. May throw: the request then fails. */
export type SubjectTokenProvider = (request: AuthRequest) => string | Promise<string>;

/** Outgoing auth of one backend: headers to add to each HTTP request. */
export interface OutgoingAuth {
  headers(request: AuthRequest): Promise<Record<string, string>> | Record<string, string>;
}

/** An auth strategy resolved for use, or why the backend cannot be used with it (it is then not connected). */
export type OutgoingAuthResolution = { auth: OutgoingAuth; unavailable?: undefined } | { auth?: undefined; unavailable: string };

/** Builds the outgoing auth for a strategy type the pool does not implement itself. */
export type StrategyFactory = (strategy: BackendAuthStrategy, backend: Backend) => OutgoingAuthResolution;

/** Auth settings of the pool. */
export interface OutgoingAuthOptions {
  /** The caller's token for `token_exchange`. Without it, `token_exchange` backends are unavailable. */
  subjectToken?: SubjectTokenProvider;
  /**
   * Implementations of further strategy types, by `type` (`aws_sts`, `upstream_inject`, `obo`, `xaa`, a custom type).
   * An entry for a built-in type replaces the built-in.
   */
  strategies?: Readonly<Record<string, StrategyFactory>>;
  /** Where `*Env` fields (`headerValueEnv`, `clientSecretEnv`) are looked up. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** fetch for the token endpoint. Default: the global fetch. */
  fetch?: FetchFunction;
}

const NO_HEADERS: OutgoingAuth = { headers: () => ({}) };

/** The strategy types the pool implements itself. */
export const BUILT_IN_STRATEGIES: readonly string[] = Object.freeze(['unauthenticated', 'header_injection', 'token_exchange']);

function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string | undefined): string | undefined {
  return name === undefined || name === '' ? undefined : env[name];
}

/**
 * The outgoing auth of `backend`: `unauthenticated` or no strategy → no headers; `header_injection` → a fixed
 * header; `token_exchange` → `Authorization: Bearer <exchanged token>` (RFC 8693, cached until expiry); a type
 * registered in `options.strategies` → that implementation; anything else → unavailable with a reason. Never throws.
 */
export function resolveOutgoingAuth(backend: Backend, options: OutgoingAuthOptions, clock: Clock): OutgoingAuthResolution {
  const strategy = backend.authConfig;
  if (strategy === undefined) return { auth: NO_HEADERS };
  const type = typeof strategy.type === 'string' ? strategy.type : '';
  const custom = options.strategies?.[type];
  if (custom !== undefined) {
    try {
      return custom(strategy, backend);
    } catch (error) {
      return { unavailable: `auth strategy "${type}": ${errorMessage(error)}` };
    }
  }
  const env = options.env ?? process.env;
  switch (type) {
    case 'unauthenticated':
      return { auth: NO_HEADERS };
    case 'header_injection': {
      const hi = strategy.headerInjection;
      if (hi === undefined || typeof hi.headerName !== 'string' || hi.headerName === '') {
        return { unavailable: 'auth strategy "header_injection": headerInjection.headerName is missing' };
      }
      const value = hi.headerValue ?? fromEnv(env, hi.headerValueEnv);
      if (value === undefined) {
        return {
          unavailable: `auth strategy "header_injection": no value for header ${hi.headerName} (headerValue unset, environment variable ${hi.headerValueEnv ?? '(none)'} unset)`,
        };
      }
      const headers = { [hi.headerName]: value };
      return { auth: { headers: () => headers } };
    }
    case 'token_exchange': {
      const te = strategy.tokenExchange;
      if (te === undefined || typeof te.tokenUrl !== 'string' || te.tokenUrl === '') {
        return { unavailable: 'auth strategy "token_exchange": tokenExchange.tokenUrl is missing' };
      }
      const subjectToken = options.subjectToken;
      if (subjectToken === undefined) {
        return { unavailable: 'auth strategy "token_exchange" needs a subject token: set auth.subjectToken in the pool options' };
      }
      const clientSecret = te.clientSecret ?? fromEnv(env, te.clientSecretEnv);
      if (te.clientSecretEnv !== undefined && te.clientSecretEnv !== '' && clientSecret === undefined) {
        return { unavailable: `auth strategy "token_exchange": environment variable ${te.clientSecretEnv} (clientSecretEnv) is unset` };
      }
      const client = new TokenExchangeClient({
        tokenUrl: te.tokenUrl,
        clientId: te.clientId,
        clientSecret,
        audience: te.audience,
        scopes: te.scopes,
        subjectTokenType: te.subjectTokenType,
        fetch: options.fetch,
        clock,
      });
      return {
        auth: {
          async headers(request) {
            const token = await client.token(await subjectToken(request));
            return { Authorization: `Bearer ${token}` };
          },
        },
      };
    }
    default:
      return {
        unavailable: `auth strategy "${type}" is not implemented by @vmcp/gateway; provide one with auth.strategies["${type}"]`,
      };
  }
}
