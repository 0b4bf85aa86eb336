export { WatcherSet } from './watcher-set.ts';
export { ClusterFeed, type ClusterWatchStatus } from './cluster-feed.ts';
export type { GroupSummary, NamespaceAccess, NamespaceStatus, ServedGroup, WatcherSetOptions, WatcherSetStatus } from './types.ts';
