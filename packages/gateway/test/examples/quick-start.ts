import { BackendPool } from '@vmcp/gateway';
import { createDynamicRegistry } from '@vmcp/registry';

/** Connects to one MCP backend through the pool, waits for its tools and calls one. */
export async function quickStart(backendUrl: string): Promise<string[]> {
  // In a gateway the BackendWatcher (@vmcp/kube-watcher) fills this registry from the cluster.
  const registry = createDynamicRegistry();
  const pool = new BackendPool({ registry });
  const toolsArrived = new Promise<void>((resolve) => {
    pool.on('toolsChanged', ({ tools }) => {
      console.log('tools:', tools.map((tool) => tool.name).join(', '));
      if (tools.length > 0) resolve();
    });
  });

  registry.upsert({
    id: 'docs',
    name: 'docs',
    baseUrl: backendUrl,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: 'demo-key' } },
    metadata: {},
  });
  await toolsArrived;

  // Tools are exposed as <backend>_<tool> (the default prefix rule).
  const result = await pool.callTool('docs_search', { text: 'hello' });
  console.log('health:', pool.health('docs')?.health);
  await pool.close();
  return result.content.map((part) => (part.type === 'text' ? part.text : part.type));
}
