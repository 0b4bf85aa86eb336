/** A fake set of watchers (groups added, removed and synced by the test) and a service of several groups on it. */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import { createDynamicRegistry, type Backend, type DynamicRegistry } from '@vmcp/registry';
import type { ServiceGroup, ServiceNamespaceStatus, ServiceWatcherSet, ServiceWatcherSetStatus } from '../src/cluster/service-watcher.ts';
import { createGroupService, type GroupService, type GroupServiceOptions } from '../src/group-service.ts';
import { createLogger } from '../src/observe/logger.ts';
import { listenOnLoopback, watcherStatus } from './helpers.ts';

/** One served group of the fake set. */
export class FakeGroup implements ServiceGroup {
  readonly registry: DynamicRegistry;
  synced = false;
  exclusions: WatcherStatus['exclusions'] = {};
  readonly namespace: string;
  readonly group: string;
  constructor(namespace: string, group: string, backends: Backend[]) {
    this.namespace = namespace;
    this.group = group;
    this.registry = createDynamicRegistry(backends);
  }
  hasSynced(): boolean {
    return this.synced;
  }
  status(): WatcherStatus {
    return watcherStatus({
      namespace: this.namespace,
      groupRef: this.group,
      group: this.group,
      state: 'running',
      synced: this.synced,
      exclusions: this.exclusions,
      registry: { version: this.registry.version(), backends: this.registry.count() },
    });
  }
}

/** A set whose groups, namespaces and sync the test drives. */
export class FakeWatcherSet implements ServiceWatcherSet {
  #groups: FakeGroup[] = [];
  namespaceStatus: ServiceNamespaceStatus[] = [];
  state: WatcherStatus['state'] = 'new';
  fatalError: string | undefined;
  stopped = false;
  #groupListeners = new Set<(groups: readonly ServiceGroup[]) => void>();
  #statusListeners = new Set<(status: ServiceWatcherSetStatus) => void>();
  #finish: ((error?: Error) => void) | undefined;

  /** Namespaces reported (access `ok` unless given). */
  constructor(namespaces: Record<string, ServiceNamespaceStatus['access']>) {
    this.namespaceStatus = Object.entries(namespaces).map(([namespace, access]) => ({
      namespace,
      access,
      ...(access === 'forbidden' ? { message: `mcpservers is forbidden in namespace ${namespace}` } : {}),
      watcher: watcherStatus({ namespace, groupRef: '', group: '' }),
    }));
  }

  add(namespace: string, group: string, backends: Backend[] = []): FakeGroup {
    const served = new FakeGroup(namespace, group, backends);
    this.#groups = [...this.#groups, served].sort((a, b) => `${a.namespace}/${a.group}`.localeCompare(`${b.namespace}/${b.group}`));
    this.#announceGroups();
    return served;
  }

  remove(namespace: string, group: string): void {
    this.#groups = this.#groups.filter((g) => g.namespace !== namespace || g.group !== group);
    this.#announceGroups();
  }

  /** Every group synced: the set is synced (accessible namespaces' groups only would be the library's rule). */
  syncAll(): void {
    for (const g of this.#groups) g.synced = true;
    this.changed();
  }

  changed(): void {
    const status = this.status();
    for (const listener of [...this.#statusListeners]) listener(status);
  }

  fail(error: Error): void {
    this.fatalError = error.message;
    this.state = 'failed';
    this.#finish?.(error);
    this.changed();
  }

  #announceGroups(): void {
    for (const listener of [...this.#groupListeners]) listener(this.#groups);
    this.changed();
  }

  start(): Promise<void> {
    this.state = 'running';
    return new Promise<void>((resolve, reject) => {
      this.#finish = (error) => (error === undefined ? resolve() : reject(error));
    });
  }
  stop(): Promise<void> {
    this.stopped = true;
    this.#finish?.();
    return Promise.resolve();
  }
  hasSynced(): boolean {
    const blocked = new Set(
      this.namespaceStatus.filter((n) => n.access === 'forbidden' || n.access === 'crds-missing').map((n) => n.namespace),
    );
    return this.#groups.filter((g) => !blocked.has(g.namespace)).every((g) => g.synced);
  }
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    while (!this.hasSynced()) {
      if (signal?.aborted === true) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }
  groups(): readonly FakeGroup[] {
    return this.#groups;
  }
  group(namespace: string, group: string): FakeGroup | undefined {
    return this.#groups.find((g) => g.namespace === namespace && g.group === group);
  }
  onGroupsChange(listener: (groups: readonly ServiceGroup[]) => void): () => void {
    this.#groupListeners.add(listener);
    return () => this.#groupListeners.delete(listener);
  }
  status(): ServiceWatcherSetStatus {
    return {
      state: this.state,
      synced: this.hasSynced(),
      namespaces: this.namespaceStatus,
      groups: this.#groups.map((g) => ({
        namespace: g.namespace,
        group: g.group,
        synced: g.synced,
        backends: g.registry.count(),
        version: g.registry.version(),
        exclusions: Object.keys(g.exclusions).length,
      })),
      ...(this.fatalError === undefined ? {} : { fatalError: this.fatalError }),
    };
  }
  onStatusChange(listener: (status: ServiceWatcherSetStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }
}

/** A service of several groups on 127.0.0.1 (free ports) over a fake set, with captured logs. */
export interface TestGroupService {
  url: string;
  probesUrl: string;
  metricsUrl: string;
  service: GroupService;
  set: FakeWatcherSet;
  logs: string[];
  close(): Promise<void>;
}

export async function startGroupService(
  set: FakeWatcherSet,
  options: Partial<Omit<GroupServiceOptions, 'logger' | 'watcherSet'>> = {},
): Promise<TestGroupService> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const service = createGroupService({ logger, watcherSet: () => set, defaultMetrics: false, readinessTimeoutMs: 200, ...options });
  const loopback = { host: '127.0.0.1', port: 0 };
  const bound = await service.listen({ api: loopback, probes: loopback, metrics: loopback });
  service.startWatcher();
  return {
    url: `http://127.0.0.1:${bound.api.port}`,
    probesUrl: `http://127.0.0.1:${bound.probes.port}`,
    metricsUrl: bound.metrics === undefined ? '' : `http://127.0.0.1:${bound.metrics.port}`,
    service,
    set,
    logs,
    close: () => service.shutdown(),
  };
}

export { listenOnLoopback };
