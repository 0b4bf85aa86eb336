/**
 * The shapes the status page's script reads from the API (its own view of the service's JSON). Type declarations
 * only: `import type` is erased when the script is compiled, so the page stays one inline module.
 */

/** The public backend fields the page shows (see `PublicBackend`; a too-large backend carries `omitted`). */
export interface ShownBackend {
  id: string;
  name: string;
  baseUrl: string;
  transportType: string;
  type?: string;
  healthStatus: string;
  authConfigRef?: string;
  authConfig?: { type: string; redacted?: string[] } & Record<string, unknown>;
  metadata: Record<string, string>;
  omitted?: { reason: string; bytes?: number; limitBytes: number };
}

/** `/api/v1/groups`, the fields the page reads. */
export interface GroupList {
  /** Today's paths serve the one group (today's mode). */
  todayPaths: boolean;
  groups: { namespace: string; group: string; synced: boolean; backends: number }[];
}

export interface ListPage {
  version: number;
  count: number;
  health: Record<string, number>;
  continue?: string;
  backends: ShownBackend[];
}

/** The watcher's `KindStatus` fields the page shows. */
export interface Watch {
  kind: string;
  apiVersion: string;
  connected: boolean;
  synced: boolean;
  tolerated: boolean;
  lastEventTime?: string;
  lastError?: { message: string; at: string };
  consecutiveErrors: number;
}

export interface Exclusion {
  kind?: string;
  code: string;
  message: string;
  since: string;
}

/** The `status` event: the watcher's `WatcherStatus` (absent in static mode) and the configuration warnings. */
export interface StatusEvent {
  mode: string;
  warnings: { code: string; message: string }[];
  watcher?: {
    synced: boolean;
    state: string;
    fatalError?: string;
    kinds: Watch[];
    exclusions: Record<string, Exclusion>;
    conflicts: { name: string; kinds: string[] }[];
  };
}

export interface Change {
  version: number;
  at: string;
  backend: string;
  summary: string;
}
