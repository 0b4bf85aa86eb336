/** The pool against real SDK servers on loopback: headers, auth, token exchange, TLS with a CA bundle, both transports. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPki, type PkiFiles } from '@vmcp/envtest';
import { createDynamicRegistry } from '@vmcp/registry';
import { BackendPool } from '../src/index.ts';
import { backend } from './helpers.ts';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const HEADER_SECRET = 'hdr-secret-PLANTED-41';
const INJECTED = 'injected-PLANTED-42';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const server = await startLoopbackServer(options);
  cleanups.push(() => server.close());
  return server;
}

function newPool(options: Partial<ConstructorParameters<typeof BackendPool>[0]> = {}) {
  const registry = createDynamicRegistry();
  const pool = new BackendPool({ registry, backoff: { initialMs: 50, maxMs: 200 }, ...options });
  cleanups.push(() => pool.close());
  return { registry, pool };
}

const WAIT = { timeout: 20_000, interval: 50 };

describe('BackendPool over HTTP', () => {
  it.each(['streamable-http', 'sse'] as const)(
    '%s: header injection and forwarded headers on every request, auth winning',
    async (transport) => {
      const server = await serve({ name: 'docs', tools: ['search'], transport });
      const { registry, pool } = newPool();
      registry.upsert(
        backend('docs', {
          baseUrl: server.url,
          transportType: transport,
          authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: INJECTED } },
          headerForward: {
            addPlaintextHeaders: { 'X-Tenant': 'acme', 'X-Api-Key': 'forwarded-loses' },
            addHeadersFromSecret: { 'X-Partner-Key': 'HEADER_FORWARD_X_PARTNER_KEY_DOCS' },
          },
          headerForwardSecretValues: { 'X-Partner-Key': HEADER_SECRET },
        }),
      );
      await vi.waitFor(() => expect(pool.tools().map((t) => t.name)).toEqual(['docs_search']), WAIT);
      const result = await pool.callTool('docs_search', { text: 'q' });
      expect(result.content).toEqual([{ type: 'text', text: 'docs/search: q' }]);
      const headers = server.callHeaders.get('search')!.at(-1)!;
      expect(headers['x-api-key']).toBe(INJECTED);
      expect(headers['x-tenant']).toBe('acme');
      expect(headers['x-partner-key']).toBe(HEADER_SECRET);
      expect(server.requests.length).toBeGreaterThan(1);
      for (const request of server.requests) expect(request['x-partner-key']).toBe(HEADER_SECRET);
    },
  );

  it('token_exchange: the subject token of the call context is exchanged (RFC 8693) and cached', async () => {
    const exchanges: URLSearchParams[] = [];
    const sts = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        exchanges.push(form);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: `exchanged-${form.get('subject_token')}`, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => sts.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => sts.close(() => r())));
    const server = await serve({ name: 'api', tools: ['whoami'] });
    const { registry, pool } = newPool({
      auth: { subjectToken: ({ context }) => `token-of-${(context as { user?: string } | undefined)?.user ?? 'gateway'}` },
    });
    registry.upsert(
      backend('api', {
        baseUrl: server.url,
        authConfig: {
          type: 'token_exchange',
          tokenExchange: {
            tokenUrl: `http://127.0.0.1:${(sts.address() as AddressInfo).port}/token`,
            clientId: 'gw',
            clientSecret: 'cs',
            audience: 'api',
          },
        },
      }),
    );
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), WAIT);
    await pool.callTool('api_whoami', {}, { context: { user: 'alice' } });
    await pool.callTool('api_whoami', {}, { context: { user: 'alice' } });
    await pool.callTool('api_whoami', {}, { context: { user: 'bob' } });
    expect(server.callHeaders.get('whoami')!.map((h) => h.authorization)).toEqual([
      'Bearer exchanged-token-of-alice',
      'Bearer exchanged-token-of-alice',
      'Bearer exchanged-token-of-bob',
    ]);
    // One exchange per subject token: the gateway's own (initialize, list), alice, bob.
    expect(exchanges.map((f) => f.get('subject_token'))).toEqual(['token-of-gateway', 'token-of-alice', 'token-of-bob']);
    expect(exchanges[0]!.get('audience')).toBe('api');
  });

  describe('TLS', () => {
    let pki: PkiFiles;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'vmcp-gateway-pki-'));
      pki = await createPki(dir);
    }, 60_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('caBundleData trusts a private CA for that backend only', async () => {
      const tls = { cert: readFileSync(pki.apiserverCert, 'utf8'), key: readFileSync(pki.apiserverKey, 'utf8') };
      const server = await serve({ name: 'secure', tools: ['t'], tls });
      const { registry, pool } = newPool();
      const ca = readFileSync(pki.servingCaCert, 'utf8');
      registry.upsert(backend('with-ca', { baseUrl: server.url, caBundleData: ca }));
      registry.upsert(backend('without-ca', { baseUrl: server.url }));
      await vi.waitFor(() => expect(pool.tools().map((t) => t.name)).toEqual(['with-ca_t']), WAIT);
      expect((await pool.callTool('with-ca_t', { text: 'tls' })).content).toEqual([{ type: 'text', text: 'secure/t: tls' }]);
      await vi.waitFor(() => expect(pool.health('without-ca')).toMatchObject({ state: 'retrying', health: 'unhealthy' }), WAIT);
      expect(pool.health('without-ca')?.reason).toMatch(/^connect failed: /);
    });
  });
});
