import { kubernetesWatchPlan, type WatchPlan } from '@vmcp/discoverer';

/**
 * The watch plan to run: `plan` when given, otherwise the Kubernetes plan of `group` (`kubernetesWatchPlan({ group })`).
 * The one place that default is decided; `BackendReconciler` and `BackendWatcher` both call it.
 */
export function watchPlanOrDefault<TType extends string = string>(plan: WatchPlan<TType> | undefined, group: string): WatchPlan<TType> {
  // Without a plan the discoverer is the Kubernetes one, whose workload types are the plan's.
  return plan === undefined ? (kubernetesWatchPlan({ group }) as unknown as WatchPlan<TType>) : plan;
}
