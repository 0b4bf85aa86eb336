/**
 * Child process of the gateway load bench: `count` MCP backends on loopback, each a real SDK server over streamable
 * HTTP with sessions (one McpServer per session) and `tools` tools. Messages from the parent: `{ kill: i }` closes
 * backend i and every connection to it (as a killed process would), `{ start: i }` listens again on its port.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const [count = 0, tools = 0] = process.argv.slice(2).map(Number);

function backend(index: number): http.Server {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return http.createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known !== undefined) return void known.handleRequest(req, res);
    if (typeof id === 'string') return void res.writeHead(404).end();
    const mcp = new McpServer({ name: `backend-${index}`, version: '1.0.0' });
    for (let t = 0; t < tools; t += 1) {
      mcp.registerTool(`tool${t}`, { description: `tool ${t} of backend ${index}` }, () => ({
        content: [{ type: 'text', text: `${index}/${t}` }],
      }));
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
    });
    transport.onclose = () => void (transport.sessionId !== undefined && sessions.delete(transport.sessionId));
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
}

const servers: http.Server[] = [];
const ports: number[] = [];
const listen = (server: http.Server, port: number) =>
  new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
for (let i = 0; i < count; i += 1) {
  servers.push(backend(i));
  ports.push(await listen(servers[i]!, 0));
}
process.send!({ ports });
process.on('message', (message: { kill?: number; start?: number }) => {
  if (message.kill !== undefined) {
    const server = servers[message.kill]!;
    server.close();
    server.closeAllConnections();
    process.send!({ killed: message.kill, at: performance.timeOrigin + performance.now() });
  }
  if (message.start !== undefined) {
    servers[message.start] = backend(message.start);
    void listen(servers[message.start]!, ports[message.start]!);
  }
});
process.on('disconnect', () => process.exit(0));
