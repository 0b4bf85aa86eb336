/** The checks `new WatcherSet(...)` makes before anything else. Nothing here touches the network. */
import { DEFAULT_MAX_GROUPS } from '../watcher/validate-options.ts';
import type { WatcherSetOptions } from './types.ts';

/** A DNS-1123 label: what Kubernetes accepts as a namespace name and what an MCPGroup name must be to be matched. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkList(option: 'namespaces' | 'groups', value: unknown, what: string): void {
  if (value === 'all') return;
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`options.${option} must be 'all' or a non-empty list of ${what} names`);
  }
  const seen = new Set<string>();
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !DNS_LABEL.test(item)) {
      throw new Error(`options.${option}: ${JSON.stringify(item)} is not a valid ${what} name (a DNS-1123 label)`);
    }
    if (seen.has(item)) throw new Error(`options.${option}: ${what} ${JSON.stringify(item)} is listed twice`);
    seen.add(item);
  }
}

/** Throws the first problem of `options` (a JavaScript caller may pass anything). */
export function validateSetOptions(options: WatcherSetOptions): void {
  const given = (options ?? {}) as Partial<WatcherSetOptions>;
  if (!given.kubeConfig || typeof given.kubeConfig.getCurrentCluster !== 'function') throw new Error('kube config cannot be nil');
  checkList('namespaces', given.namespaces, 'namespace');
  checkList('groups', given.groups, 'group');
  if (given.maxGroups !== undefined && (!Number.isInteger(given.maxGroups) || given.maxGroups < 1)) {
    throw new Error(`options.maxGroups must be a positive integer, got ${String(given.maxGroups)}`);
  }
  const maxGroups = given.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (Array.isArray(given.groups) && given.groups.length > maxGroups) {
    throw new Error(`options.groups lists ${given.groups.length} groups, more than maxGroups (${maxGroups})`);
  }
}
