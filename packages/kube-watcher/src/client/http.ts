import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  InactivityTimeoutError,
  KubeApiError,
  KubeTransportError,
  isAbortError,
  parseRetryAfter,
  type KubeStatus,
  type RequestTarget,
} from './errors.ts';
import { withKeepAlive } from './keep-alive.ts';

/** The HTTP methods of the Kubernetes API this client speaks. */
export type KubeMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A request body: serialised as JSON and sent with `contentType` (e.g. `application/merge-patch+json`). */
export interface RequestBody {
  contentType: string;
  value: unknown;
}

/** Options of one exchange with the API server (a GET unless `method` says otherwise). */
export interface ExchangeOptions {
  target: RequestTarget;
  /** Default `GET`. */
  method?: KubeMethod | undefined;
  /** Absolute API path, e.g. `/api/v1/namespaces/ns/secrets/x` (from `collectionPath`/`objectPath` of `@vmcp/api`). */
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
  accept: string;
  /** Sent as JSON. Never part of an error message: a body may hold Secret data. */
  body?: RequestBody | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Abort when no byte arrives for this long (from the request start, then from each chunk). This is what catches a
   * connection that died without a FIN: TCP keepalive alone takes minutes and a NAT/LB may never reset it.
   */
  inactivityTimeoutMs?: number | undefined;
  /** Called with each body chunk of a 2xx answer, in order. */
  onChunk: (chunk: Buffer) => void;
  /** Called once the server answered 2xx (headers received), before any chunk. */
  onResponse?: () => void;
}

/** Cap on error bodies we keep: a Status is small, anything bigger is not worth holding. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The one HTTP client of this project for the Kubernetes API: reads, writes and watch streams. `@kubernetes/client-node` is used only for what it does well —
 * reading a kubeconfig and producing auth headers and a TLS agent — while requests, streaming, timeouts and error
 * mapping are ours (its Watch/ListWatch give no inactivity deadline, no typed errors and no metadata-only
 * projection; see docs/architecture.md, "Contracts").
 */
export class KubeHttpClient {
  readonly kubeConfig: KubeConfig;
  readonly #server: URL;
  readonly #userAgent: string;

  constructor(kubeConfig: KubeConfig, options: { userAgent?: string } = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kube config has no current cluster');
    this.kubeConfig = kubeConfig;
    this.#server = new URL(cluster.server);
    this.#userAgent = options.userAgent ?? 'vmcp-watcher';
  }

  /** The API server's base URL (for messages). */
  get server(): string {
    return this.#server.origin;
  }

  /** Builds the full URL: keeps a path prefix of the server URL (API proxies such as Rancher use one). */
  url(path: string, query?: Readonly<Record<string, string | undefined>>): URL {
    const prefix = this.#server.pathname.replace(/\/+$/, '');
    const url = new URL(prefix + path, this.#server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  /** GET and parse a JSON body. Throws KubeApiError / KubeTransportError / InactivityTimeoutError / AbortError. */
  async getJson<T>(opts: Omit<ExchangeOptions, 'onChunk' | 'method' | 'body'>): Promise<T> {
    return this.requestJson<T>(opts);
  }

  /**
   * One request with a JSON answer (reads and writes alike). An empty 2xx body resolves `undefined`. Throws as
   * `getJson` does.
   */
  async requestJson<T>(opts: Omit<ExchangeOptions, 'onChunk'>): Promise<T> {
    const chunks: Buffer[] = [];
    await this.exchange({ ...opts, onChunk: (c) => chunks.push(c) });
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '' && opts.method !== undefined && opts.method !== 'GET') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new KubeTransportError(opts.target, `malformed JSON answer (${text.length} bytes)`, { cause: err });
    }
  }

  /**
   * One request, its 2xx body streamed to `onChunk`. Resolves when the server ends a 2xx body; rejects with a typed
   * error for a non-2xx status, a transport failure, the inactivity deadline, or the caller's abort (an AbortError).
   */
  async exchange(opts: ExchangeOptions): Promise<void> {
    opts.signal?.throwIfAborted();
    // Per request: an exec/OIDC/token-file credential may have been refreshed since the previous one.
    const reqOpts: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(reqOpts);
    reqOpts.agent = withKeepAlive(reqOpts.agent);
    opts.signal?.throwIfAborted();
    const url = this.url(opts.path, opts.query);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = {
      ...(reqOpts.headers as Record<string, string>),
      Accept: opts.accept,
      'User-Agent': this.#userAgent,
    };
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body.value);
    if (opts.body !== undefined && payload !== undefined) {
      headers['Content-Type'] = opts.body.contentType;
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err instanceof Error ? err : new Error(typeof err === 'string' ? err : 'request failed'));
      };
      const req = transport.request(url, { ...reqOpts, method: opts.method ?? 'GET', headers });
      const onAbort = (): void => {
        const reason: unknown = opts.signal?.reason;
        const err = reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
        req.destroy(err);
        finish(err);
      };
      const arm = (): void => {
        if (opts.inactivityTimeoutMs === undefined) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const err = new InactivityTimeoutError(opts.target, opts.inactivityTimeoutMs ?? 0);
          req.destroy(err);
          finish(err);
        }, opts.inactivityTimeoutMs);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      req.on('socket', (socket) => {
        // Belt and braces under the inactivity deadline: let the kernel probe an idle connection too.
        socket.setKeepAlive(true, 30_000);
      });
      req.on('error', (err) => {
        if (settled) return;
        finish(isAbortError(err) ? err : new KubeTransportError(opts.target, err.message, { cause: err }));
      });
      req.on('response', (res) => {
        arm();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          try {
            opts.onResponse?.();
          } catch (err) {
            req.destroy();
            finish(err);
            return;
          }
          res.on('data', (chunk: Buffer) => {
            arm();
            if (settled) return;
            try {
              opts.onChunk(chunk);
            } catch (err) {
              req.destroy();
              finish(err);
            }
          });
          res.on('end', () => finish());
          res.on('error', (err) => finish(settled ? undefined : new KubeTransportError(opts.target, err.message, { cause: err })));
          res.on('aborted', () => finish(new KubeTransportError(opts.target, 'connection closed mid-answer')));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          arm();
          if (size < MAX_ERROR_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', (err) => finish(new KubeTransportError(opts.target, err.message, { cause: err })));
        res.on('end', () => {
          let body: KubeStatus | undefined;
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (parsed && typeof parsed === 'object') body = parsed;
          } catch {
            // Not a Status (a proxy's HTML page, say): the HTTP status alone still says what happened.
          }
          finish(new KubeApiError(opts.target, status, body, parseRetryAfter(res.headers['retry-after'])));
        });
      });
      req.end(payload);
    });
  }
}
