import { Backoff, errorMessage, silentLogger, sleep, systemClock, type BackoffOptions, type Clock, type Logger } from '@vmcp/core';
import { createDynamicRegistry, type Backend, type DynamicRegistry, type RegistryListener } from '@vmcp/registry';
import type { EventSourceMessage } from 'eventsource-parser';
import { applyMessage, clearAll } from './apply.ts';
import { readCa, readToken, type TokenSource } from './credentials.ts';
import { FeedError } from './errors.ts';
import { parseFeedEventId, type FeedErrorView, type FeedState, type FeedStatus } from './status.ts';
import { readStream } from './stream.ts';

/** The path of the feed's event stream on the watcher. */
export const FEED_EVENTS_PATH = '/api/v1/feed/events';

/** What a 403 does to the held backends. */
export type ForbiddenPolicy = 'clear' | 'keep';

/** Options of {@link RegistryFeed}. */
export interface RegistryFeedOptions {
  /** The watcher's base URL, e.g. `https://vmcp-watcher.toolhive.svc:8080`; the client reads `/api/v1/feed/events` on it. */
  url: string | URL;
  /** The bearer token: a file path (re-read for every connection attempt, so a rotated token is picked up) or a function. */
  token: TokenSource;
  /** PEM file of the CAs that sign the watcher's serving certificate (re-read for every attempt). Default: Node's roots. */
  caFile?: string;
  /** Allow an `http:` URL. The token then travels in clear text: for tests on loopback only. Default false. */
  insecureHttp?: boolean;
  /** Reconnect delays (jittered). Default `@vmcp/core`'s `DEFAULT_BACKOFF`: 0.8 s doubling to 30 s. */
  backoff?: BackoffOptions;
  /** A stream silent for this long (no event, no heartbeat) is dropped and reopened. Default 45 s (three heartbeats). */
  idleTimeoutMs?: number;
  /** The largest event accepted (a reset carries every backend), in characters. Default 256 Mi. */
  maxEventChars?: number;
  /**
   * What a 403 (the identity may no longer read the backends) does: `clear` (default) removes every held backend, so
   * a pool on top disconnects: access was taken away on purpose. `keep` keeps serving them as on any other failure.
   * A 401 always keeps them: an expired or not yet rotated token is the client's own problem, cured by the next token.
   */
  onForbidden?: ForbiddenPolicy;
  clock?: Clock;
  /** Connection changes at info/warn; never a token or a backend. Default silent. */
  logger?: Logger;
  /** A listener that throws (default: logged without the event, which holds secret values). */
  onListenerError?: (error: unknown) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The registry of a gateway that reads the watcher's feed instead of watching Kubernetes itself. It is a
 * `SubscribableRegistry` (what `BackendPool` takes) backed by a local `DynamicRegistry`: every feed event is applied
 * to it, and its listeners see only effective changes. A `reset` (the first answer, a watcher restart, another
 * replica) is applied as a diff, so unchanged backends emit nothing. While the feed is down the last known backends
 * stay served and {@link RegistryFeed.status} says how stale they are.
 */
export class RegistryFeed {
  readonly #registry: DynamicRegistry;
  readonly #url: URL;
  readonly #options: RegistryFeedOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #state: FeedState = 'idle';
  #synced = false;
  #lastEventId: string | undefined;
  #lastActivityAt: number | undefined;
  #staleSince: number;
  #reconnects = 0;
  #resets = 0;
  #lastError: { error: FeedError; at: number } | undefined;
  #waiters = new Set<Waiter>();
  #loop: Promise<void> | undefined;
  #healthyThisConnection = false;

