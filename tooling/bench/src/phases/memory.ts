/**
 * Heap and RSS measurement. Figures are only meaningful after a full GC, so node must run with `--expose-gc`
 * (the bench scripts pass it); without it, memory figures are reported as missing rather than guessed.
 */

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether `global.gc()` is available. */
export const canMeasureHeap = (): boolean => typeof gc === 'function';

/** A heap/RSS reading after a full collection. */
export interface MemoryReading {
  heapUsed: number;
  rss: number;
}

/** Collects garbage (twice, letting finalizers and weak refs run in between), then reads heap and RSS. */
export async function settledMemory(): Promise<MemoryReading | undefined> {
  if (!gc) return undefined;
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** Per-object growth between two readings, or nulls when either is missing. */
export function perObject(
  before: MemoryReading | undefined,
  after: MemoryReading | undefined,
  objects: number,
): { heap: number | null; rss: number | null } {
  if (!before || !after || objects === 0) return { heap: null, rss: null };
  return { heap: (after.heapUsed - before.heapUsed) / objects, rss: (after.rss - before.rss) / objects };
}
