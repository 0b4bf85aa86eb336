/** Reconcile metrics under controller-runtime's names, bound to kube-watcher's `ControllerMetrics` hooks. */
import { CONTROLLER_METRIC_NAMES as NAMES, type ControllerMetrics } from '@vmcp/kube-watcher';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** Registers the reconcile metrics and returns the hooks the watcher's controller calls. */
export function controllerMetrics(registers: Registry[]): Required<ControllerMetrics> {
  const labelNames = ['controller'] as const;
  const counter = (name: string, help: string): Counter<'controller'> => new Counter({ name, help, labelNames, registers });
  const gauge = (name: string, help: string): Gauge<'controller'> => new Gauge({ name, help, labelNames, registers });

  const total = new Counter({
    name: NAMES.reconcileTotal,
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const errors = counter(NAMES.reconcileErrorsTotal, 'Total number of reconciliation errors per controller');
  const terminal = counter(NAMES.terminalReconcileErrorsTotal, 'Total number of terminal reconciliation errors per controller');
  const panics = counter(NAMES.reconcilePanicsTotal, 'Total number of reconciliation panics per controller');
  const time = new Histogram({
    name: NAMES.reconcileTimeSeconds,
    help: 'Length of time per reconciliation per controller',
    labelNames,
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const active = gauge(NAMES.activeWorkers, 'Number of currently used workers per controller');
  const max = gauge(NAMES.maxConcurrentReconciles, 'Maximum number of concurrent reconciles per controller');
  return {
    reconcileTotal: (controller, result) => total.inc({ controller, result }),
    reconcileErrorsTotal: (controller) => errors.inc({ controller }),
    terminalReconcileErrorsTotal: (controller) => terminal.inc({ controller }),
    reconcilePanicsTotal: (controller) => panics.inc({ controller }),
    reconcileTimeSeconds: (controller, seconds) => time.observe({ controller }, seconds),
    activeWorkers: (controller, count) => active.set({ controller }, count),
    maxConcurrentReconciles: (controller, count) => max.set({ controller }, count),
  };
}
