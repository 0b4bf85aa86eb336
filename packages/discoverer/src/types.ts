import type { ConfigMap, KubeObject, ResourceDescriptor, Secret } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';

/** The source kinds of the Kubernetes discoverer. Other discoverers use their own strings. */
export type WorkloadType = 'MCPServer' | 'MCPRemoteProxy' | 'MCPServerEntry';

/** A backend-producing object: its name and kind. */
export interface TypedWorkload<TType extends string = WorkloadType> {
  name: string;
  type: TType;
}

/** Why an object that exists is not served. `code` is stable (metrics, API); `message` is for people. */
export interface ExclusionReason {
  code:
    | 'not-found'
    | 'out-of-group'
    | 'no-url'
    | 'invalid-url'
    | 'entry-not-valid'
    | 'auth-unresolved'
    | 'ca-bundle-unreadable'
    | 'header-forward-unresolved'
    | 'malformed'
    | 'conversion-error'
    | 'name-conflict'
    | 'excluded'
    | (string & {});
  message: string;
}

/** The outcome of converting one workload: a backend to serve, or the reason it is not served. */
export type WorkloadResolution = { backend: Backend; reason?: undefined } | { backend: null; reason: ExclusionReason };

/**
 * Turns workloads into backends.
 * `getWorkloadAsBackend` returns null when the object exists but must not be served (no URL, auth unresolved, entry
 * not Valid, CA bundle unreadable) and throws when it could not be read (not found, API error).
 */
export interface Discoverer<TType extends string = WorkloadType> {
  listWorkloadsInGroup(group: string, signal?: AbortSignal): Promise<TypedWorkload<TType>[]>;
  getWorkloadAsBackend(workload: TypedWorkload<TType>, signal?: AbortSignal): Promise<Backend | null>;
  /** Same decision as `getWorkloadAsBackend`, with the reason when not served. Optional for custom discoverers. */
  resolveWorkload?(workload: TypedWorkload<TType>, signal?: AbortSignal): Promise<WorkloadResolution>;
}

/**
 * Read access to the watcher's informer caches, for one namespace. Objects are the *transformed* cached objects;
 * treat them as read-only. Kinds are the `kind` strings of the watch plan.
 */
export interface CacheReader {
  get<T extends KubeObject = KubeObject>(kind: string, name: string): T | undefined;
  list<T extends KubeObject = KubeObject>(kind: string): readonly T[];
  /** Objects of `kind` whose index `index` contains `value`. Throws if the plan declared no such index. */
  byIndex<T extends KubeObject = KubeObject>(kind: string, index: string, value: string): readonly T[];
}

/**
 * Direct (uncached) reads of objects whose content must not sit in a cache. Implementations throw `NotFoundError`
 * when the object does not exist, and another Error (naming the object) for any other failure.
 */
export interface DirectReader {
  getSecret(namespace: string, name: string, signal?: AbortSignal): Promise<Secret>;
  getConfigMap(namespace: string, name: string, signal?: AbortSignal): Promise<ConfigMap>;
}

/** Thrown by readers when an object does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly kind: string;
  readonly objectName: string;
  constructor(kind: string, objectName: string, message = `${kind} ${objectName} not found`) {
    super(message);
    this.kind = kind;
    this.objectName = objectName;
  }
}

/** One kind the watcher must list and watch. */
export interface WatchedKind<T extends KubeObject = KubeObject> {
  /** The key for the cache reader, status and metrics, e.g. `MCPServer`. Unique within a plan. */
  readonly kind: string;
  readonly resource: ResourceDescriptor;
  /** List and watch `PartialObjectMetadata` only (no data is ever received or cached). */
  readonly metadataOnly?: boolean;
  /** Trims an object before it is cached: keep what the discoverer reads, drop the rest (managedFields…). */
  readonly transform?: (object: KubeObject) => T;
  /** Index name → values of an object for that index. */
  readonly indexers?: Readonly<Record<string, (object: T) => readonly string[]>>;
  /**
   * Backend names an event on this object affects. For an update the watcher calls it on the old and the new
   * object and enqueues the union (controller-runtime's EnqueueRequestsFromMapFunc).
   */
  readonly mapToBackends: (object: T, reader: CacheReader) => readonly string[];
  /**
   * Whether the first cache sync waits for this kind when its CRD is not installed (default true). With `false`, a
   * 404 on list (no CRD, e.g. an older ToolHive without MCPServerEntry) is reported and the sync goes on without the
   * kind (its informer keeps retrying and fills in once the CRD is installed). A 403 (missing permission) is never
   * tolerated, whatever this says: it is reported naming the verb and resource, retried with backoff, and holds the
   * sync until the permission is granted.
   */
  readonly required?: boolean;
}

/** A source kind: its objects are candidate backends with the same name. */
export interface SourceKind<TType extends string = string> {
  readonly kind: TType;
  /** The group the object says it belongs to; `''` when none or unreadable. */
  readonly groupOf: (object: KubeObject) => string;
}

/**
 * What a discoverer needs watched, and how changes map to backend names. The watcher and reconciler are generic
 * over it, so a different discoverer (e.g. one over annotated Services) reuses them unchanged.
 */
export interface WatchPlan<TType extends string = string> {
  readonly kinds: readonly WatchedKind[];
  /** Source kinds in precedence order (first wins among in-group objects with the same name). */
  readonly sources: readonly SourceKind<TType>[];
  /**
   * The discoverer reads a source kind's objects only by the name it is deciding (it never lists them or follows a
   * reference to another source object). Then a name can be decided as soon as every other kind has synced and its
   * own objects have arrived, while a source kind is still listing: the watcher reconciles during the initial list
   * instead of after it, and readiness still waits for the whole initial pass. Default false (a plan that does not
   * say so is reconciled only once every cache has synced). The Kubernetes plan sets it.
   */
  readonly sourcesReadByName?: boolean;
}
