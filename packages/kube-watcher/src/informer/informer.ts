import type { KubeObject, ResourceDescriptor } from '@vmcp/api';
import { callSafely, toError } from '@vmcp/core';
import type { KubeHttpClient } from '../client/http.ts';
import { Reflector } from '../reflector/reflector.ts';
import type { ReflectorOptions, ReflectorStatus, ReflectorStore } from '../reflector/types.ts';
import { IndexedStore, type Indexers } from './store.ts';

/**
 * The last known state of an object that vanished while we were not watching (found missing on a relist), as
 * client-go's `DeletedFinalStateUnknown`: the object may have changed before it was deleted.
 */
export class DeletedFinalStateUnknown<T extends KubeObject = KubeObject> {
  readonly key: string;
  readonly object: T;
  constructor(key: string, object: T) {
    this.key = key;
    this.object = object;
  }
}

/** The object of a delete notification, whether it was seen deleted or found missing on a relist. */
export function deletedObject<T extends KubeObject>(obj: T | DeletedFinalStateUnknown<T>): T {
  return obj instanceof DeletedFinalStateUnknown ? obj.object : obj;
}

/** Event handlers. They are called synchronously, in order; an exception is reported and does not stop anything. */
export interface InformerHandlers<T extends KubeObject = KubeObject> {
  onAdd?(object: T): void;
  /** `old` and `new` are the transformed objects. Not called on relist when the resourceVersion is unchanged. */
  onUpdate?(oldObject: T, newObject: T): void;
  onDelete?(object: T | DeletedFinalStateUnknown<T>): void;
}

/** What an informer reports besides events. */
export interface InformerErrorInfo {
  kind: string;
  /** Where it happened: a handler, the transform, an indexer, or the reflector (list/watch/store). */
  source: 'handler' | 'transform' | 'indexer' | 'list' | 'watch' | 'store';
  /** For reflector errors: ms until the retry. */
  retryInMs?: number;
  attempt?: number;
  /** The name of the object being handled, transformed or indexed. */
  object?: string;
  /** For handler errors: which notification failed. */
  event?: 'add' | 'update' | 'delete';
}

/** Options of {@link Informer}. */
export interface InformerOptions<T extends KubeObject = KubeObject> {
  client: KubeHttpClient;
  namespace: string;
  /** Key of this informer (status, errors, cache reader). */
  kind: string;
  resource: ResourceDescriptor;
  metadataOnly?: boolean;
  /** Applied before storing. Default: drop `metadata.managedFields`. */
  transform?: (object: KubeObject) => T;
  indexers?: Indexers<T>;
  onError?: (error: Error, info: InformerErrorInfo) => void;
  /** Passed to the reflector (timeouts, backoff, random, page size, event hook). */
  reflector?: Omit<ReflectorOptions, 'client' | 'resource' | 'namespace' | 'kind' | 'store' | 'metadataOnly' | 'onError'>;
  /**
   * Fed from outside instead of by a reflector of its own: something else (a cluster-wide reflector whose store
   * hands each namespace's objects to that namespace's informer) calls this informer's `ReflectorStore` methods,
   * and `source` gives the status of that feed. `reflector` is then ignored. See {@link InformerSource}.
   */
  source?: InformerSource;
}

/**
 * Hands out informers fed from outside (see {@link InformerSource}): given the options a consumer would construct
 * an informer with, it returns the fed informer of that kind and namespace, which may already hold objects.
 */
export interface InformerFeed {
  informer(options: InformerOptions): Informer;
}

/**
 * What keeps a fed informer current when it has no reflector of its own. Its `run(signal)` resolves when `signal`
 * aborts; the informer then drops its handlers and sync waiters, so one fed cache can serve one consumer after
 * another (a namespace that stops being served and comes back later keeps its cache, not its old listeners).
 */
export interface InformerSource {
  /** The status of the reflector that feeds this informer (its list/watch state and last error). */
  status(): ReflectorStatus;
  /** Resolves once `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** Default transform: `managedFields` are often the bulk of an object and nothing here reads them. */
export function stripManagedFields<T extends KubeObject>(object: KubeObject): T {
  if (!object.metadata?.managedFields) return object as T;
  const { managedFields: _drop, ...metadata } = object.metadata;
  return { ...object, metadata } as T;
}

/**
 * A cache of one kind in one namespace kept current by a {@link Reflector}: transformed objects, indexes,
 * handlers with old and new objects, and `hasSynced()` (true once the first full (re)list has been delivered to the
 * handlers, never false again). Objects are transformed one at a time as they arrive, so no raw list is ever held.
 */
export class Informer<T extends KubeObject = KubeObject> implements ReflectorStore {
  readonly kind: string;
  readonly #o: InformerOptions<T>;
  readonly #store: IndexedStore<T>;
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #syncWaiters = new Set<() => void>();
  readonly #source: InformerSource;
  #synced = false;
  /** Names delivered by the (re)list in progress; undefined between relists. */
  #relisted: Set<string> | undefined;

  constructor(options: InformerOptions<T>) {
    this.#o = options;
    this.kind = options.kind;
    this.#store = new IndexedStore<T>(options.indexers ?? {}, (index, name, err) =>
      this.#report(err, { kind: this.kind, source: 'indexer', object: `${name} (index ${index})` }),
    );
    this.#source = options.source ?? this.#ownReflector(options);
  }

