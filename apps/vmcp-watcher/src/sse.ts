/**
 * Server-Sent Events of registry changes. Each change becomes one event whose `id` is the registry version, so a
 * client resumes with `Last-Event-ID` (EventSource does this on its own) or `?since=<version>`. Recent events sit in
 * a bounded ring buffer; a client asking for a version older than the buffer gets a `reset` with the full list.
 * Each event is serialised once (through `toPublicBackend`, so no secret value is ever written) and shared by all
 * clients. Slow clients are dropped rather than buffered without bound.
 *
 * A `reset` is streamed, one backend at a time as the socket drains, from the list as it was when the client came
 * (stored backends are immutable, so holding the list costs references only); events that happen meanwhile wait in
 * the client's own bounded queue and follow the reset. So a reset of any size costs the memory of one backend.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toPublicBackend, type Backend, type DynamicRegistry, type PublicBackend, type RegistryEvent } from '@vmcp/registry';
import { writePieces } from './http/json-stream.ts';
import type { Logger } from './logger.ts';
import { resetFramePieces, type ResetMode, type ResetSnapshot } from './sse-reset.ts';

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
}

interface BufferedEvent {
  version: number;
  frame: string;
}

/** Where a new client starts. */
export type ResumePoint = { kind: 'snapshot' } | { kind: 'since'; version: number };

/** `event: reset` payload (`backends` absent when the client asked for `?reset=version`). */
export interface ResetPayload {
  version: number;
  count: number;
  backends?: PublicBackend[];
}

/** Events held for a client while its reset is being written. */
interface PendingFrames {
  frames: string[];
  bytes: number;
}

function frame(event: string, data: string, id?: number): string {
  // `data` is single-line JSON; ids are integers: nothing here can inject a field or end the event early.
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

function byName(a: Backend, b: Backend): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Fans registry changes out to SSE clients. `close()` ends every stream (graceful shutdown). */
export class EventHub {
  readonly #registry: DynamicRegistry;
  readonly #logger: Logger;
  readonly #bufferSize: number;
  readonly #maxClients: number;
  readonly #maxBuffered: number;
  readonly #retryMs: number;
  readonly #buffer: BufferedEvent[] = [];
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
    return this.#buffer[0]?.version;
  }

  #onRegistryEvent(event: RegistryEvent): void {
    const backend = event.type === 'upsert' ? event.backend : event.previous;
    const data = this.#serialize(backend);
    const buffered: BufferedEvent = { version: event.version, frame: frame(event.type, data, event.version) };
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
    return { version: this.#registry.version(), backends: this.#registry.list().sort(byName) };
  }

  /** Frames that bring a client from `resume` to now, or the list its reset must stream. */
  #catchUp(resume: ResumePoint): string | ResetSnapshot {
    if (resume.kind === 'snapshot') return this.#resetSnapshot();
    const current = this.#registry.version();
    const since = resume.version;
    if (since === current) return '';
    // A version from the future means the server restarted (versions start again at 0): resync from scratch.
    if (since > current) return this.#resetSnapshot();
    const oldest = this.#buffer[0]?.version;
    if (oldest === undefined || since < oldest - 1) return this.#resetSnapshot();
    return this.#buffer
      .filter((e) => e.version > since)
      .map((e) => e.frame)
      .join('');
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
          this.#logger.warn('dropping an event-stream client: too many events while its reset was written', { bufferedBytes: pending.bytes });
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

  /** Ends every stream and stops listening to the registry. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#unsubscribe();
    for (const client of this.#clients) client.end();
    this.#clients.clear();
    this.#resetting.clear();
  }
}
