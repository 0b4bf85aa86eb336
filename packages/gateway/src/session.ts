import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type Implementation,
} from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, type Clock, type TimerHandle } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import { openTransport, type TransportFactory } from './backend-transport.ts';
import { classifyFailure, type FailureKind } from './failure.ts';
import { listOffer, type Offer } from './offer.ts';
import type { OutgoingAuthOptions } from './outgoing-auth.ts';
import { scrubSecrets } from './scrub.ts';

/** What opening a session needs. */
export interface SessionSettings {
  clock: Clock;
  clientInfo: Implementation;
  auth: OutgoingAuthOptions;
  requestTimeoutMs: number;
  createTransport: TransportFactory | undefined;
}

/** What a session tells its connection. */
export interface SessionEvents {
  /** The backend sent a `list_changed` notification. */
  listChanged(session: BackendSession): void;
  /** The transport closed under the session. */
  closed(session: BackendSession): void;
  /** The transport reported an error (e.g. its notification stream broke): worth a probe now. */
  transportError(session: BackendSession): void;
}

/**
 * One live MCP session with a backend: its SDK client, what it offered, and the calls in flight on it. A session
 * being replaced is retired: it takes no new calls and closes once the calls in flight have settled.
 */
export class BackendSession {
  readonly client: Client;
  offer: Offer;
  readonly #release: () => Promise<void>;
  #inFlight = 0;
  #retired = false;
  #drained: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(client: Client, release: () => Promise<void>, offer: Offer) {
    this.client = client;
    this.#release = release;
    this.offer = offer;
  }

  /** Runs one request on this session, counting it in flight so a retirement waits for it. */
  async run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    try {
      return await work(this.client);
    } finally {
      this.#inFlight -= 1;
      if (this.#retired && this.#inFlight === 0) this.#drained?.();
    }
  }

  /** No new calls; resolves once closed, which is when the calls in flight have settled (at once if none are). */
  retire(): Promise<void> {
    this.#retired = true;
    if (this.#inFlight === 0) return this.close();
    return new Promise<void>((resolve) => {
      this.#drained = resolve;
    }).then(() => this.close());
  }

  /** Closes the client and releases its TLS agent. Idempotent; never throws. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.client.onclose = ignoreClose;
      this.client.onerror = ignoreClose;
      await closeQuietly(this.client, this.#release);
    })();
    return this.#closing;
  }
}

/** The outcome of {@link openSession}. */
export type OpenResult = { session: BackendSession } | { unavailable: string } | { failed: string; failure: FailureKind };

/**
 * Connects to `backend`: builds its transport (auth, forwarded headers, CA bundle), initializes, and lists its offer,
 * all under one deadline of three request timeouts. Nothing is contacted when the backend cannot be connected as
 * configured (`unavailable`). Reasons carry no secret value.
 */
export async function openSession(backend: Backend, settings: SessionSettings, events: SessionEvents): Promise<OpenResult> {
  const opened = await openTransport(backend, settings.auth, settings.clock, settings.createTransport);
  if ('unavailable' in opened) return opened;
  const client = new Client(settings.clientInfo, { capabilities: {} });
  let session: BackendSession | undefined;
  const onListChanged = (): void => {
    if (session !== undefined) events.listChanged(session);
  };
  client.setNotificationHandler(ToolListChangedNotificationSchema, onListChanged);
  client.setNotificationHandler(PromptListChangedNotificationSchema, onListChanged);
  client.setNotificationHandler(ResourceListChangedNotificationSchema, onListChanged);
  const timeout = settings.requestTimeoutMs;
  try {
    // The SDK bounds each request, not the transport's start (an SSE stream that never sends its endpoint would
    // hold this backend's queue forever): one deadline over the whole connect.
    const offer = await withDeadline(
      (async () => {
        await client.connect(opened.transport, { timeout });
        return listOffer(client, timeout);
      })(),
      3 * timeout,
      'connect',
      settings.clock,
    );
    session = new BackendSession(client, opened.release, offer);
  } catch (error) {
    await closeQuietly(client, opened.release);
    return { failed: scrubSecrets(errorMessage(error), backend), failure: classifyFailure(error) };
  }
  const live = session;
  client.onclose = () => events.closed(live);
  client.onerror = () => events.transportError(live);
  return { session };
}

/** `work`, or a rejection after `ms` on the clock (the work is abandoned; the caller closes what it opened). */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string, clock: Clock): Promise<T> {
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

/** Replaces `onclose`/`onerror` on a client closed on purpose, so its own close is not taken for a failure. */
function ignoreClose(): void {
  // closed on purpose
}

async function closeQuietly(client: Client, release: () => Promise<void>): Promise<void> {
  try {
    await client.close();
  } catch {
    // closing a broken connection may fail; it is gone either way
  }
  try {
    await release();
  } catch {
    // the agent is released either way
  }
}
