import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, type CallToolResult, type GetPromptResult, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { backgroundClock, compareBy, Emitter, errorMessage, silentLogger, type Logger } from '@vmcp/core';
import type { Backend, RegistryEvent } from '@vmcp/registry';
import { callScope } from './backend-transport.ts';
import {
  DEFAULT_CONFLICT_RESOLUTION,
  type CataloguePrompt,
  type CatalogueResource,
  type CatalogueTool,
  type ConflictResolution,
  type ToolConflict,
} from './catalogue.ts';
import { CatalogueIndex } from './catalogue-index.ts';
import { BackendConnection, RequestFailure, type ConnectionSettings } from './connection.ts';
import { BackendCallError, NotInCatalogueError } from './errors.ts';
import type { BackendHealth } from './health.ts';
import { metricSink } from './metrics.ts';
import { PROMPT_RULES, RESOURCE_RULES, TOOL_RULES, type OfferKind } from './offer.ts';
import {
  DEFAULT_HEALTH_PROBE,
  DEFAULT_POOL_BACKOFF,
  type BackendPoolEvents,
  type BackendPoolOptions,
  type CallToolOptions,
  type SubscribableRegistry,
} from './pool-options.ts';
import { scrubSecrets } from './scrub.ts';

/**
 * One MCP client connection per backend of a registry, kept in step with it, and the catalogue of what the serving
 * backends offer.
 *
 * - Each backend has a {@link BackendConnection}: connected when it appears, reconnected only when something
 *   connection-relevant changes (see `connectionKey`), retried with jittered backoff when it fails, probed with
 *   `ping`, closed when it goes. A backend that cannot be connected as configured is `unavailable` and never
 *   contacted without its auth.
 * - The catalogue: tools, prompts and resources of the serving backends, each kind merged under
 *   `conflictResolution` into a {@link CatalogueIndex} and routed by `callTool`, `getPrompt`, `readResource`;
 *   `toolsChanged` (`promptsChanged`, `resourcesChanged`) when a merged set changes.
 *
 * Reasons, log lines and errors never contain secret values.
 */
export class BackendPool {
  readonly #registry: SubscribableRegistry;
  readonly #settings: ConnectionSettings;
  readonly #rule: ConflictResolution;
  readonly #connections = new Map<string, BackendConnection>();
  readonly #events: Emitter<BackendPoolEvents>;
  readonly #lastHealth = new Map<BackendConnection, string>();
  readonly #tools = new CatalogueIndex(TOOL_RULES);
  readonly #prompts = new CatalogueIndex(PROMPT_RULES);
  readonly #resources = new CatalogueIndex(RESOURCE_RULES);
  readonly #unsubscribe: () => void;
  #closed = false;

  /** Subscribes to `options.registry` and starts connecting to every backend it holds. */
  constructor(options: BackendPoolOptions) {
    const registry = options?.registry as Partial<SubscribableRegistry> | undefined;
    if (typeof registry?.list !== 'function' || typeof registry.subscribe !== 'function') {
      throw new Error('BackendPool: registry is required (a BackendRegistry with subscribe, e.g. createDynamicRegistry())');
    }
    this.#registry = options.registry;
    const logger = options.logger ?? silentLogger;
    this.#settings = resolveSettings(options, logger);
    this.#rule = options.conflictResolution ?? DEFAULT_CONFLICT_RESOLUTION;
    this.#events = new Emitter<BackendPoolEvents>((error, event) =>
      logger.warn(`${String(event)} listener failed: ${errorMessage(error)}`),
    );
    // Subscribe first, then seed: an event between the two is applied twice, which upsert tolerates.
    this.#unsubscribe = this.#registry.subscribe((event) => this.#onRegistryEvent(event));
    for (const backend of this.#registry.list()) this.#upsert(backend);
  }

  /** The merged catalogue, sorted by exposed name. */
  tools(): CatalogueTool[] {
    return this.#tools.entries();
  }

  /** Tools left out because of a name conflict. */
  conflicts(): ToolConflict[] {
    return this.#tools.conflicts();
  }

  /** The merged prompts (named by the same rule as tools), sorted by exposed name. */
  prompts(): CataloguePrompt[] {
    return this.#prompts.entries();
  }

  /** The merged resources (by URI, unchanged), sorted by URI. */
  resources(): CatalogueResource[] {
    return this.#resources.entries();
  }

