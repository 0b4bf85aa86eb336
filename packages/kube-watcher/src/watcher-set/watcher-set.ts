import { MCPGroupResource, type ResourceDescriptor } from '@vmcp/api';
import { MCP_GROUP } from '@vmcp/discoverer';
import { Backoff, Emitter, errorMessage, silentLogger, sleep, systemClock, toError, type Clock, type Logger } from '@vmcp/core';
import { KubeHttpClient } from '../client/http.ts';
import { resolveToolHiveVersions } from '../discovery/toolhive-versions.ts';
import { Lifecycle } from '../watcher/lifecycle.ts';
import { DISCOVERY_BACKOFF } from '../watcher/served-versions.ts';
import { SyncWaiters } from '../watcher/sync-waiters.ts';
import { ClusterFeed } from './cluster-feed.ts';
import { isBlocked, namespaceAccess } from './namespace-access.ts';
import { NamespaceWatcher, type SharedWatcherOptions } from './namespace-watcher.ts';
import { ServedNamespaces } from './served-namespaces.ts';
import type { ServedGroup } from '../watcher/types.ts';
import type { GroupSummary, NamespaceStatus, WatcherSetOptions, WatcherSetStatus } from './types.ts';
import { validateSetOptions } from './validate-set-options.ts';

/**
 * Serves many groups in many namespaces from one process: one `BackendWatcher` per namespace, every one on the
 * same REST client, each serving the namespace's groups from one set of caches.
 *
 * - A namespace list: each namespace is listed and watched on its own (a watch per kind per namespace; a Role in
 *   each namespace is enough).
 * - `namespaces: 'all'` (cluster mode): ONE list/watch per kind across the cluster, demultiplexed by namespace into
 *   the caches the namespaces' watchers read. The namespaces served are those holding an MCPGroup of a served
 *   group (any MCPGroup under `groups: 'all'`), followed live through one cluster-wide MCPGroup watch: a namespace
 *   whose MCPGroup appears later is served without a restart, from the objects already cached. API-server watches:
 *   the number of kinds + 1, whatever the number of namespaces. Needs a ClusterRole (it lists Secret metadata in
 *   every namespace).
 *
 * Readiness ({@link hasSynced}): every served group of every namespace that is not reported `forbidden` or
 * `crds-missing` has passed its initial reconcile, and at least one namespace is accessible. A forbidden namespace
 * does NOT hold readiness — one team's missing RoleBinding must not take every other team's gateway down — it is
 * reported by name in {@link status} (`namespaces[].access` and `message`) and its groups stay unsynced.
 *
 * @example
 * const set = new WatcherSet({ kubeConfig, namespaces: ['team-a', 'team-b'], groups: ['engineering'] });
 * const done = set.start();
 * if (await set.waitForCacheSync()) for (const g of set.groups()) console.log(g.namespace, g.group, g.registry.count());
 * await set.stop(); await done;
 */
export class WatcherSet {
  readonly #options: WatcherSetOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #client: KubeHttpClient;
  readonly #shared: SharedWatcherOptions;
  readonly #feed: ClusterFeed | undefined;
  readonly #served: ServedNamespaces | undefined;
  readonly #watchers = new Map<string, { watcher: NamespaceWatcher; off: () => void; error?: Error }>();
  readonly #syncWaiters: SyncWaiters;
  readonly #life: Lifecycle;
  readonly #events = new Emitter<{ status: WatcherSetStatus; groups: readonly ServedGroup[] }>();
  /** Namespace changes of cluster mode, one after the other. */
  #changes: Promise<void> = Promise.resolve();
  #ready = false;
  #notifyQueued = false;
  #groupsKey = '';

