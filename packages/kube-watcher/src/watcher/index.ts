export { BackendWatcher } from './backend-watcher.ts';
export type { BackendWatcherOptions, KindStatus, Logger, WatcherMetrics, WatcherReflectorOptions, WatcherStatus } from './types.ts';