  /** The health of one backend, or undefined when the pool does not know it. */
  health(id: string): BackendHealth | undefined {
    return this.#connections.get(id)?.health();
  }

  /** The health of every backend, by id. */
  healthAll(): BackendHealth[] {
    return [...this.#connections.values()].map((connection) => connection.health()).sort(compareBy((health) => health.id));
  }

  /**
   * The connected SDK client of a backend (for anything the catalogue does not cover), or undefined while it is not
   * connected. Do not close it: the pool owns it.
   */
  client(id: string): Client | undefined {
    return this.#connections.get(id)?.client;
  }

  /** Listens to an event; returns the unsubscribe function. A listener that throws is reported and isolated. */
  on<K extends keyof BackendPoolEvents>(event: K, listener: (payload: BackendPoolEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Calls the catalogue tool `name` on its backend (under its original name) and returns the backend's result.
   *
   * @throws NotInCatalogueError when no serving backend offers `name`; an Error naming the tool and backend when the
   *   call fails (secret values removed).
   */
  async callTool(name: string, args: Record<string, unknown> = {}, options: CallToolOptions = {}): Promise<CallToolResult> {
    const route = this.#tools.route(name);
    const startedAt = this.#settings.clock.now();
    const report = (backendId: string, ok: boolean): void =>
      this.#settings.metric('call', { backendId, tool: name, ok, durationMs: this.#settings.clock.now() - startedAt });
    return this.#invoke('tool', name, route?.backendId, options, async (client, backendId, timeoutMs) => {
      try {
        const result = (await client.callTool(
          { name: route!.originalName, arguments: args },
          undefined,
          requestOptions(options, timeoutMs),
        )) as CallToolResult;
        report(backendId, result.isError !== true);
        return result;
      } catch (error) {
        report(backendId, false);
        throw error;
      }
    });
  }

  /**
   * Gets the catalogue prompt `name` from its backend.
   *
   * @throws NotInCatalogueError when no serving backend offers `name`; an Error naming the prompt and backend.
   */
  async getPrompt(name: string, args: Record<string, string> = {}, options: CallToolOptions = {}): Promise<GetPromptResult> {
    const route = this.#prompts.route(name);
    return this.#invoke('prompt', name, route?.backendId, options, (client, _id, timeoutMs) =>
      client.getPrompt({ name: route!.originalName, arguments: args }, requestOptions(options, timeoutMs)),
    );
  }

