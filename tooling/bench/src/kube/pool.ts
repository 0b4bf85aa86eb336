/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` in flight, so bulk creation is fast without
 * flooding a 2-core API server. Rejects with the first error after the in-flight tasks settle.
 */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      const index = next++;
      if (index >= count) return;
      try {
        await task(index);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('task failed', { cause: failure });
}
