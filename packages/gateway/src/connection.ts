import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Backoff, errorMessage, type BackoffOptions, type Logger, type TimerHandle } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import { connectionKey } from './connection-key.ts';
import { classifyFailure, countsTowardHealth, type FailureKind } from './failure.ts';
import { combineHealth, isServing, type BackendHealth, type ConnectionState, type ObservedHealth } from './health.ts';
import type { MetricSink } from './metrics.ts';
import { listOffer, NOTHING_OFFERED, type Offer } from './offer.ts';
import { scrubSecrets } from './scrub.ts';
import { openSession, type BackendSession, type SessionEvents, type SessionSettings } from './session.ts';

/** Health probing: MCP `ping` on every connected backend. */
export interface HealthProbeOptions {
  /** Time between probes of a connected backend (upstream: `healthCheckInterval`). Default 2 s. */
  intervalMs?: number;
  /** A probe that takes longer fails. Default 2 s. */
  timeoutMs?: number;
}

/** What every connection of a pool shares: the pool's options, resolved. */
export interface ConnectionSettings extends SessionSettings {
  logger: Logger;
  metric: MetricSink;
  health: Required<HealthProbeOptions>;
  backoff: BackoffOptions;
  /** Consecutive counted failures (probes, calls, listings) that open the circuit. */
  failureThreshold: number;
  /** `best_effort`: the first counted failure opens the circuit. */
  partialFailureMode: 'fail' | 'best_effort';
  /** Bound on a routed call by backend id, when the caller gives none. */
  callTimeoutMs(backendId: string): number;
}

/** A request on a backend failed; `failure` says how health accounting took it. */
export class RequestFailure extends Error {
  readonly failure: FailureKind;
  constructor(failure: FailureKind, cause: unknown) {
    super(errorMessage(cause), { cause });
    this.failure = failure;
  }
}

/**
 * The connection to one backend, a small circuit breaker around an MCP session: closed (connected, serving),
 * open (out of the catalogue, waiting the backoff delay), half-open (one reconnect attempt: transport, initialize,
 * lists). A transport error opens it at once; timeouts and HTTP errors of calls, probes and listings count, and
 * `failureThreshold` of them in a row open it. A changed connection key opens a new session next to the old one,
 * which keeps serving until the new one is up (make before break) and then drains.
 *
 * It owns its state; connect and close steps run on its own serial queue, one at a time, in order. It tells its
 * owner after each change of health or offer.
 */
export class BackendConnection {
  readonly id: string;
  readonly #settings: ConnectionSettings;
  readonly #changed: (connection: BackendConnection) => void;
  readonly #backoff: Backoff;
  readonly #retired = new Set<BackendSession>();
  #backend: Backend;
  #key: string;
  #removed = false;
  #state: ConnectionState = 'connecting';
  #observed: ObservedHealth = 'unknown';
  #reason: string | undefined;
  #probeLatencyMs: number | undefined;
  #failures = 0;
  #session: BackendSession | undefined;
  #retryTimer: TimerHandle | undefined;
  #probeTimer: TimerHandle | undefined;
  #probing = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  readonly #sessionEvents: SessionEvents = {
    listChanged: (session) => {
      if (session === this.#session) this.#enqueue(() => this.#refreshOffer(session));
    },
    closed: (session) => this.#failed(session, 'transport', 'connection closed by the backend'),
    transportError: (session) => this.#probeNow(session),
  };

  /** Starts connecting at once. `changed` is called after every change the owner may want to publish. */
  constructor(backend: Backend, settings: ConnectionSettings, changed: (connection: BackendConnection) => void) {
    this.id = backend.id;
    this.#backend = backend;
    this.#key = connectionKey(backend);
    this.#settings = settings;
    this.#changed = changed;
    this.#backoff = new Backoff(settings.backoff, settings.clock);
    this.#enqueue(() => this.#connect());
  }

