/**
 * Per-group metrics, labelled `watched_namespace` and `group`: registry size, version, exclusions, synced. The label is
 * not `namespace` because a Prometheus scrape attaches its own `namespace` (the pod's) and would rename ours to
 * `exported_namespace`, so alerts grouping by the pod's namespace could not also see the watched one. Computed at
 * scrape time from the groups served now, so a group that goes takes its series with it. Cardinality is bounded by
 * the groups served: `--max-groups` per namespace under `--all-groups`, the listed groups otherwise, times the
 * namespaces (`vmcp_namespace_access` has one series per watched namespace).
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { DynamicRegistry } from '@vmcp/registry';
import { Gauge, type Registry } from 'prom-client';
import type { NamespaceAccess } from '../../cluster/service-watcher.ts';

/** One served group as the metrics read it. */
export interface GroupMetricsSource {
  namespace: string;
  group: string;
  registry: Pick<DynamicRegistry, 'count' | 'version'>;
  synced: () => boolean;
  status: () => WatcherStatus | undefined;
}

/** What the per-group metrics read at scrape time. */
export interface GroupMetricsSources {
  groups: () => readonly GroupMetricsSource[];
  /** The watched namespaces and their access; absent in today's one-group mode. */
  namespaces?: (() => readonly { namespace: string; access: NamespaceAccess }[]) | undefined;
}

const ACCESS: readonly NamespaceAccess[] = ['ok', 'forbidden', 'crds-missing', 'pending'];

function perGroup(
  name: string,
  help: string,
  registers: Registry[],
  sources: GroupMetricsSources,
  read: (g: GroupMetricsSource) => number,
): void {
  new Gauge({
    name,
    help,
    labelNames: ['watched_namespace', 'group'] as const,
    registers,
    collect() {
      this.reset();
      for (const g of sources.groups()) this.set({ watched_namespace: g.namespace, group: g.group }, read(g));
    },
  });
}

/** Registers the per-group (and per-namespace) metrics. */
export function groupMetrics(sources: GroupMetricsSources, registers: Registry[]): void {
  perGroup('vmcp_group_backends', 'Backends in the registry of a served group', registers, sources, (g) => g.registry.count());
  perGroup('vmcp_group_registry_version', 'Registry version of a served group', registers, sources, (g) => g.registry.version());
  perGroup(
    'vmcp_group_exclusions',
    'Objects of a served group that exist but are not served',
    registers,
    sources,
    (g) => Object.keys(g.status()?.exclusions ?? {}).length,
  );
  perGroup('vmcp_group_synced', '1 when a served group has passed its initial reconcile', registers, sources, (g) => (g.synced() ? 1 : 0));
  const namespaces = sources.namespaces;
  if (namespaces === undefined) return;
  new Gauge({
    name: 'vmcp_namespace_access',
    help: '1 for the access a watched namespace has: ok, forbidden, crds-missing or pending',
    labelNames: ['watched_namespace', 'access'] as const,
    registers,
    collect() {
      this.reset();
      for (const ns of namespaces())
        for (const access of ACCESS) this.set({ watched_namespace: ns.namespace, access }, ns.access === access ? 1 : 0);
    },
  });
}
