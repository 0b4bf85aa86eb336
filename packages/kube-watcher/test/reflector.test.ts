import type { ServerResponse } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import { eventually } from '@vmcp/vitest-config/poll';
import { InactivityTimeoutError, KubeApiError, KubeHttpClient } from '../src/client/index.ts';
import { Reflector, type ReflectorErrorInfo, type ReflectorOptions, type ReflectorStore } from '../src/reflector/index.ts';
import { FakeClock, flushAsync } from '@vmcp/core/testing';
import { ScriptedApi, event, listBody, obj, statusBody } from './helpers/scripted-api.ts';

/** Records what the reflector delivers; a completed relist is logged as `replace@rv:names` (what it amounts to). */
class RecordingStore implements ReflectorStore {
  readonly log: string[] = [];
  readonly items = new Map<string, KubeObject>();
  #relisting: KubeObject[] | undefined;
  startRelist(): void {
    this.#relisting = [];
  }
  relistItem(o: KubeObject): void {
    if (!this.#relisting) throw new Error('relistItem outside a relist');
    this.#relisting.push(o);
  }
  endRelist(rv: string): void {
    const items = this.#relisting ?? [];
    this.#relisting = undefined;
    this.log.push(`replace@${rv}:${items.map((i) => i.metadata.name).join(',')}`);
    this.items.clear();
    for (const i of items) this.items.set(i.metadata.name, i);
  }
  abortRelist(): void {
    if (this.#relisting) this.log.push('abort');
    this.#relisting = undefined;
  }
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    this.log.push(`${type}:${o.metadata.name}@${o.metadata.resourceVersion}`);
    if (type === 'DELETED') this.items.delete(o.metadata.name);
    else this.items.set(o.metadata.name, o);
  }
}

let api: ScriptedApi;
let ac: AbortController;
let errors: { error: Error; info: ReflectorErrorInfo }[];
let clock: FakeClock;

beforeEach(async () => {
  api = await ScriptedApi.start();
  ac = new AbortController();
  errors = [];
  clock = new FakeClock(1_000_000);
});
afterEach(async () => {
  ac.abort();
  await api.close();
});

/** A reflector on the paginated-LIST path (most scenarios); `watchList: true` for the streaming list. */
function start(store: ReflectorStore, extra: Partial<ReflectorOptions> = {}): { reflector: Reflector; done: Promise<void> } {
  const reflector = new Reflector({
    client: new KubeHttpClient(api.kubeConfig()),
    resource: ConfigMapResource,
    namespace: 'ns',
    store,
    watchList: false,
    backoff: { initialMs: 20, maxMs: 1000, jitter: 0 },
    clock,
    onError: (error, info) => errors.push({ error, info }),
    ...extra,
  });
  return { reflector, done: reflector.run(ac.signal) };
}

/** Waits until the reflector sleeps on the fake clock, then moves time to the end of that sleep. */
async function elapseBackoff(expectedMs: number): Promise<void> {
  await eventually(() => clock.pendingTimers() > 0, 5000, 'a backoff timer');
  expect(clock.nextTimerAt()! - clock.now()).toBe(expectedMs);
  clock.advance(expectedMs);
}

/** Holds a watch open (headers sent) until the test aborts. */
function hold(res: ServerResponse, ...lines: string[]): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  for (const l of lines) res.write(l);
}

/** The BOOKMARK that ends the initial events of a streaming list. */
function initialEventsEnd(rv: string): Record<string, unknown> {
  return { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } } };
}

/** A store that keeps only names (as a transform keeps only derived data) and a weak reference to every raw object. */
function namesOnlyStore(names: string[], raws: WeakRef<KubeObject>[]): ReflectorStore {
  return {
    startRelist: () => {},
    relistItem: (o) => {
      raws.push(new WeakRef(o));
      names.push(o.metadata.name);
    },
    endRelist: (rv) => names.push(`end@${rv}`),
    abortRelist: () => {},
    apply: () => {},
  };
}

/** Every raw object the reflector delivered is garbage once the job that delivered it ended. */
async function expectCollected(raws: WeakRef<KubeObject>[]): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((r) => setImmediate(r)); // a WeakRef target stays alive until the current job ends
  gc();
  expect(raws.length).toBeGreaterThan(0);
  expect(raws.filter((r) => r.deref() !== undefined)).toHaveLength(0);
}

