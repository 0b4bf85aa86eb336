import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { BackendPool, NotInCatalogueError, type BackendHealth, type BackendPoolOptions, type ToolsChangedEvent } from '../src/index.ts';
import { InMemoryNetwork, ManualClock, addEchoTool, backend, echoServer } from './helpers.ts';

/** Generous: the machine running the tests may be busy. Nothing here waits on wall-clock time otherwise. */
const WAIT = { timeout: 15_000, interval: 10 };

let pool: BackendPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function setup(options: Partial<BackendPoolOptions> = {}) {
  const registry: DynamicRegistry = createDynamicRegistry();
  const network = new InMemoryNetwork();
  const clock = new ManualClock();
  const toolEvents: ToolsChangedEvent[] = [];
  const healthEvents: BackendHealth[] = [];
  pool = new BackendPool({ registry, clock, createTransport: network.createTransport, ...options });
  pool.on('toolsChanged', (e) => toolEvents.push(e));
  pool.on('healthChanged', (e) => healthEvents.push(e));
  const names = () => pool!.tools().map((t) => t.name);
  return { registry, network, clock, toolEvents, healthEvents, pool, names };
}

describe('BackendPool: connections follow the registry', () => {
  it('connects on upsert, merges tools with the prefix rule, routes calls, closes on remove', async () => {
    const { registry, network, pool, toolEvents, healthEvents, names } = setup();
    network.up('docs', echoServer('docs', ['search', 'fetch']));
    network.up('code', echoServer('code', ['search']));
    registry.upsert(backend('docs'));
    registry.upsert(backend('code'));
    await pool.idle();
    expect(names()).toEqual(['code_search', 'docs_fetch', 'docs_search']);
    expect(toolEvents.at(-1)?.tools.map((t) => t.name)).toEqual(['code_search', 'docs_fetch', 'docs_search']);
    expect(pool.health('docs')).toMatchObject({ health: 'healthy', observed: 'healthy', state: 'connected' });

    const result = await pool.callTool('docs_search', { text: 'hello' });
    expect(result.content).toEqual([{ type: 'text', text: 'docs/search: hello' }]);
    expect((await pool.callTool('code_search', { text: 'x' })).content).toEqual([{ type: 'text', text: 'code/search: x' }]);

    registry.remove('docs');
    await pool.idle();
    expect(names()).toEqual(['code_search']);
    expect(pool.health('docs')).toBeUndefined();
    expect(healthEvents.filter((h) => h.id === 'docs').map((h) => h.state)).toEqual(['connecting', 'connected', 'closed']);
    await expect(pool.callTool('docs_search')).rejects.toBeInstanceOf(NotInCatalogueError);
    expect(network.active.get('docs')).toBe(0);
  });

  it('reconnects only when a connection-relevant field changes', async () => {
    const { registry, network, pool } = setup();
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a'));
    await pool.idle();
    expect(network.connects.get('a')).toBe(1);

    registry.upsert(backend('a', { metadata: { workload_status: 'Valid' } }));
    registry.upsert(backend('a', { healthStatus: 'degraded', name: 'renamed' }));
    await pool.idle();
    expect(network.connects.get('a')).toBe(1);
    expect(pool.health('a')).toMatchObject({ health: 'degraded', registryHealth: 'degraded' });

    const changes: Partial<Parameters<typeof backend>[1]>[] = [
      { baseUrl: 'http://a.test/other' },
      { transportType: 'sse' },
      { authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Key', headerValue: 'v1' } } },
      { authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Key', headerValue: 'v2' } } },
      { caBundleData: 'PEM' },
      { headerForward: { addPlaintextHeaders: { 'X-Tenant': 't' } } },
      { headerForward: { addHeadersFromSecret: { 'X-Api': 'ID' } }, headerForwardSecretValues: { 'X-Api': 'one' } },
      { headerForward: { addHeadersFromSecret: { 'X-Api': 'ID' } }, headerForwardSecretValues: { 'X-Api': 'two' } },
    ];
    let expected = 1;
    for (const change of changes) {
      registry.upsert(backend('a', change));
      await pool.idle();
      expected += 1;
      expect(network.connects.get('a')).toBe(expected);
    }
    expect(network.maxActive).toBe(1);
  });

  it('serializes each backend: a burst of changes ends connected to the last version, never two connections at once', async () => {
    const { registry, network, pool } = setup();
    network.up('a', echoServer('a', ['t']));
    for (let i = 0; i < 5; i += 1) {
      registry.upsert(backend('a', { baseUrl: `http://a.test/${i}` }));
      if (i === 2) registry.remove('a');
    }
    await pool.idle();
    expect(network.maxActive).toBe(1);
    expect(network.active.get('a')).toBe(1);
    expect(network.requests.at(-1)?.url.toString()).toBe('http://a.test/4');
    expect(pool.health('a')).toMatchObject({ state: 'connected' });
  });

  it('a backend that is down is retried with backoff and joins when it comes up', async () => {
    const { registry, network, clock, pool, toolEvents, healthEvents, names } = setup({
      backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
    });
    registry.upsert(backend('late'));
    await pool.idle();
    expect(pool.health('late')).toMatchObject({
      health: 'unhealthy',
      observed: 'unhealthy',
      state: 'retrying',
      reason: 'connect failed: backend late is down',
    });
    expect(clock.pending()).toEqual([100]);
    clock.advance(100);
    await pool.idle();
    expect(clock.pending()).toEqual([200]);
    clock.advance(200);
    await pool.idle();
    expect(network.connects.get('late')).toBe(3);
    expect(names()).toEqual([]);

    network.up('late', echoServer('late', ['hello']));
    clock.advance(400);
    await pool.idle();
    expect(names()).toEqual(['late_hello']);
    expect(toolEvents).toHaveLength(1);
    expect(pool.health('late')).toMatchObject({ health: 'healthy', state: 'connected' });
    expect(healthEvents.map((h) => `${h.state}:${h.health}`)).toEqual([
      'connecting:unknown',
      'retrying:unhealthy',
      'connecting:unhealthy',
      'retrying:unhealthy',
      'connecting:unhealthy',
      'retrying:unhealthy',
      'connecting:unhealthy',
      'connected:healthy',
    ]);
    // Connected: only the probe timer is left.
    expect(clock.pending()).toEqual([2_000]);
  });

  it('a connect that hangs (a transport that never starts) is bounded by the deadline and retried; removal is not blocked', async () => {
    let starts = 0;
    const { registry, clock, pool } = setup({
      requestTimeoutMs: 1000,
      backoff: { initialMs: 100, jitter: 0 },
      createTransport: () => ({
        start: () => {
          starts += 1;
          return new Promise<void>(() => undefined);
        },
        send: () => Promise.resolve(),
        close: () => Promise.resolve(),
      }),
    });
    registry.upsert(backend('stuck'));
    await vi.waitFor(() => expect(starts).toBe(1), WAIT);
    expect(pool.health('stuck')?.state).toBe('connecting');
    clock.advance(3000);
    await pool.idle();
    expect(pool.health('stuck')).toMatchObject({ state: 'retrying', reason: 'connect failed: connect timed out after 3000 ms' });
    clock.advance(100);
    await vi.waitFor(() => expect(starts).toBe(2), WAIT);
    registry.remove('stuck');
    clock.advance(3000);
    await pool.idle();
    expect(pool.health('stuck')).toBeUndefined();
  });

  it('a removed backend stops retrying', async () => {
    const { registry, clock, pool, network } = setup();
    registry.upsert(backend('gone'));
    await pool.idle();
    expect(clock.pending()).toHaveLength(1);
    registry.remove('gone');
    await pool.idle();
    expect(clock.pending()).toEqual([]);
    clock.advance(60_000);
    await pool.idle();
    expect(network.connects.get('gone')).toBe(1);
  });

  it('probes: a backend that stops answering becomes unhealthy, loses its tools, and is reconnected', async () => {
    const { registry, network, clock, pool, names } = setup({
      health: { intervalMs: 1000, timeoutMs: 500 },
      failureHandling: { circuitBreaker: { failureThreshold: 2 } },
    });
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a'));
    await pool.idle();
    // A successful probe records its latency.
    clock.advance(1000);
    await vi.waitFor(() => expect(pool.health('a')?.probeLatencyMs).toBe(0), WAIT);

    network.mute('a');
    network.up('a', echoServer('a', ['t', 'u']));
    clock.advance(1000); // probe 2 starts
    clock.advance(500); // … and times out
    await vi.waitFor(() => expect(clock.pending()).toEqual([1000]), WAIT);
    expect(pool.health('a')).toMatchObject({ state: 'connected' }); // one failure is below the threshold
    clock.advance(1000);
    clock.advance(500);
    await vi.waitFor(() => expect(pool.health('a')?.state).toBe('retrying'), WAIT);
    expect(pool.health('a')?.reason).toBe('2 failures in a row, last: health probe: ping timed out after 500 ms');
    expect(names()).toEqual([]);

    network.muted.delete('a');
    clock.advance(1000);
    await pool.idle();
    expect(pool.health('a')).toMatchObject({ state: 'connected', health: 'healthy' });
    expect(names()).toEqual(['a_t', 'a_u']);
  });

  it('refreshes the catalogue when a backend sends tools/list_changed', async () => {
    const { registry, network, pool, toolEvents, names } = setup();
    const server = echoServer('a', ['t']);
    network.up('a', server);
    registry.upsert(backend('a'));
    await pool.idle();
    addEchoTool(server, 'a', 'new');
    await vi.waitFor(() => expect(names()).toEqual(['a_new', 'a_t']), WAIT);
    expect(toolEvents).toHaveLength(2);
  });

  it('prompts and resources: merged (prompts by the tool rule, resources by URI), routed, with change events', async () => {
    const { registry, network, pool } = setup();
    const events: string[] = [];
    pool.on('promptsChanged', ({ prompts }) => events.push(`prompts:${prompts.map((p) => p.name).join(',')}`));
    pool.on('resourcesChanged', ({ resources }) => events.push(`resources:${resources.map((r) => r.uri).join(',')}`));
    for (const id of ['a', 'b']) {
      const server = echoServer(id, []);
      server.registerPrompt('greet', { description: `greeting of ${id}` }, () => ({
        messages: [{ role: 'user', content: { type: 'text', text: `hello from ${id}` } }],
      }));
      server.registerResource('readme', `file:///${id}/README`, {}, (uri) => ({ contents: [{ uri: uri.href, text: `readme of ${id}` }] }));
      server.registerResource('shared', 'file:///shared', {}, (uri) => ({ contents: [{ uri: uri.href, text: `shared from ${id}` }] }));
      network.up(id, server);
      registry.upsert(backend(id));
    }
    await pool.idle();
    expect(pool.prompts().map((p) => [p.name, p.backendId])).toEqual([
      ['a_greet', 'a'],
      ['b_greet', 'b'],
    ]);
    expect(pool.resources().map((r) => [r.uri, r.backendId])).toEqual([
      ['file:///a/README', 'a'],
      ['file:///b/README', 'b'],
      ['file:///shared', 'a'],
    ]);
    expect((await pool.getPrompt('b_greet')).messages[0]!.content).toEqual({ type: 'text', text: 'hello from b' });
    expect((await pool.readResource('file:///shared')).contents[0]).toMatchObject({ text: 'shared from a' });
    expect((await pool.readResource('file:///b/README')).contents[0]).toMatchObject({ text: 'readme of b' });
    await expect(pool.getPrompt('greet')).rejects.toThrow('prompt "greet" is not offered by any healthy backend');
    registry.remove('a');
    await pool.idle();
    expect(pool.resources().map((r) => [r.uri, r.backendId])).toEqual([
      ['file:///b/README', 'b'],
      ['file:///shared', 'b'],
    ]);
    expect(events.at(-2)).toBe('prompts:b_greet');
    expect(events.at(-1)).toBe('resources:file:///b/README,file:///shared');
  });

  it('registry health overlays the observation: an unhealthy phase serves no tools, without dropping the session', async () => {
    const { registry, network, pool, names } = setup();
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a'));
    await pool.idle();
    registry.upsert(backend('a', { healthStatus: 'unhealthy' }));
    await pool.idle();
    expect(pool.health('a')).toMatchObject({ health: 'unhealthy', registryHealth: 'unhealthy', observed: 'healthy', state: 'connected' });
    expect(names()).toEqual([]);
    registry.upsert(backend('a'));
    await pool.idle();
    expect(names()).toEqual(['a_t']);
    expect(network.connects.get('a')).toBe(1);
    // The pool never wrote to the registry.
    expect(registry.get('a')?.healthStatus).toBe('healthy');
  });

  it('seeds from the registry contents at construction', async () => {
    const registry = createDynamicRegistry([backend('a')]);
    const network = new InMemoryNetwork();
    network.up('a', echoServer('a', ['t']));
    pool = new BackendPool({ registry, clock: new ManualClock(), createTransport: network.createTransport });
    await pool.idle();
    expect(pool.tools().map((t) => t.name)).toEqual(['a_t']);
  });
});

describe('BackendPool: never connected without its auth', () => {
  it.each([
    [
      'aws_sts',
      { type: 'aws_sts', awsSts: { region: 'eu-west-1' } },
      'auth strategy "aws_sts" is not implemented by @vmcp/gateway; provide one with auth.strategies["aws_sts"]',
    ],
    [
      'upstream_inject',
      { type: 'upstream_inject', upstreamInject: { providerName: 'github' } },
      'auth strategy "upstream_inject" is not implemented',
    ],
    ['a custom type', { type: 'my_plugin', custom: { key: 'k' } }, 'auth strategy "my_plugin" is not implemented'],
    [
      'token_exchange without a subject token',
      { type: 'token_exchange', tokenExchange: { tokenUrl: 'https://sts.test/token' } },
      'needs a subject token',
    ],
    [
      'header_injection without a value',
      { type: 'header_injection', headerInjection: { headerName: 'X', headerValueEnv: 'VMCP_TEST_UNSET_VAR' } },
      'environment variable VMCP_TEST_UNSET_VAR unset',
    ],
  ] as const)('%s → unavailable with a reason, no transport created, no retry', async (_name, authConfig, reason) => {
    const { registry, network, pool, clock } = setup({ auth: { env: {} } });
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a', { authConfig }));
    await pool.idle();
    expect(pool.health('a')).toMatchObject({ state: 'unavailable', observed: 'unavailable', health: 'unhealthy' });
    expect(pool.health('a')?.reason).toContain(reason);
    expect(network.connects.get('a')).toBeUndefined();
    expect(clock.pending()).toEqual([]);
    // Positive control: the same backend with a strategy the pool implements connects.
    registry.upsert(backend('a', { authConfig: { type: 'unauthenticated' } }));
    await pool.idle();
    expect(network.connects.get('a')).toBe(1);
    expect(pool.health('a')?.state).toBe('connected');
  });

  it('a secret-backed forwarded header without a resolved value → unavailable', async () => {
    const { registry, network, pool } = setup();
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a', { headerForward: { addHeadersFromSecret: { 'X-Api-Key': 'HEADER_FORWARD_X_API_KEY_A' } } }));
    await pool.idle();
    expect(pool.health('a')?.reason).toContain('forwarded header X-Api-Key has no resolved value');
    expect(network.connects.get('a')).toBeUndefined();
  });

  it('auth.strategies implements further types', async () => {
    const seen: string[] = [];
    const { registry, network, pool } = setup({
      auth: {
        strategies: {
          aws_sts: (strategy) => {
            seen.push(strategy.awsSts?.region ?? '');
            return { auth: { headers: () => ({ 'X-Signed': 'yes' }) } };
          },
        },
      },
    });
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a', { authConfig: { type: 'aws_sts', awsSts: { region: 'eu-west-1' } } }));
    await pool.idle();
    expect(seen).toEqual(['eu-west-1']);
    expect(pool.health('a')?.state).toBe('connected');
  });

  it('unsupported transports and URLs with credentials are unavailable', async () => {
    const registry = createDynamicRegistry();
    pool = new BackendPool({ registry, clock: new ManualClock() });
    registry.upsert(backend('stdio', { transportType: 'stdio' }));
    registry.upsert(backend('creds', { baseUrl: 'http://user:hunter2-secret@x.test/mcp' }));
    await pool.idle();
    expect(pool.health('stdio')?.reason).toBe('transport "stdio" is not supported (streamable-http or sse)');
    expect(pool.health('creds')?.reason).toBe('baseUrl carries credentials (userinfo), which are never sent; use an auth config instead');
    expect(JSON.stringify(pool.healthAll())).not.toContain('hunter2');
  });
});

describe('BackendPool: hooks and isolation', () => {
  it('reports connections, probes and calls to the metrics hooks; a throwing hook or listener changes nothing', async () => {
    const events: string[] = [];
    const { registry, network, clock, pool } = setup({
      health: { intervalMs: 1000 },
      metrics: {
        connection: (e) => {
          events.push(`connection:${e.backendId}:${e.event}`);
          throw new Error('hook bug');
        },
        probe: (e) => events.push(`probe:${e.backendId}:${e.ok}`),
        call: (e) => events.push(`call:${e.backendId}:${e.tool}:${e.ok}`),
      },
    });
    pool.on('toolsChanged', () => {
      throw new Error('listener bug');
    });
    network.up('a', echoServer('a', ['t']));
    registry.upsert(backend('a'));
    await pool.idle();
    await pool.callTool('a_t', {});
    clock.advance(1000);
    await vi.waitFor(() => expect(events).toContain('probe:a:true'), WAIT);
    registry.remove('a');
    await pool.idle();
    expect(events).toEqual(['connection:a:connected', 'call:a:a_t:true', 'probe:a:true', 'connection:a:disconnected']);
  });

  it('requires a subscribable registry', () => {
    expect(() => new BackendPool({ registry: { get: () => undefined, list: () => [], count: () => 0 } } as never)).toThrow(
      'BackendPool: registry is required',
    );
  });
});
