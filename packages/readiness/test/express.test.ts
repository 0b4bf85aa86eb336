import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import { livenessHandler, readinessHandler, type ReadinessBody, type ReadinessOptions } from '../src/index.ts';
import { createExpressApp } from './examples/express-app.ts';
import { FakeSource, expectLivenessFailsWithoutErrorText, readinessContract } from './helpers.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(async (server) => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** `app.listen` on 127.0.0.1 and a random port, as a real Express deployment starts. */
async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The README's Express app, served for real. */
const serveExample = (options: ReadinessOptions): Promise<string> => serve(createExpressApp(options));

// The README app answers readiness twice: at the root (`/readyz`) and under the `/probes` mount, where Express
// rewrites req.url to `/readyz` and keeps `/probes/readyz` in req.originalUrl.
describe.each(['/readyz', '/probes/readyz'])('Express 5: readiness middleware at %s', (path) => {
  // ?verbose is read from originalUrl under the mount.
  readinessContract(async (options) => {
    const url = await serveExample(options);
    return (query = '') => fetch(`${url}${path}${query}`);
  });

  it('answers 503 watcher_failed at once after a fatal watcher error', async () => {
    const source = new FakeSource();
    source.fatal = new Error('boom');
    const url = await serveExample({ watcher: source });
    const res = await fetch(`${url}${path}`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'watcher_failed' });
    expect(source.waits).toBe(0);
  });

  it('stops waiting when the client disconnects', async () => {
    const source = new FakeSource();
    const url = await serveExample({ watcher: source, timeoutMs: 60_000 });
    const client = new AbortController();
    const pending = fetch(`${url}${path}`, { signal: client.signal });
    await eventually(() => source.waits === 1);
    client.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => source.lastSignal?.aborted === true);
  });

  it('sends headers only for HEAD and 405 for other methods', async () => {
    const url = await serveExample({});
    const head = await fetch(`${url}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
    const post = await fetch(`${url}${path}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('Express 5: liveness middleware', () => {
  it('answers ok on its paths, then 503 after a fatal watcher error', async () => {
    const source = new FakeSource();
    const url = await serveExample({ watcher: source });
    for (const path of ['/health', '/healthz', '/ping']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{"status":"ok"}');
    }
    await expectLivenessFailsWithoutErrorText(() => fetch(`${url}/healthz?verbose`), source);
  });
});

describe('Express 5: everything else reaches the next handlers', () => {
  it('passes other paths on to the app routes and to the final 404 handler', async () => {
    const source = new FakeSource();
    const url = await serveExample({ watcher: source, timeoutMs: 50 });
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe('your app');
    for (const path of ['/nothing-here', '/readyz/more', '/probes/other', '/probes/healthz', '/probes']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('Cannot GET');
    }
    expect(source.waits).toBe(0);
  });

  it('lets later middleware and routes see the request untouched, even for the same path', async () => {
    const app = express();
    app.use(readinessHandler({ path: '/ready' }));
    app.use(livenessHandler({ paths: ['/alive'] }));
    app.get('/readyz', (req, res) => {
      res.json({ route: 'app', url: req.url });
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/ready`)).json()).toEqual({ status: 'ready', mode: 'static' });
    expect(await (await fetch(`${url}/alive`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz?x=1`)).json()).toEqual({ route: 'app', url: '/readyz?x=1' });
  });

  it('matches `path` against originalUrl in nested routers: the default /readyz does not answer under a mount', async () => {
    const probes = express.Router();
    probes.use(readinessHandler({ path: '/api/probes/ready' })); // the full path, mount prefixes included
    probes.use(readinessHandler()); // default /readyz: req.url is /readyz here, but originalUrl is not
    const api = express.Router();
    api.use('/probes', probes);
    const app = express();
    app.use('/api', api);
    const url = await serve(app);
    const res = await fetch(`${url}/api/probes/ready?verbose`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ReadinessBody).checks!.map((c) => c.line)).toEqual(['[+]static-mode ok']);
    expect((await fetch(`${url}/api/probes/readyz`)).status).toBe(404);
  });
});
