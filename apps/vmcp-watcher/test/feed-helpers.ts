/** A service with the feed on, served over TLS on 127.0.0.1, for the feed's tests. */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Backend } from '@vmcp/registry';
import type { ServiceContext } from '../src/http/context.ts';
import { createRequestListener } from '../src/http/server.ts';
import { createFeed, type Feed } from '../src/feed/feed.ts';
import type { Reviews } from '../src/feed/kube-reviews.ts';
import { createTlsServer, type TlsSettings } from '../src/feed/tls.ts';
import { startTestService, type TestService } from './helpers.ts';

/** What {@link startFeedService} returns. */
export interface FeedTestService extends Omit<TestService, 'url' | 'close'> {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  feed: Feed;
  caPem: string;
  /** GET over TLS; the body as text. */
  request(pathname: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  reloadTls(): Promise<boolean>;
  /** Opens a feed stream with `token` and never reads from it. */
  openSilentStream(token: string): Promise<tls.TLSSocket>;
  close(): Promise<void>;
}

/** Options of {@link startFeedService}. */
export interface FeedServiceOptions {
  reviews: Reviews;
  tls: TlsSettings;
  /** The CA file that signs `tls`. */
  ca: string;
  initial?: Backend[];
  /** The fake watcher has synced. Default true. */
  synced?: boolean;
  maxBufferedBytes?: number;
}

export async function startFeedService(options: FeedServiceOptions): Promise<FeedTestService> {
  const base = await startTestService({ initial: options.initial ?? [] });
  if (options.synced !== false) base.watcher.sync();
  const served = await serveFeed(base.service.context, options);
  return {
    ...base,
    ...served,
    close: async () => {
      await served.close();
      await base.close();
    },
  };
}

/** The feed of a running service, served over TLS on 127.0.0.1 next to its routes. */
export type ServedFeed = Pick<FeedTestService, 'url' | 'feed' | 'caPem' | 'request' | 'reloadTls' | 'openSilentStream' | 'close'> & {
  port: number;
};

/** Serves the feed of `ctx` (plus the service's own routes) over TLS. */
export async function serveFeed(ctx: ServiceContext, options: Omit<FeedServiceOptions, 'initial' | 'synced'>): Promise<ServedFeed> {
  const feed = createFeed({
    context: ctx,
    reviews: options.reviews,
    audiences: ['vmcp-watcher'],
    authPublic: false,
    ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
  });
  const plain = createRequestListener(ctx);
  const served = createTlsServer(
    (req, res) => {
      const route = feed.routes[new URL(req.url ?? '/', 'https://localhost').pathname];
      if (route === undefined) plain(req, res);
      else void route(req, res, new URL(req.url ?? '/', 'https://localhost'));
    },
    { ...options.tls, logger: ctx.logger, pollMs: 60_000 },
  );
  await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
  const port = (served.server.address() as AddressInfo).port;
  const caPem = readFileSync(options.ca, 'utf8');
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    port,
    feed,
    caPem,
    request: (pathname, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = https.get(`${url}${pathname}`, { ca: caPem, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      }),
    reloadTls: () => served.reload(),
    openSilentStream: (token) =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' }, () => {
          socket.write(`GET /api/v1/feed/events HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${token}\r\n\r\n`);
          socket.pause();
          resolve(socket);
        });
        socket.on('error', reject);
      }),
    close: async () => {
      feed.close();
      served.close();
      served.server.closeAllConnections();
      await new Promise<void>((resolve) => served.server.close(() => resolve()));
    },
  };
}
