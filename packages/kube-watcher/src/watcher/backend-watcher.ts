import { createKubernetesDiscoverer, type Discoverer, type WatchPlan } from '@vmcp/discoverer';
import type { ResourceDescriptor } from '@vmcp/api';
import { parseGroupRef, watchPlanOrDefault } from '@vmcp/reconciler';
import { createApiDirectReader } from '../client/direct-reader.ts';
import { KubeHttpClient } from '../client/http.ts';
import type { Controller } from '../controller/index.ts';
import { resolveToolHiveVersions, ToolHiveKindNotServedError } from '../discovery/toolhive-versions.ts';
import { InformerCacheReader, type Informer } from '../informer/index.ts';
import type { BackendReconciler } from '@vmcp/reconciler';
import { Backoff, callSafely, errorMessage, silentLogger, sleep, systemClock, toError, type Clock, type TimerHandle } from '@vmcp/core';
import { InitialReconcileBarrier } from './initial-reconcile.ts';
import { InformerErrorPolicy } from './informer-error-policy.ts';
import { kindSignature, projectStatus, type ProjectedKind } from './status-projection.ts';
import type { BackendWatcherOptions, Logger, WatcherStatus } from './types.ts';
import { createControlLoop, createKindInformer } from './wiring.ts';

type State = WatcherStatus['state'];

/**
 * At most one `onStatusChange` push per this many ms: a change that touches thousands of backends (an auth config
 * edit) must not build thousands of status snapshots. The first change of a quiet period is pushed at once.
 */
const STATUS_PUSH_INTERVAL_MS = 100;

/** Retry pacing of API discovery while the API server cannot answer it: 0.5–1 s doubling to 30 s, jittered. */
const DISCOVERY_BACKOFF = { initialMs: 500, maxMs: 30_000 };

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
 * @example
 * const watcher = new BackendWatcher({ kubeConfig, namespace: 'toolhive', groupRef: 'engineering', registry });
 * const done = watcher.start();
 * if (await watcher.waitForCacheSync()) console.log(registry.list());
 * await watcher.stop(); await done;
 */
export class BackendWatcher {
  readonly namespace: string;
  readonly groupRef: string;
  /** The bare group name. */
  readonly group: string;
  readonly registry: BackendWatcherOptions['registry'];
  readonly plan: WatchPlan<string>;
  readonly reader: InformerCacheReader;
  readonly discoverer: Discoverer<string>;

  readonly #o: BackendWatcherOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #client: KubeHttpClient;
  readonly #kinds = new Map<string, ProjectedKind>();
  /** Filled at start, once API discovery has chosen the versions; the cache reader reads through it. */
  readonly #informers = new Map<string, Informer>();
  readonly #signatures = new Map<string, string>();
  readonly #policy: InformerErrorPolicy;
  readonly #barrier: InitialReconcileBarrier;
  readonly #reconciler: BackendReconciler<string>;
  readonly #controller: Controller;
  readonly #ac = new AbortController();
  readonly #syncWaiters = new Set<() => void>();
  readonly #listeners = new Set<(status: WatcherStatus) => void>();
  readonly #done = Promise.withResolvers<void>();
  readonly #excluded = new Map<string, string>();
  #state: State = 'new';
  #cachesSynced = false;
  #cachesSyncedAt: number | undefined;
  #cachesSyncedIso: string | undefined;
  #readyIso: string | undefined;
  #startedAt = 0;
  #fatal: Error | undefined;
  #discoveryError: string | undefined;
  #servedVersions: readonly string[] | undefined;
  #stopPromise: Promise<void> | undefined;
  #resyncTimer: TimerHandle | undefined;
  #controllerRun: Promise<void> | undefined;
  #notifyQueued = false;
  #lastPushAt = -Infinity;
  #conflictCount = 0;

