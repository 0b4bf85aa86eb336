/**
 * What the load generators and the convergence suite add to `@vmcp/kube-watcher`'s object requests: the
 * acknowledged resourceVersion of a write, and retries while the API server restarts.
 */
import { Backoff, sleep } from '@vmcp/core';
import { KubeApiError } from '@vmcp/kube-watcher';

/** The `metadata.resourceVersion` of a write answer (the API server's acknowledgement). */
export function resourceVersionOf(answer: unknown): string {
  const rv = (answer as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;
  return typeof rv === 'string' ? rv : '';
}

/** Retries `op` on connection errors and 5xx/429 for up to `timeoutMs` (the API server may be restarting). */
export async function retrying<T>(op: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // 50 ms doubling to 1 s, without jitter: one load generator, not a fleet reconnecting at once.
  const backoff = new Backoff({ initialMs: 50, maxMs: 1000, jitter: 0 });
  for (;;) {
    try {
      return await op();
    } catch (err) {
      const transient = !(err instanceof KubeApiError) || err.status >= 500 || err.status === 429;
      if (!transient || Date.now() > deadline) throw err;
      await sleep(backoff.next());
    }
  }
}
