/**
 * The pieces of WatcherSet without a server: the namespace demultiplexer of cluster mode feeding fed informers,
 * the MCPGroup tap choosing served namespaces, a namespace's access from its watcher's status, option validation.
 */
import { describe, expect, it } from 'vitest';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import { KubeConfig } from '@kubernetes/client-node';
import { silentLogger } from '@vmcp/core';
import { FakeClock } from '@vmcp/core/testing';
import { eventually } from '@vmcp/vitest-config/poll';
import { KubeHttpClient } from '../src/client/index.ts';
import { Informer, NamespaceDemux, type InformerSource } from '../src/informer/index.ts';
import type { ReflectorStatus } from '../src/reflector/index.ts';
import type { WatcherStatus } from '../src/watcher/types.ts';
import { WatcherSet } from '../src/watcher-set/index.ts';
import { ClusterFeed } from '../src/watcher-set/cluster-feed.ts';
import { namespaceAccess } from '../src/watcher-set/namespace-access.ts';
import { ServedNamespaces } from '../src/watcher-set/served-namespaces.ts';
import { ScriptedApi, statusBody } from './helpers/scripted-api.ts';

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const o = (namespace: string, name: string, rv = '1'): KubeObject => ({ metadata: { namespace, name, resourceVersion: rv } });

const fedStatus: ReflectorStatus = {
  kind: 'ConfigMap',
  resource: 'configmaps',
  connected: true,
  synced: true,
  listPath: 'watch-list',
  lastResourceVersion: '9',
  consecutiveErrors: 0,
  lists: 1,
  watches: 1,
};

/** A demux whose stores are fed informers, recording every notification as `namespace:event:name`. */
function fedDemux(): { demux: NamespaceDemux<Informer>; seen: string[]; tapped: string[] } {
  const seen: string[] = [];
  const tapped: string[] = [];
  const source: InformerSource = { status: () => fedStatus, run: () => Promise.resolve() };
  const client = new KubeHttpClient(kubeConfig());
  const demux = new NamespaceDemux<Informer>(
    (namespace) => {
      const informer = new Informer({ client, namespace, kind: 'ConfigMap', resource: ConfigMapResource, source });
      informer.addHandlers({
        onAdd: (x) => seen.push(`${namespace}:add:${x.metadata.name}`),
        onUpdate: (_, x) => seen.push(`${namespace}:update:${x.metadata.name}`),
        onDelete: (x) => seen.push(`${namespace}:delete:${'key' in x ? x.key : x.metadata.name}`),
      });
      return informer;
    },
    {
      startRelist: () => tapped.push('start'),
      relistItem: (x) => tapped.push(`item ${x.metadata.namespace}/${x.metadata.name}`),
      endRelist: () => tapped.push('end'),
      abortRelist: () => tapped.push('abort'),
      apply: (t, x) => tapped.push(`${t} ${x.metadata.namespace}/${x.metadata.name}`),
    },
  );
  return { demux, seen, tapped };
}

