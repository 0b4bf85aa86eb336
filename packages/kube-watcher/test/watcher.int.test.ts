/**
 * BackendWatcher against a real kube-apiserver + etcd (@vmcp/envtest): upstream §9.2 scenarios with HEAD semantics,
 * per-kind lifecycles, dependency fan-out (auth config, Secret rotation, CA ConfigMap), conflicts, v1alpha1, RBAC.
 */
import { afterEach, expect, it } from 'vitest';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import type { KubeConfig } from '@kubernetes/client-node';
import { BackendWatcher, type BackendWatcherOptions, type Logger } from '../src/index.ts';
import { Kube, consistently, entrySpec, eventually, proxySpec, serverSpec } from './helpers/kube.ts';

describeIntegration('BackendWatcher on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let running: { watcher: BackendWatcher; done: Promise<void> }[] = [];
  const logLines: string[] = [];
  const logger: Logger = {
    debug: (m, f) => logLines.push(`debug ${m} ${JSON.stringify(f ?? {})}`),
    info: (m, f) => logLines.push(`info ${m} ${JSON.stringify(f ?? {})}`),
    warn: (m, f) => logLines.push(`warn ${m} ${JSON.stringify(f ?? {})}`),
    error: (m, f) => logLines.push(`error ${m} ${JSON.stringify(f ?? {})}`),
  };

  afterEach(async () => {
    await Promise.all(running.map(async (r) => { await r.watcher.stop(); await r.done; }));
    running = [];
    logLines.length = 0;
  });

  async function setup(opts: { group?: string; kubeConfig?: KubeConfig; extra?: Partial<BackendWatcherOptions>; start?: boolean } = {}) {
    const ns = await env.newNamespace('kw');
    const kube = new Kube(env.kubeConfig, ns);
    const registry: DynamicRegistry = createDynamicRegistry();
    const watcher = new BackendWatcher({
      kubeConfig: opts.kubeConfig ?? env.kubeConfig,
      namespace: ns,
      groupRef: opts.group ?? 'eng',
      registry,
      logger,
      reflector: { backoff: { initialMs: 100, maxMs: 1000 } },
      ...opts.extra,
    });
    const start = (): Promise<void> => {
      const done = watcher.start();
      running.push({ watcher, done });
      return done;
    };
    if (opts.start !== false) {
      void start();
      expect(await watcher.waitForCacheSync()).toBe(true);
    }
    return { ns, kube, registry, watcher, start };
  }

  it('§9.2 1-5: servers and proxies without status.url or outside the group are never served', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpservers', 'MCPServer', 'no-url', serverSpec('eng'));
    await kube.create('mcpservers', 'MCPServer', 'other', serverSpec('research'), { url: 'http://other:8080', phase: 'Ready' });
    await kube.create('mcpservers', 'MCPServer', 'create-delete', serverSpec('eng'));
    await kube.delete('mcpservers', 'create-delete');
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'proxy-no-url', proxySpec('eng'));
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'proxy-other', proxySpec('research'), { url: 'http://p:8080' });
    await consistently(() => registry.count() === 0, 2000, 'registry empty');
  });

  it('§9.2 6/10 with HEAD semantics: the version moves only on effective changes', async () => {
    const { kube, registry } = await setup();
    const v0 = registry.version();
    await kube.create('mcpservers', 'MCPServer', 'unserved', serverSpec('eng'));
    await consistently(() => registry.version() === v0, 1000, 'no version bump for a never-served name');
    await kube.create('mcpserverentries', 'MCPServerEntry', 'e', entrySpec('eng'), { phase: 'Valid' });
    await eventually(() => registry.get('e'), 10_000, 'entry served');
    const v1 = registry.version();
    expect(v1).toBeGreaterThan(v0);
    await kube.delete('mcpserverentries', 'e');
    await eventually(() => !registry.get('e'), 10_000, 'entry removed');
    expect(registry.version()).toBe(v1 + 1);
  });

  it('§9.2 7-9: MCPServerEntry Valid is served with its remote URL; other group never; delete removes', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpserverentries', 'MCPServerEntry', 'research-entry', entrySpec('research'), { phase: 'Valid' });
    await kube.create('mcpserverentries', 'MCPServerEntry', 'entry', entrySpec('eng'));
    await consistently(() => registry.count() === 0, 1000, 'pending entry not served');
    await kube.setStatus('mcpserverentries', 'entry', { phase: 'Valid' });
    const b = await eventually(() => registry.get('entry'), 10_000, 'entry served');
    expect(b).toMatchObject({ baseUrl: 'https://mcp.example.com/mcp', transportType: 'streamable-http', type: 'entry' });
    expect(registry.count()).toBe(1);
    await kube.delete('mcpserverentries', 'entry');
    await eventually(() => registry.count() === 0, 10_000, 'entry removed');
  });

  it('MCPServer: status.url appearing later, phase changes, moving out of and back into the group, delete', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpservers', 'MCPServer', 'srv', serverSpec('eng'), { phase: 'Pending' });
    await consistently(() => !registry.get('srv'), 500, 'not served without url');
    await kube.setStatus('mcpservers', 'srv', { url: 'http://srv-proxy:8080', phase: 'Ready' });
    expect(await eventually(() => registry.get('srv'), 10_000, 'served')).toMatchObject({ baseUrl: 'http://srv-proxy:8080', healthStatus: 'healthy' });
    await kube.setStatus('mcpservers', 'srv', { url: 'http://srv-proxy:8080', phase: 'Failed' });
    await eventually(() => registry.get('srv')?.healthStatus === 'unhealthy', 10_000, 'unhealthy');
    await kube.patchSpec('mcpservers', 'srv', { groupRef: { name: 'research' } });
    await eventually(() => !registry.get('srv'), 10_000, 'removed after moving out');
    await kube.patchSpec('mcpservers', 'srv', { groupRef: { name: 'eng' } });
    await eventually(() => registry.get('srv'), 10_000, 'back after moving in');
    await kube.delete('mcpservers', 'srv');
    await eventually(() => !registry.get('srv'), 10_000, 'removed after delete');
  });

  it('MCPRemoteProxy: create, URL update, delete', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'px', proxySpec('eng'), { url: 'http://px-1:8080', phase: 'Ready' });
    await eventually(() => registry.get('px')?.baseUrl === 'http://px-1:8080', 10_000, 'served');
    await kube.setStatus('mcpremoteproxies', 'px', { url: 'http://px-2:8080', phase: 'Ready' });
    await eventually(() => registry.get('px')?.baseUrl === 'http://px-2:8080', 10_000, 'url updated');
    await kube.delete('mcpremoteproxies', 'px');
    await eventually(() => !registry.get('px'), 10_000, 'removed');
  });

  it('auth config change re-resolves its backends; a rotated Secret is reflected within 2 s with no secret data cached', async () => {
    const { kube, registry, watcher } = await setup();
    await kube.putSecret('api-key', { key: 'vmcp-planted-secret-one' });
    await kube.create('mcpexternalauthconfigs', 'MCPExternalAuthConfig', 'hdr', {
      type: 'headerInjection',
      headerInjection: { headerName: 'X-Api-Key', valueSecretRef: { name: 'api-key', key: 'key' } },
    });
    await kube.create('mcpservers', 'MCPServer', 'gh', serverSpec('eng', { externalAuthConfigRef: { name: 'hdr' } }), { url: 'http://gh:8080', phase: 'Ready' });
    await eventually(() => registry.get('gh')?.authConfig?.headerInjection?.headerValue === 'vmcp-planted-secret-one', 10_000, 'auth resolved');

    const t0 = Date.now();
    await kube.putSecret('api-key', { key: 'vmcp-planted-secret-two' });
    await eventually(() => registry.get('gh')?.authConfig?.headerInjection?.headerValue === 'vmcp-planted-secret-two', 5000, 'rotation');
    const rotationMs = Date.now() - t0;
    console.log(`[measure] Secret rotation reflected in the registry in ${rotationMs} ms`);
    expect(rotationMs).toBeLessThan(2000);

    await kube.patchSpec('mcpexternalauthconfigs', 'hdr', { headerInjection: { headerName: 'X-Other-Key', valueSecretRef: { name: 'api-key', key: 'key' } } });
    await eventually(() => registry.get('gh')?.authConfig?.headerInjection?.headerName === 'X-Other-Key', 10_000, 'auth config change');

    // The informer caches hold no secret value (Secrets are metadata-only), and no log line carries one.
    const cached = JSON.stringify(watcher.plan.kinds.map((k) => watcher.reader.list(k.kind)));
    expect(cached).toContain('api-key');
    expect(cached).not.toContain('vmcp-planted-secret');
    expect(cached).not.toContain(Buffer.from('vmcp-planted-secret-two').toString('base64'));
    expect(watcher.reader.get('Secret', 'api-key')).not.toHaveProperty('data');
    expect(logLines.join('\n')).not.toContain('vmcp-planted-secret');
    expect(JSON.stringify(watcher.status())).not.toContain('vmcp-planted-secret');
  });

  it('a missing Secret that appears later recovers the backend (upstream needed a restart)', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpexternalauthconfigs', 'MCPExternalAuthConfig', 'hdr', {
      type: 'headerInjection',
      headerInjection: { headerName: 'X-Api-Key', valueSecretRef: { name: 'late', key: 'key' } },
    });
    await kube.create('mcpservers', 'MCPServer', 's', serverSpec('eng', { externalAuthConfigRef: { name: 'hdr' } }), { url: 'http://s:8080', phase: 'Ready' });
    await consistently(() => !registry.get('s'), 500, 'not served without its secret');
    await kube.putSecret('late', { key: 'vmcp-planted-secret-late' });
    await eventually(() => registry.get('s'), 10_000, 'served once the secret exists');
  });

  it('a CA ConfigMap change updates the entry', async () => {
    const { kube, registry } = await setup();
    const pem = (n: string) => `-----BEGIN CERTIFICATE-----\nMIIB${n}\n-----END CERTIFICATE-----\n`;
    await kube.putConfigMap('ca', { 'ca.crt': pem('AAAA') });
    await kube.create('mcpserverentries', 'MCPServerEntry', 'docs', entrySpec('eng', { caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } } }), { phase: 'Valid' });
    await eventually(() => registry.get('docs')?.caBundleData?.includes('MIIBAAAA'), 10_000, 'ca bundle');
    await kube.putConfigMap('ca', { 'ca.crt': pem('BBBB') });
    await eventually(() => registry.get('docs')?.caBundleData?.includes('MIIBBBBB'), 10_000, 'ca bundle updated');
  });

  it('a same-name conflict across kinds serves MCPServer and reports the conflict; an out-of-group MCPServer does not hide our proxy', async () => {
    const { kube, registry, watcher } = await setup();
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'dup', proxySpec('eng'), { url: 'http://proxy-dup:8080', phase: 'Ready' });
    await kube.create('mcpservers', 'MCPServer', 'dup', serverSpec('research'), { url: 'http://server-dup:8080', phase: 'Ready' });
    await eventually(() => registry.get('dup')?.baseUrl === 'http://proxy-dup:8080', 10_000, 'proxy served');
    await kube.patchSpec('mcpservers', 'dup', { groupRef: { name: 'eng' } });
    await eventually(() => registry.get('dup')?.baseUrl === 'http://server-dup:8080', 10_000, 'server wins in group');
    await eventually(() => watcher.status().conflicts.some((c) => c.name === 'dup'), 5000, 'conflict reported');
    expect(watcher.status().conflicts.find((c) => c.name === 'dup')?.kinds).toEqual(['MCPServer', 'MCPRemoteProxy']);
    expect(logLines.some((l) => l.includes('backend name "dup" is used by several kinds'))).toBe(true);
  });

  it('an object written through v1alpha1 is handled like v1beta1', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'old', proxySpec('eng'), undefined, 'v1alpha1');
    await kube.setStatus('mcpremoteproxies', 'old', { url: 'http://old:8080', phase: 'Ready' });
    await eventually(() => registry.get('old')?.baseUrl === 'http://old:8080', 10_000, 'served');
  });

  it('lifecycle: waitForCacheSync false before start, true after; second start rejects; seed entries no object backs are removed', async () => {
    const { registry, watcher, start } = await setup({ start: false });
    registry.upsert({ id: 'seed', name: 'seed', baseUrl: 'http://seed', transportType: 'sse', healthStatus: 'healthy', metadata: {} });
    expect(await watcher.waitForCacheSync()).toBe(false);
    void start();
    await expect(watcher.start()).rejects.toThrow('watcher already started');
    expect(await watcher.waitForCacheSync()).toBe(true);
    await eventually(() => registry.count() === 0, 5000, 'stale seed removed');
    const s = watcher.status();
    expect(s.kinds.map((k) => k.kind)).toEqual(['MCPServer', 'MCPRemoteProxy', 'MCPServerEntry', 'MCPExternalAuthConfig', 'Secret', 'ConfigMap']);
    expect(s.kinds.every((k) => k.synced && k.resourceVersion !== '')).toBe(true);
    await eventually(() => watcher.status().kinds.every((k) => k.connected), 5000, 'all watches connected');
  });

  it('least privilege works; a missing permission is reported naming resource and verb, and granting it recovers without restart', async () => {
    const ns = await env.newNamespace('rbac');
    const kube = new Kube(env.kubeConfig, ns);
    const user = await env.addUser({ name: `alice-${ns}` });
    const rules = (withServers: boolean) => [
      {
        apiGroups: ['toolhive.stacklok.dev'],
        resources: [...(withServers ? ['mcpservers'] : []), 'mcpremoteproxies', 'mcpserverentries', 'mcpexternalauthconfigs', 'mcpgroups'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
    ];
    await kube.rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'vmcp' }, rules: rules(false) } });
    await kube.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: { metadata: { name: 'vmcp' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vmcp' }, subjects: [{ kind: 'User', name: `alice-${ns}`, apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    await kube.create('mcpservers', 'MCPServer', 'srv', serverSpec('eng'), { url: 'http://srv:8080', phase: 'Ready' });
    const registry = createDynamicRegistry();
    const watcher = new BackendWatcher({ kubeConfig: user, namespace: ns, groupRef: 'eng', registry, logger, reflector: { backoff: { initialMs: 100, maxMs: 500 } } });
    running.push({ watcher, done: watcher.start() });
    expect(await watcher.waitForCacheSync(undefined, 1500)).toBe(false);
    const err = await eventually(() => watcher.status().kinds.find((k) => k.kind === 'MCPServer')?.lastError, 5000, 'error reported');
    expect(err.message).toMatch(new RegExp(`^list mcpservers\\.toolhive\\.stacklok\\.dev in namespace "${ns}": 403 Forbidden \\(.*cannot list resource "mcpservers"`));
    expect(logLines.some((l) => l.startsWith(`warn list mcpservers.toolhive.stacklok.dev in namespace "${ns}": 403 Forbidden`))).toBe(true);
    expect(watcher.hasSynced()).toBe(false);

    await kube.rbac.replaceNamespacedRole({ name: 'vmcp', namespace: ns, body: { metadata: { name: 'vmcp' }, rules: rules(true) } });
    expect(await watcher.waitForCacheSync(undefined, 10_000)).toBe(true);
    await eventually(() => registry.get('srv'), 10_000, 'served after grant');
  });
});
