import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type Implementation,
} from '@modelcontextprotocol/sdk/types.js';
import { Backoff, errorMessage, type BackoffOptions, type Clock, type Logger, type TimerHandle } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import { openTransport, type TransportFactory } from './backend-transport.ts';
import { connectionKey } from './connection-key.ts';
import { combineHealth, isServing, type BackendHealth, type ConnectionState, type ObservedHealth } from './health.ts';
import type { MetricSink } from './metrics.ts';
import { listOffer, NOTHING_OFFERED, type Offer } from './offer.ts';
import type { OutgoingAuthOptions } from './outgoing-auth.ts';
import { scrubSecrets } from './scrub.ts';

/** Health probing. */
export interface HealthProbeOptions {
  /** Time between probes of a connected backend. Default 10 s. */
  intervalMs?: number;
  /** A probe that takes longer fails. Default 5 s. */
  timeoutMs?: number;
  /** Consecutive failed probes after which the connection is dropped and re-established. Default 3. */
  failureThreshold?: number;
}

/** What every connection of a pool shares: the pool's options, resolved. */
export interface ConnectionSettings {
  clock: Clock;
  logger: Logger;
  metric: MetricSink;
  clientInfo: Implementation;
  auth: OutgoingAuthOptions;
  health: Required<HealthProbeOptions>;
  requestTimeoutMs: number;
  backoff: BackoffOptions;
  createTransport: TransportFactory | undefined;
}

/** A live MCP session with a backend and what it offered. */
interface Session {
  client: Client;
  release: () => Promise<void>;
  offer: Offer;
}

/**
 * The connection to one backend: connect, retry with backoff, probe, reconnect on a changed connection key, tear
 * down. It owns its state; every step runs on its own serial queue, one at a time, in order, so two sessions with
 * the same backend never overlap. It tells its owner after each change of health or offer.
 */
export class BackendConnection {
  readonly id: string;
  readonly #settings: ConnectionSettings;
  readonly #changed: (connection: BackendConnection) => void;
  readonly #backoff: Backoff;
  #backend: Backend;
  #key: string;
  #removed = false;
  #state: ConnectionState = 'connecting';
  #observed: ObservedHealth = 'unknown';
  #reason: string | undefined;
  #probeLatencyMs: number | undefined;
  #probeFailures = 0;
  #session: Session | undefined;
  #retryTimer: TimerHandle | undefined;
  #probeTimer: TimerHandle | undefined;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;

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

