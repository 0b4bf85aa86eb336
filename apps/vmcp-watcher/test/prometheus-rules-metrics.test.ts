/**
 * The chart's alerts read metrics the service really exports: every `vmcp_*` name in a rule expression is in the
 * service's own metrics registry (`createMetrics`, the one `/metrics` serves), with every label the rule groups by
 * or matches on, and every label value it matches on is one the service writes.
 */
import { createDynamicRegistry } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/observe/metrics/index.ts';
import { helmHome, one, renderer } from './chart-render.ts';
import { findHelm, HELM_VERSION } from './helm.ts';
import { kindStatus, PACKAGE_VERSION, watcherStatus } from './helpers.ts';
import { toolAvailable } from './tool-gate.ts';

const helm = findHelm();
const haveHelm = toolAvailable(
  'helm',
  helm !== undefined,
  `helm ${HELM_VERSION} is not built (run test/ensure-go-tool.ts helm; it needs Go)`,
);
/** Labels a Prometheus scrape adds to every series (the target's), not the service. */
const SCRAPE_LABELS = new Set(['namespace', 'pod', 'service', 'job']);

describe.skipIf(!haveHelm)(`PrometheusRule metrics exist in the service (helm ${HELM_VERSION})`, () => {
  it('every vmcp_* metric, grouping label and matched label value of the rules', async () => {
    const objects = await renderer(helm!, helmHome()).template({ group: 'engineering', prometheusRule: { enabled: true } });
    const rules = (
      one(objects, 'PrometheusRule')['spec'] as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }
    ).groups.flatMap((g) => g.rules);
    const registry = createDynamicRegistry();
    const status = (): ReturnType<typeof watcherStatus> => watcherStatus({ kinds: [kindStatus('MCPServer')] });
    const metrics = createMetrics({
      registry,
      watcherStatus: status,
      version: PACKAGE_VERSION,
      defaultMetrics: false,
      // One served group of one watched namespace, so the per-group and per-namespace families have series.
      groups: {
        groups: () => [{ namespace: 'team-a', group: 'engineering', registry, synced: () => false, status }],
        namespaces: () => [{ namespace: 'team-a', access: 'ok' }],
      },
    });
    const exposition = await metrics.register.metrics();
    const checked: string[] = [];
    for (const rule of rules) {
      const labelsOf = (list: string | undefined): string[] => list?.split(',').map((l) => l.trim()) ?? [];
      // The labels a vector match (`unless on (…)`) joins on: every metric of the rule has them.
      const joined = [...rule.expr.matchAll(/\bon \(([^)]*)\)/g)].flatMap((m) => labelsOf(m[1]));
      for (const match of rule.expr.matchAll(/\b(vmcp_[a-z_]+)\{([^}]*)\}/g)) {
        const [, name, matchers] = match;
        const metric = metrics.register.getSingleMetric(name!) as { labelNames?: string[] } | undefined;
        expect(metric, `${rule.alert}: ${name}`).toBeDefined();
        const labelNames = new Set(metric!.labelNames ?? []);
        // The aggregation that wraps this selector: the last `by (…)` before it.
        const grouped = labelsOf([...rule.expr.slice(0, match.index).matchAll(/by \(([^)]*)\)/g)].at(-1)?.[1]);
        for (const label of [...grouped, ...joined].filter((l) => !SCRAPE_LABELS.has(l)))
          expect(labelNames.has(label), `${rule.alert}: ${name} has no label ${label}`).toBe(true);
        // `=` and `!=` matchers: a value the service never writes would make either one vacuous.
        for (const [, label, value] of matchers!.matchAll(/([a-z_]+)!?="([^"]*)"/g)) {
          if (SCRAPE_LABELS.has(label!)) continue;
          expect(labelNames.has(label!), `${rule.alert}: ${name} has no label ${label}`).toBe(true);
          // The service writes the series with that value (a zero series from the start), so the rule can read it.
          expect(exposition, `${rule.alert}: ${name}{…${label}="${value}"…}`).toMatch(
            new RegExp(`^${name}\\{[^}]*\\b${label}="${value}"`, 'm'),
          );
        }
        checked.push(name!);
      }
    }
    expect([...new Set(checked)].sort()).toEqual([
      'vmcp_backend_exclusions',
      'vmcp_backends_by_health',
      'vmcp_cache_synced',
      'vmcp_config_warnings',
      'vmcp_group_synced',
      'vmcp_namespace_access',
      'vmcp_watch_connected',
      'vmcp_watch_errors_total',
      'vmcp_watcher_failed',
    ]);
    // The warnings the VmcpConfigWarning description names are the service's codes.
    for (const code of ['group_missing', 'namespace_missing', 'all_out_of_group'])
      expect(exposition).toContain(`vmcp_config_warnings{warning="${code}"}`);
    // The accesses the VmcpNamespaceInaccessible description names are the service's.
    for (const access of ['forbidden', 'crds-missing', 'pending'])
      expect(exposition).toContain(`vmcp_namespace_access{watched_namespace="team-a",access="${access}"} 0`);
    metrics.close();
  }, 60_000);
});
