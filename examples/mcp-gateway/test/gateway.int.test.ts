/**
 * The example gateway end to end: real SDK MCP servers on loopback, registered as MCPServerEntry / MCPRemoteProxy
 * objects in a real kube-apiserver, the BackendWatcher + BackendPool + gateway server, and a real SDK client.
 * Prints the latency from each object change to `notifications/tools/list_changed` at the client.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION } from '@vmcp/api';
import { createPki, freePort } from '@vmcp/envtest';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { startGateway, type RunningGateway } from '../src/index.ts';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const GROUP = 'tools';
const KEY_V1 = 'alpha-key-PLANTED-v1';
const KEY_V2 = 'alpha-key-PLANTED-v2';
const PROXY_TOKEN = 'Bearer delta-PLANTED-token';
const WAIT = { timeout: 30_000, interval: 50 };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

type Plural = 'mcpserverentries' | 'mcpremoteproxies' | 'mcpexternalauthconfigs';

describeIntegration('examples/mcp-gateway on a real API server and real MCP servers', () => {
  const env = useEnvtest();
  let namespace: string;
  let co: CustomObjectsApi;
  let core: CoreV1Api;
  let gateway: RunningGateway;
  let client: Client;
  let pkiDir: string;
  let gammaPort = 0;
  const servers: LoopbackServer[] = [];
  const listChanged: number[] = [];
  const latencies: { change: string; fromRequestMs: number; fromAckMs: number; registryMs?: number; poolMs?: number }[] = [];
  const registryEvents: number[] = [];
  const poolEvents: number[] = [];
  const firstAfter = (times: number[], t: number) => times.find((x) => x >= t);

  const ref = (plural: Plural) => ({ group: TOOLHIVE_API_GROUP, version: TOOLHIVE_API_VERSION, namespace, plural });
  const create = async (plural: Plural, kind: string, name: string, spec: object): Promise<void> => {
    await co.createNamespacedCustomObject({
      ...ref(plural),
      body: { apiVersion: `${TOOLHIVE_API_GROUP}/${TOOLHIVE_API_VERSION}`, kind, metadata: { name }, spec },
    });
  };
  // Status is a subresource: only the status endpoint writes it (as the operator does).
  const setStatus = async (plural: Plural, name: string, status: object): Promise<void> => {
    await co.patchNamespacedCustomObjectStatus({ ...ref(plural), name, body: { status } }, merge);
  };
  const toolNames = async () => (await client.listTools()).tools.map((t) => t.name).sort();
  const serve = async (options: Parameters<typeof startLoopbackServer>[0]) => {
    const server = await startLoopbackServer(options);
    servers.push(server);
    return server;
  };

  /** Runs `write`, then waits for a list_changed after it and for the client's tool list to satisfy `check`. */
  async function measure(change: string, write: () => Promise<unknown>, check: (names: string[]) => boolean): Promise<void> {
    const seen = listChanged.length;
    const requestedAt = performance.now();
    await write();
    const ackAt = performance.now();
    await vi.waitFor(async () => {
      expect(listChanged.length).toBeGreaterThan(seen);
      expect(check(await toolNames())).toBe(true);
    }, WAIT);
    const notifiedAt = listChanged[seen]!;
    const registryAt = firstAfter(registryEvents, requestedAt);
    const poolAt = firstAfter(poolEvents, requestedAt);
    latencies.push({
      change,
      fromRequestMs: notifiedAt - requestedAt,
      fromAckMs: notifiedAt - ackAt,
      ...(registryAt !== undefined && registryAt <= notifiedAt ? { registryMs: registryAt - requestedAt } : {}),
      ...(poolAt !== undefined && poolAt <= notifiedAt ? { poolMs: poolAt - requestedAt } : {}),
    });
  }

  beforeAll(async () => {
    namespace = await env.newNamespace('gateway');
    co = env.kubeConfig.makeApiClient(CustomObjectsApi);
    core = env.kubeConfig.makeApiClient(CoreV1Api);
    pkiDir = mkdtempSync(path.join(tmpdir(), 'vmcp-mcp-gateway-'));
    gateway = await startGateway({
      kubeConfig: env.kubeConfig,
      namespace,
      group: GROUP,
      // Health probes, circuit breaker and timeouts on their defaults: the kill test below measures them.
      pool: { backoff: { initialMs: 200, maxMs: 1000 } },
    });
    gateway.registry.subscribe(() => registryEvents.push(performance.now()));
    gateway.pool.on('toolsChanged', () => poolEvents.push(performance.now()));
    client = new Client({ name: 'test-client', version: '1.0.0' });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged.push(performance.now());
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.url)));
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (pkiDir !== undefined) rmSync(pkiDir, { recursive: true, force: true });
    if (latencies.length > 0) {
      console.log('object change → notifications/tools/list_changed at the client (ms):');
      const ms = (v: number | undefined) => (v === undefined ? '   -' : v.toFixed(1).padStart(6));
      console.log(
        `  ${'change'.padEnd(48)} ${'registry'.padStart(8)} ${'pool'.padStart(6)} ${'client'.padStart(6)} (from the write request; client also from the API's answer)`,
      );
      for (const l of latencies) {
        console.log(
          `  ${l.change.padEnd(48)} ${ms(l.registryMs).padStart(8)} ${ms(l.poolMs)} ${ms(l.fromRequestMs)} (${l.fromAckMs.toFixed(1)})`,
        );
      }
    }
  });

  it("an entry's tools appear when it becomes Valid; the session gets list_changed; calls carry forwarded headers", async () => {
    const alpha = await serve({ name: 'alpha', tools: ['search'] });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'alpha-key' }, stringData: { key: KEY_V1 } } });
    await create('mcpserverentries', 'MCPServerEntry', 'alpha', {
      remoteUrl: alpha.url,
      transport: 'streamable-http',
      groupRef: { name: GROUP },
      headerForward: {
        addPlaintextHeaders: { 'X-Tenant': 'acme' },
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'alpha-key', key: 'key' } }],
      },
    });
    // Not Valid yet: not served (positive control for the step below).
    await vi.waitFor(() => expect(gateway.watcher.hasSynced()).toBe(true), WAIT);
    expect(await toolNames()).toEqual([]);
    expect(gateway.registry.get('alpha')).toBeUndefined();

    await measure(
      'MCPServerEntry alpha → Valid',
      () => setStatus('mcpserverentries', 'alpha', { phase: 'Valid' }),
      (n) => n.includes('alpha_search'),
    );
    const result = await client.callTool({ name: 'alpha_search', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'alpha/search: hi' }]);
    const headers = alpha.callHeaders.get('search')!.at(-1)!;
    expect(headers['x-tenant']).toBe('acme');
    expect(headers['x-api-key']).toBe(KEY_V1);
    // The identifier stays for compatibility; the value never shows in what the gateway serves.
    expect(gateway.registry.get('alpha')?.headerForward?.addHeadersFromSecret).toEqual({ 'X-Api-Key': 'HEADER_FORWARD_X_API_KEY_ALPHA' });
    expect(JSON.stringify(await client.listTools())).not.toContain(KEY_V1);
  }, 60_000);

  it('an MCPRemoteProxy with header injection from an MCPExternalAuthConfig', async () => {
    const delta = await serve({ name: 'delta', tools: ['lookup'] });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'delta-auth' }, stringData: { token: PROXY_TOKEN } } });
    await create('mcpexternalauthconfigs', 'MCPExternalAuthConfig', 'delta-auth', {
      type: 'headerInjection',
      headerInjection: { headerName: 'Authorization', valueSecretRef: { name: 'delta-auth', key: 'token' } },
    });
    await create('mcpremoteproxies', 'MCPRemoteProxy', 'delta', {
      remoteUrl: 'https://remote.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: GROUP },
      externalAuthConfigRef: { name: 'delta-auth' },
    });
    await measure(
      'MCPRemoteProxy delta → Ready with status.url',
      () => setStatus('mcpremoteproxies', 'delta', { phase: 'Ready', url: delta.url }),
      (n) => n.includes('delta_lookup'),
    );
    await client.callTool({ name: 'delta_lookup', arguments: {} });
    expect(delta.callHeaders.get('lookup')!.at(-1)!.authorization).toBe(PROXY_TOKEN);
  }, 60_000);

  it('a backend that is down is unhealthy, and joins when it comes up', async () => {
    const port = await freePort();
    gammaPort = port;
    await create('mcpserverentries', 'MCPServerEntry', 'gamma', {
      remoteUrl: `http://127.0.0.1:${port}/mcp`,
      transport: 'streamable-http',
      groupRef: { name: GROUP },
    });
    await setStatus('mcpserverentries', 'gamma', { phase: 'Valid' });
    await vi.waitFor(
      () => expect(gateway.pool.health('gamma')).toMatchObject({ health: 'unhealthy', state: 'retrying', registryHealth: 'healthy' }),
      WAIT,
    );
    expect(gateway.pool.health('gamma')?.reason).toMatch(/^connect failed/);
    expect(await toolNames()).not.toContain('gamma_ping');

    await measure(
      'backend gamma comes up (no object change)',
      () => serve({ name: 'gamma', tools: ['ping'], port }),
      (n) => n.includes('gamma_ping'),
    );
    expect(gateway.pool.health('gamma')).toMatchObject({ health: 'healthy', state: 'connected' });
  }, 60_000);

  it('Secret rotations with calls every 10 ms: every call succeeds, the tool never leaves the list', async () => {
    const alpha = servers[0]!;
    expect(alpha.requests.filter((h) => h['x-api-key'] === KEY_V2)).toEqual([]);
    const failures: string[] = [];
    const seenBefore = listChanged.length;
    let calling = true;
    let calls = 0;
    const caller = (async () => {
      while (calling) {
        calls += 1;
        await client.callTool({ name: 'alpha_search', arguments: {} }).then(
          (result) => void (result.isError === true && failures.push(JSON.stringify(result.content))),
          (error: unknown) => failures.push(String(error)),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const keys = [KEY_V2, KEY_V1, KEY_V2, KEY_V1, KEY_V2, KEY_V1, KEY_V2];
    for (const key of keys) {
      await core.replaceNamespacedSecret({ name: 'alpha-key', namespace, body: { metadata: { name: 'alpha-key' }, stringData: { key } } });
      await vi.waitFor(() => expect(alpha.callHeaders.get('search')!.at(-1)!['x-api-key']).toBe(key), WAIT);
    }
    calling = false;
    await caller;
    expect(failures).toEqual([]);
    expect(listChanged.length).toBe(seenBefore);
    expect(calls).toBeGreaterThan(keys.length);
    // Each rotation initialized a new connection with the new value (a reconnect, not only a changed call).
    const initialize = alpha.requests.find((h) => h['x-api-key'] === KEY_V2 && h['mcp-protocol-version'] === undefined);
    expect(initialize).toBeDefined();
  }, 90_000);

  it("a killed backend's tools are gone within 3 s on the default health settings", async () => {
    const gamma = servers.find((server) => server.url.includes(`:${gammaPort}/`))!;
    await gamma.close();
    const killedAt = performance.now();
    await vi.waitFor(async () => expect(await toolNames()).not.toContain('gamma_ping'), WAIT);
    const goneMs = performance.now() - killedAt;
    latencies.push({ change: 'backend gamma killed (tools gone at the client)', fromRequestMs: goneMs, fromAckMs: goneMs });
    expect(gateway.pool.health('gamma')).toMatchObject({ health: 'unhealthy' });
  }, 60_000);

  it('HTTPS with a CA bundle from a ConfigMap (self-signed server)', async () => {
    const pki = await createPki(pkiDir);
    const beta = await serve({
      name: 'beta',
      tools: ['secure'],
      tls: { cert: readFileSync(pki.apiserverCert, 'utf8'), key: readFileSync(pki.apiserverKey, 'utf8') },
    });
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'beta-ca' }, data: { 'ca.crt': readFileSync(pki.servingCaCert, 'utf8') } },
    });
    await create('mcpserverentries', 'MCPServerEntry', 'beta', {
      remoteUrl: beta.url.replace('127.0.0.1', 'localhost'),
      transport: 'streamable-http',
      groupRef: { name: GROUP },
      caBundleRef: { configMapRef: { name: 'beta-ca', key: 'ca.crt' } },
    });
    await measure(
      'MCPServerEntry beta (https, CA bundle) → Valid',
      () => setStatus('mcpserverentries', 'beta', { phase: 'Valid' }),
      (n) => n.includes('beta_secure'),
    );
    expect((await client.callTool({ name: 'beta_secure', arguments: { text: 'tls' } })).content).toEqual([
      { type: 'text', text: 'beta/secure: tls' },
    ]);
  }, 90_000);

  it('a second entry on a warm gateway (same steps as the first)', async () => {
    const alpha = servers[0]!;
    await create('mcpserverentries', 'MCPServerEntry', 'echo', {
      remoteUrl: alpha.url,
      transport: 'streamable-http',
      groupRef: { name: GROUP },
    });
    await measure(
      'MCPServerEntry echo → Valid (warm)',
      () => setStatus('mcpserverentries', 'echo', { phase: 'Valid' }),
      (n) => n.includes('echo_search'),
    );
    await measure(
      'MCPServerEntry echo deleted',
      () => co.deleteNamespacedCustomObject({ ...ref('mcpserverentries'), name: 'echo' }),
      (n) => !n.includes('echo_search'),
    );
  }, 60_000);

  it('deleting an entry removes its tools, with list_changed', async () => {
    await measure(
      'MCPServerEntry alpha deleted',
      () => co.deleteNamespacedCustomObject({ ...ref('mcpserverentries'), name: 'alpha' }),
      (n) => !n.includes('alpha_search'),
    );
    expect(await toolNames()).toEqual(['beta_secure', 'delta_lookup']);
    expect(gateway.pool.health('alpha')).toBeUndefined();
  }, 60_000);
});
