export { BackendWatcher } from './backend-watcher.ts';
export type { InitialReconcileProgress } from './initial-reconcile.ts';
export type {
  BackendWatcherOptions,
  DiscovererContext,
  InitialReconcileStatus,
  KindStatus,
  Logger,
  ServedGroup,
  WatchedGroups,
  WatcherMetrics,
  WatcherReflectorOptions,
  WatcherStatus,
} from './types.ts';
