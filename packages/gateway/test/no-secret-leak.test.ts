/** A backend that echoes the credentials it received in its error answers: none of them may reach a reason, log or event. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import { createDynamicRegistry } from '@vmcp/registry';
import { BackendPool } from '../src/index.ts';
import { backend } from './helpers.ts';

const INJECTED = 'injected-PLANTED-7f1';
const FORWARDED = 'forwarded-PLANTED-8e2';
const CLIENT_SECRET = 'client-secret-PLANTED-9d3';
const PLANTED = [INJECTED, FORWARDED, CLIENT_SECRET];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('credentials echoed back by a failing backend or token endpoint never appear in reasons, logs, events or errors', async () => {
  const received: string[] = [];
  const echo = await listen((req, res) => {
    const seen = `${String(req.headers['x-api-key'])} ${String(req.headers['x-partner'])} ${String(req.headers.authorization)}`;
    received.push(seen);
    res.writeHead(401, { 'content-type': 'text/plain' }).end(`denied: ${seen}`);
  });
  const sts = await listen((req, res) => {
    received.push(String(req.headers.authorization));
    const basic = Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString();
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'invalid_client', error_description: `bad ${basic}` }));
  });

  const output: string[] = [];
  const record = (...parts: unknown[]) => void output.push(JSON.stringify(parts));
  const registry = createDynamicRegistry();
  const pool = new BackendPool({
    registry,
    backoff: { initialMs: 50, maxMs: 100 },
    auth: { subjectToken: () => 'subject' },
    logger: { debug: record, info: record, warn: record, error: record },
    metrics: { connection: record, probe: record, call: record },
  });
  closers.push(() => pool.close());
  pool.on('healthChanged', record);
  pool.on('toolsChanged', record);
  registry.upsert(
    backend('echo', {
      baseUrl: `${echo}/mcp`,
      authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: INJECTED } },
      headerForward: { addHeadersFromSecret: { 'X-Partner': 'HEADER_FORWARD_X_PARTNER_ECHO' } },
      headerForwardSecretValues: { 'X-Partner': FORWARDED },
    }),
  );
  registry.upsert(
    backend('exchange', {
      baseUrl: `${echo}/mcp`,
      authConfig: { type: 'token_exchange', tokenExchange: { tokenUrl: `${sts}/token`, clientId: 'gw', clientSecret: CLIENT_SECRET } },
    }),
  );

  await vi.waitFor(
    () => {
      expect(pool.health('echo')?.state).toBe('retrying');
      expect(pool.health('exchange')?.state).toBe('retrying');
    },
    { timeout: 20_000, interval: 20 },
  );
  await expect(pool.callTool('echo_anything')).rejects.toThrow('not offered');
  record(pool.healthAll());

  // Positive control: the secrets were sent, and echoed back, so there was something to leak.
  expect(received.join(' ')).toContain(INJECTED);
  expect(received.join(' ')).toContain(FORWARDED);
  expect(pool.health('echo')?.reason).toContain('***');
  expect(pool.health('exchange')?.reason).toContain('HTTP 400 invalid_client');
  const text = output.join('\n');
  for (const secret of PLANTED) expect(text.includes(secret), `planted value in: ${text.slice(0, 300)}`).toBe(false);
});