  /**
   * Reads the catalogue resource `uri` from its backend.
   *
   * @throws NotInCatalogueError when no serving backend offers `uri`; an Error naming the URI and backend.
   */
  async readResource(uri: string, options: CallToolOptions = {}): Promise<ReadResourceResult> {
    const route = this.#resources.route(uri);
    return this.#invoke('resource', uri, route?.backendId, options, (client, _id, timeoutMs) =>
      client.readResource({ uri }, requestOptions(options, timeoutMs)),
    );
  }

  /** Runs `work` on the session of the serving backend `key` routes to, in the caller's context; one error shape for all. */
  async #invoke<T>(
    kind: 'tool' | 'prompt' | 'resource',
    key: string,
    backendId: string | undefined,
    options: CallToolOptions,
    work: (client: Client, backendId: string, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const connection = backendId === undefined ? undefined : this.#connections.get(backendId);
    if (connection === undefined || !connection.serving) throw new NotInCatalogueError(kind, key);
    const timeoutMs = options.timeoutMs ?? connection.callTimeoutMs;
    try {
      return await callScope.run({ context: options.context }, () =>
        connection.request((client) => work(client, connection.id, timeoutMs), options.signal),
      );
    } catch (error) {
      const failure = error instanceof RequestFailure ? error.failure : 'transport';
      const cause = error instanceof RequestFailure ? error.cause : error;
      const code = cause instanceof McpError ? cause.code : undefined;
      throw new BackendCallError(kind, key, connection.id, failure, scrubSecrets(errorMessage(cause), connection.backend), code);
    }
  }

  /** Resolves once no backend has a connect or close step queued or running (retries and probes may be pending). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.#connections.values()].filter((connection) => connection.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((connection) => connection.settled()));
    }
  }

  /** Unsubscribes from the registry and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#unsubscribe();
      for (const connection of this.#connections.values()) connection.remove();
    }
    await this.idle();
  }

  #onRegistryEvent(event: RegistryEvent): void {
    if (this.#closed) return;
    if (event.type === 'upsert') this.#upsert(event.backend);
    else this.#connections.get(event.id)?.remove();
  }

  #upsert(backend: Backend): void {
    const known = this.#connections.get(backend.id);
    if (known !== undefined) return known.update(backend);
    const connection = new BackendConnection(backend, this.#settings, (changed) => this.#onConnectionChanged(changed));
    this.#connections.set(backend.id, connection);
    this.#onConnectionChanged(connection);
  }

  #onConnectionChanged(connection: BackendConnection): void {
    if (connection.state === 'closed' && this.#connections.get(connection.id) === connection) this.#connections.delete(connection.id);
    this.#publishHealth(connection);
    this.#publishCatalogue();
  }

  #publishHealth(connection: BackendConnection): void {
    const { probeLatencyMs: _ignored, ...compared } = connection.health();
    const signature = JSON.stringify(compared);
    if (this.#lastHealth.get(connection) === signature) return;
    if (compared.state === 'closed') this.#lastHealth.delete(connection);
    else this.#lastHealth.set(connection, signature);
    this.#events.emit('healthChanged', connection.health());
  }

  #publishCatalogue(): void {
    const serving = [...this.#connections.values()].filter((connection) => connection.serving);
    const sources = <K extends OfferKind>(kind: K) =>
      serving.map((connection) => ({ backendId: connection.id, items: connection.offer[kind] }));
    const toolsChanged = this.#tools.update(sources('tools'), this.#rule);
    const promptsChanged = this.#prompts.update(sources('prompts'), this.#rule);
    const resourcesChanged = this.#resources.update(sources('resources'), this.#rule);
    if (toolsChanged) this.#events.emit('toolsChanged', { tools: this.#tools.entries(), conflicts: this.#tools.conflicts() });
    if (promptsChanged) this.#events.emit('promptsChanged', { prompts: this.#prompts.entries() });
    if (resourcesChanged) this.#events.emit('resourcesChanged', { resources: this.#resources.entries() });
  }
}

function requestOptions(options: CallToolOptions, timeout: number): { signal?: AbortSignal; timeout: number } {
  return { ...(options.signal !== undefined ? { signal: options.signal } : {}), timeout };
}

/** The pool's options with every default applied; a bad number is a `RangeError` naming the option. */
function resolveSettings(options: BackendPoolOptions, logger: Logger): ConnectionSettings {
  const timeouts = options.timeouts ?? {};
  const settings: ConnectionSettings = {
    clock: options.clock ?? backgroundClock,
    logger,
    metric: metricSink(options.metrics, logger),
    clientInfo: options.clientInfo ?? { name: 'vmcp-gateway', version: '0.1.0' },
    auth: options.auth ?? {},
    health: { ...DEFAULT_HEALTH_PROBE, ...definedOnly(options.health ?? {}) },
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    backoff: { ...DEFAULT_POOL_BACKOFF, ...definedOnly(options.backoff ?? {}) },
    createTransport: options.createTransport,
    failureThreshold: options.failureHandling?.circuitBreaker?.failureThreshold ?? 3,
    partialFailureMode: options.failureHandling?.partialFailureMode ?? 'fail',
    callTimeoutMs: (id) => timeouts.perWorkload?.[id] ?? timeouts.default ?? 30_000,
  };
  const positive: [string, unknown][] = [
    ['health.intervalMs', settings.health.intervalMs],
    ['health.timeoutMs', settings.health.timeoutMs],
    ['requestTimeoutMs', settings.requestTimeoutMs],
    ['failureHandling.circuitBreaker.failureThreshold', settings.failureThreshold],
    ['timeouts.default', timeouts.default ?? 1],
    ...Object.entries(timeouts.perWorkload ?? {}).map(([id, ms]): [string, unknown] => [`timeouts.perWorkload[${JSON.stringify(id)}]`, ms]),
  ];
  for (const [name, value] of positive) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(`BackendPool: ${name} must be a finite number > 0, got ${String(value)}`);
    }
  }
  if (settings.partialFailureMode !== 'fail' && settings.partialFailureMode !== 'best_effort') {
    throw new RangeError(
      `BackendPool: failureHandling.partialFailureMode must be "fail" or "best_effort", got ${JSON.stringify(settings.partialFailureMode)}`,
    );
  }
  return settings;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
