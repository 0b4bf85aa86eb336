/**
 * One served group seen as a {@link ServiceWatcher}: what the per-group routes, event stream and feed read (sync
 * state and status), so they serve a group of a set exactly as they serve the one group of today's mode. Starting
 * and stopping belong to the set; here they do nothing.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceGroup, ServiceWatcher, ServiceWatcherSet } from './service-watcher.ts';

/** The view of `served`, whose status changes are announced by `set`. */
export function groupWatcher(set: Pick<ServiceWatcherSet, 'onStatusChange'>, served: ServiceGroup): ServiceWatcher {
  return {
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    hasSynced: () => served.hasSynced(),
    status: () => served.status(),
    onStatusChange: (listener: (status: WatcherStatus) => void) => set.onStatusChange(() => listener(served.status())),
    waitForCacheSync: (signal) => {
      if (served.hasSynced()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (): void => {
          stop();
          signal?.removeEventListener('abort', done);
          resolve(served.hasSynced());
        };
        const stop = set.onStatusChange(() => {
          if (served.hasSynced()) done();
        });
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
