/**
 * `@vmcp/registry-feed`: read a vmcp-watcher's registry feed (the full backends, over TLS, with a ServiceAccount
 * token) into a registry a `BackendPool` runs on. No Kubernetes client, no informers.
 *
 * @module
 */
export { RegistryFeed, FEED_EVENTS_PATH, type RegistryFeedOptions, type ForbiddenPolicy } from './feed-client.ts';
export { FeedError, type FeedErrorKind } from './errors.ts';
export type { FeedStatus, FeedState, FeedErrorView } from './status.ts';
export type { TokenSource } from './credentials.ts';
