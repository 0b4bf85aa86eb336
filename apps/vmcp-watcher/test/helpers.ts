import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectedEngineeringBackendsFile } from '@vmcp/api';
import { createDynamicRegistry, type Backend, type DynamicRegistry } from '@vmcp/registry';
import { createService, type Service, type ServiceOptions } from '../src/app.ts';
import { createLogger } from '../src/observe/logger.ts';
import type { KindStatus, WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceWatcher } from '../src/cluster/service-watcher.ts';
import type { Config } from '../src/config/load.ts';

/** This package's version, as package.json says: what `--version`, `/status` and `vmcp_build_info` must report. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The planted fake secret values of @vmcp/api's examples: they must never appear in any output. */
export const PLANTED_SECRETS: string[] = (
  JSON.parse(readFileSync(expectedEngineeringBackendsFile, 'utf8')) as { plantedSecretValues: string[] }
).plantedSecretValues;

/** A kind's status as the watcher reports it: connected and synced unless `overrides` say otherwise. */
export function kindStatus(kind: string, overrides: Partial<KindStatus> = {}): KindStatus {
  return {
    kind,
    resource: `${kind.toLowerCase()}s`,
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    required: true,
    connected: true,
    synced: true,
    tolerated: false,
    resourceVersion: '1',
    listPath: 'watch-list',
    objects: 0,
    consecutiveErrors: 0,
    ...overrides,
  };
}

/** A whole `WatcherStatus`: running, not synced, nothing watched, unless `overrides` say otherwise. */
export function watcherStatus(overrides: Partial<WatcherStatus> = {}): WatcherStatus {
  return {
    namespace: 'team-a',
    groupRef: 'engineering',
    group: 'engineering',
    state: 'running',
    synced: false,
    cachesSynced: false,
    initialReconcile: { started: false, passed: false, done: 0, total: 0, pending: 0, pendingNames: [] },
    kinds: [],
    queue: { depth: 0, inFlight: [] },
    registry: { version: 0, backends: 0 },
    conflicts: [],
    exclusions: {},
    ...overrides,
  };
}

/** A watcher double: sync, failure and status are set by the test. */
export class FakeWatcher implements ServiceWatcher {
  synced = false;
  fatal: Error | undefined;
  started = false;
  stopped = false;
  /** What `status()` reports, with `synced`, `state` and `fatalError` following the fake's own state. */
  statusState: WatcherStatus = watcherStatus();
  #finish: ((error?: Error) => void) | undefined;
  #syncWaiters = new Set<() => void>();
  #listeners = new Set<(status: WatcherStatus) => void>();

