/**
 * One memory-reducing garbage collection after the initial sync. The initial list allocates far more than the
 * service keeps (page after page of JSON, decoded and converted); V8 keeps much of what that freed committed until
 * its memory reducer gets round to it, if ever. One collection of the "last resort" kind right after readiness
 * compacts the old generation and hands the free pages back to the OS once, at the moment it pays most; steady
 * state then allocates little. What this does and does not do was measured (docs/benchmarks.md, "The service's
 * memory"): V8 fixes the young generation's size at start-up, so a semi-space flag set at run time changes nothing;
 * with this collection, Node's default young generation (no flag in the image) costs only a few MiB over a capped one.
 *
 * `gc()` is not exposed to the process (no `--expose-gc` in the image, so no code in it can call it): the flag is
 * turned on for one fresh `vm` context, whose `gc` is taken and used here only.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's `gc()` with the options of a full, synchronous, memory-reducing collection. */
export type V8Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void;

/** Resolves V8's `gc` without exposing it to the rest of the process. */
export function privateGc(): V8Gc {
  const exposed = (globalThis as { gc?: V8Gc }).gc;
  if (exposed !== undefined) return exposed;
  // The flag only decides whether a context created afterwards gets `gc`: the main context is left as it was.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as V8Gc | undefined;
  if (typeof gc !== 'function') throw new Error('V8 did not expose gc() to a new context');
  return gc;
}

/** What one compaction did: RSS before and after (bytes) and how long it took (ms). */
export interface CompactionResult {
  rssBefore: number;
  rssAfter: number;
  ms: number;
}

/** Runs one full memory-reducing collection now and reports its effect. */
export function compactNow(gc: V8Gc = privateGc(), now: () => number = () => performance.now()): CompactionResult {
  const rssBefore = process.memoryUsage.rss();
  const t0 = now();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return { rssBefore, rssAfter: process.memoryUsage.rss(), ms: now() - t0 };
}
