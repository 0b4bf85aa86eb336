/** Summary statistics of latency samples (milliseconds). */
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile of sorted samples (the value at rank ceil(p·n)); p in (0, 1].
 * @throws RangeError on an empty array or p outside (0, 1].
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile ${p} outside (0, 1]`);
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** Count, p50/p90/p99, max and mean of the samples. @throws RangeError on no samples. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
  };
}

/** Median of the samples. @throws RangeError on no samples. */
export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    0.5,
  );
}

/** ours / baseline, or null when the baseline is 0 (no meaningful ratio). */
export function ratio(ours: number, baseline: number): number | null {
  return baseline === 0 ? null : ours / baseline;
}
