import type { Backend } from '../src/index.ts';

/** A backend with every field set, as the Kubernetes discoverer produces for an MCPServerEntry. */
export function fullBackend(id: string, overrides: Partial<Backend> = {}): Backend {
  return {
    id,
    name: id,
    baseUrl: `https://${id}.example.com/mcp`,
    transportType: 'streamable-http',
    type: 'entry',
    healthStatus: 'healthy',
    authConfig: {
      type: 'token_exchange',
      tokenExchange: {
        tokenUrl: 'https://idp.example.com/token',
        clientId: 'vmcp',
        clientSecret: 'vmcp-planted-secret-client',
        audience: 'backend',
        scopes: ['read', 'write'],
      },
    },
    authConfigRef: `${id}-auth`,
    caBundleData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    headerForward: {
      addPlaintextHeaders: { 'X-Tenant': 'eng' },
      addHeadersFromSecret: { 'X-Api-Key': `HEADER_FORWARD_X_API_KEY_${id.toUpperCase()}` },
    },
    headerForwardSecretValues: { 'X-Api-Key': 'vmcp-planted-secret-header' },
    metadata: { tool_type: 'mcp', workload_type: 'server_entry', workload_status: 'Valid', namespace: 'team-a' },
    ...overrides,
  };
}

/** The smallest valid backend. */
export function minimalBackend(id: string, overrides: Partial<Backend> = {}): Backend {
  return {
    id,
    name: id,
    baseUrl: `http://${id}.svc:8080/mcp`,
    transportType: 'streamable-http',
    healthStatus: 'unknown',
    metadata: {},
    ...overrides,
  };
}
