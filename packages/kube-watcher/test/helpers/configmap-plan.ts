import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigMapResource, type KubeObject } from '@vmcp/api';
import type { CacheReader, Discoverer, TypedWorkload, WatchPlan } from '@vmcp/discoverer';
import type { Backend } from '@vmcp/registry';

/**
 * A tiny custom plan for unit tests of the watcher: ConfigMaps annotated `test/group: <g>` are backends, URL from
 * `test/url`. It proves the watcher is generic over the plan, and keeps the scripted server simple.
 */
export function configMapPlan(group: string): WatchPlan<'CM'> {
  const groupOf = (o: KubeObject): string => o.metadata.annotations?.['test/group'] ?? '';
  return {
    kinds: [{ kind: 'CM', resource: ConfigMapResource, mapToBackends: (o) => (groupOf(o) === group ? [o.metadata.name] : []) }],
    sources: [{ kind: 'CM', groupOf }],
  };
}

export function configMapDiscoverer(
  reader: () => CacheReader,
  hooks: { delayMs?: number; started?: (n: string) => void; finished?: (n: string) => void } = {},
): Discoverer<'CM'> {
  return {
    listWorkloadsInGroup: () => Promise.resolve([]),
    async getWorkloadAsBackend(w: TypedWorkload<'CM'>): Promise<Backend | null> {
      hooks.started?.(w.name);
      if (hooks.delayMs) await sleep(hooks.delayMs);
      const o = reader().get('CM', w.name);
      if (!o) throw new Error(`CM ${w.name} not found`);
      const url = o.metadata.annotations?.['test/url'];
      hooks.finished?.(w.name);
      if (!url) return null;
      return { id: w.name, name: w.name, baseUrl: url, transportType: 'streamable-http', healthStatus: 'healthy', metadata: {} };
    },
  };
}

export function cm(name: string, rv: string, group: string, url?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', resourceVersion: rv, annotations: { 'test/group': group, ...(url ? { 'test/url': url } : {}) } },
  };
}
