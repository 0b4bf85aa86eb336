/**
 * What the readiness and liveness handlers need from a watcher. Structural on purpose: `@vmcp/readiness` has no
 * dependencies, and any object with these methods (a `BackendWatcher`, a test double, your own cache) works.
 */
export interface ReadinessSource {
  /**
   * Resolves `true` once the watch caches are in sync, `false` when they are not by the time `signal` aborts (or
   * the source gives up). The handlers always pass a signal that aborts at the timeout or when the client leaves.
   */
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  /** A cheap synchronous check; when it says `true` the handler answers without waiting. */
  hasSynced?(): boolean;
  /** The error the source stopped on, if it stopped for good. Turns liveness (and readiness) to 503. */
  fatalError?(): Error | undefined;
  /**
   * Counts for `?verbose`: how many caches have synced, and how far the initial reconcile has come. A source with
   * this method gets a `cache-sync` and an `initial-reconcile` check; without it, one `cache-sync` check.
   */
  readinessProgress?(): ReadinessProgress;
}

/** What {@link ReadinessSource.readinessProgress} reports. */
export interface ReadinessProgress {
  /** Watched kinds whose cache has synced (or that sync does not wait for), of all watched kinds. */
  cacheSync: { synced: number; total: number };
  /**
   * The initial pass over every backend name, which starts once the caches are synced: names that completed one
   * reconcile, of the names in the pass. `started` is false until the caches are synced.
   */
  initialReconcile: { started: boolean; done: number; total: number };
}

/** The JSON body of a readiness answer. The first three fields are upstream ToolHive's bodies, unchanged. */
export interface ReadinessBody {
  status: 'ready' | 'not_ready';
  mode: 'static' | 'dynamic';
  /** `cache_sync_pending` (upstream), or `watcher_failed` when the source reports a fatal error (ours). */
  reason?: 'cache_sync_pending' | 'watcher_failed';
  /** Only with `?verbose`. */
  checks?: CheckResult[];
}

/** The JSON body of a liveness answer. */
export interface LivenessBody {
  status: 'ok' | 'unhealthy';
  reason?: 'watcher_failed';
  /** Only with `?verbose`. */
  checks?: CheckResult[];
}

/**
 * One named check, as `?verbose` lists it. `line` is controller-runtime's text form (`[+]name ok`,
 * `[-]name failed: reason …`) so the output reads the same as a Kubernetes component's `/readyz?verbose`.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  line: string;
  /** Progress of a counted check (`cache-sync`: kinds; `initial-reconcile`: backend names). */
  done?: number;
  total?: number;
}

/** An HTTP status and a JSON body, before any framework is involved. */
export interface HealthAnswer<B> {
  statusCode: 200 | 503;
  body: B;
}

/** Options of the readiness handlers. */
export interface ReadinessOptions {
  /** The watcher to gate on. Absent (or undefined) = static mode: always ready. */
  watcher?: ReadinessSource | undefined;
  /** How long one request waits for the cache sync before answering 503. Default 5000 ms, as upstream. */
  timeoutMs?: number;
  /**
   * The path the connect-style middleware answers (other paths go to `next()`). Default `/readyz`.
   * The plain `node:http` form and the Web form answer whatever request they are given.
   */
  path?: string;
  /**
   * Told when `waitForCacheSync` throws (the answer is then 503). The error is never put in a response body,
   * because error messages can name objects the client should not learn about.
   */
  onError?: (error: unknown) => void;
}

/** Options of the liveness handlers. */
export interface LivenessOptions {
  /** Liveness turns 503 when `watcher.fatalError()` returns an error. Absent = always alive. */
  watcher?: ReadinessSource | undefined;
  /** Paths the connect-style middleware answers. Default `['/health', '/healthz', '/ping']`. */
  paths?: readonly string[];
}
