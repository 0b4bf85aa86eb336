export type * from './types.ts';
export { BackendReconciler } from './reconciler.ts';
export { GroupsReconciler } from './groups-reconciler.ts';
export { parseGroupRef, validateNamespace, isValidObjectName, isValidNamespaceName, type GroupRef } from './group-ref.ts';
export { namesToResync } from './resync.ts';
export { watchPlanOrDefault } from './default-plan.ts';
export type { Exclusion, ReconcileCounters } from './observations.ts';
