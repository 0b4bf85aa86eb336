import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '@vmcp/registry';
import { backend, closeTestService, openEvents, startTestService, type SseClient, type TestService } from './helpers.ts';
import { leakedFragments, plantedUrlArb, type PlantedUrl } from '@vmcp/test-fixtures/hostile-urls';

let svc: TestService | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  await closeTestService(svc, clients);
  svc = undefined;
});

/** A backend whose every URL field is `planted.url` (a custom discoverer may store any string). */
function plantedBackend(id: string, planted: PlantedUrl): Backend {
  return backend(id, {
    baseUrl: planted.url,
    metadata: { tool_type: 'mcp', workload_type: 'server_entry', remote_url: planted.url },
    authConfig: { type: 'token_exchange', tokenExchange: { tokenUrl: planted.url, clientId: 'c' } },
  });
}

async function text(url: string): Promise<string> {
  return (await fetch(url)).text();
}

describe('a credential planted in a URL never leaves the service', () => {
  it('in no API answer, page, event (reset, live, replayed), metric or log line (generated URLs)', async () => {
    const planted = fc.sample(plantedUrlArb, { numRuns: 150, seed: 11 });
    const initial = planted.slice(0, 100).map((p, i) => plantedBackend(`b${String(i).padStart(3, '0')}`, p));
    svc = await startTestService({ initial, httpLimits: { defaultPageSize: 30 } });
    const stream = await openEvents(`${svc.url}/api/v1/events`);
    clients.push(stream);
    await stream.waitFor((e) => e.event === 'reset');
    // Live events for the other 50.
    planted.slice(100).forEach((p, i) => svc!.registry.upsert(plantedBackend(`live${i}`, p)));
    await stream.waitFor((e) => e.event === 'upsert' && e.data.includes('"live49"'));
    const replay = await openEvents(`${svc.url}/api/v1/events`, { 'last-event-id': `${svc.service.context.hub.epoch}.0` });
    clients.push(replay);
    await replay.waitFor((e) => e.event === 'upsert' && e.data.includes('"live49"'));

    const outputs: string[] = [stream.raw, replay.raw];
    let token: string | undefined;
    do {
      const page = await text(`${svc.url}/api/v1/backends${token === undefined ? '' : `?continue=${token}`}`);
      outputs.push(page);
      token = (JSON.parse(page) as { continue?: string }).continue;
    } while (token !== undefined);
    for (const id of [...initial.map((b) => b.id), 'live0', 'live49']) outputs.push(await text(`${svc.url}/api/v1/backends/${id}`));
    outputs.push(await text(`${svc.url}/status`), await text(`${svc.url}/`), await text(`${svc.metricsUrl}/metrics`));
    outputs.push(await text(`${svc.url}/api/v1/changes?limit=1000`));
    outputs.push(svc.logs.join('\n'));
    const all = outputs.join('\n');

    // Positive control: the backends are really there, with their (masked) URLs.
    expect(all).toContain('"b099"');
    expect(all).toContain('***@');
    for (const p of planted) expect(leakedFragments(all, p), p.url).toEqual([]);
  }, 60_000);
});
