import { BackendReconciler, parseGroupRef } from '@vmcp/reconciler';
import { createKubernetesDiscoverer, kubernetesWatchPlan, type Discoverer, type WatchPlan, type WatchedKind } from '@vmcp/discoverer';
import { KubeApiError } from '../client/errors.ts';
import { KubeHttpClient } from '../client/http.ts';
import { createApiDirectReader } from '../client/direct-reader.ts';
import { Controller } from '../controller/index.ts';
import { Informer, InformerCacheReader, deletedObject, type InformerErrorInfo } from '../informer/index.ts';
import type { BackendWatcherOptions, KindStatus, Logger, WatcherStatus } from './types.ts';

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

type State = WatcherStatus['state'];

/**
 * Keeps a `DynamicRegistry` equal to the backends a namespace's objects describe, live: one informer per kind of
 * the watch plan → map functions → a rate-limited work queue → N workers running `BackendReconciler.reconcile`.
 * Same lifecycle as upstream's `BackendWatcher` (start blocks until stopped, `waitForCacheSync` for readiness),
 * without its silent failure modes: every list/watch error is retried with backoff and reported in `status()`.
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
  readonly #informers = new Map<string, { kind: WatchedKind; informer: Informer }>();
  readonly #tolerated = new Set<string>();
  readonly #reconciler: BackendReconciler<string>;
  readonly #controller: Controller;
  readonly #ac = new AbortController();
  readonly #syncWaiters = new Set<() => void>();
  readonly #done = Promise.withResolvers<void>();
  readonly #lastLogged = new Map<string, string>();
  #state: State = 'new';
  #synced = false;
  #syncedAt: number | undefined;
  #startedAt = 0;
  #fatal: Error | undefined;
  #stopPromise: Promise<void> | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #controllerRun: Promise<void> | undefined;

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
    this.#log = options.logger ?? noopLogger;
    this.namespace = ref.namespace;
    this.groupRef = options.groupRef;
    this.group = ref.name;
    this.registry = options.registry;
    this.plan = options.plan ?? kubernetesWatchPlan({ group: ref.name });

    const client = new KubeHttpClient(options.kubeConfig, { userAgent: 'vmcp-watcher' });
    const r = options.reflector ?? {};
    for (const kind of this.plan.kinds) {
      if (this.#informers.has(kind.kind)) throw new Error(`watch plan lists kind "${kind.kind}" twice`);
      const informer = new Informer({
        client,
        namespace: this.namespace,
        kind: kind.kind,
        resource: kind.resource,
        metadataOnly: kind.metadataOnly ?? false,
        ...(kind.transform ? { transform: kind.transform } : {}),
        ...(kind.indexers ? { indexers: kind.indexers } : {}),
        onError: (err, info) => this.#onInformerError(kind, err, info),
        reflector: {
          ...(r.inactivityTimeoutMs !== undefined ? { inactivityTimeoutMs: r.inactivityTimeoutMs } : {}),
          ...(r.watchTimeoutSeconds ? { watchTimeoutSeconds: r.watchTimeoutSeconds } : {}),
          ...(r.backoff ? { backoff: r.backoff } : {}),
          ...(r.pageSize !== undefined ? { pageSize: r.pageSize } : {}),
          ...(r.watchList !== undefined ? { watchList: r.watchList } : {}),
          onWatchEvent: (type) => this.#metric((m) => m.watchEvent?.(kind.kind, type)),
        },
      });
      this.#informers.set(kind.kind, { kind, informer });
    }
    this.reader = new InformerCacheReader(new Map([...this.#informers].map(([k, v]) => [k, v.informer])));
    const context = {
      namespace: this.namespace,
      group: this.group,
      reader: this.reader,
      direct: options.directReader ?? createApiDirectReader(client),
      logger: this.#log,
    };
    this.discoverer =
      typeof options.discoverer === 'function'
        ? options.discoverer(context)
        : (options.discoverer ?? createKubernetesDiscoverer(context));

    this.#reconciler = new BackendReconciler<string>({
      namespace: this.namespace,
      groupRef: this.groupRef,
      registry: this.registry,
      discoverer: this.discoverer,
      reader: this.reader,
      plan: this.plan,
      onResult: (req, outcome) => {
        if ('error' in outcome) return; // logged by the controller's onError, with the retry
        this.#log.debug('reconciled', { name: req.name, action: outcome.action, changed: outcome.changed, reason: outcome.reason?.code });
      },
      onConflict: (c) => {
        this.#log.warn(`backend name "${c.name}" is used by several kinds in group "${this.group}"; serving ${c.kinds[0]}`, { name: c.name, kinds: c.kinds });
        this.#metric((m) => m.conflicts?.(this.#reconciler.conflicts().length));
      },
    });

    this.#controller = new Controller({
      name: `backend-reconciler-${this.group}`,
      reconcile: async (req, signal) => {
        const res = await this.#reconciler.reconcile({ name: req.name }, signal);
        return res.requeueAfterMs !== undefined ? { requeueAfterMs: res.requeueAfterMs } : {};
      },
      maxConcurrentReconciles: options.workers ?? 4,
      gracePeriodMs: options.gracePeriodMs ?? 30_000,
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      ...(options.metrics?.workqueue ? { queueMetrics: options.metrics.workqueue } : {}),
      ...(options.metrics?.controller ? { metrics: options.metrics.controller } : {}),
      onError: (req, err) => this.#log.warn(`reconcile of backend "${req.name}" failed, retrying with backoff: ${err.message}`, { name: req.name }),
    });

    // Event → backend names → queue. For an update the names of the old and the new object are both enqueued, so a
    // backend that moved out of the group (only the old one maps) is re-checked and removed.
    for (const { kind, informer } of this.#informers.values()) {
      informer.addHandlers({
        onAdd: (obj) => this.#enqueue(kind.mapToBackends(obj, this.reader)),
        onUpdate: (oldObj, newObj) => {
          this.#enqueue(kind.mapToBackends(oldObj, this.reader));
          this.#enqueue(kind.mapToBackends(newObj, this.reader));
        },
        onDelete: (obj) => this.#enqueue(kind.mapToBackends(deletedObject(obj), this.reader)),
      });
    }
  }

  /**
   * Lists and watches every kind, and reconciles once all are synced. Resolves after a graceful stop (`signal`
   * aborted or `stop()`); rejects on a fatal error, and with `watcher already started` when called twice.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'new') throw new Error('watcher already started');
    this.#state = 'starting';
    this.#startedAt = Date.now();
    this.#log.info('starting backend watcher', { namespace: this.namespace, group: this.group, kinds: [...this.#informers.keys()] });
    if (signal) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    for (const { informer } of this.#informers.values()) {
      informer.run(this.#ac.signal).catch((err: unknown) => this.#fail(err));
      informer.onSynced(() => this.#checkSynced());
    }
    this.#checkSynced();
    await this.#done.promise;
    if (this.#fatal) throw this.#fatal;
  }

  /** Stops: drains in-flight reconciles (bounded by `gracePeriodMs`), then stops the watches. Idempotent. */
  stop(): Promise<void> {
    if (this.#state === 'new') {
      this.#state = 'stopped';
      this.#done.resolve();
      return Promise.resolve();
    }
    this.#stopPromise ??= this.#stop();
    return this.#stopPromise;
  }

  /**
   * True once every informer has delivered its first full list. The only exception is a `required: false` kind whose
   * CRD is not installed (404); a forbidden kind (403) always keeps this false until the permission is granted.
   */
  hasSynced(): boolean {
    return this.#synced;
  }

  /**
   * Waits until the caches are synced. False at once if the watcher was never started; false on timeout
   * (`timeoutMs`, default 30 s), on abort, or when the watcher stops first. Idempotent and cheap once synced.
   */
  async waitForCacheSync(signal?: AbortSignal, timeoutMs = this.#o.cacheSyncTimeoutMs ?? 30_000): Promise<boolean> {
    if (this.#state === 'new') {
      this.#log.warn('waitForCacheSync called before start');
      return false;
    }
    if (this.#synced) return true;
    if (this.#state === 'stopping' || this.#state === 'stopped' || this.#state === 'failed' || signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const finish = (v: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#syncWaiters.delete(onChange);
        resolve(v);
      };
      const onAbort = (): void => finish(false);
      const onChange = (): void => finish(this.#synced);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.add(onChange);
    });
  }

  /** A snapshot for /status, logs and tests. Contains no secret value. */
  status(): WatcherStatus {
    const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
    const kinds: KindStatus[] = [...this.#informers.values()].map(({ kind, informer }) => {
      const s = informer.status();
      return {
        kind: kind.kind,
        resource: s.resource,
        required: kind.required ?? true,
        connected: s.connected,
        synced: s.synced,
        tolerated: this.#tolerated.has(kind.kind) && !s.synced,
        resourceVersion: s.lastResourceVersion,
        objects: s.objects,
        consecutiveErrors: s.consecutiveErrors,
        ...(s.lastEventTime !== undefined ? { lastEventTime: iso(s.lastEventTime)! } : {}),
        ...(s.lastSyncTime !== undefined ? { lastSyncTime: iso(s.lastSyncTime)! } : {}),
        ...(s.lastError ? { lastError: { ...s.lastError, at: iso(s.lastError.at)! } } : {}),
      };
    });
    const exclusions: WatcherStatus['exclusions'] = {};
    for (const [name, e] of this.#reconciler.exclusions()) {
      exclusions[name] = { ...(e.kind !== undefined ? { kind: e.kind } : {}), code: e.reason.code, message: e.reason.message, since: e.since.toISOString() };
    }
    return {
      namespace: this.namespace,
      groupRef: this.groupRef,
      group: this.group,
      state: this.#state,
      synced: this.#synced,
      ...(this.#syncedAt !== undefined ? { syncedAt: iso(this.#syncedAt)! } : {}),
      ...(this.#fatal ? { fatalError: this.#fatal.message } : {}),
      kinds,
      queue: { depth: this.#controller.queue.len(), inFlight: this.#controller.inFlight() },
      registry: { version: this.registry.version(), backends: this.registry.count() },
      conflicts: this.#reconciler.conflicts(),
      exclusions,
      counters: this.#reconciler.counters(),
    };
  }

  // -------------------------------------------------------------------------------------------------------------

  #enqueue(names: readonly string[]): void {
    for (const n of names) this.#controller.enqueue(n);
  }

  #checkSynced(): void {
    if (this.#synced || this.#state !== 'starting') return;
    for (const { kind, informer } of this.#informers.values()) {
      if (!informer.hasSynced() && !((kind.required ?? true) === false && this.#tolerated.has(kind.kind))) return;
    }
    this.#synced = true;
    this.#syncedAt = Date.now();
    this.#state = 'running';
    const ms = this.#syncedAt - this.#startedAt;
    this.#log.info('caches synced, reconciling', { namespace: this.namespace, group: this.group, ms });
    this.#metric((m) => m.cacheSynced?.(ms));
    // Workers start only now (controller-runtime waits for its sources too): a reconcile on a half-filled cache
    // would decide on missing dependencies. Events so far are already queued; add every source object and every
    // registry id, which removes seed entries no object backs.
    this.#enqueue(this.#reconciler.namesToResync());
    this.#controllerRun = this.#controller.start().catch((err: unknown) => this.#fail(err));
    this.#scheduleResync();
    for (const fn of [...this.#syncWaiters]) fn();
  }

  #scheduleResync(): void {
    const period = this.#o.resyncPeriodMs ?? 600_000;
    if (period <= 0 || this.#state !== 'running') return;
    const delay = period * (0.9 + 0.2 * Math.random());
    this.#resyncTimer = setTimeout(() => {
      const names = this.#reconciler.namesToResync();
      this.#log.debug('periodic resync', { names: names.length });
      this.#enqueue(names);
      this.#scheduleResync();
    }, delay);
    this.#resyncTimer.unref();
  }

  #onInformerError(kind: WatchedKind, err: Error, info: InformerErrorInfo): void {
    const reflectorPhase = info.source === 'list' || info.source === 'watch' || info.source === 'store';
    if (reflectorPhase) {
      this.#metric((m) => m.watchError?.(kind.kind, info.source));
      // Only a missing CRD (404: an older ToolHive without MCPServerEntry) lets sync go on without a non-required
      // kind. A 403 never does, for any kind: a missing permission must hold the sync (and /readyz) rather than
      // silently serve nothing of that kind; the reflector keeps retrying, so granting it completes the sync.
      if (err instanceof KubeApiError && err.status === 404 && (kind.required ?? true) === false) {
        if (!this.#tolerated.has(kind.kind)) {
          this.#tolerated.add(kind.kind);
          this.#log.warn(`optional kind ${kind.kind} is not installed (no CRD), continuing without it: ${err.message}`, { kind: kind.kind });
        }
        this.#checkSynced();
      } else if (err instanceof KubeApiError && err.status === 403 && this.#tolerated.delete(kind.kind) && !this.#synced) {
        // The CRD got installed but the permission is missing: the sync waits for this kind again.
        this.#log.warn(`optional kind ${kind.kind} is installed now but forbidden; cache sync waits for the permission`, { kind: kind.kind });
      }
      // Same message again: keep the log readable (status().kinds[].lastError always has the latest).
      const key = `${kind.kind}:${info.source}`;
      const repeated = this.#lastLogged.get(key) === err.message;
      this.#lastLogged.set(key, err.message);
      const fields = { kind: kind.kind, phase: info.source, retryInMs: info.retryInMs, attempt: info.attempt };
      if (err instanceof KubeApiError && err.isGone) this.#log.info(`${err.message}; relisting`, fields);
      else if (repeated) this.#log.debug(`${err.message}; retrying`, fields);
      else if (err instanceof KubeApiError && err.status === 403 && !this.#synced) {
        this.#log.warn(`${err.message}; retrying in ${info.retryInMs ?? 0} ms (cache sync waits until this permission is granted)`, fields);
      } else this.#log.warn(`${err.message}; retrying in ${info.retryInMs ?? 0} ms`, fields);
      return;
    }
    this.#metric((m) => m.handlerError?.(kind.kind, info.source));
    this.#log.error(`${kind.kind} ${info.source} error: ${err.message}`, { kind: kind.kind, source: info.source, object: info.object });
  }

  async #stop(): Promise<void> {
    const failed = this.#state === 'failed';
    if (!failed) this.#state = 'stopping';
    if (this.#resyncTimer) clearTimeout(this.#resyncTimer);
    for (const fn of [...this.#syncWaiters]) fn();
    try {
      // Reconcilers first, then the caches they read (controller-runtime's stop order).
      const res = await this.#controller.stop();
      if (!res.graceful) this.#log.warn('stop: grace period expired, abandoned reconciles', { abandoned: res.abandoned });
      await this.#controllerRun;
    } finally {
      this.#ac.abort();
      if (!failed) this.#state = 'stopped';
      this.#log.info('backend watcher stopped', { namespace: this.namespace, group: this.group });
      this.#done.resolve();
    }
  }

  #fail(err: unknown): void {
    if (this.#fatal) return;
    this.#fatal = err instanceof Error ? err : new Error(String(err));
    this.#log.error(`backend watcher failed: ${this.#fatal.message}`);
    this.#state = 'failed';
    void this.stop();
  }

  #metric(fn: (m: NonNullable<BackendWatcherOptions['metrics']>) => void): void {
    const m = this.#o.metrics;
    if (!m) return;
    try {
      fn(m);
    } catch {
      // Metrics never break watching.
    }
  }
}
