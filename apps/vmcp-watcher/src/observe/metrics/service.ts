/** The service's own metrics: event-stream clients, configuration warnings and the build. */
import { Gauge, type Registry } from 'prom-client';
import { CONFIG_WARNING_CODES, type ConfigWarning } from '../../cluster/config-warnings.ts';

/** What the service metrics read at scrape time. */
export interface ServiceMetricsSources {
  sseClients?: () => number;
  configWarnings?: () => readonly ConfigWarning[];
  version: string;
}

/** Registers the service metrics. */
export function serviceMetrics(sources: ServiceMetricsSources, registers: Registry[]): void {
  const { sseClients, configWarnings } = sources;
  if (sseClients !== undefined) {
    new Gauge({
      name: 'vmcp_sse_clients',
      help: 'Connected /api/v1/events clients',
      registers,
      collect() {
        this.set(sseClients());
      },
    });
  }
  new Gauge({
    name: 'vmcp_config_warnings',
    help: '1 while the configuration is probably wrong: group_missing, namespace_missing, all_out_of_group',
    labelNames: ['warning'] as const,
    registers,
    collect() {
      const active = new Set((configWarnings?.() ?? []).map((w) => w.code));
      for (const code of CONFIG_WARNING_CODES) this.set({ warning: code }, active.has(code) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vmcp_build_info',
    help: 'Always 1; the version label says which build runs',
    labelNames: ['version'] as const,
    registers,
  }).set({ version: sources.version }, 1);
}
