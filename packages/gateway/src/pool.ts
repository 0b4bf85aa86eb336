import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type GetPromptResult,
  type Implementation,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Backend, BackendRegistry, RegistryEvent, RegistryListener } from '@vmcp/registry';
import { backendFetch } from './backend-fetch.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import {
  DEFAULT_CONFLICT_RESOLUTION,
  mergePrompts,
  mergeResources,
  mergeTools,
  type CataloguePrompt,
  type CatalogueResource,
  type CatalogueTool,
  type ConflictResolution,
  type ToolConflict,
} from './catalogue.ts';
import { connectionKey } from './connection-key.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import { combineHealth, isServing, type BackendHealth, type ConnectionState, type ObservedHealth } from './health.ts';
import type { PoolLogger, PoolMetrics } from './metrics.ts';
import { resolveOutgoingAuth, type OutgoingAuth, type OutgoingAuthOptions } from './outgoing-auth.ts';
import { messageOf, scrubSecrets } from './scrub.ts';
import { systemTimers, type TimerHandle, type Timers } from './timers.ts';
import type { FetchFunction } from './token-exchange.ts';

/** A registry that says when it changed: `DynamicRegistry` from `@vmcp/registry`, or your own. */
export interface SubscribableRegistry extends BackendRegistry {
  subscribe(listener: RegistryListener): () => void;
}

/** What a {@link TransportFactory} gets: the backend, its URL, and the fetch that adds its headers, auth and TLS. */
export interface TransportRequest {
  backend: Backend;
  url: URL;
  fetch: FetchFunction;
}

/** Builds the MCP transport of a backend. Throwing makes the backend unavailable with the error as the reason. */
export type TransportFactory = (request: TransportRequest) => Transport;

/** Health probing. */
export interface HealthProbeOptions {
  /** Time between probes of a connected backend. Default 10 s. */
  intervalMs?: number;
  /** A probe that takes longer fails. Default 5 s. */
  timeoutMs?: number;
  /** Consecutive failed probes after which the connection is dropped and re-established. Default 3. */
  failureThreshold?: number;
}

/** Options of {@link BackendPool}. */
export interface BackendPoolOptions {
  /** The backends to connect to; the pool follows its changes. It only reads it: the registry keeps one writer. */
  registry: SubscribableRegistry;
  /** How the pool introduces itself to backends. Default `{ name: 'vmcp-gateway', version: '0.1.0' }`. */
  clientInfo?: Implementation;
  auth?: OutgoingAuthOptions;
  conflictResolution?: ConflictResolution;
  health?: HealthProbeOptions;
  /**
   * Bound on each request the pool makes on its own (initialize, lists). A whole connect (transport start,
   * initialize, lists) is bounded by three times this. Default 10 s.
   */
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  timers?: Timers;
  metrics?: PoolMetrics;
  logger?: PoolLogger;
  /** Default: `streamable-http` → `StreamableHTTPClientTransport`, `sse` → `SSEClientTransport`. */
  createTransport?: TransportFactory;
}

/** Options of {@link BackendPool.callTool}, `getPrompt` and `readResource`. */
export interface CallToolOptions {
  /** Handed to `auth.subjectToken` (and custom strategies) for this call's HTTP requests, e.g. the caller's session. */
  context?: unknown;
  signal?: AbortSignal;
  /** Default: the SDK's request timeout (60 s). */
  timeoutMs?: number;
}

/** Payload of the `toolsChanged` event. */
export interface ToolsChangedEvent {
  tools: CatalogueTool[];
  conflicts: ToolConflict[];
}

/** Payload of the `promptsChanged` event. */
export interface PromptsChangedEvent {
  prompts: CataloguePrompt[];
}

/** Payload of the `resourcesChanged` event. */
export interface ResourcesChangedEvent {
  resources: CatalogueResource[];
}

/** Events of a {@link BackendPool}. */
export interface BackendPoolEvents {
  /** The merged tools changed (a tool appeared, vanished or changed its definition). */
  toolsChanged: ToolsChangedEvent;
  /** The merged prompts changed. */
  promptsChanged: PromptsChangedEvent;
  /** The merged resources changed. */
  resourcesChanged: ResourcesChangedEvent;
  /** The health of a backend changed (any field of {@link BackendHealth} but the probe latency); `closed` when removed. */
  healthChanged: BackendHealth;
}