describe('NamespaceDemux', () => {
  it('routes each object to its namespace’s store, and each store finds only its own vanished objects on relist', () => {
    const { demux, seen, tapped } = fedDemux();
    demux.startRelist();
    demux.relistItem(o('a', 'x'));
    demux.relistItem(o('b', 'x'));
    demux.relistItem(o('b', 'y'));
    demux.endRelist('5');
    expect(demux.namespaces().sort()).toEqual(['a', 'b']);
    expect(
      demux
        .store('a')
        .list()
        .map((x) => x.metadata.name),
    ).toEqual(['x']);
    expect(
      demux
        .store('b')
        .list()
        .map((x) => x.metadata.name)
        .sort(),
    ).toEqual(['x', 'y']);
    expect(demux.store('a').hasSynced() && demux.store('b').hasSynced()).toBe(true);
    // Relist: b/y vanished; a/x and b/x unchanged (same resourceVersion: no update).
    seen.length = 0;
    demux.startRelist();
    demux.relistItem(o('a', 'x'));
    demux.relistItem(o('b', 'x'));
    demux.endRelist('6');
    expect(seen).toEqual(['b:delete:y']);
    expect(tapped).toContain('item b/y');
    expect(tapped.at(-1)).toBe('end');
  });

  it('a store created after the first list starts synced and empty; one created during a relist joins it', () => {
    const { demux, seen } = fedDemux();
    const early = demux.store('early');
    expect(early.hasSynced()).toBe(false);
    demux.startRelist();
    demux.relistItem(o('mid', 'm'));
    demux.endRelist('5');
    expect(early.hasSynced()).toBe(true);
    expect(demux.store('mid').hasSynced()).toBe(true);
    const late = demux.store('late');
    expect(late.hasSynced()).toBe(true);
    expect(late.list()).toEqual([]);
    demux.apply('ADDED', o('late', 'n'));
    expect(seen).toEqual(['mid:add:m', 'late:add:n']);
    expect(demux.lastNamespace).toBe('late');
  });

  it('drops a store its droppable test lets go once a deletion or a relist emptied it', () => {
    const client = new KubeHttpClient(kubeConfig());
    const source: InformerSource = { status: () => fedStatus, run: () => Promise.resolve() };
    const kept = new Set(['served']);
    const demux = new NamespaceDemux<Informer>(
      (namespace) => new Informer({ client, namespace, kind: 'ConfigMap', resource: ConfigMapResource, source }),
      undefined,
      (namespace, store) => store.size === 0 && !kept.has(namespace),
    );
    demux.startRelist();
    for (const ns of ['gone', 'served', 'relisted']) demux.relistItem(o(ns, 'x'));
    demux.endRelist('1');
    demux.apply('DELETED', o('gone', 'x'));
    demux.apply('DELETED', o('served', 'x'));
    expect(demux.namespaces().sort()).toEqual(['relisted', 'served']);
    demux.startRelist();
    demux.endRelist('2'); // relisted/x vanished
    expect(demux.namespaces()).toEqual(['served']);
    // A namespace asked for again gets a fresh, synced store.
    expect(demux.store('gone').hasSynced()).toBe(true);
  });

  it('a deletion in a namespace never seen creates no store; the tap still sees it', () => {
    const { demux, tapped } = fedDemux();
    demux.startRelist();
    demux.endRelist('1');
    demux.apply('DELETED', o('ghost', 'g'));
    expect(demux.namespaces()).toEqual([]);
    expect(tapped).toContain('DELETED ghost/g');
  });

  it('a fed informer replays its cache to its consumer’s handlers when its run starts, reports its feed’s status, and drops the handlers when the run ends', async () => {
    const client = new KubeHttpClient(kubeConfig());
    const source: InformerSource = {
      status: () => fedStatus,
      run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    };
    const informer = new Informer({ client, namespace: 'a', kind: 'ConfigMap', resource: ConfigMapResource, source });
    const seen: string[] = [];
    informer.apply('ADDED', o('a', 'cached')); // before its consumer: no handler yet
    informer.addHandlers({ onAdd: (x) => seen.push(x.metadata.name) });
    expect(seen).toEqual([]);
    const ac = new AbortController();
    const run = informer.run(ac.signal);
    expect(seen).toEqual(['cached']); // replayed to the consumer at once
    informer.apply('ADDED', o('a', 'one'));
    ac.abort();
    await run;
    informer.apply('ADDED', o('a', 'two'));
    expect(seen).toEqual(['cached', 'one']);
    expect(informer.get('two')).toBeDefined();
    expect(informer.status()).toMatchObject({ connected: true, lastResourceVersion: '9', objects: 3 });
  });
});

