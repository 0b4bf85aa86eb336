/** Transport types ToolHive knows. */
export type TransportType = 'stdio' | 'sse' | 'streamable-http' | 'inspector';

/** The transport used when a spec's transport is missing or unknown (all three kinds, as upstream). */
export const DEFAULT_TRANSPORT: TransportType = 'streamable-http';

const ACCEPTED: Readonly<Record<string, TransportType>> = Object.freeze({
  stdio: 'stdio',
  STDIO: 'stdio',
  sse: 'sse',
  SSE: 'sse',
  'streamable-http': 'streamable-http',
  'STREAMABLE-HTTP': 'streamable-http',
  inspector: 'inspector',
  INSPECTOR: 'inspector',
});

/**
 * Parses a transport exactly as upstream: all-lower or all-upper spellings only (`Sse` and `''` are rejected).
 * Returns undefined for anything else; callers fall back to {@link DEFAULT_TRANSPORT} with a warning.
 */
export function parseTransportType(value: string): TransportType | undefined {
  return Object.hasOwn(ACCEPTED, value) ? ACCEPTED[value] : undefined;
}

/**
 * The transport a vMCP client must speak to an MCPServer (upstream HEAD): a stdio server is fronted by a proxy in
 * `proxyMode` (any non-empty string, not validated; default streamable-http); any other transport is spoken as is
 * and `proxyMode` is ignored.
 */
export function effectiveProxyMode(transport: TransportType, proxyMode: string): string {
  if (transport === 'stdio') return proxyMode !== '' ? proxyMode : DEFAULT_TRANSPORT;
  return transport;
}
