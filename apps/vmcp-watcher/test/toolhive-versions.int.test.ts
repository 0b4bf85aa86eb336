/**
 * Every ToolHive install: the service against CRD sets derived here from packages/api/crds — one that serves only
 * v1alpha1 (as ToolHive v0.7.0 does: string `groupRef`, no MCPServerEntry), and the shipped one (v1alpha1 +
 * v1beta1). API discovery picks the version per kind; on the v1alpha1 cluster the v0.7.0 rules apply (a `Running`
 * server is healthy) with HEAD's safer choices kept (no localhost URL). A cluster without ToolHive's CRDs gets one
 * clear error that points at ToolHive's operator. Its own control plane: CRDs are cluster-wide.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MCPServerResource, crdDirectory, crdFiles, resourceOf } from '@vmcp/api';
import { startControlPlane, type ControlPlane } from '@vmcp/envtest';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { createWithStatus, patchObject } from '@vmcp/kube-watcher/testing';
import { describeIntegration } from '@vmcp/envtest/vitest';
import { createDynamicRegistry, type PublicBackend } from '@vmcp/registry';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createService, type Service } from '../src/app.ts';
import { createKubeWatcher } from '../src/cluster/kube-watcher.ts';
import { listenOnLoopback } from './helpers.ts';
import { checkCluster } from '../src/cluster/preflight.ts';
import { createLogger } from '../src/observe/logger.ts';
import type { BackendListResponse } from '../src/http/routes/backends.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The shipped CRDs reduced to what ToolHive v0.7.0 serves: v1alpha1 only (stored), `groupRef` a string, no entries. */
function v1alpha1OnlyCrds(dir: string): string {
  for (const file of crdFiles()) {
    if (path.basename(file) === 'mcpserverentries.yaml') continue;
    const crd = parseAllDocuments(readFileSync(file, 'utf8'))[0]!.toJS() as Json;
    const alpha = (crd['spec'].versions as Json[]).find((v) => v['name'] === 'v1alpha1')!;
    alpha['storage'] = true;
    delete alpha['deprecated'];
    delete alpha['deprecationWarning'];
    const spec = alpha['schema']?.openAPIV3Schema?.properties?.spec;
    if (spec?.properties?.groupRef !== undefined) spec.properties.groupRef = { type: 'string', description: 'MCPGroup name (v0.7.0)' };
    crd['spec'].versions = [alpha];
    writeFileSync(path.join(dir, path.basename(file)), JSON.stringify(crd));
  }
  return dir;
}

