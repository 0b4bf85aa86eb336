import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { livenessHandler, readinessHandler, type NextFunction } from '../src/index.ts';
import { FakeSource, listen } from './helpers.ts';

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: NextFunction) => void;

/** The smallest connect: run middleware in order, each calling next() to pass on; 404 at the end. */
function chain(...stack: Middleware[]): http.RequestListener {
  return (req, res) => {
    let index = 0;
    const next: NextFunction = (error) => {
      const layer = stack[index++];
      if (error !== undefined || layer === undefined) {
        res.writeHead(error === undefined ? 404 : 500, { 'content-type': 'text/plain' });
        res.end(error === undefined ? 'fallthrough' : 'error');
        return;
      }
      layer(req, res, next);
    };
    next();
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('connect-style middleware', () => {
  it('answers only its own paths and passes everything else to next()', async () => {
    const source = new FakeSource();
    const server = await listen(
      chain(livenessHandler({ watcher: source }), readinessHandler({ watcher: source, timeoutMs: 50 }), (_req, res) => {
        res.end('app');
      }),
    );
    closers.push(server.close);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/ping`)).json()).toEqual({ status: 'ok' });
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    source.sync();
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', mode: 'dynamic' });
    expect(await (await fetch(`${server.url}/other`)).text()).toBe('app');
    expect(source.waits).toBe(1);
  });

  it('falls through to the end of the chain for unknown paths', async () => {
    const server = await listen(chain(readinessHandler(), livenessHandler()));
    closers.push(server.close);
    const res = await fetch(`${server.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('fallthrough');
  });

  it('honours a custom path and Express-style originalUrl under a mount point', async () => {
    // Express's app.use('/probes', mw) strips the mount from req.url and keeps the full path in originalUrl.
    const mount: Middleware = (req, _res, next) => {
      if (req.url?.startsWith('/probes/') === true) {
        Object.assign(req, { originalUrl: req.url });
        req.url = req.url.slice('/probes'.length);
      }
      next();
    };
    const server = await listen(chain(mount, readinessHandler({ path: '/probes/ready' })));
    closers.push(server.close);
    expect(await (await fetch(`${server.url}/probes/ready`)).json()).toEqual({ status: 'ready', mode: 'static' });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(404);
  });
});
