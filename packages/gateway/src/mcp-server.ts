import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Implementation,
} from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '@vmcp/core';
import { BackendCallError, NotInCatalogueError } from './errors.ts';
import type { BackendPool } from './pool.ts';

/** The JSON-RPC error code MCP gives an unknown resource URI. */
export const RESOURCE_NOT_FOUND = -32002;

/** What {@link GatewayServerOptions.context} is given for each routed request. */
export interface GatewayRequestInfo {
  /** The MCP session the request came on (undefined over a transport without sessions). */
  sessionId: string | undefined;
  /** What an auth middleware put on `req.auth`, if any. */
  authInfo: AuthInfo | undefined;
}

/** The parts of the gateway server options one session needs. */
export interface SessionServerOptions {
  pool: BackendPool;
  serverInfo: Implementation;
  instructions: string | undefined;
  context: (info: GatewayRequestInfo) => unknown;
}

/**
 * One SDK `Server` for one client session: lists answer the pool's catalogue, calls are routed by the pool with the
 * session's context and the request's abort signal, and failures are mapped (see {@link toolFailure},
 * {@link requestFailure}).
 */
export function sessionServer(options: SessionServerOptions): Server {
  const { pool } = options;
  const server = new Server(options.serverInfo, {
    capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } },
    ...(options.instructions !== undefined ? { instructions: options.instructions } : {}),
  });
  const callOptions = (extra: { sessionId?: string | undefined; authInfo?: AuthInfo | undefined; signal: AbortSignal }) => ({
    context: options.context({ sessionId: extra.sessionId, authInfo: extra.authInfo }),
    signal: extra.signal,
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: pool.tools().map((entry) => entry.tool) }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    pool.callTool(request.params.name, request.params.arguments ?? {}, callOptions(extra)).catch(toolFailure),
  );
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: pool.prompts().map((entry) => entry.item) }));
  server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
    pool.getPrompt(request.params.name, request.params.arguments ?? {}, callOptions(extra)).catch(rethrowMapped),
  );
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: pool.resources().map((entry) => entry.resource) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [] }));
  server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
    pool.readResource(request.params.uri, callOptions(extra)).catch(rethrowMapped),
  );
  return server;
}

/**
 * How a failed `tools/call` is answered. A name not in the catalogue, or a JSON-RPC error of the backend, is a
 * protocol error (`InvalidParams`, or the backend's own code); a backend that failed (transport, timeout, HTTP) is a
 * tool result with `isError: true`, so the model sees why. Messages name the tool and backend, never a secret.
 */
export function toolFailure(error: unknown): CallToolResult {
  if (error instanceof BackendCallError && error.failure !== 'backend' && error.failure !== 'cancelled') {
    return { isError: true, content: [{ type: 'text', text: error.message }] };
  }
  throw requestFailure(error);
}

/**
 * The JSON-RPC error for a failed routed request: `InvalidParams` for a tool or prompt not in the catalogue,
 * {@link RESOURCE_NOT_FOUND} for an unknown resource URI, the backend's own code when it answered with an error,
 * `InternalError` when it failed (transport, timeout, HTTP).
 */
export function requestFailure(error: unknown): McpError {
  if (error instanceof NotInCatalogueError) {
    return rpcError(error.kind === 'resource' ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams, error.message);
  }
  if (error instanceof BackendCallError) {
    return rpcError(error.failure === 'backend' && error.code !== undefined ? error.code : ErrorCode.InternalError, error.message);
  }
  return rpcError(ErrorCode.InternalError, errorMessage(error));
}

function rethrowMapped(error: unknown): never {
  throw requestFailure(error);
}

/** An McpError whose message is sent as is: the client's SDK adds the `MCP error <code>:` prefix itself. */
function rpcError(code: number, message: string): McpError {
  const error = new McpError(code, message);
  error.message = message;
  return error;
}
