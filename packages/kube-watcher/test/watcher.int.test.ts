/**
 * BackendWatcher against a real kube-apiserver + etcd (@vmcp/envtest): upstream's watcher scenarios with HEAD semantics,
 * per-kind lifecycles, dependency fan-out (auth config, Secret rotation, CA ConfigMap), conflicts, v1alpha1, RBAC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { kubernetesWatchPlan, type DirectReader } from '@vmcp/discoverer';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import type { KubeConfig } from '@kubernetes/client-node';
import { consistently, eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, type BackendWatcherOptions, type Logger } from '../src/index.ts';
import { Kube, entrySpec, proxySpec, serverSpec } from './helpers/kube.ts';

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
    await Promise.all(
      running.map(async (r) => {
        await r.watcher.stop();
        await r.done;
      }),
    );
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

  /**
   * A ready MCPServer `name` (group eng, URL `http://<name>:8080`) whose auth config `hdr` injects `X-Api-Key` from
   * key `key` of the Secret `secret`.
   */
  async function createServerWithHeaderAuth(kube: Kube, name: string, secret: string): Promise<void> {
    await kube.create('mcpexternalauthconfigs', 'MCPExternalAuthConfig', 'hdr', {
      type: 'headerInjection',
      headerInjection: { headerName: 'X-Api-Key', valueSecretRef: { name: secret, key: 'key' } },
    });
    await kube.create('mcpservers', 'MCPServer', name, serverSpec('eng', { externalAuthConfigRef: { name: 'hdr' } }), {
      url: `http://${name}:8080`,
      phase: 'Ready',
    });
  }

  /** A started watcher of group `eng` in `ns` as `user` (a user with a Role of its own), retrying fast. */
  function startWatcherAs(user: KubeConfig, ns: string): { registry: DynamicRegistry; watcher: BackendWatcher } {
    const registry = createDynamicRegistry();
    const watcher = new BackendWatcher({
      kubeConfig: user,
      namespace: ns,
      groupRef: 'eng',
      registry,
      logger,
      reflector: { backoff: { initialMs: 100, maxMs: 500 } },
    });
    running.push({ watcher, done: watcher.start() });
    return { registry, watcher };
  }

  it('upstream scenarios: servers and proxies without status.url or outside the group are never served', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpservers', 'MCPServer', 'no-url', serverSpec('eng'));
    await kube.create('mcpservers', 'MCPServer', 'other', serverSpec('research'), { url: 'http://other:8080', phase: 'Ready' });
    await kube.create('mcpservers', 'MCPServer', 'create-delete', serverSpec('eng'));
    await kube.delete('mcpservers', 'create-delete');
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'proxy-no-url', proxySpec('eng'));
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'proxy-other', proxySpec('research'), { url: 'http://p:8080' });
    await consistently(() => registry.count() === 0, 2000, 'registry empty');
    // Positive control: the same watcher serves servable objects of both kinds created after the ones above (each
    // kind's events arrive in order), so the empty registry was its decision, not a watcher that saw nothing.
    await kube.create('mcpservers', 'MCPServer', 'control', serverSpec('eng'), { url: 'http://control:8080', phase: 'Ready' });
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'proxy-control', proxySpec('eng'), { url: 'http://pc:8080', phase: 'Ready' });
    await eventually(() => registry.get('control') && registry.get('proxy-control'), 10_000, 'controls served');
    expect(
      registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['control', 'proxy-control']);
  });

  it('upstream scenarios with HEAD semantics: the version moves only on effective changes', async () => {
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

  it('upstream scenarios: MCPServerEntry Valid is served with its remote URL; other group never; delete removes', async () => {
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

  // The same life cycle for both kinds whose URL comes from the operator's status.
  it.each([
    { plural: 'mcpservers', kind: 'MCPServer', name: 'srv', spec: serverSpec },
    { plural: 'mcpremoteproxies', kind: 'MCPRemoteProxy', name: 'px', spec: proxySpec },
  ] as const)(
    '$kind: status.url appearing later, phase Ready → Failed (unhealthy), moving out of and back into the group, delete',
    async ({ plural, kind, name, spec }) => {
      const { kube, registry } = await setup();
      const url = `http://${name}-proxy:8080`;
      await kube.create(plural, kind, name, spec('eng'), { phase: 'Pending' });
      await consistently(() => !registry.get(name), 500, 'not served without url');
      await kube.setStatus(plural, name, { url, phase: 'Ready' });
      expect(await eventually(() => registry.get(name), 10_000, 'served once the url appears')).toMatchObject({
        baseUrl: url,
        healthStatus: 'healthy',
      });
      await kube.setStatus(plural, name, { url, phase: 'Failed' });
      await eventually(() => registry.get(name)?.healthStatus === 'unhealthy', 10_000, 'unhealthy after Failed');
      await kube.patchSpec(plural, name, { groupRef: { name: 'research' } });
      await eventually(() => !registry.get(name), 10_000, 'removed after moving out');
      await kube.patchSpec(plural, name, { groupRef: { name: 'eng' } });
      expect(await eventually(() => registry.get(name), 10_000, 'back after moving in')).toMatchObject({
        baseUrl: url,
        healthStatus: 'unhealthy',
      });
      await kube.delete(plural, name);
      await eventually(() => !registry.get(name), 10_000, 'removed after delete');
    },
  );

  it('MCPRemoteProxy: create, URL update, delete', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'px', proxySpec('eng'), { url: 'http://px-1:8080', phase: 'Ready' });
    await eventually(() => registry.get('px')?.baseUrl === 'http://px-1:8080', 10_000, 'served');
    await kube.setStatus('mcpremoteproxies', 'px', { url: 'http://px-2:8080', phase: 'Ready' });
    await eventually(() => registry.get('px')?.baseUrl === 'http://px-2:8080', 10_000, 'url updated');
    await kube.delete('mcpremoteproxies', 'px');
    await eventually(() => !registry.get('px'), 10_000, 'removed');
  });

  it('MCPServerEntry: a remoteUrl change is reflected; moving out of and back into the group', async () => {
    const { kube, registry } = await setup();
    await kube.create('mcpserverentries', 'MCPServerEntry', 'ent', entrySpec('eng'), { phase: 'Valid' });
    await eventually(() => registry.get('ent')?.baseUrl === 'https://mcp.example.com/mcp', 10_000, 'served');
    await kube.patchSpec('mcpserverentries', 'ent', { remoteUrl: 'https://other.example.com/v2/mcp' });
    await eventually(() => registry.get('ent')?.baseUrl === 'https://other.example.com/v2/mcp', 10_000, 'remoteUrl change reflected');
    await kube.patchSpec('mcpserverentries', 'ent', { groupRef: { name: 'research' } });
    await eventually(() => !registry.get('ent'), 10_000, 'removed after moving out');
    await kube.patchSpec('mcpserverentries', 'ent', { groupRef: { name: 'eng' } });
    await eventually(() => registry.get('ent')?.baseUrl === 'https://other.example.com/v2/mcp', 10_000, 'back after moving in');
  });

  it('auth config change re-resolves its backends; a rotated Secret is reflected within 2 s with no secret data cached', async () => {
    const { kube, registry, watcher } = await setup();
    await kube.putSecret('api-key', { key: 'vmcp-planted-secret-one' });
    await createServerWithHeaderAuth(kube, 'gh', 'api-key');
    await eventually(
      () => registry.get('gh')?.authConfig?.headerInjection?.headerValue === 'vmcp-planted-secret-one',
      10_000,
      'auth resolved',
    );

    const t0 = Date.now();
    await kube.putSecret('api-key', { key: 'vmcp-planted-secret-two' });
    await eventually(() => registry.get('gh')?.authConfig?.headerInjection?.headerValue === 'vmcp-planted-secret-two', 5000, 'rotation');
    const rotationMs = Date.now() - t0;
    console.log(`[measure] Secret rotation reflected in the registry in ${rotationMs} ms`);
    expect(rotationMs).toBeLessThan(2000);

    await kube.patchSpec('mcpexternalauthconfigs', 'hdr', {
      headerInjection: { headerName: 'X-Other-Key', valueSecretRef: { name: 'api-key', key: 'key' } },
    });
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
    await createServerWithHeaderAuth(kube, 's', 'late');
    await consistently(() => !registry.get('s'), 500, 'not served without its secret');
    await kube.putSecret('late', { key: 'vmcp-planted-secret-late' });
    await eventually(() => registry.get('s'), 10_000, 'served once the secret exists');
  });

  it('a CA ConfigMap change updates the entry', async () => {
    const { kube, registry } = await setup();
    const pem = (n: string) => `-----BEGIN CERTIFICATE-----\nMIIB${n}\n-----END CERTIFICATE-----\n`;
    await kube.putConfigMap('ca', { 'ca.crt': pem('AAAA') });
    await kube.create(
      'mcpserverentries',
      'MCPServerEntry',
      'docs',
      entrySpec('eng', { caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } } }),
      { phase: 'Valid' },
    );
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
    expect(s.kinds.map((k) => k.kind)).toEqual([
      'MCPServer',
      'MCPRemoteProxy',
      'MCPServerEntry',
      'MCPExternalAuthConfig',
      'Secret',
      'ConfigMap',
    ]);
    expect(s.kinds.every((k) => k.synced && k.resourceVersion !== '')).toBe(true);
    expect(s.kinds.every((k) => k.listPath === 'watch-list' && k.watchListUnsupported === undefined)).toBe(true); // streamed initial lists
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
    await kube.grantRole(`alice-${ns}`, rules(false));
    await kube.create('mcpservers', 'MCPServer', 'srv', serverSpec('eng'), { url: 'http://srv:8080', phase: 'Ready' });
    const { registry, watcher } = startWatcherAs(user, ns);
    expect(await watcher.waitForCacheSync(undefined, 1500)).toBe(false);
    const err = await eventually(() => watcher.status().kinds.find((k) => k.kind === 'MCPServer')?.lastError, 5000, 'error reported');
    // The initial list is a streaming list, i.e. a watch request: the verb RBAC refuses is "watch".
    expect(err.message).toMatch(
      new RegExp(
        `^watch mcpservers\\.toolhive\\.stacklok\\.dev in namespace "${ns}": 403 Forbidden \\(.*cannot watch resource "mcpservers"`,
      ),
    );
    expect(logLines.some((l) => l.startsWith(`warn watch mcpservers.toolhive.stacklok.dev in namespace "${ns}": 403 Forbidden`))).toBe(
      true,
    );
    expect(watcher.hasSynced()).toBe(false);

    await kube.setRoleRules(rules(true));
    expect(await watcher.waitForCacheSync(undefined, 10_000)).toBe(true);
    await eventually(() => registry.get('srv'), 10_000, 'served after grant');
  });

  it('waitForCacheSync honours an aborted signal (false at once) and a timeout while a permission is missing', async () => {
    const user = await env.addUser({ name: `nobody-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` }); // no Role: every list is 403
    const { watcher, start } = await setup({ kubeConfig: user, start: false });
    let t0 = Date.now();
    expect(await watcher.waitForCacheSync(AbortSignal.timeout(5000))).toBe(false); // not started: at once
    expect(Date.now() - t0).toBeLessThan(100);
    void start();
    t0 = Date.now();
    expect(await watcher.waitForCacheSync(AbortSignal.abort())).toBe(false);
    expect(Date.now() - t0).toBeLessThan(100);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    t0 = Date.now();
    expect(await watcher.waitForCacheSync(ac.signal)).toBe(false); // default wait is 30 s: the abort ends it
    expect(Date.now() - t0).toBeLessThan(1000);
    t0 = Date.now();
    expect(await watcher.waitForCacheSync(undefined, 500)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(490);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(watcher.hasSynced()).toBe(false);
    expect(watcher.status().state).toBe('starting');
  });

  it('stop() drains an in-flight reconcile (a slow Secret read) before resolving', async () => {
    const events: string[] = [];
    let slow = false;
    const directReader: DirectReader = {
      async getSecret(namespace, name) {
        const value = slow ? 'slow-value' : 'fast-value';
        if (slow) {
          events.push(`get ${name}`);
          await sleep(800); // ignores the signal: stop() must wait for it
          events.push(`got ${name}`);
        }
        return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { key: Buffer.from(value).toString('base64') } };
      },
      getConfigMap: () => Promise.reject(new Error('not used')),
    };
    const { kube, registry, watcher } = await setup({ extra: { directReader } });
    await kube.putSecret('slow', { key: 'ignored' });
    await createServerWithHeaderAuth(kube, 'slow', 'slow');
    await eventually(() => registry.get('slow')?.authConfig?.headerInjection?.headerValue === 'fast-value', 10_000, 'served');
    await eventually(() => watcher.status().queue.inFlight.length === 0 && watcher.status().queue.depth === 0, 5000, 'queue idle');
    // One Secret event → one reconcile of "slow", whose Secret read now takes 800 ms.
    slow = true;
    await kube.putSecret('slow', { key: 'rotated' });
    await eventually(() => events.includes('get slow'), 10_000, 'reconcile in flight');
    expect(watcher.status().queue.inFlight).toContain('slow');
    await watcher.stop();
    events.push('stopped');
    expect(events).toEqual(['get slow', 'got slow', 'stopped']);
    expect(registry.get('slow')?.authConfig?.headerInjection?.headerValue).toBe('slow-value');
    expect(watcher.status().state).toBe('stopped');
  });

  it('a missing CRD (404) on a required: false kind is tolerated: synced without it, reported', async () => {
    // envtest installs every CRD, so point the entry kind at a version the API server does not serve: a real 404.
    // API discovery would pick a served version instead; without it, the informer's 404 policy is what decides.
    const base = kubernetesWatchPlan({ group: 'eng' });
    const plan = {
      ...base,
      kinds: base.kinds.map((k) => (k.kind === 'MCPServerEntry' ? { ...k, resource: { ...k.resource, version: 'v0missing' } } : k)),
    };
    const { kube, registry, watcher } = await setup({ extra: { plan, discoverApiVersions: false } });
    const entry = watcher.status().kinds.find((k) => k.kind === 'MCPServerEntry')!;
    expect(entry).toMatchObject({ required: false, synced: false, tolerated: true, lastError: { status: 404 } });
    expect(logLines.some((l) => l.startsWith('warn optional kind MCPServerEntry is not installed (no CRD), continuing without it'))).toBe(
      true,
    );
    await kube.create('mcpservers', 'MCPServer', 'srv', serverSpec('eng'), { url: 'http://srv:8080', phase: 'Ready' });
    await eventually(() => registry.get('srv'), 10_000, 'other kinds served');
  });

  // The initial sync is a streaming list (a watch request), so the verb whose absence holds it is "watch"; without
  // "list" it still syncs (the paginated LIST is only the fallback for servers without the streaming list).
  it('a Role without watch on mcpserverentries holds the sync (403 is never tolerated), names verb and resource; granting it serves the entries without restart', async () => {
    const ns = await env.newNamespace('rbac-entries');
    const kube = new Kube(env.kubeConfig, ns);
    const user = await env.addUser({ name: `bob-${ns}` });
    const rules = (withEntriesList: boolean) => [
      {
        apiGroups: ['toolhive.stacklok.dev'],
        resources: ['mcpservers', 'mcpremoteproxies', 'mcpexternalauthconfigs'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['toolhive.stacklok.dev'],
        resources: ['mcpserverentries'],
        verbs: withEntriesList ? ['get', 'list', 'watch'] : ['get', 'list'],
      },
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
    ];
    await kube.grantRole(`bob-${ns}`, rules(false));
    await kube.create('mcpservers', 'MCPServer', 'srv', serverSpec('eng'), { url: 'http://srv:8080', phase: 'Ready' });
    await kube.create('mcpserverentries', 'MCPServerEntry', 'ent', entrySpec('eng'), { phase: 'Valid' });
    const { registry, watcher } = startWatcherAs(user, ns);

    expect(await watcher.waitForCacheSync(AbortSignal.timeout(3000))).toBe(false);
    expect(watcher.hasSynced()).toBe(false);
    expect(registry.count()).toBe(0); // nothing is served from a half-synced cache
    const entry = watcher.status().kinds.find((k) => k.kind === 'MCPServerEntry')!;
    expect(entry).toMatchObject({ required: false, synced: false, tolerated: false, lastError: { status: 403 } });
    expect(entry.lastError!.message).toMatch(
      new RegExp(
        `^watch mcpserverentries\\.toolhive\\.stacklok\\.dev in namespace "${ns}": 403 Forbidden \\(.*cannot watch resource "mcpserverentries"`,
      ),
    );
    expect(
      watcher
        .status()
        .kinds.filter((k) => k.kind !== 'MCPServerEntry')
        .every((k) => k.synced),
    ).toBe(true);
    expect(
      logLines.some(
        (l) =>
          l.startsWith(`warn watch mcpserverentries.toolhive.stacklok.dev in namespace "${ns}": 403 Forbidden`) &&
          l.includes('cache sync waits until this permission is granted'),
      ),
    ).toBe(true);

    await kube.setRoleRules(rules(true));
    expect(await watcher.waitForCacheSync(undefined, 10_000)).toBe(true);
    await eventually(() => registry.get('ent') && registry.get('srv'), 10_000, 'entry and server served after grant');
    expect(registry.get('ent')?.baseUrl).toBe('https://mcp.example.com/mcp');
  });
});
