/**
 * The gateway in feed mode, end to end: the vmcp-watcher service (its built `dist/cli.js`, a child process) with
 * `--feed` over TLS against a real API server; two gateway replicas on its feed, each with a TokenRequest token of a
 * ServiceAccount that holds only the feed Role; a real MCP backend whose header value comes from a Secret; a real
 * SDK client calling through each replica.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  MCPServerEntryResource,
  RoleBindingResource,
  RoleResource,
  SecretResource,
  ServiceAccountResource,
  SubjectAccessReviewResource,
  TOOLHIVE_API_GROUP,
} from '@vmcp/api';
import { createPki, freePort } from '@vmcp/envtest';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject, patchObject, requestServiceAccountToken } from '@vmcp/kube-watcher/testing';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startFeedGateway, type RunningFeedGateway } from '../src/index.ts';

const GROUP = 'tools';
const KEY = 'feed-mode-PLANTED-key';
const WAIT = { timeout: 30_000, interval: 100 };

describeIntegration('examples/mcp-gateway in feed mode, two replicas on one vmcp-watcher', () => {
  const env = useEnvtest();
  let watcher: ChildProcess | undefined;
  let backend: LoopbackServer;
  const gateways: RunningFeedGateway[] = [];
  let namespace: string;
  let feedUrl: string;
  let tokenFile: string;
  let caFile: string;

  beforeAll(async () => {
    const admin = new KubeHttpClient(env.kubeConfig);
    namespace = await env.newNamespace('gw-feed');
    const dir = mkdtempSync(path.join(tmpdir(), 'vmcp-gw-feed-'));
    backend = await startLoopbackServer({ name: 'alpha', tools: ['search'] });
    await createObject(admin, SecretResource, namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'alpha-key' },
      stringData: { key: KEY },
    });
    await createObject(admin, MCPServerEntryResource, namespace, {
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
    await patchObject(admin, MCPServerEntryResource, namespace, 'alpha', { status: { phase: 'Valid' } }, { subresource: 'status' });

    // The gateway's identity: a ServiceAccount with the feed Role only, and a token for the watcher's audience.
    await createObject(admin, ServiceAccountResource, namespace, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'gateway' },
    });
    const rbac = { apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'vmcp-feed-reader' } };
    await createObject(admin, RoleResource, namespace, {
      ...rbac,
      kind: 'Role',
      rules: [{ apiGroups: [TOOLHIVE_API_GROUP], resources: ['mcpgroups/backends'], resourceNames: [GROUP], verbs: ['get'] }],
    });
    await createObject(admin, RoleBindingResource, namespace, {
      ...rbac,
      kind: 'RoleBinding',
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vmcp-feed-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'gateway', namespace }],
    });
    const token = await requestServiceAccountToken(admin, namespace, 'gateway', { audiences: ['vmcp-watcher'] });
    tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, token, { mode: 0o600 });

    // The watcher: the service's own build, the feed on over TLS.
    const pki = await createPki(path.join(dir, 'pki'));
    caFile = pki.servingCaCert;
    const [api, probes] = [await freePort(), await freePort()];
    const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('vmcp-watcher/package.json')), 'dist', 'cli.js');
    watcher = spawn(
      process.execPath,
      [
        cli,
        `--kubeconfig=${env.kubeconfigPath}`,
        `--namespace=${namespace}`,
        `--group=${GROUP}`,
        `--listen=127.0.0.1:${api}`,
        `--health-probe-bind-address=127.0.0.1:${probes}`,
        '--metrics-bind-address=0',
        '--feed',
        `--tls-cert-file=${pki.apiserverCert}`,
        `--tls-key-file=${pki.apiserverKey}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${probes}/readyz`)).status).toBe(200), WAIT);
    feedUrl = `https://127.0.0.1:${api}`;
  }, 120_000);

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    watcher?.kill('SIGTERM');
    await backend?.close();
  });

  it('each replica serves the tools and calls with the Secret-backed header; the gateway ServiceAccount reads no Secret', async () => {
    for (let i = 0; i < 2; i++)
      gateways.push(await startFeedGateway({ feedUrl, tokenFile, caFile, pool: { backoff: { initialMs: 100, maxMs: 500 } } }));
    for (const gateway of gateways) {
      const client = new Client({ name: 'feed-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(gateway.url)));
      await vi.waitFor(async () => expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['alpha_search']), WAIT);
      await client.callTool({ name: 'alpha_search', arguments: { text: 'feed' } });
      expect(backend.callHeaders.get('search')?.at(-1)?.['x-api-key']).toBe(KEY);
      expect(gateway.registry.status()).toMatchObject({ connected: true, synced: true, stale: false });
      await client.close();
    }
    // The value reached the backend through the feed; the gateway's own identity may not read it.
    const user = `system:serviceaccount:${namespace}:gateway`;
    for (const verb of ['get', 'list']) {
      const review = await createObject<{ status: { allowed: boolean } }>(
        new KubeHttpClient(env.kubeConfig),
        SubjectAccessReviewResource,
        undefined,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user, resourceAttributes: { namespace, verb, resource: 'secrets' } },
        },
      );
      expect(review.status.allowed, `${verb} secrets`).toBe(false);
    }
  }, 90_000);
});
