import { callSafely, silentLogger, systemClock, type Clock, type Logger } from '@vmcp/core';
import type { Discoverer, WatchPlan } from '@vmcp/discoverer';
import type { DynamicRegistry } from '@vmcp/registry';
import { KubeHttpClient } from '../client/http.ts';
import type { InformerCacheReader } from '../informer/index.ts';
import { ControlLoop } from './control-loop.ts';
import { openInitialGroups, watchPlanFor } from './group-mode-plan.ts';
import { InformerErrorPolicy } from './informer-error-policy.ts';
import { KindInformers, type KindInformerHooks } from './kind-informers.ts';
import { Lifecycle } from './lifecycle.ts';
import { ServedVersionsDiscovery } from './served-versions.ts';
import { ServedGroupSet } from './served-group-set.ts';
import { StatusNotifier } from './status-notifier.ts';
import { SyncMilestones } from './sync-milestones.ts';
import { SyncWaiters } from './sync-waiters.ts';
import type { BackendWatcherOptions, ServedGroup, WatcherStatus } from './types.ts';
import { validateWatcherOptions, type GroupMode } from './validate-options.ts';
import { groupStatus, namespaceStatus, type StatusParts } from './watcher-status.ts';
import { createDiscoverer } from './wiring.ts';

/**
 * Keeps a `DynamicRegistry` equal to the backends a namespace's objects describe, live: one informer per kind of
 * the watch plan → map functions → a rate-limited work queue → N workers running `BackendReconciler.reconcile`.
 * Same lifecycle as upstream's `BackendWatcher` (start blocks until stopped, `waitForCacheSync` for readiness),
 * without its silent failure modes: every list/watch error is retried with backoff and reported in `status()`.
 *
 * Readiness means accurate: `waitForCacheSync()` and `hasSynced()` turn true only after every required cache has
 * synced AND every backend name of the initial pass has completed one reconcile (the initial-reconcile barrier), so
 * the registry already holds every servable backend at that moment.
 *
 * One watcher may also serve many groups of its namespace from the same caches (`groups: ['a', 'b']`, or `'all'` to
 * follow the namespace's MCPGroups): one registry per group, reached through {@link servedGroup} and {@link groups}.
 *
 * @example
 * const watcher = new BackendWatcher({ kubeConfig, namespace: 'toolhive', groupRef: 'engineering', registry });
 * const done = watcher.start();
 * if (await watcher.waitForCacheSync()) console.log(registry.list());
 * await watcher.stop(); await done;
 */
export class BackendWatcher {
  readonly namespace: string;
  /** The group reference as configured; for many groups, their names joined by `,`, or `*` under `'all'`. */
  readonly groupRef: string;
  /** The bare group name; `''` when the watcher serves many groups. */
  readonly group: string;
  readonly plan: WatchPlan<string>;
  readonly reader: InformerCacheReader;
  readonly discoverer: Discoverer<string>;

  readonly #options: BackendWatcherOptions;
  readonly #mode: GroupMode;
  readonly #groups: ServedGroupSet;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #client: KubeHttpClient;
  readonly #sources: KindInformers;
  readonly #errorPolicy: InformerErrorPolicy;
  readonly #servedVersions: ServedVersionsDiscovery;
  readonly #loop: ControlLoop;
  readonly #notifier: StatusNotifier;
  readonly #syncWaiters: SyncWaiters;
  readonly #life: Lifecycle;
  readonly #milestones: SyncMilestones;
  readonly #statusParts: StatusParts;

