import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';

/** A real SDK MCP server on 127.0.0.1 that records the headers of every HTTP request it receives. */
export interface LoopbackServer {
  url: string;
  /** Headers of every request, in arrival order. */
  requests: IncomingHttpHeaders[];
  /** Headers seen by each tools/call, by tool name. */
  callHeaders: Map<string, IncomingHttpHeaders[]>;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  name: string;
  tools: string[];
  transport?: 'streamable-http' | 'sse';
  tls?: { cert: string; key: string };
  port?: number;
}

function mcpServer(
  options: LoopbackOptions,
  callHeaders: Map<string, IncomingHttpHeaders[]>,
  current: () => IncomingHttpHeaders,
): McpServer {
  const server = new McpServer({ name: options.name, version: '1.0.0' });
  for (const tool of options.tools) {
    server.registerTool(tool, { description: `${tool} of ${options.name}`, inputSchema: { text: z.string().optional() } }, ({ text }) => {
      const list = callHeaders.get(tool) ?? [];
      list.push(current());
      callHeaders.set(tool, list);
      return { content: [{ type: 'text', text: `${options.name}/${tool}: ${text ?? ''}` }] };
    });
  }
  return server;
}

/** Starts the server; streamable HTTP is stateless (a fresh protocol per request), SSE keeps one session per stream. */
export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  const requests: IncomingHttpHeaders[] = [];
  const callHeaders = new Map<string, IncomingHttpHeaders[]>();
  const sse = new Map<string, SSEServerTransport>();
  let currentHeaders: IncomingHttpHeaders = {};
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(req.headers);
    currentHeaders = req.headers;
    void (async () => {
      if (options.transport === 'sse') {
        if (req.method === 'GET') {
          const transport = new SSEServerTransport('/messages', res);
          sse.set(transport.sessionId, transport);
          transport.onclose = () => sse.delete(transport.sessionId);
          await mcpServer(options, callHeaders, () => currentHeaders).connect(transport);
          return;
        }
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('sessionId') ?? '';
        const transport = sse.get(id);
        if (transport === undefined) {
          res.writeHead(404).end();
          return;
        }
        await transport.handlePostMessage(req, res);
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      const transport = new StreamableHTTPServerTransport({});
      const server = mcpServer(options, callHeaders, () => req.headers);
      res.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(req, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server =
    options.tls !== undefined ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls !== undefined ? 'https' : 'http';
  const path = options.transport === 'sse' ? '/sse' : '/mcp';
  return {
    url: `${scheme}://127.0.0.1:${port}${path}`,
    requests,
    callHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        for (const transport of sse.values()) void transport.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
