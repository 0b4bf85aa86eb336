/**
 * The registry feed against a real API server: real TLS, real ServiceAccount tokens from TokenRequest, access decided
 * by the API server's TokenReview and SubjectAccessReview (the watcher's own ServiceAccount holds only
 * `system:auth-delegator` for that), a real watcher, a real MCP backend behind a BackendPool on the feed, and two
 * watcher replicas behind a switch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { MCPServerEntryResource, SecretResource, SubjectAccessReviewResource, TOOLHIVE_API_GROUP, crdDirectory } from '@vmcp/api';
import { createPki, type PkiFiles } from '@vmcp/envtest';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { BackendPool } from '@vmcp/gateway';
import { createObject, patchObject } from '@vmcp/kube-watcher/testing';
import type { RegistryEvent } from '@vmcp/registry';
import { RegistryFeed } from '@vmcp/registry-feed';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { FEED_BACKENDS_PATH } from '../src/feed/feed.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { tlsClient, type TlsClient } from './feed-helpers.ts';
import {
  ReplicaSwitch,
  bindAuthDelegator,
  bindRole,
  createServiceAccount,
  expire,
  feedReaderRole,
  requestToken,
  tokenKubeconfigYaml,
} from './feed-cluster.ts';
import { clientOf, deployRole, patchStatus } from './kube-fixtures.ts';
import { clusterConfig } from './helpers.ts';

const GROUP = 'engineering';
const KEY_V1 = 'feed-key-PLANTED-v1';
const KEY_V2 = 'feed-key-PLANTED-v2';
const WAIT = { timeout: 30_000, interval: 50 };

interface Replica {
  running: RunningService;
  /** The API port over TLS. */
  served: TlsClient & { port: number; epoch: string };
  stop(): Promise<void>;
}