  /**
   * Validates like upstream `NewBackendWatcher`, in the same order: `kube config cannot be nil`, `namespace cannot
   * be empty`, `groupRef cannot be empty`, `registry cannot be nil`; then the groupRef form (see `parseGroupRef`)
   * and `a custom discoverer needs its watch plan (options.plan)`. Nothing touches the network before `start()`.
   */
  constructor(options: BackendWatcherOptions) {
    const o = (options ?? {}) as Partial<BackendWatcherOptions>;
    if (!o.kubeConfig || typeof o.kubeConfig.getCurrentCluster !== 'function') throw new Error('kube config cannot be nil');
    if (typeof o.namespace !== 'string' || o.namespace === '') throw new Error('namespace cannot be empty');
    if (typeof o.groupRef !== 'string' || o.groupRef === '') throw new Error('groupRef cannot be empty');
    if (!o.registry) throw new Error('registry cannot be nil');
    if (o.discoverer && !o.plan) throw new Error('a custom discoverer needs its watch plan (options.plan)');
    const ref = parseGroupRef(o.groupRef, o.namespace);
    this.#o = options;
    this.#log = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.namespace = ref.namespace;
    this.groupRef = options.groupRef;
    this.group = ref.name;
    this.registry = options.registry;
    this.plan = watchPlanOrDefault(options.plan ?? undefined, ref.name);
    for (const kind of this.plan.kinds) {
      if (this.#kinds.has(kind.kind)) throw new Error(`watch plan lists kind "${kind.kind}" twice`);
      this.#kinds.set(kind.kind, { kind, resource: undefined, informer: undefined, tolerated: false, lastContactAt: undefined });
    }

    this.#client = new KubeHttpClient(options.kubeConfig, { userAgent: 'vmcp-watcher' });
    this.reader = new InformerCacheReader(this.#informers);
    const context = {
      namespace: this.namespace,
      group: this.group,
      reader: this.reader,
      direct: options.directReader ?? createApiDirectReader(this.#client),
      logger: this.#log,
    };
    this.discoverer =
      typeof options.discoverer === 'function' ? options.discoverer(context) : (options.discoverer ?? createKubernetesDiscoverer(context));

    this.#policy = new InformerErrorPolicy({
      log: this.#log,
      metric: (fn) => this.#metric(fn),
      cachesSynced: () => this.#cachesSynced,
      onToleratedChange: () => this.#checkCachesSynced(),
    });
    this.#barrier = new InitialReconcileBarrier(this.#clock, (ms) => this.#onBarrierPassed(ms));
    const loop = createControlLoop(
      options,
      {
        namespace: this.namespace,
        group: this.group,
        discoverer: this.discoverer,
        reader: this.reader,
        plan: this.plan,
        clock: this.#clock,
      },
      {
        log: this.#log,
        metric: (fn) => this.#metric(fn),
        onReconciled: (name) => this.#barrier.completed(name),
        onDecided: (name) => this.#onDecided(name),
      },
    );
    this.#reconciler = loop.reconciler;
    this.#controller = loop.controller;
  }

  /**
   * Finds the served API version of each ToolHive kind (API discovery), then lists and watches every kind, and
   * reconciles once all are synced. Resolves after a graceful stop (`signal` aborted or `stop()`); rejects on a
   * fatal error — among them a required kind that the cluster does not serve at `v1beta1` or `v1alpha1`
   * ({@link ToolHiveKindNotServedError}) — and with `watcher already started` when called twice.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'new') throw new Error('watcher already started');
    this.#setState('starting');
    this.#startedAt = this.#clock.now();
    this.#log.info('starting backend watcher', { namespace: this.namespace, group: this.group, kinds: [...this.#kinds.keys()] });
    if (signal) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    this.#run().catch((err: unknown) => this.#fail(err));
    await this.#done.promise;
    if (this.#fatal) throw this.#fatal;
  }

  /** Stops: drains in-flight reconciles (bounded by `gracePeriodMs`), then stops the watches. Idempotent. */
  stop(): Promise<void> {
    if (this.#state === 'new') {
      this.#setState('stopped');
      this.#done.resolve();
      return Promise.resolve();
    }
    this.#stopPromise ??= this.#stop();
    return this.#stopPromise;
  }

  /**
   * True once the watcher is ready: every informer has delivered its first full list (a `required: false` kind
   * whose CRD is not installed excepted; a forbidden kind always holds this false until the permission is granted)
   * AND every backend name of the initial pass has completed one reconcile. Never false again afterwards.
   */
  hasSynced(): boolean {
    return this.#barrier.passed;
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
  async waitForCacheSync(signal?: AbortSignal, timeoutMs = this.#o.cacheSyncTimeoutMs ?? 30_000): Promise<boolean> {
    if (this.#state === 'new') {
      this.#log.warn('waitForCacheSync called before start');
      return false;
    }
    if (this.hasSynced()) return true;
    if (this.#state === 'stopping' || this.#state === 'stopped' || this.#state === 'failed' || signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const finish = (v: boolean): void => {
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#syncWaiters.delete(onChange);
        resolve(v);
      };
      const onAbort = (): void => finish(false);
      const onChange = (): void => finish(this.hasSynced());
      const timer = this.#clock.setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.add(onChange);
    });
  }

