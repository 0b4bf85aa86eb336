import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { ControlPlane, ControlPlaneOptions } from '../control-plane.ts';
import { startControlPlane } from '../control-plane.ts';
import { planeInfo } from './plane-info.ts';
import type { AcquireRequest, SharedPlaneInfo } from './protocol.ts';

/** The shared control plane, started on the first `acquire`. */
export interface Broker {
  url: string;
  token: string;
  /** The plane if some test asked for it. */
  plane(): ControlPlane | undefined;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_BODY) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * A tiny HTTP server in the Vitest main process. Worker processes cannot call into the global setup, so they ask
 * it over loopback: the first `POST /acquire` starts the one control plane of the run (so a run whose selected
 * files need no cluster never starts one), later calls share it, and every distinct CRD path is installed once.
 */
export async function startBroker(opts: { planeOptions: ControlPlaneOptions; log: (line: string) => void }): Promise<Broker> {
  const token = randomBytes(24).toString('hex');
  let planePromise: Promise<ControlPlane> | undefined;
  let plane: ControlPlane | undefined;
  const installed = new Map<string, Promise<unknown>>();
  let closing = false;

  const acquire = async (req: AcquireRequest): Promise<SharedPlaneInfo> => {
    if (closing) throw new Error('the test run is ending; the control plane is being stopped');
    planePromise ??= (async () => {
      opts.log('starting the shared control plane (etcd + kube-apiserver) for this test run…');
      const cp = await startControlPlane(opts.planeOptions);
      plane = cp;
      const s = cp.stats();
      const mb = (b: number | undefined): string => (b === undefined ? '?' : `${Math.round(b / 1048576)} MB`);
      opts.log(
        `control plane ready at ${cp.server} in ${(s.totalStartMs / 1000).toFixed(1)} s ` +
          `(etcd ${s.etcdStartMs} ms, kube-apiserver ${s.apiServerStartMs} ms; RSS etcd ${mb(s.etcdRssBytes)}, kube-apiserver ${mb(s.apiServerRssBytes)}); kubeconfig ${cp.kubeconfigPath}`,
      );
      return cp;
    })();
    const cp = await planePromise;
    for (const p of req.crds ?? []) {
      const key = path.resolve(p);
      let pending = installed.get(key);
      if (!pending) {
        pending = cp.installCRDs([key]);
        installed.set(key, pending);
        // A failed install is retried by the next caller rather than cached as a failure forever.
        pending.catch(() => installed.delete(key));
      }
      await pending;
    }
    return planeInfo(cp);
  };

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'bad token' });
    if (req.method !== 'POST' || req.url !== '/acquire') return reply(404, { error: 'only POST /acquire' });
    readBody(req)
      .then((body) => acquire(body ? (JSON.parse(body) as AcquireRequest) : {}))
      .then(
        (info) => reply(200, info),
        (error: unknown) => reply(500, { error: error instanceof Error ? error.message : String(error) }),
      )
      .catch(() => res.destroy());
  });
  // Start-up can take a while on a busy machine; never cut a waiting worker off.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref();
  const addr = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${addr.port}`,
    token,
    plane: () => plane,
    async close() {
      closing = true;
      server.close();
      server.closeAllConnections();
      const cp = await planePromise?.catch(() => undefined);
      await cp?.stop();
    },
  };
}