describeIntegration('the registry feed on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let ns: string;
  let pki: PkiFiles;
  let dir: string;
  let backend: LoopbackServer;
  /** The watcher's ServiceAccount: the deploy/ Role and system:auth-delegator, nothing else. */
  let watcherKubeconfig: { path: string; kc: KubeConfig };
  const logs: string[] = [];
  const replicas: Replica[] = [];
  const closers: (() => Promise<void>)[] = [];
  const tokens: Record<string, string> = {};

  async function startReplica(): Promise<Replica> {
    const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
    // The service as `--feed --tls-cert-file … --tls-key-file …` starts it, as its own ServiceAccount.
    const config = clusterConfig(watcherKubeconfig.path, ns, {
      readinessTimeoutMs: 500,
      tls: { certFile: pki.apiserverCert, keyFile: pki.apiserverKey, minVersion: '1.2' },
      feed: true,
    });
    const running = await startAgainstCluster(config, watcherKubeconfig.kc, logger);
    expect(running.url).toMatch(/^https:/);
    const client = tlsClient(running.url, pki.servingCaCert);
    const served = { ...client, port: Number(new URL(client.url).port), epoch: running.service.context.hub.epoch };
    await vi.waitFor(() => expect(running.service.context.watcher?.hasSynced()).toBe(true), WAIT);
    const replica: Replica = { running, served, stop: () => running.service.shutdown() };
    replicas.push(replica);
    return replica;
  }

  function tokenFile(token: string): string {
    const file = path.join(dir, `token-${Object.keys(tokens).length}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, token);
    return file;
  }

  /** A gateway on the feed at `url`: a RegistryFeed with the allowed token, a BackendPool on it, the tools listed. */
  async function gatewayOnFeed(url: string): Promise<{ client: RegistryFeed; pool: BackendPool }> {
    const client = new RegistryFeed({
      url,
      token: tokenFile(tokens['allowed']!),
      caFile: pki.servingCaCert,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const pool = new BackendPool({ registry: client.start(), backoff: { initialMs: 100, maxMs: 500 } });
    closers.push(async () => {
      await pool.close();
      await client.close();
    });
    await client.waitForSync({ timeoutMs: 30_000 });
    await vi.waitFor(() => expect(pool.tools().map((t) => t.name)).toContain('alpha_search'), WAIT);
    return { client, pool };
  }

  beforeAll(async () => {
    ns = await env.newNamespace('feed');
    dir = mkdtempSync(path.join(tmpdir(), 'vmcp-feed-int-'));
    const admin = env.kubeConfig;
    pki = await createPki(path.join(dir, 'pki'));
    backend = await startLoopbackServer({ name: 'alpha', tools: ['search'] });
    closers.push(() => backend.close());

    for (const sa of ['vmcp-watcher', 'gateway', 'stranger']) await createServiceAccount(admin, ns, sa);
    await bindAuthDelegator(admin, ns, 'vmcp-watcher');
    await bindRole(admin, ns, 'gateway', feedReaderRole(GROUP));
    await bindRole(admin, ns, 'vmcp-watcher', deployRole());
    const watcherYaml = tokenKubeconfigYaml(env.kubeconfigYaml, await requestToken(admin, ns, 'vmcp-watcher', []), 'vmcp-watcher');
    const kc = new KubeConfig();
    kc.loadFromString(watcherYaml);
    watcherKubeconfig = { path: path.join(dir, 'watcher.kubeconfig'), kc };
    writeFileSync(watcherKubeconfig.path, watcherYaml, { mode: 0o600 });
    tokens['allowed'] = await requestToken(admin, ns, 'gateway', ['vmcp-watcher']);
    tokens['noRole'] = await requestToken(admin, ns, 'stranger', ['vmcp-watcher']);
    tokens['wrongAudience'] = await requestToken(admin, ns, 'gateway', ['another-service']);
    tokens['expired'] = expire(tokens['allowed'], env.serviceAccountSigningKey);

    await createObject(clientOf(admin), SecretResource, ns, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'alpha-key' },
      stringData: { key: KEY_V1 },
    });
    await createObject(clientOf(admin), MCPServerEntryResource, ns, {
      apiVersion: `${TOOLHIVE_API_GROUP}/${MCPServerEntryResource.version}`,
      kind: 'MCPServerEntry',
      metadata: { name: 'alpha' },
      spec: {
        remoteUrl: backend.url,
        transport: 'streamable-http',
        groupRef: { name: GROUP },
        headerForward: { addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'alpha-key', key: 'key' } }] },
      },
    });
    await patchStatus(admin, ns, MCPServerEntryResource, 'alpha', { phase: 'Valid' });
    await startReplica();
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas.splice(0)) await replica.stop();
    for (const close of closers.splice(0)) await close();
  }, 60_000);

  it('answers each caller with its code; the planted secret only reaches the allowed gateway', async () => {
    const [replica] = replicas;
    const feed = replica!.served;
    await vi.waitFor(
      async () => expect((await feed.request(FEED_BACKENDS_PATH, { authorization: `Bearer ${tokens['allowed']}` })).text).toContain(KEY_V1),
      WAIT,
    );
    const cases: [string, Record<string, string>, number, string | undefined][] = [
      ['allowed ServiceAccount', { authorization: `Bearer ${tokens['allowed']}` }, 200, undefined],
      ['ServiceAccount without the Role', { authorization: `Bearer ${tokens['noRole']}` }, 403, 'access_denied'],
      ['token for another audience', { authorization: `Bearer ${tokens['wrongAudience']}` }, 401, 'audience_mismatch'],
      ['expired token', { authorization: `Bearer ${tokens['expired']}` }, 401, 'token_expired'],
      ['garbage token', { authorization: 'Bearer not-a-real-token' }, 401, 'invalid_token'],
      ['no token', {}, 401, 'missing_token'],
    ];
    const bodies: string[] = [];
    for (const [name, headers, code, cause] of cases) {
      const answer = await feed.request(FEED_BACKENDS_PATH, headers);
      expect(answer.status, name).toBe(code);
      if (code === 200) {
        // Positive control: the allowed answer does carry the planted value.
        expect(answer.text, name).toContain(KEY_V1);
        continue;
      }
      expect(JSON.parse(answer.text), name).toMatchObject({ cause });
      bodies.push(answer.text);
    }
    const publicAnswers = await Promise.all(['/api/v1/backends', '/api/v1/backends/alpha', '/status', '/'].map((p) => feed.request(p)));
    expect(publicAnswers[0]?.text).toContain('"alpha"'); // the public list does show the backend, without its values
    // /metrics is on the metrics port (plain HTTP), not on the API port.
    const metrics = await (await fetch(`${replicas[0]!.running.metricsUrl ?? ''}metrics`)).text();
    expect(metrics).toMatch(/vmcp_feed_access_refused_total\{code="401",cause="token_expired"\} 1/);
    expect(metrics).toMatch(/vmcp_feed_access_refused_total\{code="403",cause="access_denied"\} 1/);
    const everywhere = [...bodies, ...publicAnswers.map((a) => a.text), metrics, logs.join('\n')].join('\n');
    for (const planted of [KEY_V1, ...Object.values(tokens)]) expect(everywhere).not.toContain(planted);
    expect(everywhere).not.toContain('not-a-real-token');
  }, 120_000);

  it('a Secret rotation reaches a feed client, and a BackendPool on the feed reconnects with the new value', async () => {
    const { client, pool } = await gatewayOnFeed(replicas[0]!.served.url);
    await pool.callTool('alpha_search', { text: 'one' });
    expect(backend.callHeaders.get('search')?.at(-1)?.['x-api-key']).toBe(KEY_V1);

    await patchObject(clientOf(env.kubeConfig), SecretResource, ns, 'alpha-key', { stringData: { key: KEY_V2 } });
    await vi.waitFor(() => expect(client.get('alpha')?.headerForwardSecretValues?.['X-Api-Key']).toBe(KEY_V2), WAIT);
    await vi.waitFor(async () => {
      await pool.callTool('alpha_search', { text: 'two' });
      expect(backend.callHeaders.get('search')?.at(-1)?.['x-api-key']).toBe(KEY_V2);
    }, WAIT);
    // A new connection was initialized with the new value: a reconnect, not only a changed header on a call.
    expect(backend.requests.some((h) => h['x-api-key'] === KEY_V2 && h['mcp-protocol-version'] === undefined)).toBe(true);
  }, 120_000);

  it('a restart of a watcher and a switch between two replicas cause no change for unchanged backends', async () => {
    const a = replicas[0]!;
    const b = await startReplica();
    const sw = await new ReplicaSwitch(a.served.port).listen();
    closers.push(() => sw.close());
    const { client } = await gatewayOnFeed(`https://127.0.0.1:${sw.port}`);
    const events: RegistryEvent[] = [];
    client.subscribe((e) => events.push(e));
    const initializes = (): number => backend.requests.filter((h) => h['mcp-protocol-version'] === undefined).length;
    const connectsBefore = initializes();
    const epochOf = (r: Replica): string => r.served.epoch;
    expect(client.status().epoch).toBe(epochOf(a));

    sw.switchTo(b.served.port);
    await vi.waitFor(() => expect(client.status()).toMatchObject({ epoch: epochOf(b), connected: true }), WAIT);
    await a.stop();
    replicas.splice(replicas.indexOf(a), 1);
    const restarted = await startReplica();
    sw.switchTo(restarted.served.port);
    await vi.waitFor(() => expect(client.status()).toMatchObject({ epoch: epochOf(restarted), connected: true }), WAIT);
    expect(client.status().resets).toBe(3);
    expect(events).toEqual([]);
    expect(initializes()).toBe(connectsBefore);

    // Positive control: a real change after the switches does arrive, as exactly one event.
    await patchObject(clientOf(env.kubeConfig), SecretResource, ns, 'alpha-key', { stringData: { key: `${KEY_V2}-again` } });
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['upsert']), WAIT);
  }, 180_000);

  it('the documented gateway Role reads the feed and grants no Secret access', async () => {
    const user = `system:serviceaccount:${ns}:gateway`;
    const may = async (attributes: Record<string, string>): Promise<boolean> => {
      const review = await createObject<{ status: { allowed: boolean } }>(
        clientOf(env.kubeConfig),
        SubjectAccessReviewResource,
        undefined,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
            resourceAttributes: { namespace: ns, ...attributes },
          },
        },
      );
      return review.status.allowed;
    };
    // Positive control: the attribute the feed checks is granted.
    expect(await may({ verb: 'get', group: TOOLHIVE_API_GROUP, resource: 'mcpgroups', subresource: 'backends', name: GROUP })).toBe(true);
    for (const verb of ['get', 'list', 'watch']) expect(await may({ verb, group: '', resource: 'secrets' }), `${verb} secrets`).toBe(false);
    expect(await may({ verb: 'get', group: '', resource: 'secrets', name: 'alpha-key' })).toBe(false);
    expect(await may({ verb: 'list', group: TOOLHIVE_API_GROUP, resource: 'mcpserverentries' })).toBe(false);
    expect(
      await may({ verb: 'get', group: TOOLHIVE_API_GROUP, resource: 'mcpgroups', subresource: 'backends', name: 'another-group' }),
    ).toBe(false);
  }, 60_000);
});
