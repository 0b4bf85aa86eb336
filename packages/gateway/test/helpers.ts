import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Backend } from '@vmcp/registry';
import * as z from 'zod';
import type { TimerHandle } from '@vmcp/core';
import { FakeClock } from '@vmcp/core/testing';
import type { GatewayServer, TransportRequest } from '../src/index.ts';

/**
 * A {@link FakeClock} that also lists the delays of its pending timers, so a test can assert which retry or probe is
 * scheduled next. `random()` is 0.5.
 */
export class ManualClock extends FakeClock {
  readonly #due = new Map<TimerHandle, number>();
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = super.setTimeout(() => {
      this.#due.delete(handle);
      fn();
    }, ms);
    this.#due.set(handle, this.now() + ms);
    return handle;
  }
  override clearTimeout(handle: TimerHandle): void {
    this.#due.delete(handle);
    super.clearTimeout(handle);
  }
  /** Delays of the pending timers from now, ascending. */
  pending(): number[] {
    return [...this.#due.values()].map((at) => at - this.now()).sort((a, b) => a - b);
  }
}

/** An in-process MCP server with named tools that echo their input and report which backend answered. */
export function echoServer(name: string, tools: string[]): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  for (const tool of tools) addEchoTool(server, name, tool);
  return server;
}

export function addEchoTool(server: McpServer, backend: string, tool: string) {
  return server.registerTool(tool, { description: `${tool} of ${backend}`, inputSchema: { text: z.string().optional() } }, ({ text }) => ({
    content: [{ type: 'text', text: `${backend}/${tool}: ${text ?? ''}` }],
  }));
}

/**
 * Backends reachable in memory: `up(id, server)` makes a backend answer, `down(id)` makes new connects fail,
 * `mute(id)` makes a live connection stop answering (requests are dropped). Counts connects per backend.
 */
export class InMemoryNetwork {
  readonly servers = new Map<string, McpServer>();
  readonly muted = new Set<string>();
  readonly severed = new Set<string>();
  readonly connects = new Map<string, number>();
  readonly requests: TransportRequest[] = [];
  /** Connect attempts currently between start and the end of initialize (must never exceed 1 per backend). */
  readonly active = new Map<string, number>();
  maxActive = 0;

  up(id: string, server: McpServer): void {
    this.servers.set(id, server);
  }
  down(id: string): void {
    this.servers.delete(id);
  }
  mute(id: string): void {
    this.muted.add(id);
  }
  /** Live connections of `id` fail every send as a refused connection would (the process was killed). */
  sever(id: string): void {
    this.severed.add(id);
  }

  readonly createTransport = (request: TransportRequest): Transport => {
    const id = request.backend.id;
    this.requests.push(request);
    this.connects.set(id, (this.connects.get(id) ?? 0) + 1);
    const server = this.servers.get(id);
    if (server === undefined) return failingTransport(`backend ${id} is down`);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const { active, muted, severed } = this;
    let open = false;
    // Ended from either side (the pool closing it, or the server's single binding moving to a newer connection).
    const ended = (): void => {
      if (!open) return;
      open = false;
      active.set(id, Math.max(0, (active.get(id) ?? 1) - 1));
    };
    const wrapped: Transport = {
      start: async () => {
        // A fresh protocol instance per connection: McpServer binds to one transport at a time, so binding this one
        // ends the previous connection (counted before this one starts, so the count shows overlapping connects).
        if (server.isConnected()) await server.close();
        open = true;
        active.set(id, (active.get(id) ?? 0) + 1);
        this.maxActive = Math.max(this.maxActive, active.get(id)!);
        await server.connect(serverSide);
        await clientSide.start();
      },
      async send(message: JSONRPCMessage) {
        if (severed.has(id)) throw new TypeError('fetch failed');
        if (muted.has(id)) return;
        await clientSide.send(message);
      },
      async close() {
        ended();
        await clientSide.close();
      },
    };
    clientSide.onmessage = (m) => wrapped.onmessage?.(m);
    clientSide.onclose = () => {
      ended();
      wrapped.onclose?.();
    };
    clientSide.onerror = (e) => wrapped.onerror?.(e);
    return wrapped;
  };
}

function failingTransport(message: string): Transport {
  return {
    start: () => Promise.reject(new Error(message)),
    send: () => Promise.reject(new Error(message)),
    close: () => Promise.resolve(),
  };
}

export function backend(id: string, overrides: Partial<Backend> = {}): Backend {
  return {
    id,
    name: id,
    baseUrl: `http://${id}.test/mcp`,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    metadata: {},
    ...overrides,
  };
}

/** A gateway server on a loopback `node:http` server, mounted at `/mcp`. */
export async function serveGateway(gateway: GatewayServer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An SDK client of the gateway that counts the `tools/list_changed` notifications it receives. */
export async function gatewayClient(
  url: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport; listChanged: number[] }> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const listChanged: number[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged.push(performance.now()));
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport, listChanged };
}
