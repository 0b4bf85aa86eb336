/**
 * Cluster mode's caches: ONE list/watch per kind across every namespace, demultiplexed by `metadata.namespace` into
 * a fed informer per namespace. The namespace's `BackendWatcher` gets its informers from here (its `informerFeed`)
 * and reads them as it reads its own; the API server sees one watch per kind whatever the number of namespaces.
 */
import type { ResourceDescriptor } from '@vmcp/api';
import { callSafely, type Clock, type Logger } from '@vmcp/core';
import { ALL_NAMESPACES } from '../client/list-watch.ts';
import type { KubeHttpClient } from '../client/http.ts';
import { Informer, type InformerErrorInfo, type InformerFeed, type InformerOptions } from '../informer/informer.ts';
import { NamespaceDemux } from '../informer/namespace-demux.ts';
import { Reflector } from '../reflector/reflector.ts';
import type { ReflectorStatus, ReflectorStore } from '../reflector/types.ts';

/** One cluster-wide watch, for status and tests. */
export interface ClusterWatchStatus {
  kind: string;
  /** `plural.group`. */
  resource: string;
  reflector: ReflectorStatus;
  /** Namespaces that hold a cache of this kind. */
  namespaces: number;
}

/** What one namespace's consumer of a kind gave when it asked for its informer. */
interface Consumer {
  onError: InformerOptions['onError'];
  reflector: InformerOptions['reflector'];
}

/** One kind: its cluster-wide reflector, the demultiplexer, and the consumer of each namespace's informer. */
class ClusterKind {
  readonly reflector: Reflector;
  readonly demux: NamespaceDemux<Informer>;
  readonly #consumers = new Map<string, Consumer>();
  #lastError: string | undefined;
  /** The options every namespace's informer of this kind is built from (the first asker's; a tap's are minimal). */
  readonly #template: InformerOptions;

  constructor(template: InformerOptions, tap: ReflectorStore | undefined, clock: Clock, logger: Logger) {
    this.#template = template;
    const source = { status: () => this.reflector.status(), run: waitForAbort };
    this.demux = new NamespaceDemux<Informer>(
      (namespace) =>
        new Informer({
          ...this.#template,
          namespace,
          source,
          // Transform, handler and indexer errors go to whoever consumes this namespace's cache now.
          onError: (error, info) => this.#consumers.get(namespace)?.onError?.(error, info),
        }),
      tap,
      // A namespace nobody serves whose last object went (deleted with its namespace, say) costs nothing.
      (namespace, informer) => informer.size === 0 && !this.#consumers.has(namespace),
    );
    const r = template.reflector ?? {};
    this.reflector = new Reflector({
      ...(r.inactivityTimeoutMs !== undefined ? { inactivityTimeoutMs: r.inactivityTimeoutMs } : {}),
      ...(r.watchTimeoutSeconds ? { watchTimeoutSeconds: r.watchTimeoutSeconds } : {}),
      ...(r.backoff ? { backoff: r.backoff } : {}),
      ...(r.pageSize !== undefined ? { pageSize: r.pageSize } : {}),
      ...(r.watchList !== undefined ? { watchList: r.watchList } : {}),
      clock: r.clock ?? clock,
      client: template.client,
      resource: template.resource,
      namespace: ALL_NAMESPACES,
      kind: template.kind,
      metadataOnly: template.metadataOnly ?? false,
      store: this.demux,
      // One cluster-wide failure is every consumer's failure: each namespace's watcher reports it (and decides, for
      // itself, whether a missing optional kind may be waited without).
      onError: (error, info) => {
        this.#log(logger, error, info.retryInMs);
        this.#eachConsumer((c) => c.onError?.(error, errorInfo(template.kind, info)));
      },
      // An event is its namespace's (counted once); a bookmark is counted once, by any consumer.
      onWatchEvent: (type) => {
        const consumer = type === 'BOOKMARK' ? this.#consumers.values().next().value : this.#consumers.get(this.demux.lastNamespace ?? '');
        if (consumer !== undefined) callSafely(() => consumer.reflector?.onWatchEvent?.(type));
      },
      // The server ended the watch: every namespace fed by it heard from the server.
      onWatchEnd: () => this.#eachConsumer((c) => c.reflector?.onWatchEnd?.()),
    });
  }

  /** The informer of `options.namespace`, now consumed by the caller of `options` (its error and event hooks). */
  informerFor(options: InformerOptions): Informer {
    this.#checkSameShape(options);
    this.#consumers.set(options.namespace, { onError: options.onError, reflector: options.reflector });
    return this.demux.store(options.namespace);
  }

