/**
 * The `status` events of the event stream: the watcher's `WatcherStatus` as it is, with the service's mode, target
 * and configuration warnings. Pushed when the watcher or the warnings change (no polling); the hub drops repeats.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { ConfigWarning } from '../../cluster/config-warnings.ts';
import type { ServiceContext } from '../context.ts';

/** The `data` of an `event: status`. */
export interface StatusEvent {
  mode: 'static' | 'dynamic';
  groupRef: string;
  namespace: string;
  warnings: readonly ConfigWarning[];
  /** Absent in static mode. */
  watcher?: WatcherStatus;
}

/** The status event for now. */
export function statusEventOf(ctx: ServiceContext): StatusEvent {
  const event: StatusEvent = {
    mode: ctx.watcher === undefined ? 'static' : 'dynamic',
    groupRef: ctx.groupRef,
    namespace: ctx.namespace,
    warnings: ctx.warnings.current(),
  };
  if (ctx.watcher !== undefined) event.watcher = ctx.watcher.status();
  return event;
}

/** Publishes the status now and on every change; returns a function that stops. */
export function feedStatus(ctx: ServiceContext): () => void {
  const publish = (): void => ctx.hub.publishStatus(statusEventOf(ctx));
  publish();
  const stops = [ctx.watcher?.onStatusChange(publish), ctx.warnings.onChange(publish)];
  return () => {
    for (const stop of stops) stop?.();
  };
}
