/**
 * The reflector's two list paths against a real kube-apiserver (@vmcp/envtest): the streaming list
 * (`sendInitialEvents=true`, synced at the initial-events-end bookmark) and the paginated LIST; in both, every raw
 * object is garbage once the store has it. The fallback runs against a kube-apiserver of its own started with the
 * WatchList feature gate off, which refuses `sendInitialEvents`.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import { startControlPlane, type ControlPlane } from '@vmcp/envtest';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import { KubeHttpClient } from '../src/client/index.ts';
import { Reflector, type ReflectorErrorInfo, type ReflectorStore } from '../src/reflector/index.ts';

const OBJECTS = 120;
const PAGE = 50;

/** Keeps names only (as a transform keeps derived data), and a weak reference to each raw object delivered. */
function namesOnly(): { store: ReflectorStore; names: Set<string>; raws: WeakRef<KubeObject>[]; ends: string[] } {
  const names = new Set<string>();
  const raws: WeakRef<KubeObject>[] = [];
  const ends: string[] = [];
  const store: ReflectorStore = {
    startRelist: () => names.clear(),
    relistItem: (o) => {
      raws.push(new WeakRef(o));
      names.add(o.metadata.name);
    },
    endRelist: (rv) => ends.push(rv),
    abortRelist: () => {},
    apply: (type, o) => {
      raws.push(new WeakRef(o));
      if (type === 'DELETED') names.delete(o.metadata.name);
      else names.add(o.metadata.name);
    },
  };
  return { store, names, raws, ends };
}

async function expectAllCollected(raws: WeakRef<KubeObject>[]): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((r) => setImmediate(r)); // a WeakRef target stays alive until the current job ends
  gc();
  expect(raws.length).toBeGreaterThan(OBJECTS);
  expect(raws.filter((r) => r.deref() !== undefined)).toHaveLength(0);
}

describeIntegration('Reflector list paths on a real API server', () => {
  const env = useEnvtest();
  const stops: AbortController[] = [];
  afterEach(() => {
    for (const ac of stops.splice(0)) ac.abort();
  });

  async function namespaceWithConfigMaps(): Promise<{ ns: string; core: CoreV1Api }> {
    const ns = await env.newNamespace('refl');
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    for (let i = 0; i < OBJECTS; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, OBJECTS - i) }, (_, j) =>
          core.createNamespacedConfigMap({
            namespace: ns,
            body: { metadata: { name: `cm-${String(i + j).padStart(3, '0')}` }, data: { k: 'v' } },
          }),
        ),
      );
    }
    return { ns, core };
  }

  function run(
    ns: string,
    store: ReflectorStore,
    watchList: boolean,
  ): { reflector: Reflector; errors: { error: Error; info: ReflectorErrorInfo }[] } {
    const ac = new AbortController();
    stops.push(ac);
    const errors: { error: Error; info: ReflectorErrorInfo }[] = [];
    const reflector = new Reflector({
      client: new KubeHttpClient(env.kubeConfig),
      resource: ConfigMapResource,
      namespace: ns,
      store,
      watchList,
      pageSize: PAGE,
      onError: (error, info) => errors.push({ error, info }),
    });
    void reflector.run(ac.signal);
    return { reflector, errors };
  }

  for (const path of ['watch-list', 'paginated-list'] as const) {
    it(`${path}: syncs every object, goes on watching, says which path it took, and keeps no raw object`, async () => {
      const { ns, core } = await namespaceWithConfigMaps();
      const s = namesOnly();
      const { reflector, errors } = run(ns, s.store, path === 'watch-list');
      await eventually(() => reflector.status().synced, 60_000, 'synced');
      expect(s.names.size).toBe(OBJECTS);
      expect(s.ends).toHaveLength(1);
      expect(Number(s.ends[0])).toBeGreaterThan(0);
      expect(reflector.status()).toMatchObject({ listPath: path, lists: 1 });
      expect(reflector.status().watchListUnsupported).toBeUndefined();
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } });
      await core.deleteNamespacedConfigMap({ namespace: ns, name: 'cm-000' });
      await eventually(() => s.names.has('late') && !s.names.has('cm-000'), 30_000, 'the create and the delete');
      expect(reflector.status().connected).toBe(true);
      await expectAllCollected(s.raws);
      expect(errors).toEqual([]);
    });
  }

  it('falls back to the paginated LIST on an API server with the WatchList feature off, says so, and still syncs and watches', async () => {
    let cp: ControlPlane | undefined;
    try {
      cp = await startControlPlane({ apiServerArgs: ['--feature-gates=WatchList=false'] });
      const ns = await cp.createNamespace('refl-nowl');
      const core = cp.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'early' } } });
      const s = namesOnly();
      const ac = new AbortController();
      stops.push(ac);
      const errors: { error: Error; info: ReflectorErrorInfo }[] = [];
      const reflector = new Reflector({
        client: new KubeHttpClient(cp.kubeConfig),
        resource: ConfigMapResource,
        namespace: ns,
        store: s.store,
        onError: (error, info) => errors.push({ error, info }),
      });
      void reflector.run(ac.signal);
      await eventually(() => reflector.status().synced, 60_000, 'synced');
      expect(reflector.status().listPath).toBe('paginated-list');
      expect(reflector.status().watchListUnsupported).toMatch(/^watch configmaps in namespace "refl-nowl-[^"]+": 4\d\d /);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.info).toMatchObject({ phase: 'watch', retryInMs: 0 });
      expect([...s.names]).toEqual(['early']);
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } });
      await eventually(() => s.names.has('late'), 30_000, 'the watch event');
      ac.abort();
    } finally {
      await cp?.stop();
    }
  }, 240_000);
});