describe('ServedNamespaces', () => {
  const group = (ns: string, name: string): KubeObject => ({ metadata: { namespace: ns, name } });

  it('serves the namespaces holding an MCPGroup of a served group, live', () => {
    let changes = 0;
    const served = new ServedNamespaces(['eng'], () => changes++);
    served.startRelist();
    served.relistItem(group('a', 'eng'));
    served.relistItem(group('b', 'research'));
    served.apply('ADDED', group('c', 'eng')); // before the first list ends: counted, no change pushed
    served.endRelist();
    expect(served.hasSynced()).toBe(true);
    expect(served.namespaces()).toEqual(['a']);
    expect(changes).toBe(1);
    served.apply('ADDED', group('d', 'eng'));
    served.apply('ADDED', group('e', 'research'));
    expect(served.namespaces()).toEqual(['a', 'd']);
    served.apply('DELETED', group('a', 'eng'));
    expect(served.namespaces()).toEqual(['d']);
    expect(changes).toBe(3);
  });

  it("under groups: 'all' every namespace with an MCPGroup is served until its last one goes", () => {
    const served = new ServedNamespaces('all', () => {});
    served.startRelist();
    served.relistItem(group('a', 'x'));
    served.relistItem(group('a', 'y'));
    served.endRelist();
    served.apply('DELETED', group('a', 'x'));
    expect(served.namespaces()).toEqual(['a']);
    served.apply('DELETED', group('a', 'y'));
    expect(served.namespaces()).toEqual([]);
  });
});

describe('namespaceAccess', () => {
  const base = { namespace: 'n', synced: false, kinds: [] } as unknown as WatcherStatus;
  const kind = (status: number, consecutiveErrors: number, synced = false) => ({
    kind: 'MCPServer',
    required: true,
    synced,
    consecutiveErrors,
    lastError: { message: `watch mcpservers.toolhive.stacklok.dev in namespace "n": ${status} …`, at: '', status },
  });

  it('a failing 403 is forbidden, a required kind’s 404 is crds-missing, each with the server’s message', () => {
    const forbidden = namespaceAccess({ ...base, kinds: [kind(403, 2)] } as unknown as WatcherStatus);
    expect(forbidden).toEqual({ access: 'forbidden', message: 'watch mcpservers.toolhive.stacklok.dev in namespace "n": 403 …' });
    expect(namespaceAccess({ ...base, kinds: [kind(404, 1)] } as unknown as WatcherStatus).access).toBe('crds-missing');
    expect(namespaceAccess({ ...base, fatalError: 'MCPServer is not served: …' }).access).toBe('crds-missing');
  });

  it('an error no longer failing does not count; synced is ok, else pending', () => {
    expect(namespaceAccess({ ...base, kinds: [kind(403, 0)] } as unknown as WatcherStatus).access).toBe('pending');
    expect(namespaceAccess({ ...base, synced: true, kinds: [kind(403, 0, true)] } as unknown as WatcherStatus).access).toBe('ok');
  });
});

describe('new WatcherSet', () => {
  const kc = kubeConfig();
  it.each([
    [{ namespaces: [], groups: ['g'] }, "options.namespaces must be 'all' or a non-empty list of namespace names"],
    [{ namespaces: ['a', 'a'], groups: ['g'] }, 'options.namespaces: namespace "a" is listed twice'],
    [{ namespaces: ['Bad_NS'], groups: ['g'] }, 'options.namespaces: "Bad_NS" is not a valid namespace name'],
    [{ namespaces: 'all', groups: 'some' }, "options.groups must be 'all' or a non-empty list of group names"],
    [{ namespaces: ['a'], groups: ['g'], maxGroups: 0 }, 'options.maxGroups must be a positive integer, got 0'],
    [{ namespaces: ['a'], groups: ['g', 'h'], maxGroups: 1 }, 'options.groups lists 2 groups, more than maxGroups (1)'],
  ])('rejects %j', (options, message) => {
    expect(() => new WatcherSet({ kubeConfig: kc, ...(options as { namespaces: string[]; groups: string[] }) })).toThrow(message);
  });

  it('accepts a namespace list and cluster mode, and answers before start', async () => {
    const set = new WatcherSet({ kubeConfig: kc, namespaces: 'all', groups: ['g'] });
    expect(set.hasSynced()).toBe(false);
    expect(await set.waitForCacheSync()).toBe(false);
    expect(set.status()).toMatchObject({ state: 'new', synced: false, namespaces: [], groups: [] });
    await set.stop();
    expect(set.status().state).toBe('stopped');
  });
});

