import type { Backend } from '@vmcp/registry';

/** Forwarded headers of a backend, or why they cannot be built. */
export type ForwardedHeaders = { headers: Record<string, string>; unavailable?: undefined } | { headers?: undefined; unavailable: string };

/**
 * The headers an MCPServerEntry forwards: `headerForward.addPlaintextHeaders` as they are, and each header of
 * `headerForward.addHeadersFromSecret` with its value from `headerForwardSecretValues` (resolved by the watcher).
 * A secret-backed header without a resolved value makes the backend unavailable: it is never contacted without it.
 */
export function forwardedHeaders(backend: Backend): ForwardedHeaders {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(backend.headerForward?.addPlaintextHeaders ?? {})) headers[name] = value;
  const values = backend.headerForwardSecretValues ?? {};
  for (const name of Object.keys(backend.headerForward?.addHeadersFromSecret ?? {})) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (typeof value !== 'string') {
      return {
        unavailable: `forwarded header ${name} has no resolved value (headerForwardSecretValues); is the discoverer older than this gateway?`,
      };
    }
    headers[name] = value;
  }
  return { headers };
}
