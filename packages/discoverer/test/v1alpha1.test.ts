import { describe, expect, it } from 'vitest';
import { mcpServerPhaseToHealth, TOOLHIVE_V1ALPHA1 } from '../src/convert/health.ts';
import { GROUP, NS } from './fixtures.ts';
import { harness } from './harness.ts';

/** An MCPServer as a ToolHive v0.7.0 cluster serves it: v1alpha1, string groupRef, phase `Running`. */
function v070Server(name: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: TOOLHIVE_V1ALPHA1,
    kind: 'MCPServer',
    metadata: { name, namespace: NS, resourceVersion: '1' },
    spec: { groupRef: GROUP, image: 'x', transport: 'sse', proxyMode: 'streamable-http', proxyPort: 8080, ...spec },
    status,
  };
}

describe('v0.7.0 rules on a v1alpha1 cluster', () => {
  it.each([
    ['Running', 'healthy'],
    ['Ready', 'healthy'],
    ['Failed', 'unhealthy'],
    ['Terminating', 'unhealthy'],
    ['Stopped', 'unhealthy'],
    ['Pending', 'unknown'],
    ['', 'unknown'],
    ['running', 'unknown'],
  ])('MCPServer at v1alpha1: %j → %s', (phase, health) => expect(mcpServerPhaseToHealth(phase, TOOLHIVE_V1ALPHA1)).toBe(health));

  it('the same Running at v1beta1 stays unknown (HEAD: the phase was renamed Ready)', () => {
    expect(mcpServerPhaseToHealth('Running', 'toolhive.stacklok.dev/v1beta1')).toBe('unknown');
  });

  it('a Running v0.7.0 server with a string groupRef is served healthy, with HEAD transport rules', async () => {
    const h = harness();
    h.put(v070Server('fetch', { phase: 'Running', url: 'http://mcp-fetch-proxy:8080' }));
    const names = await h.discoverer.listWorkloadsInGroup(GROUP);
    expect(names).toEqual([{ name: 'fetch', type: 'MCPServer' }]);
    const b = await h.discoverer.getWorkloadAsBackend({ name: 'fetch', type: 'MCPServer' });
    // v0.7.0 advertised proxyMode (its CRD default streamable-http) for an sse server; HEAD advertises sse.
    expect(b).toMatchObject({ id: 'fetch', healthStatus: 'healthy', transportType: 'sse', baseUrl: 'http://mcp-fetch-proxy:8080' });
    expect(b?.metadata['workload_status']).toBe('Running');
  });

  it('no status.url: not served, even though v0.7.0 would have made up a 127.0.0.1 URL from the port', async () => {
    const h = harness();
    h.put(v070Server('no-url', { phase: 'Running' }));
    const r = await h.discoverer.resolveWorkload({ name: 'no-url', type: 'MCPServer' });
    expect(r.backend).toBeNull();
    expect(r.reason?.code).toBe('no-url');
  });
});
