import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigMapResource, SecretResource, type KubeObject } from '@vmcp/api';
import type { CacheReader, Discoverer, WatchPlan } from '@vmcp/discoverer';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher } from '../src/index.ts';
import { cm } from './helpers/configmap-plan.ts';
import { FAST_BACKOFF } from './helpers/configmap-watcher.ts';
import { ScriptedApi, event, listBody } from './helpers/scripted-api.ts';

/**
 * The reconcile of a large initial list runs while the list arrives (`WatchPlan.sourcesReadByName`), and readiness
 * still means accurate. The plan: ConfigMaps are the source kind (backend = the ConfigMap, URL from `test/url`); a
 * Secret annotated `test/backend: <name>` is a dependency that overrides that backend's URL. The ConfigMap list is
 * paginated and its second page is held until the test releases it, so "the list is still arriving" is a state the
 * test controls, not a race.
 */

let api: ScriptedApi;
let registry: DynamicRegistry;
let watchers: BackendWatcher[];
/** Responses held open: the second ConfigMap page, and each kind's watch. */
let heldPage: ((body: string) => void) | undefined;
let secretWatch: ServerResponse | undefined;
let releaseSecrets: (() => void) | undefined;
/** Names handed to the discoverer, in order. */
let decided: string[];

const annotation = (o: KubeObject, key: string): string | undefined => o.metadata.annotations?.[key];

function plan(sourcesReadByName: boolean): WatchPlan<'CM'> {
  const groupOf = (o: KubeObject): string => annotation(o, 'test/group') ?? '';
  return {
    kinds: [
      { kind: 'CM', resource: ConfigMapResource, mapToBackends: (o) => (groupOf(o) === 'g' ? [o.metadata.name] : []) },
      { kind: 'S', resource: SecretResource, metadataOnly: true, mapToBackends: (o) => [annotation(o, 'test/backend') ?? ''] },
    ],
    sources: [{ kind: 'CM', groupOf }],
    ...(sourcesReadByName ? { sourcesReadByName: true } : {}),
  };
}

function secretFor(backend: string, url: string): Record<string, unknown> {
  const metadata = {
    name: `s-${backend}`,
    namespace: 'ns',
    resourceVersion: '50',
    annotations: { 'test/backend': backend, 'test/url': url },
  };
  return { apiVersion: 'v1', kind: 'Secret', metadata };
}

/** A discoverer reading the ConfigMap by name, and the Secret that overrides its URL; `slow` names take 300 ms. */
function discoverer(reader: () => CacheReader, slow: Set<string>): Discoverer<'CM'> {
  return {
    listWorkloadsInGroup: () => Promise.resolve([]),
    async getWorkloadAsBackend(w) {
      decided.push(w.name);
      if (slow.has(w.name)) await sleep(300);
      const o = reader().get('CM', w.name);
      if (!o) throw new Error(`CM ${w.name} not found`);
      const secret = reader().get('S', `s-${w.name}`);
      const url = (secret && annotation(secret, 'test/url')) ?? annotation(o, 'test/url');
      if (!url) return null;
      return { id: w.name, name: w.name, baseUrl: url, transportType: 'streamable-http', healthStatus: 'healthy', metadata: {} };
    },
  };
}

/** Page 1 of the ConfigMaps at once, page 2 when released; the Secrets at once unless `holdSecrets`; watches held. */
function serve(page1: unknown[], o: { holdSecrets?: boolean } = {}): void {
  api.script = (req, res) => {
    const secrets = req.path.endsWith('/secrets');
    if (req.watch) {
      res.writeHead(200);
      res.flushHeaders();
      if (secrets) secretWatch = res;
      return;
    }
    if (secrets) {
      const answer = (): void => void res.writeHead(200).end(listBody([], '20'));
      if (o.holdSecrets === true) releaseSecrets = answer;
      else answer();
      return;
    }
    if (req.query.get('continue') === null) return void res.writeHead(200).end(listBody(page1, '30', 'page-2'));
    heldPage = (body) => void res.writeHead(200).end(body);
  };
}

function releasePage2(page2: unknown[]): void {
  expect(heldPage, 'the second page was asked for').toBeDefined();
  heldPage!(listBody(page2, '30'));
}