describe('WatcherSet on a server without ToolHive', () => {
  it('reports each namespace crds-missing by name, and fails once every namespace has failed', async () => {
    const api = await ScriptedApi.start();
    try {
      api.script = (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(statusBody(404, 'NotFound', 'not found'));
      const set = new WatcherSet({ kubeConfig: api.kubeConfig(), namespaces: ['team-a', 'team-b'], groups: ['g'] });
      await expect(set.start()).rejects.toThrow(/^every namespace failed; "team-[ab]": MCPServer, .* not served/);
      const status = set.status();
      expect(status.state).toBe('failed');
      expect(status.namespaces.map((n) => [n.namespace, n.access])).toEqual([
        ['team-a', 'crds-missing'],
        ['team-b', 'crds-missing'],
      ]);
      expect(status.namespaces[0]!.message).toMatch(
        /^namespace "team-a": .*not served: the cluster does not serve the API group toolhive\.stacklok\.dev at all/,
      );
      expect(set.hasSynced()).toBe(false);
    } finally {
      await api.close();
    }
  });
});

describe('WatcherSet in cluster mode without a ClusterRole', () => {
  it('says which cluster-wide watch is forbidden (status and one warning), and is not ready', async () => {
    const api = await ScriptedApi.start();
    const clock = new FakeClock(0);
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(`debug ${m}`),
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
    };
    try {
      api.script = (_req, res) =>
        res.writeHead(403, { 'content-type': 'application/json' }).end(statusBody(403, 'Forbidden', 'no ClusterRole'));
      const set = new WatcherSet({
        kubeConfig: api.kubeConfig(),
        namespaces: 'all',
        groups: ['g'],
        discoverApiVersions: false,
        clock,
        logger,
      });
      const done = set.start();
      await eventually(() => set.status().clusterWatches?.[0]?.reflector.lastError, 5000, 'error reported');
      const [watch] = set.status().clusterWatches!;
      expect(watch).toMatchObject({ kind: 'MCPGroup', resource: 'mcpgroups.toolhive.stacklok.dev', namespaces: 0 });
      expect(watch!.reflector.lastError).toMatchObject({ status: 403 });
      expect(watch!.reflector.lastError!.message).toMatch(/^watch mcpgroups\.toolhive\.stacklok\.dev in every namespace: 403 Forbidden/);
      expect(api.watches().map((r) => r.path)).toContain('/apis/toolhive.stacklok.dev/v1beta1/mcpgroups');
      await clock.advanceAsync(2000); // the retry fails the same way: logged at debug
      await eventually(() => lines.some((l) => l.startsWith('debug watch mcpgroups')), 5000, 'repeat at debug');
      expect(lines.filter((l) => l.startsWith('warn watch mcpgroups.toolhive.stacklok.dev in every namespace: 403'))).toHaveLength(1);
      expect(set.hasSynced()).toBe(false);
      expect(set.status().namespaces).toEqual([]);
      await set.stop();
      await done;
    } finally {
      await api.close();
    }
  });
});

describe('ClusterFeed', () => {
  it('hands every namespace of a kind its own fed informer of one cluster-wide watch, and refuses a second shape of the kind', () => {
    const client = new KubeHttpClient(kubeConfig());
    const feed = new ClusterFeed({ client, clock: new FakeClock(0), logger: silentLogger, onFailed: () => {} });
    const options = { client, kind: 'ConfigMap', resource: ConfigMapResource, metadataOnly: true };
    const a = feed.informer({ ...options, namespace: 'a' });
    const b = feed.informer({ ...options, namespace: 'b' });
    expect(a).not.toBe(b);
    expect(feed.informer({ ...options, namespace: 'a' })).toBe(a); // the same cache for the namespace's next consumer
    expect(feed.watches().map((w) => [w.kind, w.resource, w.namespaces])).toEqual([['ConfigMap', 'configmaps', 2]]);
    expect(() => feed.informer({ ...options, namespace: 'c', metadataOnly: false })).toThrow(
      'kind ConfigMap is already fed cluster-wide with another shape (metadataOnly true, indexes []); every consumer of one feed must ask for the same',
    );
    expect(() => feed.tap('ConfigMap', ConfigMapResource, a)).toThrow(
      'kind ConfigMap is already fed; tap it before any watcher asks for it',
    );
  });
});
