/** Run-time checks of options that may come from untyped configuration. */
import type { WatchPlan } from '@vmcp/discoverer';

/** Throws `plan is required`, `plan has no source kinds` or `plan lists source kind "X" twice`. */
export function validatePlan(plan: WatchPlan<string> | null | undefined): void {
  const sources: unknown = plan?.sources;
  if (plan === null || plan === undefined || !Array.isArray(sources)) throw new Error('plan is required');
  if (plan.sources.length === 0) throw new Error('plan has no source kinds');
  const seen = new Set<string>();
  for (const source of plan.sources) {
    if (seen.has(source.kind)) throw new Error(`plan lists source kind "${source.kind}" twice`);
    seen.add(source.kind);
  }
}

/** @internal True when `value` is an object with every one of `methods`. */
export function hasMethods<T extends object>(value: T | null | undefined, ...methods: string[]): value is T {
  if (value === null || typeof value !== 'object') return false;
  return methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}