  /** Validates the options (clear errors naming the option); nothing touches the network before `start()`. */
  constructor(options: WatcherSetOptions) {
    validateSetOptions(options);
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#client = options.client ?? new KubeHttpClient(options.kubeConfig, { userAgent: 'vmcp-watcher' });
    this.#syncWaiters = new SyncWaiters(this.#clock, () => this.hasSynced());
    this.#life = new Lifecycle({
      name: 'watcher set',
      alreadyStarted: 'watcher set already started',
      logger: this.#logger,
      onStateChange: () => this.#notify(),
      onStopping: () => this.#syncWaiters.wakeAll(),
      drain: async () => {
        await this.#changes;
        await Promise.all([...this.#watchers.values()].map(({ watcher }) => watcher.stop()));
      },
    });
    if (options.namespaces === 'all') {
      this.#feed = new ClusterFeed({
        client: this.#client,
        clock: this.#clock,
        logger: this.#logger,
        onFailed: (err) => this.#life.fail(err),
      });
      this.#served = new ServedNamespaces(options.groups, () => this.#followServedNamespaces());
    }
    const { kubeConfig, logger, workers, clock, reflector, resyncPeriodMs, gracePeriodMs, cacheSyncTimeoutMs } = options;
    this.#shared = {
      kubeConfig,
      client: this.#client,
      ...(this.#feed ? { informerFeed: this.#feed } : {}),
      ...(logger ? { logger } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(clock ? { clock } : {}),
      ...(reflector ? { reflector } : {}),
      ...(resyncPeriodMs !== undefined ? { resyncPeriodMs } : {}),
      ...(gracePeriodMs !== undefined ? { gracePeriodMs } : {}),
      ...(cacheSyncTimeoutMs !== undefined ? { cacheSyncTimeoutMs } : {}),
      ...(options.maxGroups !== undefined ? { maxGroups: options.maxGroups } : {}),
      ...(options.discoverApiVersions !== undefined ? { discoverApiVersions: options.discoverApiVersions } : {}),
    };
  }

  /**
   * Starts every namespace's watcher (cluster mode: the cluster-wide watches, then a watcher per served namespace as
   * MCPGroups say). Resolves after a graceful stop (`signal` aborted or `stop()`); rejects on a fatal error of the
   * set itself. A namespace's own failure (forbidden, CRDs missing, its watcher failing) is reported in
   * {@link status} and never stops the others. Throws `watcher set already started` when called twice.
   */
  start(signal?: AbortSignal): Promise<void> {
    return this.#life.start(signal, () => {
      const { namespaces, groups } = this.#options;
      this.#logger.info('starting watcher set', { namespaces, groups });
      if (namespaces === 'all') this.#startCluster().catch((err: unknown) => this.#life.fail(err));
      else {
        try {
          for (const namespace of namespaces) this.#serve(namespace);
          this.#life.setState('running');
        } catch (err) {
          this.#life.fail(err);
        }
      }
    });
  }

  /** Stops every watcher (each drains its reconciles), then the cluster-wide watches. Idempotent. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /**
   * True once the set is ready: every served group of every namespace not reported `forbidden` or `crds-missing`
   * has passed its initial reconcile, and at least one namespace is accessible (cluster mode: once the MCPGroups are
   * listed too). A forbidden namespace does not hold it. Never false again: a namespace served later, or one whose
   * access is granted later, reports its own groups' `hasSynced()` instead.
   */
  hasSynced(): boolean {
    return this.#ready;
  }

  /** Waits until {@link hasSynced}; false on timeout (`timeoutMs`, default `cacheSyncTimeoutMs` or 30 s), abort or stop. */
  async waitForCacheSync(signal?: AbortSignal, timeoutMs = this.#options.cacheSyncTimeoutMs ?? 30_000): Promise<boolean> {
    if (this.#ready) return true;
    if (this.#life.state === 'new' || this.#life.ended) return false;
    if (signal?.aborted === true) return false;
    return this.#syncWaiters.wait(timeoutMs, signal);
  }

  /** Every (namespace, group) served now, sorted by namespace then group. */
  groups(): readonly ServedGroup[] {
    const out: ServedGroup[] = [];
    for (const namespace of [...this.#watchers.keys()].sort()) out.push(...this.#watchers.get(namespace)!.watcher.groups());
    return out;
  }

  /** The served group `group` of `namespace`, if served now. */
  group(namespace: string, group: string): ServedGroup | undefined {
    return this.#watchers
      .get(namespace)
      ?.watcher.groups()
      .find((g) => g.group === group);
  }

  /** Calls `listener` with {@link groups} whenever the served (namespace, group) pairs change. Returns an unsubscribe. */
  onGroupsChange(listener: (groups: readonly ServedGroup[]) => void): () => void {
    return this.#events.on('groups', listener);
  }

  /** Calls `listener` with a fresh {@link status} after a change worth showing, coalesced per tick. Returns an unsubscribe. */
  onStatusChange(listener: (status: WatcherSetStatus) => void): () => void {
    return this.#events.on('status', listener);
  }

  /** A snapshot: the set's state and readiness, every namespace with its access, every served group with counts. */
  status(): WatcherSetStatus {
    const namespaces: NamespaceStatus[] = [];
    for (const namespace of [...this.#watchers.keys()].sort()) {
      const watcher = this.#watchers.get(namespace)!.watcher.status();
      namespaces.push({ namespace, ...namespaceAccess(watcher), watcher });
    }
    const groups: GroupSummary[] = this.groups().map((g) => {
      const registry = g.registry;
      const exclusions = Object.keys(g.status().exclusions).length;
      return {
        namespace: g.namespace,
        group: g.group,
        synced: g.hasSynced(),
        backends: registry.count(),
        version: registry.version(),
        exclusions,
      };
    });
    return {
      state: this.#life.state,
      synced: this.#ready,
      namespaces,
      groups,
      ...(this.#feed ? { clusterWatches: this.#feed.watches() } : {}),
      ...(this.#life.fatalError ? { fatalError: this.#life.fatalError.message } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------------------------

  /** Cluster mode: find the served version of MCPGroup, then watch MCPGroups and every kind cluster-wide. */
  async #startCluster(): Promise<void> {
    const resource = await this.#mcpGroupResource(this.#life.watchSignal);
    if (resource === undefined || this.#life.state !== 'starting') return;
    // The kind name watchers under `groups: 'all'` use for MCPGroups: they share this one watch.
    this.#feed!.tap(MCP_GROUP, resource, this.#served!, this.#options.reflector);
    this.#feed!.start(this.#life.watchSignal);
    this.#life.setState('running');
  }

  async #mcpGroupResource(signal: AbortSignal): Promise<ResourceDescriptor | undefined> {
    if (this.#options.discoverApiVersions === false) return MCPGroupResource;
    const backoff = new Backoff(DISCOVERY_BACKOFF, this.#clock);
    for (;;) {
      try {
        const found = await resolveToolHiveVersions(this.#client, [MCPGroupResource], signal);
        // Not served: watch the default version; its 404 is reported like any missing CRD and retried.
        return found.resources.get(MCPGroupResource.kind) ?? MCPGroupResource;
      } catch (error) {
        if (signal.aborted) return undefined;
        const delayMs = backoff.next();
        this.#logger.warn(`API discovery of MCPGroup failed, retrying in ${delayMs} ms: ${errorMessage(error)}`);
        try {
          await sleep(delayMs, { signal, clock: this.#clock });
        } catch {
          return undefined;
        }
      }
    }
  }

  /** Cluster mode: the MCPGroups changed; start the namespaces that gained a served group, stop those that lost it. */
  #followServedNamespaces(): void {
    this.#changes = this.#changes.then(async () => {
      if (this.#life.state !== 'running' && this.#life.state !== 'starting') return;
      const wanted = new Set(this.#served!.namespaces());
      for (const namespace of wanted) if (!this.#watchers.has(namespace)) this.#serve(namespace);
      for (const namespace of [...this.#watchers.keys()]) if (!wanted.has(namespace)) await this.#unserve(namespace);
      this.#notify();
    });
    // A watcher that cannot even be built is a bug of the set, not of one namespace.
    this.#changes = this.#changes.catch((err: unknown) => this.#life.fail(err));
  }

  #serve(namespace: string): void {
    const { groups } = this.#options;
    const { metrics } = this.#options;
    const shared =
      metrics === undefined ? this.#shared : { ...this.#shared, metrics: typeof metrics === 'function' ? metrics(namespace) : metrics };
    const watcher = new NamespaceWatcher(namespace, groups, shared);
    const entry: { watcher: NamespaceWatcher; off: () => void; error?: Error } = {
      watcher,
      off: watcher.onChange(() => this.#notify()),
    };
    this.#watchers.set(namespace, entry);
    this.#logger.info('serving namespace', { namespace, groups });
    watcher.start(this.#life.watchSignal).catch((err: unknown) => {
      // One namespace's failure is that namespace's: reported in its status, the others go on. When every namespace
      // has failed (the CRDs are not installed at all) nothing is left to serve: the set fails, as one watcher would.
      entry.error = toError(err);
      this.#logger.error(`watcher of namespace ${JSON.stringify(namespace)} failed: ${entry.error.message}`, { namespace });
      this.#notify();
      if ([...this.#watchers.values()].every((e) => e.error !== undefined)) {
        this.#life.fail(new Error(`every namespace failed; ${JSON.stringify(namespace)}: ${entry.error.message}`, { cause: err }));
      }
    });
    this.#notify();
  }

  async #unserve(namespace: string): Promise<void> {
    const entry = this.#watchers.get(namespace);
    if (entry === undefined) return;
    this.#watchers.delete(namespace);
    entry.off();
    this.#logger.info('namespace no longer served (no MCPGroup of a served group)', { namespace });
    await entry.watcher.stop();
    this.#feed?.release(namespace);
  }

  #notify(): void {
    this.#checkReady();
    if (this.#notifyQueued) return;
    this.#notifyQueued = true;
    queueMicrotask(() => {
      this.#notifyQueued = false;
      const groups = this.groups();
      const key = groups.map((g) => `${g.namespace}/${g.group}`).join(',');
      if (key !== this.#groupsKey) {
        this.#groupsKey = key;
        this.#events.emit('groups', groups);
      }
      if (this.#events.listenerCount('status') > 0) this.#events.emit('status', this.status());
    });
  }

  #checkReady(): void {
    if (this.#ready || this.#life.state !== 'running') return;
    if (this.#served !== undefined && !this.#served.hasSynced()) return;
    let accessible = 0;
    for (const { watcher } of this.#watchers.values()) {
      const { access } = namespaceAccess(watcher.status());
      if (isBlocked(access)) continue;
      if (!watcher.hasSynced()) return;
      accessible++;
    }
    if (accessible === 0) return;
    this.#ready = true;
    this.#logger.info('watcher set ready', { namespaces: accessible, groups: this.groups().length });
    this.#syncWaiters.wakeAll();
  }
}
