/** The registry's metrics: size, version, changes, and backends by health. Gauges are computed at scrape time. */
import type { BackendHealthStatus, DynamicRegistry } from '@vmcp/registry';
import { Counter, Gauge, type Registry } from 'prom-client';

// Every health a backend can have, so each series exists (at 0) before the first backend has it: an alert on
// `vmcp_backends_by_health{health="unhealthy"} > 0` then has a series to read.
const HEALTHS: readonly BackendHealthStatus[] = ['healthy', 'degraded', 'unhealthy', 'unknown', 'unauthenticated'];

/** What the registry metrics read: one registry, or the sum of a set's (`observe/metrics/aggregate-registry.ts`). */
export type RegistryMetricsSource = Pick<DynamicRegistry, 'count' | 'version' | 'list' | 'subscribe'>;

/** Registers the registry metrics; returns a function that stops counting its events. */
export function registryMetrics(registry: RegistryMetricsSource, registers: Registry[]): () => void {
  new Gauge({
    name: 'vmcp_registry_backends',
    help: 'Backends currently in the registry',
    registers,
    collect() {
      this.set(registry.count());
    },
  });
  new Gauge({
    name: 'vmcp_registry_version',
    help: 'Registry version (effective changes since start)',
    registers,
    collect() {
      this.set(registry.version());
    },
  });
  new Gauge({
    name: 'vmcp_backends_by_health',
    help: 'Backends in the registry by health',
    labelNames: ['health'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(HEALTHS.map((h) => [h, 0]));
      for (const backend of registry.list()) counts.set(backend.healthStatus, (counts.get(backend.healthStatus) ?? 0) + 1);
      for (const [health, count] of counts) this.set({ health }, count);
    },
  });
  const events = new Counter({
    name: 'vmcp_registry_events_total',
    help: 'Effective registry changes by type',
    labelNames: ['type'] as const,
    registers,
  });
  events.inc({ type: 'upsert' }, 0);
  events.inc({ type: 'remove' }, 0);
  return registry.subscribe((event) => events.inc({ type: event.type }));
}