/** Thrown by `callTool`, `getPrompt` and `readResource` for a name (or URI) that is not in the catalogue. */
export class NotInCatalogueError extends Error {
  override readonly name = 'NotInCatalogueError';
  readonly kind: 'tool' | 'prompt' | 'resource';
  /** The tool or prompt name, or the resource URI. */
  readonly key: string;
  constructor(kind: 'tool' | 'prompt' | 'resource', key: string) {
    super(`${kind} ${JSON.stringify(key)} is not offered by any healthy backend`);
    this.kind = kind;
    this.key = key;
  }
}

const MAX_LIST_PAGES = 100;

/** What one backend offers. */
interface Offer {
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
}

const NOTHING: Offer = Object.freeze({ tools: [], prompts: [], resources: [] });

interface CallScope {
  context: unknown;
}

/** Per-backend state. Every change of connection goes through `chain`, one step at a time. */
class Slot {
  readonly id: string;
  desired: Backend;
  key: string;
  removed = false;
  state: ConnectionState = 'connecting';
  observed: ObservedHealth = 'unknown';
  reason: string | undefined;
  client: Client | undefined;
  release: (() => Promise<void>) | undefined;
  offer: Offer = NOTHING;
  attempt = 0;
  retryTimer: TimerHandle | undefined;
  probeTimer: TimerHandle | undefined;
  probeFailures = 0;
  probeLatencyMs: number | undefined;
  chain: Promise<void> = Promise.resolve();
  pending = 0;
  lastHealth = '';

  constructor(backend: Backend) {
    this.id = backend.id;
    this.desired = backend;
    this.key = connectionKey(backend);
  }
}

/**
 * One MCP client connection per backend of a registry, kept in step with it.
 *
 * - A backend is connected when it appears, reconnected only when something connection-relevant changes (URL,
 *   transport, auth, CA bundle, forwarded headers; see `connectionKey`), and closed when it goes. Each backend's
 *   connect/close steps run one at a time, in order; different backends proceed independently.
 * - A failed connect, a dropped connection or `failureThreshold` failed probes are retried with jittered exponential
 *   backoff, so a backend that comes up later joins. A backend that cannot be connected as configured (an auth
 *   strategy without an implementation, a secret-backed header without a value, an unknown transport) is
 *   `unavailable` and never contacted without its auth.
 * - Health: `ping` every `health.intervalMs`, kept as an overlay next to the registry's phase health
 *   (`health(id)`, `healthChanged`). The registry is only read.
 * - Catalogue: the tools (and prompts, resources) of serving backends merged under `conflictResolution`, routed by
 *   `callTool` (`getPrompt`, `readResource`); `toolsChanged` (`promptsChanged`, `resourcesChanged`) when a merged set
 *   changes, also when a backend sends its own `list_changed`.
 *
 * Reasons, log lines and errors never contain secret values.
 */
