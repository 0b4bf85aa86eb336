/** The production set of watchers: `@vmcp/kube-watcher`'s `WatcherSet`, bound to the service's logger and metrics. */
import { WatcherSet, type WatcherSetOptions } from '@vmcp/kube-watcher';
import { errorMessage } from '@vmcp/core';
import { ConfigError } from '../config/error.ts';
import type { WatcherSetInputs } from '../run-set.ts';
import type { ServiceWatcherSet } from './service-watcher.ts';

/** A `WatcherSet` for the service. Throws a {@link ConfigError} for the set's validation errors. */
export function createKubeWatcherSet(inputs: WatcherSetInputs): ServiceWatcherSet {
  const options: WatcherSetOptions = {
    kubeConfig: inputs.kubeConfig,
    namespaces: inputs.targets.namespaces,
    groups: inputs.targets.groups,
    maxGroups: inputs.targets.maxGroups,
    logger: inputs.logger.child({ component: 'watcher' }),
    metrics: inputs.metrics.watcher,
  };
  if (inputs.workers !== undefined) options.workers = inputs.workers;
  try {
    return new WatcherSet(options);
  } catch (error) {
    // The set validates its options (names, a group list longer than --max-groups…): a configuration problem.
    throw new ConfigError('--namespace/--group', errorMessage(error));
  }
}
