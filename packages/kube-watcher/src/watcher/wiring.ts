/**
 * The watcher's wiring: its discoverer, and one informer per kind whose events map to backend names on the work
 * queue. No decisions about errors or status live here (see informer-error-policy.ts and status-projection.ts).
 */
import type { ResourceDescriptor } from '@vmcp/api';
import type { Clock, Logger } from '@vmcp/core';
import { createKubernetesDiscoverer, type CacheReader, type Discoverer, type WatchedKind } from '@vmcp/discoverer';
import { createApiDirectReader } from '../client/direct-reader.ts';
import type { KubeHttpClient } from '../client/http.ts';
import { Informer, deletedObject, type InformerErrorInfo, type InformerFeed, type InformerOptions } from '../informer/index.ts';
import type { BackendWatcherOptions, WatcherReflectorOptions } from './types.ts';

/**
 * The discoverer the reconciler asks: the user's (or the factory's, given the watcher's caches), else the Kubernetes
 * discoverer reading through the caches and the API-backed direct reader.
 */
export function createDiscoverer(
  options: BackendWatcherOptions,
  parts: { namespace: string; group: string; reader: CacheReader; client: KubeHttpClient; logger: Logger },
): Discoverer<string> {
  const direct = options.directReader ?? createApiDirectReader(parts.client);
  const context = { namespace: parts.namespace, group: parts.group, reader: parts.reader, direct, logger: parts.logger };
  if (typeof options.discoverer === 'function') return options.discoverer(context);
  return options.discoverer ?? createKubernetesDiscoverer(context);
}

/** What a kind's informer reports to the watcher. */
export interface InformerHooks {
  onError: (kind: WatchedKind, err: Error, info: InformerErrorInfo) => void;
  onWatchEvent: (kind: WatchedKind, type: string) => void;
  /** The server ended a watch of `kind` normally (the watch is re-opened at once). */
  onWatchEnd?: (kind: WatchedKind) => void;
  enqueue: (names: readonly string[]) => void;
}

/**
 * One informer for `kind`, listing and watching `resource` (the version API discovery chose), with handlers that
 * map every event to backend names. For an update the names of the old and the new object are both enqueued, so a
 * backend that moved out of the group (only the old one maps) is re-checked and removed.
 */
export function createKindInformer(
  kind: WatchedKind,
  resource: ResourceDescriptor,
  parts: {
    client: KubeHttpClient;
    namespace: string;
    reader: CacheReader;
    reflector: WatcherReflectorOptions | undefined;
    clock: Clock;
    feed?: InformerFeed | undefined;
  },
  hooks: InformerHooks,
): Informer {
  const r = parts.reflector ?? {};
  const options: InformerOptions = {
    client: parts.client,
    namespace: parts.namespace,
    kind: kind.kind,
    resource,
    metadataOnly: kind.metadataOnly ?? false,
    ...(kind.transform ? { transform: kind.transform } : {}),
    ...(kind.indexers ? { indexers: kind.indexers } : {}),
    onError: (err, info) => hooks.onError(kind, err, info),
    reflector: {
      ...(r.inactivityTimeoutMs !== undefined ? { inactivityTimeoutMs: r.inactivityTimeoutMs } : {}),
      ...(r.watchTimeoutSeconds ? { watchTimeoutSeconds: r.watchTimeoutSeconds } : {}),
      ...(r.backoff ? { backoff: r.backoff } : {}),
      ...(r.pageSize !== undefined ? { pageSize: r.pageSize } : {}),
      ...(r.watchList !== undefined ? { watchList: r.watchList } : {}),
      clock: parts.clock,
      onWatchEvent: (type) => hooks.onWatchEvent(kind, type),
      onWatchEnd: () => hooks.onWatchEnd?.(kind),
    },
  };
  const informer = parts.feed ? parts.feed.informer(options) : new Informer(options);
  const { reader } = parts;
  informer.addHandlers({
    onAdd: (obj) => hooks.enqueue(kind.mapToBackends(obj, reader)),
    onUpdate: (oldObj, newObj) => {
      hooks.enqueue(kind.mapToBackends(oldObj, reader));
      hooks.enqueue(kind.mapToBackends(newObj, reader));
    },
    onDelete: (obj) => hooks.enqueue(kind.mapToBackends(deletedObject(obj), reader)),
  });
  return informer;
}
