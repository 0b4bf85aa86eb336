import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MCPServerEntryResource } from '@vmcp/api';
import type { WatchPlan } from '@vmcp/discoverer';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { FakeClock, flushAsync } from '@vmcp/core/testing';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, type BackendWatcherOptions, type KindStatus, type Logger } from '../src/index.ts';
import { configMapDiscoverer, configMapPlan, cm } from './helpers/configmap-plan.ts';
import { FAST_BACKOFF, configMapWatcher, serveListThenHoldWatch, type DiscovererHooks } from './helpers/configmap-watcher.ts';
import { ScriptedApi, event, listBody, statusBody } from './helpers/scripted-api.ts';

let api: ScriptedApi;
let registry: DynamicRegistry;
let watchRes: ServerResponse | undefined;
let watchers: BackendWatcher[];
const logs: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: (m) => logs.push(`info ${m}`),
  warn: (m) => logs.push(`warn ${m}`),
  error: (m) => logs.push(`error ${m}`),
};

beforeEach(async () => {
  api = await ScriptedApi.start();
  registry = createDynamicRegistry();
  watchRes = undefined;
  watchers = [];
  logs.length = 0;
});
afterEach(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await api.close();
});

function serve(items: unknown[], rv = '10'): void {
  serveListThenHoldWatch(api, items, rv, (res) => (watchRes = res));
}

function make(extra: Partial<BackendWatcherOptions> & DiscovererHooks = {}): BackendWatcher {
  const w = configMapWatcher(api, registry, { logger, ...extra });
  watchers.push(w);
  return w;
}

function kindStatus(w: BackendWatcher, kind: string): KindStatus | undefined {
  return w.status().kinds.find((k) => k.kind === kind);
}

/**
 * Once `kind` has failed `failures` times in a row its reflector sleeps on the fake clock: checks that this retry is
 * the next timer due, exactly `ms` away, and moves time to it.
 */
async function runRetry(clock: FakeClock, w: BackendWatcher, kind: string, failures: number, ms: number): Promise<void> {
  await eventually(() => kindStatus(w, kind)?.consecutiveErrors === failures, 3000, `${kind} failure ${failures}`);
  expect(clock.nextTimerAt()! - clock.now()).toBe(ms);
  await clock.advanceAsync(ms);
}

/**
 * Runs the watcher's retries on the fake clock, one due time at a time, until `done()` holds: moves time to the next
 * timer due within the backoff's maximum, else waits (real time) for the I/O a fired retry started. `done()` must
 * need at least one retry: reaching it with the fake clock standing still means something retried on real time.
 */
async function runRetriesUntil(clock: FakeClock, done: () => boolean, what: string): Promise<void> {
  const startedAt = clock.now();
  await eventually(
    async () => {
      const due = clock.nextTimerAt();
      if (!done() && due !== undefined && due - clock.now() <= FAST_BACKOFF.maxMs) await clock.advanceAsync(due - clock.now());
      return done();
    },
    3000,
    what,
  );
  expect(clock.now(), `${what} without a retry on the fake clock`).toBeGreaterThan(startedAt);
}

describe('BackendWatcher construction (upstream NewBackendWatcher parity)', () => {
  it('rejects missing options in upstream order with clear messages', () => {
    const kubeConfig = api.kubeConfig();
    const ok = { kubeConfig, namespace: 'ns', groupRef: 'g', registry };
    expect(() => new BackendWatcher({ ...ok, kubeConfig: undefined as never, namespace: '' })).toThrow('kube config cannot be nil');
    expect(() => new BackendWatcher({ ...ok, namespace: '', groupRef: '' })).toThrow('namespace cannot be empty');
    expect(() => new BackendWatcher({ ...ok, groupRef: '', registry: undefined as never })).toThrow('groupRef cannot be empty');
    expect(() => new BackendWatcher({ ...ok, registry: undefined as never })).toThrow('registry cannot be nil');
    expect(
      () =>
        new BackendWatcher({
          ...ok,
          groupRef: 'other/g',
          plan: configMapPlan('g'),
          discoverer: configMapDiscoverer(() => {
            throw new Error();
          }),
        }),
    ).toThrow('groupRef "other/g" names namespace "other" but the watcher watches namespace "ns"');
    expect(
      () =>
        new BackendWatcher({
          ...ok,
          discoverer: configMapDiscoverer(() => {
            throw new Error();
          }),
        }),
    ).toThrow('a custom discoverer needs its watch plan');
  });

  it('accepts namespace/name and an unreachable server without touching the network', () => {
    const w = make({ groupRef: 'ns/g' });
    expect(w.group).toBe('g');
    expect(api.requests).toHaveLength(0);
  });
});

