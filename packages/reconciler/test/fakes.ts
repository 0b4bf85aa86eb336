/**
 * Test doubles: an in-memory registry with effective-change versioning and a call log, a reader over plain maps, a
 * three-kind watch plan ("Server" > "Proxy" > "Entry", group in `spec.group`), and a scriptable discoverer.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@vmcp/api';
import type { CacheReader, Discoverer, TypedWorkload, WatchPlan, WorkloadResolution } from '@vmcp/discoverer';
import type { Backend, DynamicRegistry, RegistryListener } from '@vmcp/registry';

export type FakeKind = 'Server' | 'Proxy' | 'Entry';

export interface FakeRegistry extends DynamicRegistry {
  readonly calls: { op: 'upsert' | 'remove'; id: string }[];
}

export function fakeRegistry(initial: Backend[] = []): FakeRegistry {
  const store = new Map(initial.map((b) => [b.id, structuredClone(b)]));
  const listeners = new Set<RegistryListener>();
  const calls: FakeRegistry['calls'] = [];
  let version = 0;
  return {
    calls,
    get: (id) => store.get(id),
    list: () => [...store.values()],
    count: () => store.size,
    version: () => version,
    upsert(backend) {
      calls.push({ op: 'upsert', id: backend.id });
      if (backend.id === '') throw new Error('backend ID cannot be empty');
      const previous = store.get(backend.id);
      if (previous !== undefined && isDeepStrictEqual(previous, backend)) return false;
      store.set(backend.id, structuredClone(backend));
      version += 1;
      for (const l of listeners) l({ type: 'upsert', version, backend, ...(previous ? { previous } : {}) });
      return true;
    },
    remove(id) {
      calls.push({ op: 'remove', id });
      const previous = store.get(id);
      if (previous === undefined) return false;
      store.delete(id);
      version += 1;
      for (const l of listeners) l({ type: 'remove', version, id, previous });
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface FakeReader extends CacheReader {
  set(kind: string, object: KubeObject): void;
  delete(kind: string, name: string): void;
}

export function fakeReader(): FakeReader {
  const kinds = new Map<string, Map<string, KubeObject>>();
  const of = (kind: string) => {
    let m = kinds.get(kind);
    if (m === undefined) kinds.set(kind, (m = new Map()));
    return m;
  };
  return {
    get: <T extends KubeObject>(kind: string, name: string) => of(kind).get(name) as T | undefined,
    list: <T extends KubeObject>(kind: string) => [...of(kind).values()] as T[],
    byIndex: () => {
      throw new Error('fake reader has no indexes');
    },
    set: (kind, object) => void of(kind).set(object.metadata.name, object),
    delete: (kind, name) => void of(kind).delete(name),
  };
}

/** A source object of the fake plan; `group` undefined → no group at all. */
export function obj(name: string, group?: string, extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name, namespace: 'ns' }, spec: { ...(group === undefined ? {} : { group }), ...extra } } as KubeObject;
}

const groupOf = (o: KubeObject): string => {
  const g = (o as { spec?: { group?: unknown } }).spec?.group;
  return typeof g === 'string' ? g : '';
};

export const fakePlan: WatchPlan<FakeKind> = {
  kinds: [],
  sources: [
    { kind: 'Server', groupOf },
    { kind: 'Proxy', groupOf },
    { kind: 'Entry', groupOf },
  ],
};

export function backendOf(name: string, kind: string, extra: Partial<Backend> = {}): Backend {
  return {
    id: name,
    name,
    baseUrl: `http://${name}.ns.svc:8080/mcp`,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    metadata: { kind },
    ...extra,
  };
}

/** What the scripted discoverer does for one name: a backend, null (with a reason), or an error. */
export type Script = (workload: TypedWorkload<FakeKind>) => Backend | null | Error;

export interface FakeDiscoverer extends Discoverer<FakeKind> {
  readonly calls: TypedWorkload<FakeKind>[];
  script: Script;
}

/**
 * `withReasons` decides whether `resolveWorkload` exists (true) or only `getWorkloadAsBackend` (false).
 * The default script serves every workload with `backendOf(name, type)`.
 */
export function fakeDiscoverer(withReasons: boolean, script: Script = (w) => backendOf(w.name, w.type)): FakeDiscoverer {
  const calls: TypedWorkload<FakeKind>[] = [];
  const run = (w: TypedWorkload<FakeKind>) => {
    calls.push(w);
    const out = d.script(w);
    if (out instanceof Error) throw out;
    return out;
  };
  const d: FakeDiscoverer = {
    calls,
    script,
    listWorkloadsInGroup: () => Promise.resolve([]),
    getWorkloadAsBackend: (w) => Promise.resolve().then(() => run(w)),
  };
  if (withReasons) {
    d.resolveWorkload = (w): Promise<WorkloadResolution> =>
      Promise.resolve().then(() => {
        const backend = run(w);
        return backend === null
          ? { backend: null, reason: { code: 'no-url', message: `${w.type} "${w.name}" has no URL yet` } }
          : { backend };
      });
  }
  return d;
}