describeIntegration('the service on every ToolHive install', () => {
  let cp: ControlPlane;
  let dir: string;
  let service: Service | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vmcp-crds-'));
    cp = await startControlPlane();
  }, 180_000);
  afterAll(async () => {
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  afterEach(async () => {
    await service?.shutdown();
    service = undefined;
  });

  async function create(ns: string, version: string, kind: string, name: string, spec: Json, status?: Json): Promise<void> {
    const object = {
      apiVersion: `toolhive.stacklok.dev/${version}`,
      kind,
      metadata: { name, namespace: ns },
      spec,
      ...(status === undefined ? {} : { status }),
    };
    await createWithStatus(new KubeHttpClient(cp.kubeConfig), resourceOf(object), ns, object);
  }

  async function serve(ns: string): Promise<{ url: string; logs: string[] }> {
    await checkCluster(cp.kubeConfig, ns);
    const registry = createDynamicRegistry();
    const logs: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
    service = createService({
      registry,
      namespace: ns,
      groupRef: 'eng',
      logger,
      defaultMetrics: false,
      watcher: (metrics) =>
        createKubeWatcher({ kubeConfig: cp.kubeConfig, namespace: ns, groupRef: 'eng', registry, logger, metrics, workers: undefined }),
    });
    const { url } = await listenOnLoopback(service);
    service.startWatcher();
    for (let i = 0; (await fetch(`${url}/readyz`)).status !== 200; i++) {
      if (i > 600) throw new Error(`not ready; logs:\n${logs.join('\n')}`);
      await sleep(100);
    }
    return { url, logs };
  }

  it('without ToolHive CRDs: one error naming the kind, what the cluster serves, and ToolHive (not this project)', async () => {
    const ns = await cp.createNamespace('none');
    const err = await checkCluster(cp.kubeConfig, ns).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(
      /MCPServer is not served: the cluster does not serve the API group toolhive\.stacklok\.dev at all; install ToolHive's operator/,
    );
    expect(err?.message).not.toMatch(/packages\/api|crds\//);
  });

  it('v1alpha1 only (ToolHive v0.7.0): served at v1alpha1 with the v0.7.0 rules and HEAD safety', async () => {
    await cp.installCRDs([v1alpha1OnlyCrds(dir)]);
    const ns = await cp.createNamespace('alpha');
    const server = (groupRef: string, transport = 'sse'): Json => ({
      image: 'x',
      transport,
      proxyMode: 'streamable-http',
      proxyPort: 8080,
      groupRef,
    });
    await create(ns, 'v1alpha1', 'MCPServer', 'fetch', server('eng'), { phase: 'Running', url: 'http://mcp-fetch-proxy:8080' });
    await create(ns, 'v1alpha1', 'MCPServer', 'starting', server('eng'), { phase: 'Pending', url: 'http://mcp-starting-proxy:8080' });
    await create(ns, 'v1alpha1', 'MCPServer', 'no-url', server('eng'), { phase: 'Running' });
    await create(ns, 'v1alpha1', 'MCPServer', 'other', server('research'), { phase: 'Running', url: 'http://mcp-other-proxy:8080' });
    await create(
      ns,
      'v1alpha1',
      'MCPRemoteProxy',
      'remote',
      { remoteUrl: 'https://remote.example.com/mcp', groupRef: 'eng' },
      { phase: 'Ready', url: 'http://mcp-remote-proxy:8080' },
    );

    const { url, logs } = await serve(ns);
    const list = (await (await fetch(`${url}/api/v1/backends`)).json()) as BackendListResponse;
    const byId = new Map<string, PublicBackend>(list.backends.map((b) => [b.id, b]));
    expect([...byId.keys()].sort()).toEqual(['fetch', 'remote', 'starting']);
    // v0.7.0's Running is healthy; HEAD's transport rule (v0.7.0 advertised the proxyMode default, streamable-http).
    expect(byId.get('fetch')).toMatchObject({ healthStatus: 'healthy', transportType: 'sse', baseUrl: 'http://mcp-fetch-proxy:8080' });
    expect(byId.get('starting')?.healthStatus).toBe('unknown');
    expect(byId.get('remote')?.healthStatus).toBe('healthy');
    // No 127.0.0.1 URL made up from the port (v0.7.0 did that; it pointed at the vMCP pod itself).
    expect(list.excluded.find((e) => e.name === 'no-url')?.code).toBe('no-url');
    const watches = new Map(list.watches.map((w) => [w.kind, w]));
    expect(watches.get('MCPServer')?.apiVersion).toBe('toolhive.stacklok.dev/v1alpha1');
    expect(watches.get('MCPRemoteProxy')?.apiVersion).toBe('toolhive.stacklok.dev/v1alpha1');
    expect(watches.get('MCPServerEntry')?.synced).toBe(false); // not installed: tolerated, never required
    expect(logs.some((l) => l.includes('optional kind MCPServerEntry is not installed'))).toBe(true);

    // Live at v1alpha1: the watch follows a change.
    const legacy = resourceOf({ apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: MCPServerResource.kind });
    await patchObject(
      new KubeHttpClient(cp.kubeConfig),
      legacy,
      ns,
      'starting',
      { status: { phase: 'Running' } },
      { subresource: 'status' },
    );
    for (let i = 0; ; i++) {
      const b = (await (await fetch(`${url}/api/v1/backends/starting`)).json()) as { backend: PublicBackend };
      if (b.backend.healthStatus === 'healthy') break;
      if (i > 200) throw new Error('change not seen');
      await sleep(100);
    }
  }, 300_000);

  it('v1alpha1 + v1beta1 (the shipped CRDs): served at v1beta1, where Running is no longer healthy', async () => {
    await cp.installCRDs([crdDirectory]);
    const ns = await cp.createNamespace('beta');
    await create(
      ns,
      'v1beta1',
      'MCPServer',
      'fetch',
      { image: 'x', transport: 'sse', groupRef: { name: 'eng' } },
      { phase: 'Ready', url: 'http://mcp-fetch-proxy:8080' },
    );
    await create(
      ns,
      'v1beta1',
      'MCPServer',
      'legacy',
      { image: 'x', transport: 'sse', groupRef: { name: 'eng' } },
      { phase: 'Running', url: 'http://mcp-legacy-proxy:8080' },
    );
    await create(
      ns,
      'v1beta1',
      'MCPServerEntry',
      'entry',
      { remoteUrl: 'https://docs.example.com/mcp', transport: 'streamable-http', groupRef: { name: 'eng' } },
      { phase: 'Valid' },
    );
    const { url } = await serve(ns);
    const list = (await (await fetch(`${url}/api/v1/backends`)).json()) as BackendListResponse;
    const byId = new Map<string, PublicBackend>(list.backends.map((b) => [b.id, b]));
    expect([...byId.keys()].sort()).toEqual(['entry', 'fetch', 'legacy']);
    expect(byId.get('fetch')?.healthStatus).toBe('healthy');
    expect(byId.get('legacy')?.healthStatus).toBe('unknown');
    for (const w of list.watches.filter((k) => k.kind.startsWith('MCP')))
      expect(w.apiVersion, w.kind).toBe('toolhive.stacklok.dev/v1beta1');
  }, 300_000);
});
