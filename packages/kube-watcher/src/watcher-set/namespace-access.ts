/**
 * Whether a namespace can be served, read from its watcher's status: a kind the service may not list or watch
 * there (403) makes it `forbidden`; a required ToolHive kind the cluster does not serve (404, or API discovery
 * finding no version) makes it `crds-missing`. The message is the API server's error, which names the verb, the
 * resource and the namespace.
 */
import type { WatcherStatus } from '../watcher/types.ts';
import type { NamespaceAccess } from './types.ts';

/** A namespace's access and, when it cannot be served, why. */
export interface AccessVerdict {
  access: NamespaceAccess;
  message?: string;
}

/** The access of the namespace whose watcher reports `status`. */
export function namespaceAccess(status: WatcherStatus): AccessVerdict {
  if (status.fatalError !== undefined && /not served/.test(status.fatalError)) {
    return { access: 'crds-missing', message: `namespace ${JSON.stringify(status.namespace)}: ${status.fatalError}` };
  }
  for (const kind of status.kinds) {
    const error = kind.lastError;
    // Still failing: a permission granted (or a CRD installed) since then clears it at the next success.
    if (error === undefined || kind.consecutiveErrors === 0) continue;
    if (error.status === 403) return { access: 'forbidden', message: error.message };
    if (error.status === 404 && kind.required && !kind.synced) return { access: 'crds-missing', message: error.message };
  }
  return { access: status.synced ? 'ok' : 'pending' };
}

/** A namespace that does not hold the set's readiness: it is reported instead. */
export function isBlocked(access: NamespaceAccess): boolean {
  return access === 'forbidden' || access === 'crds-missing';
}
