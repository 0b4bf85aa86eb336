/**
 * The pieces of WatcherSet without a server: the namespace demultiplexer of cluster mode feeding fed informers,
 * the MCPGroup tap choosing served namespaces, a namespace's access from its watcher's status, option validation.
 */
import { describe, expect, it } from 'vitest';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpClient } from '../src/client/index.ts';
import { Informer, NamespaceDemux, type InformerSource } from '../src/informer/index.ts';
import type { ReflectorStatus } from '../src/reflector/index.ts';
import type { WatcherStatus } from '../src/watcher/types.ts';
import { WatcherSet } from '../src/watcher-set/index.ts';
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
