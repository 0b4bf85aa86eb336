/**
 * Server-Sent Events of registry changes. Each change becomes one event whose `id` is `<epoch>.<version>`: the
 * registry version, and the epoch of the process that produced it (registry versions are a per-process counter, so a
 * version alone means nothing after a restart). A client resumes with `Last-Event-ID` (EventSource does this on its
 * own) or `?since=<epoch>.<version>`. Recent events sit in a bounded ring buffer (`@vmcp/core`'s `Fifo`); a resume
 * point from another epoch (the service restarted), from the future, without an epoch, or older than the buffer gets a
 * `reset` with the full list. Each event is serialised once (through `toPublicBackend`, so no secret value is ever
 * written) and shared by all clients. Slow clients are dropped rather than buffered without bound.
 *
 * A `reset` is streamed, one backend at a time as the socket drains, from the list as it was when the client came
 * (stored backends are immutable, so holding the list costs references only); events that happen meanwhile wait in
 * the client's own bounded queue and follow the reset. So a reset of any size costs the memory of one backend.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareBy, Fifo } from '@vmcp/core';
import { toPublicBackend, type Backend, type DynamicRegistry, type PublicBackend, type RegistryEvent } from '@vmcp/registry';
import { writePieces } from '../json-stream.ts';
import type { Logger } from '../../observe/logger.ts';
import { resetFramePieces, type ResetMode, type ResetSnapshot } from './reset-frame.ts';

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  registry: DynamicRegistry;
  logger: Logger;
  /** Events kept for resuming. Default 1000. */
  bufferSize?: number;
  /** Concurrent clients; more get 503. Default 100. */
  maxClients?: number;
  /** Comment line sent to every client this often, so proxies and clients see a live connection. Default 15 s. */
  heartbeatMs?: number;
  /** A client whose unsent output exceeds this many bytes is disconnected. Default 4 MiB. */
  maxBufferedBytes?: number;
  /** The `retry:` hint (ms) sent to EventSource clients. Default 2000. */
  retryMs?: number;
  /** The public JSON of a backend. Default `JSON.stringify(toPublicBackend(backend))`; the service bounds its size. */
  serialize?: (backend: Backend) => string;
  /** This process's epoch (letters and digits). Default: a new one from the start time and 32 random bits. */
  epoch?: string;
}

/** A new epoch: base-36 start time plus random, so two processes (even started in the same ms) never share one. */
export function newEpoch(): string {
  return `${Date.now().toString(36)}${randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0')}`;
}

const EPOCH_PATTERN = /^[a-z0-9]{1,32}$/;

/**
 * Parses a resume point as a client sends it: `<epoch>.<version>`, or a bare `<version>` (accepted, but it always
 * gets a reset: without an epoch nothing says which process the version belongs to). Undefined when malformed.
 */
export function parseEventId(raw: string): { epoch: string | undefined; version: number } | undefined {
  const m = /^(?:([a-z0-9]{1,32})\.)?(\d{1,15})$/.exec(raw.trim());
  if (m === null) return undefined;
  return { epoch: m[1], version: Number(m[2]) };
}

interface BufferedEvent {
  version: number;
  frame: string;
}

/** Where a new client starts. `epoch` undefined: the client sent a bare version. */
export type ResumePoint = { kind: 'snapshot' } | { kind: 'since'; epoch: string | undefined; version: number };

/** `event: reset` payload (`backends` absent when the client asked for `?reset=version`). */
export interface ResetPayload {
  version: number;
  /** This process's epoch; the reset's event id is `<epoch>.<version>`. */
  epoch: string;
  count: number;
  backends?: PublicBackend[];
}

/** Events held for a client while its reset is being written. */
interface PendingFrames {
  frames: string[];
  bytes: number;
}

