import type { ControlPlane } from '@vmcp/envtest';
import type { KubeHttpClient } from '@vmcp/kube-watcher';

/** What every phase gets: the control plane, an admin client, and a logger for progress lines (stderr). */
export interface BenchContext {
  cp: ControlPlane;
  client: KubeHttpClient;
  log: (line: string) => void;
}

/** The group every bench object belongs to and the watcher serves. */
export const BENCH_GROUP = 'bench';

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

/** Resolves after `ms` (`@vmcp/core`'s one `sleep`). */
export { sleep } from '@vmcp/core';

/** Rejects with `message` after `ms` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
