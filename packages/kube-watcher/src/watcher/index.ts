export { BackendWatcher } from './backend-watcher.ts';
export type { BackendWatcherOptions, DiscovererContext, KindStatus, Logger, WatcherMetrics, WatcherReflectorOptions, WatcherStatus } from './types.ts';