function frame(event: string, data: string, id?: string): string {
  // `data` is single-line JSON; ids are `<epoch>.<digits>` with a checked epoch: nothing here can inject a field or
  // end the event early.
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

/** Fans registry changes out to SSE clients. `close()` ends every stream (graceful shutdown). */
export class EventHub {
  readonly #registry: DynamicRegistry;
  readonly #logger: Logger;
  readonly #bufferSize: number;
  readonly #maxClients: number;
  readonly #maxBuffered: number;
  readonly #retryMs: number;
  readonly #buffer = new Fifo<BufferedEvent>();
  /** This process's epoch: the first half of every event id. */
  readonly epoch: string;
  readonly #clients = new Set<ServerResponse>();
  /** Clients whose reset is still being written, with what happened meanwhile. */
  readonly #resetting = new Map<ServerResponse, PendingFrames>();
  readonly #serialize: (backend: Backend) => string;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;
  #lastStatus: string | undefined;

  constructor(options: EventHubOptions) {
    this.#registry = options.registry;
    this.#logger = options.logger;
    this.#bufferSize = Math.max(1, options.bufferSize ?? 1000);
    this.#maxClients = options.maxClients ?? 100;
    this.#maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.#retryMs = options.retryMs ?? 2000;
    this.epoch = options.epoch ?? newEpoch();
    if (!EPOCH_PATTERN.test(this.epoch))
      throw new Error(`event stream epoch must be 1-32 lower-case letters or digits, got ${JSON.stringify(this.epoch)}`);
    this.#serialize = options.serialize ?? ((backend) => JSON.stringify(toPublicBackend(backend)));
    this.#unsubscribe = this.#registry.subscribe((event) => this.#onRegistryEvent(event));
    this.#heartbeat = setInterval(() => this.#broadcast(`: heartbeat ${new Date().toISOString()}\n\n`), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  /** Clients currently connected. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Oldest version a client can resume from without a reset (its `since` may be one less than this). */
  get oldestBufferedVersion(): number | undefined {
    return this.#buffer.peek()?.version;
  }

  /** The event id of `version` in this process: `<epoch>.<version>`. */
  eventId(version: number): string {
    return `${this.epoch}.${version}`;
  }

  #onRegistryEvent(event: RegistryEvent): void {
    const backend = event.type === 'upsert' ? event.backend : event.previous;
    const data = this.#serialize(backend);
    const buffered: BufferedEvent = { version: event.version, frame: frame(event.type, data, this.eventId(event.version)) };
    this.#buffer.push(buffered);
    if (this.#buffer.length > this.#bufferSize) this.#buffer.shift();
    this.#broadcast(buffered.frame);
  }

  /**
   * Sends a `status` event (no id, so it does not move a client's resume point): sync state and the like, for the
   * status page. Repeats of the same payload are dropped.
   */
  publishStatus(status: object): void {
    const data = JSON.stringify(status);
    if (data === this.#lastStatus) return;
    this.#lastStatus = data;
    this.#broadcast(frame('status', data));
  }

  /** The current list, by reference: what a reset will write. */
  #resetSnapshot(): ResetSnapshot {
    return { version: this.#registry.version(), epoch: this.epoch, backends: this.#registry.list().sort(compareBy((b) => b.name)) };
  }

  /** Frames that bring a client from `resume` to now, or the list its reset must stream. */
  #catchUp(resume: ResumePoint): string | ResetSnapshot {
    if (resume.kind === 'snapshot') return this.#resetSnapshot();
    // Another epoch: the version was counted by another process (a restart, another replica) and says nothing about
    // what this one holds, even when the number is in range. No epoch at all: the same, unknowable.
    if (resume.epoch !== this.epoch) return this.#resetSnapshot();
    const current = this.#registry.version();
    const since = resume.version;
    if (since === current) return '';
    if (since > current) return this.#resetSnapshot();
    const oldest = this.#buffer.peek()?.version;
    if (oldest === undefined || since < oldest - 1) return this.#resetSnapshot();
    let out = '';
    for (const e of this.#buffer) if (e.version > since) out += e.frame;
    return out;
  }

  /**
   * Takes over `res` as an event stream. Returns false (and answers 503) when the client limit is reached or the
   * hub is closed. Catch-up and registration happen in one synchronous step, so no event falls in between.
   */
  attach(req: IncomingMessage, res: ServerResponse, resume: ResumePoint, resetMode: ResetMode = 'full'): boolean {
    if (this.#closed || this.#clients.size >= this.#maxClients) {
      const body = JSON.stringify({ error: this.#closed ? 'shutting_down' : 'too_many_clients', maxClients: this.#maxClients });
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return false;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    const catchUp = this.#catchUp(resume);
    const status = this.#lastStatus === undefined ? '' : frame('status', this.#lastStatus);
    this.#clients.add(res);
    res.once('close', () => {
      this.#clients.delete(res);
      this.#resetting.delete(res);
    });
    if (typeof catchUp === 'string') {
      res.write(`retry: ${this.#retryMs}\n\n${catchUp}${status}`);
      return true;
    }
    res.write(`retry: ${this.#retryMs}\n\n`);
    this.#resetting.set(res, { frames: status === '' ? [] : [status], bytes: status.length });
    this.#streamReset(res, catchUp, resetMode).catch((error: unknown) => {
      this.#logger.error('writing a reset failed; the client is disconnected', { error });
      this.#drop(res);
    });
    return true;
  }

  async #streamReset(res: ServerResponse, snapshot: ResetSnapshot, mode: ResetMode): Promise<void> {
    const complete = await writePieces(res, resetFramePieces(snapshot, mode, this.#serialize));
    const pending = this.#resetting.get(res);
    this.#resetting.delete(res);
    if (!complete || pending === undefined) return;
    if (pending.frames.length > 0) res.write(pending.frames.join(''));
  }

  #drop(client: ServerResponse): void {
    this.#clients.delete(client);
    this.#resetting.delete(client);
    client.destroy();
  }

  #broadcast(text: string): void {
    for (const client of this.#clients) {
      if (client.destroyed) {
        this.#clients.delete(client);
        continue;
      }
      const pending = this.#resetting.get(client);
      if (pending !== undefined) {
        if (text.startsWith(':')) continue; // a heartbeat is moot behind a reset that is still being written
        pending.frames.push(text);
        pending.bytes += text.length;
        if (pending.bytes > this.#maxBuffered) {
          this.#logger.warn('dropping an event-stream client: too many events while its reset was written', {
            bufferedBytes: pending.bytes,
          });
          this.#drop(client);
        }
        continue;
      }
      client.write(text);
      if (client.writableLength > this.#maxBuffered) {
        this.#logger.warn('dropping a slow event-stream client', { bufferedBytes: client.writableLength });
        this.#drop(client);
      }
    }
  }

  /**
   * Ends every stream and stops listening to the registry. Idempotent. `final` is written to each client first (no
   * id): a group that is no longer served sends `event: end`, so a client knows not to come back.
   */
  close(final?: { event: string; data: object }): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    const last = final === undefined ? undefined : frame(final.event, JSON.stringify(final.data));
    for (const client of this.#clients) client.end(this.#resetting.has(client) ? undefined : last);
    this.#clients.clear();
    this.#resetting.clear();
  }
}
