import type { PublicBackend } from '@vmcp/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { PLANTED_SECRETS, backend, openEvents, secretBackend, startTestService, type TestService } from './helpers.ts';

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

/** Backends holding every planted secret in every place a Backend can carry a secret value. */
function leakyBackends() {
  const [te, hi, hf] = PLANTED_SECRETS as [string, string, string];
  return [
    secretBackend('fetch'),
    backend('github', {
      authConfigRef: 'github-header-auth',
      authConfig: { type: 'header_injection', headerInjection: { headerName: 'Authorization', headerValue: `Bearer ${hi}` } },
    }),
    backend('custom', { authConfig: { type: 'my_plugin', custom: { apiKey: hf } } }),
    backend('xaa', {
      authConfig: {
        type: 'xaa',
        xaa: { idpTokenUrl: 'https://idp', idpClientSecret: te, targetTokenUrl: 'https://t', targetClientSecret: hi, targetAudience: 'a' },
      },
    }),
    backend('entry', {
      type: 'entry',
      baseUrl: `https://user:${hf}@docs.example.com/mcp`,
      caBundleData: `-----BEGIN CERTIFICATE-----\n${hf}\n-----END CERTIFICATE-----\n`,
      headerForward: { addHeadersFromSecret: { 'X-Api-Key': 'HEADER_FORWARD_X_API_KEY_ENTRY' } },
      headerForwardSecretValues: { 'X-Api-Key': te },
      metadata: { remote_url: `https://user:${hi}@docs.example.com/mcp` },
    }),
  ];
}

function assertClean(where: string, text: string): void {
  expect(PLANTED_SECRETS.length).toBeGreaterThanOrEqual(3);
  for (const secret of PLANTED_SECRETS) {
    if (text.includes(secret)) throw new Error(`planted secret found in ${where}`);
  }
}

describe('no secret value leaves the service', () => {
  it('in API answers, events, the page, metrics and logs', async () => {
    svc = await startTestService({ initial: leakyBackends() });
    svc.watcher.sync();
    // The test would be vacuous if the registry did not hold the secrets: check that it does.
    expect(JSON.stringify(svc.registry.list())).toContain(PLANTED_SECRETS[0]);

    const stream = await openEvents(`${svc.url}/api/v1/events`);
    await stream.waitFor((e) => e.event === 'reset');
    // Changes, so upsert and remove events carry secret-bearing backends too.
    svc.registry.upsert({ ...leakyBackends()[1]!, healthStatus: 'unhealthy' });
    svc.registry.remove('fetch');
    await stream.waitFor((e) => e.event === 'remove');
    const replay = await openEvents(`${svc.url}/api/v1/events?since=${svc.service.context.hub.eventId(0)}`);
    await replay.waitFor((e) => e.id === svc!.service.context.hub.eventId(2));

    const paths = [
      '/',
      '/status',
      '/api/v1/backends',
      '/api/v1/backends/github',
      '/api/v1/backends/xaa',
      '/api/v1/backends/entry',
      '/api/v1/backends/custom',
      '/readyz?verbose',
      '/healthz?verbose',
      '/api/v1/changes',
      '/api/v1/watcher',
    ];
    const urls = [...paths.map((p) => `${svc!.url}${p}`), `${svc.metricsUrl}/metrics`, `${svc.probesUrl}/readyz?verbose`];
    for (const url of urls) {
      const path = new URL(url).pathname;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      assertClean(path, await res.text());
    }
    const entry = (await (await fetch(`${svc.url}/api/v1/backends/entry`)).json()) as { backend: PublicBackend };
    expect(entry.backend.baseUrl).toBe('https://***@docs.example.com/mcp');
    expect(entry.backend.caBundle).toMatchObject({ present: true });
    expect(((await (await fetch(`${svc.url}/api/v1/backends/github`)).json()) as { backend: PublicBackend }).backend.authConfig).toEqual({
      type: 'header_injection',
      headerInjection: { headerName: 'Authorization' },
      redacted: ['headerInjection.headerValue'],
    });

    stream.close();
    replay.close();
    assertClean('event stream', stream.raw);
    assertClean('event replay', replay.raw);
    expect(stream.raw).toContain('"id":"github"');
    await svc.close();
    assertClean('logs', svc.logs.join(''));
    expect(svc.logs.length).toBeGreaterThan(3);
    svc = undefined;
  });
});
