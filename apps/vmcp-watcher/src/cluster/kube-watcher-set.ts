/** The production set of watchers: `@vmcp/kube-watcher`'s `WatcherSet`, bound to the service's logger and metrics. */
import * as kubeWatcher from '@vmcp/kube-watcher';
import { errorMessage } from '@vmcp/core';
import { ConfigError } from '../config/error.ts';
import type { WatcherSetInputs } from '../run-set.ts';
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

/** A `WatcherSet` for the service. Throws a {@link ConfigError} for the set's validation errors. */
export function createKubeWatcherSet(inputs: WatcherSetInputs): ServiceWatcherSet {
  const WatcherSet = (kubeWatcher as unknown as Record<string, unknown>)['WatcherSet'] as WatcherSetConstructor | undefined;
  if (WatcherSet === undefined) {
    throw new ConfigError(
      '--namespace/--group',
      'this build serves one group of one namespace only (@vmcp/kube-watcher has no WatcherSet)',
    );
  }
  try {
    return new WatcherSet({
      kubeConfig: inputs.kubeConfig,
      namespaces: inputs.targets.namespaces,
      groups: inputs.targets.groups,
      maxGroups: inputs.targets.maxGroups,
      logger: inputs.logger.child({ component: 'watcher' }),
      metrics: inputs.metrics.watcher,
      ...(inputs.workers === undefined ? {} : { workers: inputs.workers }),
    });
  } catch (error) {
    throw new ConfigError('--namespace/--group', errorMessage(error));
  }
}