  /** The namespace's consumer went away (its watcher stopped): its cache stays, its hooks go. */
  release(namespace: string): void {
    this.#consumers.delete(namespace);
    this.demux.dropIfUnused(namespace);
  }

  /** Every failure of the cluster-wide watch is logged here once (a repeat at debug), consumers or not. */
  #log(logger: Logger, error: Error, retryInMs: number): void {
    const repeated = error.message === this.#lastError;
    this.#lastError = error.message;
    const fields = { kind: this.reflector.kind, retryInMs, namespaces: this.#consumers.size };
    if (repeated) logger.debug(`${error.message}; retrying`, fields);
    else logger.warn(`${error.message}; retrying in ${retryInMs} ms`, fields);
  }

  #checkSameShape(options: InformerOptions): void {
    const t = this.#template;
    const indexes = (o: InformerOptions): string =>
      Object.keys(o.indexers ?? {})
        .sort()
        .join(',');
    if ((t.metadataOnly ?? false) !== (options.metadataOnly ?? false) || indexes(t) !== indexes(options)) {
      throw new Error(
        `kind ${options.kind} is already fed cluster-wide with another shape (metadataOnly ${String(t.metadataOnly ?? false)}, indexes [${indexes(t)}]); every consumer of one feed must ask for the same`,
      );
    }
  }

  #eachConsumer(fn: (consumer: Consumer) => void): void {
    for (const consumer of this.#consumers.values()) callSafely(() => fn(consumer));
  }
}

function errorInfo(kind: string, info: { phase: InformerErrorInfo['source']; retryInMs: number; attempt: number }): InformerErrorInfo {
  return { kind, source: info.phase, retryInMs: info.retryInMs, attempt: info.attempt };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * The {@link InformerFeed} of cluster mode. Each kind's cluster-wide reflector is created the first time any
 * namespace's watcher (or a {@link tap}) asks for the kind, and runs from {@link start} until its signal aborts.
 */
export class ClusterFeed implements InformerFeed {
  readonly #client: KubeHttpClient;
  readonly #clock: Clock;
  readonly #kinds = new Map<string, ClusterKind>();
  readonly #logger: Logger;
  readonly #onFailed: (error: unknown) => void;
  #signal: AbortSignal | undefined;

  /** @param parts.onFailed a reflector stopped with an error it does not retry (a bug): the set fails. */
  constructor(parts: { client: KubeHttpClient; clock: Clock; logger: Logger; onFailed: (error: unknown) => void }) {
    this.#client = parts.client;
    this.#clock = parts.clock;
    this.#logger = parts.logger;
    this.#onFailed = parts.onFailed;
  }

  /** Starts every kind's reflector now and every later one at its creation; all stop when `signal` aborts. */
  start(signal: AbortSignal): void {
    this.#signal = signal;
    for (const kind of this.#kinds.values()) this.#run(kind);
  }

  informer(options: InformerOptions): Informer {
    return this.#kind(options, undefined).informerFor(options);
  }

  /**
   * Watches `resource` cluster-wide (metadata only) for an observer that sees every object of every namespace,
   * e.g. the MCPGroups that decide which namespaces are served. A namespace's watcher asking for the same kind
   * later shares this one watch.
   */
  tap(kind: string, resource: ResourceDescriptor, store: ReflectorStore, reflector?: InformerOptions['reflector']): void {
    if (this.#kinds.has(kind)) throw new Error(`kind ${kind} is already fed; tap it before any watcher asks for it`);
    const options: InformerOptions = { client: this.#client, namespace: ALL_NAMESPACES, kind, resource, metadataOnly: true };
    this.#kind(reflector === undefined ? options : { ...options, reflector }, store);
  }

  /** The namespace's watcher stopped: its caches stay (for its return), its hooks are dropped. */
  release(namespace: string): void {
    for (const kind of this.#kinds.values()) kind.release(namespace);
  }

  /** Every cluster-wide watch. */
  watches(): ClusterWatchStatus[] {
    return [...this.#kinds].map(([kind, k]) => {
      const reflector = k.reflector.status();
      return { kind, resource: reflector.resource, reflector, namespaces: k.demux.namespaces().length };
    });
  }

  #kind(options: InformerOptions, tap: ReflectorStore | undefined): ClusterKind {
    let kind = this.#kinds.get(options.kind);
    if (kind !== undefined) return kind;
    kind = new ClusterKind(options, tap, this.#clock, this.#logger);
    this.#kinds.set(options.kind, kind);
    if (this.#signal !== undefined) this.#run(kind);
    return kind;
  }

  #run(kind: ClusterKind): void {
    const signal = this.#signal;
    if (signal === undefined || signal.aborted) return;
    kind.reflector.run(signal).catch(this.#onFailed);
  }
}
