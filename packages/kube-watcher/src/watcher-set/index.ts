export { WatcherSet } from './watcher-set.ts';
export type { ClusterWatchStatus } from './cluster-feed.ts';
export type { GroupSummary, NamespaceAccess, NamespaceStatus, WatcherSetOptions, WatcherSetStatus } from './types.ts';
