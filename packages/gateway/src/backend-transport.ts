import { AsyncLocalStorage } from 'node:async_hooks';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { errorMessage, type Clock } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import { backendFetch } from './backend-fetch.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import { resolveOutgoingAuth, type OutgoingAuth, type OutgoingAuthOptions } from './outgoing-auth.ts';
import { scrubSecrets } from './scrub.ts';
import type { FetchFunction } from './token-exchange.ts';

/** What a {@link TransportFactory} gets: the backend, its URL, and the fetch that adds its headers, auth and TLS. */
export interface TransportRequest {
  backend: Backend;
  url: URL;
  fetch: FetchFunction;
}

/** Builds the MCP transport of a backend. Throwing makes the backend unavailable with the error as the reason. */
export type TransportFactory = (request: TransportRequest) => Transport;

/**
 * The caller's context of the routed call in progress (`callTool(…, { context })`), seen by the fetch of that call's
 * HTTP requests; `undefined` for the pool's own requests.
 */
export const callScope = new AsyncLocalStorage<{ context: unknown }>();

/** A transport ready to connect, and how to release what it holds (a TLS agent). */
export interface OpenedTransport {
  transport: Transport;
  release: () => Promise<void>;
}

/**
 * The transport of `backend` with its auth, forwarded headers and CA bundle, or why it cannot be connected as
 * configured (then nothing was contacted). Reasons carry no secret value.
 */
export async function openTransport(
  backend: Backend,
  auth: OutgoingAuthOptions,
  clock: Clock,
  createTransport: TransportFactory = defaultTransport,
): Promise<OpenedTransport | { unavailable: string }> {
  const resolved = resolveOutgoingAuth(backend, auth, clock);
  if (resolved.unavailable !== undefined) return { unavailable: resolved.unavailable };
  const forwarded = forwardedHeaders(backend);
  if (forwarded.unavailable !== undefined) return { unavailable: forwarded.unavailable };
  let url: URL;
  try {
    url = new URL(backend.baseUrl);
  } catch {
    return { unavailable: 'baseUrl is not a valid URL' };
  }
  if (url.username !== '' || url.password !== '') {
    return { unavailable: 'baseUrl carries credentials (userinfo), which are never sent; use an auth config instead' };
  }
  const tls = backendFetch(backend.caBundleData);
  try {
    const transport = createTransport({ backend, url, fetch: withHeaders(backend, tls.fetch, forwarded.headers, resolved.auth) });
    return { transport, release: tls.close };
  } catch (error) {
    await tls.close();
    return { unavailable: scrubSecrets(errorMessage(error), backend) };
  }
}

function withHeaders(backend: Backend, base: FetchFunction, forwarded: Record<string, string>, auth: OutgoingAuth): FetchFunction {
  return async (url, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(forwarded)) headers.set(name, value);
    // Auth last: a forwarded header never overrides the backend's credentials.
    const authHeaders = await auth.headers({ backend, context: callScope.getStore()?.context });
    for (const [name, value] of Object.entries(authHeaders)) headers.set(name, value);
    return base(url, { ...init, headers });
  };
}

/** `streamable-http` and `sse` over HTTP; anything else is not reachable by a network client. */
function defaultTransport({ backend, url, fetch }: TransportRequest): Transport {
  switch (backend.transportType) {
    case 'streamable-http':
      return new StreamableHTTPClientTransport(url, { fetch });
    case 'sse':
      return new SSEClientTransport(url, { fetch });
    default:
      throw new Error(`transport ${JSON.stringify(backend.transportType)} is not supported (streamable-http or sse)`);
  }
}