describe('BackendWatcher lifecycle', () => {
  it('waitForCacheSync is false at once before start', async () => {
    const w = make();
    const t0 = Date.now();
    expect(await w.waitForCacheSync()).toBe(false);
    expect(Date.now() - t0).toBeLessThan(50);
  });

  it('syncs, fills the registry, removes a stale seed entry, follows events, and a second start rejects', async () => {
    registry.upsert({ id: 'ghost', name: 'ghost', baseUrl: 'http://ghost', transportType: 'sse', healthStatus: 'healthy', metadata: {} });
    serve([cm('a', '1', 'g', 'http://a'), cm('b', '2', 'other', 'http://b'), cm('c', '3', 'g')]);
    const w = make();
    const run = w.start();
    expect(await w.waitForCacheSync()).toBe(true);
    await eventually(() => registry.get('a') && !registry.get('ghost'), 3000, 'registry converged');
    expect(registry.list().map((b) => b.id)).toEqual(['a']);
    await expect(w.start()).rejects.toThrow('watcher already started');

    await eventually(() => watchRes, 3000, 'watch open');
    watchRes!.write(event('MODIFIED', cm('b', '11', 'g', 'http://b'))); // moved into the group
    watchRes!.write(event('MODIFIED', cm('a', '12', 'other', 'http://a'))); // moved out (only the old object maps)
    await eventually(() => registry.get('b') && !registry.get('a'), 3000, 'moves applied');
    watchRes!.write(event('DELETED', cm('b', '13', 'g', 'http://b')));
    await eventually(() => registry.count() === 0, 3000, 'delete applied');

    const s = w.status();
    expect(s).toMatchObject({ state: 'running', synced: true, group: 'g', registry: { backends: 0 } });
    expect(s.kinds[0]).toMatchObject({
      kind: 'CM',
      resource: 'configmaps',
      connected: true,
      synced: true,
      resourceVersion: '13',
      listPath: 'paginated-list',
    });
    expect(s.kinds[0]!.lastEventTime).toMatch(/^\d{4}-/);
    await w.stop();
    await run; // start() resolves after a graceful stop
    expect(w.status().state).toBe('stopped');
    expect(await w.waitForCacheSync()).toBe(true); // synced stays true
  });

  it('stays unsynced while the list is forbidden, reports it, honours timeout and abort, and recovers when allowed', async () => {
    let allowed = false;
    api.script = (req, res) => {
      if (!allowed) {
        return void res
          .writeHead(403)
          .end(
            statusBody(
              403,
              'Forbidden',
              'configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "ns"',
            ),
          );
      }
      if (!req.watch) return void res.writeHead(200).end(listBody([cm('a', '1', 'g', 'http://a')], '1'));
      res.writeHead(200);
      res.flushHeaders();
    };
    // Every retry and the wait's timeout run on the fake clock: nothing here waits for wall-clock time to pass.
    const clock = new FakeClock();
    const w = make({ clock });
    const run = w.start();
    const timingOut = w.waitForCacheSync(undefined, 300);
    await eventually(() => w.status().kinds[0]?.lastError, 3000, 'the first 403');
    expect(clock.nextTimerAt()).toBe(20); // the reflector's first retry: backoff.initialMs, no jitter in this test
    clock.advance(299);
    await flushAsync();
    expect(w.hasSynced()).toBe(false);
    clock.advance(1);
    expect(await timingOut).toBe(false); // the timeout is on the watcher's clock
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await w.waitForCacheSync(ac.signal)).toBe(false);
    expect(w.hasSynced()).toBe(false);
    const kind = w.status().kinds[0]!;
    expect(kind.lastError?.message).toContain('list configmaps in namespace "ns": 403 Forbidden');
    expect(kind.lastError?.status).toBe(403);
    expect(logs.some((l) => l.startsWith('warn list configmaps in namespace "ns": 403 Forbidden'))).toBe(true);
    const waiting = w.waitForCacheSync();
    allowed = true;
    // The next retry is due on the fake clock (at most backoff.maxMs away): advancing past it completes the sync.
    await eventually(() => clock.pendingTimers() > 0, 3000, 'a retry waiting on the clock');
    await clock.advanceAsync(200);
    expect(await waiting).toBe(true);
    await eventually(() => registry.get('a'), 3000, 'backend after grant');
    await w.stop();
    await run;
  });

  it('stop() drains an in-flight reconcile before resolving', async () => {
    serve([cm('slow', '1', 'g', 'http://slow')]);
    const events: string[] = [];
    const w = make({ delayMs: 300, started: (n) => events.push(`start ${n}`), finished: (n) => events.push(`end ${n}`) });
    const run = w.start();
    await eventually(() => events.includes('start slow'), 3000, 'reconcile running');
    await w.stop();
    events.push('stopped');
    await run;
    expect(events).toEqual(['start slow', 'end slow', 'stopped']);
    expect(registry.get('slow')?.baseUrl).toBe('http://slow');
  });

  it('start(signal) resolves when the signal aborts, and an already-aborted signal returns at once', async () => {
    serve([]);
    const w = make();
    const ac = new AbortController();
    const run = w.start(ac.signal);
    expect(await w.waitForCacheSync()).toBe(true);
    ac.abort();
    await run;
    const w2 = make();
    const t0 = Date.now();
    await w2.start(AbortSignal.abort());
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a throwing map function is reported and does not stop the watcher', async () => {
    serve([cm('a', '1', 'g', 'http://a')]);
    const plan = configMapPlan('g');
    const boom = {
      ...plan,
      kinds: [
        {
          ...plan.kinds[0]!,
          mapToBackends: (o: { metadata: { name: string } }) => {
            if (o.metadata.name === 'bad') throw new Error('map bug');
            return [o.metadata.name];
          },
        },
      ],
    };
    const w: BackendWatcher = new BackendWatcher({
      kubeConfig: api.kubeConfig(),
      namespace: 'ns',
      groupRef: 'g',
      registry,
      plan: boom,
      discoverer: configMapDiscoverer(() => w.reader),
      logger,
      reflector: { watchList: false },
    });
    watchers.push(w);
    void w.start();
    expect(await w.waitForCacheSync()).toBe(true);
    await eventually(() => watchRes, 3000, 'watch');
    watchRes!.write(event('ADDED', cm('bad', '2', 'g', 'http://bad')));
    watchRes!.write(event('ADDED', cm('good', '3', 'g', 'http://good')));
    await eventually(() => registry.get('good'), 3000, 'good after bad');
    expect(logs).toContain('error CM handler error: map bug');
  });
});

