/**
 * The reconcile loop: a {@link Controller} runs N workers over a rate-limited work queue of backend names with
 * controller-runtime's outcome rules, graceful drain on stop, and metrics / error hooks.
 *
 * @module
 */
export {
  Controller,
  type ControllerOptions,
  type ControllerStopResult,
  type ReconcileFn,
  type ReconcileRequest,
  type ReconcileResult,
  DEFAULT_GRACE_PERIOD_MS,
} from './controller.ts';
export { TerminalError, terminalError, isTerminalError, ReconcilePanicError } from './terminal-error.ts';
export { type ControllerMetrics, type ReconcileResultLabel, CONTROLLER_METRIC_NAMES } from './metrics.ts';