  #ownReflector(options: InformerOptions<T>): Reflector {
    return new Reflector({
      ...options.reflector,
      client: options.client,
      resource: options.resource,
      namespace: options.namespace,
      kind: options.kind,
      metadataOnly: options.metadataOnly ?? false,
      store: this,
      onError: (error, info) =>
        this.#report(error, { kind: this.kind, source: info.phase, retryInMs: info.retryInMs, attempt: info.attempt }),
    });
  }

  /**
   * Registers handlers; returns a function that removes them. Objects already cached are not replayed here (a fed
   * informer replays them when its {@link run} starts).
   */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    return () => this.#handlers.delete(handlers);
  }

  /**
   * Lists and watches until `signal` aborts. A fed informer (`options.source`) may hold objects before its consumer
   * arrives: at once, it hands every cached object to the handlers as an add (as client-go's shared informer does for
   * a handler added late), then waits for the abort and drops its handlers and sync waiters: they belonged to that
   * run's consumer.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#o.source !== undefined) {
      for (const obj of this.#store.list()) this.#emit('add', obj.metadata.name, (h) => h.onAdd?.(obj));
    }
    await this.#source.run(signal);
    if (this.#o.source !== undefined) {
      this.#handlers.clear();
      this.#syncWaiters.clear();
    }
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** Calls `fn` once synced (at once if already). Returns an unsubscribe function. */
  onSynced(fn: () => void): () => void {
    if (this.#synced) {
      fn();
      return () => {};
    }
    this.#syncWaiters.add(fn);
    return () => this.#syncWaiters.delete(fn);
  }

  status(): ReflectorStatus & { objects: number } {
    return { ...this.#source.status(), synced: this.#synced, objects: this.#store.size };
  }

  /** The number of cached objects. */
  get size(): number {
    return this.#store.size;
  }

  get(name: string): T | undefined {
    return this.#store.get(name);
  }

  list(): T[] {
    return this.#store.list();
  }

  hasIndex(index: string): boolean {
    return this.#store.hasIndex(index);
  }

  byIndex(index: string, value: string): T[] {
    return this.#store.byIndex(index, value);
  }

  // ReflectorStore ---------------------------------------------------------------------------------------------

  /** @internal A (re)list begins: remember the names it delivers, to find the vanished ones at its end. */
  startRelist(): void {
    this.#relisted = new Set();
  }

  /** @internal One object of a (re)list: transformed and stored at once, so the raw object is garbage after it. */
  relistItem(raw: KubeObject): void {
    const name = raw.metadata?.name;
    if (typeof name !== 'string') return;
    this.#relisted?.add(name);
    const obj = this.#transform(raw);
    const old = this.#store.set(name, obj);
    if (old === undefined) this.#emit('add', name, (h) => h.onAdd?.(obj));
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion || old.metadata.resourceVersion === undefined) {
      this.#emit('update', name, (h) => h.onUpdate?.(old, obj));
    }
  }

  /**
   * @internal The (re)list is complete: every stored object it did not deliver is gone (a tombstone each). Needs only
   * the names the list delivered, never the list itself.
   */
  endRelist(_resourceVersion: string): void {
    const seen = this.#relisted ?? new Set<string>();
    this.#relisted = undefined;
    const vanished: string[] = [];
    for (const name of this.#store.names()) if (!seen.has(name)) vanished.push(name);
    for (const name of vanished) {
      const old = this.#store.delete(name);
      if (old !== undefined) {
        const tombstone = new DeletedFinalStateUnknown(name, old);
        this.#emit('delete', name, (h) => h.onDelete?.(tombstone));
      }
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const fn of [...this.#syncWaiters]) callSafely(fn, (err) => this.#report(err, { kind: this.kind, source: 'handler' }));
      this.#syncWaiters.clear();
    }
  }

  /** @internal The (re)list failed half-way: what it stored stays (each object is a real, newer state); no deletes. */
  abortRelist(): void {
    this.#relisted = undefined;
  }

  /** @internal Called by the reflector for every watch event. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', raw: KubeObject): void {
    const name = raw.metadata?.name;
    if (typeof name !== 'string') return;
    const obj = this.#transform(raw);
    if (type === 'DELETED') {
      this.#relisted?.delete(name);
      const old = this.#store.delete(name);
      // Prefer the final state the server sent; it is at least as new as what we had.
      this.#emit('delete', name, (h) => h.onDelete?.(obj ?? old));
      return;
    }
    const old = this.#store.set(name, obj);
    if (old === undefined) this.#emit('add', name, (h) => h.onAdd?.(obj));
    else this.#emit('update', name, (h) => h.onUpdate?.(old, obj));
  }

  #transform(raw: KubeObject): T {
    const fn = this.#o.transform;
    if (!fn) return stripManagedFields<T>(raw);
    try {
      return fn(raw);
    } catch (err) {
      // Keep the object (stripped) rather than drop it: a dropped update would leave a stale object cached and a
      // dropped add would hide it; the discoverer validates fields at run time and reports a malformed object.
      this.#report(err, { kind: this.kind, source: 'transform', object: raw.metadata.name });
      return stripManagedFields<T>(raw);
    }
  }

  #emit(event: 'add' | 'update' | 'delete', name: string, call: (h: InformerHandlers<T>) => void): void {
    for (const h of this.#handlers) {
      callSafely(
        () => call(h),
        (err) => this.#report(err, { kind: this.kind, source: 'handler', object: name, event }),
      );
    }
  }

  #report(err: unknown, info: InformerErrorInfo): void {
    // Reporting must never break the informer.
    callSafely(() => this.#o.onError?.(toError(err), info));
  }
}