  /** The registry's latest version of the backend. */
  get backend(): Backend {
    return this.#backend;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The connected SDK client, or undefined while not connected. */
  get client(): Client | undefined {
    return this.#session?.client;
  }

  /** What the backend offers while connected; nothing otherwise. */
  get offer(): Offer {
    return this.#session?.offer ?? NOTHING_OFFERED;
  }

  /** Connected, not removed, and healthy or degraded by the combined health: in the catalogue, and routed to. */
  get serving(): boolean {
    return this.#session !== undefined && !this.#removed && isServing(combineHealth(this.#backend.healthStatus, this.#observed));
  }

  /** A connect or close step is queued or running. */
  get busy(): boolean {
    return this.#queued > 0;
  }

  /** Resolves when the steps queued so far have run. */
  settled(): Promise<void> {
    return this.#queue;
  }

  health(): BackendHealth {
    const registryHealth = this.#backend.healthStatus;
    const out: BackendHealth = {
      id: this.id,
      health: combineHealth(registryHealth, this.#observed),
      registryHealth,
      observed: this.#observed,
      state: this.#state,
    };
    if (this.#reason !== undefined) out.reason = this.#reason;
    if (this.#probeLatencyMs !== undefined) out.probeLatencyMs = this.#probeLatencyMs;
    return out;
  }

  /** A new version of the backend: reconnects when its connection key changed (or it was removed), else keeps the session. */
  update(backend: Backend): void {
    const key = connectionKey(backend);
    const wasRemoved = this.#removed;
    this.#backend = backend;
    this.#removed = false;
    if (key !== this.#key || wasRemoved) {
      this.#key = key;
      this.#backoff.reset();
      this.#cancelRetry();
      this.#enqueue(() => this.#connect());
      return;
    }
    // Same connection settings: only the registry's view (health, metadata) changed.
    this.#changed(this);
  }

  /** The backend left the registry (or the pool closes): stop retrying and close, after the steps already queued. */
  remove(): void {
    this.#removed = true;
    this.#cancelRetry();
    this.#changed(this);
    this.#enqueue(() => this.#close());
  }

  /**
   * Runs one routed request on the current session and accounts for its outcome.
   *
   * @throws RequestFailure with the {@link FailureKind} of the error.
   */
  async request<T>(work: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const session = this.#session;
    if (session === undefined) throw new RequestFailure('transport', new Error('not connected'));
    try {
      const result = await session.run(work);
      if (session === this.#session) this.#failures = 0;
      return result;
    } catch (error) {
      const failure = classifyFailure(error, signal);
      this.#failed(session, failure, scrubSecrets(errorMessage(error), this.#backend));
      throw new RequestFailure(failure, error);
    }
  }

  /** The bound on a routed call to this backend when the caller gives none. */
  get callTimeoutMs(): number {
    return this.#settings.callTimeoutMs(this.id);
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queued += 1;
    this.#queue = this.#queue
      .then(step)
      .catch((error: unknown) => {
        this.#settings.logger.warn(`backend ${this.id}: ${scrubSecrets(errorMessage(error), this.#backend)}`, { backend: this.id });
      })
      .finally(() => {
        this.#queued -= 1;
      });
  }

  async #close(): Promise<void> {
    if (!this.#removed) return; // re-added meanwhile: its connect step follows
    await this.#teardown();
    await Promise.all([...this.#retired].map((session) => session.close()));
    this.#state = 'closed';
    this.#observed = 'unknown';
    this.#reason = undefined;
    this.#changed(this); // the last change of a removed backend: state `closed`
  }

  /** Half-open: one attempt. With a live session (a changed key), the old one serves until the new one is up. */
  async #connect(): Promise<void> {
    if (this.#removed) return;
    this.#cancelRetry();
    const backend = this.#backend;
    const key = this.#key;
    const { clock, metric } = this.#settings;
    if (this.#session === undefined) {
      this.#state = 'connecting';
      this.#changed(this);
    }
    const startedAt = clock.now();
    const result = await openSession(backend, this.#settings, this.#sessionEvents);
    if ('unavailable' in result) {
      await this.#teardown();
      return this.#setUnavailable(result.unavailable);
    }
    if ('failed' in result) {
      metric('connection', { backendId: this.id, event: 'failed', durationMs: clock.now() - startedAt });
      if (this.#removed || this.#key !== key) return; // superseded: the next step is queued
      await this.#teardown();
      return this.#setRetrying(`connect failed: ${result.failed}`);
    }
    const session = result.session;
    if (this.#removed || this.#key !== key) return session.close();
    const previous = this.#session;
    this.#session = session;
    this.#state = 'connected';
    this.#observed = 'healthy';
    this.#reason = undefined;
    this.#failures = 0;
    this.#backoff.reset();
    metric('connection', { backendId: this.id, event: 'connected', durationMs: clock.now() - startedAt });
    this.#settings.logger.info(`backend ${this.id}: connected (${session.offer.tools.length} tools)`, {
      backend: this.id,
      tools: session.offer.tools.length,
    });
    if (previous !== undefined) this.#retire(previous);
    this.#scheduleProbe(session);
    this.#changed(this);
  }

  /** A session replaced by a newer one: no new calls; it closes once its calls in flight have settled. */
  #retire(session: BackendSession): void {
    this.#retired.add(session);
    void session.retire().then(() => {
      this.#retired.delete(session);
      this.#settings.metric('connection', { backendId: this.id, event: 'disconnected' });
    });
  }

  /** Counts a failure of `session`; a transport error, or enough failures in a row, opens the circuit. */
  #failed(session: BackendSession, failure: FailureKind, reason: string): void {
    if (session !== this.#session || !countsTowardHealth(failure) || this.#observed !== 'healthy') return;
    this.#failures += 1;
    const open =
      failure === 'transport' || this.#settings.partialFailureMode === 'best_effort' || this.#failures >= this.#settings.failureThreshold;
    if (!open) return;
    // Out of the catalogue now, before the session is torn down on the queue (which may be busy connecting).
    this.#observed = 'unhealthy';
    this.#reason = failure === 'transport' || this.#failures === 1 ? reason : `${this.#failures} failures in a row, last: ${reason}`;
    this.#changed(this);
    const why = this.#reason;
    this.#enqueue(() => this.#lost(session, why));
  }

  /** Drops a session that failed under us and retries (the circuit is open until the retry). */
  async #lost(session: BackendSession, reason: string): Promise<void> {
    if (this.#session !== session) return;
    await this.#teardown();
    if (this.#removed) return;
    this.#setRetrying(reason);
  }

  async #refreshOffer(session: BackendSession): Promise<void> {
    if (this.#session !== session) return;
    try {
      const offer = await listOffer(session.client, this.#settings.requestTimeoutMs);
      if (this.#session !== session) return;
      session.offer = offer;
      this.#changed(this);
    } catch (error) {
      // The previous list stays until the failures open the circuit.
      this.#failed(session, classifyFailure(error), `listing failed: ${scrubSecrets(errorMessage(error), this.#backend)}`);
    }
  }

  #setUnavailable(reason: string): void {
    this.#state = 'unavailable';
    this.#observed = 'unavailable';
    this.#reason = reason;
    this.#settings.logger.warn(`backend ${this.id} not connected: ${reason}`, { backend: this.id });
    this.#changed(this);
  }

  #setRetrying(reason: string): void {
    this.#state = 'retrying';
    this.#observed = 'unhealthy';
    this.#reason = reason;
    const delay = this.#backoff.next();
    this.#settings.logger.info(`backend ${this.id}: ${reason}; retrying in ${delay} ms`, {
      backend: this.id,
      attempt: this.#backoff.failures,
    });
    this.#retryTimer = this.#settings.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#removed && this.#session === undefined) this.#enqueue(() => this.#connect());
    }, delay);
    this.#changed(this);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) this.#settings.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Ends the current session, if any. Its offer leaves the catalogue before the close is awaited. */
  async #teardown(): Promise<void> {
    this.#cancelProbe();
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    this.#changed(this);
    await session.close();
    this.#settings.metric('connection', { backendId: this.id, event: 'disconnected' });
  }

  #cancelProbe(): void {
    if (this.#probeTimer !== undefined) this.#settings.clock.clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  #scheduleProbe(session: BackendSession): void {
    this.#cancelProbe();
    this.#probeTimer = this.#settings.clock.setTimeout(() => {
      this.#probeTimer = undefined;
      void this.#probe(session);
    }, this.#settings.health.intervalMs);
  }

  /** The transport reported trouble (e.g. its stream broke): probe now rather than at the next interval. */
  #probeNow(session: BackendSession): void {
    if (session !== this.#session || this.#probing) return;
    this.#cancelProbe();
    void this.#probe(session);
  }

  async #probe(session: BackendSession): Promise<void> {
    if (this.#session !== session) return;
    const { clock, health } = this.#settings;
    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(new Error(`ping timed out after ${health.timeoutMs} ms`)), health.timeoutMs);
    const startedAt = clock.now();
    let failure: { kind: FailureKind; message: string } | undefined;
    this.#probing = true;
    try {
      await session.client.ping({ signal: abort.signal });
    } catch (error) {
      failure = abort.signal.aborted
        ? { kind: 'timeout', message: errorMessage(abort.signal.reason) }
        : { kind: classifyFailure(error), message: errorMessage(error) };
    } finally {
      this.#probing = false;
      clock.clearTimeout(timer);
    }
    const latencyMs = clock.now() - startedAt;
    this.#settings.metric('probe', { backendId: this.id, ok: failure === undefined, latencyMs });
    if (this.#session !== session) return;
    if (failure === undefined) {
      this.#failures = 0;
      this.#probeLatencyMs = latencyMs;
    } else {
      this.#failed(session, failure.kind, `health probe: ${scrubSecrets(failure.message, this.#backend)}`);
    }
    if (this.#session === session && this.#observed === 'healthy') this.#scheduleProbe(session);
  }
}
