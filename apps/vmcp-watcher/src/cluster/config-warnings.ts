/**
 * Configuration that is probably wrong although nothing fails: the group has no MCPGroup, the namespace does not
 * exist, or every object in the namespace belongs to another group. Each is a warning (a log line, `/readyz?verbose`,
 * `/status`, the page and `vmcp_config_warnings{warning}`), not a readiness failure: an empty group is legitimate
 * (its MCPGroup may come later), and holding readiness would turn a typo into a failed rollout with no more
 * information than the warning gives.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';

/** Every warning, as the metric's `warning` label. */
export const CONFIG_WARNING_CODES = ['group_missing', 'namespace_missing', 'all_out_of_group'] as const;

/** One kind of probable misconfiguration. */
export type ConfigWarningCode = (typeof CONFIG_WARNING_CODES)[number];

/** A probable misconfiguration, and what to check. */
export interface ConfigWarning {
  code: ConfigWarningCode;
  /** One sentence naming what is missing and, where known, what exists instead ("did you mean engineering?"). */
  message: string;
  /** The MCPGroups that exist in the namespace, when they could be listed. */
  existingGroups?: string[];
}

/** Where the service reads the current warnings. */
export interface ConfigWarningSource {
  current(): readonly ConfigWarning[];
  /** Calls `listener` when the set of warnings changes; returns a function that removes it. */
  onChange(listener: () => void): () => void;
  /** Begins checking (the service calls it with the watcher's start). */
  start?(): void;
  /** Stops checking; no timer is left behind. */
  stop?(): void;
}

/** No warnings, ever: static mode, and tests that do not exercise them. */
export const NO_CONFIG_WARNINGS: ConfigWarningSource = { current: () => [], onChange: () => () => undefined };

/** What the cluster says about the target; undefined where it could not be asked (e.g. no permission). */
export interface ClusterFacts {
  namespaceExists: boolean | undefined;
  /** The MCPGroups of the namespace, sorted. */
  groups: readonly string[] | undefined;
}

/** What the warnings are computed from. */
export interface WarningInputs {
  namespace: string;
  /** The bare group name. */
  group: string;
  facts: ClusterFacts;
  /** The watcher's status; undefined before it exists. */
  status: WatcherStatus | undefined;
  /** Backends served now. */
  served: number;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** `; did you mean X?` for a near name, else `; MCPGroups here: a, b` (or that there are none). */
export function suggestGroup(group: string, existing: readonly string[]): string {
  if (existing.length === 0) return '; the namespace has no MCPGroup';
  const [nearest] = [...existing].sort((x, y) => distance(group, x) - distance(group, y));
  if (nearest !== undefined && distance(group, nearest) <= Math.max(2, Math.floor(group.length / 3))) return `; did you mean ${nearest}?`;
  const shown = existing.slice(0, 5).join(', ');
  return `; MCPGroups here: ${shown}${existing.length > 5 ? `, … (${existing.length} in all)` : ''}`;
}

// The reconciler's out-of-group reason names the object's group (`MCPServer "x" is in group "research"`).
const IN_GROUP = /is in group "([^"]+)"/g;

/** The groups the out-of-group objects are in, with how many objects each. */
function groupsOfExcluded(status: WatcherStatus): Map<string, number> {
  const counts = new Map<string, number>();
  for (const exclusion of Object.values(status.exclusions)) {
    const groups = [...exclusion.message.matchAll(IN_GROUP)].map((m) => m[1]!);
    for (const group of groups.length > 0 ? groups : ['(no groupRef)']) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}

/** The warnings for these inputs, in {@link CONFIG_WARNING_CODES} order. */
export function evaluateWarnings(inputs: WarningInputs): ConfigWarning[] {
  const { namespace, group, facts, status } = inputs;
  const warnings: ConfigWarning[] = [];
  const existingGroups = facts.groups === undefined ? {} : { existingGroups: [...facts.groups] };
  // A missing namespace has no MCPGroup either: say the one thing that is wrong.
  if (facts.namespaceExists !== false && facts.groups !== undefined && !facts.groups.includes(group)) {
    warnings.push({
      code: 'group_missing',
      message: `no MCPGroup "${group}" in namespace "${namespace}"${suggestGroup(group, facts.groups)}`,
      ...existingGroups,
    });
  }
  if (facts.namespaceExists === false) {
    warnings.push({ code: 'namespace_missing', message: `namespace "${namespace}" does not exist` });
  }
  const exclusions = status === undefined ? [] : Object.values(status.exclusions);
  if (status?.synced === true && inputs.served === 0 && exclusions.length > 0 && exclusions.every((e) => e.code === 'out-of-group')) {
    const byGroup = [...groupsOfExcluded(status)].sort((a, b) => b[1] - a[1]);
    const named = byGroup.map(([g, n]) => `${g}: ${n}`).join(', ');
    const candidates = byGroup.map(([g]) => g).filter((g) => g !== '(no groupRef)');
    warnings.push({
      code: 'all_out_of_group',
      message:
        `every object in namespace "${namespace}" (${exclusions.length}) is out of group "${group}" (${named})` +
        (candidates.length > 0 ? suggestGroup(group, candidates) : ''),
      ...existingGroups,
    });
  }
  return warnings;
}
