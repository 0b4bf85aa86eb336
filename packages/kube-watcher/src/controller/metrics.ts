/**
 * Controller metrics hooks with controller-runtime's names ({@link CONTROLLER_METRIC_NAMES}). Every hook is
 * optional and receives the controller name (the `controller` label), so one implementation can serve several
 * controllers. No Prometheus dependency here: the service binds these to prom-client.
 */

/** The `result` label of `controller_runtime_reconcile_total`. */
export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';

/** Receives controller metrics. A hook that throws is ignored: metrics never break reconciling. */
export interface ControllerMetrics {
  /** `controller_runtime_reconcile_total{controller,result}`: one call per finished reconcile. */
  reconcileTotal?(controller: string, result: ReconcileResultLabel): void;
  /** `controller_runtime_reconcile_errors_total`: reconciles that failed (terminal and panics included). */
  reconcileErrorsTotal?(controller: string): void;
  /** `controller_runtime_terminal_reconcile_errors_total`: failures that are not retried. */
  terminalReconcileErrorsTotal?(controller: string): void;
  /** `controller_runtime_reconcile_panics_total`: synchronous throws and non-`Error` rejections. */
  reconcilePanicsTotal?(controller: string): void;
  /** `controller_runtime_reconcile_time_seconds`: duration of each reconcile, whatever its outcome. */
  reconcileTimeSeconds?(controller: string, seconds: number): void;
  /** `controller_runtime_active_workers`: workers currently running a reconcile (set on every change). */
  activeWorkers?(controller: string, count: number): void;
  /** `controller_runtime_max_concurrent_reconciles`: set once when the controller starts. */
  maxConcurrentReconciles?(controller: string, count: number): void;
}

/** Prometheus names of the {@link ControllerMetrics} hooks, as controller-runtime registers them. */
export const CONTROLLER_METRIC_NAMES = {
  reconcileTotal: 'controller_runtime_reconcile_total',
  reconcileErrorsTotal: 'controller_runtime_reconcile_errors_total',
  terminalReconcileErrorsTotal: 'controller_runtime_terminal_reconcile_errors_total',
  reconcilePanicsTotal: 'controller_runtime_reconcile_panics_total',
  reconcileTimeSeconds: 'controller_runtime_reconcile_time_seconds',
  activeWorkers: 'controller_runtime_active_workers',
  maxConcurrentReconciles: 'controller_runtime_max_concurrent_reconciles',
} as const satisfies Record<keyof ControllerMetrics, string>;
