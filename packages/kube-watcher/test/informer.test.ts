import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import { FakeClock } from '@vmcp/core/testing';
import { eventually } from '@vmcp/vitest-config/poll';
import { KubeHttpClient } from '../src/client/index.ts';
import { DeletedFinalStateUnknown, IndexedStore, Informer, InformerCacheReader, type InformerErrorInfo } from '../src/informer/index.ts';
import { ScriptedApi, event, listBody, obj } from './helpers/scripted-api.ts';

type Obj = KubeObject & { data?: Record<string, string> };

let api: ScriptedApi;
let ac: AbortController;

beforeEach(async () => {
  api = await ScriptedApi.start();
  ac = new AbortController();
});
afterEach(async () => {
  ac.abort();
  await api.close();
});

function hold(res: ServerResponse, ...lines: string[]): void {
  res.writeHead(200);
  res.flushHeaders();
  for (const l of lines) res.write(l);
}

describe('IndexedStore', () => {
  it('files objects under every index value and unfiles them on update and delete', () => {
    const store = new IndexedStore<Obj>({ byRef: (o) => Object.values(o.data ?? {}) });
    store.set('a', { metadata: { name: 'a' }, data: { x: 'r1', y: 'r2' } });
    store.set('b', { metadata: { name: 'b' }, data: { x: 'r1' } });
    expect(
      store
        .byIndex('byRef', 'r1')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    store.set('a', { metadata: { name: 'a' }, data: { x: 'r3' } });
    expect(store.byIndex('byRef', 'r1').map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.byIndex('byRef', 'r2')).toEqual([]);
    store.delete('b');
    expect(store.byIndex('byRef', 'r1')).toEqual([]);
    expect(store.byIndex('byRef', 'r3').map((o) => o.metadata.name)).toEqual(['a']);
    expect(() => store.byIndex('nope', 'x')).toThrow('no index "nope" (declared: byRef)');
  });

  it('an indexer that throws is reported and the object stays readable by name', () => {
    const bad: string[] = [];
    const store = new IndexedStore<Obj>(
      {
        i: () => {
          throw new Error('bad');
        },
      },
      (index, name) => bad.push(`${index}:${name}`),
    );
    store.set('a', { metadata: { name: 'a' } });
    expect(store.get('a')).toBeDefined();
    expect(bad).toEqual(['i:a']);
  });
});

describe('Informer', () => {
  it('transforms, indexes, delivers add/update(old,new)/delete and tombstones, and syncs once', async () => {
    let phase = 1;
    api.script = (req, res) => {
      if (!req.watch) {
        if (phase === 1)
          return void res
            .writeHead(200)
            .end(listBody([obj('a', '1', { data: { ref: 's1' } }), obj('b', '2', { data: { ref: 's2' } })], '5'));
        // relist: a unchanged, b changed, c new; "vanished" ones get tombstones
        return void res.writeHead(200).end(listBody([obj('b', '9', { data: { ref: 's1' } }), obj('c', '10')], '20'));
      }
      if (api.watches().length === 1) {
        hold(res, event('MODIFIED', obj('a', '6', { data: { ref: 's3' } })), event('ERROR', { code: 410, reason: 'Expired' }));
        phase = 2;
        res.end();
        return;
      }
      hold(res);
    };
    const log: string[] = [];
    const errors: InformerErrorInfo[] = [];
    const clock = new FakeClock();
    const informer = new Informer<Obj>({
      client: new KubeHttpClient(api.kubeConfig()),
      namespace: 'ns',
      kind: 'ConfigMap',
      resource: ConfigMapResource,
      transform: (o) => ({
        metadata: { name: o.metadata.name, resourceVersion: o.metadata.resourceVersion ?? '' },
        data: (o as Obj).data ?? {},
      }),
      indexers: { byRef: (o) => (o.data?.ref ? [o.data.ref] : []) },
      onError: (_e, info) => errors.push(info),
      // A first 410 relists at once: on the fake clock any backoff would stall the relist this test waits for.
      reflector: { watchList: false, clock },
    });
    informer.addHandlers({
      onAdd: (o) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      onUpdate: (o, n) => log.push(`update ${o.metadata.name} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      onDelete: (o) =>
        log.push(
          o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key}@${o.object.metadata.resourceVersion}` : `delete ${o.metadata.name}`,
        ),
    });
    const syncs: number[] = [];
    informer.onSynced(() => syncs.push(log.length));
    expect(informer.hasSynced()).toBe(false);
    void informer.run(ac.signal);
    await eventually(() => api.watches().length === 2, 5000, 'relist and re-watch');
    expect(log).toEqual(['add a@1', 'add b@2', 'update a 1->6', 'update b 2->9', 'add c@10', 'tombstone a@6']);
    expect(syncs).toEqual([2]); // synced after the initial list was delivered, exactly once
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('b')).toEqual({ metadata: { name: 'b', resourceVersion: '9' }, data: { ref: 's1' } });
    expect(informer.byIndex('byRef', 's1').map((o) => o.metadata.name)).toEqual(['b']);
    expect(informer.byIndex('byRef', 's3')).toEqual([]);
    expect(errors.map((e) => e.source)).toEqual(['watch']); // the 410, reported
    expect(errors[0]!.retryInMs).toBe(0);
  });

  it('does not call update for objects whose resourceVersion did not change on relist', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([obj('a', '1'), obj('b', '2')], '5'));
      if (api.watches().length === 1) return void res.writeHead(410).end('{}');
      hold(res);
    };
    const log: string[] = [];
    const informer = new Informer({
      client: new KubeHttpClient(api.kubeConfig()),
      namespace: 'ns',
      kind: 'ConfigMap',
      resource: ConfigMapResource,
      // The relist after the 410 must not wait: the fake clock never moves here.
      reflector: { watchList: false, clock: new FakeClock() },
    });
    informer.addHandlers({ onAdd: (o) => log.push(`add ${o.metadata.name}`), onUpdate: (_o, n) => log.push(`update ${n.metadata.name}`) });
    void informer.run(ac.signal);
    await eventually(() => api.lists().length === 2 && api.watches().length === 2, 5000, 'relist');
    expect(log).toEqual(['add a', 'add b']);
    expect(informer.get('a')?.metadata.managedFields).toBeUndefined(); // default transform drops managedFields
  });

  it('reports a throwing handler and keeps delivering to it and to the others', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([obj('a', '1')], '1'));
      hold(res, event('ADDED', obj('b', '2')), event('ADDED', obj('c', '3')));
    };
    const seen: string[] = [];
    const errors: { e: Error; info: InformerErrorInfo }[] = [];
    const informer = new Informer({
      client: new KubeHttpClient(api.kubeConfig()),
      namespace: 'ns',
      kind: 'ConfigMap',
      resource: ConfigMapResource,
      onError: (e, info) => errors.push({ e, info }),
      reflector: { watchList: false },
    });
    informer.addHandlers({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    informer.addHandlers({ onAdd: (o) => seen.push(o.metadata.name) });
    void informer.run(ac.signal);
    await eventually(() => seen.length === 3, 5000, 'all adds');
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(errors).toHaveLength(3);
    expect(errors[0]!.e.message).toBe('handler bug');
    expect(errors[0]!.info).toMatchObject({ kind: 'ConfigMap', source: 'handler' });
    // Each report names the object that failed and the notification, not just the event type.
    expect(errors.map((x) => [x.info.object, x.info.event])).toEqual([
      ['a', 'add'],
      ['b', 'add'],
      ['c', 'add'],
    ]);
    expect(informer.hasSynced()).toBe(true);
    expect(api.lists()).toHaveLength(1); // a handler error never triggers a relist
  });

  it('InformerCacheReader reads by kind and rejects kinds that are not watched', () => {
    const informer = new Informer({
      client: new KubeHttpClient(api.kubeConfig()),
      namespace: 'ns',
      kind: 'ConfigMap',
      resource: ConfigMapResource,
    });
    informer.startRelist();
    informer.relistItem(obj('a', '1') as unknown as KubeObject);
    informer.endRelist('1');
    const reader = new InformerCacheReader(new Map([['ConfigMap', informer]]));
    expect(reader.get('ConfigMap', 'a')?.metadata.name).toBe('a');
    expect(reader.list('ConfigMap')).toHaveLength(1);
    expect(() => reader.get('Secret', 'a')).toThrow('kind "Secret" is not watched (watched: ConfigMap)');
    expect(() => reader.byIndex('ConfigMap', 'x', 'y')).toThrow('no index "x"');
  });
});
