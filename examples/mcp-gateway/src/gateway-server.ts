import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { NotInCatalogueError, type BackendPool } from '@vmcp/gateway';

/** Options of {@link createGatewayServer}. */
export interface GatewayServerOptions {
  pool: BackendPool;
  /** How the gateway introduces itself to MCP clients. */
  serverInfo?: { name: string; version: string };
}

/** The MCP endpoint of the gateway: a Streamable HTTP handler with one SDK `Server` per client session. */
export interface GatewayServer {
  /** Handles one HTTP request to the MCP endpoint (POST, GET for the notification stream, DELETE to end a session). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Number of open sessions. */
  sessionCount(): number;
  /** Closes every session and stops following the pool. */
  close(): Promise<void>;
}

interface Session {
  server: Server;
  transport: StreamableHTTPServerTransport;
}

function sendJsonError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message }, id: null }));
}

/**
 * An aggregating MCP server over a {@link BackendPool}: `tools/list` answers the pool's merged catalogue,
 * `tools/call` is routed by the pool (with the session id as the call context, e.g. for token exchange), and every
 * open session gets `notifications/tools/list_changed` when the pool's catalogue changes: backends coming, going,
 * recovering, failing or changing their tools.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { pool } = options;
  const sessions = new Map<string, Session>();

  const newServer = (sessionId: () => string | undefined): Server => {
    const server = new Server(options.serverInfo ?? { name: 'vmcp-gateway', version: '0.0.0' }, {
      capabilities: { tools: { listChanged: true } },
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: pool.tools().map((entry) => entry.tool) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      try {
        return await pool.callTool(request.params.name, request.params.arguments ?? {}, {
          context: { sessionId: sessionId() },
          signal: extra.signal,
        });
      } catch (error) {
        if (error instanceof NotInCatalogueError) throw new McpError(ErrorCode.InvalidParams, error.message);
        // The pool's message names the tool and backend and carries no secret value.
        return { isError: true, content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }] };
      }
    });
    return server;
  };

  const unsubscribe = pool.on('toolsChanged', () => {
    for (const session of sessions.values()) {
      // A session whose stream is gone rejects; it is cleaned up by its transport's onclose.
      session.server.sendToolListChanged().catch(() => undefined);
    }
  });

  return {
    async handle(req, res) {
      const header = req.headers['mcp-session-id'];
      const sessionId = Array.isArray(header) ? header[0] : header;
      if (sessionId !== undefined) {
        const session = sessions.get(sessionId);
        if (session === undefined) return sendJsonError(res, 404, 'unknown or expired session');
        return session.transport.handleRequest(req, res);
      }
      if (req.method !== 'POST') return sendJsonError(res, 400, 'start a session with an initialize request');
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { server, transport });
        },
      });
      transport.onclose = () => {
        if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      };
      const server = newServer(() => transport.sessionId);
      await server.connect(transport);
      await transport.handleRequest(req, res);
    },
    sessionCount: () => sessions.size,
    async close() {
      unsubscribe();
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((session) => session.server.close().catch(() => undefined)));
    },
  };
}