  /**
   * Calls `listener` with a fresh `status()` after a change worth showing: lifecycle state, cache sync, the barrier,
   * a kind connecting, disconnecting, syncing or failing, an exclusion or conflict appearing or going. Changes in one
   * synchronous run are coalesced into one call. Event times and counters change all the time and are not pushed;
   * read `status()` for them. Returns a function that removes the listener. A listener that throws is ignored.
   */
  onStatusChange(listener: (status: WatcherStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A snapshot for /status, logs and tests. Contains no secret value. */
  status(): WatcherStatus {
    return projectStatus({
      namespace: this.namespace,
      groupRef: this.groupRef,
      group: this.group,
      state: this.#state,
      cachesSynced: this.#cachesSynced,
      readyAt: this.#readyIso,
      cacheSyncedAt: this.#cachesSyncedIso,
      fatal: this.#fatal,
      discoveryError: this.#discoveryError,
      servedVersions: this.#servedVersions,
      kinds: [...this.#kinds.values()].map((k) => ({ ...k, tolerated: this.#policy.isTolerated(k.kind.kind) })),
      barrier: this.#barrier,
      reconciler: this.#reconciler,
      controller: this.#controller,
      registry: this.registry,
      now: this.#clock.now(),
    });
  }

  // -------------------------------------------------------------------------------------------------------------

  async #run(): Promise<void> {
    const resources = await this.#discoverVersions();
    if (resources === undefined || this.#state !== 'starting') return;
    for (const entry of this.#kinds.values()) {
      const { kind } = entry;
      entry.resource = resources.get(kind.kind) ?? kind.resource;
      const informer = createKindInformer(
        kind,
        entry.resource,
        { client: this.#client, namespace: this.namespace, reader: this.reader, reflector: this.#o.reflector, clock: this.#clock },
        {
          onError: (k, err, info) => {
            this.#policy.handle(k, err, info);
            this.#notifyIfKindChanged(k.kind);
          },
          onWatchEvent: (k, type) => {
            entry.lastContactAt = this.#clock.now();
            this.#metric((m) => m.watchEvent?.(k.kind, type));
            this.#notifyIfKindChanged(k.kind);
          },
          enqueue: (names) => {
            for (const n of names) this.#controller.enqueue(n);
          },
        },
      );
      entry.informer = informer;
      this.#informers.set(kind.kind, informer);
    }
    for (const entry of this.#kinds.values()) {
      const informer = entry.informer!;
      informer.run(this.#ac.signal).catch((err: unknown) => this.#fail(err));
      informer.onSynced(() => {
        entry.lastContactAt = this.#clock.now();
        this.#notifyIfKindChanged(entry.kind.kind);
        this.#checkCachesSynced();
      });
    }
    this.#checkCachesSynced();
  }

  /**
   * Kind → descriptor to list and watch. Retries while the API server cannot answer; undefined when stopped first.
   * A required kind that no readable version serves is fatal; a missing optional kind is tolerated and watched at
   * the plan's version, so installing its CRD later completes its sync.
   */
  async #discoverVersions(): Promise<ReadonlyMap<string, ResourceDescriptor> | undefined> {
    if (this.#o.discoverApiVersions === false) return new Map([...this.#kinds].map(([name, k]) => [name, k.kind.resource]));
    const descriptors = [...this.#kinds.values()].map((k) => k.kind.resource);
    const backoff = new Backoff(DISCOVERY_BACKOFF, this.#clock);
    for (;;) {
      try {
        const found = await resolveToolHiveVersions(this.#client, descriptors, this.#ac.signal);
        this.#servedVersions = found.servedVersions;
        this.#discoveryError = undefined;
        const missingRequired: string[] = [];
        for (const kindName of found.missing) {
          const k = [...this.#kinds.values()].find((e) => e.kind.resource.kind === kindName)!;
          if (!this.#policy.tolerateMissing(k.kind, `no served version of ${k.kind.resource.group} has ${k.kind.resource.plural}`)) {
            missingRequired.push(k.kind.kind);
          }
        }
        if (missingRequired.length > 0) throw new ToolHiveKindNotServedError(missingRequired, found.servedVersions);
        // Keyed by the plan's kind string (the plan may name kinds differently from the descriptor's kind).
        const byPlanKind = new Map<string, ResourceDescriptor>();
        for (const [planKind, entry] of this.#kinds) {
          const resolved = found.resources.get(entry.kind.resource.kind);
          if (resolved !== undefined) byPlanKind.set(planKind, resolved);
        }
        const versions = Object.fromEntries([...byPlanKind].map(([k, d]) => [k, d.version]));
        this.#log.info('API versions discovered', { served: found.servedVersions, versions });
        return byPlanKind;
      } catch (err) {
        if (err instanceof ToolHiveKindNotServedError) throw err;
        if (this.#ac.signal.aborted) return undefined;
        const delay = backoff.next();
        const message = errorMessage(err);
        if (this.#discoveryError !== message)
          this.#log.warn(`API discovery of toolhive.stacklok.dev failed, retrying in ${delay} ms: ${message}`);
        this.#discoveryError = message;
        this.#notify();
        try {
          await sleep(delay, { signal: this.#ac.signal, clock: this.#clock });
        } catch {
          return undefined; // stopped while waiting
        }
      }
    }
  }

  #checkCachesSynced(): void {
    if (this.#cachesSynced || this.#state !== 'starting') return;
    for (const { kind, informer } of this.#kinds.values()) {
      if (informer === undefined) return;
      if (!informer.hasSynced() && !((kind.required ?? true) === false && this.#policy.isTolerated(kind.kind))) return;
    }
    this.#cachesSynced = true;
    this.#cachesSyncedAt = this.#clock.now();
    this.#cachesSyncedIso = new Date(this.#clock.epochMs()).toISOString();
    this.#setState('running');
    const ms = this.#cachesSyncedAt - this.#startedAt;
    this.#log.info('caches synced, reconciling the initial pass', { namespace: this.namespace, group: this.group, ms });
    this.#metric((m) => m.cacheSynced?.(ms));
    // Workers start only now (controller-runtime waits for its sources too): a reconcile on a half-filled cache
    // would decide on missing dependencies. Events so far are already queued; add every source object and every
    // registry id (which removes seed entries no object backs). That set is the initial pass of the barrier.
    const names = this.#reconciler.namesToResync();
    for (const n of names) this.#controller.enqueue(n);
    this.#barrier.begin(names);
    this.#controllerRun = this.#controller.start().catch((err: unknown) => this.#fail(err));
    this.#scheduleResync();
  }

  #onBarrierPassed(ms: number): void {
    this.#readyIso = new Date(this.#clock.epochMs()).toISOString();
    const p = this.#barrier.progress();
    this.#log.info('initial reconcile done, ready', {
      namespace: this.namespace,
      group: this.group,
      ms,
      names: p.total,
      backends: this.registry.count(),
    });
    this.#metric((m) => m.initialReconcile?.(ms));
    for (const fn of [...this.#syncWaiters]) fn();
    this.#notify();
  }

  /** A decision about `name`: push when its exclusion appeared, changed or went, or the conflict count changed. */
  #onDecided(name: string): void {
    // The initial pass is pushed once, when the barrier is passed; before that each exclusion would be a push.
    if (!this.#barrier.passed) return;
    const e = this.#reconciler.exclusions().get(name);
    const code = e === undefined ? undefined : `${e.reason.code}:${e.reason.message}`;
    let changed = false;
    if (code !== this.#excluded.get(name)) {
      changed = true;
      if (code === undefined) this.#excluded.delete(name);
      else this.#excluded.set(name, code);
    }
    const conflicts = this.#reconciler.conflicts().length;
    if (conflicts !== this.#conflictCount) {
      this.#conflictCount = conflicts;
      changed = true;
    }
    if (changed) this.#notify();
  }

  #notifyIfKindChanged(kind: string): void {
    const entry = this.#kinds.get(kind);
    if (entry === undefined) return;
    const sig = kindSignature({ ...entry, tolerated: this.#policy.isTolerated(kind) });
    if (this.#signatures.get(kind) === sig) return;
    this.#signatures.set(kind, sig);
    this.#notify();
  }

  #setState(state: State): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#notify();
  }

  /**
   * Schedules one listener call for every change of this synchronous run, and at most one per
   * {@link STATUS_PUSH_INTERVAL_MS} (later changes of a busy period are pushed together at its end).
   */
  #notify(): void {
    if (this.#notifyQueued || this.#listeners.size === 0) return;
    this.#notifyQueued = true;
    const wait = this.#lastPushAt + STATUS_PUSH_INTERVAL_MS - this.#clock.now();
    if (wait > 0) this.#clock.setTimeout(() => this.#push(), wait);
    else queueMicrotask(() => this.#push());
  }

  #push(): void {
    this.#notifyQueued = false;
    this.#lastPushAt = this.#clock.now();
    const status = this.status();
    // A listener never breaks watching.
    for (const fn of [...this.#listeners]) callSafely(() => fn(status));
  }

  #scheduleResync(): void {
    const period = this.#o.resyncPeriodMs ?? 600_000;
    if (period <= 0 || this.#state !== 'running') return;
    const delay = period * (0.9 + 0.2 * this.#clock.random());
    this.#resyncTimer = this.#clock.setTimeout(() => {
      const names = this.#reconciler.namesToResync();
      this.#log.debug('periodic resync', { names: names.length });
      for (const n of names) this.#controller.enqueue(n);
      this.#scheduleResync();
    }, delay);
  }

  async #stop(): Promise<void> {
    const failed = this.#state === 'failed';
    if (!failed) this.#setState('stopping');
    if (this.#resyncTimer !== undefined) this.#clock.clearTimeout(this.#resyncTimer);
    for (const fn of [...this.#syncWaiters]) fn();
    try {
      // Reconcilers first, then the caches they read (controller-runtime's stop order).
      const res = await this.#controller.stop();
      if (!res.graceful) this.#log.warn('stop: grace period expired, abandoned reconciles', { abandoned: res.abandoned });
      await this.#controllerRun;
    } finally {
      this.#ac.abort();
      if (!failed) this.#setState('stopped');
      this.#log.info('backend watcher stopped', { namespace: this.namespace, group: this.group });
      this.#done.resolve();
    }
  }

  #fail(err: unknown): void {
    if (this.#fatal) return;
    this.#fatal = toError(err);
    this.#log.error(`backend watcher failed: ${this.#fatal.message}`);
    this.#setState('failed');
    void this.stop();
  }

  #metric(fn: (m: NonNullable<BackendWatcherOptions['metrics']>) => void): void {
    const m = this.#o.metrics;
    // Metrics never break watching.
    if (m) callSafely(() => fn(m));
  }
}
