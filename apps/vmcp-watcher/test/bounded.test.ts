import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import type { BackendListResponse } from '../src/index.ts';
import { backend, closeTestService, openEvents, startTestService, type SseClient, type TestService } from './helpers.ts';

let svc: TestService | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  await closeTestService(svc, clients);
  svc = undefined;
});

const ids = (n: number, prefix = 'b'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

async function page(query: string): Promise<{ status: number; body: BackendListResponse & { message?: string } }> {
  const res = await fetch(`${svc!.url}/api/v1/backends${query}`);
  return { status: res.status, body: (await res.json()) as BackendListResponse & { message?: string } };
}

/** Every page from the first, following `continue`; `between` runs after each page. */
async function walk(limit: number, between: (pageIndex: number) => void = () => undefined): Promise<BackendListResponse[]> {
  const pages: BackendListResponse[] = [];
  let token: string | undefined;
  do {
    const { status, body } = await page(`?limit=${limit}${token === undefined ? '' : `&continue=${token}`}`);
    expect(status).toBe(200);
    pages.push(body);
    between(pages.length - 1);
    token = body.continue;
  } while (token !== undefined);
  return pages;
}

describe('/api/v1/backends pages', () => {
  it('pages by id with limit and continue; count and remainingItemCount say how much there is', async () => {
    svc = await startTestService({ initial: ids(25).map((id) => backend(id)) });
    const pages = await walk(10);
    expect(pages.map((p) => p.backends.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.remainingItemCount)).toEqual([15, 5, 0]);
    expect(pages.every((p) => p.count === 25)).toBe(true);
    expect(pages.flatMap((p) => p.backends.map((b) => b.id))).toEqual(ids(25));
    expect(pages[2]!.continue).toBeUndefined();
    // Every page carries the watcher's view, so no client has to guess which page holds it.
    expect(pages.every((p) => Array.isArray(p.excluded) && Array.isArray(p.watches))).toBe(true);
  });

  it('keeps a continue token valid across registry changes: what exists throughout is listed exactly once', async () => {
    svc = await startTestService({ initial: ids(30).map((id) => backend(id)) });
    const registry = svc.registry;
    const pages = await walk(10, (index) => {
      if (index !== 0) return;
      // Between page 1 and 2: remove one already listed and one not yet listed, add one before and one after the
      // cursor, update one not yet listed.
      registry.remove('b005');
      registry.remove('b015');
      registry.upsert(backend('b005a'));
      registry.upsert(backend('b999'));
      registry.upsert(backend('b020', { healthStatus: 'unhealthy' }));
    });
    const listed = pages.flatMap((p) => p.backends.map((b) => b.id));
    expect(new Set(listed).size).toBe(listed.length); // no duplicates
    for (const id of ids(30).filter((x) => x !== 'b005' && x !== 'b015')) expect(listed).toContain(id);
    expect(listed).not.toContain('b015'); // removed before its page was cut
    expect(listed).toContain('b999'); // added after the cursor: seen
    expect(listed).not.toContain('b005a'); // added before the cursor: not seen (it is in the event stream)
    expect(pages[1]!.backends.find((b) => b.id === 'b020')?.healthStatus).toBe('unhealthy');
    expect(pages[1]!.version).toBe(5);
    expect(pages[0]!.version).toBe(0);
  });

  it('defaults and caps the page size; refuses a bad limit or token without echoing it', async () => {
    svc = await startTestService({ initial: ids(12).map((id) => backend(id)), httpLimits: { defaultPageSize: 5, maxPageSize: 8 } });
    expect((await page('')).body.backends).toHaveLength(5);
    expect((await page('?limit=1000')).body.backends).toHaveLength(8);
    for (const bad of ['?limit=0', '?limit=-1', '?limit=ten', '?limit=1.5']) {
      const { status, body } = await page(bad);
      expect(status, bad).toBe(400);
      expect(body.message).toBe('limit must be a whole number from 1');
    }
    for (const token of ['https%3A%2F%2Fu%3APLANTEDpw%40h', 'PLANTEDpw', Buffer.from('{"v":2,"after":"x"}').toString('base64url')]) {
      const { status, body } = await page(`?continue=${token}`);
      expect(status).toBe(400);
      expect(JSON.stringify(body)).not.toContain('PLANTED');
      expect(body.message).toBe('continue must be a token from a previous page of this list');
    }
  });

  it('answers HEAD with headers only', async () => {
    svc = await startTestService({ initial: [backend('a')] });
    const res = await fetch(`${svc.url}/api/v1/backends`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('an oversized backend', () => {
  it('is served as a stub that says so, reported once in the log; the rest of the list is untouched', async () => {
    const huge = backend('huge', { metadata: { 'note.example.com/blob': 'x'.repeat(50_000) } });
    svc = await startTestService({ initial: [backend('a'), huge, backend('z')], httpLimits: { maxBackendBytes: 10_000 } });
    for (let i = 0; i < 2; i++) {
      const { body } = await page('');
      expect(body.backends.map((b) => b.id)).toEqual(['a', 'huge', 'z']);
      expect(body.backends[1]).toMatchObject({
        id: 'huge',
        name: 'huge',
        metadata: {},
        omitted: { reason: 'too-large', limitBytes: 10_000 },
      });
      expect(body.backends[1]!.omitted!.bytes).toBeGreaterThan(50_000);
      expect(body.backends[0]!.omitted).toBeUndefined();
    }
    const one = (await (await fetch(`${svc.url}/api/v1/backends/huge`)).json()) as { backend: { omitted?: unknown } };
    expect(one.backend.omitted).toBeDefined();
    const stream = await openEvents(`${svc.url}/api/v1/events`);
    clients.push(stream);
    const reset = JSON.parse((await stream.waitFor((e) => e.event === 'reset')).data) as { backends: { id: string; omitted?: unknown }[] };
    expect(reset.backends.map((b) => [b.id, b.omitted !== undefined])).toEqual([
      ['a', false],
      ['huge', true],
      ['z', false],
    ]);
    const reports = svc.logs.filter((l) => l.includes('backend too large to serve'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('"backend":"huge"');
    expect(reports[0]).not.toContain('xxxxxxxx');
  });
});

describe('a failing request', () => {
  it('becomes a 500 for that request, logged once; the service keeps serving', async () => {
    svc = await startTestService({ initial: [backend('a')] });
    const ctx = svc.service.context;
    const realRegistry = ctx.registry;
    // What the routes read, replaced by one that fails (the service's own timers keep the real one).
    ctx.registry = new Proxy(realRegistry, {
      get: (target, key, receiver) =>
        key === 'list'
          ? () => {
              throw new Error('list exploded');
            }
          : (Reflect.get(target, key, receiver) as unknown),
    });
    const failed = await fetch(`${svc.url}/api/v1/backends`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal_error', message: 'the request failed; the service logged the error' });
    const logged = svc.logs.filter((l) => l.includes('request failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('list exploded');
    expect(logged[0]).toContain('"path":"/api/v1/backends"');
    // Positive control: the same request works once the fault is gone, and other routes never stopped working.
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    ctx.registry = realRegistry;
    expect((await fetch(`${svc.url}/api/v1/backends`)).status).toBe(200);
  });

  it('that fails after its body started is cut off (the client sees an incomplete body), logged once', async () => {
    svc = await startTestService({ initial: [backend('a')] });
    const ctx = svc.service.context;
    const realWatcher = ctx.watcher!;
    ctx.watcher = Object.assign(Object.create(realWatcher) as typeof realWatcher, {
      status: () => {
        throw new Error('status exploded');
      },
    });
    await expect(fetch(`${svc.url}/api/v1/backends`).then((r) => r.text())).rejects.toThrow();
    await eventually(() => svc!.logs.some((l) => l.includes('status exploded')));
    expect(svc.logs.filter((l) => l.includes('request failed'))).toHaveLength(1);
    expect((await fetch(`${svc.url}/status`)).status).toBe(200);
  });
});

describe('the event stream reset', () => {
  it('?reset=version sends only {version, count}; events during a streamed reset follow it in order', async () => {
    svc = await startTestService({ initial: ids(3).map((id) => backend(id)) });
    const light = await openEvents(`${svc.url}/api/v1/events?reset=version`);
    clients.push(light);
    const reset = await light.waitFor((e) => e.event === 'reset');
    const epoch = svc.service.context.hub.epoch;
    expect(JSON.parse(reset.data)).toEqual({ version: 0, epoch, count: 3 });
    expect(reset.id).toBe(`${epoch}.0`);
    expect((await fetch(`${svc.url}/api/v1/events?reset=everything`)).status).toBe(400);
  });

  it('queues the events that happen while a large reset is written, and sends them after it', async () => {
    const big = 'y'.repeat(20_000);
    svc = await startTestService({ initial: ids(400).map((id) => backend(id, { metadata: { 'note.example.com/x': big } })) });
    const registry = svc.registry;
    const stream = await openEvents(`${svc.url}/api/v1/events`);
    clients.push(stream);
    // The reset is 8 MB: these land while it is still being written.
    registry.upsert(backend('late'));
    registry.remove('b000');
    await stream.waitFor((e) => e.event === 'remove', 20_000);
    const kinds = stream.events.filter((e) => e.event !== 'status').map((e) => [e.event, e.id]);
    const id = (v: number): string => svc!.service.context.hub.eventId(v);
    expect(kinds).toEqual([
      ['reset', id(0)],
      ['upsert', id(1)],
      ['remove', id(2)],
    ]);
    expect((JSON.parse(stream.events[0]!.data) as { backends: unknown[] }).backends).toHaveLength(400);
  });
});
