import type { Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import { compareBy } from '@vmcp/core';

/**
 * How tool names of different backends are combined into one namespace.
 *
 * - `prefix` (the default, as upstream vMCP's prefix strategy): every tool is exposed as `format` with `{workload}`
 *   replaced by the backend id, followed by the tool's own name. Default format `{workload}_`, so tool `search` of
 *   backend `docs` is `docs_search`. Names never depend on which other backends exist.
 * - `priority`: tools keep their own names; when two backends offer the same name, the backend that comes first in
 *   `order` wins (backends not listed follow, by id). The losers are reported in `conflicts`.
 *
 * With either rule, if two tools still end up with the same name the first backend by that order (by id for
 * `prefix`) keeps it and the other is reported as a conflict: a name is never routed ambiguously.
 */
export type ConflictResolution = { strategy: 'prefix'; format?: string } | { strategy: 'priority'; order?: readonly string[] };

/** The default rule: `{ strategy: 'prefix', format: '{workload}_' }`. */
export const DEFAULT_CONFLICT_RESOLUTION: ConflictResolution = Object.freeze({ strategy: 'prefix', format: '{workload}_' });

/** One tool of the aggregated catalogue. `tool.name` is the exposed name. */
export interface CatalogueTool {
  /** The name clients see and call. */
  name: string;
  backendId: string;
  /** The name on the backend. */
  originalName: string;
  /** The backend's definition with `name` replaced by the exposed name. */
  tool: Tool;
}

/** A tool left out of the catalogue because another backend's tool has the same exposed name. */
export interface ToolConflict {
  name: string;
  backendId: string;
  originalName: string;
  /** The backend whose tool is exposed under `name`. */
  keptBackendId: string;
}

/** The tools of one backend, as input to {@link mergeTools}. */
export interface BackendTools {
  backendId: string;
  tools: readonly Tool[];
}

function byRule<S extends { backendId: string }>(sources: readonly S[], rule: ConflictResolution): S[] {
  const sorted = [...sources].sort(compareBy((source) => source.backendId));
  if (rule.strategy !== 'priority' || rule.order === undefined) return sorted;
  const rank = new Map(rule.order.map((id, i) => [id, i]));
  const at = (id: string): number => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  return sorted.sort((a, b) => at(a.backendId) - at(b.backendId));
}

/** Something a backend offers under a name (a tool or a prompt). */
interface Named {
  name: string;
}

/** One named item of a merged catalogue. */
export interface CatalogueEntry<T extends Named> {
  name: string;
  backendId: string;
  originalName: string;
  /** The backend's definition with `name` replaced by the exposed name. */
  item: T;
}

function mergeNamed<T extends Named>(
  sources: readonly { backendId: string; items: readonly T[] }[],
  rule: ConflictResolution,
): { entries: CatalogueEntry<T>[]; conflicts: ToolConflict[] } {
  if (rule.strategy !== 'prefix' && rule.strategy !== 'priority') {
    throw new Error(
      `unknown tool conflict strategy ${JSON.stringify((rule as { strategy: unknown }).strategy)} (use "prefix" or "priority")`,
    );
  }
  const format = rule.strategy === 'prefix' ? (rule.format ?? '{workload}_') : '';
  const byName = new Map<string, CatalogueEntry<T>>();
  const conflicts: ToolConflict[] = [];
  for (const source of byRule(sources, rule)) {
    const prefix = rule.strategy === 'prefix' ? format.replaceAll('{workload}', source.backendId) : '';
    for (const item of source.items) {
      const name = `${prefix}${item.name}`;
      const kept = byName.get(name);
      if (kept !== undefined) {
        conflicts.push({ name, backendId: source.backendId, originalName: item.name, keptBackendId: kept.backendId });
        continue;
      }
      byName.set(name, { name, backendId: source.backendId, originalName: item.name, item: { ...item, name } });
    }
  }
  const entries = [...byName.values()].sort(compareBy((entry) => entry.name));
  return { entries, conflicts };
}

/**
 * Merges the tools of several backends under `rule` (see {@link ConflictResolution}). Deterministic: the result does
 * not depend on the order of `sources`. Tools are returned sorted by exposed name.
 *
 * @throws Error when `rule.strategy` is unknown.
 */
export function mergeTools(
  sources: readonly BackendTools[],
  rule: ConflictResolution = DEFAULT_CONFLICT_RESOLUTION,
): {
  tools: CatalogueTool[];
  conflicts: ToolConflict[];
} {
  const { entries, conflicts } = mergeNamed(
    sources.map((s) => ({ backendId: s.backendId, items: s.tools })),
    rule,
  );
  return { tools: entries.map((e) => ({ name: e.name, backendId: e.backendId, originalName: e.originalName, tool: e.item })), conflicts };
}

/** One prompt of the aggregated catalogue: named by the same rule as tools. */
export type CataloguePrompt = CatalogueEntry<Prompt>;

/** Merges prompts by the same rule as tools (see {@link mergeTools}). */
export function mergePrompts(
  sources: readonly { backendId: string; prompts: readonly Prompt[] }[],
  rule: ConflictResolution = DEFAULT_CONFLICT_RESOLUTION,
): { prompts: CataloguePrompt[]; conflicts: ToolConflict[] } {
  const { entries, conflicts } = mergeNamed(
    sources.map((s) => ({ backendId: s.backendId, items: s.prompts })),
    rule,
  );
  return { prompts: entries, conflicts };
}

/** One resource of the aggregated catalogue. Resources keep their URI: it already says where they come from. */
export interface CatalogueResource {
  uri: string;
  backendId: string;
  resource: Resource;
}

/**
 * Merges resources by URI, unchanged. Two backends offering the same URI: the first by the rule's backend order
 * keeps it, the other is left out (reported in `conflicts` with `name` = the URI).
 */
export function mergeResources(
  sources: readonly { backendId: string; resources: readonly Resource[] }[],
  rule: ConflictResolution = DEFAULT_CONFLICT_RESOLUTION,
): { resources: CatalogueResource[]; conflicts: ToolConflict[] } {
  const byUri = new Map<string, CatalogueResource>();
  const conflicts: ToolConflict[] = [];
  for (const source of byRule(sources, rule)) {
    for (const resource of source.resources) {
      const kept = byUri.get(resource.uri);
      if (kept !== undefined) {
        conflicts.push({ name: resource.uri, backendId: source.backendId, originalName: resource.uri, keptBackendId: kept.backendId });
        continue;
      }
      byUri.set(resource.uri, { uri: resource.uri, backendId: source.backendId, resource });
    }
  }
  const resources = [...byUri.values()].sort(compareBy((entry) => entry.uri));
  return { resources, conflicts };
}