describe('Reflector streaming list (sendInitialEvents)', () => {
  it('lists by watching with sendInitialEvents, NotOlderThan and bookmarks, and is synced only at the initial-events-end bookmark', async () => {
    let stream: ServerResponse | undefined;
    api.script = (req, res) => {
      if (api.watches().length === 1) {
        stream = res;
        // A progress bookmark before the end of the initial events does not count.
        return hold(
          res,
          event('ADDED', obj('a', '1')),
          event('BOOKMARK', { metadata: { resourceVersion: '5' } }),
          event('ADDED', obj('b', '2')),
        );
      }
      hold(res);
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { watchList: true });
    await eventually(() => reflector.status().connected, 5000, 'connected');
    const w = api.watches()[0]!;
    expect(Object.fromEntries(w.query)).toMatchObject({
      watch: '1',
      sendInitialEvents: 'true',
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: 'true',
      resourceVersion: '',
    });
    await sleep(50);
    expect(reflector.status().synced).toBe(false);
    expect(store.log).toEqual([]);
    stream!.write(event('BOOKMARK', initialEventsEnd('10')));
    await eventually(() => reflector.status().synced, 5000, 'synced');
    expect(store.log).toEqual(['replace@10:a,b']);
    stream!.write(event('MODIFIED', obj('a', '11')));
    await eventually(() => store.log.length === 2, 5000, 'event after the list');
    expect(store.log[1]).toBe('MODIFIED:a@11');
    expect(reflector.status()).toMatchObject({ listPath: 'watch-list', lastResourceVersion: '11', lists: 1, watches: 1 });
    expect(api.lists()).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('re-watches from the bookmark resourceVersion, and relists after 410 with a new streaming list that drops vanished objects', async () => {
    api.script = (req, res) => {
      const n = api.watches().length;
      if (n === 1) {
        hold(res, event('ADDED', obj('a', '1')), event('ADDED', obj('b', '2')), event('BOOKMARK', initialEventsEnd('10')));
        return void res.end();
      }
      if (n === 2) return hold(res, event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }));
      if (n === 3) return hold(res, event('ADDED', obj('b', '20')), event('BOOKMARK', initialEventsEnd('30')));
      hold(res);
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { watchList: true });
    await eventually(() => reflector.status().lists === 2, 5000, 'the relist');
    const [first, second, third] = api.watches();
    expect(second!.query.get('resourceVersion')).toBe('10');
    expect(second!.query.has('sendInitialEvents')).toBe(false);
    expect(third!.query.get('sendInitialEvents')).toBe('true');
    expect(third!.query.get('resourceVersion')).toBe('');
    expect(first!.query.get('sendInitialEvents')).toBe('true');
    expect(store.log).toEqual(['replace@10:a,b', 'replace@30:b']);
    expect(errors.map((e) => e.info)).toEqual([expect.objectContaining({ phase: 'watch', retryInMs: 0 })]);
    expect(api.lists()).toHaveLength(0);
  });

  it('resumes from the bookmark resourceVersion, not a new streaming list, when the stream breaks after its initial events', async () => {
    // Regression: a stream cut after the initial-events-end bookmark used to be treated as an unfinished list, so
    // every broken connection relisted everything and a resume point that etcd compacted never met its 410.
    api.script = (req, res) => {
      if (api.watches().length === 1) {
        hold(res, event('ADDED', obj('a', '1')), event('BOOKMARK', initialEventsEnd('10')), event('ADDED', obj('b', '11')));
        setTimeout(() => res.socket?.destroy(), 20); // connection lost after the list completed and one more event
        return;
      }
      hold(res);
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { watchList: true });
    await eventually(() => errors.length === 1, 5000, 'the broken stream');
    await elapseBackoff(20);
    await eventually(() => api.watches().length === 2, 5000, 'the resumed watch');
    const resumed = api.watches()[1]!;
    expect(resumed.query.get('resourceVersion')).toBe('11');
    expect(resumed.query.has('sendInitialEvents')).toBe(false);
    expect(reflector.status().lists).toBe(1);
    expect(store.log).toEqual(['replace@10:a', 'ADDED:b@11']);
  });

  it('retries a streaming list the server ends before its initial-events-end bookmark, after a backoff, without syncing on it', async () => {
    api.script = (req, res) => {
      if (api.watches().length === 1) {
        hold(res, event('ADDED', obj('a', '1')));
        return void res.end();
      }
      hold(res, event('ADDED', obj('a', '1')), event('BOOKMARK', initialEventsEnd('3')));
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { watchList: true });
    await eventually(() => errors.length === 1, 5000, 'the unfinished list');
    expect(reflector.status().synced).toBe(false);
    expect(store.log).toEqual(['abort']);
    expect(errors[0]!.error.message).toContain('ended the streaming list before its initial-events-end bookmark');
    await elapseBackoff(20);
    await eventually(() => reflector.status().synced, 5000, 'synced on the retry');
    expect(api.watches()[1]!.query.get('sendInitialEvents')).toBe('true');
    expect(reflector.status().listPath).toBe('watch-list');
  });

  it('falls back to the paginated LIST when the server refuses sendInitialEvents, says so in status(), and relists that way after 410', async () => {
    const refusal = 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled';
    api.script = (req, res) => {
      if (req.watch && req.query.get('sendInitialEvents') === 'true')
        return void res.writeHead(422).end(statusBody(422, 'Invalid', refusal));
      if (!req.watch)
        return void res.writeHead(200).end(listBody(api.lists().length === 1 ? [obj('a', '1')] : [], String(api.lists().length * 10)));
      if (api.watches().length === 2)
        return hold(res, event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }));
      hold(res);
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { watchList: true });
    await eventually(() => reflector.status().lists === 2 && reflector.status().connected, 5000, 'relisted by LIST after 410');
    expect(reflector.status()).toMatchObject({ listPath: 'paginated-list', synced: true });
    expect(reflector.status().watchListUnsupported).toContain(refusal);
    expect(api.lists().map((l) => l.query.get('resourceVersion'))).toEqual(['0', null]);
    expect(api.watches().filter((w) => w.query.get('sendInitialEvents') === 'true')).toHaveLength(1);
    expect(store.log).toEqual(['abort', 'replace@10:a', 'replace@20:']); // the refused streaming list delivered nothing
    expect(errors[0]!.info).toMatchObject({ phase: 'watch', retryInMs: 0 });
  });

  it('does not fall back on authorization errors: the LIST would fail the same way', async () => {
    api.script = (req, res) => void res.writeHead(403).end(statusBody(403, 'Forbidden', 'configmaps is forbidden'));
    const { reflector } = start(new RecordingStore(), { watchList: true });
    await eventually(() => errors.length === 1, 5000, 'the 403');
    expect(reflector.status().listPath).toBe('watch-list');
    expect(reflector.status().watchListUnsupported).toBeUndefined();
    expect(errors[0]!.info.retryInMs).toBe(20);
  });
});

