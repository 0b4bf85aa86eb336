/** A service with the feed on, its API port over TLS on 127.0.0.1, and a TLS client of it, for the feed's tests. */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import type { Backend } from '@vmcp/registry';
import type { Service } from '../src/app.ts';
import type { FeedAuthorizer } from '../src/feed/authorizer.ts';
import type { Feed } from '../src/feed/feed.ts';
import type { Reviews } from '../src/feed/kube-reviews.ts';
import type { TlsSettings } from '../src/feed/tls.ts';
import { startTestService, type TestService } from './helpers.ts';

/** A TLS client of a service's API port. */
export interface TlsClient {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  caPem: string;
  /** GET over TLS; the body as text (not for streams). */
  request(pathname: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Opens a feed stream with `token` and never reads from it. */
  openSilentStream(token: string): Promise<tls.TLSSocket>;
}

/** A client of `url` (an `https:` API port) trusting the CA in `caFile`. */
export function tlsClient(url: string, caFile: string): TlsClient {
  const base = url.replace(/\/$/, '');
  const caPem = readFileSync(caFile, 'utf8');
  const port = Number(new URL(base).port);
  return {
    url: base,
    caPem,
    request: (pathname, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = https.get(`${base}${pathname}`, { ca: caPem, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      }),
    openSilentStream: (token) =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' }, () => {
          socket.write(`GET /api/v1/feed/events HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${token}\r\n\r\n`);
          socket.pause();
          resolve(socket);
        });
        socket.on('error', reject);
      }),
  };
}

/** The feed and the access check of a running service (which must have the feed on). */
export function feedOf(service: Service): { feed: Feed; authorizer: FeedAuthorizer } {
  const feed = service.access?.feed;
  if (service.access === undefined || feed === undefined) throw new Error('the service has no feed');
  return { feed, authorizer: service.access.check.authorizer };
}

/** What {@link startFeedService} returns. */
export type FeedTestService = Omit<TestService, 'url'> & TlsClient & { feed: Feed; authorizer: FeedAuthorizer };

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
  /** Feed streams end after this long (then the client reconnects and is checked again). */
  maxStreamMs?: number;
  /** How long an allow is cached. */
  allowTtlMs?: number;
  authPublic?: boolean;
}

/** A test service (fake watcher) with `--feed` and TLS, as `createService` wires them. */
export async function startFeedService(options: FeedServiceOptions): Promise<FeedTestService> {
  const base = await startTestService({
    initial: options.initial ?? [],
    tls: options.tls,
    access: {
      reviews: options.reviews,
      audiences: ['vmcp-watcher'],
      feed: true,
      authPublic: options.authPublic ?? false,
      feedLimits: {
        ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
        ...(options.maxStreamMs === undefined ? {} : { maxStreamMs: options.maxStreamMs }),
      },
      ...(options.allowTtlMs === undefined ? {} : { limits: { allowTtlMs: options.allowTtlMs } }),
    },
  });
  if (options.synced !== false) base.watcher.sync();
  return { ...base, ...tlsClient(base.url.replace(/^http:/, 'https:'), options.ca), ...feedOf(base.service) };
}