describe('BackendWatcher with a required: false kind', () => {
  // CM (required) plus MCPServerEntry marked required: false; the script answers the entry paths with `entries`.
  function planWithOptional(): WatchPlan<'CM'> {
    const base = configMapPlan('g');
    return {
      ...base,
      kinds: [...base.kinds, { kind: 'MCPServerEntry', resource: MCPServerEntryResource, mapToBackends: () => [], required: false }],
    };
  }
  const forbidden = statusBody(
    403,
    'Forbidden',
    'mcpserverentries.toolhive.stacklok.dev is forbidden: User "bob" cannot list resource "mcpserverentries" in API group "toolhive.stacklok.dev" in the namespace "ns"',
  );
  function serveWithEntries(entries: () => 'ok' | 403 | 404): void {
    api.script = (req, res) => {
      if (req.path.endsWith('/mcpserverentries')) {
        const mode = entries();
        if (mode === 403) return void res.writeHead(403).end(forbidden);
        if (mode === 404)
          return void res.writeHead(404).end(statusBody(404, 'NotFound', 'the server could not find the requested resource'));
      }
      if (!req.watch)
        return void res.writeHead(200).end(listBody(req.path.endsWith('/configmaps') ? [cm('a', '1', 'g', 'http://a')] : [], '1'));
      res.writeHead(200);
      res.flushHeaders();
    };
  }
  // Every retry runs on the fake clock; the real-time signals only bound a wait that must end at once.
  function makeOptional(clock: FakeClock): BackendWatcher {
    // The informer error policy alone decides here (API discovery has its own tests).
    return make({
      plan: planWithOptional(),
      discoverer: configMapDiscoverer(() => watchers.at(-1)!.reader),
      discoverApiVersions: false,
      clock,
    });
  }
  const entryLists = (): number => api.lists().filter((r) => r.path.endsWith('/mcpserverentries')).length;

  it('a missing CRD (404) is tolerated: synced, reported, and the kind fills in once installed', async () => {
    let mode: 'ok' | 404 = 404;
    serveWithEntries(() => mode);
    const clock = new FakeClock();
    const w = makeOptional(clock);
    void w.start();
    expect(await w.waitForCacheSync(AbortSignal.timeout(3000))).toBe(true);
    await eventually(() => registry.get('a'), 3000, 'required kind served');
    const entry = w.status().kinds.find((k) => k.kind === 'MCPServerEntry')!;
    expect(entry).toMatchObject({ required: false, synced: false, tolerated: true, lastError: { status: 404 } });
    expect(logs.some((l) => l.startsWith('warn optional kind MCPServerEntry is not installed (no CRD), continuing without it'))).toBe(true);
    mode = 'ok';
    expect(entryLists()).toBe(1); // the informer keeps the kind: it retries, on the clock
    await runRetry(clock, w, 'MCPServerEntry', 1, FAST_BACKOFF.initialMs);
    await eventually(() => w.status().kinds.find((k) => k.kind === 'MCPServerEntry')?.synced, 3000, 'entry informer synced after install');
    expect(w.status().kinds.find((k) => k.kind === 'MCPServerEntry')?.tolerated).toBe(false);
    expect(entryLists()).toBe(2);
  });

  it('a missing permission (403) holds the sync, names verb and resource, and granting it completes the sync', async () => {
    let mode: 'ok' | 403 = 403;
    serveWithEntries(() => mode);
    const clock = new FakeClock();
    const w = makeOptional(clock);
    void w.start();
    // Held through four retries (20 + 40 + 80 + 160 ms): the wait's timeout falls due with the fourth.
    const held = w.waitForCacheSync(undefined, 300);
    for (const [i, ms] of [20, 40, 80, 160].entries()) await runRetry(clock, w, 'MCPServerEntry', i + 1, ms);
    expect(await held).toBe(false);
    await eventually(() => kindStatus(w, 'MCPServerEntry')?.consecutiveErrors === 5, 3000, 'the fifth 403');
    expect(entryLists()).toBe(5);
    expect(w.hasSynced()).toBe(false);
    expect(registry.count()).toBe(0); // workers wait for the sync
    const entry = w.status().kinds.find((k) => k.kind === 'MCPServerEntry')!;
    expect(entry).toMatchObject({ required: false, synced: false, tolerated: false, lastError: { status: 403 } });
    expect(entry.lastError!.message).toMatch(
      /^list mcpserverentries\.toolhive\.stacklok\.dev in namespace "ns": 403 Forbidden \(.*cannot list resource "mcpserverentries"/,
    );
    expect(
      logs.some(
        (l) =>
          l.startsWith('warn list mcpserverentries.toolhive.stacklok.dev in namespace "ns": 403 Forbidden') &&
          l.includes('cache sync waits until this permission is granted'),
      ),
    ).toBe(true);
    const waiting = w.waitForCacheSync(AbortSignal.timeout(3000));
    mode = 'ok';
    await runRetry(clock, w, 'MCPServerEntry', 5, FAST_BACKOFF.maxMs); // 320 ms, capped
    expect(await waiting).toBe(true);
    await eventually(() => registry.get('a'), 3000, 'served after grant');
  });

  it('a 404 then a 403 (the CRD got installed, the permission is missing) holds the sync again', async () => {
    // The entry list answers 404, then 403 until granted; the required kind lists only after that 403 was seen,
    // so the earlier 404 alone cannot have synced the cache.
    const entries: ('ok' | 403 | 404)[] = [404];
    let granted = false;
    let saw403 = false;
    api.script = (req, res) => {
      if (req.path.endsWith('/mcpserverentries') && !granted) {
        const mode = entries.shift() ?? 403;
        if (mode === 404)
          return void res.writeHead(404).end(statusBody(404, 'NotFound', 'the server could not find the requested resource'));
        saw403 = true;
        return void res.writeHead(403).end(forbidden);
      }
      if (req.path.endsWith('/configmaps') && !saw403) return void res.writeHead(500).end(statusBody(500, 'InternalError', 'not yet'));
      if (!req.watch)
        return void res.writeHead(200).end(listBody(req.path.endsWith('/configmaps') ? [cm('a', '1', 'g', 'http://a')] : [], '1'));
      res.writeHead(200);
      res.flushHeaders();
    };
    const clock = new FakeClock();
    const w = makeOptional(clock);
    void w.start();
    await runRetriesUntil(clock, () => kindStatus(w, 'CM')?.synced === true, 'CM synced after the 403');
    const held = w.waitForCacheSync(undefined, 600);
    await clock.advanceAsync(600);
    expect(await held).toBe(false);
    expect(w.status().kinds.find((k) => k.kind === 'CM')?.synced).toBe(true);
    expect(w.status().kinds.find((k) => k.kind === 'MCPServerEntry')).toMatchObject({ tolerated: false, lastError: { status: 403 } });
    expect(logs.some((l) => l.startsWith('warn optional kind MCPServerEntry is installed now but forbidden'))).toBe(true);
    granted = true;
    const synced = w.waitForCacheSync(AbortSignal.timeout(3000));
    await runRetriesUntil(clock, () => w.hasSynced(), 'sync after grant');
    expect(await synced).toBe(true);
  });
});
