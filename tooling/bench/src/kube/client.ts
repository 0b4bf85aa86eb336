/**
 * A small Kubernetes REST client over plain `node:https`, configured from a `KubeConfig` with
 * `applyToHTTPSOptions` — the same HTTP stack the watcher uses (per-request TLS options, a keep-alive agent), so
 * the baseline measures the API server and JSON decoding, not a different HTTP library.
 *
 * The bench uses it for three jobs: the bare list+watch baseline, the load generator (writes), and the
 * convergence oracle (reads). It decodes JSON and nothing else.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { withKeepAlive } from '@vmcp/kube-watcher';
import { LineSplitter } from './ndjson.ts';

/** A non-2xx answer. `body` is the decoded `metav1.Status` when there was one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : '';
    super(`${method} ${path}: HTTP ${status}${message === '' ? '' : `: ${message}`}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.body = body;
  }
}

/** Content types of the patch strategies the bench uses. */
export const MERGE_PATCH = 'application/merge-patch+json';
/** Accept header that makes the API server answer a watch with `PartialObjectMetadata` (as the watcher does for Secrets). */
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
/** Accept header for a metadata-only list. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Whole-request deadline; default 30 s. */
  timeoutMs?: number;
}

/** A running watch: `done` settles when the server ends the stream (resolves) or the connection fails (rejects). */
export interface WatchHandle {
  readonly done: Promise<void>;
  /** Closes the stream; `done` then resolves. */
  close(): void;
}

/** One decoded watch event. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

// The watcher's own keep-alive agent: the baseline must use the same HTTP stack. Without keep-alive, at 200
// writes/s the TLS handshakes (on the writer and the API server) were the biggest CPU cost of the churn phase.
export class KubeClient {
  readonly #kubeConfig: KubeConfig;
  readonly #server: URL;

  /** @throws Error when the kube config has no current cluster. */
  constructor(kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kube config has no current cluster');
    this.#kubeConfig = kubeConfig;
    this.#server = new URL(cluster.server);
  }

  get kubeConfig(): KubeConfig {
    return this.#kubeConfig;
  }

  async #options(method: string, accept: string, contentType?: string): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { method, headers: {} };
    await this.#kubeConfig.applyToHTTPSOptions(opts);
    opts.agent = withKeepAlive(opts.agent);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>), Accept: accept, 'User-Agent': 'vmcp-bench' };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    opts.headers = headers;
    return opts;
  }

  #url(path: string): URL {
    return new URL(this.#server.pathname.replace(/\/+$/, '') + path, this.#server);
  }

  /**
   * One request with a JSON answer. Resolves the decoded body (`undefined` for an empty one).
   * @throws ApiError for a non-2xx status; a transport error (ECONNREFUSED…) as Node reports it; a timeout Error.
   */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const reqOpts = await this.#options(method, opts.accept ?? 'application/json', opts.body === undefined ? undefined : (opts.contentType ?? 'application/json'));
    const url = this.#url(path);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, { ...reqOpts, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = text;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(body as T);
          else reject(new ApiError(method, path, status, body));
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }

  /**
   * A watch stream (`?watch=true` must be in `path`). Every decoded event goes to `onEvent` as soon as its line is
   * complete. A handler that throws ends the watch with that error.
   */
  async watch(path: string, onEvent: (event: WatchEvent) => void, opts: { accept?: string } = {}): Promise<WatchHandle> {
    const reqOpts = await this.#options('GET', opts.accept ?? 'application/json');
    const url = this.#url(path);
    let req: http.ClientRequest | undefined;
    let closed = false;
    const done = new Promise<void>((resolve, reject) => {
      req = (url.protocol === 'https:' ? https : http).request(url, reqOpts, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new ApiError('WATCH', path, status, undefined));
          return;
        }
        const lines = new LineSplitter((line) => onEvent(JSON.parse(line) as WatchEvent));
        res.on('data', (c: Buffer) => {
          try {
            lines.push(c);
          } catch (err) {
            req?.destroy();
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('end', () => resolve());
        res.on('error', (err) => (closed ? resolve() : reject(err)));
      });
      req.on('error', (err) => (closed ? resolve() : reject(err)));
      req.end();
    });
    return {
      done,
      close: () => {
        closed = true;
        req?.destroy();
      },
    };
  }
}
