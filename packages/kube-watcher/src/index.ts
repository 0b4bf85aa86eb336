/**
 * `@vmcp/kube-watcher`: a list/watch client, reflector, informer, work queue and controller loop, and the
 * `BackendWatcher` that keeps a backend registry equal to a Kubernetes namespace.
 *
 * @module
 */
export * from './watcher/index.ts';
export * from './watcher-set/index.ts';
export * from './client/index.ts';
export * from './reflector/index.ts';
export * from './informer/index.ts';
export * from './workqueue/index.ts';
export * from './controller/index.ts';
export * from './discovery/index.ts';
