import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../src/index.ts';
import { backend, closeTestService, openEvents, startTestService, watcherStatus, type SseClient, type TestService } from './helpers.ts';

let svc: TestService | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  await closeTestService(svc, clients);
  svc = undefined;
});

/** The event id of `version` in the running service. */
function id(version: number): string {
  return `${svc!.service.context.hub.epoch}.${version}`;
}

async function events(path = '/api/v1/events', headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await openEvents(`${svc!.url}${path}`, headers);
  clients.push(client);
  return client;
}

describe('/api/v1/events', () => {
  it('starts with a reset of the full list, then streams upsert/remove with <epoch>.<version> as id', async () => {
    svc = await startTestService({ initial: [backend('a')] });
    const epoch = svc.service.context.hub.epoch;
    expect(epoch).toMatch(/^[a-z0-9]{8,32}$/);
    const stream = await events();
    expect(stream.status).toBe(200);
    const reset = await stream.waitFor((e) => e.event === 'reset');
    expect(reset.id).toBe(id(0));
    expect(JSON.parse(reset.data)).toMatchObject({ version: 0, epoch, backends: [{ id: 'a' }] });

    svc.registry.upsert(backend('b'));
    svc.registry.upsert(backend('b', { healthStatus: 'unhealthy' }));
    svc.registry.remove('a');
    const removed = await stream.waitFor((e) => e.event === 'remove');
    const changes = stream.events.filter((e) => e.event === 'upsert' || e.event === 'remove');
    expect(changes.map((e) => [e.id, e.event])).toEqual([
      [id(1), 'upsert'],
      [id(2), 'upsert'],
      [id(3), 'remove'],
    ]);
    expect(JSON.parse(changes[1]!.data)).toMatchObject({ id: 'b', healthStatus: 'unhealthy' });
    expect(JSON.parse(removed.data)).toMatchObject({ id: 'a' });
    // Framing: every event is `id`, `event`, one `data` line, blank line.
    expect(stream.raw).toMatch(/^retry: 2000\n\n/);
    expect(stream.raw).toContain(`id: ${id(1)}\nevent: upsert\ndata: {`);
  });

  it('resumes from Last-Event-ID or ?since= with exactly the missed events', async () => {
    svc = await startTestService();
    for (const id of ['a', 'b', 'c', 'd']) svc.registry.upsert(backend(id));
    const byHeader = await events('/api/v1/events', { 'last-event-id': id(2) });
    await byHeader.waitFor((e) => e.id === id(4));
    expect(byHeader.events.filter((e) => e.id !== undefined).map((e) => `${e.id}:${e.event}`)).toEqual([
      `${id(3)}:upsert`,
      `${id(4)}:upsert`,
    ]);

    const bySince = await events(`/api/v1/events?since=${id(3)}`);
    await bySince.waitFor((e) => e.id === id(4));
    svc.registry.upsert(backend('e'));
    await bySince.waitFor((e) => e.id === id(5));
    expect(bySince.events.filter((e) => e.id !== undefined).map((e) => e.id)).toEqual([id(4), id(5)]);

    const upToDate = await events(`/api/v1/events?since=${id(5)}`);
    svc.registry.remove('e');
    await upToDate.waitFor((e) => e.id === id(6));
    expect(upToDate.events.filter((e) => e.id !== undefined).map((e) => e.id)).toEqual([id(6)]);
  });

  it('sends a reset when the requested version is older than the buffer, from the future, from another epoch or without one', async () => {
    svc = await startTestService({ sseBufferSize: 3 });
    for (let i = 0; i < 6; i++) svc.registry.upsert(backend(`b${i}`)); // versions 1..6; buffer keeps 4..6
    // Positive control: inside the buffer, same epoch, exactly the missed events and no reset.
    const justInside = await events(`/api/v1/events?since=${id(3)}`);
    await justInside.waitFor((e) => e.id === id(6));
    expect(justInside.events.filter((e) => e.id !== undefined).map((e) => `${e.id}:${e.event}`)).toEqual([
      `${id(4)}:upsert`,
      `${id(5)}:upsert`,
      `${id(6)}:upsert`,
    ]);

    const tooOld = await events(`/api/v1/events?since=${id(2)}`);
    const reset = await tooOld.waitFor((e) => e.event === 'reset');
    expect(reset.id).toBe(id(6));
    expect(JSON.parse(reset.data).backends).toHaveLength(6);
    expect(tooOld.events.some((e) => e.event === 'upsert')).toBe(false);

    const future = await events('/api/v1/events', { 'last-event-id': id(99) });
    expect((await future.waitFor((e) => e.event === 'reset')).id).toBe(id(6));

    // Version 4 is in the buffer, but it was counted by another process: its contents may differ entirely.
    const otherEpoch = await events('/api/v1/events', { 'last-event-id': 'zzzz0000.4' });
    expect((await otherEpoch.waitFor((e) => e.event === 'reset')).id).toBe(id(6));
    expect(otherEpoch.events.some((e) => e.event === 'upsert')).toBe(false);

    const bare = await events('/api/v1/events?since=4');
    expect((await bare.waitFor((e) => e.event === 'reset')).id).toBe(id(6));
  });

  it('rejects a malformed resume point with 400', async () => {
    svc = await startTestService();
    for (const bad of ['abc', 'ABC.1', 'a.b', '1.2.3', `${'a'.repeat(33)}.1`]) {
      const res = await fetch(`${svc.url}/api/v1/events?since=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_request' });
    }
  });

  it('limits concurrent clients with 503 and admits again after one leaves', async () => {
    svc = await startTestService({ maxSseClients: 2 });
    const first = await events();
    await events();
    const third = await fetch(`${svc.url}/api/v1/events`);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(await third.json()).toMatchObject({ error: 'too_many_clients', maxClients: 2 });
    first.close();
    await sleep(100);
    const fourth = await events();
    expect(fourth.status).toBe(200);
    expect(svc.service.context.hub.clientCount).toBe(2);
  });

  it('sends heartbeats and status events (sync state, exclusions)', async () => {
    svc = await startTestService({ sseHeartbeatMs: 50 });
    const stream = await events();
    await sleep(160);
    expect(stream.raw).toMatch(/: heartbeat \d{4}-/);
    expect(JSON.parse((await stream.waitFor((e) => e.event === 'status')).data)).toMatchObject({
      mode: 'dynamic',
      groupRef: 'engineering',
      watcher: { synced: false },
    });
    svc.watcher.statusState = watcherStatus({ exclusions: { x: { code: 'no-url', message: 'm', since: 's' } } });
    svc.watcher.sync();
    const synced = await stream.waitFor((e) => e.event === 'status' && (JSON.parse(e.data) as StatusEvent).watcher?.synced === true);
    expect(synced.id).toBeUndefined();
    expect(Object.keys((JSON.parse(synced.data) as StatusEvent).watcher?.exclusions ?? {})).toEqual(['x']);
  });

  it('ends every stream on shutdown', async () => {
    svc = await startTestService();
    const stream = await events();
    await stream.waitFor((e) => e.event === 'reset');
    const closed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (svc!.service.context.hub.clientCount === 0) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    await svc.close();
    await closed;
    expect(svc.watcher.stopped).toBe(true);
    svc = undefined;
  });
});