export class BackendPool {
  readonly #registry: SubscribableRegistry;
  readonly #options: BackendPoolOptions;
  readonly #timers: Timers;
  readonly #slots = new Map<string, Slot>();
  readonly #listeners: { [K in keyof BackendPoolEvents]: Set<(event: BackendPoolEvents[K]) => void> } = {
    toolsChanged: new Set(),
    promptsChanged: new Set(),
    resourcesChanged: new Set(),
    healthChanged: new Set(),
  };
  readonly #scope = new AsyncLocalStorage<CallScope>();
  readonly #unsubscribe: () => void;
  #catalogue: { tools: CatalogueTool[]; conflicts: ToolConflict[]; routes: Map<string, CatalogueTool>; signature: string } = {
    tools: [],
    conflicts: [],
    routes: new Map(),
    signature: '[]',
  };
  #prompts: { prompts: CataloguePrompt[]; routes: Map<string, CataloguePrompt>; signature: string } = {
    prompts: [],
    routes: new Map(),
    signature: '[]',
  };
  #resources: { resources: CatalogueResource[]; routes: Map<string, CatalogueResource>; signature: string } = {
    resources: [],
    routes: new Map(),
    signature: '[]',
  };
  #closed = false;

  /** Subscribes to `options.registry` and starts connecting to every backend it holds. */
  constructor(options: BackendPoolOptions) {
    const registry = options?.registry as Partial<SubscribableRegistry> | undefined;
    if (typeof registry?.list !== 'function' || typeof registry.subscribe !== 'function') {
      throw new Error('BackendPool: registry is required (a BackendRegistry with subscribe, e.g. createDynamicRegistry())');
    }
    this.#registry = options.registry;
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    // Subscribe first, then seed: an event between the two is applied twice, which upsert tolerates.
    this.#unsubscribe = this.#registry.subscribe((event) => this.#onRegistryEvent(event));
    for (const backend of this.#registry.list()) this.#upsert(backend);
  }

  /** The merged catalogue, sorted by exposed name. */
  tools(): CatalogueTool[] {
    return [...this.#catalogue.tools];
  }

  /** Tools left out because of a name conflict. */
  conflicts(): ToolConflict[] {
    return [...this.#catalogue.conflicts];
  }

  /** The merged prompts (named by the same rule as tools), sorted by exposed name. */
  prompts(): CataloguePrompt[] {
    return [...this.#prompts.prompts];
  }

  /** The merged resources (by URI, unchanged), sorted by URI. */
  resources(): CatalogueResource[] {
    return [...this.#resources.resources];
  }

  /** The health of one backend, or undefined when the pool does not know it. */
  health(id: string): BackendHealth | undefined {
    const slot = this.#slots.get(id);
    return slot === undefined ? undefined : this.#healthOf(slot);
  }

  /** The health of every backend, by id. */
  healthAll(): BackendHealth[] {
    return [...this.#slots.values()].map((slot) => this.#healthOf(slot)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The connected SDK client of a backend (for prompts, resources or anything the catalogue does not cover), or
   * undefined while it is not connected. Do not close it: the pool owns it.
   */
  client(id: string): Client | undefined {
    return this.#slots.get(id)?.client;
  }

  /** Listens to an event; returns the unsubscribe function. A listener that throws is reported and isolated. */
  on<K extends keyof BackendPoolEvents>(event: K, listener: (payload: BackendPoolEvents[K]) => void): () => void {
    const set = this.#listeners[event] as Set<(payload: BackendPoolEvents[K]) => void>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * Calls the catalogue tool `name` on its backend (under its original name) and returns the backend's result.
   *
   * @throws NotInCatalogueError when no serving backend offers `name`; an Error naming the tool and backend when the
   *   call fails (secret values removed).
   */
  async callTool(name: string, args: Record<string, unknown> = {}, options: CallToolOptions = {}): Promise<CallToolResult> {
    const route = this.#catalogue.routes.get(name);
    const { slot, client } = this.#routeTo('tool', name, route?.backendId);
    const startedAt = this.#timers.now();
    try {
      const result = (await this.#scope.run({ context: options.context }, () =>
        client.callTool({ name: route!.originalName, arguments: args }, undefined, requestOptions(options)),
      )) as CallToolResult;
      this.#metric('call', { backendId: slot.id, tool: name, ok: result.isError !== true, durationMs: this.#timers.now() - startedAt });
      return result;
    } catch (error) {
      this.#metric('call', { backendId: slot.id, tool: name, ok: false, durationMs: this.#timers.now() - startedAt });
      throw new Error(`tool ${name} on backend ${slot.id}: ${scrubSecrets(messageOf(error), slot.desired)}`);
    }
  }

  /**
   * Gets the catalogue prompt `name` from its backend.
   *
   * @throws NotInCatalogueError when no serving backend offers `name`; an Error naming the prompt and backend.
   */
  async getPrompt(name: string, args: Record<string, string> = {}, options: CallToolOptions = {}): Promise<GetPromptResult> {
    const route = this.#prompts.routes.get(name);
    const { slot, client } = this.#routeTo('prompt', name, route?.backendId);
    try {
      return await this.#scope.run({ context: options.context }, () =>
        client.getPrompt({ name: route!.originalName, arguments: args }, requestOptions(options)),
      );
    } catch (error) {
      throw new Error(`prompt ${name} on backend ${slot.id}: ${scrubSecrets(messageOf(error), slot.desired)}`);
    }
  }

  /**
   * Reads the catalogue resource `uri` from its backend.
   *
   * @throws NotInCatalogueError when no serving backend offers `uri`; an Error naming the URI and backend.
   */
  async readResource(uri: string, options: CallToolOptions = {}): Promise<ReadResourceResult> {
    const route = this.#resources.routes.get(uri);
    const { slot, client } = this.#routeTo('resource', uri, route?.backendId);
    try {
      return await this.#scope.run({ context: options.context }, () => client.readResource({ uri }, requestOptions(options)));
    } catch (error) {
      throw new Error(`resource ${uri} on backend ${slot.id}: ${scrubSecrets(messageOf(error), slot.desired)}`);
    }
  }

  #routeTo(kind: 'tool' | 'prompt' | 'resource', key: string, backendId: string | undefined): { slot: Slot; client: Client } {
    const slot = backendId === undefined ? undefined : this.#slots.get(backendId);
    const client = slot?.client;
    if (slot === undefined || client === undefined) throw new NotInCatalogueError(kind, key);
    return { slot, client };
  }

  /** Resolves once no backend has a connect or close step queued or running (retries and probes may be pending). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.#slots.values()].filter((slot) => slot.pending > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((slot) => slot.chain));
    }
  }

  /** Unsubscribes from the registry and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#unsubscribe();
      for (const slot of this.#slots.values()) {
        slot.removed = true;
        this.#cancelRetry(slot);
        this.#enqueue(slot, () => this.#closeSlot(slot));
      }
    }
    await this.idle();
  }

  #onRegistryEvent(event: RegistryEvent): void {
    if (this.#closed) return;
    if (event.type === 'upsert') this.#upsert(event.backend);
    else this.#remove(event.id);
  }

  #upsert(backend: Backend): void {
    let slot = this.#slots.get(backend.id);
    if (slot === undefined) {
      slot = new Slot(backend);
      this.#slots.set(backend.id, slot);
      this.#emitHealth(slot);
      const created = slot;
      this.#enqueue(slot, () => this.#connect(created));
      return;
    }
    const key = connectionKey(backend);
    const wasRemoved = slot.removed;
    slot.desired = backend;
    slot.removed = false;
    if (key !== slot.key || wasRemoved) {
      slot.key = key;
      slot.attempt = 0;
      this.#cancelRetry(slot);
      const current = slot;
      this.#enqueue(slot, () => this.#connect(current));
      return;
    }
    // Same connection settings: only the registry's view (health, metadata) changed. Keep the session.
    this.#emitHealth(slot);
    this.#updateCatalogue();
  }

  #remove(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    slot.removed = true;
    this.#cancelRetry(slot);
    this.#enqueue(slot, () => this.#closeSlot(slot));
  }

  #enqueue(slot: Slot, step: () => Promise<void>): void {
    slot.pending += 1;
    slot.chain = slot.chain
      .then(step)
      .catch((error: unknown) => {
        this.#options.logger?.warn?.(`backend ${slot.id}: ${scrubSecrets(messageOf(error), slot.desired)}`, { backend: slot.id });
      })
      .finally(() => {
        slot.pending -= 1;
      });
  }

  async #closeSlot(slot: Slot): Promise<void> {
    if (!slot.removed) return; // re-added meanwhile: its connect step follows
    await this.#teardown(slot);
    slot.state = 'closed';
    slot.observed = 'unknown';
    slot.reason = undefined;
    if (this.#slots.get(slot.id) === slot) this.#slots.delete(slot.id);
    this.#emitHealth(slot); // the last event of a removed backend: state `closed`
    this.#updateCatalogue();
  }

  async #connect(slot: Slot): Promise<void> {
    if (slot.removed || this.#closed) return;
    await this.#teardown(slot);
    this.#cancelRetry(slot);
    const backend = slot.desired;
    const key = slot.key;

    const auth = resolveOutgoingAuth(backend, this.#options.auth ?? {}, this.#timers);
    if (auth.unavailable !== undefined) return this.#setUnavailable(slot, auth.unavailable);
    const forwarded = forwardedHeaders(backend);
    if (forwarded.unavailable !== undefined) return this.#setUnavailable(slot, forwarded.unavailable);
    let url: URL;
    try {
      url = new URL(backend.baseUrl);
    } catch {
      return this.#setUnavailable(slot, 'baseUrl is not a valid URL');
    }
    if (url.username !== '' || url.password !== '') {
      return this.#setUnavailable(slot, 'baseUrl carries credentials (userinfo), which are never sent; use an auth config instead');
    }
    const tls = backendFetch(backend.caBundleData);
    const fetchWithHeaders = this.#fetchFor(backend, tls.fetch, forwarded.headers, auth.auth);
    let transport: Transport;
    try {
      transport = (this.#options.createTransport ?? defaultTransport)({ backend, url, fetch: fetchWithHeaders });
    } catch (error) {
      await tls.close();
      return this.#setUnavailable(slot, scrubSecrets(messageOf(error), backend));
    }

    slot.state = 'connecting';
    this.#emitHealth(slot);
    const client = new Client(this.#options.clientInfo ?? { name: 'vmcp-gateway', version: '0.1.0' }, { capabilities: {} });
    const refresh = (): void => {
      if (slot.client === client) this.#enqueue(slot, () => this.#refreshOffer(slot, client));
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh);
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh);
    const startedAt = this.#timers.now();
    let offer: Offer;
    try {
      // The SDK bounds each request, not the transport's start (an SSE stream that never sends its endpoint would
      // hold this backend's lifecycle forever): one deadline over the whole connect.
      offer = await this.#withDeadline(
        (async () => {
          await client.connect(transport, { timeout: this.#requestTimeout() });
          return this.#listOffer(client);
        })(),
        3 * this.#requestTimeout(),
        'connect',
      );
    } catch (error) {
      await closeQuietly(client, tls.close);
      this.#metric('connection', { backendId: slot.id, event: 'failed', durationMs: this.#timers.now() - startedAt });
      if (slot.removed || slot.key !== key) return; // superseded: the next step is queued
      this.#setRetrying(slot, `connect failed: ${scrubSecrets(messageOf(error), backend)}`);
      return;
    }
    if (slot.removed || slot.key !== key || this.#closed) {
      await closeQuietly(client, tls.close);
      return;
    }
    slot.client = client;
    slot.release = tls.close;
    slot.offer = offer;
    slot.state = 'connected';
    slot.observed = 'healthy';
    slot.reason = undefined;
    slot.attempt = 0;
    slot.probeFailures = 0;
    client.onclose = () => {
      if (slot.client === client) this.#enqueue(slot, () => this.#lost(slot, client, 'connection closed by the backend'));
    };
    this.#metric('connection', { backendId: slot.id, event: 'connected', durationMs: this.#timers.now() - startedAt });
    this.#options.logger?.info?.(`backend ${slot.id}: connected (${offer.tools.length} tools)`, {
      backend: slot.id,
      tools: offer.tools.length,
    });
    this.#scheduleProbe(slot, client);
    this.#emitHealth(slot);
    this.#updateCatalogue();
  }

  /** Drops a connection that failed under us and retries. */
  async #lost(slot: Slot, client: Client, reason: string): Promise<void> {
    if (slot.client !== client) return;
    await this.#teardown(slot);
    if (slot.removed) return;
    this.#setRetrying(slot, reason);
  }

  async #refreshOffer(slot: Slot, client: Client): Promise<void> {
    if (slot.client !== client) return;
    try {
      const offer = await this.#listOffer(client);
      if (slot.client !== client) return;
      slot.offer = offer;
      this.#updateCatalogue();
    } catch (error) {
      if (slot.client === client) await this.#lost(slot, client, `listing failed: ${scrubSecrets(messageOf(error), slot.desired)}`);
    }
  }

  /** Tools, prompts and resources of a backend, each only if it declares the capability; every page. */
  async #listOffer(client: Client): Promise<Offer> {
    const capabilities = client.getServerCapabilities();
    const options = { timeout: this.#requestTimeout() };
    const all = async <T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<T[]> => {
      const out: T[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const result = await list(cursor);
        out.push(...result.items);
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
      return out;
    };
    const params = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });
    const tools =
      capabilities?.tools === undefined
        ? []
        : await all(async (c) => {
            const r = await client.listTools(params(c), options);
            return { items: r.tools, nextCursor: r.nextCursor };
          });
    const prompts =
      capabilities?.prompts === undefined
        ? []
        : await all(async (c) => {
            const r = await client.listPrompts(params(c), options);
            return { items: r.prompts, nextCursor: r.nextCursor };
          });
    const resources =
      capabilities?.resources === undefined
        ? []
        : await all(async (c) => {
            const r = await client.listResources(params(c), options);
            return { items: r.resources, nextCursor: r.nextCursor };
          });
    return { tools, prompts, resources };
  }

  #setUnavailable(slot: Slot, reason: string): void {
    slot.state = 'unavailable';
    slot.observed = 'unavailable';
    slot.reason = reason;
    this.#options.logger?.warn?.(`backend ${slot.id} not connected: ${reason}`, { backend: slot.id });
    this.#emitHealth(slot);
    this.#updateCatalogue();
  }

  #setRetrying(slot: Slot, reason: string): void {
    slot.state = 'retrying';
    slot.observed = 'unhealthy';
    slot.reason = reason;
    const delay = backoffDelay(slot.attempt, this.#options.backoff ?? {}, this.#timers.random());
    slot.attempt += 1;
    this.#options.logger?.info?.(`backend ${slot.id}: ${reason}; retrying in ${delay} ms`, { backend: slot.id, attempt: slot.attempt });
    slot.retryTimer = this.#timers.setTimeout(() => {
      slot.retryTimer = undefined;
      if (!slot.removed && !this.#closed && slot.client === undefined) this.#enqueue(slot, () => this.#connect(slot));
    }, delay);
    this.#emitHealth(slot);
    this.#updateCatalogue();
  }

  #cancelRetry(slot: Slot): void {
    if (slot.retryTimer !== undefined) this.#timers.clearTimeout(slot.retryTimer);
    slot.retryTimer = undefined;
  }

  async #teardown(slot: Slot): Promise<void> {
    if (slot.probeTimer !== undefined) this.#timers.clearTimeout(slot.probeTimer);
    slot.probeTimer = undefined;
    const client = slot.client;
    const release = slot.release;
    slot.client = undefined;
    slot.release = undefined;
    slot.offer = NOTHING;
    if (client === undefined) return;
    client.onclose = ignoreClose;
    await closeQuietly(client, release);
    this.#metric('connection', { backendId: slot.id, event: 'disconnected' });
  }

  #scheduleProbe(slot: Slot, client: Client): void {
    const interval = this.#options.health?.intervalMs ?? 10_000;
    slot.probeTimer = this.#timers.setTimeout(() => {
      slot.probeTimer = undefined;
      void this.#probe(slot, client);
    }, interval);
  }

  async #probe(slot: Slot, client: Client): Promise<void> {
    if (slot.client !== client) return;
    const timeoutMs = this.#options.health?.timeoutMs ?? 5_000;
    const abort = new AbortController();
    const timer = this.#timers.setTimeout(() => abort.abort(new Error(`ping timed out after ${timeoutMs} ms`)), timeoutMs);
    const startedAt = this.#timers.now();
    let failure: string | undefined;
    try {
      await client.ping({ signal: abort.signal });
    } catch (error) {
      failure = abort.signal.aborted ? messageOf(abort.signal.reason) : messageOf(error);
    } finally {
      this.#timers.clearTimeout(timer);
    }
    const latencyMs = this.#timers.now() - startedAt;
    this.#metric('probe', { backendId: slot.id, ok: failure === undefined, latencyMs });
    if (slot.client !== client) return;
    if (failure === undefined) {
      slot.probeFailures = 0;
      slot.probeLatencyMs = latencyMs;
      this.#scheduleProbe(slot, client);
      return;
    }
    slot.probeFailures += 1;
    const threshold = this.#options.health?.failureThreshold ?? 3;
    if (slot.probeFailures >= threshold) {
      const reason = `${slot.probeFailures} health probes failed, last: ${scrubSecrets(failure, slot.desired)}`;
      this.#enqueue(slot, () => this.#lost(slot, client, reason));
    } else {
      this.#scheduleProbe(slot, client);
    }
  }

  #fetchFor(backend: Backend, base: FetchFunction, forwarded: Record<string, string>, auth: OutgoingAuth): FetchFunction {
    const scope = this.#scope;
    return async (url, init) => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(forwarded)) headers.set(name, value);
      // Auth last: a forwarded header never overrides the backend's credentials.
      const authHeaders = await auth.headers({ backend, context: scope.getStore()?.context });
      for (const [name, value] of Object.entries(authHeaders)) headers.set(name, value);
      return base(url, { ...init, headers });
    };
  }

  /** `work`, or a rejection after `ms` on the pool's clock (the work is abandoned; the caller closes the client). */
  async #withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: TimerHandle | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = this.#timers.setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      if (timer !== undefined) this.#timers.clearTimeout(timer);
      work.catch(() => undefined);
    }
  }

  #requestTimeout(): number {
    return this.#options.requestTimeoutMs ?? 10_000;
  }

  #healthOf(slot: Slot): BackendHealth {
    const registryHealth = slot.desired.healthStatus;
    const out: BackendHealth = {
      id: slot.id,
      health: combineHealth(registryHealth, slot.observed),
      registryHealth,
      observed: slot.observed,
      state: slot.state,
    };
    if (slot.reason !== undefined) out.reason = slot.reason;
    if (slot.probeLatencyMs !== undefined) out.probeLatencyMs = slot.probeLatencyMs;
    return out;
  }

  #emitHealth(slot: Slot): void {
    const health = this.#healthOf(slot);
    const { probeLatencyMs: _ignored, ...compared } = health;
    const signature = JSON.stringify(compared);
    if (signature === slot.lastHealth) return;
    slot.lastHealth = signature;
    this.#emit('healthChanged', health);
  }

  #updateCatalogue(): void {
    const serving = [...this.#slots.values()].filter(
      (slot) => slot.client !== undefined && !slot.removed && isServing(combineHealth(slot.desired.healthStatus, slot.observed)),
    );
    const rule = this.#options.conflictResolution ?? DEFAULT_CONFLICT_RESOLUTION;

    const merged = mergeTools(
      serving.map((slot) => ({ backendId: slot.id, tools: slot.offer.tools })),
      rule,
    );
    const signature = JSON.stringify(merged.tools.map((t) => [t.backendId, t.tool]));
    const toolsChanged = signature !== this.#catalogue.signature;
    this.#catalogue = { ...merged, routes: new Map(merged.tools.map((t) => [t.name, t])), signature };

    const { prompts } = mergePrompts(
      serving.map((slot) => ({ backendId: slot.id, prompts: slot.offer.prompts })),
      rule,
    );
    const promptSignature = JSON.stringify(prompts.map((p) => [p.backendId, p.item]));
    const promptsChanged = promptSignature !== this.#prompts.signature;
    this.#prompts = { prompts, routes: new Map(prompts.map((p) => [p.name, p])), signature: promptSignature };

    const { resources } = mergeResources(
      serving.map((slot) => ({ backendId: slot.id, resources: slot.offer.resources })),
      rule,
    );
    const resourceSignature = JSON.stringify(resources.map((r) => [r.backendId, r.resource]));
    const resourcesChanged = resourceSignature !== this.#resources.signature;
    this.#resources = { resources, routes: new Map(resources.map((r) => [r.uri, r])), signature: resourceSignature };

    if (toolsChanged) this.#emit('toolsChanged', { tools: [...merged.tools], conflicts: [...merged.conflicts] });
    if (promptsChanged) this.#emit('promptsChanged', { prompts: [...prompts] });
    if (resourcesChanged) this.#emit('resourcesChanged', { resources: [...resources] });
  }

  #emit<K extends keyof BackendPoolEvents>(event: K, payload: BackendPoolEvents[K]): void {
    for (const listener of [...this.#listeners[event]] as ((p: BackendPoolEvents[K]) => void)[]) {
      try {
        listener(payload);
      } catch (error) {
        this.#options.logger?.warn?.(`${event} listener failed: ${messageOf(error)}`);
      }
    }
  }

  #metric<K extends keyof PoolMetrics>(hook: K, event: Parameters<NonNullable<PoolMetrics[K]>>[0]): void {
    const fn = this.#options.metrics?.[hook] as ((e: typeof event) => void) | undefined;
    if (fn === undefined) return;
    try {
      fn.call(this.#options.metrics, event);
    } catch (error) {
      this.#options.logger?.warn?.(`metrics hook ${hook} failed: ${messageOf(error)}`);
    }
  }
}

function requestOptions(options: CallToolOptions): { signal?: AbortSignal; timeout?: number } {
  return {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  };
}

/** `streamable-http` and `sse` over HTTP; anything else is not reachable by a network client. */
function defaultTransport({ backend, url, fetch }: TransportRequest): Transport {
  switch (backend.transportType) {
    case 'streamable-http':
      return new StreamableHTTPClientTransport(url, { fetch });
    case 'sse':
      return new SSEClientTransport(url, { fetch });
    default:
      throw new Error(`transport ${JSON.stringify(backend.transportType)} is not supported (streamable-http or sse)`);
  }
}

/** Replaces `onclose` on a client the pool closes itself, so its own close is not taken for a lost connection. */
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
