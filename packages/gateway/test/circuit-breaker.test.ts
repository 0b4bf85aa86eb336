/** Health accounting of routed calls: which failures count, when the circuit opens, and how it closes again. */
import { createDynamicRegistry } from '@vmcp/registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { BackendCallError, BackendPool, NotInCatalogueError, type BackendPoolOptions } from '../src/index.ts';
import { backend, echoServer, InMemoryNetwork, ManualClock } from './helpers.ts';

const WAIT = { timeout: 15_000, interval: 10 };
let pool: BackendPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A backend `a` with tool `t` (echo) and `fail` (answers a JSON-RPC error), muted on demand. */
async function setup(options: Partial<BackendPoolOptions> = {}) {
  const registry = createDynamicRegistry();
  const network = new InMemoryNetwork();
  const clock = new ManualClock();
  const server = echoServer('a', ['t']);
  server.registerTool('strict', { inputSchema: { n: z.number() } }, ({ n }) => ({ content: [{ type: 'text', text: String(n) }] }));
  const prompt = server.registerPrompt('p', {}, () => ({ messages: [] }));
  network.up('a', server);
  pool = new BackendPool({ registry, clock, createTransport: network.createTransport, backoff: { initialMs: 100, jitter: 0 }, ...options });
  registry.upsert(backend('a'));
  await pool.idle();
  expect(pool.tools().map((t) => t.name)).toEqual(['a_strict', 'a_t']);
  const call = (name = 'a_t') =>
    pool!.callTool(name, {}, { timeoutMs: 20 }).then(
      () => 'ok',
      (error: unknown) => (error instanceof BackendCallError ? error.failure : String(error)),
    );
  return { registry, network, clock, pool, call, prompt };
}

describe('circuit breaker', () => {
  it('timeouts count: 2 in a row and a success keep the backend; 3 in a row open the circuit; it closes after a half-open reconnect', async () => {
    const { network, clock, pool, call } = await setup();
    network.mute('a');
    expect([await call(), await call()]).toEqual(['timeout', 'timeout']);
    network.muted.delete('a');
    expect(await call()).toBe('ok'); // resets the count
    network.mute('a');
    expect([await call(), await call()]).toEqual(['timeout', 'timeout']);
    expect(pool.tools()).toHaveLength(2);
    expect(await call()).toBe('timeout');
    expect(pool.tools()).toEqual([]); // open: out of the catalogue at once
    expect(pool.health('a')?.reason).toBe('3 failures in a row, last: MCP error -32001: Request timed out');
    await expect(pool.callTool('a_t')).rejects.toBeInstanceOf(NotInCatalogueError);

    network.muted.delete('a');
    await pool.idle();
    expect(pool.health('a')).toMatchObject({ state: 'retrying' });
    clock.advance(100); // half-open: one reconnect
    await pool.idle();
    expect(pool.health('a')).toMatchObject({ state: 'connected', health: 'healthy' });
    expect(pool.tools()).toHaveLength(2);
  });

  it('a JSON-RPC error of the backend or a cancelled call does not count, even with a threshold of 1', async () => {
    const { pool, prompt } = await setup({ failureHandling: { circuitBreaker: { failureThreshold: 1 } } });
    prompt.disable(); // the backend now answers this prompt with a JSON-RPC error (InvalidParams)
    const refused = await pool.getPrompt('a_p').catch((error: unknown) => error);
    expect(refused).toMatchObject({ failure: 'backend', code: -32602, backendId: 'a' });
    const abort = new AbortController();
    abort.abort(new Error('changed my mind'));
    const cancelled = await pool.callTool('a_t', {}, { signal: abort.signal }).catch((error: unknown) => error);
    expect(cancelled).toMatchObject({ failure: 'cancelled' });
    expect(pool.tools()).toHaveLength(2);
    expect(pool.health('a')).toMatchObject({ health: 'healthy' });
  });

  it('best_effort: the first counted failure takes the backend out for a cool-down', async () => {
    const { network, pool, call } = await setup({ failureHandling: { partialFailureMode: 'best_effort' } });
    network.mute('a');
    expect(await call()).toBe('timeout');
    expect(pool.tools()).toEqual([]);
    expect(pool.health('a')?.reason).toBe('MCP error -32001: Request timed out');
  });

  it('a transport error opens the circuit at once, whatever the threshold', async () => {
    const { network, pool } = await setup({ failureHandling: { circuitBreaker: { failureThreshold: 100 } } });
    network.sever('a');
    const failure = await pool.callTool('a_t').catch((error: unknown) => error);
    expect(failure).toMatchObject({ failure: 'transport', backendId: 'a' });
    expect((failure as Error).message).toMatch(/^tool a_t on backend a: /);
    expect(pool.tools()).toEqual([]);
    await vi.waitFor(() => expect(pool.health('a')).toMatchObject({ state: 'retrying', health: 'unhealthy' }), WAIT);
  });
});
