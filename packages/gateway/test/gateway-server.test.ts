/** The shipped server half against real SDK backends on loopback and real SDK clients over streamable HTTP. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ErrorCode,
  McpError,
  PromptListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { createDynamicRegistry } from '@vmcp/registry';
import { FakeClock } from '@vmcp/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { BackendPool, createGatewayServer, RESOURCE_NOT_FOUND, type BackendPoolOptions, type GatewayServerOptions } from '../src/index.ts';
import { backend, echoServer, gatewayClient, InMemoryNetwork, serveGateway } from './helpers.ts';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const WAIT = { timeout: 20_000, interval: 20 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function backendServer(name: string, tools: string[]): Promise<LoopbackServer> {
  const server = await startLoopbackServer({ name, tools });
  cleanups.push(() => server.close());
  return server;
}

async function setup(pool: Partial<BackendPoolOptions> = {}, gateway: Partial<GatewayServerOptions> = {}) {
  const registry = createDynamicRegistry();
  const backendPool = new BackendPool({ registry, backoff: { initialMs: 50, maxMs: 200 }, ...pool });
  cleanups.push(() => backendPool.close());
  const server = createGatewayServer({ pool: backendPool, ...gateway });
  const served = await serveGateway(server);
  cleanups.push(served.close);
  const connect = async () => {
    const session = await gatewayClient(served.url);
    cleanups.push(() => session.client.close());
    return session;
  };
  return { registry, pool: backendPool, server, url: served.url, connect };
}

const names = async (client: Awaited<ReturnType<typeof gatewayClient>>['client']) =>
  (await client.listTools()).tools.map((t) => t.name).sort();

describe('createGatewayServer', () => {
  it('lists and routes the catalogue; every live session gets list_changed; calls carry the session as context', async () => {
    const contexts: unknown[] = [];
    const { registry, connect } = await setup({
      auth: {
        strategies: { recording: () => ({ auth: { headers: ({ context }) => (contexts.push(context), {}) } }) },
      },
    });
    const docs = await backendServer('docs', ['search']);
    const a = await connect();
    const b = await connect();
    expect(await names(a.client)).toEqual([]);

    registry.upsert(backend('docs', { baseUrl: docs.url, authConfig: { type: 'recording' } }));
    await vi.waitFor(() => {
      expect(a.listChanged.length).toBeGreaterThan(0);
      expect(b.listChanged.length).toBeGreaterThan(0);
    }, WAIT);
    expect(await names(a.client)).toEqual(['docs_search']);
    const result = await b.client.callTool({ name: 'docs_search', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'docs/search: hi' }]);
    expect(contexts.at(-1)).toEqual({ sessionId: b.transport.sessionId, authInfo: undefined });

    registry.remove('docs');
    await vi.waitFor(async () => expect(await names(b.client)).toEqual([]), WAIT);
    expect(a.listChanged.length).toBeGreaterThan(1);
  });

  it('maps errors: unknown tool and prompt → InvalidParams, unknown resource → -32002, a failed backend → isError', async () => {
    const { registry, pool, connect } = await setup();
    const docs = await backendServer('docs', ['search']);
    registry.upsert(backend('docs', { baseUrl: docs.url }));
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), WAIT);
    const { client } = await connect();

    const unknown = await client.callTool({ name: 'nope' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((unknown as McpError).message).toContain('tool "nope" is not offered by any healthy backend');
    await expect(client.getPrompt({ name: 'nope' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.readResource({ uri: 'file:///nope' })).rejects.toMatchObject({ code: RESOURCE_NOT_FOUND });

    await docs.close(); // killed: connection refused
    const failed = await client.callTool({ name: 'docs_search', arguments: {} });
    expect(failed.isError).toBe(true);
    expect(failed.content).toEqual([{ type: 'text', text: expect.stringContaining('tool docs_search on backend docs:') }]);
    // The transport error took the backend out at once: the next call is an unknown tool.
    expect(pool.tools()).toEqual([]);
    await expect(client.callTool({ name: 'docs_search' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  it('a client that cancels a call cancels it at the backend', async () => {
    const network = new InMemoryNetwork();
    const slow = echoServer('slow', []);
    const aborted: boolean[] = [];
    slow.registerTool('wait', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => (clearTimeout(timer), aborted.push(true), resolve()));
      });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    network.up('slow', slow);
    const { registry, pool, connect } = await setup({ createTransport: network.createTransport });
    registry.upsert(backend('slow'));
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), WAIT);
    const { client } = await connect();
    const abort = new AbortController();
    const call = client.callTool({ name: 'slow_wait', arguments: { ms: 60_000 } }, undefined, { signal: abort.signal });
    await vi.waitFor(() => expect(network.connects.get('slow')).toBe(1), WAIT);
    setTimeout(() => abort.abort(new Error('user gave up')), 50);
    await expect(call).rejects.toThrow('user gave up');
    await vi.waitFor(() => expect(aborted).toEqual([true]), WAIT);
    // A cancelled call is not the backend's fault: it stays healthy and listed.
    expect(pool.health('slow')).toMatchObject({ health: 'healthy' });
    expect(pool.tools()).toHaveLength(1);
  });

  it('expires idle sessions (no request, no open stream) and answers their id with 404; live ones stay', async () => {
    const clock = new FakeClock();
    const { server, connect, url } = await setup({}, { clock, sessionIdleTimeoutMs: 60_000 });
    const gone = await connect();
    const live = await connect();
    expect(server.sessionCount()).toBe(2);
    const goneId = gone.transport.sessionId!;
    await gone.client.close(); // the SDK sends no DELETE: only its stream closes
    await vi.waitFor(() => {
      clock.advance(15_000);
      expect(server.sessionCount()).toBe(1);
    }, WAIT);
    // The live client's notification stream keeps its session open however long it is quiet.
    clock.advance(10 * 60_000);
    expect(await names(live.client)).toEqual([]);
    const stale = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': goneId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
  });

  it('bounds the number of sessions: 503 beyond maxSessions, room again after a DELETE', async () => {
    const { server, connect } = await setup({}, { maxSessions: 2 });
    const first = await connect();
    await connect();
    await expect(connect()).rejects.toThrow(/503|too many sessions/);
    expect(server.sessionCount()).toBe(2);
    await first.transport.terminateSession();
    await vi.waitFor(() => expect(server.sessionCount()).toBe(1), WAIT);
    await connect();
    expect(server.sessionCount()).toBe(2);
  });

  it('connect() serves a session over another transport (in-memory), with list_changed for tools and prompts', async () => {
    const network = new InMemoryNetwork();
    const docs = echoServer('docs', ['search']);
    docs.registerPrompt('greet', {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }] }));
    network.up('docs', docs);
    const { registry, server } = await setup({ createTransport: network.createTransport });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'in-memory', version: '1.0.0' });
    const changed: string[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed.push('tools'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => void changed.push('prompts'));
    await client.connect(clientSide);
    cleanups.push(() => client.close());
    registry.upsert(backend('docs'));
    await vi.waitFor(() => expect(changed.sort()).toEqual(['prompts', 'tools']), WAIT);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['docs_search']);
    expect((await client.getPrompt({ name: 'docs_greet' })).messages[0]?.content).toEqual({ type: 'text', text: 'hello' });
  });

  it('refuses bad options with a clear error', () => {
    const pool = new BackendPool({ registry: createDynamicRegistry() });
    cleanups.push(() => pool.close());
    expect(() => createGatewayServer({ pool, maxSessions: 0 })).toThrow(
      'createGatewayServer: maxSessions must be a finite number > 0, got 0',
    );
    expect(() => new BackendPool({ registry: createDynamicRegistry(), timeouts: { perWorkload: { a: -1 } } })).toThrow(
      'BackendPool: timeouts.perWorkload["a"] must be a finite number > 0, got -1',
    );
  });
});