describe('Reflector', () => {
  it('lists every page, then watches from the list resourceVersion with bookmarks and a server timeout drawn below the inactivity deadline', async () => {
    const pages: Record<string, string> = {
      '': listBody([obj('a', '1'), obj('b', '2')], '10', 'p2'),
      p2: listBody([obj('c', '3'), obj('d', '4')], '10', 'p3'),
      p3: listBody([obj('e', '5')], '10'),
    };
    api.script = (req, res) => {
      if (req.watch) return hold(res);
      res.writeHead(200).end(pages[req.query.get('continue') ?? '']);
    };
    const store = new RecordingStore();
    // The timeout's jitter draws from the clock's random(): by default 50–90 % of the 120 s inactivity deadline,
    // so 60 + 0.25 · 48 = 72 s.
    const { reflector } = start(store, { pageSize: 2, clock: new FakeClock(0, { random: () => 0.25 }) });
    await eventually(() => api.watches().length === 1, 5000, 'watch');
    expect(store.log).toEqual(['replace@10:a,b,c,d,e']);
    const [p1, p2, p3] = api.lists();
    expect(p1!.query.get('limit')).toBe('2');
    expect(p1!.query.get('resourceVersion')).toBe('0');
    expect(p2!.query.get('continue')).toBe('p2');
    expect(p2!.query.has('resourceVersion')).toBe(false);
    expect(p3!.query.get('continue')).toBe('p3');
    expect(p1!.path).toBe('/api/v1/namespaces/ns/configmaps');
    expect(p1!.headers.authorization).toBe('Bearer test-token');
    const w = api.watches()[0]!;
    expect(w.query.get('resourceVersion')).toBe('10');
    expect(w.query.get('allowWatchBookmarks')).toBe('true');
    expect(Number(w.query.get('timeoutSeconds'))).toBe(72);
    await eventually(() => reflector.status().connected, 2000, 'connected');
    expect(reflector.status()).toMatchObject({ synced: true, lastResourceVersion: '10', lists: 1 });
  });

  it('asks for PartialObjectMetadata and never keeps anything but metadata when metadataOnly', async () => {
    api.script = (req, res) => {
      // A misbehaving server that ignores the projection and sends data anyway.
      if (req.watch) return hold(res, event('ADDED', obj('s2', '12', { data: { password: 'aHVudGVyMg==' } })));
      res.writeHead(200).end(listBody([obj('s1', '11', { data: { password: 'c2VjcmV0' } })], '11'));
    };
    const store = new RecordingStore();
    start(store, { metadataOnly: true });
    await eventually(() => store.items.has('s2'), 5000, 's2');
    expect(api.lists()[0]!.headers.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(api.watches()[0]!.headers.accept).toBe('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(JSON.stringify([...store.items.values()])).not.toMatch(/password|c2VjcmV0|aHVudGVyMg/);
  });

  it('treats an empty PartialObjectMetadataList ("items": null) as an empty list', async () => {
    api.script = (req, res) => {
      if (req.watch) return hold(res);
      res.writeHead(200).end(
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { resourceVersion: '7' },
          items: null,
        }),
      );
    };
    const store = new RecordingStore();
    const { reflector } = start(store, { metadataOnly: true });
    await eventually(() => reflector.status().synced, 5000, 'synced');
    expect(store.log).toEqual(['replace@7:']);
    expect(errors).toEqual([]);
  });

  it('keeps nothing of a paginated LIST once the store has it: raw items of every page are collectable while the watch runs', async () => {
    const pages: Record<string, string> = { '': listBody([obj('a', '1'), obj('b', '2')], '10', 'p2'), p2: listBody([obj('c', '3')], '10') };
    api.script = (req, res) => {
      if (req.watch) return hold(res);
      res.writeHead(200).end(pages[req.query.get('continue') ?? '']);
    };
    const raws: WeakRef<KubeObject>[] = [];
    const names: string[] = [];
    // Stores what an informer with a transform keeps: derived data, never the raw objects.
    start(namesOnlyStore(names, raws), { pageSize: 2 });
    await eventually(() => api.watches().length === 1, 5000, 'watch');
    await expectCollected(raws);
    expect(names).toEqual(['a', 'b', 'c', 'end@10']);
  });

  it('keeps nothing of a streaming list once the store has it: raw initial events are collectable while the watch runs', async () => {
    api.script = (req, res) =>
      hold(res, event('ADDED', obj('a', '1')), event('ADDED', obj('b', '2')), event('BOOKMARK', initialEventsEnd('10')));
    const raws: WeakRef<KubeObject>[] = [];
    const names: string[] = [];
    const { reflector } = start(namesOnlyStore(names, raws), { watchList: true });
    await eventually(() => reflector.status().synced, 5000, 'synced');
    await expectCollected(raws);
    expect(names).toEqual(['a', 'b', 'end@10']);
    expect(api.lists()).toHaveLength(0);
  });

  it('applies watch events, follows bookmarks, and re-watches from the last resourceVersion when the server ends the watch', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([obj('a', '1')], '5'));
      const n = api.watches().length;
      if (n === 1) {
        hold(res, event('ADDED', obj('b', '6')), event('MODIFIED', obj('a', '7')), event('DELETED', obj('b', '8')));
        res.end(event('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '20' } }));
        return;
      }
      hold(res);
    };
    const store = new RecordingStore();
    const { reflector } = start(store);
    await eventually(() => api.watches().length === 2, 5000, 're-watch');
    expect(store.log).toEqual(['replace@5:a', 'ADDED:b@6', 'MODIFIED:a@7', 'DELETED:b@8']);
    expect(api.watches()[1]!.query.get('resourceVersion')).toBe('20');
    expect(api.lists()).toHaveLength(1); // no relist for a normal end of watch
    expect(errors).toEqual([]);
    expect(reflector.status().lastResourceVersion).toBe('20');
  });

  it('relists with a quorum read after a 410 ERROR event, and the store sees objects that vanished', async () => {
    api.script = (req, res) => {
      if (!req.watch) {
        const first = api.lists().length === 1;
        return void res.writeHead(200).end(first ? listBody([obj('a', '1'), obj('b', '2')], '5') : listBody([obj('b', '9')], '30'));
      }
      if (api.watches().length === 1) {
        hold(res, event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (25)' }));
        return;
      }
      hold(res);
    };
    const store = new RecordingStore();
    start(store);
    await eventually(() => api.watches().length === 2, 5000, 'watch after relist');
    expect(api.lists().map((l) => l.query.get('resourceVersion'))).toEqual(['0', null]);
    expect(store.log).toEqual(['replace@5:a,b', 'replace@30:b']);
    expect(api.watches()[1]!.query.get('resourceVersion')).toBe('30');
    expect(errors[0]!.error).toBeInstanceOf(KubeApiError);
    expect(errors[0]!.info).toMatchObject({ phase: 'watch', retryInMs: 0 });
    expect(errors[0]!.error.message).toContain('watch configmaps in namespace "ns": 410 Gone');
  });

  it('relists after the watch request itself is answered 410', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([], String(api.lists().length)));
      if (api.watches().length === 1) return void res.writeHead(410).end(statusBody(410, 'Expired', 'too old'));
      hold(res);
    };
    start(new RecordingStore());
    await eventually(() => api.watches().length === 2, 5000, 'second watch');
    expect(api.lists().map((l) => l.query.get('resourceVersion'))).toEqual(['0', null]);
    expect(api.watches()[1]!.query.get('resourceVersion')).toBe('2');
  });

  it('honours Retry-After on 429', async () => {
    api.script = (req, res) => {
      if (api.requests.length === 1) {
        res.writeHead(429, { 'Retry-After': '1' }).end(statusBody(429, 'TooManyRequests', 'slow down'));
        return;
      }
      if (req.watch) return hold(res);
      res.writeHead(200).end(listBody([], '1'));
    };
    start(new RecordingStore());
    await eventually(() => errors.length === 1, 5000, 'the 429');
    expect(errors[0]!.info.retryInMs).toBe(1000);
    expect(errors[0]!.error.message).toBe('list configmaps in namespace "ns": 429 Too Many Requests (slow down)');
    await eventually(() => clock.pendingTimers() > 0, 5000, 'the backoff timer');
    clock.advance(999);
    await flushAsync();
    expect(clock.pendingTimers()).toBe(1); // the retry still sleeps: no request can be on its way
    expect(api.requests).toHaveLength(1); // not a millisecond early
    clock.advance(1);
    await eventually(() => api.requests.length >= 2, 5000, 'retry');
  });

  it('retries 500s and connection resets with growing backoff, reporting each', async () => {
    api.script = (req, res) => {
      const n = api.requests.length;
      if (n <= 4) {
        if (n % 2 === 1) return void res.writeHead(500).end(statusBody(500, 'InternalError', 'etcd hiccup'));
        return void res.socket?.destroy(); // connection reset
      }
      if (req.watch) return hold(res);
      res.writeHead(200).end(listBody([], '1'));
    };
    const { reflector } = start(new RecordingStore());
    for (const ms of [20, 40, 80, 160]) await elapseBackoff(ms);
    await eventually(() => api.watches().length === 1, 5000, 'recovery');
    expect(errors.map((e) => e.info.retryInMs)).toEqual([20, 40, 80, 160]);
    expect(errors[0]!.error.message).toContain('list configmaps in namespace "ns": 500 Internal Server Error (etcd hiccup)');
    expect(errors[1]!.error.message).toMatch(/^list configmaps in namespace "ns": /);
    expect(reflector.status()).toMatchObject({ synced: true, consecutiveErrors: 0 });
    expect(reflector.status().lastError?.message).toBeDefined();
    expect(reflector.status().lastSyncTime! - reflector.status().lastError!.at).toBe(160); // status times come from the clock
  });

  it('starts over from the initial backoff when a healthy watch fails, however much earlier faults grew it', async () => {
    api.script = (req, res) => {
      const n = api.requests.length;
      if (n <= 3) return void res.writeHead(500).end(statusBody(500, 'InternalError', 'etcd hiccup'));
      if (!req.watch) return void res.writeHead(200).end(listBody([], '1'));
      if (api.watches().length === 1) {
        // Healthy (delivers an event), then the connection dies.
        hold(res, event('ADDED', obj('x', '2')));
        setTimeout(() => res.destroy(), 50);
        return;
      }
      hold(res);
    };
    start(new RecordingStore());
    for (const ms of [20, 40, 80, 20]) await elapseBackoff(ms);
    await eventually(() => api.watches().length === 2, 5000, 're-watch');
    expect(errors.map((e) => e.info.retryInMs)).toEqual([20, 40, 80, 20]);
    expect(errors.at(-1)!.info).toMatchObject({ phase: 'watch', attempt: 1 });
  });

  it('keeps growing the backoff for watches the server accepts and drops at once without delivering anything', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([], '1'));
      if (api.watches().length <= 3) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        setTimeout(() => res.destroy(), 10);
        return;
      }
      hold(res);
    };
    start(new RecordingStore());
    for (const ms of [20, 40, 80]) await elapseBackoff(ms);
    await eventually(() => api.watches().length === 4, 5000, 'fourth watch');
    expect(errors.map((e) => e.info.retryInMs)).toEqual([20, 40, 80]);
  });

  it('aborts a watch that goes silent past the inactivity deadline and re-watches from the last resourceVersion', async () => {
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([], '3'));
      if (api.watches().length === 1) return hold(res, event('ADDED', obj('x', '4'))); // then silence
      hold(res, event('BOOKMARK', { metadata: { resourceVersion: '5' } }));
    };
    const store = new RecordingStore();
    start(store, { inactivityTimeoutMs: 300 });
    await elapseBackoff(20);
    await eventually(() => api.watches().length === 2, 5000, 're-watch');
    expect(errors[0]!.error).toBeInstanceOf(InactivityTimeoutError);
    expect(errors[0]!.error.message).toContain('watch configmaps in namespace "ns": no data for 300 ms');
    expect(api.watches()[1]!.query.get('resourceVersion')).toBe('4');
    expect(api.watches()[1]!.at - api.watches()[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('keeps retrying a forbidden list with a message naming verb, resource and namespace, and recovers when allowed', async () => {
    let allowed = false;
    api.script = (req, res) => {
      if (!allowed) {
        const msg = 'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "ns"';
        return void res.writeHead(403).end(statusBody(403, 'Forbidden', msg));
      }
      if (req.watch) return hold(res);
      res.writeHead(200).end(listBody([obj('a', '1')], '1'));
    };
    const store = new RecordingStore();
    const { reflector } = start(store);
    await elapseBackoff(20);
    await elapseBackoff(40);
    await eventually(() => errors.length >= 3, 5000, 'three failures');
    expect(reflector.status().synced).toBe(false);
    expect(errors[0]!.error.message).toBe(
      'list configmaps in namespace "ns": 403 Forbidden (configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "ns")',
    );
    allowed = true;
    await elapseBackoff(80);
    await eventually(() => reflector.status().synced, 5000, 'sync after grant');
    expect(store.items.has('a')).toBe(true);
  });

  it('a store exception is reported and repaired by a relist, never fatal', async () => {
    let throwOnce = true;
    const store = new RecordingStore();
    const inner = store.apply.bind(store);
    store.apply = (t, o) => {
      if (throwOnce) {
        throwOnce = false;
        throw new Error('boom');
      }
      inner(t, o);
    };
    api.script = (req, res) => {
      if (!req.watch) return void res.writeHead(200).end(listBody([], String(api.lists().length)));
      hold(res, ...(api.watches().length === 1 ? [event('ADDED', obj('a', '2'))] : []));
    };
    start(store);
    await elapseBackoff(20);
    await eventually(() => api.lists().length === 2 && api.watches().length === 2, 5000, 'relist');
    expect(errors[0]!.error.message).toBe('boom');
    expect(errors[0]!.info.phase).toBe('store');
  });

  it('resolves run() promptly when aborted mid-watch', async () => {
    api.script = (req, res) => (req.watch ? hold(res) : void res.writeHead(200).end(listBody([], '1')));
    const { done } = start(new RecordingStore());
    await eventually(() => api.watches().length === 1, 5000, 'watch');
    ac.abort();
    await done; // settles without any timer firing: the open watch is aborted, not waited out
    expect(errors).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