  start(): Promise<void> {
    this.started = true;
    return new Promise<void>((resolve, reject) => {
      this.#finish = (error) => (error === undefined ? resolve() : reject(error));
    });
  }
  waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        this.#syncWaiters.delete(done);
        resolve(this.synced);
      };
      this.#syncWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  hasSynced(): boolean {
    return this.synced;
  }
  stop(): Promise<void> {
    this.stopped = true;
    this.#finish?.();
    return Promise.resolve();
  }
  status(): WatcherStatus {
    return {
      ...this.statusState,
      synced: this.synced,
      ...(this.fatal ? { state: 'failed' as const, fatalError: this.fatal.message } : {}),
    };
  }
  onStatusChange(listener: (status: WatcherStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  /** Tells the service that `status()` changed (the real watcher pushes its status changes). */
  changed(): void {
    for (const listener of [...this.#listeners]) listener(this.status());
  }
  sync(): void {
    this.synced = true;
    for (const waiter of [...this.#syncWaiters]) waiter();
    this.changed();
  }
  fail(error: Error): void {
    this.fatal = error;
    this.#finish?.(error);
    this.changed();
  }
}

/** A backend with secret values everywhere a Backend can hold one. */
export function secretBackend(id: string, overrides: Partial<Backend> = {}): Backend {
  return backend(id, {
    authConfigRef: 'token-exchange-auth',
    authConfig: {
      type: 'token_exchange',
      tokenExchange: {
        tokenUrl: 'https://idp.example.com/token',
        clientId: 'vmcp',
        clientSecret: PLANTED_SECRETS[0]!,
        audience: 'backend',
      },
    },
    ...overrides,
  });
}

/** A plain backend. */
export function backend(id: string, overrides: Partial<Backend> = {}): Backend {
  return {
    id,
    name: id,
    baseUrl: `http://mcp-${id}-proxy:8080`,
    transportType: 'streamable-http',
    type: '',
    healthStatus: 'healthy',
    metadata: { tool_type: 'mcp', workload_type: 'mcp_server', workload_status: 'Ready' },
    ...overrides,
  };
}

/** Closes the event streams a test opened, then the service it started (if any). For an `afterEach`. */
export async function closeTestService(svc: TestService | undefined, clients: SseClient[]): Promise<void> {
  for (const c of clients.splice(0)) c.close();
  await svc?.close();
}

/** Every port of `service` on 127.0.0.1, each on a free port; the base URLs. */
export async function listenOnLoopback(service: Service): Promise<{ url: string; probesUrl: string; metricsUrl: string }> {
  const loopback = { host: '127.0.0.1', port: 0 };
  const bound = await service.listen({ api: loopback, probes: loopback, metrics: loopback });
  return {
    url: `http://127.0.0.1:${bound.api.port}`,
    probesUrl: `http://127.0.0.1:${bound.probes.port}`,
    metricsUrl: bound.metrics === undefined ? '' : `http://127.0.0.1:${bound.metrics.port}`,
  };
}

/** A service on 127.0.0.1 (free ports) with a fake watcher and captured logs. */
export interface TestService {
  /** The API port. */
  url: string;
  probesUrl: string;
  /** '' when the service has no metrics server. */
  metricsUrl: string;
  service: Service;
  registry: DynamicRegistry;
  watcher: FakeWatcher;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestService(
  options: Partial<Omit<ServiceOptions, 'registry' | 'logger' | 'watcher'>> & { initial?: Backend[]; staticMode?: boolean } = {},
): Promise<TestService> {
  const registry = createDynamicRegistry(options.initial ?? []);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const watcher = new FakeWatcher();
  const { initial: _initial, staticMode, ...rest } = options;
  const service = createService({
    registry,
    namespace: 'team-a',
    groupRef: 'engineering',
    logger,
    defaultMetrics: false,
    ...(staticMode === true ? {} : { watcher: () => watcher }),
    ...rest,
  });
  const urls = await listenOnLoopback(service);
  service.startWatcher();
  return {
    ...urls,
    service,
    registry,
    watcher,
    logs,
    close: () => service.shutdown(),
  };
}

/** One parsed Server-Sent Event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** An open event stream, parsed as it arrives. */
export interface SseClient {
  status: number;
  events: SseEvent[];
  raw: string;
  /** Waits for an event matching `predicate` (checked against events already received, too). */
  waitFor(predicate: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `/api/v1/events` (or `path`) and parses the stream. */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const client: SseClient = {
    status: res.status,
    events: [],
    raw: '',
    waitFor: async (predicate, ms = 3000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = client.events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`event not received in ${ms} ms; got ${JSON.stringify(client.events)}`);
        await sleep(10);
      }
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || res.body === null) {
    client.raw = await res.text();
    return client;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        client.raw += text;
        pending += text;
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          let hasField = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') event.data += value;
            else continue;
            hasField = true;
          }
          if (hasField && (event.data !== '' || event.id !== undefined)) client.events.push(event);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}

/** The service configuration integration tests start with: a kubeconfig file, a namespace, group `engineering`. */
export function clusterConfig(kubeconfigPath: string, namespace: string, overrides: Partial<Config> = {}): Config {
  return {
    cluster: { kind: 'kubeconfig', path: kubeconfigPath, paths: [kubeconfigPath], from: '--kubeconfig' },
    namespace,
    groupRef: 'engineering',
    listen: { host: '127.0.0.1', port: 0 },
    probeListen: { host: '127.0.0.1', port: 0 },
    metricsListen: { host: '127.0.0.1', port: 0 },
    logLevel: 'debug',
    logFormat: 'json',
    workers: undefined,
    maxSseClients: 10,
    readinessTimeoutMs: 5000,
    configFile: undefined,
    tls: undefined,
    feed: false,
    authAudiences: ['vmcp-watcher'],
    authPublic: false,
    ...overrides,
  };
}
