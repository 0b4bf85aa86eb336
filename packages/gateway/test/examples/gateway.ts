import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { BackendPool, createGatewayServer } from '@vmcp/gateway';
import { createDynamicRegistry } from '@vmcp/registry';

const servers: http.Server[] = [];
async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
}

// The gateway. In a cluster, the BackendWatcher of @vmcp/kube-watcher fills the registry.
const registry = createDynamicRegistry();
const pool = new BackendPool({ registry });
const gateway = createGatewayServer({ pool });
const gatewayUrl = await listen((req, res) => void gateway.handle(req, res));

// A backend: any MCP server over streamable HTTP (here a stateless SDK server).
const baseUrl = await listen((req, res) => {
  const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
  mcp.registerTool('search', {}, () => ({ content: [{ type: 'text', text: 'found it' }] }));
  const transport = new StreamableHTTPServerTransport({});
  void mcp.connect(transport).then(() => transport.handleRequest(req, res));
});
registry.upsert({ id: 'docs', name: 'docs', baseUrl, transportType: 'streamable-http', healthStatus: 'healthy', metadata: {} });
await new Promise((resolve) => pool.on('toolsChanged', resolve)); // connected, tools listed

// Any MCP client of the gateway sees the backend's tools as <backend>_<tool> and calls them through it.
const client = new Client({ name: 'demo', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(gatewayUrl)));
console.log('tools:', (await client.listTools()).tools.map((tool) => tool.name).join(', '));
console.log('result:', JSON.stringify((await client.callTool({ name: 'docs_search' })).content));
await Promise.all([client.close(), gateway.close(), pool.close()]);
for (const server of servers) server.close().closeAllConnections();
