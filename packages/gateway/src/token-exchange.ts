import type { Clock } from '@vmcp/core';

/** `fetch` as the pool uses it (the global one by default). */
export type FetchFunction = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The RFC 8693 grant type. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The token type assumed for the subject token and requested for the result, unless configured otherwise. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Settings of one {@link TokenExchangeClient}: the `tokenExchange` part of a resolved strategy. */
export interface TokenExchangeClientOptions {
  tokenUrl: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  audience?: string | undefined;
  scopes?: readonly string[] | undefined;
  /** Type of the subject token; default `urn:ietf:params:oauth:token-type:access_token`. */
  subjectTokenType?: string | undefined;
  fetch?: FetchFunction | undefined;
  clock: Clock;
  /** A token is reused until this long before it expires. Default 30 s. */
  expirySkewMs?: number | undefined;
  /** Bound on the request to the token endpoint. Default 10 s. */
  timeoutMs?: number | undefined;
  /** How many subject tokens' results are kept. Default 1000 (the oldest is dropped first). */
  maxCacheEntries?: number | undefined;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** The token URL without userinfo, query or fragment: safe in an error message. */
function displayUrl(tokenUrl: string): string {
  try {
    const url = new URL(tokenUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(invalid token URL)';
  }
}

/**
 * An OAuth 2.0 Token Exchange (RFC 8693) client for one backend's `token_exchange` strategy: trades the caller's
 * subject token for a token for the backend, and caches each result until shortly before it expires. Concurrent
 * requests for the same subject token share one exchange. A response without `expires_in` is not cached.
 *
 * The client authenticates with HTTP Basic (`clientId`/`clientSecret`, RFC 6749 §2.3.1), or sends `client_id` in
 * the form when there is no secret. Errors name the endpoint (without credentials) and the OAuth error code, never
 * a token or the secret.
 */
export class TokenExchangeClient {
  readonly #options: TokenExchangeClientOptions;
  readonly #cache = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(options: TokenExchangeClientOptions) {
    if (typeof options.tokenUrl !== 'string' || options.tokenUrl === '') throw new Error('token_exchange: tokenUrl is required');
    this.#options = options;
  }

  /** A token for the backend in exchange for `subjectToken`, from the cache while it is fresh. */
  async token(subjectToken: string): Promise<string> {
    if (typeof subjectToken !== 'string' || subjectToken === '') throw new Error('token_exchange: the subject token is empty');
    const now = this.#options.clock.now();
    const cached = this.#cache.get(subjectToken);
    if (cached !== undefined && cached.expiresAt > now) return cached.accessToken;
    if (cached !== undefined) this.#cache.delete(subjectToken);
    const running = this.#inflight.get(subjectToken);
    if (running !== undefined) return running;
    const exchange = this.#exchange(subjectToken).finally(() => this.#inflight.delete(subjectToken));
    this.#inflight.set(subjectToken, exchange);
    return exchange;
  }

  /** Number of cached tokens (for tests and metrics). */
  get cacheSize(): number {
    return this.#cache.size;
  }

  async #exchange(subjectToken: string): Promise<string> {
    const o = this.#options;
    const where = `token exchange at ${displayUrl(o.tokenUrl)}`;
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: subjectToken,
      subject_token_type: o.subjectTokenType ?? ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    if (o.audience !== undefined && o.audience !== '') form.set('audience', o.audience);
    if (o.scopes !== undefined && o.scopes.length > 0) form.set('scope', o.scopes.join(' '));
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (o.clientId !== undefined && o.clientId !== '' && o.clientSecret !== undefined) {
      const basic = `${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`;
      headers['authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else if (o.clientId !== undefined && o.clientId !== '') {
      form.set('client_id', o.clientId);
    }
    const startedAt = o.clock.now();
    let response: Response;
    try {
      response = await (o.fetch ?? fetch)(o.tokenUrl, {
        method: 'POST',
        headers,
        body: form.toString(),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new Error(`${where} failed: ${error instanceof Error ? error.name : 'error'}`, { cause: error });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const fields = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (!response.ok) {
      const code = typeof fields['error'] === 'string' ? ` ${fields['error'].slice(0, 64)}` : '';
      throw new Error(`${where} failed: HTTP ${response.status}${code}`);
    }
    const accessToken = fields['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') throw new Error(`${where}: the response has no access_token`);
    const expiresIn = fields['expires_in'];
    if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) {
      const expiresAt = startedAt + expiresIn * 1000 - (o.expirySkewMs ?? 30_000);
      if (expiresAt > o.clock.now()) this.#remember(subjectToken, { accessToken, expiresAt });
    }
    return accessToken;
  }

  #remember(subjectToken: string, token: CachedToken): void {
    const max = this.#options.maxCacheEntries ?? 1000;
    while (this.#cache.size >= max) {
      const oldest = this.#cache.keys().next();
      if (oldest.done === true) break;
      this.#cache.delete(oldest.value);
    }
    this.#cache.set(subjectToken, token);
  }
}
