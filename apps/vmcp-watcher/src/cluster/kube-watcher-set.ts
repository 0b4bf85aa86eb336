/**
 * The production set of watchers, bound to the service's logger and metrics: `@vmcp/kube-watcher`'s `WatcherSet`;
 * while a build has none, the groups of one namespace are served by one many-groups `BackendWatcher`
 * (`namespace-watcher-set.ts`) and several namespaces are refused with one clear line.
 */
import * as kubeWatcher from '@vmcp/kube-watcher';
import { errorMessage } from '@vmcp/core';
import { ConfigError } from '../config/error.ts';
import type { WatcherSetInputs } from '../run-set.ts';
import { namespaceWatcherSet } from './namespace-watcher-set.ts';
import type { ServiceWatcherSet } from './service-watcher.ts';

/** The constructor as the service calls it. */
type WatcherSetConstructor = new (options: {
  kubeConfig: WatcherSetInputs['kubeConfig'];
  namespaces: readonly string[] | 'all';
  groups: readonly string[] | 'all';
  maxGroups: number;
  logger: WatcherSetInputs['logger'];
  metrics: WatcherSetInputs['metrics']['watcher'];
  workers?: number;
}) => ServiceWatcherSet;

function build(inputs: WatcherSetInputs): ServiceWatcherSet {
  const common = {
    kubeConfig: inputs.kubeConfig,
    groups: inputs.targets.groups,
    maxGroups: inputs.targets.maxGroups,
    logger: inputs.logger.child({ component: 'watcher' }),
    metrics: inputs.metrics.watcher,
    ...(inputs.workers === undefined ? {} : { workers: inputs.workers }),
  };
  const WatcherSet = (kubeWatcher as unknown as Record<string, unknown>)['WatcherSet'] as WatcherSetConstructor | undefined;
  if (WatcherSet !== undefined) return new WatcherSet({ ...common, namespaces: inputs.targets.namespaces });
  const { namespaces } = inputs.targets;
  const one = namespaces === 'all' || namespaces.length !== 1 ? undefined : namespaces[0];
  if (one === undefined) {
    throw new ConfigError('--namespace', 'this build serves the groups of one namespace only (@vmcp/kube-watcher has no WatcherSet)');
  }
  return namespaceWatcherSet(new kubeWatcher.BackendWatcher({ ...common, namespace: one }), one);
}

/** A set for the service. Throws a {@link ConfigError} for the set's validation errors. */
export function createKubeWatcherSet(inputs: WatcherSetInputs): ServiceWatcherSet {
  try {
    return build(inputs);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('--namespace/--group', errorMessage(error));
  }
}
