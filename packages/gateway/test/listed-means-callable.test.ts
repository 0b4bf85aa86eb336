/**
 * "A tool is listed only while it can be called", over real HTTP: a client calling every 10 ms through the gateway
 * while the backend's credentials rotate, and a killed backend leaving the catalogue at the first probe.
 */
import { createDynamicRegistry } from '@vmcp/registry';
import { FakeClock } from '@vmcp/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendPool, createGatewayServer, DEFAULT_HEALTH_PROBE } from '../src/index.ts';
import { backend, gatewayClient, serveGateway } from './helpers.ts';
import { startLoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const WAIT = { timeout: 20_000, interval: 10 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function gatewayOver(pool: BackendPool) {
  const served = await serveGateway(createGatewayServer({ pool }));
  cleanups.push(served.close);
  const session = await gatewayClient(served.url);
  cleanups.push(() => session.client.close());
  return session;
}

const keyed = (url: string, key: string) =>
  backend('docs', {
    baseUrl: url,
    authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: key } },
  });

describe('listed means callable', () => {
  it('credential rotation with calls every 10 ms: no call fails, none with "not offered"; a removal does (control)', async () => {
    const docs = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    cleanups.push(() => docs.close());
    const registry = createDynamicRegistry();
    const pool = new BackendPool({ registry });
    cleanups.push(() => pool.close());
    registry.upsert(keyed(docs.url, 'key-0'));
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), WAIT);
    const { client, listChanged } = await gatewayOver(pool);

    const failures: string[] = [];
    let calls = 0;
    let calling = true;
    const caller = (async () => {
      while (calling) {
        calls += 1;
        await client.callTool({ name: 'docs_search', arguments: { text: String(calls) } }).then(
          (result) => {
            if (result.isError === true) failures.push(JSON.stringify(result.content));
          },
          (error: unknown) => failures.push(String(error)),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const keysSeen = () => (docs.callHeaders.get('search') ?? []).map((headers) => headers['x-api-key']);
    for (let rotation = 1; rotation <= 6; rotation += 1) {
      registry.upsert(keyed(docs.url, `key-${rotation}`));
      // The rotation is done when calls arrive with the new key; calls keep running meanwhile.
      await vi.waitFor(() => expect(keysSeen().at(-1)).toBe(`key-${rotation}`), WAIT);
    }
    const callsDuringRotations = calls;
    expect(failures).toEqual([]);
    expect(listChanged).toEqual([]); // the tool never left the list

    // Positive control: the same loop does see "not offered" once the backend is really gone.
    registry.remove('docs');
    await vi.waitFor(() => expect(failures.some((failure) => failure.includes('is not offered by any healthy backend'))).toBe(true), WAIT);
    calling = false;
    await caller;
    expect(callsDuringRotations).toBeGreaterThan(6);
    expect(new Set(keysSeen())).toEqual(new Set(['key-0', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5', 'key-6']));
  });

  it("a killed backend's tools are gone at the first probe (default interval), and every session is told", async () => {
    const docs = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    const clock = new FakeClock();
    const registry = createDynamicRegistry();
    const pool = new BackendPool({ registry, clock });
    cleanups.push(() => pool.close());
    registry.upsert(backend('docs', { baseUrl: docs.url }));
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), WAIT);
    const { client, listChanged } = await gatewayOver(pool);

    await docs.close(); // connection refused from now on
    // Control: nothing has probed or called yet, so nothing could have noticed.
    expect(pool.tools()).toHaveLength(1);
    clock.advance(DEFAULT_HEALTH_PROBE.intervalMs);
    await vi.waitFor(() => expect(pool.tools()).toEqual([]), WAIT);
    expect(pool.health('docs')).toMatchObject({ health: 'unhealthy', reason: expect.stringContaining('health probe:') });
    await vi.waitFor(() => expect(listChanged.length).toBe(1), WAIT);
    expect((await client.listTools()).tools).toEqual([]);
  });
});
