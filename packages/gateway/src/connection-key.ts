import type { Backend } from '@vmcp/registry';

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = stable((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Everything about a backend that decides how to connect to it: URL, transport, auth (secret values included),
 * CA bundle and forwarded headers. Two backends with the same key can share a connection; a change of key means
 * reconnect. Health, metadata and names are left out on purpose: a phase change must not drop a live session.
 *
 * The key contains secret values: compare it, never log it.
 */
export function connectionKey(backend: Backend): string {
  return JSON.stringify(
    stable({
      baseUrl: backend.baseUrl,
      transportType: backend.transportType,
      authConfig: backend.authConfig ?? null,
      caBundleData: backend.caBundleData ?? null,
      headerForward: backend.headerForward ?? null,
      headerForwardSecretValues: backend.headerForwardSecretValues ?? null,
    }),
  );
}