  /**
   * Validates like upstream `NewBackendWatcher`, in the same order: `kube config cannot be nil`, `namespace cannot
   * be empty`, `groupRef cannot be empty`, `registry cannot be nil`; then the groupRef form (see `parseGroupRef`)
   * and `a custom discoverer needs its watch plan (options.plan)`. Nothing touches the network before `start()`.
   */
  constructor(options: BackendWatcherOptions) {
    const mode = validateWatcherOptions(options);
    this.#mode = mode;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.namespace = options.namespace;
    const one = mode.kind === 'one' ? mode.ref.name : undefined;
    this.groupRef = mode.kind === 'one' ? options.groupRef! : mode.groups === 'all' ? '*' : mode.groups.join(',');
    this.group = one ?? '';
    // The fields that say which watcher a log line is about.
    const where = one !== undefined ? { namespace: this.namespace, group: one } : { namespace: this.namespace };
    this.#milestones = new SyncMilestones(this.#clock, this.#logger, where, (fn) => this.#metric(fn));
    this.#groups = new ServedGroupSet({
      namespace: this.namespace,
      clock: this.#clock,
      logger: this.#logger,
      maxGroups: mode.kind === 'many' ? mode.maxGroups : 1,
      registryFor: mode.kind === 'one' ? () => mode.registry : mode.registryFor,
      namespaceBarrier: () => this.#loop.barrier,
      reconciler: () => this.#loop.reconciler,
      enqueue: (names) => this.#loop.enqueue(names),
      statusOf: (group) => (one !== undefined ? this.status() : groupStatus(this.#statusParts, group)),
      onChange: () => this.#notifier.notify(),
      onGroupSynced: () => this.#wakeIfSynced(),
    });
    this.plan = watchPlanFor(mode, options.plan ?? undefined, this.#groups);
    const initial = openInitialGroups(mode, this.#groups);

    this.#client = options.client ?? new KubeHttpClient(options.kubeConfig, { userAgent: 'vmcp-watcher' });
    this.#sources = new KindInformers(this.plan, {
      client: this.#client,
      namespace: this.namespace,
      reflector: options.reflector,
      clock: this.#clock,
      isTolerated: (kind) => this.#errorPolicy.isTolerated(kind),
      feed: options.informerFeed,
    });
    this.reader = this.#sources.reader;
    this.#groups.attach(this.plan, this.reader);
    const { namespace, group, reader } = this;
    this.discoverer = createDiscoverer(options, { namespace, group, reader, client: this.#client, logger: this.#logger });

    this.#notifier = new StatusNotifier(this.#clock, () => this.status());
    this.#syncWaiters = new SyncWaiters(this.#clock, () => this.hasSynced());
    this.#life = new Lifecycle({
      name: 'backend watcher',
      alreadyStarted: 'watcher already started',
      logger: this.#logger,
      where,
      onStateChange: () => this.#notifier.notify(),
      onStopping: () => this.#syncWaiters.wakeAll(),
      drain: async () => {
        // Reconcilers first, then the caches they read (controller-runtime's stop order).
        const result = await this.#loop.stop();
        if (!result.graceful) this.#logger.warn('stop: grace period expired, abandoned reconciles', { abandoned: result.abandoned });
      },
    });
    this.#errorPolicy = new InformerErrorPolicy({
      log: this.#logger,
      metric: (fn) => this.#metric(fn),
      cachesSynced: () => this.#milestones.cachesSynced,
      onToleratedChange: () => this.#checkCachesSynced(),
    });
    this.#servedVersions = new ServedVersionsDiscovery({
      client: this.#client,
      kinds: this.#sources.kinds(),
      clock: this.#clock,
      logger: this.#logger,
      tolerateMissing: (kind, why) => this.#errorPolicy.tolerateMissing(kind, why),
      onChange: () => this.#notifier.notify(),
      enabled: options.discoverApiVersions !== false,
    });
    this.#loop = new ControlLoop(
      options,
      { namespace, group: one, groups: initial, reader, discoverer: this.discoverer, plan: this.plan, clock: this.#clock },
      {
        log: this.#logger,
        metric: (fn) => this.#metric(fn),
        onStatusChanged: () => this.#notifier.notify(),
        onBarrierPassed: (ms) => this.#onBarrierPassed(ms),
        onFailed: (err) => this.#life.fail(err),
        onReconciled: (name) => this.#groups.reconciled(name),
      },
    );
    const [lifecycle, milestones, servedVersions] = [this.#life, this.#milestones, this.#servedVersions];
    const [sources, loop, groups, clock] = [this.#sources, this.#loop, this.#groups, this.#clock];
    this.#statusParts = { namespace, lifecycle, milestones, servedVersions, sources, loop, groups, clock };
  }

  /**
   * The registry of a one-group watcher.
   * @throws Error when the watcher serves many groups: each has its own, `servedGroup(name).registry`.
   */
  get registry(): DynamicRegistry {
    if (this.#mode.kind === 'one') return this.#mode.registry;
    throw new Error('this watcher serves many groups: use servedGroup(name).registry or groups()');
  }

  /** The groups served now, sorted by name (a one-group watcher: its one group). */
  groups(): readonly ServedGroup[] {
    return this.#groups.groups();
  }

  /** The served group `name` (bare name), or undefined when it is not served (now). */
  servedGroup(name: string): ServedGroup | undefined {
    return this.#groups.group(name);
  }

  /**
   * Calls `listener` with `groups()` whenever a group starts or stops being served (under `groups: 'all'`, with its
   * MCPGroup). Returns a function that removes the listener. A listener that throws is ignored.
   */
  onGroupsChange(listener: (groups: readonly ServedGroup[]) => void): () => void {
    return this.#groups.onGroupsChange(listener);
  }

  /**
   * Finds the served API version of each ToolHive kind (API discovery), then lists and watches every kind, and
   * reconciles once all are synced. Resolves after a graceful stop (`signal` aborted or `stop()`); rejects on a
   * fatal error — among them a required kind that the cluster does not serve at `v1beta1` or `v1alpha1`
   * ({@link ToolHiveKindNotServedError}) — and with `watcher already started` when called twice.
   */
  start(signal?: AbortSignal): Promise<void> {
    return this.#life.start(signal, () => {
      this.#milestones.started([...this.#sources.kinds().keys()]);
      this.#run().catch((err: unknown) => this.#life.fail(err));
    });
  }

  /** Stops: drains in-flight reconciles (bounded by `gracePeriodMs`), then stops the watches. Idempotent. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /**
   * True once the watcher is ready: every informer has delivered its first full list (a `required: false` kind
   * whose CRD is not installed excepted; a forbidden kind always holds this false until the permission is granted)
   * AND every backend name of the initial pass has completed one reconcile. For one group, never false again
   * afterwards. For many groups, also every served group is synced: a group that appears later under `'all'` holds
   * this false until each name referencing it has completed one reconcile (any outcome, so it cannot hold it long).
   */
  hasSynced(): boolean {
    return this.#loop.barrier.passed && this.#groups.allSynced();
  }

  /**
   * Waits until the watcher is ready (see {@link hasSynced}): the caches are synced and the initial-reconcile
   * barrier is passed, so the registry holds every servable backend when this resolves `true`. This is stricter than
   * upstream ToolHive, whose `WaitForCacheSync` returns once the caches are filled, while the registry may still
   * miss backends still queued for their first reconcile.
   *
   * False at once if the watcher was never started; false on timeout (`timeoutMs`, default 30 s), on abort, or when
   * the watcher stops first. Idempotent and cheap once ready.
   */
  async waitForCacheSync(signal?: AbortSignal, timeoutMs = this.#options.cacheSyncTimeoutMs ?? 30_000): Promise<boolean> {
    if (this.#life.state === 'new') {
      this.#logger.warn('waitForCacheSync called before start');
      return false;
    }
    if (this.hasSynced()) return true;
    if (this.#life.ended || signal?.aborted) return false;
    return this.#syncWaiters.wait(timeoutMs, signal);
  }

  /**
   * Calls `listener` with a fresh `status()` after a change worth showing: lifecycle state, cache sync, the barrier,
   * a kind connecting, disconnecting, syncing or failing, an exclusion or conflict appearing or going. Changes in one
   * synchronous run are coalesced into one call. Event times and counters change all the time and are not pushed;
   * read `status()` for them. Returns a function that removes the listener. A listener that throws is ignored.
   */
  onStatusChange(listener: (status: WatcherStatus) => void): () => void {
    return this.#notifier.subscribe(listener);
  }

  /**
   * A snapshot for /status, logs and tests. Contains no secret value. For many groups: the namespace's view (kinds,
   * queue, the names in no served group, every group's conflicts, registry totals, `servedGroups`, `groupsOverLimit`);
   * each group's own is `servedGroup(name).status()`.
   */
  status(): WatcherStatus {
    if (this.#mode.kind === 'one') return groupStatus(this.#statusParts, this.group, this.groupRef);
    return namespaceStatus(this.#statusParts, this.groupRef, this.hasSynced());
  }

  // -------------------------------------------------------------------------------------------------------------

  async #run(): Promise<void> {
    const resources = await this.#servedVersions.resolve(this.#life.watchSignal);
    if (resources === undefined || this.#life.state !== 'starting') return;
    const hooks: KindInformerHooks = {
      onError: (kind, err, info) => this.#errorPolicy.handle(kind, err, info),
      onWatchEvent: (kind, type) => this.#metric((m) => m.watchEvent?.(kind.kind, type)),
      onSynced: () => this.#checkCachesSynced(),
      onKindChanged: (kind, signature) => this.#notifier.notifyIfChanged(kind, signature),
      enqueue: (names) => this.#loop.enqueue(names),
      onFailed: (err) => this.#life.fail(err),
    };
    this.#sources.start(resources, hooks, this.#life.watchSignal);
    this.#checkCachesSynced();
  }

  #checkCachesSynced(): void {
    if (this.#milestones.cachesSynced || this.#life.state !== 'starting') return;
    if (!this.#sources.allSynced()) {
      // A large source list is reconciled while it arrives (ControlLoop.startEarly); readiness still waits for it.
      if (this.plan.sourcesReadByName === true && this.#sources.nonSourcesSynced())
        this.#loop.startEarly((n) => this.#sources.canDecide(n));
      return;
    }
    this.#milestones.markCachesSynced();
    this.#life.setState('running');
    this.#milestones.reportCachesSynced();
    // The events so far are already queued (and, with an early start, many decided). Groups that appear from now on
    // sync on their own.
    this.#groups.passBegun();
    this.#loop.startInitialPass();
  }

  #onBarrierPassed(ms: number): void {
    this.#milestones.ready(ms, this.#loop.barrier.progress().total, this.#groups.totals().count());
    this.#wakeIfSynced();
    this.#notifier.notify();
  }

  /** Waiters of `waitForCacheSync` resolve `true` only when everything is synced, never on a partial sync. */
  #wakeIfSynced(): void {
    if (this.hasSynced()) this.#syncWaiters.wakeAll();
  }

  #metric(fn: (metrics: NonNullable<BackendWatcherOptions['metrics']>) => void): void {
    const metrics = this.#options.metrics;
    // Metrics never break watching.
    if (metrics) callSafely(() => fn(metrics));
  }
}