function make(sourcesReadByName: boolean, slow = new Set<string>()): BackendWatcher {
  const w: BackendWatcher = new BackendWatcher({
    kubeConfig: api.kubeConfig(),
    namespace: 'ns',
    groupRef: 'g',
    registry,
    plan: plan(sourcesReadByName),
    discoverer: discoverer(() => w.reader, slow),
    reflector: { watchList: false, backoff: FAST_BACKOFF },
    discoverApiVersions: false,
  });
  watchers.push(w);
  return w;
}

beforeEach(async () => {
  api = await ScriptedApi.start();
  registry = createDynamicRegistry();
  watchers = [];
  decided = [];
  heldPage = undefined;
  secretWatch = undefined;
  releaseSecrets = undefined;
});
afterEach(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await api.close();
});

const page1 = [cm('a', '1', 'g', 'http://a'), cm('b', '2', 'g', 'http://b'), cm('o', '3', 'other', 'http://o')];
const page2 = [cm('c', '4', 'g', 'http://c')];

describe('reconciling while the initial list arrives (WatchPlan.sourcesReadByName)', () => {
  it('serves what has arrived before the list ends, holds readiness until it ends, and does not decide a name twice', async () => {
    serve(page1);
    const w = make(true);
    void w.start();
    await eventually(() => registry.count() === 2, 3000, 'a and b served from the first page');
    expect(w.status()).toMatchObject({ cachesSynced: false, synced: false });
    expect(w.hasSynced()).toBe(false);
    expect(registry.get('c')).toBeUndefined();

    releasePage2(page2);
    expect(await w.waitForCacheSync(AbortSignal.timeout(3000))).toBe(true);
    expect(
      registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    // Every name of the pass is counted (the other group's `o` too), and the early decisions were not repeated.
    expect(w.status().initialReconcile).toMatchObject({ passed: true, total: 4, done: 4 });
    expect(decided.filter((n) => n === 'a')).toEqual(['a']);
    expect(decided.filter((n) => n === 'b')).toEqual(['b']);
  });

  it('decides nothing early while a kind the decision reads has not synced, and everything once it has', async () => {
    serve(page1, { holdSecrets: true });
    const w = make(true);
    void w.start();
    await eventually(() => heldPage !== undefined && releaseSecrets !== undefined, 3000, 'both lists under way');
    releasePage2(page2);
    await eventually(() => w.status().kinds.find((k) => k.kind === 'CM')?.synced === true, 3000, 'ConfigMaps listed');
    await sleep(100);
    expect(decided).toEqual([]);
    expect(registry.count()).toBe(0);
    // Control: the same watcher serves all of them once the Secrets have synced.
    releaseSecrets!();
    expect(await w.waitForCacheSync(AbortSignal.timeout(3000))).toBe(true);
    expect(registry.count()).toBe(3);
  });

  it('a plan that does not say sourcesReadByName decides nothing before every cache has synced', async () => {
    serve(page1);
    const w = make(false);
    void w.start();
    await eventually(() => heldPage !== undefined && w.status().kinds.find((k) => k.kind === 'S')?.synced === true, 3000, 'page 2 asked');
    await sleep(100);
    expect(decided).toEqual([]);
    releasePage2(page2);
    expect(await w.waitForCacheSync(AbortSignal.timeout(3000))).toBe(true);
    expect(registry.count()).toBe(3);
  });

  it('a name decided early and changed afterwards is part of the pass: ready shows its latest state', async () => {
    serve(page1);
    const w = make(true, new Set(['a']));
    void w.start();
    await eventually(() => registry.get('a')?.baseUrl === 'http://a', 3000, 'a served early');
    expect(w.status().cachesSynced).toBe(false);
    // The Secret that overrides a's URL arrives; its reconcile (slow) is under way when the list ends.
    secretWatch!.write(event('ADDED', secretFor('a', 'http://a-from-secret')));
    await eventually(() => decided.filter((n) => n === 'a').length === 2, 3000, "a's second reconcile started");
    releasePage2(page2);
    expect(await w.waitForCacheSync(AbortSignal.timeout(3000))).toBe(true);
    expect(registry.get('a')?.baseUrl).toBe('http://a-from-secret');
  });
});
