/**
 * Which groups the service serves, and the per-group context each path reads. Today's mode (one group of one
 * namespace) is a directory of one fixed group; a set of watchers has a directory that follows the set
 * (`served-groups.ts`). Every per-group path (`/api/v1/namespaces/{ns}/groups/{group}/…`) and `/api/v1/groups` read
 * a directory; today's paths read its {@link GroupDirectory.sole} group.
 */
import { parseGroupRef } from '@vmcp/reconciler';
import type { NamespaceAccess } from '../cluster/service-watcher.ts';
import type { Feed } from '../feed/feed.ts';
import type { ServiceContext } from '../http/context.ts';

/** One served group: its context (registry, watcher view, event hub, change log) and, with `--feed`, its feed. */
export interface GroupEntry {
  readonly namespace: string;
  readonly group: string;
  readonly context: ServiceContext;
  readonly feed: Feed | undefined;
}

/** A watched namespace as `/api/v1/groups` and `/readyz?verbose` report it. */
export interface NamespaceEntry {
  namespace: string;
  access: NamespaceAccess;
  message?: string;
}

/** An answer refusing a request, with its status. */
export interface Refusal {
  status: number;
  body: Record<string, unknown>;
}

/** The served groups. */
export interface GroupDirectory {
  /** Every served group, sorted by namespace then group. */
  list(): readonly GroupEntry[];
  get(namespace: string, group: string): GroupEntry | undefined;
  /** The watched namespaces, as far as they are known (`--all-namespaces`: those with a served group). */
  namespaces(): readonly NamespaceEntry[];
  /** The group today's paths (`/api/v1/backends`, `/status`…) serve, or why they are refused. */
  sole(): GroupEntry | Refusal;
}

/** The group name of a `groupRef` (`name` or `namespace/name`). */
export function groupNameOf(ctx: Pick<ServiceContext, 'groupRef' | 'namespace'>): string {
  return parseGroupRef(ctx.groupRef, ctx.namespace).name;
}

/** Today's mode: the one group of `context`, served on today's paths and on its per-group paths. */
export function singleGroupDirectory(context: ServiceContext, feed: () => Feed | undefined): GroupDirectory {
  const entry = (): GroupEntry => ({ namespace: context.namespace, group: groupNameOf(context), context, feed: feed() });
  return {
    list: () => [entry()],
    get: (namespace, group) => {
      const one = entry();
      return one.namespace === namespace && one.group === group ? one : undefined;
    },
    namespaces: () => [{ namespace: context.namespace, access: 'ok' }],
    sole: entry,
  };
}

/**
 * What today's paths answer when the service serves a set of groups: 409, pointing at `/api/v1/groups` and the
 * per-group paths. Decided by the configuration, not by how many groups exist at the moment, so a client's answer
 * does not change when a second MCPGroup appears.
 */
export const SEVERAL_GROUPS: Refusal = {
  status: 409,
  body: {
    error: 'several_groups',
    message:
      'this service serves several groups (--namespace/--group lists, --all-namespaces or --all-groups); list them at ' +
      '/api/v1/groups and use /api/v1/namespaces/{namespace}/groups/{group}/… instead',
    groups: '/api/v1/groups',
  },
};
