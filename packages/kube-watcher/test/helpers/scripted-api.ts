import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** One request the scripted server received. */
export interface SeenRequest {
  at: number;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  watch: boolean;
}

export type Script = (req: SeenRequest, res: http.ServerResponse, index: number) => void;

/**
 * A scripted HTTP server on 127.0.0.1 for unit tests of the client and reflector: each request is handed to the
 * test's script, which answers however the scenario needs (pages, streamed events, errors, stalls, resets).
 * Integration tests never use this; they run the real API server.
 */
export class ScriptedApi {
  readonly requests: SeenRequest[] = [];
  readonly #server: http.Server;
  readonly #open = new Set<http.ServerResponse>();
  script: Script = (_req, res) => {
    res.writeHead(500).end();
  };

  private constructor() {
    this.#server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const seen: SeenRequest = {
        at: Date.now(),
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        watch: url.searchParams.get('watch') === '1',
      };
      this.requests.push(seen);
      this.#open.add(res);
      res.on('close', () => this.#open.delete(res));
      this.script(seen, res, this.requests.length - 1);
    });
  }

  static async start(): Promise<ScriptedApi> {
    const api = new ScriptedApi();
    await new Promise<void>((resolve) => api.#server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  kubeConfig(token = 'test-token'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'ns' }],
      currentContext: 'x',
    });
    return kc;
  }

  lists(): SeenRequest[] {
    return this.requests.filter((r) => !r.watch);
  }

  watches(): SeenRequest[] {
    return this.requests.filter((r) => r.watch);
  }

  async close(): Promise<void> {
    for (const res of this.#open) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A ConfigMap-like object. */
export function obj(name: string, rv: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'x' }] },
    ...extra,
  };
}

export function listBody(items: unknown[], rv: string, cont?: string): string {
  return JSON.stringify({
    kind: 'ConfigMapList',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
    items,
  });
}

export function event(type: string, object: unknown): string {
  return JSON.stringify({ type, object }) + '\n';
}

export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}