  constructor(options: RegistryFeedOptions) {
    const url = new URL(FEED_EVENTS_PATH, options.url);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.insecureHttp === true)) {
      throw new Error(`RegistryFeed: the feed URL must be https: (got ${url.protocol}); insecureHttp allows http: for tests`);
    }
    this.#url = url;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#backoff = new Backoff(options.backoff ?? {}, this.#clock);
    this.#staleSince = this.#clock.now();
    this.#registry = createDynamicRegistry([], {
      onListenerError:
        options.onListenerError ?? ((error) => this.#logger.error('a feed registry listener failed', { error: errorMessage(error) })),
    });
  }

  /** Starts reading the feed in the background (idempotent). Returns this. */
  start(): this {
    if (this.#loop === undefined && !this.#abort.signal.aborted) this.#loop = this.#run();
    return this;
  }

  /** The held backend (deeply frozen, secret values included), or undefined. */
  get(id: string): Backend | undefined {
    return this.#registry.get(id);
  }

  /** A new array of the held backends. */
  list(): Backend[] {
    return this.#registry.list();
  }

  count(): number {
    return this.#registry.count();
  }

  /** The local version: +1 per effective change applied (not the watcher's version; see `status().version`). */
  version(): number {
    return this.#registry.version();
  }

  /** Listener of effective changes (a `DynamicRegistry` listener); returns unsubscribe. */
  subscribe(listener: RegistryListener): () => void {
    return this.#registry.subscribe(listener);
  }

  /**
   * Resolves once the first reset from the feed has been applied (at once if it has). Rejects on `close()`, on the
   * signal, or after `timeoutMs` with an error that gives the last failure (a 401 or 403 says so).
   */
  waitForSync(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.#synced) return Promise.resolve();
    if (this.#abort.signal.aborted) return Promise.reject(new Error('RegistryFeed is closed'));
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        this.#waiters.delete(waiter);
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(new Error('waitForSync aborted'));
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : this.#clock.setTimeout(() => {
              const last = this.#lastError?.error;
              waiter.reject(
                new Error(
                  `the feed did not sync within ${options.timeoutMs} ms${last === undefined ? '' : `; last failure: ${last.message}`}`,
                ),
              );
            }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Connection, freshness and position, for a readiness check or a status page. */
  status(): FeedStatus {
    const now = this.#clock.now();
    const connected = this.#state === 'connected';
    const stale = !(connected && this.#synced);
    const position = parseFeedEventId(this.#lastEventId);
    const last = this.#lastError;
    const error: FeedErrorView | undefined =
      last === undefined
        ? undefined
        : {
            kind: last.error.kind,
            ...(last.error.status === undefined ? {} : { status: last.error.status }),
            ...(last.error.reason === undefined ? {} : { reason: last.error.reason }),
            message: last.error.message,
            ageMs: Math.round(now - last.at),
          };
    return {
      state: this.#state,
      connected,
      synced: this.#synced,
      stale,
      ...(stale ? { staleForMs: Math.round(now - this.#staleSince) } : {}),
      ...(this.#lastActivityAt === undefined ? {} : { lastEventAgeMs: Math.round(now - this.#lastActivityAt) }),
      ...(position === undefined ? {} : { epoch: position.epoch, version: position.version }),
      backends: this.#registry.count(),
      reconnects: this.#reconnects,
      resets: this.#resets,
      ...(error === undefined ? {} : { lastError: error }),
    };
  }

  /** Stops reading; the held backends stay readable. Pending `waitForSync` calls reject. Idempotent. */
  async close(): Promise<void> {
    if (!this.#abort.signal.aborted) this.#abort.abort(new Error('RegistryFeed closed'));
    this.#state = 'closed';
    for (const waiter of [...this.#waiters]) waiter.reject(new Error('RegistryFeed closed before it synced'));
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let first = true;
    while (!signal.aborted) {
      if (!first) this.#reconnects += 1;
      first = false;
      this.#state = 'connecting';
      this.#healthyThisConnection = false;
      let failure: FeedError;
      try {
        const [token, ca] = await Promise.all([readToken(this.#options.token), readCa(this.#options.caFile)]);
        await readStream({
          url: this.#url,
          headers: {
            authorization: `Bearer ${token}`,
            ...(this.#lastEventId === undefined ? {} : { 'last-event-id': this.#lastEventId }),
          },
          ca,
          signal,
          idleTimeoutMs: this.#options.idleTimeoutMs ?? 45_000,
          maxEventChars: this.#options.maxEventChars ?? 256 * 1024 * 1024,
          clock: this.#clock,
          onOpen: () => this.#onOpen(),
          onMessage: (message) => this.#onMessage(message),
          onActivity: () => (this.#lastActivityAt = this.#clock.now()),
        });
        failure = new FeedError('transport', 'the watcher ended the stream');
      } catch (error) {
        if (signal.aborted) break;
        failure = error instanceof FeedError ? error : new FeedError('transport', errorMessage(error), { cause: error });
      }
      this.#onDisconnected(failure);
      const delay = Math.max(this.#backoff.next(), failure.retryAfterMs ?? 0);
      this.#state = 'waiting';
      try {
        await sleep(delay, { signal, clock: this.#clock });
      } catch {
        break;
      }
    }
    this.#state = 'closed';
  }

  #onOpen(): void {
    this.#state = 'connected';
    if (this.#synced) this.#logger.info('feed reconnected', { url: this.#url.origin, resumeFrom: this.#lastEventId });
  }

  #onMessage(message: EventSourceMessage): void {
    const applied = applyMessage(this.#registry, message.event, message.data);
    if (parseFeedEventId(message.id) !== undefined) this.#lastEventId = message.id;
    if (!this.#healthyThisConnection && message.event !== 'status') {
      this.#healthyThisConnection = true;
      this.#backoff.reset();
    }
    if (!applied.reset) return;
    this.#resets += 1;
    this.#logger.info('feed reset applied', {
      backends: this.#registry.count(),
      changed: applied.upserted,
      removed: applied.removed,
      position: message.id,
    });
    if (!this.#synced) {
      this.#synced = true;
      for (const waiter of [...this.#waiters]) waiter.resolve();
    }
  }

  #onDisconnected(failure: FeedError): void {
    // Stale from the moment a fresh state stopped being fresh; a failure while already stale keeps the earlier time.
    if (this.#state === 'connected' && this.#synced) this.#staleSince = this.#clock.now();
    this.#lastError = { error: failure, at: this.#clock.now() };
    if (failure.kind === 'forbidden' && (this.#options.onForbidden ?? 'clear') === 'clear') {
      const removed = clearAll(this.#registry);
      this.#synced = false;
      // The next answer must be a full reset: what was removed here is not in the watcher's buffer of changes.
      this.#lastEventId = undefined;
      this.#logger.warn('the feed refused this identity (403); held backends removed', { removed, reason: failure.reason });
      return;
    }
    this.#logger.warn('feed connection lost; serving the last known backends', {
      kind: failure.kind,
      status: failure.status,
      reason: failure.reason,
      message: failure.message,
      backends: this.#registry.count(),
    });
  }
}