  /** Connected, not removed, and healthy or degraded by the combined health: its offer is in the catalogue. */
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
    this.#enqueue(() => this.#close());
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
    this.#state = 'closed';
    this.#observed = 'unknown';
    this.#reason = undefined;
    this.#changed(this); // the last change of a removed backend: state `closed`
  }

  async #connect(): Promise<void> {
    if (this.#removed) return;
    await this.#teardown();
    this.#cancelRetry();
    const backend = this.#backend;
    const key = this.#key;
    const { clock, requestTimeoutMs, metric } = this.#settings;
    const opened = await openTransport(backend, this.#settings.auth, clock, this.#settings.createTransport);
    if ('unavailable' in opened) return this.#setUnavailable(opened.unavailable);

    this.#state = 'connecting';
    this.#changed(this);
    const client = new Client(this.#settings.clientInfo, { capabilities: {} });
    const refresh = (): void => {
      if (this.#session?.client === client) this.#enqueue(() => this.#refreshOffer(client));
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh);
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh);
    const startedAt = clock.now();
    let offer: Offer;
    try {
      // The SDK bounds each request, not the transport's start (an SSE stream that never sends its endpoint would
      // hold this backend's queue forever): one deadline over the whole connect.
      offer = await this.#withDeadline(
        (async () => {
          await client.connect(opened.transport, { timeout: requestTimeoutMs });
          return listOffer(client, requestTimeoutMs);
        })(),
        3 * requestTimeoutMs,
        'connect',
      );
    } catch (error) {
      await closeQuietly(client, opened.release);
      metric('connection', { backendId: this.id, event: 'failed', durationMs: clock.now() - startedAt });
      if (this.#removed || this.#key !== key) return; // superseded: the next step is queued
      this.#setRetrying(`connect failed: ${scrubSecrets(errorMessage(error), backend)}`);
      return;
    }
    if (this.#removed || this.#key !== key) {
      await closeQuietly(client, opened.release);
      return;
    }
    this.#session = { client, release: opened.release, offer };
    this.#state = 'connected';
    this.#observed = 'healthy';
    this.#reason = undefined;
    this.#backoff.reset();
    this.#probeFailures = 0;
    client.onclose = () => {
      if (this.#session?.client === client) this.#enqueue(() => this.#lost(client, 'connection closed by the backend'));
    };
    metric('connection', { backendId: this.id, event: 'connected', durationMs: clock.now() - startedAt });
    this.#settings.logger.info(`backend ${this.id}: connected (${offer.tools.length} tools)`, {
      backend: this.id,
      tools: offer.tools.length,
    });
    this.#scheduleProbe(client);
    this.#changed(this);
  }

  /** Drops a session that failed under us and retries. */
  async #lost(client: Client, reason: string): Promise<void> {
    if (this.#session?.client !== client) return;
    await this.#teardown();
    if (this.#removed) return;
    this.#setRetrying(reason);
  }

  async #refreshOffer(client: Client): Promise<void> {
    if (this.#session?.client !== client) return;
    try {
      const offer = await listOffer(client, this.#settings.requestTimeoutMs);
      if (this.#session?.client !== client) return;
      this.#session.offer = offer;
      this.#changed(this);
    } catch (error) {
      await this.#lost(client, `listing failed: ${scrubSecrets(errorMessage(error), this.#backend)}`);
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

  /** Ends the session, if any. Its offer leaves the catalogue before the close is awaited. */
  async #teardown(): Promise<void> {
    if (this.#probeTimer !== undefined) this.#settings.clock.clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    this.#changed(this);
    session.client.onclose = ignoreClose;
    await closeQuietly(session.client, session.release);
    this.#settings.metric('connection', { backendId: this.id, event: 'disconnected' });
  }

  #scheduleProbe(client: Client): void {
    this.#probeTimer = this.#settings.clock.setTimeout(() => {
      this.#probeTimer = undefined;
      void this.#probe(client);
    }, this.#settings.health.intervalMs);
  }

  async #probe(client: Client): Promise<void> {
    if (this.#session?.client !== client) return;
    const { clock, health } = this.#settings;
    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(new Error(`ping timed out after ${health.timeoutMs} ms`)), health.timeoutMs);
    const startedAt = clock.now();
    let failure: string | undefined;
    try {
      await client.ping({ signal: abort.signal });
    } catch (error) {
      failure = abort.signal.aborted ? errorMessage(abort.signal.reason) : errorMessage(error);
    } finally {
      clock.clearTimeout(timer);
    }
    const latencyMs = clock.now() - startedAt;
    this.#settings.metric('probe', { backendId: this.id, ok: failure === undefined, latencyMs });
    if (this.#session?.client !== client) return;
    if (failure === undefined) {
      this.#probeFailures = 0;
      this.#probeLatencyMs = latencyMs;
      this.#scheduleProbe(client);
      return;
    }
    this.#probeFailures += 1;
    if (this.#probeFailures >= health.failureThreshold) {
      const reason = `${this.#probeFailures} health probes failed, last: ${scrubSecrets(failure, this.#backend)}`;
      this.#enqueue(() => this.#lost(client, reason));
    } else {
      this.#scheduleProbe(client);
    }
  }

  /** `work`, or a rejection after `ms` on the clock (the work is abandoned; the caller closes the client). */
  async #withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    const { clock } = this.#settings;
    let timer: TimerHandle | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = clock.setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
      work.catch(() => undefined);
    }
  }
}

/** Replaces `onclose` on a client closed on purpose, so that close is not taken for a lost connection. */
function ignoreClose(): void {
  // closed on purpose
}

async function closeQuietly(client: Client, release: (() => Promise<void>) | undefined): Promise<void> {
  try {
    await client.close();
  } catch {
    // closing a broken connection may fail; it is gone either way
  }
  try {
    await release?.();
  } catch {
    // the agent is released either way
  }
}
