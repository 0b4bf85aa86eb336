import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import { backgroundClock, errorMessage, silentLogger, type Clock, type Logger, type TimerHandle } from '@vmcp/core';
import { sessionServer, type GatewayRequestInfo } from './mcp-server.ts';
import type { BackendPool } from './pool.ts';

/** Options of {@link createGatewayServer}. */
export interface GatewayServerOptions {
  /** The pool whose catalogue the gateway serves. The gateway never closes it. */
  pool: BackendPool;
  /** How the gateway introduces itself to MCP clients. Default `{ name: 'vmcp-gateway', version: '0.1.0' }`. */
  serverInfo?: Implementation;
  /** MCP `instructions` sent at initialize. */
  instructions?: string;
  /**
   * A session with no request for this long, and no open stream or request, is closed (the SDK's `Client.close()`
   * sends no DELETE). Default 5 min.
   */
  sessionIdleTimeoutMs?: number;
  /** Most open sessions; a new session beyond it is refused with HTTP 503. Default 1000. */
  maxSessions?: number;
  /**
   * The `context` handed to the pool for each routed request (and so to `auth.subjectToken`). Default: the
   * {@link GatewayRequestInfo} itself (session id and `req.auth`).
   */
  context?: (info: GatewayRequestInfo) => unknown;
  /** Time for idle expiry. Default `backgroundClock` (never keeps the process alive). */
  clock?: Clock;
  logger?: Logger;
}

/** An MCP server over a {@link BackendPool}: streamable HTTP with one SDK `Server` per session. */
export interface GatewayServer {
  /**
   * Handles one HTTP request to the MCP endpoint: POST (initialize, then requests), GET (the session's notification
   * stream) and DELETE (end the session). Mount it on `node:http`, Express or Hono; `parsedBody` is the JSON body when
   * a middleware already read it. Never rejects: a failure is answered with a JSON-RPC error.
   */
  handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  /** Serves one session over any other transport (stdio, in-memory); it gets `list_changed` like the HTTP sessions. */
  connect(transport: Transport): Promise<Server>;
  /** Number of open sessions. */
  sessionCount(): number;
  /** Closes every session and stops following the pool (the pool stays open). */
  close(): Promise<void>;
}

interface HttpSession {
  server: Server;
  transport: StreamableHTTPServerTransport;
  lastActiveAt: number;
  /** Requests and notification streams still open: a session with any is not idle. */
  open: number;
}

/**
 * The server half of a gateway: every session lists the pool's catalogue, gets `notifications/…/list_changed` on each
 * change of it, and has its calls routed with its context and cancellation. Idle sessions expire; the number of
 * sessions is bounded.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { pool } = options;
  const clock = options.clock ?? backgroundClock;
  const logger = options.logger ?? silentLogger;
  const idleMs = positive('sessionIdleTimeoutMs', options.sessionIdleTimeoutMs ?? 300_000);
  const maxSessions = positive('maxSessions', options.maxSessions ?? 1000);
  const newServer = (): Server =>
    sessionServer({
      pool,
      serverInfo: options.serverInfo ?? { name: 'vmcp-gateway', version: '0.1.0' },
      instructions: options.instructions,
      context: options.context ?? ((info) => info),
    });
  const sessions = new Map<string, HttpSession>();
  const others = new Set<Server>();
  let closed = false;

  const notify = (send: (server: Server) => Promise<void>): void => {
    // A session whose stream is gone rejects; its transport's onclose removes it.
    for (const session of sessions.values()) send(session.server).catch(() => undefined);
    for (const server of others) send(server).catch(() => undefined);
  };
  const unsubscribe = [
    pool.on('toolsChanged', () => notify((server) => server.sendToolListChanged())),
    pool.on('promptsChanged', () => notify((server) => server.sendPromptListChanged())),
    pool.on('resourcesChanged', () => notify((server) => server.sendResourceListChanged())),
  ];

  const end = (id: string, why: string): void => {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    logger.debug(`session ${id} ended: ${why}`, { session: id });
    void session.server.close().catch(() => undefined);
  };
  const sweep = (): void => {
    const now = clock.now();
    for (const [id, session] of sessions) if (session.open === 0 && now - session.lastActiveAt >= idleMs) end(id, 'idle');
  };
  let sweepTimer: TimerHandle | undefined;
  const scheduleSweep = (): void => {
    sweepTimer = clock.setTimeout(
      () => {
        sweep();
        if (!closed) scheduleSweep();
      },
      Math.max(1, Math.min(idleMs / 4, 30_000)),
    );
  };
  scheduleSweep();

  const track = (session: HttpSession, res: ServerResponse): void => {
    session.open += 1;
    session.lastActiveAt = clock.now();
    res.once('close', () => {
      session.open -= 1;
      session.lastActiveAt = clock.now();
    });
  };

  const start = async (req: IncomingMessage, res: ServerResponse, parsedBody: unknown): Promise<void> => {
    if (req.method !== 'POST') return jsonRpcError(res, 400, -32000, 'Bad Request: start a session with an initialize POST');
    if (closed) return jsonRpcError(res, 503, -32000, 'the gateway is shutting down');
    if (sessions.size >= maxSessions) sweep();
    if (sessions.size >= maxSessions) {
      res.setHeader('retry-after', String(Math.ceil(idleMs / 1000)));
      return jsonRpcError(res, 503, -32000, `too many sessions (maxSessions ${maxSessions}); retry later`);
    }
    const server = newServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const session: HttpSession = { server, transport, lastActiveAt: clock.now(), open: 0 };
        sessions.set(id, session);
        track(session, res);
      },
      onsessionclosed: (id) => end(id, 'closed by the client'),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) end(transport.sessionId, 'transport closed');
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, parsedBody);
    // Not an initialize request: the transport answered the error and never became a session.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close();
  };

  return {
    async handle(req, res, parsedBody) {
      try {
        const header = req.headers['mcp-session-id'];
        const id = Array.isArray(header) ? header[0] : header;
        if (id === undefined) return await start(req, res, parsedBody);
        const session = sessions.get(id);
        // 404 tells the client to start a new session (the MCP specification's rule for an expired one).
        if (session === undefined) return jsonRpcError(res, 404, -32001, 'Session not found');
        track(session, res);
        await session.transport.handleRequest(req, res, parsedBody);
      } catch (error) {
        logger.warn(`gateway request failed: ${errorMessage(error)}`);
        if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal error');
        else res.end();
      }
    },
    async connect(transport) {
      const server = newServer();
      others.add(server);
      server.onclose = () => others.delete(server);
      await server.connect(transport);
      return server;
    },
    sessionCount: () => sessions.size,
    async close() {
      closed = true;
      if (sweepTimer !== undefined) clock.clearTimeout(sweepTimer);
      for (const off of unsubscribe) off();
      const servers = [...[...sessions.values()].map((session) => session.server), ...others];
      sessions.clear();
      others.clear();
      await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
    },
  };
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`createGatewayServer: ${name} must be a finite number > 0, got ${value}`);
  return value;
}
